"""The whole OND-86 calculation for a plant: per-source parameters, fields, contours.

:func:`calculate` takes the input dict (``docs/dispersion/sources.schema.json``) or a
parsed :class:`DispersionInput` and returns a JSON-serialisable dict (see the
schema's description and :mod:`ecologis.cli.cmd_dispersion`).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable

import numpy as np

from ecologis.core.dispersion import formulas as fm
from ecologis.core.dispersion.contours import isolines_geojson, zone_geojson
from ecologis.core.dispersion.field import (EXACT_COARSE, BatchField, ExactField, Terms, batchable, direction_angles,
                                            max_field, max_field_exact, weighted_dangerous_speed)
from ecologis.core.dispersion.groups import automatic_groups
from ecologis.core.dispersion.inputs import (DispersionInput, DispersionInputError,
                                             canonical_key, parse_input)
from ecologis.core.dispersion.params import source_parameters
from ecologis.core.geometry import LocalFrame
from ecologis.model.problems import WARNING, Problem

MAX_GRID_NODES = 2_000_000
DEFAULT_NODES_PER_SIDE = 200


def _nice_step(raw: float) -> float:
    """Round a grid step up to 1, 2, 2.5 or 5 × 10^k metres."""
    k = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= m * k * (1 + 1e-9):
            return m * k
    return 10.0 * k


def source_table(inp: DispersionInput) -> tuple[list[dict], dict]:
    """Per source × emission OND-86 parameters.  Returns (rows, arrays)."""
    rows, idx = [], []
    for s in inp.sources:
        for e in s.emissions:
            idx.append((s, e))
    if not idx:
        return [], {}
    par = source_parameters(
        height_m=[s.height_m for s, _ in idx], diameter_m=[s.diameter_m for s, _ in idx],
        velocity_m_s=[s.velocity_m_s for s, _ in idx], volume_m3_s=[s.volume_m3_s for s, _ in idx],
        delta_t_c=[s.delta_t_c for s, _ in idx], rate_g_s=[e.rate_g_s for _, e in idx],
        f_settle=[e.F for _, e in idx], a=inp.A, eta=inp.eta, force_cold=[s.cold for s, _ in idx])
    for i, (s, e) in enumerate(idx):
        unv = list(par["unverified"][i])
        if e.F_from_cleaning:
            unv.append("ond86.2.5.F_by_cleaning")
        gdk = inp.gdk.get(e.substance)
        c_m = float(par["c_m"][i])
        rows.append({
            "id": s.id, "substance": e.substance, "substance_name": inp.names.get(e.substance, e.substance),
            "rate_g_s": e.rate_g_s, "F": e.F, "regime": par["regime"][i],
            "height_m": s.height_m, "diameter_m": s.diameter_m,
            "w0_m_s": float(s.velocity_m_s), "V1_m3_s": float(par["V1"][i]),
            "delta_t_c": float(par["delta_t"][i]),
            "f": _fin(par["f"][i]), "v_m_m_s": float(par["v_m"][i]),
            "v_m_prime_m_s": float(par["v_m_prime"][i]), "f_e": float(par["f_e"][i]),
            # m is not used by the cold formulas; with ΔT ≤ 0 (f = ∞) it is not defined.
            "m": _fin(par["m"][i]) if math.isfinite(par["f"][i]) else None, "n": float(par["n"][i]), "d": float(par["d"][i]),
            "c_m_mg_m3": c_m, "c_m_share_gdk": (c_m / gdk) if gdk else None,
            "x_m_m": float(par["x_m"][i]), "u_m_m_s": float(par["u_m"][i]),
            "unverified": sorted(unv),
        })
    return rows, par


def _fin(v) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None


def targets_of(inp: DispersionInput, lookup=None, warnings: list | None = None,
               shipped_groups: tuple = ()) -> list[dict]:
    """Single substances, then summation groups (the user's, then the shipped ones the plant
    emits two or more members of): {id, kind, substances, weights, gdk, kkd, automatic}."""
    subs = []
    for s in inp.sources:
        for e in s.emissions:
            if e.substance not in subs:
                subs.append(e.substance)
    out = [{"id": s, "kind": "substance", "substances": [s], "weights": {s: 1.0}, "gdk": inp.gdk.get(s),
            "kkd": 1.0, "automatic": False} for s in subs]
    groups = [dict(g, automatic=False) for g in inp.groups]
    if inp.default_summation_groups:
        auto, skipped = automatic_groups(subs, inp.gdk, inp.groups, set(inp.disabled_summation_groups),
                                         canon=lambda k: canonical_key(k, lookup), shipped=shipped_groups)
        groups += auto
        for gid, sub in skipped:
            if warnings is not None:
                warnings.append(Problem("disp.warn.group_no_gdk", {"group": gid, "substance": sub}, severity=WARNING))
    for g in groups:
        first = g["substances"][0]
        g1 = inp.gdk[first]
        out.append({"id": g["id"], "kind": "group", "substances": list(g["substances"]),
                    "weights": {k: g1 / inp.gdk[k] for k in g["substances"]}, "gdk": g1,
                    "kkd": float(g.get("kkd", 1.0)), "automatic": bool(g.get("automatic")),
                    "source": g.get("source"), "equivalent_groups": g.get("equivalent_groups", []), "name_uk": g.get("name_uk"), "name_en": g.get("name_en")})
    return out


# --------------------------------------------------------------------------- wind speeds
SPEED_MIN = 0.5            # OND-86: the scan starts at 0.5 m/s
SPEED_RATIO = 1.25         # consecutive scanned speeds differ by at most 25 %
MAX_SOURCE_SPEEDS = 32     # beyond this many distinct u_m,i they are binned


def speed_set(u_m, c_m, u_mc: float, u_star: float | None) -> list[float]:
    """Wind speeds scanned by default: 0.5 m/s, every source's u_m,i, u_mс, u* and a grid
    between them (ratio of neighbours ≤ SPEED_RATIO).  OND-86 scans 0.5 m/s … u* including
    each u_m,i (reference §A.13, [M]); the grid between them is this tool's choice.  Without
    u*, the scan ends at the largest dangerous speed.  With more than MAX_SOURCE_SPEEDS
    distinct u_m,i, they are binned (MAX_SOURCE_SPEEDS bins of equal width in log u) and
    the u_m of the largest c_m of a bin is kept."""
    u_m = np.asarray(u_m, float)
    c_m = np.asarray(c_m, float)
    src = sorted(set(round(float(u), 9) for u in u_m))
    if len(src) > MAX_SOURCE_SPEEDS:
        # Bins of equal width in log(u), as many as MAX_SOURCE_SPEEDS over the range of u_m,i
        # (about 3 % wide for 0.5 … 8 m/s); the u_m of the largest c_m of each bin is kept.
        lo, hi = math.log(float(u_m.min())), math.log(float(u_m.max()))
        width = max((hi - lo) / MAX_SOURCE_SPEEDS, 1e-12)
        bins: dict[int, tuple[float, float]] = {}
        for u, c in zip(u_m, c_m):
            b = min(MAX_SOURCE_SPEEDS - 1, int((math.log(u) - lo) / width))
            if b not in bins or c > bins[b][1]:
                bins[b] = (float(u), float(c))
        src = sorted(v[0] for v in bins.values())
    top = max([u_star or 0.0, u_mc, SPEED_MIN] + src)
    anchors = sorted(set([SPEED_MIN, round(u_mc, 9), round(top, 9)] + src))
    out = []
    for a, b in zip(anchors[:-1], anchors[1:]):
        out.append(a)
        k = int(math.ceil(math.log(b / a) / math.log(SPEED_RATIO) - 1e-9)) if b > a else 1
        out += [a * (b / a) ** (j / k) for j in range(1, k)]
    out.append(anchors[-1])
    return sorted(set(round(u, 9) for u in out))


# --------------------------------------------------------------------------- default extent
EXTENT_LEVEL = 0.05        # the grid covers the whole area where c ≥ 0.05 ГДК
MAX_HALF_EXTENT_M = 50_000.0
MIN_HALF_EXTENT_M = 500.0


def _s1_bound(t, F):
    """max of s1 over t' ≥ t: 1 up to t = 1, then s1 itself (non-increasing beyond 1)."""
    s = fm.s1_coefficient(np.maximum(t, 1.0), F)
    return np.where(t <= 1.0, 1.0, s)


