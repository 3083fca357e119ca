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

import math
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


def _s1_far_into(out, t, t2, gas, tmp):
    """out ← s1 far branch (2.23в) for gases (F ≤ 1.5) or (2.23г) for dust."""
    if gas:
        np.multiply(t2, 3.58, out=out)
        out -= np.multiply(t, 35.2, out=tmp)
        out += 120.0
        np.divide(t, out, out=out)
    else:
        np.multiply(t2, 0.1, out=out)
        out += np.multiply(t, 2.47, out=tmp)
        out -= 17.8
        np.divide(1.0, out, out=out)
    return out


def _s1_mid_into(out, t2):
    """out ← s1 = 1.13/(0.13·t² + 1), (2.23б)."""
    np.multiply(t2, 0.13, out=out)
    out += 1.0
    np.divide(1.13, out, out=out)
    return out


def _add_term(acc, dx, dy, r2, ex, ey, c_mu, inv_x_mu, gas, h, u_eff, buf, t_lo, t_hi, all_down):
    """Add one term's concentration for one wind direction to ``acc`` (ng,), in place.

    dx, dy, r2: (ng,) point minus source and squared distance; ex, ey: downwind unit
    vector; c_mu, inv_x_mu, gas, h: this term's scalars; ``buf``: (7, ng) scratch.
    t_lo, t_hi: bounds of x/x_mu over the chunk (from its bounding box), used only to
    skip s1 branches that no point needs; all_down: every point has x > 0.
    Upwind points (x ≤ 0) get nothing (s1 = 0)."""
    x = np.multiply(dx, ex, out=buf[0])
    x += np.multiply(dy, ey, out=buf[1])                             # along the plume, m
    t = np.multiply(x, inv_x_mu, out=buf[1])                         # x / x_mu
    t2 = np.multiply(t, t, out=buf[2])
    need_near, need_mid, need_far = t_lo <= 1.0, t_hi > 1.0 and t_lo <= 8.0, t_hi > 8.0
    s1 = buf[3]
    if need_near:                                                    # (2.23а)
        np.multiply(t2, 3.0, out=s1)
        s1 -= np.multiply(t, 8.0, out=buf[4])
        s1 += 6.0
        s1 *= t2
        if h < 10.0:                                                 # (2.24) for t < 1
            low = np.multiply(s1, 0.125 * (h - 2.0), out=buf[4])
            low += 0.125 * (10.0 - h)
            np.copyto(s1, low, where=t < 1.0)
        if need_mid:
            np.copyto(s1, _s1_mid_into(buf[4], t2), where=t > 1.0)
        if need_far:
            np.copyto(s1, _s1_far_into(buf[4], t, t2, gas, buf[5]), where=t > 8.0)
    elif need_mid:
        _s1_mid_into(s1, t2)
        if need_far:
            np.copyto(s1, _s1_far_into(buf[4], t, t2, gas, buf[5]), where=t > 8.0)
    else:
        _s1_far_into(s1, t, t2, gas, buf[5])
    xx = np.multiply(x, x, out=buf[2])
    ty = np.divide(r2, xx, out=buf[4])                               # (2.26): u·y²/x², y² = r² − x²
    ty -= 1.0
    ty *= u_eff
    poly = np.multiply(ty, 45.1, out=buf[5])                         # (2.27)
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
    if all_down:
        acc += s1
    else:
        np.add(acc, s1, out=acc, where=x > 0.0)


def _chunks(px2, py2, tile: int):
    """Point order and chunk bounds: 2-D grids in square tiles, 1-D inputs in runs."""
    if px2.ndim == 2:
        ny, nx = px2.shape
        idx = np.arange(px2.size).reshape(ny, nx)
        parts = [idx[r:r + tile, c:c + tile].ravel() for r in range(0, ny, tile) for c in range(0, nx, tile)]
        order = np.concatenate(parts) if parts else np.arange(0)
        bounds, pos = [], 0
        for prt in parts:
            bounds.append((pos, pos + prt.size))
            pos += prt.size
        return order, bounds
    n = px2.size
    run = tile * tile
    return np.arange(n), [(a, min(n, a + run)) for a in range(0, n, run)]


