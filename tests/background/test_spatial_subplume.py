"""§2.6 interpolation/extrapolation, §3 sub-plume statistics, §4 calculation.
Expected numbers are hand calculations written in the comments."""

import math

import pytest

from ecologis.io.reference_data import background_reference
from ecologis.core.background import (BackgroundError, background_at, calculated, exclude_own, parse_posts,
                                      subplume_background)
from ecologis.core.background.data import CurveTableError
from ecologis.core.background.spatial import EARTH_R
from ecologis.io.reference_data import load_curve
from ecologis.paths import user_data_dir

LAT0, LON0 = 49.0, 28.0
DLON = 0.02          # posts A and B at LON0 ∓ DLON on the same latitude


def _doc(suburban=None):
    d = {"posts": [{"post": "A", "lat": LAT0, "lon": LON0 - DLON, "backgrounds": {"NO2": 0.1}},
                   {"post": "B", "lat": LAT0, "lon": LON0 + DLON,
                    "backgrounds": {"NO2": {"calm": 0.3, "N": 0.3, "E": 0.3, "S": 0.3, "W": 0.3}}}]}
    if suburban is not None:
        d["suburban"] = {"NO2": suburban}
    return d


def _lon_at(x_m):
    """Longitude x metres east of LON0 on latitude LAT0 (equirectangular, as in the module doc)."""
    return LON0 + math.degrees(x_m / (EARTH_R * math.cos(math.radians(LAT0))))


R = math.radians(DLON) * EARTH_R * math.cos(math.radians(LAT0))    # centre -> farthest post, m


def test_interpolation_at_a_post_equals_the_post_value():
    posts, sub = parse_posts(_doc())
    res = background_at(posts, sub, LAT0, LON0 - DLON, refdata=background_reference())
    assert res.details["at_post"] == "A"
    assert all(r["value_mg_m3"] == pytest.approx(0.1) for r in res.values)
    assert not res.reconstructed        # the post's own value, no formula used


def test_interpolation_on_the_circle():
    """Centre of gravity = (LAT0, LON0); R = distance to B; circle 1.1 R.
    North on the circle: equal distances to A and B -> (0.1 + 0.3) / 2 = 0.2 for any power.
    East on the circle: r_B = 0.1 R, r_A = 2.1 R; p = 1:
      C = (0.1/2.1 + 0.3/0.1) / (1/2.1 + 1/0.1) = (0.1 + 6.3) / (1 + 21) = 6.4 / 22 = 0.290909."""
    posts, sub = parse_posts(_doc())
    north = background_at(posts, sub, LAT0 + math.degrees(1.1 * R / EARTH_R) * (1 - 1e-9), LON0, refdata=background_reference())
    assert north.details["inside_circle"] is True
    assert north.details["network"]["circle_radius_m"] == pytest.approx(1.1 * R, rel=1e-9)
    assert [r["value_mg_m3"] for r in north.values] == [pytest.approx(0.2)] * 5
    east = background_at(posts, sub, LAT0, _lon_at(1.1 * R * (1 - 1e-12)), refdata=background_reference())
    assert east.values[0]["value_mg_m3"] == pytest.approx(6.4 / 22, rel=1e-6)
    assert east.reconstructed and east.pieces == ["interpolation_2_11"]


def test_extrapolation_outside_the_circle():
    """Point east at r = 2.2 R (twice the circle radius), suburban C_s = 0.05:
    C0 (circle point east) = 6.4 / 22 = 0.290909; C = 0.05 + (0.290909 − 0.05) · (1.1 R / 2.2 R)
    = 0.05 + 0.240909 · 0.5 = 0.170455."""
    posts, sub = parse_posts(_doc(suburban=0.05))
    res = background_at(posts, sub, LAT0, _lon_at(2.2 * R), refdata=background_reference())
    assert res.details["inside_circle"] is False
    assert res.values[0]["circle_value_mg_m3"] == pytest.approx(6.4 / 22, rel=1e-6)
    assert res.values[0]["value_mg_m3"] == pytest.approx(0.05 + (6.4 / 22 - 0.05) * 0.5, rel=1e-6)
    assert set(res.pieces) == {"interpolation_2_11", "extrapolation_2_12"}
    # continuity on the circle: just outside ≈ the circle value
    just = background_at(posts, sub, LAT0, _lon_at(1.1 * R * (1 + 1e-9)), refdata=background_reference())
    assert just.values[0]["value_mg_m3"] == pytest.approx(6.4 / 22, rel=1e-6)