def extent_radius(dist_from_centre, c_m, x_m, u_m, F, speeds, threshold) -> float:
    """Smallest R (m, from the grid centre) beyond which the plant's concentration is below
    ``threshold`` for any wind: the bound Σ_i max_u c_mu,i·s1(max(R − ρ_i, 0)/x_mu,i), with s1
    replaced by 1 inside x_mu (so non-increasing in R), is below it.  Bisection-free: evaluated
    on a fine geometric set of radii."""
    rho = np.asarray(dist_from_centre, float)[:, None]
    radii = np.concatenate([[0.0], np.geomspace(10.0, MAX_HALF_EXTENT_M, 400)])
    tot = np.zeros(radii.size)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for i in range(rho.size):
            best = np.zeros(radii.size)
            for u in speeds:
                q = u / u_m[i]
                c_mu = float(fm.r_coefficient(q)) * c_m[i]
                x_mu = float(fm.p_coefficient(q)) * x_m[i]
                d = np.maximum(radii - rho[i, 0], 0.0)
                best = np.maximum(best, c_mu * _s1_bound(d / x_mu, F[i]))
            tot += best
    ok = np.flatnonzero(tot < threshold)
    if ok.size == 0:
        return MAX_HALF_EXTENT_M
    # tot is non-increasing: the first radius under the threshold and every larger one qualify.
    return float(radii[ok[0]])


