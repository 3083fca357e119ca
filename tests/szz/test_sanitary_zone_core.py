"""The pure СЗЗ rules of ecologis.core.sanitary_zone (ДСП 173-96 annex 4, OND-86 § 8)."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import Point

from ecologis.core import sanitary_zone as sz


# ДСП 173-96, annex 4 class headings: "Клас I. Санітарно-захисна зона 1000 м" … "Клас V … 50 м".
@pytest.mark.parametrize("cls,size", [("I", 1000), ("II", 500), ("III", 300), ("IV", 100), ("V", 50)])
def test_zone_size_of_each_class(cls, size):
    assert sz.normative_size_m(cls) == size


@pytest.mark.parametrize("value,expected", [("v", "V"), ("5", "V"), (" III ", "III"), ("ІІ", "II"), ("VI", None),
                                            ("", None), (None, None)])
def test_class_as_users_write_it(value, expected):
    assert sz.normalize_class(value) == expected


def test_unknown_class_is_refused_with_a_message():
    with pytest.raises(sz.SanitaryZoneError) as ei:
        sz.normative_size_m("VI")
    assert "VI" in ei.value.message("en")


def test_binding_rule():
    # the normative zone binds unless the calculated one is larger (ДСП 173-96 § 5)
    assert sz.binding_zone(50, 30) == sz.Binding("normative", 50.0, "normative_not_exceeded")
    assert sz.binding_zone(50, 50) .kind == "normative"          # equal: not larger
    assert sz.binding_zone(50, 1340) == sz.Binding("calculated", 1340.0, "calculated_larger")
    assert sz.binding_zone(300, None) == sz.Binding("normative", 300.0, "no_calculation")
    assert sz.binding_zone(None, 120) == sz.Binding("calculated", 120.0, "no_class")
    assert sz.binding_zone(None, None).kind == "none"


def _rose_n20():
    """8 rhumbs: from the north 20 %, the other seven share 80 % (80/7 % each)."""
    return {"N": 20.0, **{k: 80.0 / 7 for k in sz.RHUMBS_8[1:]}}


def test_rose_validation():
    assert sz.parse_wind_rose(_rose_n20())["N"] == 20.0
    uk = sz.parse_wind_rose({"Пн": 20, "ПнС": 10, "С": 10, "ПдС": 10, "Пд": 10, "ПдЗ": 10, "З": 15, "ПнЗ": 15})
    assert uk["N"] == 20 and uk["W"] == 15 and list(uk) == list(sz.RHUMBS_8)
    assert len(sz.parse_wind_rose([6.25] * 16)) == 16
    with pytest.raises(sz.SanitaryZoneError) as ei:
        sz.parse_wind_rose({"N": 50, "S": 50})
    assert ei.value.key == "szz.error.rose_count"
    with pytest.raises(sz.SanitaryZoneError) as ei:
        sz.parse_wind_rose({**_rose_n20(), "N": 30})             # sums to 110 %
    assert ei.value.key == "szz.error.rose_sum"
    with pytest.raises(sz.SanitaryZoneError) as ei:
        sz.parse_wind_rose({**{k: 12.5 for k in sz.RHUMBS_8[:7]}, "X": 12.5})
    assert ei.value.key == "szz.error.rose_rhumb"
    with pytest.raises(sz.SanitaryZoneError):
        sz.parse_wind_rose({**_rose_n20(), "E": -1})


def test_wind_from_north_enlarges_the_zone_to_the_south():
    # the wind blows FROM the north 20 % of the year → the zone grows TOWARDS the south (180°)
    towards = dict(sz.share_towards(sz.parse_wind_rose(_rose_n20())))
    assert towards[180.0] == 20.0
    assert towards[0.0] == pytest.approx(80 / 7)


def test_wind_rose_scaling_by_hand():
    # l = L0·P/P0, P0 = 100/8 = 12.5 %.  L0 = 1000 m all round:
    #   towards S (P = 20 %): 1000·20/12.5 = 1600 m;  elsewhere (P = 80/7 %): 1000·(80/7)/12.5 = 914.2857 m
    rows = sz.corrected_by_direction({b: 1000.0 for b in sz.bearings(8)}, sz.parse_wind_rose(_rose_n20()))
    by = {r["direction_deg"]: r for r in rows}
    assert by[180.0]["l_m"] == pytest.approx(1600.0)
    assert by[180.0]["p_pct"] == 20.0
    for b in (0.0, 45.0, 90.0, 135.0, 225.0, 270.0, 315.0):
        assert by[b]["l_m"] == pytest.approx(914.2857, abs=1e-3)
    assert sz.wind_rose_distance(400.0, 6.25, 16) == pytest.approx(400.0)    # circular 16-rhumb rose: P = P0


def test_distance_along_bearing_of_a_circle_and_an_offset_origin():
    disc = Point(0, 0).buffer(500, quad_segs=256)
    for b in sz.bearings(16):
        assert sz.distance_along_bearing(disc, (0, 0), b) == pytest.approx(500, rel=1e-4)
    # origin 300 m east of the centre: eastwards 200 m, westwards 800 m, northwards sqrt(500²−300²) = 400 m
    assert sz.distance_along_bearing(disc, (300, 0), 90) == pytest.approx(200, rel=1e-4)
    assert sz.distance_along_bearing(disc, (300, 0), 270) == pytest.approx(800, rel=1e-4)
    assert sz.distance_along_bearing(disc, (300, 0), 0) == pytest.approx(400, rel=1e-3)
    assert sz.distance_along_bearing(Point(5000, 0).buffer(10), (0, 0), 0) == 0.0


def test_corrected_zone_is_never_smaller_than_the_normative_without_justification():
    # L0 = 40 m all round, a 100 m normative disc: unjustified → every reach ≥ 100 m;
    # with a justification the 8-point star of l = 40·P/12.5 stays as computed.
    rows = sz.corrected_by_direction({b: 40.0 for b in sz.bearings(8)}, sz.parse_wind_rose(_rose_n20()))
    normative = Point(0, 0).buffer(100, quad_segs=64)
    poly, out = sz.corrected_zone((0, 0), rows, normative, justified=False)
    assert all(r["final_m"] >= 100 * (1 - 1e-3) for r in out)
    assert poly.contains(normative.buffer(-0.5))
    poly2, out2 = sz.corrected_zone((0, 0), rows, normative, justified=True)
    by = {r["direction_deg"]: r["final_m"] for r in out2}
    assert by[180.0] == pytest.approx(40 * 20 / 12.5)           # 64 m
    assert by[0.0] == pytest.approx(40 * (80 / 7) / 12.5)       # 36.571 m
    assert not poly2.contains(normative)
    # larger than the normative zone towards the south: 1600 m there even unjustified
    rows3 = sz.corrected_by_direction({b: 1000.0 for b in sz.bearings(8)}, sz.parse_wind_rose(_rose_n20()))
    _, out3 = sz.corrected_zone((0, 0), rows3, normative)
    assert {r["direction_deg"]: r["final_m"] for r in out3}[180.0] == pytest.approx(1600)


def test_core_module_is_pure():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(sz))
    names = {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    mods = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(m and (m.startswith("ecologis.io") or m.startswith("ecologis.gui") or "PySide" in m) for m in mods)
    assert "open" not in {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert not any("PySide" in n for n in names)
    assert math.isfinite(sz.CLASS_SIZES_M["V"])
