"""The thesis's worked example (§4.2, tables 4.1 and 4.2) entered through the
widgets, as the thesis does: ГДК с.д. and classes of table 4.2 put into the dictionary
with the dictionary editor (fig. 4.2), then the ten masses of table 4.1 added with the
top bar (fig. 4.4)."""

import json

from PySide6.QtCore import Qt

from ecologis.i18n import t

# (search text typed by the user, dictionary id, M t/yr table 4.1, ГДК с.д. table 4.2, class)
THESIS = [
    ("нмлос", "nmvoc", "16.23192", "1.0", "3"),
    ("7446-09-5", "7446-09-5", "8,27394", "0.05", "3"),
    ("nitrogen dioxide", "10102-44-0", "34.78490", "0.04", "2"),
    ("вуглецю оксид", "630-08-0", "27.27720", "3.0", "4"),
    ("суспендован", "total-suspended-particulate-matter-undifferentia", "8.66370", "0.15", "3"),
    ("метан", "74-82-8", "1.96890", "50.0", "4"),
    ("сажа", "1333-86-4", "1.02830", "0.15", "3"),
    ("азотна кислота", "7697-37-2", "0.10829", "0.2", "2"),
    ("діетилов", "60-29-7", "0.01120", "0.6", "3"),
    ("фреон-12", "75-71-8", "0.6870", "1.5", "4"),
]
# Hand calculation, K = a·M/ГДК with a = 1.7/1.3/1.0/0.9 (thesis formula 3.1, fig. 4.1):
#  16.23192/1.0 = 16.23192;  8.27394/0.05 = 165.4788;  1.3·34.7849/0.04 = 1130.509250;
#  0.9·27.2772/3 = 8.18316;  8.6637/0.15 = 57.758;  0.9·1.9689/50 = 0.0354402;
#  1.0283/0.15 = 6.8553333;  1.3·0.10829/0.2 = 0.703885;  0.0112/0.6 = 0.0186667;
#  0.9·0.687/1.5 = 0.4122;   sum = 1386.1866552 → "1386.187", category III
#  (10^3 ≤ КНП < 10^4, thesis §3.3 fig. 3.4), СЗЗ 300 m.
EXPECTED_KNP = 1386.1866552
ROSHEN = (49.2331, 28.4682)


def put_thesis_values_in_dictionary(w, qtbot):
    ed = w.open_dictionary_editor()
    for _search, sid, _m, gdk, cls in THESIS:
        ed.search.clear()
        qtbot.keyClicks(ed.search, sid)
        assert ed.select(sid)
        ed.fields["gdk_sd"].setText(gdk)
        ed.fields["hazard_class"].setText(cls)
        qtbot.mouseClick(ed.btn_apply, Qt.LeftButton)
        assert ed.error.text() == ""
        assert w.wb.dictionary.get(sid).gdk_sd == float(gdk)
    ed.close()


def add_through_top_bar(w, qtbot, h, search, sid, mass):
    w.search.clear()
    h.type(w.search, search)
    i = w.combo.findData(sid)
    assert i >= 0, (search, [w.combo.itemData(k) for k in range(w.combo.count())])
    w.combo.setCurrentIndex(i)
    w.mass.clear()
    h.type(w.mass, mass)
    qtbot.mouseClick(w.btn_add, Qt.LeftButton)
    assert not w.message.isVisible(), w.message.text()


def test_thesis_example_through_widgets(make_window, qtbot, h):
    w = make_window()
    w.act_new.trigger()
    assert w.model.rowCount() == 0
    # enterprise coordinates typed into the lat/lon fields
    w.lat.setValue(ROSHEN[0])
    w.lon.setValue(ROSHEN[1])
    put_thesis_values_in_dictionary(w, qtbot)
    for search, sid, mass, _gdk, _cls in THESIS:
        add_through_top_bar(w, qtbot, h, search, sid, mass)
    assert w.model.rowCount() == 10
    # results panel (display rounded to 3 decimals, locale-aware)
    shown = h.number(w.results.knp_value.text(), "uk")
    assert shown == round(EXPECTED_KNP, 3) == 1386.187
    assert w.results.category_badge.text() == "III"
    assert w.results.szz_value.text() == t("gui.results.szz_value", m="300")
    assert abs(w.wb.result.knp - EXPECTED_KNP) < 1e-9
    # dominant substance: nitrogen dioxide (1130.509 of 1386.187)
    assert w.wb.dictionary.get("10102-44-0").name_uk in w.results.dominant.text()
    # the map page, asked through JavaScript
    h.wait_map(w)
    qtbot.waitUntil(lambda: json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getCircle())"))["radius"] == 300)
    circle = json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getCircle())"))
    marker = json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getMarker())"))
    assert circle["visible"] is True
    assert (marker["lat"], marker["lng"]) == ROSHEN
    assert (circle["lat"], circle["lng"]) == ROSHEN
    # English display of the same number uses the English separators
    w.set_language("en")
    assert w.results.knp_value.text() == "1,386.187"


def test_demo_profile_first_run(make_window, h):
    """First run (empty user folder) shows the thesis demo profile."""
    w = make_window()
    assert w.model.rowCount() == 10
    assert h.number(w.results.knp_value.text(), "uk") == 1386.187
    assert w.results.category_badge.text() == "III"
    # traceability: all ten rows use their own (table 4.2) values
    assert t("gdk_kind.input") in w.results.trace.text()
    assert "1–10" in w.results.trace.text()
    assert t("preset.ecologis-2025.name") in w.results.preset.text()


def test_marker_drag_updates_fields(make_window, qtbot, h):
    w = make_window()
    h.wait_map(w)
    w.map.markerMoved.emit(49.5, 28.1)   # what the page's bridge emits after a drag
    assert (w.lat.value(), w.lon.value()) == (49.5, 28.1)
    assert (w.wb.enterprise.lat, w.wb.enterprise.lon) == (49.5, 28.1)
