"""Feature panels in the main window: dispersion overlays drawn on the real map page,
panel state kept in the profile (ОПН register events, background results), the
background panel's pick-on-map mode, and issue 4's history / re-assessment / recent
files / lenient session restore."""

import json

import pytest

from ecologis.i18n import t, translator

LAT0, LON0 = 49.2331, 28.4682


def _isolines(levels):
    """A FeatureCollection as OND-86's isolines_geojson makes it: one MultiLineString
    per level, property ``level`` in shares of ГДК м.р."""
    feats = []
    for i, lv in enumerate(levels):
        d = 0.001 * (i + 1)
        ring = [[LON0 - d, LAT0 - d], [LON0 + d, LAT0 - d], [LON0 + d, LAT0 + d], [LON0 - d, LAT0 - d]]
        feats.append({"type": "Feature", "properties": {"level": lv, "unit": "share_gdk", "level_mg_m3": lv * 0.2},
                      "geometry": {"type": "MultiLineString", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": feats}


def _result(target="NO2"):
    zone = {"type": "Feature", "properties": {"kind": "calculated_szz", "target": target, "level": 1.0},
            "geometry": {"type": "MultiPolygon", "coordinates": [[[[LON0 - 0.001, LAT0 - 0.001],
                                                                  [LON0 + 0.001, LAT0 - 0.001],
                                                                  [LON0, LAT0 + 0.001],
                                                                  [LON0 - 0.001, LAT0 - 0.001]]]]}}
    return {"target": target, "isolines": _isolines([0.5, 1.0, 2.0]), "szz_contour": zone,
            "field_max": {"lat": LAT0 + 0.0005, "lon": LON0, "share_gdk_with_background": 2.5,
                          "value_with_background_mg_m3": 0.5},
            "receptors": [], "result": {}}


def test_receptor_concentrations_drawn_with_their_values(make_window, h, qtbot):
    w = make_window(demo=True, restore=False)
    h.wait_map(w)
    res = _result()
    res["receptors"] = [{"id": "R1", "name": "Школа <b>1</b>", "lat": LAT0 + 0.002, "lon": LON0,
                         "value_mg_m3": 0.1, "value_with_background_mg_m3": 0.15, "share_gdk_with_background": 0.75}]
    w.show_dispersion(res)
    qtbot.waitUntil(lambda: "receptor_values" in _overlays(h, w), timeout=10000)
    assert _overlays(h, w)["receptor_values"]["features"] == 1
    text = h.run_js(w, """(function(){ var out = '';
        window.ecologisMap.map.eachLayer(function(l){ if (l.getPopup && l.getPopup() && l instanceof L.CircleMarker) {
            l.openPopup(); var t = l.getPopup().getElement().textContent; if (t.indexOf('Школа') >= 0) { out = t; } } });
        return out; })()""")
    # values from the dispersion result: 0.75 of ГДК м.р., 0.15 mg/m³, Ukrainian decimal comma; the name as text
    assert "Школа <b>1</b>: 0,75 ГДК м.р. (0,15 мг/м³" in text
    w.show_dispersion({})
    qtbot.waitUntil(lambda: "receptor_values" not in _overlays(h, w), timeout=10000)


def _overlays(h, w):
    return json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getOverlays())"))


def test_dispersion_overlays_through_the_page(make_window, h, qtbot):
    w = make_window(demo=True, restore=False)
    h.wait_map(w)
    panel = w.open_panel("DispersionPanel")
    assert panel is not None
    panel.resultReady.emit(_result())
    qtbot.waitUntil(lambda: "isolines" in _overlays(h, w), timeout=10000)
    ov = _overlays(h, w)
    assert ov["isolines"]["features"] == 3
    # labels in shares of ГДК м.р., Ukrainian decimal comma
    assert ov["isolines"]["labels"] == ["0,5 ГДК м.р.", "1 ГДК м.р.", "2 ГДК м.р."]
    assert ov["szz_contour"]["features"] == 1 and ov["field_max"]["features"] == 1
    # the normative zone (circle of 300 m, КНП 1386.187 → III) is still drawn beside it
    assert json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getCircle())"))["visible"] is True
    legend = h.run_js(w, "window.ecologisMap.legendText()")
    assert t("map.overlay.isolines") in legend and t("map.overlay.szz_contour") in legend
    # the MapView read-back gives the same
    got = {}
    w.map.read_overlays(got.update)
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    assert got["isolines"]["features"] == 3
    # English labels after a language switch
    translator.set_language("en")
    qtbot.waitUntil(lambda: _overlays(h, w)["isolines"]["labels"][0] == "0.5 one-time MPC", timeout=10000)
    # a failed run clears the drawing
    panel.runFailed.emit(["x"])
    qtbot.waitUntil(lambda: _overlays(h, w) == {}, timeout=10000)


def test_overlay_text_is_escaped(make_window, h, qtbot):
    w = make_window(demo=True, restore=False)
    h.wait_map(w)
    evil = "<img src=x onerror=window.__pwned=1>"
    w.show_dispersion(_result(target=evil))
    qtbot.waitUntil(lambda: "field_max" in _overlays(h, w), timeout=10000)
    text = h.run_js(w, """(function(){ var m = window.ecologisMap, out = '';
        m.map.eachLayer(function(l){ if (l.getPopup && l.getPopup() && l instanceof L.CircleMarker) {
            l.openPopup(); out = l.getPopup().getElement().textContent; } });
        return out + '|' + document.querySelectorAll('.leaflet-popup img').length + '|' + (window.__pwned || 0); })()""")
    body, imgs, pwned = text.rsplit("|", 2)
    assert evil in body and imgs == "0" and pwned == "0"


def test_opn_events_and_background_results_kept_in_profile(make_window, tmp_path, qtbot):
    w = make_window(demo=True, restore=False)
    opn = w.open_panel("HazardIdentificationPanel")
    assert opn.add_event("primary_identification", "2024-03-01", "перша")
    bg = w.open_panel("BackgroundPanel")
    bg.population.setValue(40_000)          # < 50 thousand: table 4.1 first band
    bg.compute_default()
    assert bg.result is not None
    stored = w.wb.profile.background.results
    assert len(stored) == 1 and w.wb.dirty
    path = tmp_path / "p.json"
    assert w.save_to(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    ev = doc["hazard_identification"]["events"]
    assert [(e["type"], e["date"], e["note"]) for e in ev] == [("primary_identification", "2024-03-01", "перша")]
    assert len(doc["background"]["results"]) == 1

    w2 = make_window(open_file=str(path), restore=False)
    opn2 = w2.open_panel("HazardIdentificationPanel")
    assert [(e["type"], e["date"]) for e in opn2.events_model.rows] == [("primary_identification", "2024-03-01")]
    bg2 = w2.open_panel("BackgroundPanel")
    assert len(bg2.stored_texts()) == 1
    # File ▸ New: the open panels follow the new (empty) profile
    w2.file_new()
    assert opn2.events_model.rows == [] and bg2.stored_texts() == []


def test_dispersion_state_in_profile(make_window, tmp_path):
    w = make_window(demo=True, restore=False)
    panel = w.open_panel("DispersionPanel")
    assert hasattr(panel, "state") and hasattr(panel, "load_state")
    panel.A.setValue(180)                    # a value the user typed (not derived from the profile)
    path = tmp_path / "p.json"
    assert w.save_to(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    from ecologis.io.profile import load_profile

    saved = load_profile(path).section("dispersion")
    assert doc["schema_version"] == 3 and "dispersion" not in doc["extensions"]
    assert saved == json.loads(json.dumps(panel.state()))
    assert saved["A"] == 180
    w2 = make_window(open_file=str(path), restore=False)
    p2 = w2.open_panel("DispersionPanel")
    assert p2.A.value() == 180
    assert json.loads(json.dumps(p2.state())) == saved


def test_background_point_picked_on_map(make_window, h, qtbot):
    w = make_window(demo=True, restore=False)
    h.wait_map(w)
    bg = w.open_panel("BackgroundPanel")
    bg.pick_btn.click()
    qtbot.waitUntil(lambda: h.run_js(w, "window.ecologisMap.isPicking()") is True, timeout=10000)
    with qtbot.waitSignal(w.map.pointPicked, timeout=10000):
        h.run_js(w, "window.ecologisMap.pickAt(49.25, 28.5)")
    assert (bg.lat.value(), bg.lon.value()) == (49.25, 28.5)
    assert bg.tabs.currentIndex() == 2
    assert h.run_js(w, "window.ecologisMap.isPicking()") is False


def test_background_in_tools_menu(make_window):
    w = make_window(demo=True, restore=False)
    a = w.panel_actions["gui.menu.panel.background"]
    assert a.isVisible() and a.text() == t("gui.menu.panel.background")
    a.trigger()
    assert w.panel("BackgroundPanel") is not None


# ---------------------------------------------------------------- issue 4
def _no2_profile(tmp_path):
    from ecologis.model import Emission
    from ecologis.io.profile import Project, save_profile

    p = Project()
    p.emissions = [Emission(substance="Азоту діоксид", mass=34.7849, unit="t/yr")]
    path = tmp_path / "no2.json"
    save_profile(p, path)
    return path


def test_history_recorded_on_save_when_changed(make_window, tmp_path):
    path = _no2_profile(tmp_path)
    w = make_window(open_file=str(path), restore=False)
    assert w.save_to(path)
    hist = json.loads(path.read_text(encoding="utf-8"))["history"]
    # dictionary NO2: ГДК с.д. 0.04, class 3 (a = 1.0): 34.7849/0.04 = 869.6225 → IV, 100 m
    assert len(hist) == 1 and abs(hist[0]["knp"] - 869.6225) < 1e-9 and hist[0]["category"] == "IV"
    assert w.save_to(path)                                   # nothing changed: no new entry
    assert len(json.loads(path.read_text(encoding="utf-8"))["history"]) == 1
    w.wb.set_mass(0, "69.5698")                              # 69.5698/0.04 = 1739.245 → III
    assert w.save_to(path)
    hist = json.loads(path.read_text(encoding="utf-8"))["history"]
    assert len(hist) == 2 and abs(hist[1]["knp"] - 1739.245) < 1e-9 and hist[1]["category"] == "III"


def test_reassessment_notice_when_dictionary_changed(make_window, tmp_path):
    from dataclasses import replace

    from ecologis.io.reference_data import load_dictionary
    from ecologis.io.profile import Project
    from ecologis.session import Session

    path = _no2_profile(tmp_path)
    w = make_window(open_file=str(path), restore=False)
    assert w.save_to(path)                                   # history: 869.6225, IV
    d2 = load_dictionary(user_path=False)
    no2 = d2.lookup("Азоту діоксид")
    d2.put(replace(no2, gdk_sd=0.02))                         # 34.7849/0.02 = 1739.245 → III
    asked = []
    w2 = make_window(workbench=Session(Project(), dictionary=d2), restore=False,
                     prompt=lambda kind, **kw: asked.append((kind, kw.get("text"))) or "discard")
    assert w2.open_path(path, ask=False)
    notes = [text for kind, text in asked if kind == "reassess"]
    assert len(notes) == 1
    assert "869.62" in notes[0] and "1739.24" in notes[0] and "IV" in notes[0] and "III" in notes[0]
    assert w2.last_reassessment.dictionary_changed
    # the history itself is not replaced by opening
    assert len(w2.wb.profile.history) == 1
    # the same dictionary: no notice
    asked.clear()
    w3 = make_window(restore=False, prompt=lambda kind, **kw: asked.append(kind) or "discard")
    assert w3.open_path(path, ask=False)
    assert "reassess" not in asked


def test_one_recent_files_list(make_window, tmp_path):
    from ecologis.session import session_path
    from ecologis.gui.panels import file_actions

    path = _no2_profile(tmp_path)
    w = make_window(open_file=str(path), restore=False)
    assert file_actions.recent_profiles()[0] == str(path.resolve())
    assert w.recent == file_actions.recent_profiles()
    assert [a.text() for a in w.menu_recent.actions()] == file_actions.recent_profiles()
    w.save_session()
    assert "recent" not in json.loads(session_path().read_text(encoding="utf-8"))
    # a file saved through the profiles area's dialog appears in the window's menu too
    other = tmp_path / "other.json"
    file_actions.save_profile_dialog(w, w.wb.profile, other)
    w._fill_recent()
    assert w.recent[0] == str(other.resolve())


def test_session_saved_mid_edit_restores(make_window):
    """A session whose profile fails the strict (semantic) checks — here an ЄДРПОУ with a
    wrong check digit being typed — still restores; the demo is not shown instead."""
    from ecologis.session import session_path
    from ecologis.io.atomic import atomic_write_text

    w = make_window(demo=True, restore=False)
    state = w.wb.state_json()
    # weights 1..7: 1+4+9+16+25+36+49 = 140, 140 mod 11 = 8 → "12345678" is valid, "…0" is not
    state["profile"]["enterprise"]["edrpou"] = "12345670"
    state["profile"]["emissions"] = state["profile"]["emissions"][:3]
    from ecologis.io.profile import ProfileError, project_from_json
    with pytest.raises(ProfileError):
        project_from_json(state["profile"], "session", strict=True)
    atomic_write_text(session_path(), json.dumps({"workbench": state, "language": "uk"}))
    w2 = make_window()
    assert w2.wb.row_count() == 3
    assert w2.wb.enterprise.edrpou == "12345670"


def test_panel_edits_count_as_unsaved_and_survive_the_session(make_window, tmp_path):
    asked = []
    w = make_window(demo=True, restore=False, prompt=lambda kind, **kw: asked.append(kind) or "discard")
    opn = w.open_panel("HazardIdentificationPanel")
    assert not w.wb.dirty and not w.panels_changed()
    assert opn.add_event("registration", "2024-05-02")
    assert w.panels_changed()
    assert w.file_new()                      # asks before throwing the panel's edit away
    assert asked == ["unsaved"]
    # saved → not changed any more; closing keeps the events in the session
    assert opn.add_event("registration", "2024-05-02")
    assert w.save_to(tmp_path / "p.json")
    assert not w.panels_changed()
    assert opn.add_event("repeated_identification", "2025-01-10")
    w.close()                                # "discard" the file change; the session keeps it
    w2 = make_window()
    opn2 = w2.open_panel("HazardIdentificationPanel")
    assert [e["date"] for e in opn2.events_model.rows] == ["2024-05-02", "2025-01-10"]


def test_dispersion_panel_follows_sources_moved_on_the_map(make_window):
    w = make_window(demo=True, restore=False)
    p = w.open_panel("DispersionPanel")
    assert not w.panels_changed()
    # a source placed on the map reaches the dispersion panel's context …
    w.map.bridge.sourcesEdited('[{"id": "S9", "name": "Котельня", "lat": 49.2335, "lon": 28.469}]')
    assert "S9" in json.dumps(p.input_data(), ensure_ascii=False)
    # … without counting as an edit of the panel
    assert not w.panels_changed()
    w.wb.undo()
    assert all(s.id != "S9" for s in w.wb.profile.sources)
    assert not w.wb.dirty and not w.panels_changed()


def test_open_save_and_recent_have_one_implementation(make_window, tmp_path, monkeypatch):
    """The window's File ▸ Open / Save As go through file_actions: the same filter (both
    profile extensions), the same suffix rule, one recent list read once per refresh."""
    from ecologis.gui import main_window
    from ecologis.gui.panels import file_actions

    asked = []
    w = make_window(restore=False, prompt=lambda kind, **kw: asked.append((kind, kw)) or "discard")
    filters = []
    picked = {"save": str(tmp_path / "plant"), "open": ""}
    monkeypatch.setattr(file_actions.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (filters.append(a[3]), (picked["save"], ""))[1])
    monkeypatch.setattr(file_actions.QFileDialog, "getOpenFileName",
                        lambda *a, **k: (filters.append(a[3]), (picked["open"], ""))[1])
    assert w.file_save_as()
    assert (tmp_path / "plant.json").exists() and w.wb.file_path == tmp_path / "plant.json"
    # a .ecologis profile is saved as named and opened through the window's menu
    picked["save"] = str(tmp_path / "plant.ecologis")
    assert w.file_save_as()
    assert (tmp_path / "plant.ecologis").exists()
    picked["open"] = str(tmp_path / "plant.ecologis")
    w.file_open()
    assert w.wb.file_path == tmp_path / "plant.ecologis"
    assert len(filters) == 3 and len(set(filters)) == 1
    assert "*.json" in filters[0] and "*.ecologis" in filters[0]
    assert not hasattr(main_window, "MAX_RECENT")
    reads = []
    real = file_actions.recent_profiles
    monkeypatch.setattr(file_actions, "recent_profiles", lambda: (reads.append(1), real())[1])
    w._fill_recent()
    assert len(reads) == 1
    assert [a.text() for a in w.menu_recent.actions()][:2] == [str((tmp_path / "plant.ecologis").resolve()),
                                                               str((tmp_path / "plant.json").resolve())]
    # a failed save is reported by the window (its prompt), nothing changes
    (tmp_path / "dir.json").mkdir()
    asked.clear()
    assert not w.save_to(tmp_path / "dir.json")
    assert [k for k, _ in asked] == ["error"]
    assert w.wb.file_path == tmp_path / "plant.ecologis"
