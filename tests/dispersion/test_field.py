"""Field properties, geometry, summation groups, background, contours, receptors."""

import importlib.util
import copy
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import Point, shape

from ecologis.core.dispersion import calculate, formulas as fm
from ecologis.core.dispersion.field import Terms, direction_angles, max_field
from ecologis.core.geometry import LocalFrame
from ecologis.core.dispersion.params import source_parameters

_spec = importlib.util.spec_from_file_location("_disp_helpers", Path(__file__).with_name("_helpers.py"))
_h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_h)
_ospec = importlib.util.spec_from_file_location("_disp_oracle", Path(__file__).with_name("oracle.py"))
_oracle = importlib.util.module_from_spec(_ospec)
_ospec.loader.exec_module(_oracle)
max_field_python = _oracle.max_field_python

LAT, LON = 49.23, 28.47
# Example 1 values (see test_worked_examples): c_m(SO2) = 0.186424, x_m = 430.398, u_m = 2.220166;
# a receptor at x_m downwind sees c_m itself (s1(1) = 1 at u = u_m).
# Hand derivation (OND-86 §2, hot source; plain arithmetic, independent of ecologis code):
#   H = 35 m, D = 1.4 m, w0 = 7 m/s, ΔT = 125 − 25 = 100 °C, M = 12 g/s, F = 1, A = 200, η = 1
#   (2.2)  V1 = π D²/4 · w0 = π · 0.49 · 7 = 3.43 π = 10.7756628 m³/s
#   (2.3)  f = 1000 w0² D / (H² ΔT) = 1000 · 49 · 1.4 / (1225 · 100) = 0.56
#   (2.4)  v_m = 0.65 ∛(V1 ΔT / H) = 0.65 ∛30.7876080 = 0.65 · 3.1341900 = 2.0372235
#   (2.5)  v'_m = 1.3 w0 D / H = 1.3 · 7 · 1.4 / 35 = 0.364
#   (2.6)  f_e = 800 (v'_m)³ = 38.5828352 > f → the ordinary hot regime (f < 100)
#   (2.7а) m = 1 / (0.67 + 0.1 √f + 0.34 ∛f) = 1 / (0.67 + 0.0748331 + 0.2802474) = 0.9755331
#   (2.8)  v_m ≥ 2 → n = 1
#   (2.1)  c_m = A M F m n η / (H² ∛(V1 ΔT)) = 200 · 12 · 0.9755331 / (1225 · 10.2521432)
#                = 2341.2794 / 12558.8754 = 0.1864243 mg/m³
#   (2.14в) v_m > 2: d = 7 √v_m (1 + 0.28 ∛f) = 7 · 1.4273134 · 1.2307920 = 12.2970810
#   (2.13) x_m = (5 − F)/4 · d · H = 1 · 12.2970810 · 35 = 430.39783 m
#   (2.16в) v_m > 2: u_m = v_m (1 + 0.12 √f) = 2.0372235 · 1.0897998 = 2.2201657 m/s
EX1 = {"A": 200, "eta": 1, "ambient_temp_c": 25,
       "sources": [{"id": "S1", "lat": LAT, "lon": LON, "height_m": 35, "diameter_m": 1.4,
                    "velocity_m_s": 7, "temp_c": 125,
                    "emissions": [{"substance": "SO2", "rate_g_s": 12, "F": 1, "gdk_mr_mg_m3": 0.5}]}]}


def _calc(data, **kw):
    kw.setdefault("lookup", _h.no_lookup)
    return calculate(data, **kw)


def _ex1_terms():
    p = source_parameters(height_m=35, diameter_m=1.4, velocity_m_s=7, volume_m3_s=fm.volume_flow(1.4, 7),
                          delta_t_c=100, rate_g_s=12, f_settle=1)
    return p, Terms(x=np.zeros(1), y=np.zeros(1), c_m=p["c_m"], x_m=p["x_m"], u_m=p["u_m"],
                    F=np.ones(1), H=np.array([35.0]))


