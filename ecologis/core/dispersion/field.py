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



def _crosswind_denominator(ty: np.ndarray, out: np.ndarray) -> np.ndarray:
    """(1 + 5·t + 12.8·t² + 17·t³ + 45.1·t⁴)² of OND-86 formula (2.27), written into ``out``
    (Horner's scheme, no temporary arrays); t = u·y²/x² (2.26), dimensionless."""
    poly = np.multiply(ty, 45.1, out=out)
    poly += 17.0
    poly *= ty
    poly += 12.8
    poly *= ty
    poly += 5.0
    poly *= ty
    poly += 1.0
    poly *= poly
    return poly

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
    poly = _crosswind_denominator(ty, buf[5])                        # (2.27)
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


# =========================================================================== exact-direction engine
# The maximum over wind directions at a node is searched among (1) a coarse uniform scan,
# (2) the direction from each source to the node (the worst direction for that source alone:
# the node is then on its plume axis), and (3) a local refinement (step halving down to
# REFINE_MIN_DEG) around the best of these at the node's worst speed.  Wind speeds whose
# upper bound (the sum of every term's axial value, the most one term can give at a node;
# times UB_SAFETY) cannot beat the node's best so far are skipped: exact pruning.

REFINE_MIN_DEG = 0.05
#: The sums of the exact search run in the compiled loop (:mod:`._kernel`) when True, in numpy
#: blocks when False; None (default): by size — the compiled loop for an engine of at least
#: KERNEL_MIN_TERMS terms, numpy below (a small plant then never imports numba: loading numba
#: and its cached code costs ~0.4 s per process, more than numpy needs for the whole demo).
USE_KERNEL: bool | None = None
KERNEL_MIN_TERMS = 16
#: Numerical check [C]: over t = x/x_m in 0.01…200, F = 1 and 3, H = 3, 8, 30 m, u = 0.5…12 m/s,
#: the largest value of one term over directions exceeds its axial value by 0.21 % at most
#: (the (2.23б)/(2.23в) step at t = 8).  The pruning bound is multiplied by this safety factor.
UB_SAFETY = 1.05
MAX_SOURCE_CANDIDATES = 48
SCREEN_SOURCES = 4
SECOND_STAGE_SPEEDS = 6
SECOND_STAGE_FRACTION = 0.97
REFINED_SPEEDS = 3
#: Coarse scan of the exact search for each ``directions`` setting: every source's direction and
#: the refinement follow it, so 36 is searched as 12 (30°).
EXACT_COARSE = {8: 8, 36: 12, 360: 360}
MEMORY_BUDGET_BYTES = 32 * 2**20
TERM_BLOCK_ELEMS = 16384


@dataclass
class _SpeedTerms:
    """One wind speed's per-term coefficients: (T,) for one target; for a :class:`BatchField`
    (several targets searched together) (T, n) per node, with ``u``, ``u_eff`` (n,) and the
    per-node ``gas`` and ``h`` of each term."""

    u: float | np.ndarray
    u_eff: float | np.ndarray
    c_mu: np.ndarray     # (T,) or (T, n)
    inv_x_mu: np.ndarray  # (T,) or (T, n)
    gas: np.ndarray | None = None   # (T, n) bool, per node only
    h: np.ndarray | None = None     # (T, n), per node only

    @property
    def per_node(self) -> bool:
        return self.c_mu.ndim == 2

    def tile(self, reps: int) -> _SpeedTerms:
        """The coefficients of ``reps`` copies of the nodes side by side."""
        if not self.per_node or reps == 1:
            return self
        return _SpeedTerms(np.tile(self.u, reps), np.tile(self.u_eff, reps), np.tile(self.c_mu, (1, reps)),
                           np.tile(self.inv_x_mu, (1, reps)), np.tile(self.gas, (1, reps)),
                           np.tile(self.h, (1, reps)))

    def take(self, idx) -> _SpeedTerms:
        """The coefficients of the nodes ``idx`` (itself when they do not depend on the node)."""
        if not self.per_node:
            return self
        return _SpeedTerms(self.u[idx], self.u_eff[idx], _cols(self.c_mu, idx), _cols(self.inv_x_mu, idx),
                           _cols(self.gas, idx), _cols(self.h, idx))


