"""The journal shows one entry for the same message about several rows."""

from ecologis.io.profile import load_profile
from ecologis.paths import DEMO_PROFILE


def test_same_note_on_ten_rows_is_one_entry(make_window):
    w = make_window(restore=False)
    w.wb.load(load_profile(DEMO_PROFILE))
    # the demo's ten rows all carry their own ГДК and class (thesis table 4.2): one note, rows 1–10
    texts = [w.journal_model.text(i) for i in range(w.journal_model.rowCount())]
    own = [s for s in texts if "власні значення" in s]
    assert len(own) == 1 and "рядки 1–10" in own[0]
    assert w.journal_model.rows[texts.index(own[0])] == list(range(1, 11))
    w.lang_actions["en"].trigger()
    texts = [w.journal_model.text(i) for i in range(w.journal_model.rowCount())]
    assert [s for s in texts if "own values" in s][0].count("rows 1–10") == 1


def test_table_headers_are_not_clipped(make_window):
    from PySide6.QtCore import Qt

    w = make_window(restore=False)
    for lang in ("uk", "en"):
        w.lang_actions[lang].trigger()
        hh = w.table.horizontalHeader()
        fm = hh.fontMetrics()
        for col in range(w.model.columnCount() - 1):          # the last column stretches
            text = str(w.model.headerData(col, Qt.Horizontal) or "")
            if text:
                assert hh.sectionSize(col) >= fm.horizontalAdvance(text), (lang, text)


def test_hazard_panel_starts_from_the_project_enterprise(make_window):
    w = make_window(restore=False)
    w.wb.load(load_profile(DEMO_PROFILE))
    panel = w.open_panel("HazardIdentificationPanel")
    ent = w.wb.profile.enterprise
    assert panel.enterprise_edits["name"].text() == ent.name
    assert panel.enterprise_edits["kved"].text() == ", ".join(ent.kved)
    assert not w.panels_changed()              # a pre-filled form is not an edit


def test_results_show_the_normative_zone_beside_the_knp_estimate(make_window):
    from ecologis.model import Project

    w = make_window(restore=False)
    w.wb.load(load_profile(DEMO_PROFILE))
    w.lang_actions["en"].trigger()
    # the ROSHEN dairy: ДСП 173-96 annex 4 class V → 50 m; the КНП category III radius 300 m is an estimate
    assert "class V: 50 m" in w.results.normative.text()
    assert w.results.szz_caption.text() == "SPZ by KNP (estimate):" and w.results.szz_value.text() == "300 m"
    w.wb.load(Project(emissions=load_profile(DEMO_PROFILE).emissions))
    assert "no sanitary class" in w.results.normative.text()


def test_a_long_journal_entry_wraps_inside_the_journal(make_window, qtbot):
    """The demo's note (about 100 characters) is read whole in the journal's width: it wraps
    onto further lines instead of running off to the right behind a scroll bar."""
    w = make_window(restore=False)
    w.resize(1400, 880)
    w.wb.load(load_profile(DEMO_PROFILE))
    qtbot.wait(50)
    view = w.journal
    idx = w.journal_model.index(0)
    fm = view.fontMetrics()
    text = w.journal_model.text(0)
    assert fm.horizontalAdvance(text) > view.viewport().width()      # longer than the journal is wide
    rect = view.visualRect(idx)
    assert rect.width() <= view.viewport().width()
    assert rect.height() >= 2 * fm.lineSpacing()                      # shown on two lines or more
    assert view.horizontalScrollBar().maximum() == 0
