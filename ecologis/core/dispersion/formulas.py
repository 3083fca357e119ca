"""OND-86 point-source formulas, one function per formula.

Source document: "Методика расчета концентраций в атмосферном воздухе вредных
веществ, содержащихся в выбросах предприятий" (ОНД-86), Госкомгидромет СССР,
04.08.1986 No. 192.  Formula numbers (2.x) are OND-86's.  The evidence for each
formula is the tag given in ``shared/reference/ond86_and_background.md``:

* [P]  printed in a primary OND-86 text (worked example);
* [E]  reproduces a number printed in an official OND-86 worked example;
* [S]  secondary source only (student pages, public code);
* [C]  consistency check only (continuity at a branch boundary);
* [M]  from memory, unverified.

Functions whose formula is **not** [P]/[E] are listed in :data:`UNVERIFIED` and
say "UNVERIFIED" in their docstring; the calculation records every such piece
it actually used (see :mod:`ecologis.core.dispersion.params`).

Units (OND-86 convention): M in g/s, H and D in m, V1 in m³/s, ΔT in °C (K),
velocities in m/s, concentrations in mg/m³.  Every function accepts scalars or
numpy arrays and broadcasts.  No Qt here.
"""

from __future__ import annotations

import numpy as np

# Identifiers of the unverified pieces and what the reference file says of them.
UNVERIFIED: dict[str, str] = {
    "ond86.2.5.v_m_prime": "v'_m = 1.3·w0·D/H (2.5) [S][M]",
    "ond86.2.6.f_e": "f_e = 800·(v'_m)³ (2.6) and the rule 'm by (2.7а) with f_e when f_e < f < 100' [S][M]",
    "ond86.2.7b.m": "m = 1.47/∛f for f ≥ 100 (2.7б) [S][M]",
    "ond86.2.8b.n": "n = 0.532·v² − 2.13·v + 3.13 for 0.5 ≤ v < 2 (2.8б) [S]",
    "ond86.2.8c.n": "n = 4.4·v for v < 0.5 (2.8в) [S][C]",
    "ond86.2.9.c_m_cold": "cold emission c_m = A·M·F·n·η·K/H^(4/3), K = D/(8·V1) (2.9)-(2.10) [S][M]",
    "ond86.2.11.c_m_low": "very low exit velocity c_m = A·M·F·m'·η/H^(7/3), m' = 2.86·m or 0.9 (2.11)-(2.12) [S][M][C]",
    "ond86.regime.cold_low": "regime boundaries f = 100 and v = 0.5 selecting (2.9)/(2.11) [M][C]",
    "ond86.2.14a.d": "d = 2.48·(1 + 0.28·∛f_e) for v_m ≤ 0.5 (2.14а) [S][M]",
    "ond86.2.14b.d": "d = 4.95·v_m·(1 + 0.28·∛f) for 0.5 < v_m ≤ 2 (2.14б) [S]",
    "ond86.2.15.d_cold": "d = 5.7 / 11.4·v'_m / 16·√v'_m for cold emissions (2.15) [S][M]",
    "ond86.2.16.u_m": "dangerous wind speed u_m for hot emissions (2.16) [S][M]",
    "ond86.2.17.u_m_cold": "dangerous wind speed u_m for cold emissions (2.17) [S][M]",
    "ond86.2.19.r": "r(u/u_m) for wind speeds other than u_m (2.19) [S][M]",
    "ond86.2.21.p": "p(u/u_m) for wind speeds other than u_m (2.21), exponent 5 chosen by [C]",
    "ond86.2.23c.s1": "s1 = t/(3.58·t² − 35.2·t + 120) for t > 8 and F ≤ 1.5 (2.23в) [S][M]",
    "ond86.2.24.s1_low": "s1^H = 0.125·(10 − H) + 0.125·(H − 2)·s1 for 2 ≤ H < 10, t < 1 (2.24) [S][M]",
    "ond86.2.26.t_y": "crosswind argument t_y = min(u, 5)·y²/x² (2.26) [S][M]",
    "ond86.2.27.s2": "crosswind shape s2 = 1/(1 + 5t + 12.8t² + 17t³ + 45.1t⁴)² (2.27) [S][M]",
    "ond86.s3.sum_sources": "several sources: c = Σ c_i in each source's plume coordinates, max over directions (OND-86 section 3) [M]",
    "ond86.s3.u_m_weighted": "common dangerous wind speed u_mс = Σ(c_m,i·u_m,i)/Σc_m,i for several sources [M]",
    "ond86.summation_group": "summation groups: reduced concentration c1 + Σ c_k·ПДК1/ПДК_k [M]",
    "ond86.s7.background": "background added as c + c_ф (OND-86 section 7) [M]",
    "ond86.s4.terrain_extent": "6.2·x_m·√(η − 1): arithmetic printed in the ravine example, meaning (extent of the terrain correction) inferred",
    "ond86.pdv_hot": "ПДВ = (ПДК − c_ф)·H²·∛(V1·ΔT)/(A·F·m·n·η), the inverse of (2.1) [S][M]",
    "ond86.pdv_plant": "plant ГДВ: proportional reduction of the sources above their emission share at the plant maximum, then uniform scaling (rule of this tool; OND-86 ПДВ section not found)",
    "ond86.2.5.F_by_cleaning": "F = 2 / 2.5 / 3 for dust by cleaning efficiency ≥90 / 75–90 / <75 % (OND-86 п. 2.5) [M]",
}