# --------------------------------------------------------------------------- maximum search
def _ring_points(terms: Terms, limit: int = 250) -> tuple[np.ndarray, np.ndarray]:
    """Points at x_m,i from every term's source (8 directions; 1 beyond ``limit`` terms): at
    u = u_m,i in the direction from the source, that term alone gives c_m,i there."""
    n = len(terms)
    k = 8 if n <= limit else 1
    ang = np.arange(k) * (2 * math.pi / k) + 0.1
    xs = (terms.x[:, None] + terms.x_m[:, None] * np.sin(ang)[None, :]).ravel()
    ys = (terms.y[:, None] + terms.x_m[:, None] * np.cos(ang)[None, :]).ravel()
    return xs, ys


#: Rings a pattern search of a small plant evaluates in one call: its ring at h and, ahead,
#: the rings at h/2, h/4 … it looks at next if the larger finds nothing better (see
#: :func:`refine_maxima`).  A small plant's call costs mostly its fixed work, so rings ahead
#: are nearly free; a large plant's point costs milliseconds, so its search looks one ring
#: at a time.
LOOKAHEAD_RINGS = 6


def refine_maximum(evaluate, x0: float, y0: float, v0: float, h0: float, h_min: float = 0.25,
                   max_iter: int = 200):
    """Pattern search of the field maximum from (x0, y0): the 8 neighbours at step h, move to
    the best if it is higher, else halve h, down to ``h_min`` metres.  ``evaluate(xs, ys)``
    returns (values, directions, speeds).  Returns (x, y, value, direction, speed)
    (:func:`refine_maxima` of one search)."""
    return refine_maxima(lambda xs, ys, which: evaluate(xs, ys), [(x0, y0, v0)], h0, h_min, max_iter,
                         lookahead=1)[0]


def refine_maxima(evaluate_many, starts, h0: float, h_min: float = 0.25, max_iter: int = 200,
                  lookahead: int = 1):
    """:func:`refine_maximum` of several targets at once, step by step in lockstep (each target's
    search is exactly its own; only the evaluation of the neighbours is shared).
    ``starts``: [(x0, y0, v0)]; ``evaluate_many(xs, ys, which)`` gives (values, directions,
    speeds) at points xs, ys of targets ``which`` (a point's value must not depend on the
    other points of the call).  Returns [(x, y, value, direction, speed)].

    Each call evaluates, per search, its ring at h and the ``lookahead`` − 1 smaller rings
    around the same point that it would look at next if none of them is higher (a halving
    does not move the point): the steps taken, and so the result, are those of one ring per
    call, in fewer calls."""
    ang = np.arange(8) * (math.pi / 4)
    sin, cos = np.sin(ang), np.cos(ang)
    st = [[float(x), float(y), float(v), None, None, h0, 0] for x, y, v in starts]
    while True:
        plan = []
        for k, s in enumerate(st):
            hs, h, it = [], s[5], s[6]
            while len(hs) < max(1, lookahead) and h >= h_min and it < max_iter:
                hs.append(h)
                h /= 2.0
                it += 1
            if hs:
                plan.append((k, hs))
        if not plan:
            break
        xs = np.concatenate([st[k][0] + h * sin for k, hs in plan for h in hs])
        ys = np.concatenate([st[k][1] + h * cos for k, hs in plan for h in hs])
        which = np.concatenate([np.full(8 * len(hs), k, dtype=np.int64) for k, hs in plan])
        vals, dirs, spd = evaluate_many(xs, ys, which)
        j = 0
        for k, hs in plan:
            s = st[k]
            for level in range(len(hs)):
                sl = slice(j + 8 * level, j + 8 * level + 8)
                s[6] += 1
                v8 = vals[sl]
                i = int(np.argmax(v8))
                if v8[i] > s[2] * (1 + 1e-12):
                    s[0], s[1], s[2] = float(xs[sl][i]), float(ys[sl][i]), float(v8[i])
                    s[3], s[4] = float(dirs[sl][i]), float(spd[sl][i])
                    break                   # moved: the smaller rings around the old point are not used
                s[5] /= 2.0
            j += 8 * len(hs)
    return [tuple(s[:5]) for s in st]


