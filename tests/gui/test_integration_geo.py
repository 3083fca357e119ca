"""Issue 6 in the main window: site, receptors and sources from the profile on the map,
conflicts (receptors inside the СЗЗ) in the results panel, undo/redo of every
geographic edit, save and reopen, GIS import/export through the File menu actions."""

import copy
import json

from pyproj import Geod

from ecologis.io.profile import load_profile, save_profile
from ecologis.model import Receptor
from ecologis.paths import DEMO_PROFILE

GEOD = Geod(ellps="WGS84")
LAT0, LON0 = 49.2331, 28.4682      # the demo enterprise (ROSHEN, Vinnytsia)
HALF = 100.0                       # the square site is 200 m × 200 m around the enterprise


def _square_site():
    """Corners placed with the geodesic: 100 m north/south and east/west of the centre."""
    lat_n = GEOD.fwd(LON0, LAT0, 0, HALF)[1]
    lat_s = GEOD.fwd(LON0, LAT0, 180, HALF)[1]
    lon_e = GEOD.fwd(LON0, LAT0, 90, HALF)[0]
    lon_w = GEOD.fwd(LON0, LAT0, 270, HALF)[0]
    ring = [[lon_w, lat_s], [lon_e, lat_s], [lon_e, lat_n], [lon_w, lat_n], [lon_w, lat_s]]
    return {"type": "Polygon", "coordinates": [ring]}, lon_e


def _receptor(name, lon_edge, metres, kind="school"):
    """A point ``metres`` east of the middle of the site's east edge: its distance to the
    boundary is ``metres`` (the edge runs north-south, so east is perpendicular)."""
    lon, lat, _ = GEOD.fwd(lon_edge, LAT0, 90, metres)
    return Receptor.from_dict({"id": name, "name": name, "kind": kind,
                               "geometry": {"type": "Point", "coordinates": [lon, lat]}})


def _same_polygon(a, b) -> bool:
    """Same rings to 1e-12° (the page writes 15 significant digits)."""
    ra, rb = a["coordinates"][0], b["coordinates"][0]
    return a["type"] == b["type"] and len(ra) == len(rb) and all(
        abs(x - y) < 1e-12 for p, q in zip(ra, rb) for x, y in zip(p, q))


def _page_site(h, w):
    return json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getSite())"))


def _profile_file(tmp_path):
    """The demo (КНП 1386.187 → category III → СЗЗ 300 m, thesis fig. 3.4) with a
    square site and receptors at 250 m (inside the 300 m zone) and 350 m (outside)."""
    prof = load_profile(DEMO_PROFILE)
    site, lon_e = _square_site()
    prof.site = site
    prof.receptors = [_receptor("Школа-250", lon_e, 250.0),
                                    _receptor("Будинок-350", lon_e, 350.0, "residential")]
    path = tmp_path / "plant.json"
    save_profile(prof, path)
    return path, site


def test_receptor_conflicts_listed(make_window, tmp_path, h):
    path, site = _profile_file(tmp_path)
    w = make_window(open_file=str(path), restore=False)
    assert w.results.szz_value.text().startswith("300")
    assert w.map.site() == site
    lines = w.conflict_lines()
    assert len(lines) == 1
    assert "Школа-250" in lines[0] and "Будинок-350" not in lines[0]
    shown = [w.results.conflicts.item(i).text() for i in range(w.results.conflicts.count())]
    assert shown == lines
    # the page got the same site and both receptors
    h.wait_map(w)
    assert h.run_js(w, "window.ecologisMap.getReceptors().length") == 2
    assert _same_polygon(_page_site(h, w), site)


