"""Site buffer, receptor distances and validation against hand/geodesic values."""

import ast
import math
from pathlib import Path

import pytest

from ecologis.core import geometry as geo
from ecologis.core.geometry import GeometryError, analyse_site, circle_szz, parse_coordinates, validate_site

from .conftest import GEOD, HALF, LAT0, LON0, RADIUS, beyond_corner, east_of_boundary, square_site


def test_geometry_core_has_no_qt():
    tree = ast.parse(Path(geo.__file__).read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any(m.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6") for m in names)


def test_square_site_really_is_200m(site):
    # The test input itself, checked with pyproj.Geod (independent of the code under test).
    ring = site["coordinates"][0]
    for a, b in zip(ring, ring[1:]):
        _, _, d = GEOD.inv(a[0], a[1], b[0], b[1])
        assert d == pytest.approx(2 * HALF, rel=1e-4)


def test_buffer_area_matches_analytic(site):
    # Hand calculation: square a = 200 m, r = 300 m:
    #   a² + 4·a·r + π r² = 40 000 + 240 000 + 282 743.3 = 562 743.3 m²
    analytic = (2 * HALF) ** 2 + 4 * (2 * HALF) * RADIUS + math.pi * RADIUS ** 2
    assert analytic == pytest.approx(562743.34, abs=0.01)
    a = analyse_site(RADIUS, site)
    assert a.method == "buffer"
    assert a.szz_area_m2 == pytest.approx(analytic, rel=0.005)
    assert a.site_area_m2 == pytest.approx(40000.0, rel=0.001)
    # Independent check of the returned WGS84 polygon: its ellipsoidal area (Karney).
    assert geo.geodesic_area_m2(a.szz) == pytest.approx(analytic, rel=0.005)


def test_buffer_vertices_are_radius_from_the_corners(site):
    # Independent check with pyproj.Geod: no СЗЗ vertex is nearer than r to a site corner,
    # and the four rounded corners (32 segments each) consist of vertices exactly r from
    # their corner.
    a = analyse_site(RADIUS, site)
    corners = site["coordinates"][0][:4]
    on_arc = 0
    for lon, lat in a.szz["coordinates"][0][:-1]:
        d = min(GEOD.inv(c[0], c[1], lon, lat)[2] for c in corners)
        assert d >= RADIUS * 0.995
        on_arc += d <= RADIUS * 1.005
    assert on_arc >= 4 * 32


@pytest.mark.parametrize("d, inside", [(250.0, True), (350.0, False)])
def test_receptors_east_of_site(site, d, inside):
    lat, lon = east_of_boundary(d)
    a = analyse_site(RADIUS, site, [{"name": f"R{d:.0f}", "lat": lat, "lon": lon, "kind": "school"}])
    r = a.receptors[0]
    # Geodesic distance from the receptor to the foot point on the boundary (hand: d).
    lon_m, lat_m, _ = GEOD.fwd(LON0, LAT0, 90.0, HALF)
    _, _, geodesic = GEOD.inv(lon_m, lat_m, lon, lat)
    assert geodesic == pytest.approx(d, rel=1e-9)
    assert r.distance_m == pytest.approx(geodesic, rel=0.005)
    assert r.inside is inside
    assert r.kind == "school" and r.name == f"R{d:.0f}"


@pytest.mark.parametrize("d, inside", [(280.0, True), (320.0, False)])
def test_receptors_beyond_corner_use_round_buffer(site, d, inside):
    # Beyond a corner the zone is a quarter circle: 320 m diagonally is outside even
    # though it would be inside a square (mitred) zone, which reaches 300·√2 = 424 m.
    lat, lon = beyond_corner(d)
    r = analyse_site(RADIUS, site, [{"name": "c", "lat": lat, "lon": lon}]).receptors[0]
    assert r.distance_m == pytest.approx(d, rel=0.005)
    assert r.inside is inside


def test_receptor_on_site_and_polygon_receptor(site):
    rec_on = {"name": "on", "lat": LAT0, "lon": LON0}
    # A polygon receptor whose nearest edge is 200 m east of the site boundary.
    lat1, lon1 = east_of_boundary(200.0)
    lat2, lon2 = east_of_boundary(400.0)
    lon_n, lat_n, _ = GEOD.fwd(lon1, lat1, 0.0, 50.0)
    poly = {"type": "Polygon", "coordinates": [[[lon1, lat1], [lon2, lat2], [lon_n, lat_n], [lon1, lat1]]]}
    a = analyse_site(RADIUS, site, [rec_on, {"type": "Feature", "properties": {"name": "park", "kind": "recreation"},
                                            "geometry": poly}])
    on, park = a.receptors
    assert on.distance_m == 0.0 and on.inside and on.on_site
    assert park.distance_m == pytest.approx(200.0, rel=0.005) and park.inside and not park.on_site
    assert [c.name for c in a.conflicts] == ["on", "park"]
    lines = a.conflict_lines("en")
    assert lines[0].startswith("on (") and "industrial site" in lines[0]
    assert "200 m" in lines[1] and "recreation area" in lines[1]


def test_circle_fallback_without_site():
    lon1, lat1, _ = GEOD.fwd(LON0, LAT0, 30.0, 250.0)
    lon2, lat2, _ = GEOD.fwd(LON0, LAT0, 210.0, 350.0)
    a = analyse_site(RADIUS, None, [{"name": "a", "lat": lat1, "lon": lon1}, {"name": "b", "lat": lat2, "lon": lon2}],
                     center=(LAT0, LON0))
    assert a.method == "circle"
    assert a.szz_area_m2 == pytest.approx(math.pi * RADIUS ** 2, rel=0.005)
    assert [r.inside for r in a.receptors] == [True, False]
    assert a.receptors[0].distance_m == pytest.approx(250.0, rel=0.005)
    assert a.receptors[1].distance_m == pytest.approx(350.0, rel=0.005)
    # Every vertex of the circle polygon lies at the geodesic distance r from the centre.
    for lon, lat in circle_szz(LAT0, LON0, RADIUS)["coordinates"][0]:
        assert GEOD.inv(LON0, LAT0, lon, lat)[2] == pytest.approx(RADIUS, rel=1e-6)


def test_far_site_still_metric():
    # A site in another hemisphere and latitude: the local projection follows it.
    s = square_site(-33.87, 151.21)
    a = analyse_site(RADIUS, s)
    assert a.szz_area_m2 == pytest.approx(562743.34, rel=0.005)


@pytest.mark.parametrize("geom, key", [
    ({"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.01, 50.01], [30.01, 50.0], [30.0, 50.01], [30.0, 50.0]]]},
     "geo.error.self_intersection"),
    ({"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.01, 50.0], [30.0, 50.0]]]}, "geo.error.too_few_points"),
    ({"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.01, 50.0]]]}, "geo.error.too_few_points"),
    ({"type": "Polygon", "coordinates": [[[30.0, 95.0], [30.01, 50.0], [30.0, 50.01], [30.0, 95.0]]]},
     "geo.error.lat_range"),
    ({"type": "Polygon", "coordinates": [[[200.0, 50.0], [30.01, 50.0], [30.0, 50.01], [200.0, 50.0]]]},
     "geo.error.lon_range"),
    ({"type": "Point", "coordinates": [30.0, 50.0]}, "geo.error.not_polygon"),
    ("not a polygon", "geo.error.not_geojson"),
])
def test_invalid_sites_refused_with_message(geom, key):
    with pytest.raises(GeometryError) as ei:
        validate_site(geom)
    assert ei.value.key == key
    for lang in ("uk", "en"):
        msg = ei.value.message(lang)
        assert msg and "{" not in msg and not msg.startswith("geo.")


def test_self_intersection_message_names_the_place():
    bow = {"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.02, 50.02], [30.02, 50.0], [30.0, 50.02],
                                               [30.0, 50.0]]]}
    with pytest.raises(GeometryError) as ei:
        analyse_site(300, bow)
    # The two diagonals cross at (30.01, 50.01).
    assert "50.010000" in ei.value.message("en") and "30.010000" in ei.value.message("en")


@pytest.mark.parametrize("rec, key", [
    ({"name": "x", "lat": 91.0, "lon": 30.0}, "geo.error.lat_range"),
    ({"name": "x", "lat": 50.0, "lon": -180.5}, "geo.error.lon_range"),
    ({"name": "x"}, "geo.error.no_geometry"),
    ({"name": "x", "geometry": {"type": "LineString", "coordinates": [[30, 50], [31, 50]]}}, "geo.error.receptor_type"),
])
def test_invalid_receptors_refused(site, rec, key):
    with pytest.raises(GeometryError) as ei:
        analyse_site(RADIUS, site, [rec])
    assert ei.value.key == key


def test_negative_radius_refused(site):
    with pytest.raises(GeometryError) as ei:
        analyse_site(-1, site)
    assert ei.value.key == "geo.error.radius"


@pytest.mark.parametrize("text, expected", [
    ("50.45, 30.52", (50.45, 30.52)),
    ("50,45; 30,52", (50.45, 30.52)),
    ("50.45 30.52", (50.45, 30.52)),
    # 30°31'12" = 30 + 31/60 + 12/3600 = 30.52
    ("50°27'00\"N 30°31'12\"E", (50.45, 30.52)),
    ("30°31'12\"E, 50°27'N", (50.45, 30.52)),
    ("50 27 00 N 30 31 12 E", (50.45, 30.52)),
    ("50°27′ пн 30°31′12″ сх", (50.45, 30.52)),
    # 33°52'S = −(33 + 52/60) = −33.866667
    ("33°52'S 151°12'E", (-33.866667, 151.2)),
    ("-33.9, 151.2", (-33.9, 151.2)),
])
def test_parse_coordinates(text, expected):
    lat, lon = parse_coordinates(text)
    assert (lat, lon) == (pytest.approx(expected[0], abs=1e-6), pytest.approx(expected[1], abs=1e-6))


@pytest.mark.parametrize("text, key", [("abc", "geo.error.parse"), ("91, 30", "geo.error.lat_range"),
                                       ("50, 181", "geo.error.lon_range"), ("50°61'N 30°E", "geo.error.parse"),
                                       ("", "geo.error.parse")])
def test_parse_coordinates_refused(text, key):
    with pytest.raises(GeometryError) as ei:
        parse_coordinates(text)
    assert ei.value.key == key


def test_indexed_point_distances_equal_geos_distance():
    # The STR-tree shortcut for points must give GEOS's brute-force distance exactly
    # (a concave 60-vertex site with a hole; points inside, in the hole, outside).
    import numpy as np
    import shapely
    from shapely.geometry import Polygon

    from ecologis.core.geometry import receptor_distances

    th = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    r = 400 + 150 * np.sin(5 * th)
    hole = [(50, 50), (120, 50), (120, 120), (50, 120)]
    site = Polygon(np.column_stack([r * np.cos(th), r * np.sin(th)]), [hole])
    rng = np.random.default_rng(3)
    pts = shapely.points(rng.uniform(-1200, 1200, (2000, 2)))
    d, inside = receptor_distances(site, pts, 300.0)
    expected = shapely.distance(site, pts)
    assert np.allclose(d, expected, rtol=0, atol=1e-9)
    assert (inside == (expected <= 300.0)).all()
    assert (d == 0).sum() > 100 and (d > 0).sum() > 100


def test_geometry_error_is_a_keyed_error_in_both_languages():
    from ecologis.core.geometry import GeometryError, check_latlon
    from ecologis.i18n import KeyedError

    with pytest.raises(GeometryError) as ei:
        check_latlon(91, 30)
    assert isinstance(ei.value, KeyedError) and isinstance(ei.value, ValueError)
    assert ei.value.key == "geo.error.lat_range"
    en, uk = ei.value.message("en"), ei.value.message("uk")
    assert "91" in en and "91" in uk and en != uk and "geo.error" not in en + uk