def _target_terms(tg, rows, par, pos) -> tuple[list[int], np.ndarray, Terms]:
    sel = [i for i, r in enumerate(rows) if r["substance"] in tg["weights"]]
    w = np.array([tg["weights"][rows[i]["substance"]] for i in sel])
    terms = Terms(
        x=np.array([pos[rows[i]["id"]][0] for i in sel]), y=np.array([pos[rows[i]["id"]][1] for i in sel]),
        c_m=par["c_m"][sel] * w if sel else np.zeros(0), x_m=par["x_m"][sel] if sel else np.zeros(0),
        u_m=par["u_m"][sel] if sel else np.zeros(0),
        F=np.array([rows[i]["F"] for i in sel]), H=np.array([rows[i]["height_m"] for i in sel]))
    return sel, w, terms


def _speeds_for(inp: DispersionInput, terms: Terms) -> list[float]:
    u_mc = weighted_dangerous_speed(terms.c_m, terms.u_m)
    if inp.wind_speeds:
        speeds = list(inp.wind_speeds)
    elif inp.speed_scan == "full":
        speeds = speed_set(terms.u_m, terms.c_m, u_mc, inp.u_star_m_s)
    else:
        speeds = [u_mc]
    if inp.include_source_dangerous_speeds:
        speeds += [float(u) for u in terms.u_m]
    return sorted(set(round(u, 9) for u in speeds))


class _Evaluator:
    """The field of one target's terms: grid nodes or points, plant maximum, contributions."""

    def __init__(self, inp: DispersionInput, terms: Terms, speeds, dirs, max_chunk_elems: int):
        self.inp, self.terms, self.speeds, self.dirs = inp, terms, speeds, dirs
        self.exact = inp.direction_search == "exact"
        self.block = max_chunk_elems
        self.engine = ExactField(terms, speeds)
        self.coarse = direction_angles(EXACT_COARSE.get(len(dirs), len(dirs))) if self.exact else dirs
        # Results computed together with other targets (see _batched): grid field, plant maximum, receptors.
        self.pre_field = self.pre_max = self.pre_receptors = None

    def field(self, px, py, progress=None, cancel=None):
        if self.exact:
            return max_field_exact(px, py, self.terms, self.coarse, self.speeds, progress=progress, cancel=cancel,
                                   engine=self.engine, block=min(self.block, 4096))
        return max_field(px, py, self.terms, self.dirs, self.speeds, progress=progress, cancel=cancel,
                         max_chunk_elems=self.block)

    def points(self, xs, ys):
        return self.field(np.asarray(xs, float), np.asarray(ys, float))

    def grid_best(self, xs, ys, cmax, cdir, cu):
        k = int(np.argmax(cmax))
        iy, ix = np.unravel_index(k, cmax.shape)
        return float(xs[ix]), float(ys[iy]), float(cmax[iy, ix]), float(cdir[iy, ix]), float(cu[iy, ix])

    def plant_maximum(self, xs, ys, cmax, cdir, cu, step):
        """The plant maximum: the best of the grid and of points at x_m,i from each source,
        then refined by a pattern search (exact mode).  (x, y, value, direction, speed)."""
        best = self.grid_best(xs, ys, cmax, cdir, cu)
        if not self.exact or len(self.terms) == 0:
            return best
        rx, ry = _ring_points(self.terms)
        rv, rd, ru = self.points(rx, ry)
        j = int(np.argmax(rv))
        if rv[j] > best[2]:
            best = (float(rx[j]), float(ry[j]), float(rv[j]), float(rd[j]), float(ru[j]))
        x, y, v, d, u = refine_maximum(self.points, best[0], best[1], best[2], step / 2.0)
        if d is None:
            return best
        return x, y, v, d, u

    def contributions(self, x, y, wind_from_deg, u):
        """Per-term concentrations (reduced units of the target) at a point for one wind."""
        return self.engine.contributions(x, y, wind_from_deg, u)


#: Targets are searched together (:class:`BatchField`) when their union has at most this many terms.
BATCH_MAX_TERMS = 32
#: At most this many grid nodes × batched targets: the batched targets' fields are kept until the
#: per-target loop uses them (24 bytes per node and target; the rest go target by target).
BATCH_MAX_NODES = 1_000_000