def _s1_block(t, gas, h, low_any, gas_all, dust_all):
    """s1 of (2.23а–г) with (2.24) for a (b, n) block; gas, h: (b, 1) per-term columns.
    low_any: some term has H < 10 m; gas_all / dust_all: every term is a gas / a dust."""
    t2 = t * t
    s = t2 * (3.0 * t2 - 8.0 * t + 6.0)                                    # (2.23а)
    if low_any:                                                            # (2.24) for t < 1
        sl = 0.125 * (10.0 - h) + 0.125 * (h - 2.0) * s
        s = np.where((t < 1.0) & (h < 10.0), sl, s)
    tmax = float(t.max()) if t.size else 0.0
    if tmax > 1.0:
        np.copyto(s, 1.13 / (0.13 * t2 + 1.0), where=t > 1.0)              # (2.23б)
    if tmax > 8.0:
        if gas_all:
            far = t / (3.58 * t2 - 35.2 * t + 120.0)                       # (2.23в)
        elif dust_all:
            far = 1.0 / (0.1 * t2 + 2.47 * t - 17.8)                       # (2.23г)
        else:
            far = np.where(gas, t / (3.58 * t2 - 35.2 * t + 120.0), 1.0 / (0.1 * t2 + 2.47 * t - 17.8))
        np.copyto(s, far, where=t > 8.0)
    s[t <= 0.0] = 0.0
    return s


def _cols(a, idx):
    """Columns ``idx`` of a 2-D array as a C-ordered array (rows stay contiguous)."""
    return np.ascontiguousarray(a[:, idx])