def test_extrapolation_without_suburban_is_refused():
    posts, sub = parse_posts(_doc())
    with pytest.raises(BackgroundError) as e:
        background_at(posts, sub, LAT0, _lon_at(3 * R), refdata=background_reference())
    assert e.value.key == "bg.err.no_suburban"


def test_posts_document_validation():
    with pytest.raises(BackgroundError) as e:
        parse_posts({"posts": [{"post": "A", "lat": 99, "lon": 28, "backgrounds": {"NO2": 0.1}}]})
    assert e.value.key == "bg.err.posts_coords"
    with pytest.raises(BackgroundError) as e:
        parse_posts({"posts": [{"post": "A", "lat": 49, "lon": 28, "backgrounds": {"NO2": -1}}]})
    assert e.value.key == "bg.err.posts_value"


def _tables(K_rows, a_rows, status="official"):
    d = user_data_dir() / "background"
    d.mkdir(parents=True, exist_ok=True)
    (d / "range_coefficient.csv").write_text(f"# status: {status}\nn,K\n" + K_rows, encoding="utf-8")
    (d / "maximum_coefficient.csv").write_text(f"# status: {status}\nV,a\n" + a_rows, encoding="utf-8")


def test_subplume_hand_computed():
    """Test tables: K(n) = 2 for all n, a(V) = 1 + V (0 ≤ V ≤ 5).
    Values: 25 × 0.1, 24 × 0.3, 1 × 0.9 (n = 50).
      (3.1) 2 % of 50 = 1 largest excluded: mean = (2.5 + 7.2) / 49 = 9.7 / 49 = 0.197959
      (3.2) σ = (C_max − C_min) / K = (0.9 − 0.1) / 2 = 0.4   (range over all analyses)
      (3.3) V = 0.4 / 0.197959 = 2.020619
      (3.4) q_m = a · mean = (1 + V) · mean = mean + σ = 0.597959
      (3.5) rhumb E with P = 0.15: 0.15 · 0.597959 = 0.089694; other rhumbs 0
      §3.2: 50 values in 3 years = 16.7 per year < 200 -> insufficient, reported."""
    _tables("2,2\n1000,2\n", "0,1\n5,6\n")
    values = [0.1] * 25 + [0.3] * 24 + [0.9]
    rose = {"N": 0.25, "E": 0.15, "S": 0.3, "W": 0.3}
    res = subplume_background(values, rose, "E", 500.0, years=3, substance="NO2", refdata=background_reference())
    st = res.details["statistics"]
    assert st["n_excluded"] == 1
    assert st["mean_mg_m3"] == pytest.approx(9.7 / 49)
    assert st["sigma_mg_m3"] == pytest.approx(0.4)
    assert st["V"] == pytest.approx(0.4 / (9.7 / 49))
    assert st["q_m_mg_m3"] == pytest.approx(9.7 / 49 + 0.4)
    vals = {r["rhumb"]: r["value_mg_m3"] for r in res.values}
    assert vals == {"N": 0.0, "E": pytest.approx(0.15 * (9.7 / 49 + 0.4)), "S": 0.0, "W": 0.0}
    assert st["sufficient"] is False
    assert any(w.key == "bg.warn.subplume_insufficient" for w in res.warnings)
    # official tables: only (3.5) stays reconstructed
    assert res.pieces == ["background_rose_3_5"]


def test_subplume_shipped_tables_reconstructed():
    # shipped K(n) = d2(n): K(2) = 1.128 (textbook value of the mean range of 2 normal values)
    assert load_curve("range_coefficient").y[0] == pytest.approx(1.128, abs=1e-3)
    res = subplume_background([0.1, 0.2, 0.3] * 100, {"N": 1.0}, "N", 100.0, years=1, refdata=background_reference())
    assert set(res.pieces) == {"sigma_range_3_2", "maximum_98_3_4", "background_rose_3_5"}


def test_bad_curve_table_is_refused():
    d = user_data_dir() / "background"
    d.mkdir(parents=True, exist_ok=True)
    (d / "transition_function.csv").write_text("V,F\n0.5,1\n0.2,2\n", encoding="utf-8")
    with pytest.raises(CurveTableError):
        load_curve("transition_function")