def test_axis_maximum_equals_c_m_at_x_m():
    p, terms = _ex1_terms()
    c_m, x_m, u_m = float(p["c_m"][0]), float(p["x_m"][0]), float(p["u_m"][0])
    # Points due south of the stack (wind from the north, 0°, is among the 8 directions),
    # including x_m itself and 1 m either side.
    ys = -np.concatenate([np.linspace(10, 5000, 500), [x_m - 1, x_m, x_m + 1]])
    c, d, u = max_field(np.zeros_like(ys), ys, terms, direction_angles(8), [u_m])
    k = int(np.argmax(c))
    assert c[k] == pytest.approx(c_m, rel=1e-12)      # s1(1) = s2(0) = r(1) = 1
    assert -ys[k] == pytest.approx(x_m)
    assert d[k] == 0.0 and u[k] == pytest.approx(u_m)
    assert np.all(c[:500] < c_m)
    # And nowhere in a 2-D field is c_m exceeded.
    xs = np.linspace(-2000, 2000, 81)
    gx, gy = np.meshgrid(xs, xs)
    cf, _, _ = max_field(gx, gy, terms, direction_angles(360), [u_m])
    assert cf.max() <= c_m * (1 + 1e-12)


@pytest.mark.parametrize("block", [4096, 100, 30])   # one chunk / tiles of 10×10 / 5×5
def test_vectorised_field_matches_pure_python(block):
    rng = np.random.default_rng(7)
    T = 6
    terms = Terms(x=rng.uniform(-300, 300, T), y=rng.uniform(-300, 300, T), c_m=rng.uniform(0.1, 1, T),
                  x_m=rng.uniform(50, 500, T), u_m=rng.uniform(0.5, 4, T),
                  F=np.array([1, 3, 1, 2.5, 1, 1.0]), H=np.array([5, 40, 20, 8, 60, 35.0]))
    xs = np.linspace(-3000, 3000, 23)
    gx, gy = np.meshgrid(xs, xs)
    dirs = direction_angles(36)
    c, _, _ = max_field(gx, gy, terms, dirs, [0.7, 2.5, 6.0], block=block)
    tl = [dict(x=terms.x[i], y=terms.y[i], c_m=terms.c_m[i], x_m=terms.x_m[i], u_m=terms.u_m[i],
               F=terms.F[i], H=terms.H[i]) for i in range(T)]
    cp = np.array(max_field_python(list(zip(gx.ravel(), gy.ravel())), tl, dirs, [0.7, 2.5, 6.0]))
    assert np.allclose(c.ravel(), cp, rtol=1e-12, atol=1e-15)
    assert c.max() > 0


def test_doubling_emission_doubles_every_concentration():
    d2 = copy.deepcopy(EX1)
    d2["sources"][0]["emissions"][0]["rate_g_s"] = 24
    rec = [{"id": "R1", "lat": 49.234, "lon": 28.47}, {"id": "R2", "lat": 49.22, "lon": 28.48}]
    d1 = copy.deepcopy(EX1)
    d1["receptors"] = rec
    d2["receptors"] = rec
    r1, r2 = _calc(d1, directions=36), _calc(d2, directions=36)
    assert r2["sources"][0]["c_m_mg_m3"] == pytest.approx(2 * r1["sources"][0]["c_m_mg_m3"], rel=1e-12)
    assert r2["sources"][0]["x_m_m"] == pytest.approx(r1["sources"][0]["x_m_m"], rel=1e-12)
    assert r2["field_max"]["value_mg_m3"] == pytest.approx(2 * r1["field_max"]["value_mg_m3"], rel=1e-12)
    for a, b in zip(r1["receptors"], r2["receptors"]):
        assert b["value_mg_m3"] == pytest.approx(2 * a["value_mg_m3"], rel=1e-12)
        assert a["value_mg_m3"] > 0


def test_doubling_doubles_the_whole_field():
    p, terms = _ex1_terms()
    xs = np.linspace(-2500, 2500, 41)
    gx, gy = np.meshgrid(xs, xs)
    c1, _, _ = max_field(gx, gy, terms, direction_angles(36), [1.5, float(p["u_m"][0])])
    terms.c_m = terms.c_m * 2
    c2, _, _ = max_field(gx, gy, terms, direction_angles(36), [1.5, float(p["u_m"][0])])
    assert np.allclose(c2, 2 * c1, rtol=1e-12, atol=0)


