"""The Sources tab and the emissions table's Source column in the main window: edit a
cell, refused input, add, delete, assign a row, undo; the map follows the table and a
drag on the real map page is one undoable edit.

Hand calculation (the thesis, formula (3.1), K = a·M/ГДК, preset "ecologis-2025", a = 1.0
for class 3; nitrogen dioxide ГДК с.д. 0.04 mg/m³, class 3 — substance dictionary):
  1.2 g/s at 4000 h/yr: M = 1.2 · 3600 · 4000 / 10⁶ = 17.28 t/yr, K = 17.28 / 0.04 = 432.0
  1.2 g/s at 8760 h/yr: M = 1.2 · 3600 · 8760 / 10⁶ = 37.8432 t/yr, K = 37.8432 / 0.04 = 946.08
"""

import json
import math

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit

from ecologis.gui.models.emissions_model import COL as ECOL
from ecologis.gui.sources_view import COL, COLUMNS
from ecologis.i18n import t, translator
from ecologis.model import Emission, Enterprise, Project, Source
from ecologis.session import Session

LAT0, LON0 = 49.2331, 28.4682
K_4000, K_8760 = 432.0, 946.08


def project():
    return Project(
        enterprise=Enterprise(name="Завод", lat=LAT0, lon=LON0),
        sources=[Source("1", name="Котельня", lat=LAT0 + 0.001, lon=LON0, height_m=30.0, hours_per_year=4000.0),
                 Source("2", name="Сушарка", lat=LAT0, lon=LON0 + 0.002)],
        emissions=[Emission("Азоту діоксид", 1.2, "g/s"), Emission("Азоту діоксид", 1.2, "g/s", source_id="2")])


def window(make_window):
    s = Session(project(), persist_dictionary=False)
    s.clear_history()
    w = make_window(workbench=s, restore=False)
    w.tabs.setCurrentWidget(w.sources_view)
    return w


def closed(editor) -> bool:
    import shiboken6

    return not shiboken6.isValid(editor) or not editor.isVisible()


def edit_source_cell(w, qtbot, row, col, text):
    """Open the cell's editor as a user does, type, press Enter."""
    w.tabs.setCurrentWidget(w.sources_view)
    table = w.sources_view.table
    ix = table.model().index(row, COL[col])
    table.setCurrentIndex(ix)
    table.edit(ix)
    editors = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    editor = editors[0]
    editor.selectAll()
    if text and not text.isascii():
        editor.insert(text)             # QTest types ASCII only
    elif text:
        qtbot.keyClicks(editor, text)
    else:
        qtbot.keyClick(editor, Qt.Key_Backspace)
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: closed(editor))
    QApplication.processEvents()


def cell(w, row, col):
    m = w.sources_view.model
    return m.index(row, COL[col]).data()


def knp(w, h):
    return h.number(w.results.knp_value.text(), "uk")


def test_tab_shows_the_inventory(make_window):
    w = window(make_window)
    assert w.tabs.tabText(w.tabs.indexOf(w.sources_view)) == "Джерела викидів"
    assert w.sources_view.model.rowCount() == 2
    assert [cell(w, 0, c) for c in ("id", "name", "kind", "height_m", "hours_per_year", "rows")] == \
        ["1", "Котельня", "точкове", "30", "4\u00a0000", "0"]      # Ukrainian digit grouping
    assert cell(w, 1, "rows") == "1"
    assert w.model.index(0, ECOL["source"]).data() == "—"
    assert w.model.index(1, ECOL["source"]).data() == "Сушарка"


def test_edit_a_cell_refusal_and_undo(make_window, qtbot, h):
    w = window(make_window)
    edit_source_cell(w, qtbot, 0, "height_m", "45,5")
    assert w.wb.profile.source("1").height_m == 45.5
    assert cell(w, 0, "height_m") == "45,5"
    n_undo = len(w.wb._undo)
    # refused: the message names the source and the field, the old value stays
    edit_source_cell(w, qtbot, 0, "height_m", "1200")
    assert w.statusBar().currentMessage() == "Джерело 1, «Висота, м»: 1200 поза межами 0…1000."
    assert w.wb.profile.source("1").height_m == 45.5 and cell(w, 0, "height_m") == "45,5"
    assert len(w.wb._undo) == n_undo
    # efficiency is typed in per cent and stored as a fraction
    edit_source_cell(w, qtbot, 0, "cleaning_efficiency", "85")
    assert w.wb.profile.source("1").cleaning_efficiency == 0.85 and cell(w, 0, "cleaning_efficiency") == "85"
    # hours of source 2 reach its row: 946.08 (row 1, 8760 h) + 432.0 (row 2, 4000 h) = 1378.08
    assert math.isclose(w.wb.result.knp, K_8760 + K_8760, rel_tol=1e-12)
    edit_source_cell(w, qtbot, 1, "hours_per_year", "4000")
    assert math.isclose(w.wb.result.knp, K_8760 + K_4000, rel_tol=1e-12)
    assert knp(w, h) == round(K_8760 + K_4000, 3)
    w.act_undo.trigger()
    assert math.isclose(w.wb.result.knp, K_8760 + K_8760, rel_tol=1e-12) and cell(w, 1, "hours_per_year") == ""
    w.act_undo.trigger()
    w.act_undo.trigger()
    assert w.wb.profile.source("1").height_m == 30.0 and cell(w, 0, "height_m") == "30"