def _a(x):
    return np.asarray(x, dtype=float)


# --------------------------------------------------------------------------- exit parameters
def volume_flow(diameter_m, velocity_m_s):
    """V1 = π·D²/4·w0, m³/s.  OND-86 (2.2) [P] (Example 1: 10,8 м³/с)."""
    d = _a(diameter_m)
    return np.pi * d * d / 4.0 * _a(velocity_m_s)


def exit_velocity(diameter_m, volume_m3_s):
    """w0 = 4·V1/(π·D²), m/s: the inverse of OND-86 (2.2) [P]."""
    d = _a(diameter_m)
    return 4.0 * _a(volume_m3_s) / (np.pi * d * d)


def delta_t(gas_temp_c, ambient_temp_c):
    """ΔT = Tг − Tв, °C.  OND-86 Example 1 [P] (125 − 25 = 100 °С)."""
    return _a(gas_temp_c) - _a(ambient_temp_c)


def f_param(velocity_m_s, diameter_m, height_m, delta_t_c):
    """f = 1000·w0²·D/(H²·ΔT), dimensionless.  OND-86 (2.3) [P] (Example 1: 0,56).

    ΔT ≤ 0 gives f = +inf (cold emission)."""
    w0, d, h, dt = _a(velocity_m_s), _a(diameter_m), _a(height_m), _a(delta_t_c)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = 1000.0 * w0 * w0 * d / (h * h * dt)
    return np.where(dt > 0, f, np.inf)


def v_m_param(volume_m3_s, delta_t_c, height_m):
    """v_m = 0.65·∛(V1·ΔT/H), m/s.  OND-86 (2.4) [P] (Example 1: 2,04 м/с).

    ΔT ≤ 0 gives v_m = 0 (not used: such an emission is cold)."""
    x = _a(volume_m3_s) * np.maximum(_a(delta_t_c), 0.0) / _a(height_m)
    return 0.65 * np.cbrt(x)


def v_m_prime_param(velocity_m_s, diameter_m, height_m):
    """v'_m = 1.3·w0·D/H, m/s.  OND-86 (2.5).  UNVERIFIED [S][M]."""
    return 1.3 * _a(velocity_m_s) * _a(diameter_m) / _a(height_m)


def f_e_param(v_m_prime):
    """f_e = 800·(v'_m)³, dimensionless.  OND-86 (2.6).  UNVERIFIED [S][M]."""
    v = _a(v_m_prime)
    return 800.0 * v * v * v


# --------------------------------------------------------------------------- m and n
def m_small_f(f):
    """m = 1/(0.67 + 0.1·√f + 0.34·∛f) for f < 100.  OND-86 (2.7а) [E] (Example 1)."""
    f = _a(f)
    return 1.0 / (0.67 + 0.1 * np.sqrt(f) + 0.34 * np.cbrt(f))


def m_large_f(f):
    """m = 1.47/∛f for f ≥ 100.  OND-86 (2.7б).  UNVERIFIED [S][M] (1.45 in one code)."""
    return 1.47 / np.cbrt(_a(f))


