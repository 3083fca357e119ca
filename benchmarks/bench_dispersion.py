"""OND-86 field benchmark: the default plant calculation (full wind-speed scan, exact directions).

Measured: ``ecologis.core.dispersion.field.max_field_exact`` (numpy for the search
bookkeeping, the per-term sums in the numba-compiled loop ``ecologis.core.dispersion._kernel``;
its one-off compilation is timed apart) for ``--sources`` point sources on a ``--grid``² node grid with the
default speed set of :func:`ecologis.core.dispersion.run.speed_set` (0.5 m/s, every u_m,i,
u_mс, u* = 8 m/s and a grid between them) and the default exact search (coarse 12 directions,
the direction from every source (up to 48), two-stage speed search, refinement to 0.05°).

Baselines, same run, same algorithm and the same work per node:

* **fair** — :func:`point_max_fair` below: plain Python, one node at a time, written as a
  competent programmer would: per-speed term constants (c_mu = r·c_m, 1/x_mu, u_eff) hoisted
  out of the node loop, plain lists and local variables, no dict look-ups in the inner loop;
* **naive** — the same search calling the test oracle ``tests/dispersion/oracle.py``
  ``point_concentration`` for every (node, direction, speed): it recomputes r(q), p(q) and
  the s2 powers per point and reads dicts (the baseline this benchmark used to report).

Both baselines would take hours on the full grid, so they are timed on ``--baseline-nodes``
random nodes and extrapolated linearly (their cost is proportional to the number of nodes);
the report says so.  Their values at those nodes are compared with the vectorised ones.
Times are CPU times of this process (``time.process_time``; all single-threaded).

Memory: peak traced memory (tracemalloc) of the vectorised field for ``--sources`` and for
``--memory-sources`` (default 2,000) sources on a ``--memory-grid``² grid: the per-chunk
arrays are bounded by ``field.MEMORY_BUDGET_BYTES`` whatever the number of sources, and the
grid's own arrays are small.  ``--quick`` runs a smaller problem.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from ecologis.core.dispersion import _kernel
from ecologis.core.dispersion import field as fld
from ecologis.core.dispersion import formulas as fm
from ecologis.core.dispersion.field import Terms, direction_angles, max_field_exact, weighted_dangerous_speed
from ecologis.core.dispersion.params import source_parameters
from ecologis.core.dispersion.run import speed_set

_ORACLE = Path(__file__).resolve().parent.parent / "tests" / "dispersion" / "oracle.py"


def _oracle():
    spec = importlib.util.spec_from_file_location("_disp_oracle", _ORACLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def make_sources(n: int, seed: int = 9):
    """n random but realistic stacks within ~1 km: OND-86 parameters computed by params."""
    rng = np.random.default_rng(seed)
    H = rng.uniform(10, 80, n)
    D = rng.uniform(0.3, 3.0, n)
    w0 = rng.uniform(2, 20, n)
    dT = np.where(rng.random(n) < 0.3, 0.0, rng.uniform(20, 200, n))
    F = np.where(rng.random(n) < 0.3, 3.0, 1.0)
    M = rng.uniform(0.1, 20, n)
    p = source_parameters(height_m=H, diameter_m=D, velocity_m_s=w0, volume_m3_s=fm.volume_flow(D, w0),
                          delta_t_c=dT, rate_g_s=M, f_settle=F)
    return Terms(x=rng.uniform(-500, 500, n), y=rng.uniform(-500, 500, n), c_m=p["c_m"], x_m=p["x_m"],
                 u_m=p["u_m"], F=F, H=H)


# --------------------------------------------------------------------------- fair baseline
def _r(q):
    if q <= 1:
        return 0.67 * q + 1.67 * q * q - 1.34 * q * q * q
    return 3 * q / (2 * q * q - q + 2)


def _p(q):
    if q <= 0.25:
        return 3.0
    if q <= 1:
        return 8.43 * (1 - q) ** 5 + 1
    return 0.32 * q + 0.68


def _s1(t, gas, h):
    if t <= 0.0:
        return 0.0
    t2 = t * t
    if t <= 1.0:
        s = t2 * (3.0 * t2 - 8.0 * t + 6.0)
        if h < 10.0:
            s = 0.125 * (10.0 - h) + 0.125 * (h - 2.0) * s
        return s
    if t <= 8.0:
        return 1.13 / (0.13 * t2 + 1.0)
    if gas:
        return t / (3.58 * t2 - 35.2 * t + 120.0)
    return 1.0 / (0.1 * t2 + 2.47 * t - 17.8)


class FairBaseline:
    """The exact search of ``ExactField.max_at``, one node at a time in plain Python."""

    def __init__(self, terms: Terms, speeds, coarse_deg):
        self.sx = terms.x.tolist()
        self.sy = terms.y.tolist()
        self.gas = (terms.F <= 1.5).tolist()
        self.h = terms.H.tolist()
        self.T = len(self.sx)
        self.speeds = []
        for u in speeds:                         # per-speed constants, hoisted out of the node loop
            c_mu = [_r(u / um) * cm for um, cm in zip(terms.u_m.tolist(), terms.c_m.tolist())]
            inv = [1.0 / (_p(u / um) * xm) for um, xm in zip(terms.u_m.tolist(), terms.x_m.tolist())]
            self.speeds.append((float(u), min(float(u), 5.0), c_mu, inv))
        self.coarse = [(-math.sin(math.radians(a)), -math.cos(math.radians(a))) for a in coarse_deg]
        self.k_max = fld.MAX_SOURCE_CANDIDATES

    def conc(self, dxs, dys, r2s, ex, ey, si):
        u, u_eff, c_mu, inv = self.speeds[si]
        gas, hh = self.gas, self.h
        total = 0.0
        for i in range(self.T):
            x = dxs[i] * ex + dys[i] * ey
            if x <= 0.0:
                continue
            ty = (r2s[i] / (x * x) - 1.0) * u_eff
            poly = 1.0 + ty * (5.0 + ty * (12.8 + ty * (17.0 + 45.1 * ty)))
            total += c_mu[i] * _s1(x * inv[i], gas[i], hh[i]) / (poly * poly)
        return total

    def point_max(self, px, py, conc=None):
        conc = conc or self.conc
        T = self.T
        dxs = [px - self.sx[i] for i in range(T)]
        dys = [py - self.sy[i] for i in range(T)]
        r2s = [dxs[i] * dxs[i] + dys[i] * dys[i] for i in range(T)]
        rs = [math.sqrt(v) for v in r2s]
        dirs = [(dxs[i] / rs[i], dys[i] / rs[i]) if rs[i] > 0 else (0.0, -1.0) for i in range(T)]
        ns = len(self.speeds)
        best, bdir, bs = 0.0, (0.0, -1.0), 0
        screen, ubs, axials = [0.0] * ns, [0.0] * ns, []
        for si in range(ns):                                    # stage 1
            _, _, c_mu, inv = self.speeds[si]
            ax = [c_mu[i] * _s1(rs[i] * inv[i], self.gas[i], self.h[i]) for i in range(T)]
            axials.append(ax)
            ubs[si] = sum(ax) * fld.UB_SAFETY
            top = sorted(range(T), key=lambda i: -ax[i])[:fld.SCREEN_SOURCES]
            sb, sd = -1.0, None
            for i in top:
                v = conc(dxs, dys, r2s, dirs[i][0], dirs[i][1], si)
                if v > sb:
                    sb, sd = v, dirs[i]
            screen[si] = sb
            if sb > best:
                best, bdir, bs = sb, sd, si
        order = sorted(range(ns), key=lambda s: -screen[s])
        chosen = set(order[:fld.SECOND_STAGE_SPEEDS]) | {s for s in range(ns)
                                                         if screen[s] >= best * fld.SECOND_STAGE_FRACTION}
        sval, sdir = list(screen), [None] * ns
        for si in range(ns):                                    # stage 2
            if si not in chosen or not ubs[si] > best:
                continue
            ax = axials[si]
            top = sorted(range(T), key=lambda i: -ax[i])[:self.k_max]
            sb, sd = -1.0, None
            for ex, ey in self.coarse + [dirs[i] for i in top]:
                v = conc(dxs, dys, r2s, ex, ey, si)
                if v > sb:
                    sb, sd = v, (ex, ey)
            sval[si], sdir[si] = sb, sd
            if sb > best:
                best, bdir, bs = sb, sd, si
        theta = math.atan2(-bdir[0], -bdir[1])
        order = sorted(range(ns), key=lambda s: -sval[s])[:fld.REFINED_SPEEDS]
        step0 = math.radians(180.0 / max(1, len(self.coarse)))
        for si in order:                                        # refinement
            if not (sval[si] > 0 and ubs[si] > best):
                continue
            if si == bs:
                th, bv = theta, best
            else:
                d = sdir[si] or (0.0, -1.0)
                th, bv = math.atan2(-d[0], -d[1]), sval[si]
            h = step0
            while h >= math.radians(fld.REFINE_MIN_DEG):
                for sgn in (-1.0, 1.0):
                    tt = th + sgn * h
                    v = conc(dxs, dys, r2s, -math.sin(tt), -math.cos(tt), si)
                    if v > bv:
                        bv, th = v, tt
                h /= 2.0
            if bv > best:
                best, theta, bs = bv, th, si
        return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="bench_dispersion")
    ap.add_argument("--sources", type=int, default=100)
    ap.add_argument("--grid", type=int, default=200, help="nodes per side")
    ap.add_argument("--u-star", type=float, default=8.0)
    ap.add_argument("--baseline-nodes", type=int, default=40,
                    help="grid nodes timed with the pure-Python baselines (then extrapolated)")
    ap.add_argument("--memory-sources", type=int, default=2000)
    ap.add_argument("--memory-grid", type=int, default=24)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    if args.quick:
        args.sources, args.grid, args.baseline_nodes, args.memory_sources, args.memory_grid = 20, 40, 10, 300, 10

    terms = make_sources(args.sources)
    speeds = speed_set(terms.u_m, terms.c_m, weighted_dangerous_speed(terms.c_m, terms.u_m), args.u_star)
    coarse = direction_angles(fld.EXACT_COARSE[36])
    half = 3000.0
    xs = np.linspace(-half, half, args.grid)
    gx, gy = np.meshgrid(xs, xs)
    n_nodes = gx.size

    t0 = time.perf_counter()
    _kernel.warm_up()                      # one-off compilation of the inner loop, reported apart
    t_compile = time.perf_counter() - t0
    t0 = time.process_time()
    w0 = time.perf_counter()
    c_vec, _, _ = max_field_exact(gx, gy, terms, coarse, speeds)
    t_vec = time.process_time() - t0
    wall = time.perf_counter() - w0

    rng = np.random.default_rng(1)
    idx = rng.choice(n_nodes, size=min(args.baseline_nodes, n_nodes), replace=False)
    pts = list(zip(gx.ravel()[idx].tolist(), gy.ravel()[idx].tolist()))
    fair = FairBaseline(terms, speeds, coarse)
    t0 = time.process_time()
    c_fair = np.array([fair.point_max(x, y) for x, y in pts])
    t_fair_sub = time.process_time() - t0

    orc = _oracle()
    tl = [dict(x=float(terms.x[i]), y=float(terms.y[i]), c_m=float(terms.c_m[i]), x_m=float(terms.x_m[i]),
               u_m=float(terms.u_m[i]), F=float(terms.F[i]), H=float(terms.H[i])) for i in range(len(terms))]
    naive_pts = pts[:max(1, len(pts) // 4)]

    def naive_conc(px, py):
        def conc(dxs, dys, r2s, ex, ey, si):
            return orc.point_concentration(px, py, tl, math.degrees(math.atan2(-ex, -ey)), fair.speeds[si][0])
        return conc

    t0 = time.process_time()
    c_naive = np.array([fair.point_max(x, y, naive_conc(x, y)) for x, y in naive_pts])
    t_naive_sub = time.process_time() - t0

    t_fair = t_fair_sub * n_nodes / len(pts)
    t_naive = t_naive_sub * n_nodes / len(naive_pts)
    cmax = max(float(c_vec.max()), 1e-300)
    d_fair = float(np.max(np.abs(c_fair - c_vec.ravel()[idx]))) / cmax
    d_naive = float(np.max(np.abs(c_naive - c_vec.ravel()[idx[:len(naive_pts)]]))) / cmax

    tracemalloc.start()
    max_field_exact(gx[::4, ::4].copy(), gy[::4, ::4].copy(), terms, coarse, speeds)
    peak_small = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    big = make_sources(args.memory_sources, seed=4)
    big_speeds = speed_set(big.u_m, big.c_m, weighted_dangerous_speed(big.c_m, big.u_m), args.u_star)
    mx = np.linspace(-half, half, args.memory_grid)
    mgx, mgy = np.meshgrid(mx, mx)
    tracemalloc.start()
    t0 = time.process_time()
    max_field_exact(mgx, mgy, big, coarse, big_speeds)
    t_big = time.process_time() - t0
    peak_big = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    print("OND-86 ground-level field: full wind-speed scan and exact worst direction at every node")
    print(f"  problem: {args.sources} sources × {args.grid}×{args.grid} nodes, {len(speeds)} wind speeds "
          f"(0.5 … {max(speeds):.2f} m/s), coarse {len(coarse)} directions + every source's direction "
          f"(≤ {fld.MAX_SOURCE_CANDIDATES}) + refinement to {fld.REFINE_MIN_DEG}°")
    print(f"  vectorised + compiled loop (max_field_exact): {t_vec:10.2f} s CPU (wall {wall:.2f} s; "
          f"one-off numba compilation before it {t_compile:.1f} s)")
    print(f"  fair baseline, plain Python:        {t_fair:10.2f} s CPU (EXTRAPOLATED from {len(pts)} random nodes "
          f"timed at {t_fair_sub:.2f} s)")
    print(f"  naive baseline (test oracle):       {t_naive:10.2f} s CPU (EXTRAPOLATED from {len(naive_pts)} nodes "
          f"timed at {t_naive_sub:.2f} s)")
    print(f"  ratio fair / vectorised:            {t_fair / t_vec:10.1f} ×")
    print(f"  ratio naive / vectorised:           {t_naive / t_vec:10.1f} ×  (naive / fair = "
          f"{t_naive / t_fair:.1f} ×)")
    print(f"  max |difference| at the timed nodes: fair {d_fair:.1e}, naive {d_naive:.1e} of the field maximum")
    print(f"  peak traced memory, {args.sources} sources ({gx[::4, ::4].shape[0]}² nodes): "
          f"{peak_small / 2**20:8.1f} MiB")
    print(f"  peak traced memory, {args.memory_sources} sources ({args.memory_grid}² nodes): "
          f"{peak_big / 2**20:8.1f} MiB (budget of the per-chunk arrays {fld.MEMORY_BUDGET_BYTES / 2**20:.0f} MiB; "
          f"{t_big:.1f} s CPU, {len(big_speeds)} speeds)")
    print(f"  field maximum: {c_vec.max():.4g} mg/m³ (sum of C_m = {terms.c_m.sum():.4g})")
    ok = d_fair < 1e-6 and d_naive < 1e-6 and peak_big < 300 * 2**20
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