def test_add_and_delete_with_undo(make_window, qtbot):
    w = window(make_window)
    v = w.sources_view
    qtbot.mouseClick(v.btn_add, Qt.LeftButton)
    assert [s.id for s in w.wb.profile.sources] == ["1", "2", "3"]
    assert v.model.rowCount() == 3 and v.selected_ids() == ["3"]
    assert "додавання джерела" in w.act_undo.text()
    w.act_undo.trigger()
    assert v.model.rowCount() == 2
    # delete source 2 with the Delete key: its row stays, unlinked, KNP unchanged
    knp_before = w.wb.result.knp
    sm = v.table.selectionModel()
    sm.select(v.model.index(1, 0), QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
    v.table.setFocus()
    qtbot.keyClick(v.table, Qt.Key_Delete)
    assert [s.id for s in w.wb.profile.sources] == ["1"]
    assert len(w.wb.emissions) == 2         # the key deleted no emission row
    assert w.wb.emissions[1].source_id is None and w.model.index(1, ECOL["source"]).data() == "—"
    assert w.wb.result.knp == knp_before
    w.act_undo.trigger()
    assert [s.id for s in w.wb.profile.sources] == ["1", "2"]
    assert w.model.index(1, ECOL["source"]).data() == "Сушарка"


def test_assign_a_row_with_the_combo(make_window, qtbot, h):
    w = window(make_window)
    w.tabs.setCurrentIndex(0)
    ix = w.proxy.mapFromSource(w.model.index(0, ECOL["source"]))
    w.table.setCurrentIndex(ix)
    w.table.edit(ix)
    combos = [c for c in w.table.viewport().findChildren(QComboBox) if c.isVisible()]
    assert len(combos) == 1
    combo = combos[0]
    assert [combo.itemText(i) for i in range(combo.count())] == ["—", "1 — Котельня", "2 — Сушарка"]
    combo.setCurrentIndex(1)
    qtbot.keyClick(combo, Qt.Key_Return)
    qtbot.waitUntil(lambda: closed(combo))
    QApplication.processEvents()
    assert w.wb.emissions[0].source_id == "1"
    assert w.model.index(0, ECOL["source"]).data() == "Котельня"
    # row 1 now takes source 1's 4000 h: 432.0 + 946.08 = 1378.08
    assert math.isclose(w.wb.result.knp, K_4000 + K_8760, rel_tol=1e-12)
    assert knp(w, h) == round(K_4000 + K_8760, 3)
    assert cell(w, 0, "rows") == "1"
    # renaming the source shows in the emissions table
    edit_source_cell(w, qtbot, 0, "name", "Котельня №2")
    assert w.model.index(0, ECOL["source"]).data() == "Котельня №2"
    w.act_undo.trigger()
    w.act_undo.trigger()
    assert w.wb.emissions[0].source_id is None and w.model.index(0, ECOL["source"]).data() == "—"
    assert math.isclose(w.wb.result.knp, 2 * K_8760, rel_tol=1e-12)


def test_headers_readable_in_both_languages(make_window, qtbot):
    w = window(make_window)
    for lang in ("uk", "en"):
        w.lang_actions[lang].trigger()
        QApplication.processEvents()
        hh = w.sources_view.table.horizontalHeader()
        texts = [w.sources_view.model.headerData(i, Qt.Horizontal) for i in range(len(COLUMNS))]
        assert all(texts) and len(set(texts)) == len(texts)
        for i in range(len(COLUMNS)):
            assert hh.sectionSize(i) >= hh.sectionSizeFromContents(i).width(), (lang, texts[i])
        assert w.tabs.tabText(w.tabs.indexOf(w.sources_view)) == t("src.tab")
    assert translator.lang == "en"
    assert w.sources_view.btn_add.text() == "Add source"
    assert [cell(w, 0, "kind"), w.model.headerData(ECOL["source"], Qt.Horizontal)] == ["point", "Source"]
    units = {"height_m": ", m", "velocity_m_s": ", m/s", "volume_m3_s": ", m³/s", "temp_c": ", °C",
             "cleaning_efficiency": ", %"}
    for col, unit in units.items():
        assert w.sources_view.model.headerData(COL[col], Qt.Horizontal).endswith(unit)


# ------------------------------------------------------------------ the map
def page_sources(h, w):
    import json

    return json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getSources())"))


