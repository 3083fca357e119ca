"""Issue 6 on the real map page: drawing the site with the vendored geoman tools,
sources, receptors with distance/inside, coordinate search, save and reopen."""


import pytest
from pyproj import Geod

from ecologis.core.geometry import GeometryError
from ecologis.i18n import t_lang, translator
from ecologis.io.profile import Project, load_profile, save_profile

GEOD = Geod(ellps="WGS84")
LAT0, LON0 = 50.45, 30.52
# A rectangle drawn by clicking four corners ([lat, lng] as Leaflet takes them).
CLICKS = [[50.451, 30.518], [50.451, 30.522], [50.449, 30.522], [50.449, 30.518]]
RING = [[30.518, 50.451], [30.522, 50.451], [30.522, 50.449], [30.518, 50.449], [30.518, 50.451]]


def _draw_site(qtbot, view, page):
    with qtbot.waitSignal(view.siteEdited, timeout=10000) as blocker:
        assert page.js("window.ecologisMap.drawWithTool('Polygon', %s)" % CLICKS) is True
    return blocker.args[0]


def test_draw_site_save_reopen(make_map, qtbot, tmp_path):
    view, page = make_map()
    view.set_enterprise(LAT0, LON0, "Завод")
    view.set_radius(300)
    geom = _draw_site(qtbot, view, page)
    assert geom == {"type": "Polygon", "coordinates": [RING]}
    # The СЗЗ on the page is now the buffer of the drawn polygon, the circle is hidden.
    page.wait_js("window.ecologisMap.getSzz() !== null")
    assert page.js("window.ecologisMap.getCircle().visible") is False
    assert view.analysis().method == "buffer"
    # Save in a profile, reopen, show on a new map: the same polygon.
    prof = Project(site=geom)
    save_profile(prof, tmp_path / "p.json")
    reopened = load_profile(tmp_path / "p.json").site
    view2, page2 = make_map()
    view2.set_site(reopened)
    assert page2.js("window.ecologisMap.getSite()") == {"type": "Polygon", "coordinates": [RING]}


def test_edit_and_delete_site_with_the_tools(make_map, qtbot):
    view, page = make_map()
    view.set_radius(300)
    _draw_site(qtbot, view, page)
    # Edit mode: drag the second vertex with geoman's own vertex handle.
    with qtbot.waitSignal(view.siteEdited, timeout=10000) as blocker:
        view.run_js("""(function(){
            var l = window.ecologisMap.layers.site.getLayers()[0]; l.pm.enable();
            var m = l.pm._markers[0][1];
            m.setLatLng([50.452, 30.523]);
            m.fire('dragstart', {target: m}); m.fire('drag', {target: m}); m.fire('dragend', {target: m});
            l.pm.disable(); })()""")
    assert blocker.args[0]["coordinates"][0][1] == [30.523, 50.452]
    # Removal mode: click the polygon.
    with qtbot.waitSignal(view.siteEdited, timeout=10000) as blocker:
        view.run_js("""(function(){ var map = window.ecologisMap.map; map.pm.enableGlobalRemovalMode();
            var l = window.ecologisMap.layers.site.getLayers()[0]; l.fire('click', {target: l});
            map.pm.disableGlobalRemovalMode(); })()""")
    assert blocker.args[0] == {}
    assert view.site() is None
    assert page.js("window.ecologisMap.getSite()") is None
    page.wait_js("window.ecologisMap.getCircle().visible === true")   # circle fallback is back


def test_self_intersecting_drawing_is_refused(make_map, qtbot):
    view, page = make_map()
    edits = []
    view.siteEdited.connect(edits.append)
    bow = [[50.451, 30.518], [50.449, 30.522], [50.451, 30.522], [50.449, 30.518]]
    assert page.js("window.ecologisMap.drawWithTool('Polygon', %s)" % bow) is False
    assert page.js("window.ecologisMap.getSite()") is None
    assert edits == []
    with pytest.raises(GeometryError) as ei:
        view.set_site({"type": "Polygon", "coordinates": [[[30.518, 50.451], [30.522, 50.449], [30.522, 50.451],
                                                            [30.518, 50.449], [30.518, 50.451]]]})
    assert ei.value.key == "geo.error.self_intersection"


