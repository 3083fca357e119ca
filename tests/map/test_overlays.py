"""MapView.set_overlay on the real page, fitAll with the СЗЗ circle, and pick mode."""

LAT0, LON0 = 50.45, 30.52


def _fc(n):
    feats = [{"type": "Feature", "properties": {"level": 0.5 * (i + 1)},
              "geometry": {"type": "LineString", "coordinates": [[LON0, LAT0 + 0.001 * i], [LON0 + 0.002, LAT0 + 0.001 * i]]}}
             for i in range(n)]
    return {"type": "FeatureCollection", "features": feats}


def test_overlay_set_replace_remove(make_map, qtbot):
    view, page = make_map()
    style = {"color": "#123456", "legend": "map.overlay.isolines", "label": "map.overlay.isoline_label"}
    view.set_overlay("iso", _fc(4), style)
    assert page.js("window.ecologisMap.getOverlays().iso.features") == 4
    view.set_overlay("iso", _fc(2), style)          # replaced, not added
    assert page.js("window.ecologisMap.getOverlays().iso.features") == 2
    assert page.js("window.ecologisMap.getOverlays().iso.labels") == ["0,5 ГДК м.р.", "1 ГДК м.р."]
    got = {}
    view.read_overlays(got.update)
    qtbot.waitUntil(lambda: bool(got), timeout=10000)
    assert got["iso"]["features"] == 2
    view.set_overlay("iso", None)
    assert page.js("window.ecologisMap.getOverlays()") == {}
    assert page.js("window.ecologisMap.legendText()") == ""


def test_overlay_survives_page_reload(make_map, qtbot):
    view, page = make_map()
    view.set_overlay("iso", _fc(3), {"legend": "map.overlay.isolines"})
    with qtbot.waitSignal(view.pageReady, timeout=30000):
        view.view.reload()
    assert page.js("window.ecologisMap.getOverlays().iso.features") == 3


def test_fit_all_with_circle(make_map):
    """fitAll used to fail when the СЗЗ circle was shown (a circle's bounds need a map)."""
    view, page = make_map()
    view.set_enterprise(LAT0, LON0, "")
    view.set_radius(1000)
    assert page.js("window.ecologisMap.fitAll()") is True
    # the whole 1 km circle is in view: its north edge (≈ 0.009° north) is inside the map bounds
    north = page.js("window.ecologisMap.map.getBounds().getNorth()")
    assert north > LAT0 + 0.0089


def test_pick_mode(make_map, qtbot):
    view, page = make_map()
    view.start_pick()
    qtbot.waitUntil(lambda: page.js("window.ecologisMap.isPicking()") is True, timeout=10000)
    with qtbot.waitSignal(view.pointPicked, timeout=10000) as blocker:
        page.js("window.ecologisMap.pickAt(50.1, 30.2)")
    assert blocker.args == [50.1, 30.2]
    assert page.js("window.ecologisMap.isPicking()") is False
    # an ordinary click afterwards picks nothing
    with qtbot.assertNotEmitted(view.pointPicked, wait=300):
        page.js("window.ecologisMap.pickAt(50.2, 30.3)")
