"""Hand-computed single sources covering every branch of m, n, d and u_m (hot and cold).

Each expected value is worked out in the comment (calculator arithmetic with the
formulas of the reference file), not taken from the code under test.
"""

import math

import pytest

from ecologis.core.dispersion import formulas as fm
from ecologis.core.dispersion.params import source_parameters
from ecologis.core.units import G_PER_S, from_t_per_year


def _src(H, D, w0, dT, M=10.0, F=1.0, A=200.0, eta=1.0, cold=False):
    return source_parameters(height_m=H, diameter_m=D, velocity_m_s=w0, volume_m3_s=fm.volume_flow(D, w0),
                             delta_t_c=dT, rate_g_s=M, f_settle=F, a=A, eta=eta, force_cold=cold)


def _v(p, k):
    return float(p[k][0])


def test_hot_mid_velocity_branch():
    """H = 50, D = 1, w0 = 4, ΔT = 50, M = 10, F = 1.
    V1 = π·1²/4·4 = 3.141593; f = 1000·16·1/(2500·50) = 0.128;
    v_m = 0.65·∛(3.141593·50/50) = 0.65·1.464592 = 0.951985  (0.5 < v_m ≤ 2);
    v'_m = 1.3·4·1/50 = 0.104; f_e = 800·0.104³ = 0.899891 > f → m uses f:
    m = 1/(0.67 + 0.1·√0.128 + 0.34·∛0.128) = 1/(0.67 + 0.035777 + 0.171349) = 1.140087  (2.7а);
    n = 0.532·0.951985² − 2.13·0.951985 + 3.13 = 0.482133 − 2.027728 + 3.13 = 1.584411  (2.8б);
    c_m = 200·10·1·1.140087·1.584411/(50²·∛157.0796) = 3612.74/(2500·5.395578) = 0.267828  (2.1);
    d = 4.95·0.951985·(1 + 0.28·0.503968) = 4.712326·1.141111 = 5.377286  (2.14б);
    x_m = (5−1)/4·5.377286·50 = 268.864 m;  u_m = v_m = 0.951985 m/s  (2.16б)."""
    p = _src(50, 1, 4, 50)
    assert p["regime"] == ["hot"]
    assert _v(p, "f") == pytest.approx(0.128, rel=1e-12)
    assert _v(p, "v_m") == pytest.approx(0.951985, abs=1e-6)
    assert _v(p, "m") == pytest.approx(1.140087, abs=1e-6)
    assert _v(p, "n") == pytest.approx(1.584411, abs=1e-6)
    assert _v(p, "c_m") == pytest.approx(0.267828, abs=1e-6)
    assert _v(p, "d") == pytest.approx(5.377286, abs=1e-6)
    assert _v(p, "x_m") == pytest.approx(268.864, abs=1e-3)
    assert _v(p, "u_m") == pytest.approx(0.951985, abs=1e-6)
    assert {"ond86.2.8b.n", "ond86.2.14b.d", "ond86.2.16.u_m"} <= set(p["unverified"][0])
    # Ash (F = 3) from the same stack: x_m = (5−3)/4·5.377286·50 = 134.432 m, c_m three times.
    p3 = _src(50, 1, 4, 50, F=3)
    assert _v(p3, "x_m") == pytest.approx(134.432, abs=1e-3)
    assert _v(p3, "c_m") == pytest.approx(3 * 0.267828, abs=3e-6)


