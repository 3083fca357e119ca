"""Permissible emissions (ГДВ) per source and substance.

**Single source.**  In every OND-86 regime c_m ∝ M ((2.1), (2.9), (2.11): m, n, m', K, d do
not depend on M), so c_m + c_ф = ГДК gives ГДВ = M·(ГДК − c_ф)/c_m
(``shared/reference/ond86_summation_and_pdv.md`` §3, [C] derivation; the hot-regime form is
:func:`ecologis.core.dispersion.formulas.pdv_hot`).

**Plant (several sources), the rule implemented here.**  The OND-86 section on ПДВ for groups
of sources was not found (reference §3 and §4, "NOT FOUND"); this tool applies the
proportional-reduction rule of the brief, exact because the field is linear in each
source's emission:

1. Allowed level A = (Ккд − Σ c_ф,k/ГДК_k)·ГДК₁ (a single substance: Ккд = 1, A = ГДК − c_ф).
2. At the plant maximum P (worst wind) each term (source × substance) contributes c_i;
   its *share* is its part of the plant's emission (M_i·ГДК₁/ГДК_i for a group) and its
   *quota* A·share_i.  The terms above their quota are reduced by one common factor
   k = (A − Σ_below c_i)/Σ_above c_i, so that the contributions at P sum to A.
3. The field is recalculated (the maximum may move) and step 2 repeated (at most
   :data:`MAX_ITER` times); if the maximum still exceeds A, every term is scaled by
   A/c_max, which is exact since the whole field scales with it.
4. When the plant already complies, ГДВ = M·A/c_max for every term (the uniform headroom):
   with one source this is M·(ГДК − c_ф)/c_m.
5. With several targets (each substance, each summation group), a term's ГДВ is the
   smallest over the targets it belongs to; lowering an emission never raises any field,
   so every target still complies.
6. c_ф ≥ Ккд·ГДК (A ≤ 0): no emission is admissible (ГДВ = 0) and a warning says so (Law
   2707-XII art. 11: staged reduction by a regional programme).

Required reduction = max(0, M − ГДВ) in g/s and as a percentage of M.
"""

from __future__ import annotations

import numpy as np

from ecologis.core.dispersion.field import Terms
from ecologis.model.problems import WARNING, Problem

MAX_ITER = 4


def _scaled(terms: Terms, scale: np.ndarray) -> Terms:
    return Terms(x=terms.x, y=terms.y, c_m=terms.c_m * scale, x_m=terms.x_m, u_m=terms.u_m, F=terms.F, H=terms.H)


def _plant_max(ev_cls, base_ev, terms, gx, gy, xs, ys, step):
    ev = ev_cls(base_ev.inp, terms, base_ev.speeds, base_ev.dirs, base_ev.block)
    cmax, cdir, cu = ev.field(gx, gy)
    x, y, v, d, u = ev.plant_maximum(xs, ys, cmax, cdir, cu, step)
    return ev, x, y, v, d, u


def target_scales(tg, sel, w, terms, rows, ev, result, gx, gy, xs, ys, step) -> tuple[np.ndarray, bool]:
    """Per-term emission factors keeping this target's maximum ≤ its allowed level."""
    gdk = tg["gdk"]
    allowed = (tg["kkd"] - (result["background_share_gdk"] or 0.0)) * gdk
    if allowed <= 0:
        return np.zeros(len(sel)), True
    fmx = result["field_max"]
    x, y, v, d, u = fmx["east_m"], fmx["north_m"], fmx["value_mg_m3"], fmx["wind_from_deg"], fmx["wind_speed_m_s"]
    # east/north are from the grid centre; the evaluators work in local coordinates.
    cx, cy = (xs[0] + xs[-1]) / 2.0, (ys[0] + ys[-1]) / 2.0
    x, y = x + cx, y + cy
    scale = np.ones(len(sel))
    m_red = np.array([rows[i]["rate_g_s"] for i in sel]) * w
    cur_ev = ev
    if v <= allowed * (1 + 1e-12):
        return (scale * (allowed / v) if v > 0 else scale), False
    for _ in range(MAX_ITER):
        c = cur_ev.contributions(x, y, d, u)
        share = m_red * scale / max(float(np.sum(m_red * scale)), 1e-300)
        high = c > allowed * share
        s_low, s_high = float(c[~high].sum()), float(c[high].sum())
        if s_high <= 0:
            break
        scale = np.where(high, scale * max(0.0, (allowed - s_low) / s_high), scale)
        cur_ev, x, y, v, d, u = _plant_max(type(ev), ev, _scaled(terms, scale), gx, gy, xs, ys, step)
        if v <= allowed * (1 + 1e-9):
            break
    if v > allowed:
        scale = scale * (allowed / v)
    return scale, False


def permissible_emissions(prepared, evaluators, results, rows, gx, gy, xs, ys, step, warnings) -> list[dict]:
    """The ГДВ table: [{source, substance, substance_name, m_g_s, gdv_g_s, reduction_g_s,
    reduction_pct, limiting_target}] in the order of the source table."""
    res_by_id = {r["id"]: r for r in results}
    gdv: dict[int, tuple[float, str]] = {}
    for (tg, sel, w, terms, speeds), ev in zip(prepared, evaluators):
        if not tg["gdk"] or tg["id"] not in res_by_id:
            continue
        scale, impossible = target_scales(tg, sel, w, terms, rows, ev, res_by_id[tg["id"]], gx, gy, xs, ys, step)
        if impossible:
            warnings.append(Problem("disp.warn.gdv_background", {"target": tg["id"]}, severity=WARNING))
        for j, i in enumerate(sel):
            val = rows[i]["rate_g_s"] * float(scale[j])
            if i not in gdv or val < gdv[i][0]:
                gdv[i] = (val, tg["id"])
    out = []
    for i, r in enumerate(rows):
        if i not in gdv:
            continue
        m = float(r["rate_g_s"])
        g, lim = gdv[i]
        red = max(0.0, m - g)
        out.append({"source": r["id"], "substance": r["substance"], "substance_name": r["substance_name"],
                    "m_g_s": m, "gdv_g_s": g, "reduction_g_s": red,
                    "reduction_pct": 100.0 * red / m if m > 0 else 0.0, "limiting_target": lim})
    return out
