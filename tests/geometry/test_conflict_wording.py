"""A conflict line says what the distance is measured from: the site boundary, or the
enterprise point when there is no site polygon."""

from ecologis.core.geometry import analyse_site

LAT, LON = 49.2331, 28.4682
M_PER_DEG_LAT = 111_250.0     # WGS84 meridian arc per degree near 49.2° N


def _school(north_m):
    return {"name": "Школа", "kind": "school", "lat": LAT + north_m / M_PER_DEG_LAT, "lon": LON}


def test_without_a_site_the_distance_is_from_the_enterprise_point():
    a = analyse_site(300, None, [_school(250)], center=(LAT, LON))
    (line,) = a.conflict_lines("en")
    assert "enterprise point" in line and "site boundary" not in line
    assert "точки підприємства" in a.conflict_lines("uk")[0]


def test_with_a_site_the_distance_is_from_its_boundary():
    d = 50 / M_PER_DEG_LAT            # a 100 m square around the point
    site = {"type": "Polygon", "coordinates": [[[LON - d * 1.53, LAT - d], [LON + d * 1.53, LAT - d],
                                                [LON + d * 1.53, LAT + d], [LON - d * 1.53, LAT + d],
                                                [LON - d * 1.53, LAT - d]]]}
    a = analyse_site(300, site, [_school(250)])
    (line,) = a.conflict_lines("en")
    assert "site boundary" in line
