"""An edit updates only what it changed, and the window still shows the same numbers.

The demo profile is the thesis example (tables 4.1/4.2); expected numbers come from the
hand formula K = a·M/ГДК (thesis formula 3.1) written out here, never from the GUI.
"""

import json
import math

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from ecologis.gui.models.emissions_model import COL, COLUMNS, EmissionsModel
from ecologis.gui.models.journal_model import JournalModel
from ecologis.i18n import translator

A = {1: 1.7, 2: 1.3, 3: 1.0, 4: 0.9}
# demo profile = thesis tables 4.1/4.2: (M t/yr, ГДК с.д., class)
DEMO = [(16.23192, 1.0, 3), (8.27394, 0.05, 3), (34.7849, 0.04, 2), (27.2772, 3.0, 4), (8.6637, 0.15, 3),
        (1.9689, 50.0, 4), (1.0283, 0.15, 3), (0.10829, 0.2, 2), (0.0112, 0.6, 3), (0.687, 1.5, 4)]


def _changed_cells(model, action) -> set[tuple[int, int]]:
    cells: set[tuple[int, int]] = set()

    def seen(tl, br, roles=()):
        cells.update((r, c) for r in range(tl.row(), br.row() + 1) for c in range(tl.column(), br.column() + 1))

    model.dataChanged.connect(seen)
    try:
        action()
    finally:
        model.dataChanged.disconnect(seen)
    return cells


def test_mass_edit_signals_only_the_cells_it_changed(make_window, h):
    w = make_window(demo=True, restore=False)
    n = w.model.rowCount()
    assert n == len(DEMO)
    cells = _changed_cells(w.model, lambda: w.model.setData(w.model.index(2, COL["mass"]), "40"))
    # the edited row (all its cells) and the share of every row (the total changed)
    assert {(2, c) for c in range(len(COLUMNS))} <= cells
    assert {(r, COL["share"]) for r in range(n)} <= cells
    # nothing else: another row's substance, mass, ГДК and contribution stay as painted
    for r in (0, 1, 3, 9):
        for name in ("substance", "mass", "gdk", "class", "contribution"):
            assert (r, COL[name]) not in cells


def test_edited_table_shows_what_a_fresh_model_shows(make_window, h):
    w = make_window(demo=True, restore=False)
    QApplication.processEvents()                 # painted: the rows' texts are cached
    for row, mass in ((2, "40"), (0, "20,5"), (2, "35")):
        assert w.model.setData(w.model.index(row, COL["mass"]), mass)
        QApplication.processEvents()
    fresh = EmissionsModel(w.wb)
    try:
        for r in range(w.model.rowCount()):
            for c in range(len(COLUMNS)):
                assert w.model.index(r, c).data() == fresh.index(r, c).data(), (r, COLUMNS[c])
    finally:
        fresh.detach()
    # hand check of an unedited row's share: K = Σ a·M/ГДК with rows 1 and 3 edited
    rows = list(DEMO)
    rows[0] = (20.5, 1.0, 3)
    rows[2] = (35.0, 0.04, 2)
    knp = sum(A[c] * m / g for m, g, c in rows)
    share_row4 = 100 * A[4] * 27.2772 / 3.0 / knp        # row 4: 0.9 · 27.2772 / 3.0
    assert h.number(w.model.index(3, COL["share"]).data(), "uk") == round(share_row4, 2)
    assert h.number(w.results.knp_value.text(), "uk") == round(knp, 3)


def test_duplicate_row_contribution_follows_an_edit_of_its_twin(make_window, h):
    """With duplicates summed the contribution of one row depends on its twin: an edit
    of one must repaint both (the changed-cell diff must see it)."""
    w = make_window(demo=True, restore=False)
    first = w.wb.emissions[0]
    w.wb.add_row(first.substance, "10", "t/yr")           # a twin of row 1 (class 3, ГДК 1.0)
    twin = w.model.rowCount() - 1
    before = w.model.index(0, COL["contribution"]).data()
    cells = _changed_cells(w.model, lambda: w.model.setData(w.model.index(twin, COL["mass"]), "20"))
    fresh = EmissionsModel(w.wb)
    try:
        for c in ("contribution", "share"):
            assert w.model.index(0, COL[c]).data() == fresh.index(0, COL[c]).data()
    finally:
        fresh.detach()
    if w.model.index(0, COL["contribution"]).data() != before:
        assert (0, COL["contribution"]) in cells


class _Paints(QObject):
    def __init__(self):
        super().__init__()
        self.regions = []

    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Paint:
            self.regions.append(ev.region())
        return False


def test_mass_edit_repaints_only_the_changed_cells(make_window, h):
    w = make_window(demo=True, restore=False)
    w.resize(1400, 880)
    QApplication.processEvents()
    vp = w.table.viewport()
    paints = _Paints()
    vp.installEventFilter(paints)
    try:
        QApplication.processEvents()
        paints.regions.clear()
        assert w.model.setData(w.model.index(2, COL["mass"]), "40")
        QApplication.processEvents()
    finally:
        vp.removeEventFilter(paints)
    assert paints.regions, "the edited cells were not repainted"
    painted = paints.regions[0]
    for r in paints.regions[1:]:
        painted = painted.united(r)
    edited = w.table.visualRect(w.proxy.mapFromSource(w.model.index(2, COL["substance"]))).center()
    untouched = w.table.visualRect(w.proxy.mapFromSource(w.model.index(0, COL["substance"]))).center()
    assert painted.contains(edited)
    assert not painted.contains(QPoint(untouched))