def test_calculated_background_and_own_contribution():
    # §1.3/§4.4: 0.4 × 0.25 = 0.1, confirmed by the text -> not reconstructed
    res = calculated(0.25, substance="NO2", refdata=background_reference())
    assert res.values[0]["value_mg_m3"] == pytest.approx(0.1)
    assert not res.reconstructed
    # (4.1): C = 0.05 ≤ 2·0.1 -> 0.1 − 0.4·0.05 = 0.08 ; (4.2): C = 0.3 > 0.2 -> 0.2·0.1 = 0.02
    res = calculated(0.25, substance="NO2", c_own=0.05, refdata=background_reference())
    assert res.values[1]["value_mg_m3"] == pytest.approx(0.08) and res.values[1]["branch"] == "4.1"
    assert res.pieces == ["exclude_own_4_1_4_2"]
    assert exclude_own(0.1, 0.3, refdata=background_reference()).values[0]["value_mg_m3"] == pytest.approx(0.02)
    # at C = 2 Cф both branches give 0.1 − 0.08 = 0.02
    assert exclude_own(0.1, 0.2, refdata=background_reference()).values[0]["value_mg_m3"] == pytest.approx(0.02)
    with pytest.raises(BackgroundError):
        calculated(-1, refdata=background_reference())


def test_calculated_from_the_dispersion_engine(tmp_path, capsys):
    """§4 with C_max from ecologis.core.dispersion: OND-86 Example 1 (reference W1), SO2,
    printed c_м = 0,19 mg/m³ -> background 0.4 · 0.19 = 0.076 (± 0.4 · 0.005, printed precision)."""
    import json

    from ecologis.cli import main
    from ecologis.pipeline.background_by_calculation import calculated_from_dispersion

    ex1 = {"A": 200, "eta": 1, "ambient_temp_c": 25,
           "sources": [{"id": "S1", "lat": 49.23, "lon": 28.47, "height_m": 35, "diameter_m": 1.4,
                        "velocity_m_s": 7, "temp_c": 125,
                        "emissions": [{"substance": "7446-09-5", "rate_g_s": 12, "F": 1, "gdk_mr_mg_m3": 0.5}]}]}
    res = calculated_from_dispersion(ex1, "7446-09-5", directions=36, refdata=background_reference())
    assert res.values[0]["value_mg_m3"] == pytest.approx(0.076, abs=0.002)
    assert res.inputs["c_max_source"] == "dispersion"
    assert ("ond86_unverified" in res.pieces) == bool(res.inputs["dispersion_unverified"])
    p = tmp_path / "src.json"
    p.write_text(json.dumps(ex1), encoding="utf-8")
    assert main(["background", "calculated", "--sources", str(p), "--substance", "7446-09-5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["values"][0]["value_mg_m3"] == pytest.approx(0.076, abs=0.002)
    assert main(["background", "calculated", "--sources", str(p)]) == 2


def test_cli_subplume(tmp_path, capsys):
    import json

    from ecologis.cli import main

    _tables("2,2\n1000,2\n", "0,1\n5,6\n")      # K = 2, a = 1 + V (official test tables)
    p = tmp_path / "v.csv"
    # 0.1 (header skipped), 0,3 (decimal comma), 0.2 (first CSV column)
    p.write_text("concentration\n0.1\n0,3\n0.2,2023-01-01\n", encoding="utf-8")
    assert main(["background", "subplume", str(p), "--rose", "N=0.5,E=0.5", "--rhumb", "E", "--distance", "300",
                 "--json"]) == 0
    j = json.loads(capsys.readouterr().out)
    # n = 3, none excluded (floor 0.06 = 0); mean 0.2; σ = (0.3 − 0.1) / 2 = 0.1; V = 0.5; a = 1.5;
    # q_m = 0.3; E: 0.5 · 0.3 = 0.15
    assert j["statistics"]["mean_mg_m3"] == pytest.approx(0.2)
    assert {v["rhumb"]: v["value_mg_m3"] for v in j["values"]} == {"N": 0.0, "E": pytest.approx(0.15)}
    assert j["reconstructed_pieces"][0]["id"] == "background_rose_3_5"
    p.write_text("0.1\n-2\n", encoding="utf-8")
    assert main(["--lang", "en", "background", "subplume", str(p), "--rose", "N=1", "--rhumb", "N",
                 "--distance", "1"]) == 2
    assert "row 2" in capsys.readouterr().err