def _east(d):
    """d metres east of the east side of the drawn rectangle, along its middle parallel."""
    lon, lat, _ = GEOD.fwd(30.522, 50.45, 90.0, d)
    return lat, lon


def test_receptors_inside_outside_on_the_page(make_map, qtbot):
    view, page = make_map()
    view.set_radius(300)
    _draw_site(qtbot, view, page)
    (la1, lo1), (la2, lo2) = _east(250.0), _east(350.0)
    xss = "<b onmouseover=alert(1)>Школа</b>"
    view.set_receptors([{"name": xss, "kind": "school", "lat": la1, "lon": lo1},
                        {"name": "Дім", "kind": "residential", "lat": la2, "lon": lo2}])
    recs = page.js("window.ecologisMap.getReceptors()")
    assert [(r["name"], r["inside"]) for r in recs] == [(xss, True), ("Дім", False)]
    # The east side is the meridian 30.522: the geodesic distance along the parallel is d.
    assert recs[0]["distance_m"] == pytest.approx(250.0, rel=0.005)
    assert recs[1]["distance_m"] == pytest.approx(350.0, rel=0.005)
    text = page.js("window.ecologisMap.receptorPopupText(0)")
    assert text.startswith(xss) and t_lang("uk", "map.popup.inside") in text
    assert page.js("window.ecologisMap.receptorPopupElement(0).querySelectorAll('b').length") == 0
    assert view.page.alerts == []
    lines = view.conflict_lines("en")
    assert len(lines) == 1 and lines[0].startswith(xss) and "250 m" in lines[0]


def test_receptor_placed_by_click(make_map, qtbot):
    view, page = make_map()
    view.set_radius(300)
    _draw_site(qtbot, view, page)
    page.js("window.ecologisMap.setPendingReceptor('hospital', 'Лікарня №1')")
    la, lo = _east(100.0)
    with qtbot.waitSignal(view.receptorsEdited, timeout=10000) as blocker:
        page.js("window.ecologisMap.drawWithTool('EcoReceptor', [[%r, %r]])" % (la, lo))
    (r,) = blocker.args[0]
    assert (r["name"], r["kind"]) == ("Лікарня №1", "hospital")
    assert r["geometry"]["coordinates"] == [pytest.approx(lo, abs=1e-12), pytest.approx(la, abs=1e-12)]
    page.wait_js("window.ecologisMap.getReceptors()[0].inside === true")
    assert page.js("window.ecologisMap.getReceptors()[0].distance_m") == pytest.approx(100.0, rel=0.005)
    assert [c.name for c in view.analysis().conflicts] == ["Лікарня №1"]


def test_sources_as_points_and_circles(make_map, qtbot):
    view, page = make_map()
    view.set_radius(200)
    view.set_sources([{"id": "1", "name": "Труба", "lat": 50.4501, "lon": 30.5201},
                      {"id": "2", "name": "без координат"}])
    assert page.js("window.ecologisMap.getSources()") == [{"id": "1", "name": "Труба", "lat": 50.4501, "lon": 30.5201}]
    assert page.js("window.ecologisMap.sourceCircles()") == [200]
    with qtbot.waitSignal(view.sourcesEdited, timeout=10000) as blocker:
        page.js("window.ecologisMap.drawWithTool('EcoSource', [[50.4495, 30.5195]])")
    assert [(s["lat"], s["lon"]) for s in blocker.args[0]] == [(50.4501, 30.5201), (50.4495, 30.5195)]
    assert view.sources()[1]["lat"] == 50.4495
    assert page.js("window.ecologisMap.sourceCircles()") == [200, 200]


