"""Plant-level OND-86: full speed scan, exact worst directions, contributions, ГДВ, groups.

Every expected number is derived by hand in the comments from the OND-86 formulas
(shared/reference/ond86_and_background.md), never from running the code under test."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from pyproj import Geod

from ecologis.core.dispersion import calculate
from ecologis.io.reference_data import summation_groups

_spec = importlib.util.spec_from_file_location("_disp_helpers", Path(__file__).with_name("_helpers.py"))
_h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_h)

GEOD = Geod(ellps="WGS84")
LAT, LON = 49.23, 28.47

# Stack P = OND-86 Example 1 (hand derivation in test_field.py): H 35 m, D 1.4 m, w0 7 m/s,
# ΔT 100 °C, M = 12 g/s SO2, F 1 → c_m = 0.1864243 mg/m³, x_m = 430.39783 m, u_m = 2.2201657 m/s.
C_M_P, X_M_P, U_M_P = 0.1864243, 430.39783, 2.2201657
# Stack Q: cold (no temperature), H 10 m, D 0.5 m, w0 1 m/s, M = 0.4 g/s, F 1.
#   (2.5) v'_m = 1.3·w0·D/H = 1.3·1·0.5/10 = 0.065 < 0.5 → very low exit velocity regime
#   (2.11)-(2.12) c_m = A·M·F·m'·η/H^(7/3), m' = 0.9 (cold): 200·0.4·0.9/10^(7/3)
#                 = 72/215.443469 = 0.3341944 mg/m³
#   (2.15а) d = 5.7 → (2.13) x_m = (5 − 1)/4·5.7·10 = 57 m;  (2.17а) u_m = 0.5 m/s
C_M_Q, X_M_Q, U_M_Q = 0.3341944, 57.0, 0.5


def _src(sid, lat, lon, **kw):
    return {"id": sid, "lat": lat, "lon": lon, **kw}


def _p(lat=LAT, lon=LON, rate=12.0, substance="SO2", gdk=0.5):
    return _src("P", lat, lon, height_m=35, diameter_m=1.4, velocity_m_s=7, temp_c=125,
                emissions=[{"substance": substance, "rate_g_s": rate, "F": 1, "gdk_mr_mg_m3": gdk}])


def _q(lat, lon, gdk=0.5):
    return _src("Q", lat, lon, height_m=10, diameter_m=0.5, velocity_m_s=1,
                emissions=[{"substance": "SO2", "rate_g_s": 0.4, "F": 1, "gdk_mr_mg_m3": gdk}])


def _at(lat, lon, az, dist):
    lo, la, _ = GEOD.fwd(lon, lat, az, dist)
    return la, lo


def _calc(doc, **kw):
    kw.setdefault("lookup", _h.no_lookup)
    kw.setdefault("shipped_groups", summation_groups())     # the shipped groups, as the application gives them
    return calculate(doc, **kw)


def test_two_stacks_maximum_not_below_either_c_m():
    # P at the origin, Q 1.5 km east; a receptor on Q's axis, x_m(Q) = 57 m further east.
    # By default only u_mс = (0.1864·2.220 + 0.3342·0.5)/0.5206 = 1.116 m/s used to be scanned;
    # at u_mс, Q gives at most r(2.23)·c_m = 3·2.23/(2·2.23² − 2.23 + 2)·0.3342 = 0.688·0.3342 = 0.230.
    # With 0.5 m/s = u_m(Q) in the scan and the wind from P towards Q (270°, both on axis) the
    # receptor gets at least c_m(Q) = 0.3341944, concentrations being sums of non-negative terms.
    qlat, qlon = _at(LAT, LON, 90.0, 1500.0)
    rlat, rlon = _at(qlat, qlon, 90.0, X_M_Q)
    doc = {"A": 200, "ambient_temp_c": 25, "sources": [_p(), _q(qlat, qlon)],
           "receptors": [{"id": "R", "lat": rlat, "lon": rlon}]}
    res = _calc(doc)
    assert res["field_max"]["value_mg_m3"] >= C_M_Q * (1 - 1e-6)
    assert res["receptors"][0]["value_mg_m3"] >= C_M_Q * (1 - 1e-6)
    assert 0.5 in res["targets"][0]["wind_speeds_m_s"]


@pytest.mark.parametrize("az", [5.0, 50.0, 95.0, 143.0, 271.0])
def test_single_stack_field_is_radially_symmetric_off_the_scan_directions(az):
    # Receptors at 1.7·x_m from P in directions between the 10° scan directions.  On the
    # axis at u = u_m: s1(1.7) = 1.13/(0.13·1.7² + 1) = 1.13/1.3757 = 0.821400 (2.23б), so
    # c = 0.821400·0.1864243 = 0.1531285 mg/m³; the worst wind puts every receptor on the axis,
    # so all get the same value (to 0.5 %) and none less than that.  A 10° scan alone gives
    # 5° off axis s2(2.22·tan²5°) = 1/(1 + 5·0.0170 + …)² ≈ 0.85 of it.
    ref_lat, ref_lon = _at(LAT, LON, 0.0, 1.7 * X_M_P)
    la, lo = _at(LAT, LON, az, 1.7 * X_M_P)
    doc = {"A": 200, "ambient_temp_c": 25, "sources": [_p()],
           "receptors": [{"id": "N", "lat": ref_lat, "lon": ref_lon}, {"id": "X", "lat": la, "lon": lo}]}
    res = _calc(doc)
    n, x = (r["value_mg_m3"] for r in res["receptors"])
    assert x >= 0.1531285 * (1 - 1e-5)
    assert x == pytest.approx(n, rel=0.005)


def test_single_stack_plant_maximum_is_c_m():
    res = _calc({"A": 200, "ambient_temp_c": 25, "sources": [_p()]})
    assert res["field_max"]["value_mg_m3"] == pytest.approx(C_M_P, rel=1e-6)
    assert res["field_max"]["wind_speed_m_s"] == pytest.approx(U_M_P, rel=1e-6)


def test_contributions_sum_to_the_receptor_value():
    # Two stacks 300 m apart, receptor 600 m north-east: both plumes reach it.
    qlat, qlon = _at(LAT, LON, 90.0, 300.0)
    rlat, rlon = _at(LAT, LON, 45.0, 600.0)
    doc = {"A": 200, "ambient_temp_c": 25, "sources": [_p(), _q(qlat, qlon)],
           "receptors": [{"id": "R", "lat": rlat, "lon": rlon}]}
    res = _calc(doc)
    rec = res["receptors"][0]
    cons = rec["contributions"]
    assert {c["source"] for c in cons} == {"P", "Q"}
    assert sum(c["value_mg_m3"] for c in cons) == pytest.approx(rec["value_mg_m3"], rel=1e-9)
    assert sum(c["share"] for c in cons) == pytest.approx(1.0, rel=1e-12)
    assert all(c["value_mg_m3"] > 0 for c in cons)
    fm = res["field_max"]
    assert sum(c["value_mg_m3"] for c in fm["contributions"]) == pytest.approx(fm["value_mg_m3"], rel=1e-9)


def test_contribution_of_a_single_stack_at_its_maximum():
    res = _calc({"A": 200, "ambient_temp_c": 25, "sources": [_p()]})
    (c,) = res["contributions"]
    assert c["source"] == "P" and c["share"] == 1.0
    assert c["value_mg_m3"] == pytest.approx(C_M_P, rel=1e-6)


# --------------------------------------------------------------------------- ГДВ
def test_gdv_single_hot_stack_by_hand():
    # ГДВ = M·(ГДК − c_ф)/c_m.  ГДК 0.1, no background: 12·0.1/0.1864243 = 6.436929 g/s;
    # reduction 12 − 6.436929 = 5.563071 g/s = 46.3589 %.  The inverse of (2.1) gives the same:
    # (ГДК − c_ф)·H²·∛(V1·ΔT)/(A·F·m·n·η) = 0.1·1225·10.2521432/(200·0.9755331) = 6.436929.
    res = _calc({"A": 200, "ambient_temp_c": 25, "sources": [_p(gdk=0.1)]})
    (g,) = res["gdv"]
    assert (g["source"], g["substance"], g["m_g_s"]) == ("P", "SO2", 12.0)
    assert g["gdv_g_s"] == pytest.approx(6.436929, rel=1e-5)
    assert g["reduction_g_s"] == pytest.approx(5.563071, rel=1e-5)
    assert g["reduction_pct"] == pytest.approx(46.3589, rel=1e-5)


def test_gdv_single_hot_stack_with_background_and_headroom():
    # ГДК 0.5, c_ф 0.1: 12·(0.5 − 0.1)/0.1864243 = 4.8/0.1864243 = 25.74772 g/s > M: no reduction.
    doc = {"A": 200, "ambient_temp_c": 25, "sources": [_p(gdk=0.5)], "background": {"SO2": 0.1}}
    (g,) = _calc(doc)["gdv"]
    assert g["gdv_g_s"] == pytest.approx(25.74772, rel=1e-5)
    assert g["reduction_g_s"] == 0.0 and g["reduction_pct"] == 0.0


def test_gdv_single_cold_stack_by_hand():
    # Cold (no temperature): H 20 m, D 1 m, w0 10 m/s, M 5 g/s, F 1, ГДК 0.3, c_ф 0.05.
    #   (2.2)  V1 = π·1²/4·10 = 7.8539816 m³/s;  (2.5) v'_m = 1.3·10·1/20 = 0.65 (≥ 0.5: (2.9))
    #   (2.8б) n = 0.532·0.65² − 2.13·0.65 + 3.13 = 0.224770 − 1.3845 + 3.13 = 1.970270
    #   (2.10) K = D/(8·V1) = 1/62.831853 = 0.01591549
    #   (2.9)  c_m = A·M·F·n·η·K/H^(4/3) = 200·5·1.970270·0.01591549/54.288352 = 0.5776160 mg/m³
    #   ГДВ = M·(ГДК − c_ф)/c_m = 5·0.25/0.5776160 = 2.164067 g/s (= (ГДК − c_ф)·H^(4/3)·8·V1/(A·F·n·η));
    #   reduction 5 − 2.164067 = 2.835933 g/s = 56.71865 %.
    doc = {"A": 200, "sources": [_src("C", LAT, LON, height_m=20, diameter_m=1, velocity_m_s=10, emissions=[
        {"substance": "SO2", "rate_g_s": 5, "F": 1, "gdk_mr_mg_m3": 0.3, "background_mg_m3": 0.05}])]}
    res = _calc(doc)
    assert res["sources"][0]["c_m_mg_m3"] == pytest.approx(0.5776160, rel=1e-6)
    (g,) = res["gdv"]
    assert g["gdv_g_s"] == pytest.approx(2.164067, rel=1e-5)
    assert g["reduction_pct"] == pytest.approx(56.71865, rel=1e-5)


def test_gdv_plant_keeps_the_maximum_at_the_limit():
    # Two stacks of the same substance close together: after the reduction the plant maximum
    # with the ГДВ emissions is at most ГДК (checked by recalculating with them), and a source
    # is never raised above its ГДВ.
    qlat, qlon = _at(LAT, LON, 90.0, 200.0)
    doc = {"A": 200, "ambient_temp_c": 25, "sources": [_p(gdk=0.2), _q(qlat, qlon, gdk=0.2)]}
    res = _calc(doc)
    gdv = {g["source"]: g for g in res["gdv"]}
    assert res["field_max"]["value_mg_m3"] > 0.2          # c_m(Q) = 0.334 alone exceeds 0.2
    assert gdv["Q"]["reduction_pct"] > 0
    doc2 = {"A": 200, "ambient_temp_c": 25, "sources": [_p(gdk=0.2, rate=gdv["P"]["gdv_g_s"]),
                                                         _q(qlat, qlon, gdk=0.2)]}
    doc2["sources"][1]["emissions"][0]["rate_g_s"] = gdv["Q"]["gdv_g_s"]
    res2 = _calc(doc2)
    assert res2["field_max"]["value_mg_m3"] <= 0.2 * (1 + 1e-6)
    assert res2["field_max"]["value_mg_m3"] >= 0.2 * (1 - 0.02)    # not reduced for nothing


def test_gdv_background_above_limit_gives_zero_and_a_warning():
    doc = {"A": 200, "ambient_temp_c": 25, "sources": [_p(gdk=0.1)], "background": {"SO2": 0.12}}
    res = _calc(doc)
    assert res["gdv"][0]["gdv_g_s"] == 0.0 and res["gdv"][0]["reduction_pct"] == 100.0
    assert any(w["key"] == "disp.warn.gdv_background" for w in res["warnings"])


# --------------------------------------------------------------------------- summation groups
SO2, NO2 = "7446-09-5", "10102-44-0"


def _two_substances(**extra):
    # One stack (Example 1 geometry), SO2 12 g/s (ГДК 0.5) and NO2 3 g/s (ГДК 0.2), both F = 1:
    # same m, n, d, x_m, u_m; c_m ∝ M: c_m(SO2) = 0.1864243, c_m(NO2) = 0.1864243·3/12 = 0.0466061.
    doc = {"A": 200, "ambient_temp_c": 25, "sources": [_src(
        "S", LAT, LON, height_m=35, diameter_m=1.4, velocity_m_s=7, temp_c=125, emissions=[
            {"substance": SO2, "rate_g_s": 12, "F": 1, "gdk_mr_mg_m3": 0.5},
            {"substance": NO2, "rate_g_s": 3, "F": 1, "gdk_mr_mg_m3": 0.2}])]}
    doc.update(extra)
    return doc


def test_shipped_group_so2_no2_is_assessed_by_default():
    # Both members have the same F and source: the reduced maximum in shares of ГДК is
    # c_m1/ГДК1 + c_m2/ГДК2 = 0.1864243/0.5 + 0.0466061/0.2 = 0.3728486 + 0.2330304 = 0.6058790.
    res = _calc(_two_substances())
    groups = [t for t in res["targets"] if t["kind"] == "group"]
    assert len(groups) == 1
    g = groups[0]
    assert set(g["substances"]) == {SO2, NO2} and g["automatic"] and g["kkd"] == 1.0
    assert g["group_source"]                      # each shipped row keeps its source
    assert g["id"] == "NUNG-12"                   # the group naming exactly SO2 + NO2 (textbook row)
    assert "DSP201-9" in g["equivalent_groups"]   # the larger ДСП 201-97 group reduces to the same pair
    assert g["field_max"]["share_gdk"] == pytest.approx(0.6058790, rel=1e-6)


def test_shipped_groups_can_be_switched_off_and_user_groups_added():
    res = _calc(_two_substances(default_summation_groups=False))
    assert not [t for t in res["targets"] if t["kind"] == "group"]
    ids = {t["id"] for t in _calc(_two_substances())["targets"] if t["kind"] == "group"}
    res = _calc(_two_substances(disabled_summation_groups=sorted(ids)))
    assert {t["id"] for t in res["targets"] if t["kind"] == "group"}.isdisjoint(ids)
    res = _calc(_two_substances(default_summation_groups=False,
                                summation_groups=[{"id": "mine", "substances": [SO2, NO2], "kkd": 1.6}]))
    (g,) = [t for t in res["targets"] if t["kind"] == "group"]
    assert g["id"] == "mine" and g["kkd"] == 1.6 and not g["automatic"]


def test_group_gdv_respects_the_group_criterion():
    # SO2 alone: 0.3728 ГДК, NO2 alone: 0.2330 ГДК — each complies; with c_ф(SO2) = 0.3 mg/m³
    # (0.6 ГДК) the group reaches 0.6059 + 0.6 = 1.2059 > 1, so the group limits both:
    # allowed reduced level (1 − 0.6)·0.5 = 0.2 mg/m³ against 0.6058790·0.5 = 0.3029395 →
    # both emissions scale by 0.2/0.3029395 = 0.660198 (same point, same wind, shares equal
    # to the emission shares so the uniform rule applies): SO2 7.922376 g/s, NO2 1.980594 g/s.
    res = _calc(_two_substances(background={SO2: 0.3}))
    gdv = {g["substance"]: g for g in res["gdv"]}
    assert gdv[SO2]["gdv_g_s"] == pytest.approx(7.922376, rel=1e-4)
    assert gdv[NO2]["gdv_g_s"] == pytest.approx(1.980594, rel=1e-4)


# --------------------------------------------------------------------------- default grid
def test_default_grid_covers_the_area_above_005_gdk():
    # Example 1 with ГДК 0.05: c_m = 3.73 ГДК.  Far along the axis, at t = x/x_m = 25 (10.8 km),
    # (2.23в) s1 = 25/(3.58·625 − 35.2·25 + 120) = 25/1477.5 = 0.01692 → 0.063 ГДК > 0.05, so the
    # grid must reach beyond 10.8 km (it used to stop at max(50·35, 2000) = 2000 m).
    res = _calc({"A": 200, "ambient_temp_c": 25, "sources": [_p(gdk=0.05)], "u_star_m_s": 2.2201657})
    assert res["grid"]["half_extent_m"] > 10_760
    # and at its edge (4 directions) the concentration is below 0.05 ГДК
    half = res["grid"]["half_extent_m"]
    recs = []
    for az in (0, 90, 180, 270):
        la, lo = _at(LAT, LON, az, half * 0.999)
        recs.append({"id": str(az), "lat": la, "lon": lo})
    res = _calc({"A": 200, "ambient_temp_c": 25, "sources": [_p(gdk=0.05)], "u_star_m_s": 2.2201657,
                 "receptors": recs})
    assert all(r["value_mg_m3"] < 0.05 * 0.05 for r in res["receptors"])


# --------------------------------------------------------------------------- property
_stack = st.fixed_dictionaries({
    "dx": st.floats(-1500, 1500), "dy": st.floats(-1500, 1500), "H": st.floats(5, 80),
    "D": st.floats(0.2, 3), "w0": st.floats(0.5, 25), "T": st.one_of(st.none(), st.floats(30, 250)),
    "M": st.floats(0.01, 50), "F": st.sampled_from([1.0, 2.0, 3.0])})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_stack, min_size=1, max_size=4))
def test_property_plant_maximum_never_below_a_single_c_m(stacks):
    sources = []
    for i, s in enumerate(stacks):
        la, lo = _at(LAT, LON, math.degrees(math.atan2(s["dx"], s["dy"])), math.hypot(s["dx"], s["dy"]))
        src = _src(f"S{i}", la, lo, height_m=s["H"], diameter_m=s["D"], velocity_m_s=s["w0"],
                   emissions=[{"substance": "X", "rate_g_s": s["M"], "F": s["F"], "gdk_mr_mg_m3": 1.0}])
        if s["T"] is not None:
            src["temp_c"] = s["T"]
        sources.append(src)
    doc = {"A": 200, "ambient_temp_c": 20, "sources": sources, "grid": {"step_m": 400.0}}
    res = _calc(doc, permissible=False)
    c_max = max(r["c_m_mg_m3"] for r in res["sources"])
    assert res["field_max"]["value_mg_m3"] >= c_max * (1 - 1e-9)


# --------------------------------------------------------------------------- engine vs the oracle
_ospec = importlib.util.spec_from_file_location("_disp_oracle", Path(__file__).with_name("oracle.py"))
_oracle = importlib.util.module_from_spec(_ospec)
_ospec.loader.exec_module(_oracle)


def _random_terms(T, seed):
    from ecologis.core.dispersion.field import Terms

    rng = np.random.default_rng(seed)
    return Terms(x=rng.uniform(-400, 400, T), y=rng.uniform(-400, 400, T), c_m=rng.uniform(0.1, 1, T),
                 x_m=rng.uniform(50, 500, T), u_m=rng.uniform(0.5, 4, T),
                 F=rng.choice([1.0, 2.5, 3.0], T), H=rng.choice([5.0, 8.0, 20.0, 60.0], T))


def _tl(terms):
    return [dict(x=float(terms.x[i]), y=float(terms.y[i]), c_m=float(terms.c_m[i]), x_m=float(terms.x_m[i]),
                 u_m=float(terms.u_m[i]), F=float(terms.F[i]), H=float(terms.H[i])) for i in range(len(terms))]


@pytest.mark.parametrize("compiled", [True, False])
def test_exact_engine_sum_matches_the_oracle_for_per_node_directions(compiled, monkeypatch):
    from ecologis.core.dispersion import field
    from ecologis.core.dispersion.field import ExactField

    monkeypatch.setattr(field, "USE_KERNEL", compiled)

    terms = _random_terms(7, 11)
    eng = ExactField(terms, [0.5, 1.3, 6.0])
    rng = np.random.default_rng(3)
    px, py = rng.uniform(-3000, 3000, 40), rng.uniform(-3000, 3000, 40)
    th = rng.uniform(0, 360, 40)                                # a different direction at every node
    dxp, dyp, r2p = eng.geometry(px, py)
    tl = _tl(terms)
    for sp in eng.speeds:
        v = eng.evaluate(dxp, dyp, r2p, -np.sin(np.radians(th)), -np.cos(np.radians(th)), sp)
        ref = [_oracle.point_concentration(px[i], py[i], tl, th[i], sp.u) for i in range(40)]
        assert np.allclose(v, ref, rtol=1e-12, atol=1e-15)
        per_term = eng.evaluate(dxp, dyp, r2p, -np.sin(np.radians(th)), -np.cos(np.radians(th)), sp, per_term=True)
        assert np.allclose(per_term.sum(axis=0), ref, rtol=1e-12, atol=1e-15)


def test_exact_search_finds_the_maximum_of_a_fine_brute_force_scan():
    # The oracle scans every 0.5° at every speed; the exact search (coarse 30°, every source's
    # direction, refinement to 0.05°) must reach it (to 0.5 %) and never exceed the true field.
    from ecologis.core.dispersion.field import direction_angles, max_field_exact

    terms = _random_terms(6, 5)
    speeds = [0.5, 0.9, 1.6, 2.8, 5.0]
    rng = np.random.default_rng(8)
    pts = list(zip(rng.uniform(-2500, 2500, 25), rng.uniform(-2500, 2500, 25)))
    brute = np.array(_oracle.max_field_python(pts, _tl(terms), np.arange(0, 360, 0.5), speeds))
    c, d, u = max_field_exact(np.array([p[0] for p in pts]), np.array([p[1] for p in pts]), terms,
                              direction_angles(12), speeds)
    assert np.all(c >= brute * (1 - 0.005))
    again = [_oracle.point_concentration(p[0], p[1], _tl(terms), d[i], u[i]) for i, p in enumerate(pts)]
    assert np.allclose(c, again, rtol=1e-9)                     # the reported wind gives the value


@pytest.mark.parametrize("compiled", [True, False])
def test_axial_values_match_the_oracle(compiled, monkeypatch):
    # The candidate selection and the pruning bound use each term's value on its own plume
    # axis: c_mu·s1(r/x_mu) (s2 = 1), compared with the oracle's s1 written with math only.
    from ecologis.core.dispersion import field
    from ecologis.core.dispersion.field import ExactField

    monkeypatch.setattr(field, "USE_KERNEL", compiled)
    terms = _random_terms(7, 21)
    eng = ExactField(terms, [0.5, 2.0, 7.0])
    rng = np.random.default_rng(4)
    px, py = rng.uniform(-4000, 4000, 30), rng.uniform(-4000, 4000, 30)
    _, _, r2p = eng.geometry(px, py)
    for sp in eng.speeds:
        a = eng.axial(r2p, sp)                                   # rows in the engine's term order
        for k, i in enumerate(eng.order):
            q = sp.u / terms.u_m[i]
            c_mu = _oracle.r_coef(q) * terms.c_m[i]
            x_mu = _oracle.p_coef(q) * terms.x_m[i]
            ref = [c_mu * _oracle.s1(math.hypot(px[j] - terms.x[i], py[j] - terms.y[i]) / x_mu,
                                     terms.F[i], terms.H[i]) for j in range(30)]
            assert np.allclose(a[k], ref, rtol=1e-12, atol=1e-15)


def test_shipped_groups_are_data_given_by_the_caller():
    # core.dispersion reads no file: the shipped groups arrive as an argument.  Without them
    # no automatic group is formed; a given group of the two emitted substances is assessed
    # as given (its Ккд 1.3 taken over unchanged).
    none = calculate(_two_substances(), lookup=_h.no_lookup)
    assert not [t for t in none["targets"] if t["kind"] == "group"]
    mine = ({"id": "given", "kkd": 1.3, "members": [{"cas": SO2, "name_en": "SO2"}, {"cas": NO2, "name_en": "NO2"}],
             "name_uk": "g", "source": "test", "source_url": ""},)
    res = calculate(_two_substances(), lookup=_h.no_lookup, shipped_groups=mine)
    (g,) = [t for t in res["targets"] if t["kind"] == "group"]
    assert g["id"] == "given" and g["kkd"] == 1.3 and g["automatic"]
