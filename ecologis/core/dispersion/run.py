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
from ecologis.core.dispersion.field import Terms, direction_angles, max_field, weighted_dangerous_speed
from ecologis.core.dispersion.inputs import (DispersionInput, DispersionInputError, InputProblem,
                                             canonical_key, lookup_substance, parse_input,
                                             resolve_lookup)
from ecologis.core.dispersion.params import source_parameters
from ecologis.core.geometry import LocalFrame

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


def targets_of(inp: DispersionInput) -> list[dict]:
    """Single substances, then summation groups: {id, kind, substances, weights, gdk}."""
    subs = []
    for s in inp.sources:
        for e in s.emissions:
            if e.substance not in subs:
                subs.append(e.substance)
    out = [{"id": s, "kind": "substance", "substances": [s], "weights": {s: 1.0}, "gdk": inp.gdk.get(s)}
           for s in subs]
    for g in inp.groups:
        first = g["substances"][0]
        g1 = inp.gdk[first]
        out.append({"id": g["id"], "kind": "group", "substances": list(g["substances"]),
                    "weights": {k: g1 / inp.gdk[k] for k in g["substances"]}, "gdk": g1})
    return out


def calculate(data, *, substance: str | None = None, grid_step_m: float | None = None,
              directions: int | None = None, all_targets: bool = True,
              progress: Callable[[float], None] | None = None,
              cancel: Callable[[], bool] | None = None, lookup=lookup_substance,
              lang: str | None = None, max_chunk_elems: int = 16384, field_only: bool = False) -> dict:
    """Run the OND-86 calculation.  Raises DispersionInputError on invalid input.

    ``field_only``: compute the fields and their maxima but no isolines, СЗЗ contour or
    receptor values (``None`` / ``[]`` in the result) — for callers that only need
    ``field_max``, such as the Order 286 §4 background."""
    lookup = resolve_lookup(lookup)
    inp = (dataclasses.replace(data) if isinstance(data, DispersionInput)
           else parse_input(data, lookup=lookup, lang=lang))
    if directions is not None:
        if directions not in (8, 36, 360):
            raise DispersionInputError([InputProblem("disp.err.directions", {"value": directions})])
        inp.directions = directions
    if grid_step_m is not None:
        if not (grid_step_m > 0):
            raise DispersionInputError([InputProblem("disp.err.top_field",
                                                     {"field": "grid", "value": grid_step_m})])
        inp.grid_step_m = float(grid_step_m)
    rows, par = source_table(inp)

    # Site-centred projection and local coordinates of sources.
    lat0 = float(np.mean([s.lat for s in inp.sources]))
    lon0 = float(np.mean([s.lon for s in inp.sources]))
    proj = LocalFrame(lat0, lon0)          # azimuthal equidistant, WGS84; (lon, lat) argument order
    sx, sy = proj.to_local_xy([s.lon for s in inp.sources], [s.lat for s in inp.sources])
    sx, sy = np.atleast_1d(sx), np.atleast_1d(sy)
    pos = {s.id: (sx[i], sy[i]) for i, s in enumerate(inp.sources)}

    # Grid.
    if inp.grid_center is not None:
        glat, glon = inp.grid_center
        cx, cy = (float(v) for v in proj.to_local_xy(glon, glat))
    else:
        cx, cy = (sx.min() + sx.max()) / 2, (sy.min() + sy.max()) / 2
    spread = max(sx.max() - sx.min(), sy.max() - sy.min()) / 2
    hmax = max(s.height_m for s in inp.sources)
    half = inp.grid_half_extent_m or (max(50.0 * hmax, 2000.0) + spread)
    step = inp.grid_step_m or _nice_step(2 * half / DEFAULT_NODES_PER_SIDE)
    nside = int(math.floor(half / step + 1e-9))
    if (2 * nside + 1) ** 2 > MAX_GRID_NODES:
        raise DispersionInputError([InputProblem("disp.err.grid_too_fine",
                                                 {"nodes": (2 * nside + 1) ** 2, "limit": MAX_GRID_NODES})])
    xs = cx + step * np.arange(-nside, nside + 1)
    ys = cy + step * np.arange(-nside, nside + 1)
    gx, gy = np.meshgrid(xs, ys)
    dirs = direction_angles(inp.directions)
    rec_x = rec_y = None
    if inp.receptors:
        rec_x, rec_y = proj.to_local_xy([r["lon"] for r in inp.receptors], [r["lat"] for r in inp.receptors])
        rec_x, rec_y = np.atleast_1d(rec_x), np.atleast_1d(rec_y)

    targets = targets_of(inp)
    if substance is not None:
        wanted = canonical_key(substance, lookup)
        targets = [t for t in targets if t["id"] == wanted or t["id"] == substance]
        if not targets:
            raise DispersionInputError([InputProblem("disp.err.unknown_substance", {"substance": substance})])
    elif not all_targets:
        targets = targets[:1]

    global_unv: set[str] = set()
    for r in rows:
        global_unv |= set(r["unverified"])
    warnings = list(inp.warnings)
    results = []
    n_targets = len(targets)
    for ti, tg in enumerate(targets):
        sel = [i for i, r in enumerate(rows) if r["substance"] in tg["weights"]]
        if not sel:          # a summation group none of whose substances is emitted
            continue
        w = np.array([tg["weights"][rows[i]["substance"]] for i in sel])
        terms = Terms(
            x=np.array([pos[rows[i]["id"]][0] for i in sel]), y=np.array([pos[rows[i]["id"]][1] for i in sel]),
            c_m=par["c_m"][sel] * w, x_m=par["x_m"][sel], u_m=par["u_m"][sel],
            F=np.array([rows[i]["F"] for i in sel]),
            H=np.array([rows[i]["height_m"] for i in sel]))
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
        if np.any(terms.F <= 1.5) and half * math.sqrt(2) > 8 * float(terms.x_m.min()):
            unv.add("ond86.2.23c.s1")
        u_mc = weighted_dangerous_speed(terms.c_m, terms.u_m)
        if len(np.unique(np.round(terms.u_m, 9))) > 1:
            unv.add("ond86.s3.u_m_weighted")
        speeds = list(inp.wind_speeds) if inp.wind_speeds else [u_mc]
        if inp.include_source_dangerous_speeds:
            speeds += [float(u) for u in terms.u_m]
        speeds = sorted(set(round(u, 9) for u in speeds))
        if any(abs(u / um - 1) > 1e-9 for u in speeds for um in terms.u_m):
            unv |= {"ond86.2.19.r", "ond86.2.21.p"}

        def prog(fr, _ti=ti):
            if progress is not None:
                progress((_ti + fr) / n_targets)

        cmax, cdir, cu = max_field(gx, gy, terms, dirs, speeds, progress=prog, cancel=cancel,
                                   max_chunk_elems=max_chunk_elems)
        gdk = tg["gdk"]
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
        k = int(np.argmax(cmax))
        iy, ix = np.unravel_index(k, cmax.shape)
        mlon, mlat = proj.to_lonlat(xs[ix], ys[iy])
        vmax = float(cmax[iy, ix])
        fmax = {
            "value_mg_m3": vmax, "value_with_background_mg_m3": vmax + bg_mg,
            "share_gdk": vmax / gdk if gdk else None,
            "share_gdk_with_background": (vmax + bg_mg) / gdk if gdk else None,
            "lat": float(mlat), "lon": float(mlon),
            "east_m": float(xs[ix] - cx), "north_m": float(ys[iy] - cy),   # from the grid centre
            "wind_from_deg": float(cdir[iy, ix]), "wind_speed_m_s": float(cu[iy, ix]),
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
            szz = zone_geojson(xs, ys, share, 1.0, proj, {
                "kind": "calculated_szz", "target": tg["id"], "background_mg_m3": bg_mg,
                "gdk_mr_mg_m3": gdk})
            if szz["properties"]["touches_grid_edge"]:
                warnings.append(InputProblem("disp.warn.szz_cut_by_grid", {"target": tg["id"]}))
        else:
            warnings.append(InputProblem("disp.warn.no_gdk", {"substance": tg["id"]}))
        recs = []
        if rec_x is not None and not field_only:
            rc, rd, ru = max_field(rec_x, rec_y, terms, dirs, speeds, max_chunk_elems=max_chunk_elems)
            for i, r in enumerate(inp.receptors):
                v = float(rc[i])
                recs.append({"id": r["id"], "name": r.get("name"), "lat": r["lat"], "lon": r["lon"],
                             "value_mg_m3": v, "value_with_background_mg_m3": v + bg_mg,
                             "share_gdk_with_background": (v + bg_mg) / gdk if gdk else None,
                             "wind_from_deg": float(rd[i]), "wind_speed_m_s": float(ru[i])})
        global_unv |= unv
        results.append({
            "id": tg["id"], "kind": tg["kind"], "substances": tg["substances"],
            "name": inp.names.get(tg["id"], tg["id"]), "gdk_mr_mg_m3": gdk,
            "background_mg_m3": bg_mg, "background_share_gdk": bg_share, "background": bg_entries,
            "wind_speeds_m_s": speeds, "field_max": fmax, "szz_contour": szz, "isolines": iso,
            "receptors": recs, "unverified": sorted(unv),
        })
    if progress is not None:
        progress(1.0)

    main = _main_target(results)
    return {
        "A": inp.A, "eta": inp.eta, "ambient_temp_c": inp.ambient_temp_c, "directions": inp.directions,
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
        "background": main["background"] if main else [],
        "backgrounds_used": _backgrounds_used(results),
        "unverified": [{"id": k, "description": fm.UNVERIFIED[k]} for k in sorted(global_unv)],
        "warnings": [{"key": w.key, "params": w.params, "message": w.message(lang)} for w in warnings],
    }


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
    """The target shown at top level: the one with the highest share of ГДК (with background)."""
    if not results:
        return None
    if len(results) == 1:
        return results[0]
    return max(results, key=lambda r: (r["field_max"]["share_gdk_with_background"] or -1.0))