def test_two_identical_sources_at_one_point_give_twice_one_source():
    d2 = copy.deepcopy(EX1)
    s2 = copy.deepcopy(d2["sources"][0])
    s2["id"] = "S2"
    d2["sources"].append(s2)
    rec = [{"id": "R1", "lat": 49.234, "lon": 28.47}]
    d1 = copy.deepcopy(EX1)
    d1["receptors"] = rec
    d2["receptors"] = rec
    r1, r2 = _calc(d1), _calc(d2)
    assert len(r2["sources"]) == 2
    assert r2["field_max"]["value_mg_m3"] == pytest.approx(2 * r1["field_max"]["value_mg_m3"], rel=1e-12)
    assert r2["receptors"][0]["value_mg_m3"] == pytest.approx(2 * r1["receptors"][0]["value_mg_m3"], rel=1e-12)
    assert "ond86.s3.sum_sources" in {u["id"] for u in r2["unverified"]}


def _receptor_at_x_m(x_m):
    lon, lat = LocalFrame(LAT, LON).to_lonlat(0.0, -x_m)
    return {"id": "XM", "lat": float(lat), "lon": float(lon)}


def test_receptor_at_x_m_gets_c_m_and_summation_group():
    # W1 derived (reference): q(SO2 + NO2) at x_m = 0.3728 + 0.0366 = 0.4094 (ПДК 0.5, 0.085).
    d = copy.deepcopy(EX1)
    d["sources"][0]["emissions"].append({"substance": "NO2", "rate_g_s": 0.2, "F": 1, "gdk_mr_mg_m3": 0.085})
    d["summation_groups"] = [{"id": "SO2+NO2", "substances": ["SO2", "NO2"]}]
    d["receptors"] = [_receptor_at_x_m(430.39783)]
    r = _calc(d, directions=8)
    so2 = next(t for t in r["targets"] if t["id"] == "SO2")
    grp = next(t for t in r["targets"] if t["id"] == "SO2+NO2")
    _h.assert_printed(so2["receptors"][0]["value_mg_m3"], "0,19")
    assert so2["receptors"][0]["value_mg_m3"] == pytest.approx(0.186424, abs=1e-6)
    assert grp["kind"] == "group"
    assert grp["receptors"][0]["share_gdk_with_background"] == pytest.approx(0.4094, abs=5e-5)
    # reduced concentration in mg/m³ of SO2: 0.4094·0.5 = 0.2047
    assert grp["receptors"][0]["value_mg_m3"] == pytest.approx(0.2047, abs=5e-5)
    assert "ond86.summation_group" in grp["unverified"]
    assert r["selected_target"] == "SO2+NO2"     # highest share of ГДК


def test_background_added_and_calculated_szz():
    # background 0.4 mg/m³ = 0.8 ГДК: the zone C + Cф ≥ 1 ГДК is where C ≥ 0.1 mg/m³.
    d = copy.deepcopy(EX1)
    d["background"] = {"SO2": 0.4}
    d["receptors"] = [_receptor_at_x_m(430.39783)]
    r = _calc(d, directions=36, grid_step_m=25)
    fmx = r["field_max"]
    assert fmx["value_with_background_mg_m3"] == pytest.approx(fmx["value_mg_m3"] + 0.4)
    assert r["receptors"][0]["value_with_background_mg_m3"] == pytest.approx(0.186424 + 0.4, abs=1e-6)
    szz = r["szz_contour"]
    assert szz["geometry"]["type"] == "MultiPolygon"
    assert szz["properties"]["touches_grid_edge"] is False
    zone = shape(szz["geometry"])
    # c at x_m = 0.186 ≥ 0.1 → inside; at 3000 m downwind c = 0.0287 < 0.1 → outside; the
    # zone is a ring around the stack (c → 0 at the stack), so the stack itself is outside.
    lon, lat = LocalFrame(LAT, LON).to_lonlat(0.0, -430.0)
    assert zone.contains(Point(float(lon), float(lat)))
    lon, lat = LocalFrame(LAT, LON).to_lonlat(0.0, -3000.0)
    assert not zone.contains(Point(float(lon), float(lat)))
    assert not zone.contains(Point(LON, LAT))
    assert "ond86.s7.background" in {u["id"] for u in r["unverified"]}


