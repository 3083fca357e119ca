"""Ground-level concentration field of several point sources (OND-86 sections 2–3).

For each wind direction and wind speed the contributions of all terms (source ×
substance, each with its own c_m, x_m, u_m, F, H and a weight such as
ПДК1/ПДК_k for a summation group) are summed at every receptor point, then the
maximum over directions (and speeds) is kept.  Vectorised over directions ×
terms × points in chunks that bound the memory used.

Per term and point (plume coordinates x along the wind, y across):

* c_mu = r(u/u_m)·c_m, x_mu = p(u/u_m)·x_m          (2.18)–(2.21)  [UNVERIFIED for u ≠ u_m]
* c = s1(x/x_mu, F)·c_mu  (s1^H for 2 ≤ H < 10, t < 1)  (2.22)–(2.24)
* c_y = s2(t_y)·c, t_y = min(u, 5)·y²/x²            (2.25)–(2.27)  [UNVERIFIED]
* c_total = Σ_terms c_y                              OND-86 section 3 [UNVERIFIED, M]

Wind direction convention: the direction the wind blows FROM, degrees clockwise
from north (meteorological); the plume goes the opposite way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ecologis.core.dispersion import formulas as fm


class Cancelled(Exception):
    """The caller's cancel() returned True during a field calculation."""


@dataclass
class Terms:
    """Arrays of length T (one entry per source × substance term)."""

    x: np.ndarray        # local easting of the source, m
    y: np.ndarray        # local northing, m
    c_m: np.ndarray      # mg/m³ (times weight)
    x_m: np.ndarray      # m
    u_m: np.ndarray      # m/s
    F: np.ndarray
    H: np.ndarray        # m

    def __len__(self) -> int:
        return int(self.x.size)


def direction_angles(n: int) -> np.ndarray:
    """n equally spaced wind directions, degrees (0 = from the north)."""
    return np.arange(n, dtype=float) * (360.0 / n)


def weighted_dangerous_speed(c_m, u_m) -> float:
    """u_mс = Σ(c_m,i·u_m,i)/Σ c_m,i.  OND-86 section 3.  UNVERIFIED [M]."""
    c_m, u_m = np.asarray(c_m, float), np.asarray(u_m, float)
    s = c_m.sum()
    return float((c_m * u_m).sum() / s) if s > 0 else float(u_m.mean())


def _add_term(acc, dx, dy, r2, ex, ey, c_mu, inv_x_mu, gas, h, u_eff):
    """Add one term's concentration at ng points for nd directions to ``acc`` (nd, ng).

    dx, dy, r2: (ng,) point minus source and squared distance; ex, ey: (nd, 1)
    downwind unit vectors; the other arguments are this term's scalars.  Only points
    downwind (x > 0) are evaluated; upwind the concentration is 0 (s1 = 0)."""
    x = dx * ex
    x += dy * ey                                                    # along the plume, m
    m = x > 0.0
    xp = x[m]
    if xp.size == 0:
        return
    nd = ex.shape[0]
    r2p = r2[m[0]] if nd == 1 else np.broadcast_to(r2, x.shape)[m]
    t = xp * inv_x_mu                                               # x / x_mu
    s1 = t * t * (3.0 * t * t - 8.0 * t + 6.0)                      # (2.23а)
    mid = t > 1.0
    if mid.any():
        tm = t[mid]
        val = 1.13 / (0.13 * tm * tm + 1.0)                         # (2.23б)
        far = tm > 8.0
        if far.any():
            tf = tm[far]
            if gas:
                val[far] = tf / (3.58 * tf * tf - 35.2 * tf + 120.0)   # (2.23в)
            else:
                val[far] = 1.0 / (0.1 * tf * tf + 2.47 * tf - 17.8)    # (2.23г)
        s1[mid] = val
    if h < 10.0:                                                    # (2.24), t < 1
        near = ~mid
        s1[near] = 0.125 * (10.0 - h) + 0.125 * (h - 2.0) * s1[near]
    xx = xp * xp
    ty = r2p / xx                                                   # (2.26): u·y²/x², y² = r² − x²
    ty -= 1.0
    np.maximum(ty, 0.0, out=ty)
    ty *= u_eff
    poly = ty * 45.1                                                # (2.27)
    poly += 17.0
    poly *= ty
    poly += 12.8
    poly *= ty
    poly += 5.0
    poly *= ty
    poly += 1.0
    poly *= poly
    s1 *= c_mu
    s1 /= poly
    acc[m] += s1