def test_hot_low_velocity_branch_with_f_e():
    """H = 30, D = 0.3, w0 = 2, ΔT = 10, M = 10, F = 1.
    V1 = π·0.09/4·2 = 0.141372; f = 1000·4·0.3/(900·10) = 0.133333;
    v_m = 0.65·∛(0.141372·10/30) = 0.65·0.361199 = 0.234780 < 0.5 → (2.11);
    v'_m = 1.3·2·0.3/30 = 0.026; f_e = 800·0.026³ = 0.0140608 < f → m by (2.7а) with f_e:
    m = 1/(0.67 + 0.1·0.118578 + 0.34·0.241362) = 1/0.763921 = 1.309036;
    m' = 2.86·1.309036 = 3.743843; c_m = 200·10·3.743843/30^(7/3) = 7487.69/2796.52 = 2.677511;
    d = 2.48·(1 + 0.28·0.241362) = 2.48·1.067581 = 2.647602  (2.14а);
    x_m = 2.647602·30 = 79.428 m; u_m = 0.5 m/s  (2.16а)."""
    p = _src(30, 0.3, 2, 10)
    assert p["regime"] == ["hot_low_velocity"]
    assert _v(p, "v_m") == pytest.approx(0.234780, abs=1e-6)
    assert _v(p, "f_e") == pytest.approx(0.0140608, rel=1e-9)
    assert _v(p, "m") == pytest.approx(1.309036, abs=1e-6)
    assert _v(p, "c_m") == pytest.approx(2.677511, abs=2e-6)
    assert _v(p, "d") == pytest.approx(2.647602, abs=1e-6)
    assert _v(p, "x_m") == pytest.approx(79.428, abs=1e-3)
    assert _v(p, "u_m") == 0.5
    assert {"ond86.2.6.f_e", "ond86.2.11.c_m_low", "ond86.2.14a.d"} <= set(p["unverified"][0])


def test_cold_high_velocity_branch():
    """H = 20, D = 1, w0 = 40, no temperature excess (ΔT = 0), M = 10, F = 1.
    V1 = π/4·40 = 31.415927; v'_m = 1.3·40·1/20 = 2.6 > 2 → n = 1  (2.8а);
    K = D/(8·V1) = 1/251.327 = 0.00397887  (2.10);  (1/(7.1·√(w0·V1)) = 0.00397317, the
    approximate form of (2.10), agrees to 0.15 %);
    c_m = 200·10·1·1·0.00397887/20^(4/3) = 7.95775/54.2884 = 0.146583  (2.9);
    d = 16·√2.6 = 25.799225  (2.15в); x_m = 25.799225·20 = 515.984 m; u_m = 2.2·2.6 = 5.72  (2.17в)."""
    p = _src(20, 1, 40, 0)
    assert p["regime"] == ["cold"]
    assert math.isinf(_v(p, "f"))
    assert _v(p, "n") == 1.0
    assert _v(p, "K") == pytest.approx(0.00397887, abs=1e-8)
    assert _v(p, "K") == pytest.approx(1 / (7.1 * math.sqrt(40 * 31.415927)), rel=2e-3)
    assert _v(p, "c_m") == pytest.approx(0.146583, abs=1e-6)
    assert _v(p, "d") == pytest.approx(25.799225, abs=1e-6)
    assert _v(p, "x_m") == pytest.approx(515.984, abs=1e-3)
    assert _v(p, "u_m") == pytest.approx(5.72, abs=1e-12)


def test_cold_mid_velocity_branch():
    """H = 20, D = 0.5, w0 = 40, ΔT = 0, M = 10.
    V1 = π·0.25/4·40 = 7.853982; v'_m = 1.3·40·0.5/20 = 1.3 (0.5 < v'_m ≤ 2);
    n = 0.532·1.69 − 2.13·1.3 + 3.13 = 0.89908 − 2.769 + 3.13 = 1.26008  (2.8б with v'_m);
    K = 0.5/(8·7.853982) = 0.00795775;
    c_m = 200·10·1.26008·0.00795775/54.2884 = 20.0548/54.2884 = 0.369412;
    d = 11.4·1.3 = 14.82  (2.15б); x_m = 296.4 m; u_m = 1.3  (2.17б)."""
    p = _src(20, 0.5, 40, 0)
    assert p["regime"] == ["cold"]
    assert _v(p, "n") == pytest.approx(1.26008, abs=1e-9)
    assert _v(p, "c_m") == pytest.approx(0.369412, abs=1e-6)
    assert _v(p, "d") == pytest.approx(14.82, abs=1e-9)
    assert _v(p, "x_m") == pytest.approx(296.4, abs=1e-9)
    assert _v(p, "u_m") == pytest.approx(1.3, abs=1e-12)


def test_cold_because_f_at_least_100():
    """H = 10, D = 0.5, w0 = 20, ΔT = 5 > 0 but f = 1000·400·0.5/(100·5) = 400 ≥ 100 → cold.
    V1 = 3.926991; v'_m = 1.3·20·0.5/10 = 1.3; n = 1.26008; K = 0.5/(8·3.926991) = 0.0159155;
    c_m = 200·10·1.26008·0.0159155/10^(4/3) = 40.1096/21.5443 = 1.861722; d = 14.82;
    x_m = 148.2 m; u_m = 1.3."""
    p = _src(10, 0.5, 20, 5)
    assert p["regime"] == ["cold"]
    assert _v(p, "f") == pytest.approx(400.0)
    assert _v(p, "c_m") == pytest.approx(1.861722, abs=1e-6)
    assert _v(p, "x_m") == pytest.approx(148.2, abs=1e-9)
    assert _v(p, "u_m") == pytest.approx(1.3, abs=1e-12)