@pytest.mark.parametrize("text, expected", [
    ("48.4647, 35.0462", {"lat": 48.4647, "lng": 35.0462}),
    # 50°27'00"N = 50.45; 30°31'12"E = 30 + 31/60 + 12/3600 = 30.52
    ("50°27'00\"N 30°31'12\"E", {"lat": 50.45, "lng": 30.52}),
])
def test_coordinate_search(make_map, qtbot, text, expected):
    view, page = make_map()
    page.js("window.ecologisMap.search(%s)" % __import__("json").dumps(text))
    page.wait_js("window.ecologisMap.searchTarget() !== null")
    got = page.js("window.ecologisMap.searchTarget()")
    assert got == {"lat": pytest.approx(expected["lat"]), "lng": pytest.approx(expected["lng"])}


def test_coordinate_search_error_is_translated(make_map):
    view, page = make_map()
    page.js("window.ecologisMap.search('91, 30')")
    page.wait_js("window.ecologisMap.searchMessage() !== ''")
    assert "91" in page.js("window.ecologisMap.searchMessage()")
    assert page.js("window.ecologisMap.searchTarget()") is None


def test_tools_and_layers_translated(make_map):
    view, page = make_map()
    names = page.js("window.ecologisMap.layerNames()")
    for key in ("map.layer.site", "map.layer.sources", "map.layer.receptors", "map.layer.source_circles"):
        assert t_lang("uk", key) in names
    translator.set_language("en")
    titles = page.js("Array.from(document.querySelectorAll('.leaflet-pm-toolbar .button-container'))"
                     ".map(function(a){return a.title;})")
    assert t_lang("en", "map.draw.site") in titles and t_lang("en", "map.draw.receptor_point") in titles
    assert t_lang("en", "map.draw.delete") in titles
    assert page.js("document.querySelector('.eco-receptor-title').textContent") == t_lang("en", "map.receptor.new")
    assert page.js("document.querySelector('.eco-search-input').placeholder") == t_lang("en", "map.search.placeholder")


def test_polygon_receptor_drawn_with_the_tool(make_map, qtbot):
    view, page = make_map()
    view.set_radius(300)
    _draw_site(qtbot, view, page)
    page.js("window.ecologisMap.setPendingReceptor('recreation', 'Парк')")
    # A park whose west edge is the meridian 100 m east of the site (along 50.45°N).
    la, lo_w = _east(100.0)
    _, lo_e = _east(400.0)
    clicks = [[50.4505, lo_w], [50.4505, lo_e], [50.4495, lo_e], [50.4495, lo_w]]
    with qtbot.waitSignal(view.receptorsEdited, timeout=10000) as blocker:
        assert page.js("window.ecologisMap.drawWithTool('EcoReceptorArea', %s)" % clicks) is True
    (r,) = blocker.args[0]
    assert r["geometry"]["type"] == "Polygon" and r["kind"] == "recreation"
    page.wait_js("window.ecologisMap.getReceptors()[0].inside === true")
    assert page.js("window.ecologisMap.getReceptors()[0].distance_m") == pytest.approx(100.0, rel=0.005)


def test_radius_change_recomputes_zone_and_receptors(make_map, qtbot):
    view, page = make_map()
    view.set_radius(300)
    _draw_site(qtbot, view, page)
    la, lo = _east(250.0)
    view.set_receptors([{"name": "Школа", "kind": "school", "lat": la, "lon": lo}])
    assert page.js("window.ecologisMap.getReceptors()[0].inside") is True
    with qtbot.waitSignal(view.analysisChanged, timeout=5000) as blocker:
        view.set_radius(200)
    assert blocker.args[0].radius_m == 200 and blocker.args[0].conflicts == []
    page.wait_js("window.ecologisMap.getReceptors()[0].inside === false")
    # The zone on the page is the 200 m buffer: its easternmost vertex is 200 m east of
    # the east side (meridian 30.522 along ~50.45°N).
    east = page.js("Math.max.apply(null, window.ecologisMap.getSzz().coordinates[0].map(function(c){return c[0];}))")
    _, lo200 = _east(200.0)
    assert east == pytest.approx(lo200, abs=2e-5)   # 2e-5° of longitude ≈ 1.4 m here
    assert view.conflict_lines() == []
