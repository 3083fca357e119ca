"""BackgroundPanel (pytest-qt, offscreen): shows core results, the reconstructed notice,
translated errors with row numbers, and retranslates live."""

import importlib.util
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt

QCoreApplication.setAttribute(Qt.AA_ShareOpenGLContexts)
try:  # QtWebEngine must be loaded before the QApplication exists (other GUI tests need it)
    import PySide6.QtWebEngineWidgets  # noqa: E402,F401
except ImportError:  # pragma: no cover
    pass

from ecologis.gui.panels.background_panel import BackgroundPanel  # noqa: E402
from ecologis.i18n import translator  # noqa: E402

_spec = importlib.util.spec_from_file_location("_bg_helpers", Path(__file__).with_name("_helpers.py"))
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)


def _cells(table):
    return [[table.item(i, j).text() for j in range(table.columnCount())] for i in range(table.rowCount())]


def test_default_tab_and_language_switch(qtbot):
    w = BackgroundPanel()
    qtbot.addWidget(w)
    w.population.setValue(30_000)
    w.substances.setText("CO")
    w.compute_default()
    # table 4.1, < 50 thousand, CO: 0,4 mg/m³ and 0,08 ГДК
    assert _cells(w.table)[0][:3] == ["Оксид вуглецю", "0.4", "0.08"]
    assert w.notice.isHidden()
    assert w.tabs.tabText(0) == "Без спостережень (п. 4.8)"
    translator.set_language("en")
    assert w.tabs.tabText(0) == "No observations (§4.8)"
    assert _cells(w.table)[0][0] == "Carbon monoxide"
    assert w.table.horizontalHeaderItem(1).text() == "Cf, mg/m³"


def test_posts_tab_reconstructed_notice_and_errors(qtbot, tmp_path):
    w = BackgroundPanel()
    qtbot.addWidget(w)
    vals = {g: [0.1] * 20 for g in ("calm", "N", "E", "S", "W")}
    p = h.write_rows(tmp_path / "s.csv", h.gradation_rows("A", "NO2", vals))
    w.compute_posts(str(p))
    row = _cells(w.table)[0]
    assert row[0] == "A" and row[2:7] == ["0.1"] * 5
    assert row[-1].startswith("НІ")                      # 100 samples < 600 (§2.3)
    assert not w.notice.isHidden() and "РЕКОНСТРУЙОВАНИЙ" in w.notice.text()
    bad = h.write_rows(tmp_path / "bad.csv", [("2023-01-01 00:00", "A", "NO2", -1, 1, "")])
    w.compute_posts(str(bad))
    assert w.result is None and w.table.rowCount() == 0
    assert "bad.csv" in w.info.text() and "рядок 2" in w.info.text()


def test_offices_search(qtbot):
    w = BackgroundPanel()
    qtbot.addWidget(w)
    w.city.setText("Харків")
    # annex 7: Харків, 10 posts
    assert _cells(w.table)[0][:2] == ["Харків", "10"]


def test_default_tab_source_reference_is_translated(qtbot):
    """The source column names the Order in the user's language, not fixed English text."""
    translator.set_language("uk")
    w = BackgroundPanel()
    qtbot.addWidget(w)
    w.population.setValue(30_000)
    w.substances.setText("CO")
    w.compute_default()
    # < 50 thousand inhabitants: table 4.1 band "<50" (resources/background/table_4_1.json)
    # Correction: the line numbers of our copy of the Order ("рядки джерела 483-499") are no
    # citation for a user; the cell cites the Order, the table and the band only.
    assert _cells(w.table)[0][3] == "Наказ 286 §4.8, таблиця 4.1, діапазон <50 тис. жителів"
    translator.set_language("en")
    assert _cells(w.table)[0][3] == "Order 286 §4.8, table 4.1, band <50 thousand inhabitants"


def test_panel_unsubscribes_from_the_translator_when_destroyed(qtbot):
    from shiboken6 import delete

    n = len(translator._subscribers)
    w = BackgroundPanel()
    assert len(translator._subscribers) == n + 1
    assert w.notice.objectName() == "inlineError"        # colour from the theme, not inline
    delete(w)
    assert len(translator._subscribers) == n
    translator.set_language("en")                         # nothing calls into the deleted widget


def test_broken_user_curve_table_reported_in_the_panel(qtbot, tmp_path):
    from ecologis.paths import user_data_dir

    translator.set_language("uk")
    curve = user_data_dir() / "background" / "transition_function.csv"
    curve.parent.mkdir(parents=True, exist_ok=True)
    curve.write_text("X,Y\n0,1\n1,2\n", encoding="utf-8")
    try:
        w = BackgroundPanel()
        qtbot.addWidget(w)
        vals = {g: [0.1] * 20 for g in ("calm", "N", "E", "S", "W")}
        w.compute_posts(str(h.write_rows(tmp_path / "s.csv", h.gradation_rows("A", "NO2", vals))))
        assert w.result is None
        assert str(curve) in w.info.text() and "очікуваний заголовок V,F" in w.info.text()
        assert "bg.err" not in w.info.text()
    finally:
        curve.unlink()