class ExactField:
    """Terms prepared for the exact-direction search (positions deduplicated)."""

    def __init__(self, terms: Terms, wind_speeds, *, memory_budget: int = MEMORY_BUDGET_BYTES,
                 max_source_candidates: int = MAX_SOURCE_CANDIDATES):
        order = np.lexsort((terms.y, terms.x))
        self.order = order
        x, y = terms.x[order], terms.y[order]
        key = np.round(np.column_stack([x, y]), 6)
        new = np.ones(x.size, bool)
        if x.size > 1:
            new[1:] = np.any(key[1:] != key[:-1], axis=1)
        self.starts = np.flatnonzero(new)                 # first term of each position
        self.pos_of_term = (np.cumsum(new) - 1).astype(np.int64)
        self.px, self.py = x[self.starts], y[self.starts]
        self.n_pos = self.starts.size
        self.T = x.size
        self.gas = (terms.F[order] <= 1.5)[:, None]
        self.h = terms.H[order][:, None].astype(float)
        self.low_any = bool(np.any(self.h < 10.0))
        self.gas1 = np.ascontiguousarray(self.gas[:, 0])
        self.h1 = np.ascontiguousarray(self.h[:, 0])
        self.gas_all, self.dust_all = bool(self.gas.all()), not bool(self.gas.any())
        self.c_m = terms.c_m[order].astype(float)
        self.x_m = terms.x_m[order].astype(float)
        self.u_m = terms.u_m[order].astype(float)
        self.k_max = max(1, int(max_source_candidates))
        self.memory_budget = int(memory_budget)
        self.speeds = []
        with np.errstate(divide="ignore", invalid="ignore"):
            for u in wind_speeds:
                q = float(u) / self.u_m
                self.speeds.append(_SpeedTerms(float(u), min(float(u), 5.0),
                                               fm.r_coefficient(q) * self.c_m,        # (2.18)-(2.19)
                                               1.0 / (fm.p_coefficient(q) * self.x_m)))  # (2.20)-(2.21)

    # ---------------------------------------------------------------- sizes
    def chunk_nodes(self, block: int) -> int:
        """Nodes per chunk: the (positions × nodes) arrays (dx, dy, r², axial values) stay
        within the memory budget, whatever the number of sources."""
        # dx, dy, r², unit vectors (5 arrays), the axial values, the stage-2 gathers of the
        # same five and their axial values: about 12 float arrays of (sources × nodes).
        per_node = 8 * 12 * max(self.n_pos, self.T)
        return int(max(64, min(block, self.memory_budget // per_node)))

    def use_kernel(self) -> bool:
        return bool(USE_KERNEL) if USE_KERNEL is not None else self.T >= KERNEL_MIN_TERMS

    def term_block(self, ng: int) -> int:
        return int(max(1, min(self.T, TERM_BLOCK_ELEMS // max(1, ng))))

    # ---------------------------------------------------------------- evaluation
    def geometry(self, gx, gy):
        dxp = gx[None, :] - self.px[:, None]
        dyp = gy[None, :] - self.py[:, None]
        return dxp, dyp, dxp * dxp + dyp * dyp

    def axial(self, r2p, sp: _SpeedTerms):
        """(T, n) axial value of every term: the node on its plume axis (s2 = 1)."""
        if sp.per_node:
            r = np.sqrt(r2p[self.pos_of_term])
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                return sp.c_mu * _s1_block(r * sp.inv_x_mu, sp.gas, sp.h, self.low_any, self.gas_all,
                                           self.dust_all)
        if self.use_kernel():
            from ecologis.core.dispersion import _kernel

            return _kernel.axial_terms(np.ascontiguousarray(r2p), self.pos_of_term, sp.c_mu, sp.inv_x_mu,
                                       self.gas1, self.h1, np.empty((self.T, r2p.shape[1])))
        r = np.sqrt(r2p[self.pos_of_term])
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return sp.c_mu[:, None] * _s1_block(r * sp.inv_x_mu[:, None], self.gas, self.h,
                                                self.low_any, self.gas_all, self.dust_all)

    def evaluate(self, dxp, dyp, r2p, ex, ey, sp: _SpeedTerms, per_term: bool = False):
        """Σ over terms (or, with per_term, the (T, n) values) for plume unit vectors ex, ey (n,).

        The sum runs in the compiled loop :func:`ecologis.core.dispersion._kernel.sum_terms`;
        per-term values (contributions) and :data:`USE_KERNEL` = False use numpy: terms in
        blocks of about TERM_BLOCK_ELEMS values with scratch buffers reused in place."""
        n = dxp.shape[1]
        if not per_term and not sp.per_node and self.use_kernel():
            from ecologis.core.dispersion import _kernel     # numba is imported on first use only

            out = np.empty(n)
            ex = np.array(np.broadcast_to(np.asarray(ex, float), (n,)), order="C")
            ey = np.array(np.broadcast_to(np.asarray(ey, float), (n,)), order="C")
            dxp, dyp, r2p = (np.ascontiguousarray(a) for a in (dxp, dyp, r2p))
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                return _kernel.sum_terms(dxp, dyp, r2p, self.pos_of_term, ex, ey, sp.c_mu, sp.inv_x_mu,
                                         self.gas1, self.h1, sp.u_eff, out)
        acc = np.zeros((self.T, n)) if per_term else np.zeros(n)
        tb = self.term_block(n)
        buf = np.empty((6, tb, n))
        one_per_pos = self.n_pos == self.T
        pn = sp.per_node
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for b0 in range(0, self.T, tb):
                b1 = min(self.T, b0 + tb)
                k = b1 - b0
                if one_per_pos:
                    dx, dy, r2 = dxp[b0:b1], dyp[b0:b1], r2p[b0:b1]
                else:
                    pi = self.pos_of_term[b0:b1]
                    dx, dy, r2 = dxp[pi], dyp[pi], r2p[pi]
                x, t, t2, s, w1, w2 = (bb[:k] for bb in buf)
                np.multiply(dx, ex, out=x)
                x += np.multiply(dy, ey, out=w1)                              # along the plume, m
                np.multiply(x, sp.inv_x_mu[b0:b1] if pn else sp.inv_x_mu[b0:b1, None], out=t)   # t = x / x_mu
                np.multiply(t, t, out=t2)
                np.multiply(t2, 3.0, out=s)                                   # (2.23а)
                s -= np.multiply(t, 8.0, out=w1)
                s += 6.0
                s *= t2
                h = sp.h[b0:b1] if pn else self.h[b0:b1]
                if self.low_any and np.any(h < 10.0):                          # (2.24) for t < 1
                    np.multiply(s, 0.125 * (h - 2.0), out=w1)
                    w1 += 0.125 * (10.0 - h)
                    np.copyto(s, w1, where=(t < 1.0) & (h < 10.0))
                tmax = float(t.max())
                if tmax > 1.0:                                                # (2.23б)
                    np.multiply(t2, 0.13, out=w1)
                    w1 += 1.0
                    np.divide(1.13, w1, out=w1)
                    np.copyto(s, w1, where=t > 1.0)
                if tmax > 8.0:
                    g = sp.gas[b0:b1] if pn else self.gas[b0:b1]
                    if self.gas_all or bool(g.all()):                          # (2.23в)
                        _s1_far_into(w1, t, t2, True, w2)
                    elif self.dust_all or not bool(g.any()):                   # (2.23г)
                        _s1_far_into(w1, t, t2, False, w2)
                    else:
                        w1[...] = np.where(g, t / (3.58 * t2 - 35.2 * t + 120.0),
                                           1.0 / (0.1 * t2 + 2.47 * t - 17.8))
                    np.copyto(s, w1, where=t > 8.0)
                ty = np.multiply(x, x, out=t2)                                # (2.26): u·(r²/x² − 1)
                np.divide(r2, ty, out=ty)
                ty -= 1.0
                ty *= sp.u_eff
                poly = _crosswind_denominator(ty, w1)                         # (2.27)
                s *= sp.c_mu[b0:b1] if pn else sp.c_mu[b0:b1, None]
                s /= poly
                np.copyto(s, 0.0, where=~(x > 0.0))                           # upwind: nothing
                if per_term:
                    acc[b0:b1] = s
                else:
                    acc += s.sum(axis=0)
        return acc

    def _source_dirs(self, ux, uy, axial, k):
        """Plume unit vectors towards each node from the k sources with the largest axial value."""
        if self.n_pos <= k:
            return [(ux[i], uy[i]) for i in range(self.n_pos)]
        apos = np.add.reduceat(axial, self.starts, axis=0)
        top = np.argpartition(-apos, k - 1, axis=0)[:k]
        return [(np.take_along_axis(ux, top[i:i + 1], 0)[0], np.take_along_axis(uy, top[i:i + 1], 0)[0])
                for i in range(k)]

    #: Candidates evaluated in one call (side by side) when their values fit in this many
    #: elements (BatchField only; 0: one call per candidate).
    STACK_ELEMS = 0

    def _best_of(self, cands, dx, dy, r2, sp, n):
        """The best candidate direction at each node: (value, ex, ey); the first candidate wins
        a tie (strictly greater values replace)."""
        sb = np.full(n, -1.0)
        sex = np.zeros(n)
        sey = np.zeros(n)
        per = max(1, self.STACK_ELEMS // max(1, n * max(self.T, self.n_pos)))
        if self.STACK_ELEMS and per > 1 and len(cands) > 1:
            cols = np.arange(n)
            for c0 in range(0, len(cands), per):
                grp = cands[c0:c0 + per]
                C = len(grp)
                EX = np.concatenate([np.broadcast_to(np.asarray(ex, float), (n,)) for ex, _ in grp])
                EY = np.concatenate([np.broadcast_to(np.asarray(ey, float), (n,)) for _, ey in grp])
                v = self.evaluate(np.tile(dx, (1, C)), np.tile(dy, (1, C)), np.tile(r2, (1, C)), EX, EY,
                                  sp.tile(C)).reshape(C, n)
                k = np.argmax(v, axis=0)                 # the first of equal maxima, as the loop below
                gv = v[k, cols]
                up = gv > sb
                sb = np.where(up, gv, sb)
                sex = np.where(up, EX.reshape(C, n)[k, cols], sex)
                sey = np.where(up, EY.reshape(C, n)[k, cols], sey)
            return sb, sex, sey
        for ex, ey in cands:
            v = self.evaluate(dx, dy, r2, ex, ey, sp)
            up = v > sb
            sb = np.where(up, v, sb)
            sex = np.where(up, ex, sex)
            sey = np.where(up, ey, sey)
        return sb, sex, sey

    def max_at(self, gx, gy, coarse_deg, *, refine: bool = True, cancel=None, speeds=None):
        """(cmax, dir_deg, speed) at the nodes gx, gy (1-D, one chunk).

        Stage 1 screens every speed with the directions of the SCREEN_SOURCES sources of
        largest axial value at each node (this alone guarantees c ≥ c_m,i at a point on
        source i's axis at x_m,i when u_m,i is scanned: the strongest axial value there is
        ≥ c_m,i).  Stage 2 searches the SECOND_STAGE_SPEEDS best speeds of each node with
        the coarse scan and the directions of up to ``max_source_candidates`` sources;
        speeds whose upper bound cannot beat the node's best are skipped.  Then the best
        direction is refined at the node's best speed.

        ``speeds``: the per-speed coefficients (default: this engine's); a :class:`BatchField`
        passes per-node ones (each node computed exactly as for its own target alone)."""
        sps = self.speeds if speeds is None else speeds
        n = gx.size
        dxp, dyp, r2p = self.geometry(gx, gy)
        best = np.zeros(n)
        best_ex = np.zeros(n)
        best_ey = -np.ones(n)
        best_s = np.zeros(n, dtype=int)
        coarse = np.radians(np.asarray(coarse_deg, float))
        rp = np.sqrt(r2p)
        with np.errstate(divide="ignore", invalid="ignore"):
            uxp = np.where(rp > 0, dxp / rp, 0.0)
            uyp = np.where(rp > 0, dyp / rp, -1.0)
        del rp
        ns = len(sps)
        screen = np.zeros((ns, n))
        ubs = np.zeros((ns, n))
        for si, sp in enumerate(sps):                               # stage 1
            if cancel is not None and cancel():
                raise Cancelled()
            a = self.axial(r2p, sp)
            ubs[si] = a.sum(axis=0) * UB_SAFETY
            sb, sex, sey = self._best_of(self._source_dirs(uxp, uyp, a, SCREEN_SOURCES), dxp, dyp, r2p, sp, n)
            screen[si] = sb
            up = sb > best
            best = np.where(up, sb, best)
            best_ex = np.where(up, sex, best_ex)
            best_ey = np.where(up, sey, best_ey)
            best_s = np.where(up, si, best_s)
        if ns > SECOND_STAGE_SPEEDS:
            rank = np.argsort(-screen, axis=0)[:SECOND_STAGE_SPEEDS]
            chosen = screen >= best * SECOND_STAGE_FRACTION
            np.put_along_axis(chosen, rank, True, axis=0)
        else:
            chosen = np.ones((ns, n), bool)
        # Per speed, the best value found and its direction (stage 1 values where stage 2 skipped).
        sval = screen.copy()
        sth = np.zeros((ns, n))
        for si, sp in enumerate(sps):                               # stage 2
            if cancel is not None and cancel():
                raise Cancelled()
            act = np.flatnonzero(chosen[si] & (ubs[si] > best))
            if act.size == 0:
                continue
            dx, dy, r2 = _cols(dxp, act), _cols(dyp, act), _cols(r2p, act)
            ux, uy = _cols(uxp, act), _cols(uyp, act)
            sp = sp.take(act)
            cands = [(np.full(act.size, -math.sin(a)), np.full(act.size, -math.cos(a))) for a in coarse]
            cands += self._source_dirs(ux, uy, self.axial(r2, sp), self.k_max)
            sb, sex, sey = self._best_of(cands, dx, dy, r2, sp, act.size)
            sval[si, act] = sb
            sth[si, act] = np.arctan2(-sex, -sey)
            better = sb > best[act]
            idx = act[better]
            best[idx] = sb[better]
            best_ex[idx] = sex[better]
            best_ey[idx] = sey[better]
            best_s[idx] = si
        theta = np.arctan2(-best_ex, -best_ey)                     # wind FROM, radians
        if refine and sps:
            # Refine at each node's REFINED_SPEEDS best speeds (stage 2 values), each from its
            # own best direction: a speed whose unrefined best is a little lower can win.
            if ns > REFINED_SPEEDS:
                rank = np.argsort(-sval, axis=0)[:REFINED_SPEEDS]
                torefine = np.zeros((ns, n), bool)
                np.put_along_axis(torefine, rank, True, axis=0)
            else:
                torefine = np.ones((ns, n), bool)
            step = math.radians(180.0 / max(1, len(coarse)))        # half the coarse spacing
            for si in range(ns):
                idx = np.flatnonzero(torefine[si] & (sval[si] > 0) & (ubs[si] > best))
                if idx.size == 0:
                    continue
                sp = sps[si].take(idx)
                dx, dy, r2 = _cols(dxp, idx), _cols(dyp, idx), _cols(r2p, idx)
                th = np.where(best_s[idx] == si, theta[idx], sth[si, idx])
                bv = np.where(best_s[idx] == si, best[idx], sval[si, idx])
                h = step
                while h >= math.radians(REFINE_MIN_DEG):
                    for sgn in (-1.0, 1.0):
                        tt = th + sgn * h
                        v = self.evaluate(dx, dy, r2, -np.sin(tt), -np.cos(tt), sp)
                        up = v > bv
                        bv = np.where(up, v, bv)
                        th = np.where(up, tt, th)
                    h /= 2.0
                better = bv > best[idx]
                j = idx[better]
                best[j], theta[j], best_s[j] = bv[better], th[better], si
        if sps and sps[0].per_node:
            u_best = np.stack([sp.u for sp in sps])[best_s, np.arange(n)]
        else:
            u_best = (np.array([sp.u for sp in sps]) if sps else np.zeros(1))[best_s]
        return best, np.degrees(theta) % 360.0, u_best

    def contributions(self, x, y, wind_from_deg, u):
        """Per-term concentrations (in the input order of the terms) at one point for one wind."""
        sp = next((s for s in self.speeds if abs(s.u - u) <= 1e-12 * max(1.0, u)), None)
        if sp is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                q = float(u) / self.u_m
                sp = _SpeedTerms(float(u), min(float(u), 5.0), fm.r_coefficient(q) * self.c_m,
                                 1.0 / (fm.p_coefficient(q) * self.x_m))
        dxp, dyp, r2p = self.geometry(np.array([float(x)]), np.array([float(y)]))
        a = math.radians(wind_from_deg)
        vals = self.evaluate(dxp, dyp, r2p, np.array([-math.sin(a)]), np.array([-math.cos(a)]), sp,
                             per_term=True)[:, 0]
        out = np.empty(self.T)
        out[self.order] = vals
        return out


class BatchField(ExactField):
    """Several targets (substances, summation groups) of one plant searched together.

    Every target must have its terms at the same source positions and the same number of
    wind speeds.  The nodes of all targets form one set ("virtual nodes": a node and its
    target); each term slot (a position and the rank of the term there) carries, per node,
    its target's coefficients (zero where the target has no such term, which adds exactly
    0.0).  Every node then goes through the same arithmetic, in the same order, and the same
    per-node decisions of :meth:`ExactField.max_at` as its target's own :class:`ExactField`
    would: the results are the same; only the Python work per call is shared (one call for
    all the substances of a small plant instead of one per substance)."""

    FILL_INV_X_MU = 1.0     # a slot a target does not use: c_mu = 0, finite shape factors
    FILL_H = 20.0
    STACK_ELEMS = 1 << 18

    def __init__(self, engines: list[ExactField]):
        first = engines[0]
        if not all(batchable(first, e) for e in engines[1:]):
            raise ValueError("targets of a batch need the same source positions and number of speeds")
        self.engines = engines
        self.K = len(engines)
        self.px, self.py, self.n_pos = first.px, first.py, first.n_pos
        self.k_max, self.memory_budget = first.k_max, first.memory_budget
        counts = np.zeros(self.n_pos, dtype=np.int64)
        for e in engines:
            counts = np.maximum(counts, np.bincount(e.pos_of_term, minlength=self.n_pos))
        ustart = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self.starts = ustart
        self.T = int(counts.sum())
        self.pos_of_term = np.repeat(np.arange(self.n_pos, dtype=np.int64), counts)
        ns = len(first.speeds)
        K, T = self.K, self.T
        self._u = np.array([[e.speeds[si].u for e in engines] for si in range(ns)]).reshape(ns, K)
        self._u_eff = np.array([[e.speeds[si].u_eff for e in engines] for si in range(ns)]).reshape(ns, K)
        self._c_mu = np.zeros((ns, T, K))
        self._inv = np.full((ns, T, K), self.FILL_INV_X_MU)
        self._gas = np.ones((T, K), bool)
        self._h = np.full((T, K), self.FILL_H)
        real = np.zeros((T, K), bool)
        for k, e in enumerate(engines):
            slot = ustart[e.pos_of_term] + (np.arange(e.T) - e.starts[e.pos_of_term])
            real[slot, k] = True
            self._gas[slot, k] = e.gas1
            self._h[slot, k] = e.h1
            for si, sp in enumerate(e.speeds):
                self._c_mu[si, slot, k] = sp.c_mu
                self._inv[si, slot, k] = sp.inv_x_mu
        self.low_any = bool(np.any(self._h[real] < 10.0))
        self.gas_all, self.dust_all = bool(self._gas[real].all()), not bool(self._gas[real].any())
        self.gas = self.h = None           # per node only (see speeds_for)
        self.speeds = []

    def use_kernel(self) -> bool:
        return False

    def term_block(self, ng: int) -> int:
        return max(1, self.T)      # one block: each node's terms are added one after another

    def speeds_for(self, tgt: np.ndarray) -> list[_SpeedTerms]:
        """Per-node coefficients of the nodes whose targets (indices into the batch) are ``tgt``."""
        gas, h = _cols(self._gas, tgt), _cols(self._h, tgt)
        return [_SpeedTerms(self._u[si][tgt], self._u_eff[si][tgt], _cols(self._c_mu[si], tgt),
                            _cols(self._inv[si], tgt), gas, h) for si in range(self._u.shape[0])]

    def max_at_targets(self, gx, gy, tgt, coarse_deg, *, block: int = 4096, refine: bool = True, cancel=None,
                       progress: Callable[[float], None] | None = None):
        """(cmax, dir_deg, speed) at nodes gx, gy (1-D) of targets ``tgt`` (1-D ints), in chunks
        bounded like :func:`max_field_exact`'s."""
        gx, gy = np.asarray(gx, float).ravel(), np.asarray(gy, float).ravel()
        tgt = np.asarray(tgt, np.int64).ravel()
        n = gx.size
        chunk = max(1, self.chunk_nodes(block))
        out = np.zeros(n), np.zeros(n), np.zeros(n)
        for a in range(0, n, chunk):
            if cancel is not None and cancel():
                raise Cancelled()
            b = min(n, a + chunk)
            res = self.max_at(gx[a:b], gy[a:b], coarse_deg, refine=refine, cancel=cancel,
                              speeds=self.speeds_for(tgt[a:b]))
            for o, r in zip(out, res):
                o[a:b] = r
            if progress is not None:
                progress(b / n)
        return out


def batchable(a: ExactField, b: ExactField) -> bool:
    """Whether two targets' engines can be searched together by a :class:`BatchField`: the
    same source positions (so the same candidate directions) and the same number of speeds."""
    return (a.n_pos == b.n_pos and np.array_equal(a.px, b.px) and np.array_equal(a.py, b.py)
            and len(a.speeds) == len(b.speeds) and a.k_max == b.k_max and a.memory_budget == b.memory_budget)


def max_field_exact(px, py, terms: Terms, coarse_directions_deg, wind_speeds, *, refine: bool = True,
                    block: int = 4096, progress: Callable[[float], None] | None = None,
                    cancel: Callable[[], bool] | None = None,
                    memory_budget: int = MEMORY_BUDGET_BYTES,
                    max_source_candidates: int = MAX_SOURCE_CANDIDATES, engine: ExactField | None = None):
    """Maximum over wind directions and speeds at points, directions searched exactly.

    Candidate directions at each node: the coarse scan ``coarse_directions_deg``, the direction
    from every source to the node (up to ``max_source_candidates`` sources with the largest
    axial value there; every source when the plant has no more), then a local refinement by
    step halving from half the coarse spacing down to :data:`REFINE_MIN_DEG` around the best.
    Returns ``(cmax, dir_deg, speed)`` shaped like ``px``.  Memory is bounded by chunking the
    nodes (``memory_budget`` for the per-chunk arrays), whatever the number of sources."""
    eng = engine or ExactField(terms, wind_speeds, memory_budget=memory_budget,
                               max_source_candidates=max_source_candidates)
    px2 = np.asarray(px, float)
    py2 = np.asarray(py, float)
    shape = px2.shape
    tile = max(1, int(math.isqrt(eng.chunk_nodes(block))))
    order, bounds = _chunks(px2, py2, tile)
    pxo, pyo = px2.ravel()[order], py2.ravel()[order]
    best = np.zeros(pxo.size)
    bdir = np.zeros(pxo.size)
    bu = np.zeros(pxo.size)
    for k, (g0, g1) in enumerate(bounds):
        if cancel is not None and cancel():
            raise Cancelled()
        best[g0:g1], bdir[g0:g1], bu[g0:g1] = eng.max_at(pxo[g0:g1], pyo[g0:g1], coarse_directions_deg,
                                                         refine=refine, cancel=cancel)
        if progress is not None:
            progress((k + 1) / len(bounds))
    out, out_dir, out_u = np.empty(pxo.size), np.empty(pxo.size), np.empty(pxo.size)
    out[order], out_dir[order], out_u[order] = best, bdir, bu
    return out.reshape(shape), out_dir.reshape(shape), out_u.reshape(shape)