def _batched(evaluators, gx, gy, xs, ys, step, rec_x, rec_y, with_receptors: bool, progress=None, cancel=None):
    """Compute together, for the exact-direction targets that share their source positions and
    number of speeds (every substance of one stack, the summation groups of one stack…), what
    the per-target loop needs: the grid field, the plant maximum and the receptor values,
    stored in each evaluator's ``pre_*``.  The numbers are those of each target alone (see
    :class:`BatchField`); a plant of many sources is left to the per-target search."""
    groups: list[list[_Evaluator]] = []
    room = BATCH_MAX_NODES
    for ev in evaluators:
        if not ev.exact or len(ev.terms) == 0 or ev.engine.T > BATCH_MAX_TERMS or gx.size > room:
            continue
        room -= gx.size
        for g in groups:
            # Same number of terms at each position too: no slot is computed for a target
            # without a term there (a summation group is not batched with single substances).
            if batchable(g[0].engine, ev.engine) and np.array_equal(g[0].engine.starts, ev.engine.starts) \
                    and g[0].engine.T == ev.engine.T:
                g.append(ev)
                break
        else:
            groups.append([ev])
    total = sum(len(g) for g in groups)
    done = 0
    for g in groups:
        try:
            bf = BatchField([ev.engine for ev in g])
        except ValueError:
            continue
        if bf.T > BATCH_MAX_TERMS:
            continue
        K, n = len(g), gx.size
        coarse = g[0].coarse
        block = min(g[0].block, 4096)

        def prog(fr, _d=done, _k=K):
            if progress is not None:
                progress((_d + _k * fr) / max(1, total))

        c, d, u = bf.max_at_targets(np.tile(gx.ravel(), K), np.tile(gy.ravel(), K), np.repeat(np.arange(K), n),
                                    coarse, block=block, cancel=cancel, progress=prog)
        for k, ev in enumerate(g):
            sl = slice(k * n, (k + 1) * n)
            ev.pre_field = (c[sl].reshape(gx.shape), d[sl].reshape(gx.shape), u[sl].reshape(gx.shape))

        def many(px, py, which, _bf=bf, _coarse=coarse, _block=block):
            return _bf.max_at_targets(px, py, which, _coarse, block=_block, cancel=cancel)

        # The plant maximum (as _Evaluator.plant_maximum): the grid's best, the ring points, then
        # the pattern searches of all the targets in lockstep.
        best = [ev.grid_best(xs, ys, *ev.pre_field) for ev in g]
        rings = [_ring_points(ev.terms) for ev in g]
        rv, rd, ru = many(np.concatenate([r[0] for r in rings]), np.concatenate([r[1] for r in rings]),
                          np.repeat(np.arange(K), [r[0].size for r in rings]))
        a = 0
        for k, (rx, ry) in enumerate(rings):
            b = a + rx.size
            j = int(np.argmax(rv[a:b]))
            if rv[a + j] > best[k][2]:
                best[k] = (float(rx[j]), float(ry[j]), float(rv[a + j]), float(rd[a + j]), float(ru[a + j]))
            a = b
        found = refine_maxima(many, [(b[0], b[1], b[2]) for b in best], step / 2.0, lookahead=LOOKAHEAD_RINGS)
        for ev, b, f in zip(g, best, found):
            ev.pre_max = b if f[3] is None else f
        if with_receptors and rec_x is not None:
            m = rec_x.size
            rc, rd2, ru2 = many(np.tile(rec_x, K), np.tile(rec_y, K), np.repeat(np.arange(K), m))
            for k, ev in enumerate(g):
                sl = slice(k * m, (k + 1) * m)
                ev.pre_receptors = (rc[sl], rd2[sl], ru2[sl])
        done += K


def contributions_list(vals, sel, w, rows) -> list[dict]:
    """[{source, substance, value_mg_m3, reduced_mg_m3, share}] sorted by value, largest first.

    ``value_mg_m3`` is the substance's own concentration; ``reduced_mg_m3`` its part of the
    target's (reduced, for a group) value; ``share`` the fraction of the target's total."""
    total = float(np.sum(vals))
    out = []
    for j, i in enumerate(sel):
        v = float(vals[j])
        out.append({"source": rows[i]["id"], "substance": rows[i]["substance"], "value_mg_m3": v / float(w[j]),
                    "reduced_mg_m3": v, "share": v / total if total > 0 else 0.0})
    out.sort(key=lambda c: -c["reduced_mg_m3"])
    return out


