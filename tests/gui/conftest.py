"""GUI test helpers: QtWebEngine must be loaded before the QApplication exists."""

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt

QCoreApplication.setAttribute(Qt.AA_ShareOpenGLContexts)
import PySide6.QtWebEngineWidgets  # noqa: E402,F401


def answer(kind, **kw):
    """Non-interactive answers to the window's questions."""
    return {"recover": True, "unsaved": "discard"}.get(kind)


@pytest.fixture
def make_window(qtbot):
    """Factory: ``make_window(**kw)`` builds a MainWindow that never blocks on a dialog."""
    from ecologis.gui.main_window import MainWindow

    made = []

    def make(**kw):
        kw.setdefault("prompt", answer)
        w = MainWindow(**kw)
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        return w

    yield make
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    for w in made:
        try:
            w._prompt = answer
            w.close()
            w.deleteLater()
        except RuntimeError:
            pass
    # delete the windows (and their web pages) now, not at interpreter exit
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    QApplication.processEvents()


def wait_map(qtbot, w, timeout=20000):
    if w.map is not None and not w.map.is_ready():
        with qtbot.waitSignal(w.map.pageReady, timeout=timeout):
            pass


def run_js(qtbot, w, code, timeout=10000):
    out = {}
    w.map.run_js(code, lambda v: out.setdefault("v", v))
    qtbot.waitUntil(lambda: "v" in out, timeout=timeout)
    return out["v"]


def open_cell_editor(w, row: int, col: int):
    """Open the table's in-place editor of a cell as a double click does; the one line edit
    it shows."""
    from PySide6.QtWidgets import QLineEdit

    ix = w.proxy.mapFromSource(w.model.index(row, col))
    w.table.setCurrentIndex(ix)
    w.table.edit(ix)
    editors = [e for e in w.table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    return editors[0]


def type_text(qtbot, widget, text: str) -> None:
    """Type like a user, one key event per character (QTest cannot type non-ASCII)."""
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            for typ in (QKeyEvent.KeyPress, QKeyEvent.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(typ, 0, Qt.NoModifier, ch))


def shown_number(text: str, lang: str) -> float:
    loc = QLocale(QLocale.Ukrainian, QLocale.Ukraine) if lang == "uk" else QLocale(QLocale.English, QLocale.UnitedStates)
    value, ok = loc.toDouble(text)
    assert ok, text
    return value


@pytest.fixture
def h(qtbot):
    """Helpers: ``h.wait_map(w)``, ``h.run_js(w, code)``, ``h.number(text, lang)``."""
    import types

    return types.SimpleNamespace(
        wait_map=lambda w, timeout=20000: wait_map(qtbot, w, timeout),
        run_js=lambda w, code, timeout=10000: run_js(qtbot, w, code, timeout),
        number=shown_number,
        answer=answer,
        type=lambda widget, text: type_text(qtbot, widget, text),
    )