def test_conflicts_follow_recalculation(make_window, tmp_path):
    """Deleting rows until the category drops changes the zone and the conflict list."""
    path, _ = _profile_file(tmp_path)
    w = make_window(open_file=str(path), restore=False)
    assert len(w.conflict_lines()) == 1
    # Delete everything: no result → zone 0 → no conflict.
    w.wb.delete_rows(list(range(w.wb.row_count())))
    assert w.conflict_lines() == []
    from ecologis.i18n import t
    assert w.results.conflicts.item(0).text() == t("geo.conflicts.none")
    w.wb.undo()
    assert len(w.conflict_lines()) == 1


def test_site_edit_undo_redo_and_save_reopen(make_window, tmp_path, h):
    path, site = _profile_file(tmp_path)
    w = make_window(open_file=str(path), restore=False)
    h.wait_map(w)
    # A new site polygon as the page sends it after an edit with the drawing tools.
    ring = [[LON0 - 0.002, LAT0 - 0.001], [LON0 + 0.002, LAT0 - 0.001], [LON0 + 0.002, LAT0 + 0.001],
            [LON0 - 0.002, LAT0 - 0.001]]
    new_site = {"type": "Polygon", "coordinates": [ring]}
    w.map.bridge.siteEdited(json.dumps(new_site))
    assert w.wb.profile.site == new_site and w.wb.dirty
    assert w.wb.undo()
    assert w.wb.profile.site == site and w.map.site() == site
    assert _same_polygon(_page_site(h, w), site)
    assert w.wb.redo()
    assert w.wb.profile.site == new_site and w.map.site() == new_site
    # Receptors edited on the map also go through the stack.
    one = w.wb.profile.receptors[:1]
    w.map.bridge.receptorsEdited(json.dumps([r.to_dict() for r in one]))
    assert w.wb.profile.receptors == one
    w.wb.undo()
    assert len(w.wb.profile.receptors) == 2
    # Source placed on the map: coordinates stored in profile.sources.
    w.map.bridge.sourcesEdited(json.dumps([{"id": "S1", "name": "Котельня", "lat": 49.234, "lon": 28.469}]))
    src = [s for s in w.wb.profile.sources if s.id == "S1"][0]
    assert (src.lat, src.lon) == (49.234, 28.469)
    # Save and reopen: the same site, receptors and source.
    out = tmp_path / "saved.json"
    assert w.save_to(out)
    w2 = make_window(open_file=str(out), restore=False)
    assert w2.wb.profile.site == new_site
    assert w2.wb.profile.receptors == w.wb.profile.receptors
    assert w2.map.site() == new_site
    assert [r["name"] for r in w2.map.receptors()] == ["Школа-250", "Будинок-350"]
    assert [(s["id"], s["lat"], s["lon"]) for s in w2.map.sources()] == [("S1", 49.234, 28.469)]


def test_coordinate_edits_and_marker_drag_are_undoable(make_window, h):
    w = make_window(demo=True, restore=False)
    h.wait_map(w)
    assert not w.wb.can_undo()
    w.lat.setValue(49.5)
    assert w.wb.enterprise.lat == 49.5 and w.wb.can_undo()
    w.map.bridge.markerMoved(49.6, 28.6)            # the page after a drag
    assert (w.wb.enterprise.lat, w.wb.enterprise.lon) == (49.6, 28.6)
    w.wb.undo()
    assert (w.wb.enterprise.lat, w.wb.enterprise.lon) == (49.5, LON0)
    assert (w.lat.value(), w.lon.value()) == (49.5, LON0)
    w.wb.undo()
    assert (w.wb.enterprise.lat, w.wb.enterprise.lon) == (LAT0, LON0)
    assert w.map.enterprise()[:2] == (LAT0, LON0)
    assert not w.wb.dirty
    m = h.run_js(w, "JSON.stringify(window.ecologisMap.getMarker())")
    assert (json.loads(m)["lat"], json.loads(m)["lng"]) == (LAT0, LON0)
    w.wb.redo()
    assert (w.lat.value(), w.lon.value()) == (49.5, LON0)