def calculate(data, *, substance: str | None = None, grid_step_m: float | None = None,
              directions: int | None = None, all_targets: bool = True,
              progress: Callable[[float], None] | None = None,
              cancel: Callable[[], bool] | None = None, lookup=None, shipped_groups: tuple = (),
              lang: str | None = None, max_chunk_elems: int = 16384, field_only: bool = False,
              permissible: bool | None = None) -> dict:
    """Run the OND-86 calculation.  Raises DispersionInputError on invalid input.

    ``field_only``: compute the fields and their maxima but no isolines, СЗЗ contour,
    receptor values or ГДВ (``None`` / ``[]`` in the result) — for callers
    that only need ``field_max``, such as the Order 286 §4 background.  ``permissible``
    (default: not ``field_only``) computes the ГДВ table ``gdv``.

    Reference data arrive as arguments: ``lookup(name)`` resolves substances (the
    dictionary; ``None``: none) and ``shipped_groups`` are the shipped summation groups
    (:func:`ecologis.io.reference_data.dispersion_references` gives both)."""
    inp = (dataclasses.replace(data) if isinstance(data, DispersionInput)
           else parse_input(data, lookup=lookup, lang=lang))
    if permissible is None:
        permissible = not field_only
    if directions is not None:
        if directions not in (8, 36, 360):
            raise DispersionInputError([Problem("disp.err.directions", {"value": directions})])
        inp.directions = directions
    if grid_step_m is not None:
        if not (grid_step_m > 0):
            raise DispersionInputError([Problem("disp.err.top_field",
                                                     {"field": "grid", "value": grid_step_m})])
        inp.grid_step_m = float(grid_step_m)
    rows, par = source_table(inp)
    warnings = list(inp.warnings)

    # Site-centred projection and local coordinates of sources.
    lat0 = float(np.mean([s.lat for s in inp.sources]))
    lon0 = float(np.mean([s.lon for s in inp.sources]))
    proj = LocalFrame(lat0, lon0)          # azimuthal equidistant, WGS84; (lon, lat) argument order
    sx, sy = proj.to_local_xy([s.lon for s in inp.sources], [s.lat for s in inp.sources])
    sx, sy = np.atleast_1d(sx), np.atleast_1d(sy)
    pos = {s.id: (sx[i], sy[i]) for i, s in enumerate(inp.sources)}

    targets = targets_of(inp, lookup, warnings, shipped_groups)
    if substance is not None:
        wanted = canonical_key(substance, lookup)
        targets = [t for t in targets if t["id"] == wanted or t["id"] == substance]
        if not targets:
            raise DispersionInputError([Problem("disp.err.unknown_substance", {"substance": substance})])
    elif not all_targets:
        targets = targets[:1]
    prepared = []
    for tg in targets:
        sel, w, terms = _target_terms(tg, rows, par, pos)
        if sel:                     # a summation group none of whose substances is emitted is skipped
            prepared.append((tg, sel, w, terms, _speeds_for(inp, terms)))

    # Grid.
    if inp.grid_center is not None:
        glat, glon = inp.grid_center
        cx, cy = (float(v) for v in proj.to_local_xy(glon, glat))
    else:
        cx, cy = (sx.min() + sx.max()) / 2, (sy.min() + sy.max()) / 2
    spread = max(sx.max() - sx.min(), sy.max() - sy.min()) / 2
    hmax = max(s.height_m for s in inp.sources)
    if inp.grid_half_extent_m:
        half = inp.grid_half_extent_m
    else:
        half = _default_half_extent(prepared, cx, cy, spread, hmax)
    step = inp.grid_step_m or _nice_step(2 * half / DEFAULT_NODES_PER_SIDE)
    nside = int(math.ceil(half / step - 1e-9))
    if (2 * nside + 1) ** 2 > MAX_GRID_NODES:
        raise DispersionInputError([Problem("disp.err.grid_too_fine",
                                                 {"nodes": (2 * nside + 1) ** 2, "limit": MAX_GRID_NODES})])
    xs = cx + step * np.arange(-nside, nside + 1)
    ys = cy + step * np.arange(-nside, nside + 1)
    gx, gy = np.meshgrid(xs, ys)
    dirs = direction_angles(inp.directions)
    rec_x = rec_y = None
    if inp.receptors:
        rec_x, rec_y = proj.to_local_xy([r["lon"] for r in inp.receptors], [r["lat"] for r in inp.receptors])
        rec_x, rec_y = np.atleast_1d(rec_x), np.atleast_1d(rec_y)
    if (inp.speed_scan == "full" and not inp.wind_speeds and inp.u_star_m_s is None):
        warnings.append(Problem("disp.warn.no_u_star", {}, severity=WARNING))

    global_unv: set[str] = set()
    for r in rows:
        global_unv |= set(r["unverified"])
    results = []
    evaluators = [_Evaluator(inp, terms, speeds, dirs, max_chunk_elems) for _tg, _sel, _w, terms, speeds in prepared]
    n_targets = len(prepared)
    _batched(evaluators, gx, gy, xs, ys, step, rec_x, rec_y, not field_only,
             progress=None if progress is None else (lambda fr: progress(0.5 * fr)), cancel=cancel)
    p0 = 0.5 if any(ev.pre_field is not None for ev in evaluators) else 0.0
    for ti, (tg, sel, w, terms, speeds) in enumerate(prepared):
        unv: set[str] = set()
        for i in sel:
            unv |= set(rows[i]["unverified"])
        unv |= {"ond86.2.26.t_y", "ond86.2.27.s2"}
        if len({rows[i]["id"] for i in sel}) > 1:
            unv.add("ond86.s3.sum_sources")
        if tg["kind"] == "group":
            unv.add("ond86.summation_group")
        if np.any(terms.H < 10):
            unv.add("ond86.2.24.s1_low")
        if np.any(terms.F <= 1.5) and (nside * step) * math.sqrt(2) > 8 * float(terms.x_m.min()):
            unv.add("ond86.2.23c.s1")
        if len(np.unique(np.round(terms.u_m, 9))) > 1 and u_mc_used(inp):
            unv.add("ond86.s3.u_m_weighted")
        if any(abs(u / um - 1) > 1e-9 for u in speeds for um in terms.u_m):
            unv |= {"ond86.2.19.r", "ond86.2.21.p"}

        def prog(fr, _ti=ti):
            if progress is not None:
                progress(p0 + (1.0 - p0) * (_ti + fr) / n_targets)

        ev = evaluators[ti]
        if ev.pre_field is not None:
            cmax, cdir, cu = ev.pre_field
            prog(1.0)
        else:
            cmax, cdir, cu = ev.field(gx, gy, progress=prog, cancel=cancel)
        gdk = tg["gdk"]
        kkd = tg["kkd"]
        bg_share = None
        if tg["kind"] == "group":
            bg_share = sum(inp.background.get(k, 0.0) / inp.gdk[k] for k in tg["substances"])
            bg_mg = bg_share * gdk
        else:
            bg_mg = inp.background.get(tg["id"], 0.0)
            bg_share = bg_mg / gdk if gdk else None
        if bg_mg > 0:
            unv.add("ond86.s7.background")
        bg_entries = background_entries(inp, tg["substances"])
        mx, my, vmax, mdir, mu = ev.pre_max or ev.plant_maximum(xs, ys, cmax, cdir, cu, step)
        mlon, mlat = proj.to_lonlat(mx, my)
        fmax = {
            "value_mg_m3": vmax, "value_with_background_mg_m3": vmax + bg_mg,
            "share_gdk": vmax / gdk if gdk else None,
            "share_gdk_with_background": (vmax + bg_mg) / gdk if gdk else None,
            "lat": float(mlat), "lon": float(mlon),
            "east_m": float(mx - cx), "north_m": float(my - cy),   # from the grid centre
            "wind_from_deg": mdir, "wind_speed_m_s": mu,
            "contributions": contributions_list(ev.contributions(mx, my, mdir, mu), sel, w, rows),
        }
        iso = szz = None
        if field_only:
            pass
        elif gdk:
            share = (cmax + bg_mg) / gdk
            iso = isolines_geojson(xs, ys, share, inp.isoline_levels, proj, scale=gdk)
            for ft in iso["features"]:
                ft["properties"]["target"] = tg["id"]
                ft["properties"]["background_included"] = bg_mg > 0
            szz = zone_geojson(xs, ys, share, kkd, proj, {
                "kind": "calculated_szz", "target": tg["id"], "background_mg_m3": bg_mg,
                "gdk_mr_mg_m3": gdk, "kkd": kkd})
            if szz["properties"]["touches_grid_edge"]:
                warnings.append(Problem("disp.warn.szz_cut_by_grid", {"target": tg["id"]}, severity=WARNING))
        else:
            warnings.append(Problem("disp.warn.no_gdk", {"substance": tg["id"]}, severity=WARNING))
        recs = []
        if rec_x is not None and not field_only:
            rc, rd, ru = ev.pre_receptors if ev.pre_receptors is not None else ev.points(rec_x, rec_y)
            for i, r in enumerate(inp.receptors):
                v = float(rc[i])
                recs.append({"id": r["id"], "name": r.get("name"), "lat": r["lat"], "lon": r["lon"],
                             "value_mg_m3": v, "value_with_background_mg_m3": v + bg_mg,
                             "share_gdk_with_background": (v + bg_mg) / gdk if gdk else None,
                             "wind_from_deg": float(rd[i]), "wind_speed_m_s": float(ru[i]),
                             "contributions": contributions_list(
                                 ev.contributions(rec_x[i], rec_y[i], float(rd[i]), float(ru[i])), sel, w, rows)})
        global_unv |= unv
        results.append({
            "id": tg["id"], "kind": tg["kind"], "substances": tg["substances"],
            "name": (inp.names.get(tg["id"], tg["id"]) if tg["kind"] == "substance"
                     else tg.get("name_en" if lang == "en" else "name_uk") or tg["id"]),
            "gdk_mr_mg_m3": gdk, "kkd": kkd, "automatic": tg["automatic"], "group_source": tg.get("source"),
            "equivalent_groups": tg.get("equivalent_groups", []),
            "background_mg_m3": bg_mg, "background_share_gdk": bg_share, "background": bg_entries,
            "wind_speeds_m_s": speeds, "field_max": fmax, "szz_contour": szz, "isolines": iso,
            "receptors": recs, "unverified": sorted(unv),
        })
    gdv = []
    if permissible and not field_only:
        from ecologis.core.dispersion.permissible import permissible_emissions

        gdv = permissible_emissions(prepared, evaluators, results, rows, gx, gy, xs, ys, step, warnings)
        if gdv:
            global_unv.add("ond86.pdv_plant")
    if progress is not None:
        progress(1.0)

    main = _main_target(results)
    return {
        "A": inp.A, "eta": inp.eta, "ambient_temp_c": inp.ambient_temp_c, "directions": inp.directions,
        "direction_search": inp.direction_search, "speed_scan": inp.speed_scan, "u_star_m_s": inp.u_star_m_s,
        "sources": rows,
        "grid": {"step_m": step, "nx": int(xs.size), "ny": int(ys.size), "half_extent_m": nside * step,
                 "center_lat": float(proj.to_lonlat(cx, cy)[1]), "center_lon": float(proj.to_lonlat(cx, cy)[0]),
                 "projection": proj.proj_string},
        "targets": results,
        "selected_target": main["id"] if main else None,
        "field_max": main["field_max"] if main else None,
        "szz_contour": main["szz_contour"] if main else None,
        "isolines": main["isolines"] if main else None,
        "receptors": main["receptors"] if main else [],
        "contributions": main["field_max"]["contributions"] if main else [],
        "gdv": gdv,
        "background": main["background"] if main else [],
        "backgrounds_used": _backgrounds_used(results),
        "unverified": [{"id": k, "description": fm.UNVERIFIED[k]} for k in sorted(global_unv)],
        "warnings": [w.to_json(lang) for w in warnings],
    }