def test_unchanged_journal_is_not_reset_and_a_language_switch_retranslates_it(make_window, h):
    w = make_window(demo=True, restore=False)
    w.wb.add_row(w.wb.emissions[0].substance, "10", "t/yr")   # a duplicate: a journal entry
    model = w.journal_model
    assert model.rowCount() > 0
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    model.set_issues(list(w.wb.result.journal))
    assert resets == []
    uk_text = model.index(0).data()
    try:
        w.set_language("en")
        en_text = model.index(0).data()
        assert en_text != uk_text
        issue, rows = model.issues[0], model.rows[0]
        if len(rows) <= 1:
            assert en_text.endswith(issue.located_message("en"))
    finally:
        w.set_language("uk")
    assert model.index(0).data() == uk_text
    assert math.isfinite(w.wb.result.knp)


def test_journal_model_resets_when_an_entry_changes():
    from ecologis.core.validation import issue as Issue

    model = JournalModel()
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    model.set_issues([Issue("W_CLASS_MISSING", 1, "hazard_class")])
    model.set_issues([Issue("W_CLASS_MISSING", 1, "hazard_class")])     # same entry: no reset
    model.set_issues([Issue("W_CLASS_MISSING", 2, "hazard_class")])     # another row: reset
    assert len(resets) == 2
    assert model.issues[0].row == 2
    assert translator.lang in ("uk", "en")


def test_headers_follow_the_display_unit_and_the_language(make_window, h):
    """Header texts are cached per language: a unit or language switch shows the new text."""
    from PySide6.QtCore import Qt

    from ecologis.i18n import t, t_lang

    w = make_window(demo=True, restore=False)
    mass = COL["mass"]
    assert w.model.headerData(mass, Qt.Horizontal) == t("gui.col.mass", unit=t("gui.unit.t/yr"))
    w.wb.set_display_unit("g/s")
    assert w.model.headerData(mass, Qt.Horizontal) == t("gui.col.mass", unit=t("gui.unit.g/s"))
    assert w.model.headerData(3, Qt.Vertical) == "4"
    try:
        w.set_language("en")
        assert w.model.headerData(COL["substance"], Qt.Horizontal) == t_lang("en", "col.substance")
        assert w.model.headerData(mass, Qt.Horizontal) == t_lang("en", "gui.col.mass", unit=t_lang("en", "gui.unit.g/s"))
    finally:
        w.set_language("uk")
    assert w.model.headerData(COL["substance"], Qt.Horizontal) == t_lang("uk", "col.substance")


def _on_screen(w, widget):
    """What the window's backing store shows of ``widget`` (no repaint forced: the offscreen
    platform grabs the pixels painted so far)."""
    top_left = widget.mapTo(w, QPoint(0, 0))
    return w.screen().grabWindow(w.winId(), top_left.x(), top_left.y(), widget.width(), widget.height()).toImage()


def test_edits_painted_by_the_event_loop_leave_nothing_stale(make_window, h):
    """After edits painted only as the event loop paints (partial repaints of what changed),
    the table and the results panel show exactly what rendering them anew shows, and the
    map's zone is the one of the new result: no stale cell, label or circle.  (Fails when
    the table view leaves a changed cell unpainted.)"""
    w = make_window(demo=True, restore=False)
    w.resize(1400, 880)
    h.wait_map(w)
    QApplication.processEvents()
    targets = (w.table.viewport(), w.results)
    for row, mass in ((2, "40"), (0, "20,5"), (1, "0,001"), (2, "0,5")):
        assert w.model.setData(w.model.index(row, COL["mass"]), mass)
        # two event-loop turns: item views (the recommendations list) lay out new items
        # in the turn after the change, then paint them
        QApplication.processEvents()
        QApplication.processEvents()
        for widget in targets:
            # what is on screen == the widget rendered anew in full (QWidget.grab)
            fresh = widget.grab().toImage().convertToFormat(QImage.Format_RGB32)
            assert _on_screen(w, widget).convertToFormat(QImage.Format_RGB32) == fresh, (row, type(widget).__name__)
    # the map's circle has the zone of the current result (the page confirms it)
    res = w.wb.result
    circle = json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getCircle())"))
    assert circle["radius"] == (res.szz_m if res.knp > 0 else 0)


def test_an_edit_that_keeps_the_zone_sends_nothing_to_the_map(make_window, h):
    """The map page is called only when the zone changes: an edit that keeps the СЗЗ
    radius costs no JavaScript call; one that changes it moves the page's circle."""
    w = make_window(demo=True, restore=False)
    h.wait_map(w)
    calls = []
    page = w.map.page
    real = page.runJavaScript
    page.runJavaScript = lambda *a: (calls.append(a[0]), real(*a))
    try:
        radius = w.wb.result.szz_m
        # row 1: 16.23192 → 20.5 t/yr adds 1.0·(20.5 − 16.23192)/1.0 ≈ 4.3 to a КНП of ≈ 1386
        # (Σ a·M/ГДК over DEMO): the same category, the same zone
        assert w.model.setData(w.model.index(0, COL["mass"]), "20,5")
        QApplication.processEvents()
        assert w.wb.result.szz_m == radius
        assert calls == []
        # row 3 (34.7849 t/yr, class 2, ГДК 0.04: 1.3·34.7849/0.04 ≈ 1130 of the ≈ 1390) down
        # to 0.001 t/yr: the КНП falls to ≈ 260, another category and zone
        assert w.model.setData(w.model.index(2, COL["mass"]), "0,001")
        QApplication.processEvents()
        assert w.wb.result.szz_m != radius
        assert calls, "the new zone was not sent to the map"
    finally:
        del page.runJavaScript
    circle = json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getCircle())"))
    assert circle["radius"] == w.wb.result.szz_m