def max_field(px, py, terms: Terms, directions_deg, wind_speeds, *, block: int = 16384,
              progress: Callable[[float], None] | None = None,
              cancel: Callable[[], bool] | None = None, max_chunk_elems: int | None = None):
    """Maximum over directions and wind speeds of the summed concentration at points.

    Returns ``(cmax, dir_deg, speed)``: arrays of shape like ``px`` with the maximum
    concentration (units of ``terms.c_m``), the wind direction (from, degrees) and
    the wind speed at which it occurs.  Work is done in blocks of about ``block``
    (directions × points) elements per term, so memory stays at a few MB per
    temporary whatever the grid, and the blocks stay in the CPU cache.
    ``max_chunk_elems`` is an alias of ``block``.
    """
    if max_chunk_elems is not None:
        block = int(max_chunk_elems)
    px = np.asarray(px, float)
    shape = px.shape
    px = px.ravel()
    py = np.asarray(py, float).ravel()
    g_total = px.size
    ang = np.radians(np.asarray(directions_deg, float))
    ex_all, ey_all = -np.sin(ang), -np.cos(ang)   # downwind unit vectors (east, north)
    n_dir, n_t = ang.size, len(terms)
    speeds = [float(u) for u in wind_speeds]

    best = np.zeros(g_total)
    best_dir = np.zeros(g_total)
    best_u = np.zeros(g_total)
    g_chunk = max(1, min(g_total, block))
    d_chunk = max(1, min(n_dir, block // g_chunk))
    total_steps = max(1, len(speeds) * -(-g_total // g_chunk) * -(-n_dir // d_chunk))
    step = 0
    for u in speeds:
        ratio = u / terms.u_m
        c_mu_all = fm.r_coefficient(ratio) * terms.c_m             # (2.18)-(2.19)
        inv_x_mu_all = 1.0 / (fm.p_coefficient(ratio) * terms.x_m)  # (2.20)-(2.21)
        u_eff = min(u, 5.0)
        for g0 in range(0, g_total, g_chunk):
            g1 = min(g_total, g0 + g_chunk)
            gx, gy = px[g0:g1], py[g0:g1]
            dxs = [gx - terms.x[i] for i in range(n_t)]
            dys = [gy - terms.y[i] for i in range(n_t)]
            r2s = [dxs[i] * dxs[i] + dys[i] * dys[i] for i in range(n_t)]
            for d0 in range(0, n_dir, d_chunk):
                if cancel is not None and cancel():
                    raise Cancelled()
                d1 = min(n_dir, d0 + d_chunk)
                ex = ex_all[d0:d1, None]
                ey = ey_all[d0:d1, None]
                acc = np.zeros((d1 - d0, g1 - g0))
                for i in range(n_t):
                    _add_term(acc, dxs[i], dys[i], r2s[i], ex, ey, float(c_mu_all[i]),
                              float(inv_x_mu_all[i]), bool(terms.F[i] <= 1.5), float(terms.H[i]), u_eff)
                k = acc.argmax(axis=0)
                vals = acc[k, np.arange(g1 - g0)]
                better = vals > best[g0:g1]
                best[g0:g1] = np.where(better, vals, best[g0:g1])
                best_dir[g0:g1] = np.where(better, np.degrees(ang[d0:d1][k]), best_dir[g0:g1])
                best_u[g0:g1] = np.where(better, u, best_u[g0:g1])
                step += 1
                if progress is not None:
                    progress(step / total_steps)
    return best.reshape(shape), best_dir.reshape(shape), best_u.reshape(shape)