def test_forced_cold_ignores_temperature():
    # "cold": true → ΔT taken as 0: same numbers as ΔT = 0 (test_cold_mid_velocity_branch).
    p = _src(20, 0.5, 40, 30, cold=True)
    assert p["regime"] == ["cold"]
    assert _v(p, "c_m") == pytest.approx(0.369412, abs=1e-6)


def test_cold_low_velocity_branch():
    """H = 20, D = 0.5, w0 = 10, ΔT = 0, M = 10 (W6 scaled by 10): v'_m = 0.325 < 0.5 →
    c_m = 200·10·0.9/20^(7/3) = 1800/1085.767 = 1.657814; d = 5.7; x_m = 114 m; u_m = 0.5."""
    p = _src(20, 0.5, 10, 0)
    assert p["regime"] == ["cold_low_velocity"]
    assert _v(p, "c_m") == pytest.approx(1.657814, abs=1e-6)
    assert _v(p, "u_m") == 0.5


def test_formula_branches_directly():
    # m (2.7б): f = 125 → 1.47/∛125 = 1.47/5 = 0.294.
    assert float(fm.m_large_f(125)) == pytest.approx(0.294)
    assert float(fm.m_coefficient(125, 1e6)) == pytest.approx(0.294)
    # m (2.7а) at f = 1: 1/(0.67 + 0.1 + 0.34) = 1/1.11 = 0.900901.
    assert float(fm.m_coefficient(1.0, 10.0)) == pytest.approx(0.900901, abs=1e-6)
    # f_e rule: f = 1, f_e = 0.001 → m(0.001) = 1/(0.67 + 0.1·0.0316228 + 0.34·0.1) = 1/0.707162 = 1.414103.
    assert float(fm.m_coefficient(1.0, 0.001)) == pytest.approx(1.414103, abs=1e-6)
    # n (2.8а–в): n(3) = 1; n(1) = 0.532 − 2.13 + 3.13 = 1.532; n(0.3) = 4.4·0.3 = 1.32.
    assert float(fm.n_coefficient(3.0)) == 1.0
    assert float(fm.n_coefficient(1.0)) == pytest.approx(1.532)
    assert float(fm.n_coefficient(0.3)) == pytest.approx(1.32)
    # Continuity checks of the reference (W6): n(2) = 0.998, n(0.5) = 2.198.
    assert float(fm.n_mid(2.0)) == pytest.approx(0.998)
    assert float(fm.n_mid(0.5)) == pytest.approx(2.198)
    # d (2.14) at the boundary v_m = 2: 4.95·2 = 9.90 and 7·√2 = 9.899 (f = 0 → bracket 1).
    assert float(fm.d_hot(2.0, 0.0, 0.0)) == pytest.approx(9.90)
    assert float(fm.d_hot(2.0001, 0.0, 0.0)) == pytest.approx(9.8995, abs=1e-3)
    # d (2.15): 0.3 → 5.7; 1 → 11.4; 4 → 16·2 = 32.
    assert [float(fm.d_cold(v)) for v in (0.3, 1.0, 4.0)] == pytest.approx([5.7, 11.4, 32.0])
    # u_m (2.16): 0.3 → 0.5; 1.5 → 1.5; v_m = 4, f = 0.25 → 4·(1 + 0.12·0.5) = 4.24.
    assert [float(fm.u_m_hot(v, 0.25)) for v in (0.3, 1.5, 4.0)] == pytest.approx([0.5, 1.5, 4.24])
    # u_m (2.17): 0.3 → 0.5; 1.5 → 1.5; 3 → 6.6.
    assert [float(fm.u_m_cold(v)) for v in (0.3, 1.5, 3.0)] == pytest.approx([0.5, 1.5, 6.6])
    # r (2.19): r(1) = 1 on both branches; r(0.5) = 0.335 + 0.4175 − 0.1675 = 0.585;
    # r(2) = 6/(8 − 2 + 2) = 0.75.
    assert [float(fm.r_coefficient(q)) for q in (1.0, 0.5, 2.0)] == pytest.approx([1.0, 0.585, 0.75])
    # p (2.21): p(0.2) = p(0.25) = 3; p(0.26) = 8.43·0.74⁵ + 1 = 8.43·0.221901 + 1 = 2.870628;
    # p(1) = 1; p(2) = 0.64 + 0.68 = 1.32.  Continuity [C]: 8.43·0.75⁵ + 1 = 8.43·0.2373047 + 1 = 3.000479.
    assert [float(fm.p_coefficient(q)) for q in (0.2, 0.25, 0.26, 1.0, 2.0)] == \
        pytest.approx([3.0, 3.0, 2.870628, 1.0, 1.32], abs=1e-5)
    assert float(fm.p_coefficient(0.2500001)) == pytest.approx(3.000479, abs=2e-6)
    # s1: s1(1) = 1; (2.23в) at t = 10: 10/(358 − 352 + 120) = 10/126 = 0.079365.
    assert float(fm.s1_coefficient(1.0, 1.0)) == pytest.approx(1.0)
    assert float(fm.s1_coefficient(10.0, 1.0)) == pytest.approx(0.079365, abs=1e-6)
    # (2.23г) at t = 10: 1/(10 + 24.7 − 17.8) = 1/16.9 = 0.059172.
    assert float(fm.s1_coefficient(10.0, 3.0)) == pytest.approx(0.059172, abs=1e-6)
    assert float(fm.s1_coefficient(-1.0, 1.0)) == 0.0
    # (2.24): H = 6, t = 0.5: s1 = 0.1875 − 1 + 1.5 = 0.6875; s1^H = 0.5 + 0.5·0.6875 = 0.84375.
    assert float(fm.s1_low_source(fm.s1_near(0.5), 6.0)) == pytest.approx(0.84375)
    # s2 (2.27), W6 derived: Example 1 with u = 2.22, x = 430, y = 50: t_y = 2.22·2500/184900 = 0.030016,
    # s2 = 1/(1 + 0.150090 + 0.011534 + 0.000460 + 0.000037)² = 1/1.162121² = 0.74045 → 0.740.
    ty = float(fm.t_y_argument(2.2201657, 50.0, 430.0))
    assert ty == pytest.approx(0.030018, abs=1e-6)
    assert float(fm.s2_coefficient(ty)) == pytest.approx(0.74045, abs=5e-5)
    # y = 100: t_y = 22201.657/184900 = 0.120074; poly = 1 + 0.600370 + 0.184548 + 0.029432
    # + 0.009378 = 1.823728; s2 = 1/3.325984 = 0.300663 (reference W6: 0.301).
    assert float(fm.s2_coefficient(fm.t_y_argument(2.2201657, 100.0, 430.0))) == pytest.approx(0.300663, abs=5e-6)
    # t_y above 5 m/s uses 5: u = 8, y = x → t_y = 5.
    assert float(fm.t_y_argument(8.0, 10.0, 10.0)) == 5.0
    # F by cleaning efficiency (OND-86 п. 2.5 [M]): 95 % → 2; 80 % → 2.5; 50 % → 3.
    assert [float(fm.f_settling_from_cleaning(e)) for e in (95, 80, 50)] == [2.0, 2.5, 3.0]
    # t/yr → g/s: 31.536 t/yr over 8760 h = 31.536e6 g / 31 536 000 s = 1 g/s.
    assert float(from_t_per_year(31.536, G_PER_S, 8760)) == pytest.approx(1.0)


def test_regime_continuity_at_v_m_half():
    # Reference W6 [C]: at v_m = 0.5 (2.1) with n = 2.2 equals (2.11) with m' = 2.86·m.
    # Choose H, V1, ΔT with V1·ΔT/H = (0.5/0.65)³: H = 40, ΔT = 20 → V1 = 0.455166·2 = 0.910332.
    H, dT = 40.0, 20.0
    V1 = (0.5 / 0.65) ** 3 * H / dT
    hot = float(fm.c_m_hot(200, 1, 1, 1.0, 2.2, 1, H, V1, dT))
    low = float(fm.c_m_low_velocity(200, 1, 1, 2.86, 1, H))
    assert hot == pytest.approx(low, rel=2e-3)