def m_coefficient(f, f_e):
    """m by OND-86 (2.7а)/(2.7б); for f_e < f < 100, (2.7а) with f replaced by f_e.

    (2.7а) is [E]; (2.7б) and the f_e substitution are UNVERIFIED (see
    :func:`m_large_f`, :func:`f_e_param`).  Dimensionless."""
    f, f_e = _a(f), _a(f_e)
    arg = np.where((f_e < f) & (f < 100), f_e, f)
    with np.errstate(divide="ignore", invalid="ignore"):
        small = m_small_f(np.where(f < 100, arg, 0.0))
        large = m_large_f(np.where(f >= 100, f, 1.0))
    return np.where(f < 100, small, large)


def n_high(v):
    """n = 1 for v ≥ 2.  OND-86 (2.8а) [E] (Example 1, v_m = 2.04)."""
    return np.ones_like(_a(v))


def n_mid(v):
    """n = 0.532·v² − 2.13·v + 3.13 for 0.5 ≤ v < 2.  OND-86 (2.8б).  UNVERIFIED [S]."""
    v = _a(v)
    return 0.532 * v * v - 2.13 * v + 3.13


def n_low(v):
    """n = 4.4·v for v < 0.5.  OND-86 (2.8в).  UNVERIFIED [S][C]."""
    return 4.4 * _a(v)


def n_coefficient(v):
    """n by OND-86 (2.8а–в); argument v_m (hot) or v'_m (cold, per (2.9)).  Dimensionless."""
    v = _a(v)
    return np.where(v >= 2, n_high(v), np.where(v >= 0.5, n_mid(v), n_low(v)))


# --------------------------------------------------------------------------- maximum concentration
def c_m_hot(a, m_rate_g_s, f_settle, m, n, eta, height_m, volume_m3_s, delta_t_c):
    """c_m = A·M·F·m·n·η/(H²·∛(V1·ΔT)), mg/m³.  OND-86 (2.1) [E] (Example 1: 0,19; 0,12)."""
    h = _a(height_m)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (_a(a) * _a(m_rate_g_s) * _a(f_settle) * _a(m) * _a(n) * _a(eta)
                / (h * h * np.cbrt(_a(volume_m3_s) * _a(delta_t_c))))


def k_cold(diameter_m, volume_m3_s):
    """K = D/(8·V1), s/m².  OND-86 (2.10).  UNVERIFIED [S][M]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return _a(diameter_m) / (8.0 * _a(volume_m3_s))


def c_m_cold(a, m_rate_g_s, f_settle, n, eta, k, height_m):
    """c_m = A·M·F·n·η·K/H^(4/3), mg/m³.  OND-86 (2.9).  UNVERIFIED [S][M]."""
    with np.errstate(invalid="ignore"):      # K = ∞ with n = 0 (w0 = 0): regime (2.11) is used instead
        return _a(a) * _a(m_rate_g_s) * _a(f_settle) * _a(n) * _a(eta) * _a(k) / _a(height_m) ** (4.0 / 3.0)


def m_prime(m, cold):
    """m' = 2.86·m (hot, v_m < 0.5) or 0.9 (cold, v'_m < 0.5).  OND-86 (2.12а,б).  UNVERIFIED [S][M][C]."""
    return np.where(_a(cold) > 0, 0.9, 2.86 * _a(m))


def c_m_low_velocity(a, m_rate_g_s, f_settle, m_pr, eta, height_m):
    """c_m = A·M·F·m'·η/H^(7/3), mg/m³.  OND-86 (2.11).  UNVERIFIED [S][M][C]."""
    return _a(a) * _a(m_rate_g_s) * _a(f_settle) * _a(m_pr) * _a(eta) / _a(height_m) ** (7.0 / 3.0)


# --------------------------------------------------------------------------- distance x_m
def x_m_distance(f_settle, d, height_m):
    """x_m = (5 − F)/4·d·H, m.  OND-86 (2.13) [P] (ravine example: 168 м)."""
    return (5.0 - _a(f_settle)) / 4.0 * _a(d) * _a(height_m)


def d_hot_low(f_e):
    """d = 2.48·(1 + 0.28·∛f_e) for v_m ≤ 0.5.  OND-86 (2.14а).  UNVERIFIED [S][M]."""
    return 2.48 * (1.0 + 0.28 * np.cbrt(_a(f_e)))