def test_map_follows_the_table_and_selection(make_window, qtbot, h):
    w = window(make_window)
    h.wait_map(w)
    qtbot.waitUntil(lambda: len(page_sources(h, w)) == 2, timeout=10000)
    edit_source_cell(w, qtbot, 1, "lat", "49,2345")
    qtbot.waitUntil(lambda: page_sources(h, w)[1]["lat"] == 49.2345, timeout=10000)
    # clearing a coordinate takes the source off the map
    edit_source_cell(w, qtbot, 1, "lon", "")
    qtbot.waitUntil(lambda: [s["id"] for s in page_sources(h, w)] == ["1"], timeout=10000)
    w.act_undo.trigger()
    qtbot.waitUntil(lambda: [s["id"] for s in page_sources(h, w)] == ["1", "2"], timeout=10000)
    # selecting a row highlights the source on the map
    w.sources_view.select("2")
    qtbot.waitUntil(lambda: h.run_js(w, "window.ecologisMap.highlightedSource()") == "2", timeout=10000)


def test_drag_on_the_map_is_one_undoable_edit(make_window, qtbot, h):
    from PySide6.QtTest import QTest

    w = window(make_window)
    h.wait_map(w)
    qtbot.waitUntil(lambda: len(page_sources(h, w)) == 2, timeout=10000)
    h.run_js(w, "window.ecologisMap.map.setView([%r, %r], 16, {animate: false}); true" % (LAT0, LON0))
    pt = json.loads(h.run_js(w, "(function(){var m = window.ecologisMap.layers.sources.getLayers()[0];"
                     "var p = window.ecologisMap.map.latLngToContainerPoint(m.getLatLng());"
                     "return JSON.stringify([p.x, p.y]);})()"))
    start = QPoint(round(pt[0]), round(pt[1]) - 5)      # on the triangle, above its tip
    end = start + QPoint(50, 30)
    target = w.map.view.focusProxy() or w.map.view
    n_undo = len(w.wb._undo)
    QTest.mouseMove(target, start)
    qtbot.wait(50)
    QTest.mousePress(target, Qt.LeftButton, Qt.NoModifier, start)
    for k in range(1, 9):
        QTest.mouseMove(target, start + (end - start) * k / 8)
        qtbot.wait(20)
    QTest.mouseRelease(target, Qt.LeftButton, Qt.NoModifier, end)
    qtbot.waitUntil(lambda: w.wb.profile.source("1").lat != LAT0 + 0.001, timeout=10000)
    src = w.wb.profile.source("1")
    # 50 px east and 30 px south: longitude grows, latitude falls; the other source stays
    assert src.lon > LON0 and src.lat < LAT0 + 0.001
    assert (w.wb.profile.source("2").lat, w.wb.profile.source("2").lon) == (LAT0, LON0 + 0.002)
    assert len(w.wb._undo) == n_undo + 1
    # the table shows the new position; the other fields are kept
    assert w.sources_view.model.index(0, COL["lat"]).data(Qt.EditRole) != "49,2341"
    assert src.height_m == 30.0 and src.hours_per_year == 4000.0 and src.name == "Котельня"
    w.act_undo.trigger()
    assert (w.wb.profile.source("1").lat, w.wb.profile.source("1").lon) == (LAT0 + 0.001, LON0)
    assert cell(w, 0, "lat") == "49,2341"
    qtbot.waitUntil(lambda: page_sources(h, w)[0]["lat"] == LAT0 + 0.001, timeout=10000)


def test_assign_several_selected_rows_at_once(make_window, qtbot):
    w = window(make_window)
    w.tabs.setCurrentIndex(0)
    sm = w.table.selectionModel()
    sm.clearSelection()
    for r in (0, 1):
        sm.select(w.proxy.mapFromSource(w.model.index(r, 0)), QItemSelectionModel.Select | QItemSelectionModel.Rows)
    ix = w.proxy.mapFromSource(w.model.index(0, ECOL["source"]))
    w.table.edit(ix)
    combo = [c for c in w.table.viewport().findChildren(QComboBox) if c.isVisible()][0]
    combo.setCurrentIndex(combo.findData("1"))
    qtbot.keyClick(combo, Qt.Key_Return)
    qtbot.waitUntil(lambda: closed(combo))
    QApplication.processEvents()
    assert [e.source_id for e in w.wb.emissions] == ["1", "1"]
    # both rows at source 1's 4000 h: 2 · 432.0
    assert math.isclose(w.wb.result.knp, 2 * K_4000, rel_tol=1e-12)
    assert cell(w, 0, "rows") == "2" and cell(w, 1, "rows") == "0"
    w.act_undo.trigger()            # one edit
    assert [e.source_id for e in w.wb.emissions] == [None, "2"]