def u_mc_used(inp: DispersionInput) -> bool:
    return not inp.wind_speeds


def _default_half_extent(prepared, cx, cy, spread, hmax) -> float:
    """Half side of the default grid: every source, and the whole area where the plant's
    own concentration of any target can reach EXTENT_LEVEL·ГДК (see :func:`extent_radius`);
    without any ГДК the previous rule max(50·H_max, 2000 m) + spread."""
    radii = []
    for tg, sel, w, terms, speeds in prepared:
        if not tg["gdk"]:
            continue
        rho = np.hypot(terms.x - cx, terms.y - cy)
        radii.append(extent_radius(rho, terms.c_m, terms.x_m, terms.u_m, terms.F, speeds,
                                   EXTENT_LEVEL * tg["gdk"] * tg["kkd"]))
    if not radii:
        return max(50.0 * hmax, 2000.0) + spread
    return float(min(MAX_HALF_EXTENT_M, max(max(radii) * 1.05, spread + MIN_HALF_EXTENT_M)))


def background_entries(inp: DispersionInput, substances: list[str]) -> list[dict]:
    """The background added for each substance of a target, with its provenance: origin
    ("user", "stored" or "input"), method, date, valid_until, reconstructed and the list
    of reconstructed pieces (Order 286 results stored in the profile)."""
    out = []
    for s in substances:
        if s not in inp.background:
            continue
        pv = dict(inp.background_provenance.get(s) or {"origin": "input", "method": "input"})
        pv.setdefault("reconstructed", False)
        pv.setdefault("reconstructed_pieces", [])
        out.append({"substance": s, "name": inp.names.get(s, s), "value_mg_m3": inp.background[s],
                    "gdk_mr_mg_m3": inp.gdk.get(s), **pv})
    return out


def _backgrounds_used(results: list[dict]) -> list[dict]:
    seen, out = set(), []
    for r in results:
        for b in r["background"]:
            if b["substance"] not in seen:
                seen.add(b["substance"])
                out.append(b)
    return out


def _main_target(results: list[dict]) -> dict | None:
    """The target shown at top level: the one with the highest share of its criterion (ГДК, × Ккд for a
    group; background included)."""
    if not results:
        return None
    if len(results) == 1:
        return results[0]
    return max(results, key=lambda r: (r["field_max"]["share_gdk_with_background"] or -1.0) / r.get("kkd", 1.0))