def max_field(px, py, terms: Terms, directions_deg, wind_speeds, *, block: int = 16384,
              progress: Callable[[float], None] | None = None,
              cancel: Callable[[], bool] | None = None, max_chunk_elems: int | None = None):
    """Maximum over directions and wind speeds of the summed concentration at points.

    Returns ``(cmax, dir_deg, speed)``: arrays of shape like ``px`` with the maximum
    concentration (units of ``terms.c_m``), the wind direction (from, degrees) and
    the wind speed at which it occurs.

    Points are processed in chunks of about ``block`` (square tiles for a 2-D grid) so
    that the scratch arrays stay in the CPU cache and memory stays bounded.  For each
    chunk, direction and term, a term whose plume points away from the whole chunk
    (every corner of the chunk's bounding box upwind, x ≤ 0) is skipped: exact, since
    the upwind region is a half-plane.  ``max_chunk_elems`` is an alias of ``block``.
    """
    if max_chunk_elems is not None:
        block = int(max_chunk_elems)
    px2 = np.asarray(px, float)
    py2 = np.asarray(py, float)
    shape = px2.shape
    tile = max(1, int(math.isqrt(max(1, block))))
    order, bounds = _chunks(px2, py2, tile)
    pxo = px2.ravel()[order]
    pyo = py2.ravel()[order]
    g_total = pxo.size
    ang = np.radians(np.asarray(directions_deg, float))
    ex_all, ey_all = -np.sin(ang), -np.cos(ang)   # downwind unit vectors (east, north)
    n_dir, n_t = ang.size, len(terms)
    speeds = [float(u) for u in wind_speeds]
    gas = terms.F <= 1.5

    best = np.zeros(g_total)
    best_dir = np.zeros(g_total)
    best_u = np.zeros(g_total)
    buf_all = np.empty((7, max((b - a for a, b in bounds), default=0)))
    total_steps = max(1, len(speeds) * len(bounds) * n_dir)
    step = 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Per speed: the coefficients of (2.18)-(2.21), computed once.
        per_speed = []
        for u in speeds:
            ratio = u / terms.u_m
            per_speed.append((u, fm.r_coefficient(ratio) * terms.c_m,           # (2.18)-(2.19)
                              1.0 / (fm.p_coefficient(ratio) * terms.x_m),      # (2.20)-(2.21)
                              min(u, 5.0)))
        # Chunks outer, speeds inner: the distance arrays of a chunk are built once.  For each
        # node the comparisons still run speed by speed, direction by direction, as before.
        for g0, g1 in bounds:
            gx, gy = pxo[g0:g1], pyo[g0:g1]
            ng = g1 - g0
            buf = buf_all[:, :ng]
            dxs = [gx - terms.x[i] for i in range(n_t)]
            dys = [gy - terms.y[i] for i in range(n_t)]
            r2s = [dxs[i] * dxs[i] + dys[i] * dys[i] for i in range(n_t)]
            cx = np.array([gx.min(), gx.max(), gx.min(), gx.max()])
            cy = np.array([gy.min(), gy.min(), gy.max(), gy.max()])
            cdx = cx[None, :] - terms.x[:, None]                     # (T, 4) corners
            cdy = cy[None, :] - terms.y[:, None]
            for u, c_mu_all, inv_x_mu_all, u_eff in per_speed:
                for d in range(n_dir):
                    if cancel is not None and cancel():
                        raise Cancelled()
                    ex, ey = float(ex_all[d]), float(ey_all[d])
                    proj = cdx * ex + cdy * ey                               # x at the corners
                    x_hi = proj.max(axis=1)
                    x_lo = proj.min(axis=1)
                    acc = np.zeros(ng)
                    for i in np.flatnonzero(x_hi > 0.0):
                        inv = float(inv_x_mu_all[i])
                        _add_term(acc, dxs[i], dys[i], r2s[i], ex, ey, float(c_mu_all[i]), inv,
                                  bool(gas[i]), float(terms.H[i]), u_eff, buf,
                                  x_lo[i] * inv, x_hi[i] * inv, bool(x_lo[i] > 0.0))
                    better = acc > best[g0:g1]
                    best[g0:g1] = np.where(better, acc, best[g0:g1])
                    best_dir[g0:g1] = np.where(better, np.degrees(ang[d]), best_dir[g0:g1])
                    best_u[g0:g1] = np.where(better, u, best_u[g0:g1])
                    step += 1
                    if progress is not None:
                        progress(step / total_steps)
    out = np.empty(g_total)
    out_dir = np.empty(g_total)
    out_u = np.empty(g_total)
    out[order], out_dir[order], out_u[order] = best, best_dir, best_u
    return out.reshape(shape), out_dir.reshape(shape), out_u.reshape(shape)