def d_hot_mid(v_m, f):
    """d = 4.95·v_m·(1 + 0.28·∛f) for 0.5 < v_m ≤ 2.  OND-86 (2.14б).  UNVERIFIED [S] (student example W4)."""
    return 4.95 * _a(v_m) * (1.0 + 0.28 * np.cbrt(_a(f)))


def d_hot_high(v_m, f):
    """d = 7·√v_m·(1 + 0.28·∛f) for v_m > 2.  OND-86 (2.14в) [E] (Example 1: x_m = 430 м)."""
    return 7.0 * np.sqrt(_a(v_m)) * (1.0 + 0.28 * np.cbrt(_a(f)))


def d_hot(v_m, f, f_e):
    """d for hot emissions (f < 100), OND-86 (2.14а–в), argument v_m.  Dimensionless."""
    v_m, f, f_e = _a(v_m), _a(f), _a(f_e)
    with np.errstate(invalid="ignore"):
        return np.where(v_m > 2, d_hot_high(v_m, f),
                        np.where(v_m > 0.5, d_hot_mid(v_m, f), d_hot_low(f_e)))


def d_cold(v_m_prime):
    """d for cold emissions (f ≥ 100 or ΔT ≤ 0), OND-86 (2.15а–в).  UNVERIFIED [S][M][C]."""
    v = _a(v_m_prime)
    return np.where(v > 2, 16.0 * np.sqrt(v), np.where(v > 0.5, 11.4 * v, 5.7))


# --------------------------------------------------------------------------- dangerous wind speed
def u_m_hot(v_m, f):
    """u_m for hot emissions, OND-86 (2.16а–в), m/s.  UNVERIFIED [S][M].

    v_m ≤ 0.5: 0.5;  0.5 < v_m ≤ 2: v_m;  v_m > 2: v_m·(1 + 0.12·√f)."""
    v_m, f = _a(v_m), _a(f)
    with np.errstate(invalid="ignore"):
        return np.where(v_m > 2, v_m * (1.0 + 0.12 * np.sqrt(f)), np.where(v_m > 0.5, v_m, 0.5))


def u_m_cold(v_m_prime):
    """u_m for cold emissions, OND-86 (2.17а–в), m/s.  UNVERIFIED [S][M].

    v'_m ≤ 0.5: 0.5;  0.5 < v'_m ≤ 2: v'_m;  v'_m > 2: 2.2·v'_m."""
    v = _a(v_m_prime)
    return np.where(v > 2, 2.2 * v, np.where(v > 0.5, v, 0.5))


# --------------------------------------------------------------------------- other wind speeds
def r_coefficient(ratio):
    """r(u/u_m), OND-86 (2.19а,б), dimensionless.  UNVERIFIED [S][M]; r(1) = 1 [C]."""
    q = _a(ratio)
    low = 0.67 * q + 1.67 * q * q - 1.34 * q * q * q
    with np.errstate(divide="ignore", invalid="ignore"):
        high = 3.0 * q / (2.0 * q * q - q + 2.0)
    return np.where(q <= 1, low, high)


def p_coefficient(ratio):
    """p(u/u_m), OND-86 (2.21а–в), dimensionless.  UNVERIFIED [M]; exponent 5 by [C]."""
    q = _a(ratio)
    return np.where(q <= 0.25, 3.0,
                    np.where(q <= 1, 8.43 * (1.0 - q) ** 5 + 1.0, 0.32 * q + 0.68))


# --------------------------------------------------------------------------- along-plume shape s1
def s1_near(t):
    """s1 = 3t⁴ − 8t³ + 6t² for t = x/x_m ≤ 1.  OND-86 (2.23а) [E] (W2, W3 tables)."""
    t = _a(t)
    t2 = t * t
    return t2 * (3.0 * t2 - 8.0 * t + 6.0)


def s1_mid(t):
    """s1 = 1.13/(0.13·t² + 1) for 1 < t ≤ 8.  OND-86 (2.23б) [E] (W2, W3 tables)."""
    t = _a(t)
    return 1.13 / (0.13 * t * t + 1.0)


def s1_far_gas(t):
    """s1 = t/(3.58·t² − 35.2·t + 120) for t > 8, F ≤ 1.5.  OND-86 (2.23в).  UNVERIFIED [S][M]."""
    t = _a(t)
    return t / (3.58 * t * t - 35.2 * t + 120.0)