def test_no_szz_without_exceedance_and_isolines():
    r = _calc(EX1, directions=36)
    assert r["szz_contour"]["geometry"] is None          # max 0.373 ГДК < 1
    levels = [f["properties"]["level"] for f in r["isolines"]["features"]]
    assert 0.1 in levels and 0.05 in levels and 0.5 not in levels
    f01 = next(f for f in r["isolines"]["features"] if f["properties"]["level"] == 0.1)
    assert f01["properties"]["level_mg_m3"] == pytest.approx(0.05)
    assert f01["geometry"]["type"] == "MultiLineString"
    lon, lat = f01["geometry"]["coordinates"][0][0]
    assert abs(lat - LAT) < 0.05 and abs(lon - LON) < 0.08
    # The field maximum is found about x_m from the stack (grid step 20 m).
    fmx = r["field_max"]
    dist = Geod(ellps="WGS84").inv(LON, LAT, fmx["lon"], fmx["lat"])[2]
    assert abs(dist - 430.4) <= 20 * 1.5
    assert fmx["share_gdk"] == pytest.approx(0.3728, abs=2e-3)


def test_local_projection_round_trip_and_distances():
    proj = LocalFrame(LAT, LON)
    x, y = proj.to_local_xy([28.5, 28.44], [49.25, 49.2])
    lon, lat = proj.to_lonlat(x, y)
    assert np.allclose(lat, [49.25, 49.2], atol=1e-10) and np.allclose(lon, [28.5, 28.44], atol=1e-10)
    # Azimuthal equidistant: distance from the centre equals the geodesic distance.
    geo = Geod(ellps="WGS84").inv([LON, LON], [LAT, LAT], [28.5, 28.44], [49.25, 49.2])[2]
    assert np.allclose(np.hypot(x, y), geo, rtol=1e-9)


def test_tonnes_per_year_input_and_unverified_flags():
    d = copy.deepcopy(EX1)
    # 12 g/s = 12·8760·3600/1e6 t/yr = 378.432 t/yr at 8760 h.
    d["sources"][0]["emissions"] = [{"substance": "SO2", "mass_t_per_year": 378.432, "hours_per_year": 8760,
                                     "gdk_mr_mg_m3": 0.5}]
    r = _calc(d, directions=8)
    assert r["sources"][0]["rate_g_s"] == pytest.approx(12.0)
    _h.assert_printed(r["sources"][0]["c_m_mg_m3"], "0,19")
    ids = {u["id"] for u in r["unverified"]}
    assert {"ond86.2.16.u_m", "ond86.2.26.t_y", "ond86.2.27.s2"} <= ids
    assert "ond86.2.9.c_m_cold" not in ids


def test_dust_F_from_cleaning_efficiency():
    d = copy.deepcopy(EX1)
    d["sources"][0]["emissions"] = [{"substance": "dust", "rate_g_s": 2.6, "cleaning_efficiency_pct": 60,
                                     "gdk_mr_mg_m3": 0.5}]
    r = _calc(d, directions=8)
    s = r["sources"][0]
    assert s["F"] == 3.0
    _h.assert_printed(s["c_m_mg_m3"], "0,12")     # same as ash with F = 3 in W1
    _h.assert_printed(s["x_m_m"], "215")
    assert "ond86.2.5.F_by_cleaning" in s["unverified"]


def test_cancel_and_progress():
    from ecologis.core.dispersion import Cancelled

    seen = []
    r = _calc(EX1, directions=8, progress=seen.append)
    assert seen[-1] == 1.0 and all(0 <= a <= b <= 1 for a, b in zip(seen, seen[1:]))
    assert r["field_max"]["value_mg_m3"] > 0
    with pytest.raises(Cancelled):
        _calc(EX1, directions=8, cancel=lambda: True)


