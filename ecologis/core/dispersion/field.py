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


def _term_contribution(dx, dy, ex, ey, c_mu, inv_x_mu, gas, low_h, u):
    """Concentration of T terms at G points for D directions: arrays (D, T, G).

    dx, dy: (1, T, G) point minus source; ex, ey: (D, 1, 1) downwind unit vector;
    c_mu, inv_x_mu, gas, low_h: (1, T, 1)."""
    x = dx * ex + dy * ey                      # along the plume
    y = dy * ex - dx * ey                      # across the plume
    t = x * inv_x_mu
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        t2 = t * t
        near = t2 * (3.0 * t2 - 8.0 * t + 6.0)                         # (2.23а)
        mid = 1.13 / (0.13 * t2 + 1.0)                                 # (2.23б)
        far = np.where(gas, t / (3.58 * t2 - 35.2 * t + 120.0),       # (2.23в)
                       1.0 / (0.1 * t2 + 2.47 * t - 17.8))             # (2.23г)
        s1 = np.where(t <= 1.0, near, np.where(t <= 8.0, mid, far))
        if low_h is not None:                                          # (2.24)
            hh = low_h
            s1 = np.where((t < 1.0) & (hh < 10.0), 0.125 * (10.0 - hh) + 0.125 * (hh - 2.0) * s1, s1)
        ty = min(u, 5.0) * (y * y) / (x * x)                           # (2.26)
        poly = 1.0 + ty * (5.0 + ty * (12.8 + ty * (17.0 + 45.1 * ty)))
        s2 = 1.0 / (poly * poly)                                       # (2.27)
        c = c_mu * s1 * s2
    return np.where(t > 0.0, c, 0.0)


def max_field(px, py, terms: Terms, directions_deg, wind_speeds, *, max_chunk_elems: int = 2_000_000,
              progress: Callable[[float], None] | None = None,
              cancel: Callable[[], bool] | None = None):
    """Maximum over directions and wind speeds of the summed concentration at points.

    Returns ``(cmax, dir_deg, speed)``: arrays of shape like ``px`` with the maximum
    concentration (units of ``terms.c_m``), the wind direction (from, degrees) and
    the wind speed at which it occurs.  Memory is bounded by ``max_chunk_elems``
    float64 elements per temporary array (~16 MB each at the default).
    """
    px = np.asarray(px, float)
    shape = px.shape
    px = px.ravel()
    py = np.asarray(py, float).ravel()
    g_total = px.size
    ang = np.radians(np.asarray(directions_deg, float))
    ex_all, ey_all = -np.sin(ang), -np.cos(ang)   # downwind unit vectors (east, north)
    n_dir, n_t = ang.size, len(terms)
    speeds = [float(u) for u in wind_speeds]

    best = np.full(g_total, -1.0)
    best_dir = np.zeros(g_total)
    best_u = np.zeros(g_total)
    low_any = bool(np.any(terms.H < 10.0))

    # Chunk sizes: points first, then terms, then directions, within max_chunk_elems.
    g_chunk = min(g_total, max(1, max_chunk_elems))
    t_chunk = min(n_t, max(1, max_chunk_elems // g_chunk))
    d_chunk = min(n_dir, max(1, max_chunk_elems // (g_chunk * t_chunk)))
    total_steps = len(speeds) * -(-g_total // g_chunk) * -(-n_dir // d_chunk) * -(-n_t // t_chunk)
    step = 0
    for u in speeds:
        ratio = u / terms.u_m
        c_mu_all = fm.r_coefficient(ratio) * terms.c_m             # (2.18)-(2.19)
        x_mu_all = fm.p_coefficient(ratio) * terms.x_m             # (2.20)-(2.21)
        for g0 in range(0, g_total, g_chunk):
            g1 = min(g_total, g0 + g_chunk)
            gx, gy = px[g0:g1], py[g0:g1]
            for d0 in range(0, n_dir, d_chunk):
                d1 = min(n_dir, d0 + d_chunk)
                ex = ex_all[d0:d1, None, None]
                ey = ey_all[d0:d1, None, None]
                acc = np.zeros((d1 - d0, g1 - g0))
                for t0 in range(0, n_t, t_chunk):
                    if cancel is not None and cancel():
                        raise Cancelled()
                    t1 = min(n_t, t0 + t_chunk)
                    sl = slice(t0, t1)
                    dx = (gx[None, :] - terms.x[sl, None])[None]
                    dy = (gy[None, :] - terms.y[sl, None])[None]
                    c = _term_contribution(
                        dx, dy, ex, ey,
                        c_mu_all[sl][None, :, None], (1.0 / x_mu_all[sl])[None, :, None],
                        (terms.F[sl] <= 1.5)[None, :, None],
                        terms.H[sl][None, :, None] if low_any else None, u)
                    acc += c.sum(axis=1)
                    step += 1
                    if progress is not None:
                        progress(step / total_steps)
                k = acc.argmax(axis=0)
                vals = acc[k, np.arange(g1 - g0)]
                better = vals > best[g0:g1]
                best[g0:g1] = np.where(better, vals, best[g0:g1])
                best_dir[g0:g1] = np.where(better, np.degrees(ang[d0:d1][k]), best_dir[g0:g1])
                best_u[g0:g1] = np.where(better, u, best_u[g0:g1])
    best = np.maximum(best, 0.0)
    return best.reshape(shape), best_dir.reshape(shape), best_u.reshape(shape)