def s1_far_dust(t):
    """s1 = 1/(0.1·t² + 2.47·t − 17.8) for t > 8, F > 1.5.  OND-86 (2.23г) [E] (W2: 0,028)."""
    t = _a(t)
    return 1.0 / (0.1 * t * t + 2.47 * t - 17.8)


def s1_coefficient(t, f_settle):
    """s1(t = x/x_m, F), OND-86 (2.23а–г); 0 for t ≤ 0 (upwind).  Dimensionless."""
    t, fs = _a(t), _a(f_settle)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        far = np.where(fs <= 1.5, s1_far_gas(t), s1_far_dust(t))
        s = np.where(t <= 1, s1_near(t), np.where(t <= 8, s1_mid(t), far))
    return np.where(t > 0, s, 0.0)


def s1_low_source(s1, height_m):
    """s1^H = 0.125·(10 − H) + 0.125·(H − 2)·s1 for 2 ≤ H < 10 and t < 1.

    OND-86 (2.24).  UNVERIFIED [S][M].  The caller applies it only where t < 1."""
    h = _a(height_m)
    return 0.125 * (10.0 - h) + 0.125 * (h - 2.0) * _a(s1)


def axial_concentration(s1, c_m):
    """c = s1·c_m, mg/m³.  OND-86 (2.22) [P] (ravine example: c = 0,34·0,108)."""
    return _a(s1) * _a(c_m)


# --------------------------------------------------------------------------- crosswind shape s2
def t_y_argument(u, y, x):
    """t_y = u·y²/x² (u ≤ 5 m/s) or 5·y²/x² (u > 5 m/s).  OND-86 (2.26а,б).  UNVERIFIED [S][M]."""
    u, y, x = _a(u), _a(y), _a(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.minimum(u, 5.0) * (y * y) / (x * x)


def s2_coefficient(t_y):
    """s2 = 1/(1 + 5t + 12.8t² + 17t³ + 45.1t⁴)², OND-86 (2.27).  UNVERIFIED [S][M]."""
    t = _a(t_y)
    poly = 1.0 + t * (5.0 + t * (12.8 + t * (17.0 + 45.1 * t)))
    with np.errstate(over="ignore"):
        return 1.0 / (poly * poly)


# --------------------------------------------------------------------------- terrain, F, units
def eta_terrain(phi1, eta_m):
    """η = 1 + φ1·(η_m − 1).  OND-86 (4.1) [P] (ravine example: 1 + 0,8·(2 − 1) = 1,8).

    φ1 (fig. 4.1) and η_m (table 4.1) are inputs: the figure and table were not available."""
    return 1.0 + _a(phi1) * (_a(eta_m) - 1.0)


def terrain_influence_distance(x_m_flat, eta):
    """6.2·x_m·√(η − 1), m: printed arithmetic of the OND-86 ravine example [P]
    ("6,2·430·√0,8 = 2400 м", "6,2·√0,8·215 = 1200 м").  UNVERIFIED meaning: the
    example uses flat-terrain values beyond this distance (x = 3000 м), so it is read
    as the extent of the terrain correction; the rule text (section 4) was not found.
    Not used by the field calculation (η is a constant there)."""
    return 6.2 * _a(x_m_flat) * np.sqrt(np.maximum(_a(eta) - 1.0, 0.0))


def pdv_hot(gdk_mg_m3, background_mg_m3, height_m, volume_m3_s, delta_t_c, a, f_settle, m, n, eta):
    """ПДВ = (ПДК − c_ф)·H²·∛(V1·ΔT)/(A·F·m·n·η), g/s: inverse of (2.1) with c_m + c_ф = ПДК.

    UNVERIFIED [S][M] (OND-86 ПДВ section not retrieved; W5 test data)."""
    h = _a(height_m)
    return ((_a(gdk_mg_m3) - _a(background_mg_m3)) * h * h * np.cbrt(_a(volume_m3_s) * _a(delta_t_c))
            / (_a(a) * _a(f_settle) * _a(m) * _a(n) * _a(eta)))


def f_settling_from_cleaning(efficiency_pct):
    """F for dust/ash by mean operational cleaning efficiency, OND-86 п. 2.5.  UNVERIFIED [M].

    ≥ 90 %: 2;  75–90 %: 2.5;  < 75 % or no cleaning: 3.  (Gases: F = 1 [P].)"""
    e = _a(efficiency_pct)
    return np.where(e >= 90, 2.0, np.where(e >= 75, 2.5, 3.0))