def test_substance_lookup_is_used_for_names_and_gdk():
    class Sub:
        cas, gdk_mr, name_uk, name_en = "7446-09-5", 0.5, "Сірки діоксид", "Sulfur dioxide"

    d = copy.deepcopy(EX1)
    del d["sources"][0]["emissions"][0]["gdk_mr_mg_m3"]
    r = calculate(d, lookup=lambda name: Sub() if name in ("SO2", "7446-09-5") else None, directions=8)
    assert r["sources"][0]["substance"] == "7446-09-5"
    assert r["sources"][0]["substance_name"] == "Сірки діоксид"
    assert r["sources"][0]["c_m_share_gdk"] == pytest.approx(0.186424 / 0.5, abs=1e-5)
    r2 = calculate(d, lookup=_h.no_lookup, directions=8)
    assert r2["isolines"] is None and r2["szz_contour"] is None
    assert any(w["key"] == "disp.warn.no_gdk" for w in r2["warnings"])


def test_core_does_not_import_qt():
    import subprocess
    import sys

    code = ("import sys, ecologis.core.dispersion, ecologis.core.dispersion.run; "
            "print(any(m.startswith(('PySide6', 'PyQt', 'shiboken')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_other_wind_speed_uses_r_and_p():
    """Wind speed 1 m/s instead of u_m = 2.220166 (Example 1, SO2): u/u_m = 0.450417.
    r = 0.67·0.450417 + 1.67·0.450417² − 1.34·0.450417³ = 0.301779 + 0.338801 − 0.122446 = 0.518134  (2.19а)
    p = 8.43·(1 − 0.450417)⁵ + 1 = 8.43·0.050140 + 1 = 1.422681  (2.21б)
    → maximum r·c_m = 0.518134·0.186424 = 0.096593 mg/m³ at p·x_m = 1.422681·430.398 = 612.32 m."""
    d = copy.deepcopy(EX1)
    d["wind_speeds"] = [1.0]
    d["receptors"] = [_receptor_at_x_m(612.32), _receptor_at_x_m(430.398)]
    r = _calc(d, directions=8)
    assert r["receptors"][0]["value_mg_m3"] == pytest.approx(0.096593, abs=2e-6)
    assert r["receptors"][1]["value_mg_m3"] < r["receptors"][0]["value_mg_m3"]
    assert r["receptors"][0]["wind_speed_m_s"] == 1.0
    assert {"ond86.2.19.r", "ond86.2.21.p"} <= {u["id"] for u in r["unverified"]}
    # Adding the dangerous speed itself brings back c_m at x_m.
    d["include_source_dangerous_speeds"] = True
    r2 = _calc(d, directions=8)
    assert r2["receptors"][1]["value_mg_m3"] == pytest.approx(0.186424, abs=1e-6)
    assert r2["receptors"][1]["wind_speed_m_s"] == pytest.approx(2.220166, abs=1e-6)


def test_more_directions_never_lower_the_maximum():
    # 36 directions (every 10°) are a subset of 360 (every 1°): the max can only grow.
    p, terms = _ex1_terms()
    xs = np.linspace(-2500, 2500, 31)
    gx, gy = np.meshgrid(xs, xs)
    c36, _, _ = max_field(gx, gy, terms, direction_angles(36), [2.0])
    c360, _, _ = max_field(gx, gy, terms, direction_angles(360), [2.0])
    assert np.all(c360 >= c36 - 1e-15) and np.any(c360 > c36)


def test_degenerate_sources_give_finite_json():
    import json

    for extra in ({"velocity_m_s": 0, "temp_c": 125}, {"velocity_m_s": 0}, {"volume_m3_s": 0.0, "temp_c": 30}):
        d = {"ambient_temp_c": 25, "sources": [dict({"id": "S1", "lat": LAT, "lon": LON, "height_m": 5,
                                                     "diameter_m": 1.4, "emissions": [
                                                         {"substance": "X", "rate_g_s": 1, "gdk_mr_mg_m3": 0.5}]},
                                                    **extra)]}
        r = _calc(d, directions=8)
        json.dumps(r, allow_nan=False)
        assert r["sources"][0]["regime"].endswith("low_velocity")
        assert r["sources"][0]["u_m_m_s"] == 0.5
