"""Per-source OND-86 parameters: f, v_m, v'_m, f_e, m, n, d, c_m, x_m, u_m.

Vectorised over sources (or source × substance terms): every argument may be an
array of the same length.  The regime selection follows the reference file
(§A.4): hot when f < 100 and v_m ≥ 0.5; very low exit velocity (2.11) when
f < 100 and v_m < 0.5; cold (2.9) when f ≥ 100 or ΔT ≤ 0 and v'_m ≥ 0.5;
(2.11) again when cold and v'_m < 0.5.
"""

from __future__ import annotations

import numpy as np

from ecologis.core.dispersion import formulas as fm

REGIME_HOT = "hot"
REGIME_HOT_LOW = "hot_low_velocity"
REGIME_COLD = "cold"
REGIME_COLD_LOW = "cold_low_velocity"


def source_parameters(*, height_m, diameter_m, velocity_m_s, volume_m3_s, delta_t_c,
                      rate_g_s, f_settle, a=200.0, eta=1.0, force_cold=False) -> dict:
    """All OND-86 single-source quantities for arrays of terms.

    Returns a dict of numpy arrays (keys ``V1, delta_t, f, v_m, v_m_prime, f_e, m, n,
    d, K, c_m, x_m, u_m``), ``regime`` (list of str) and ``unverified`` (list of
    sorted lists of :data:`formulas.UNVERIFIED` keys used for each term).
    """
    arrs = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)) for v in (
        height_m, diameter_m, velocity_m_s, volume_m3_s, delta_t_c, rate_g_s, f_settle, a, eta,
        force_cold)))
    h, dia, w0, v1, dt, mr, fs, aa, et, forced = (np.array(x, dtype=float) for x in arrs)
    forced = forced > 0

    dt_eff = np.where(forced, 0.0, dt)
    f = fm.f_param(w0, dia, h, dt_eff)
    v_m = fm.v_m_param(v1, dt_eff, h)
    v_mp = fm.v_m_prime_param(w0, dia, h)
    f_e = fm.f_e_param(v_mp)
    m = fm.m_coefficient(f, f_e)
    cold = (f >= 100) | (dt_eff <= 0)
    hot_normal = ~cold & (v_m >= 0.5)
    cold_normal = cold & (v_mp >= 0.5)

    n = np.where(cold, fm.n_coefficient(v_mp), fm.n_coefficient(v_m))
    k = fm.k_cold(dia, v1)
    c_hot = fm.c_m_hot(aa, mr, fs, m, n, et, h, v1, dt_eff)
    c_cold = fm.c_m_cold(aa, mr, fs, n, et, k, h)
    c_low = fm.c_m_low_velocity(aa, mr, fs, fm.m_prime(m, cold), et, h)
    c_m = np.where(hot_normal, c_hot, np.where(cold_normal, c_cold, c_low))

    d = np.where(cold, fm.d_cold(v_mp), fm.d_hot(v_m, f, f_e))
    x_m = fm.x_m_distance(fs, d, h)
    u_m = np.where(cold, fm.u_m_cold(v_mp), fm.u_m_hot(v_m, f))

    regime, unverified = [], []
    for i in range(h.size):
        used = set()
        if cold[i]:
            used |= {"ond86.2.5.v_m_prime", "ond86.regime.cold_low", "ond86.2.15.d_cold",
                     "ond86.2.17.u_m_cold"}
            if cold_normal[i]:
                regime.append(REGIME_COLD)
                used.add("ond86.2.9.c_m_cold")
                used |= _n_keys(v_mp[i])
            else:
                regime.append(REGIME_COLD_LOW)
                used.add("ond86.2.11.c_m_low")
        else:
            used.add("ond86.2.16.u_m")
            if f_e[i] < f[i]:
                used |= {"ond86.2.5.v_m_prime", "ond86.2.6.f_e"}
            if hot_normal[i]:
                regime.append(REGIME_HOT)
                used |= _n_keys(v_m[i])
                if 0.5 < v_m[i] <= 2:
                    used.add("ond86.2.14b.d")
                elif v_m[i] <= 0.5:          # v_m = 0.5 exactly: (2.1) with d by (2.14а)
                    used |= {"ond86.2.14a.d", "ond86.2.5.v_m_prime", "ond86.2.6.f_e"}
            else:
                regime.append(REGIME_HOT_LOW)
                used |= {"ond86.2.11.c_m_low", "ond86.regime.cold_low", "ond86.2.14a.d",
                         "ond86.2.5.v_m_prime", "ond86.2.6.f_e"}
        unverified.append(sorted(used))

    return {
        "V1": v1, "delta_t": dt_eff, "f": f, "v_m": v_m, "v_m_prime": v_mp, "f_e": f_e,
        "m": m, "n": n, "d": d, "K": k, "c_m": c_m, "x_m": x_m, "u_m": u_m,
        "regime": regime, "unverified": unverified,
    }


def _n_keys(v: float) -> set[str]:
    if v >= 2:
        return set()
    if v >= 0.5:
        return {"ond86.2.8b.n"}
    return {"ond86.2.8c.n"}