def test_gis_export_import_round_trip(make_window, tmp_path):
    path, site = _profile_file(tmp_path)
    w = make_window(open_file=str(path), restore=False)
    # KML keeps 8 decimals of a degree (≈1 mm); GeoJSON the full double
    for ext, tol in (("geojson", 1e-12), ("kml", 1e-8)):
        out = w.export_gis(tmp_path / f"layers.{ext}")
        assert out is not None and out.exists()
        w2 = make_window(demo=True, restore=False)
        assert w2.wb.profile.site is None
        before = copy.deepcopy(w2.wb.profile.receptors)   # the demo's own receptors
        assert w2.import_gis(out)
        got = w2.wb.profile.site["coordinates"][0]
        want = site["coordinates"][0]
        assert len(got) == len(want)
        assert all(abs(a - b) < tol for p, q in zip(got, want) for a, b in zip(p, q))
        assert sorted(r.name for r in w2.wb.profile.receptors) == ["Будинок-350", "Школа-250"]
        assert len(w2.conflict_lines()) == 1
        # one undoable command
        w2.wb.undo()
        assert w2.wb.profile.site is None and w2.wb.profile.receptors == before


def test_gis_import_error_changes_nothing(make_window, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json", encoding="utf-8")
    seen = []
    w = make_window(demo=True, restore=False, prompt=lambda kind, **kw: seen.append((kind, kw)))
    assert not w.import_gis(bad)
    assert seen and seen[-1][0] == "error" and "bad.geojson" in seen[-1][1]["text"]
    assert w.wb.profile.site is None and not w.wb.can_undo()


def test_session_restore_shows_site_and_receptors(make_window, tmp_path):
    path, site = _profile_file(tmp_path)
    w = make_window(open_file=str(path), restore=False)
    w.close()                                   # writes the session
    w2 = make_window()                          # restores it
    assert w2.wb.profile.site == site
    assert w2.map.site() == site
    assert len(w2.map.receptors()) == 2
    assert len(w2.conflict_lines()) == 1


def test_screenshot_of_a_profile_with_a_site(tmp_path):
    """With a site polygon the circle is replaced by the buffer: --screenshot must still
    see the zone as drawn and exit 0."""
    import os
    import subprocess
    import sys

    path, _ = _profile_file(tmp_path)
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu")
    r = subprocess.run([sys.executable, "-m", "ecologis.gui", str(path), "--screenshot", str(out), "--timeout", "60"],
                       env=env, capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode(errors="replace")[-2000:]
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_receptor_edit_does_not_move_the_map(make_window, tmp_path, h, qtbot):
    """The user looks at another part of the map and edits a receptor there: the view
    stays where it is (the enterprise did not move, so nothing pans back to it)."""
    path, _ = _profile_file(tmp_path)
    w = make_window(open_file=str(path), restore=False)
    h.wait_map(w)
    # 0.05° north-east of the enterprise (≈ 5.6 km north), far from the marker
    away = (LAT0 + 0.05, LON0 + 0.05)
    h.run_js(w, "window.ecologisMap.goTo(%r, %r)" % away)
    before = json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getCenter())"))
    assert abs(before["lat"] - away[0]) < 1e-6 and abs(before["lng"] - away[1]) < 1e-6
    # edited from the profile side (a table/undo edit) and from the map side
    w.wb.set_receptors(w.wb.profile.receptors[:1])
    w.map.bridge.receptorsEdited(json.dumps(w.wb.profile.receptor_dicts() + [
        _receptor("Лікарня", LON0, 900.0, "hospital").to_dict()]))
    w.wb.undo()
    assert len(w.wb.profile.receptors) == 1
    # a JS round trip after the edits: every call they sent has run in the page
    assert h.run_js(w, "window.ecologisMap.getReceptors().length") == 1
    after = json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getCenter())"))
    assert (after["lat"], after["lng"], after["zoom"]) == (before["lat"], before["lng"], before["zoom"])
    marker = json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getMarker())"))
    assert (marker["lat"], marker["lng"]) == (LAT0, LON0)
