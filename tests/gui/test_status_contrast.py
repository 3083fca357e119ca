"""Status texts (errors, warnings) are readable in both themes: the colour a user sees,
measured on the rendered widget, has a WCAG 2.x contrast ratio of at least 4.5:1 against
the background it is drawn on (WCAG 2.1, success criterion 1.4.3, "Contrast (Minimum)").

Relative luminance and contrast ratio as WCAG 2.1 defines them:
L = 0.2126 R + 0.7152 G + 0.0722 B with each channel c/255 linearised as c/12.92 below
0.03928, else ((c + 0.055)/1.055)^2.4; ratio = (L_light + 0.05) / (L_dark + 0.05).
Check of the formula: black on white is (1 + 0.05) / (0 + 0.05) = 21.
"""

from collections import Counter

import pytest
from PySide6.QtGui import QColor

from ecologis.gui.theme import apply_theme


def _lum(c: QColor) -> float:
    def lin(v):
        v = v / 255.0
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * lin(c.red()) + 0.7152 * lin(c.green()) + 0.0722 * lin(c.blue())


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((_lum(a), _lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula():
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)   # WCAG's usual example


def seen_colours(widget) -> tuple[QColor, QColor]:
    """(background, text) of the rendered widget: the most frequent pixel is the
    background; the text colour is the pixel farthest from it in contrast (anti-aliased
    edges lie between the two)."""
    img = widget.grab().toImage()
    counts = Counter(img.pixel(x, y) for x in range(img.width()) for y in range(img.height()))
    bg = QColor.fromRgb(counts.most_common(1)[0][0])
    text = max((QColor.fromRgb(p) for p in counts), key=lambda c: contrast(c, bg))
    return bg, text


@pytest.fixture(params=["light", "dark"])
def theme(request, qapp):
    name = apply_theme(request.param)
    yield name
    apply_theme("light")


def _shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_sender_error_is_readable(qtbot, theme):
    from ecologis.gui.panels.sender_panel import SenderPanel

    panel = _shown(qtbot, SenderPanel(lambda: None))
    panel._show("Connection refused: the platform does not answer", error=True)
    bg, fg = seen_colours(panel.result_label)
    assert contrast(fg, bg) >= 4.5, (theme, bg.name(), fg.name())


def test_sender_warnings_are_readable(qtbot, theme):
    from ecologis.gui.panels.sender_panel import SenderPanel

    panel = _shown(qtbot, SenderPanel(lambda: None))
    panel.verify.setChecked(False)            # the "verification off" warning
    assert panel.verify_warning.text()
    bg, fg = seen_colours(panel.verify_warning)
    assert contrast(fg, bg) >= 4.5, (theme, bg.name(), fg.name())
    for state, label in (("missed", panel.deadline_label), ("warning", panel.deadline_label),
                         ("x", panel.inbox_label)):
        if state != "x":
            panel._set_deadline_style(state)
        label.setText("Deadline: 2 h left")
        label.show()
        panel.tabs.setCurrentWidget(label.parentWidget())
        qtbot.waitUntil(label.isVisible)
        bg, fg = seen_colours(label)
        assert contrast(fg, bg) >= 4.5, (theme, state, bg.name(), fg.name())


def test_sender_error_follows_a_theme_switch(qtbot, qapp):
    from ecologis.gui.panels.sender_panel import SenderPanel

    apply_theme("light")
    panel = _shown(qtbot, SenderPanel(lambda: None))
    panel._show("Connection refused", error=True)
    apply_theme("dark")                        # switched while the error is shown
    bg, fg = seen_colours(panel.result_label)
    assert contrast(fg, bg) >= 4.5, (bg.name(), fg.name())
    apply_theme("light")
    bg, fg = seen_colours(panel.result_label)
    assert contrast(fg, bg) >= 4.5, (bg.name(), fg.name())


def test_background_insufficient_mark_is_readable(qtbot, theme, tmp_path):
    """The "insufficient data" cell of the posts tab (red text) in both themes."""
    import importlib.util
    from pathlib import Path

    from ecologis.gui.panels.background_panel import BackgroundPanel

    spec = importlib.util.spec_from_file_location(
        "_bg_helpers", Path(__file__).parents[1] / "background" / "_helpers.py")
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    w = _shown(qtbot, BackgroundPanel())
    vals = {g: [0.1] * 20 for g in ("calm", "N", "E", "S", "W")}
    w.compute_posts(str(helpers.write_rows(tmp_path / "s.csv", helpers.gradation_rows("A", "NO2", vals))))
    item = w.table.item(0, w.table.columnCount() - 1)
    fg = item.foreground().color() if item.foreground().style() else w.table.palette().text().color()
    bg = w.table.palette().base().color()
    assert contrast(fg, bg) >= 4.5, (theme, bg.name(), fg.name())


def test_background_insufficient_mark_follows_a_theme_switch(qtbot, qapp, tmp_path):
    import importlib.util
    from pathlib import Path

    from ecologis.gui.panels.background_panel import BackgroundPanel

    spec = importlib.util.spec_from_file_location(
        "_bg_helpers", Path(__file__).parents[1] / "background" / "_helpers.py")
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    apply_theme("light")
    w = _shown(qtbot, BackgroundPanel())
    vals = {g: [0.1] * 20 for g in ("calm", "N", "E", "S", "W")}
    w.compute_posts(str(helpers.write_rows(tmp_path / "s.csv", helpers.gradation_rows("A", "NO2", vals))))
    apply_theme("dark")                        # switched after the table was filled
    qapp.processEvents()
    item = w.table.item(0, w.table.columnCount() - 1)
    fg, bg = item.foreground().color(), w.table.palette().base().color()
    assert contrast(fg, bg) >= 4.5, (bg.name(), fg.name())
    apply_theme("light")
