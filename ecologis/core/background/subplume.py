"""Background by sub-plume observations (Order 286 §3) and by calculation (§4).

§3, per substance and distance from the enterprise: mean with the top 2 % excluded
(3.1), σ from the range with the correction coefficient K(n) (3.2, figure 2), V (3.3),
the 98 % maximum q_m = a(V)·C̄ (3.4, figure 3) and the background by the wind-rose
repeatability of the rhumb carrying the plume to the point (3.5); other rhumbs 0.
Sufficiency (§3.2): at least three years and 200 analyses per year – checked and
reported.

§4: 0.4 × the maximum calculated concentration (confirmed, §1.3/§4.4) and the exclusion
of the enterprise's own contribution (4.1)/(4.2) (reconstructed).
"""

from __future__ import annotations

import numpy as np

from ecologis.core.background.data import BackgroundReference
from ecologis.core.background.errors import BackgroundError
from ecologis.core.background.formulas import (background_by_rose, calculated_background,
                                               exclude_own_contribution, maximum_98, n_excluded,
                                               sigma_from_range, table_interp)
from ecologis.core.background.result import BackgroundResult
from ecologis.model.problems import WARNING, Problem


def subplume_statistics(values, years: float | None = None, *, refdata: BackgroundReference) -> dict:
    """(3.1)-(3.4) for one substance at one distance.  ``values`` in mg/m³; ``years`` the
    observation period (for the §3.2 check; None = not checked and reported so)."""
    cfg = refdata.method["subplume"]
    v = np.asarray(values, float)
    if v.size < 2 or np.any(~np.isfinite(v)) or np.any(v < 0):
        raise BackgroundError("bg.err.subplume_values")
    n = v.size
    k = int(n_excluded(n, cfg["top_excluded_share"], cfg["exclusion_rounding"]))
    kept = np.sort(v)[: n - k]
    mean = float(kept.mean())                                    # (3.1)
    K_table = refdata.curve("range_coefficient")
    K, K_out = table_interp(n, K_table.x, K_table.y)
    sigma = float(sigma_from_range(v.max(), v.min(), K))        # (3.2) over all analyses
    V = sigma / mean if mean > 0 else (0.0 if sigma == 0 else float("nan"))   # (3.3)
    a_table = refdata.curve("maximum_coefficient")
    a, a_out = table_interp(V, a_table.x, a_table.y)
    q_m = float(maximum_98(mean, a))                             # (3.4)
    per_year = n / years if years else None
    return {"n": n, "n_excluded": k, "mean_mg_m3": mean, "c_max_mg_m3": float(v.max()), "c_min_mg_m3": float(v.min()),
            "K": float(K), "K_out_of_table": bool(K_out), "sigma_mg_m3": sigma, "V": V, "a": float(a),
            "a_out_of_table": bool(a_out), "q_m_mg_m3": q_m, "years": years, "per_year": per_year,
            "sufficient": (None if years is None else
                           bool(years >= cfg["window_years"] and per_year >= cfg["min_per_year"])),
            "tables": {"K": K_table, "a": a_table}}


def subplume_background(values, repeatability: dict, rhumb: str, distance_m: float, years: float | None = None,
                        substance: str = "", date=None, *, refdata: BackgroundReference) -> BackgroundResult:
    """(3.5): background at a distance for every rhumb of the wind rose.

    ``repeatability``: rhumb -> mean multi-year repeatability (fraction, sum ≈ 1);
    ``rhumb``: the rhumb whose wind carries the plume from the enterprise to the point.
    Other rhumbs get 0 (§3.5)."""
    if rhumb not in repeatability:
        raise BackgroundError("bg.err.rhumb", rhumb=rhumb)
    if any((not isinstance(p, (int, float))) or p < 0 or p > 1 for p in repeatability.values()):
        raise BackgroundError("bg.err.repeatability")
    st = subplume_statistics(values, years, refdata=refdata)
    tables = st.pop("tables")
    rows = [{"substance": substance, "distance_m": distance_m, "rhumb": r,
             "value_mg_m3": float(background_by_rose(p, st["q_m_mg_m3"])) if r == rhumb else 0.0,
             "repeatability": p} for r, p in repeatability.items()]
    warnings = []
    cfg = refdata.method["subplume"]
    if st["sufficient"] is None:
        warnings.append(Problem("bg.warn.subplume_period_unknown", {}, severity=WARNING))
    elif not st["sufficient"]:
        warnings.append(Problem("bg.warn.subplume_insufficient", {
            "years": years, "per_year": round(st["per_year"], 1), "min_years": cfg["window_years"],
            "min_per_year": cfg["min_per_year"]}, severity=WARNING))
    for name, flag in (("K", st["K_out_of_table"]), ("a", st["a_out_of_table"])):
        if flag:
            warnings.append(Problem("bg.warn.coefficient_out_of_table", {"name": name}, severity=WARNING))
    res = BackgroundResult(method="subplume", method_ref="bg.ref.subplume",
                           inputs={"substance": substance, "distance_m": distance_m, "n": st["n"], "years": years,
                                   "rhumb": rhumb, "repeatability": repeatability,
                                   "K_table": tables["K"].path, "a_table": tables["a"].path},
                           values=rows, warnings=warnings, details={"statistics": st},
                           validity_years=refdata.validity_years,
                           **({"date": date} if date is not None else {}))
    if tables["K"].reconstructed:
        res.use("sigma_range_3_2")
    if tables["a"].reconstructed:
        res.use("maximum_98_3_4")
    res.use("background_rose_3_5")
    return res


def calculated(c_max: float, substance: str = "", c_own: float | None = None, date=None,
               source: str = "input", *, refdata: BackgroundReference) -> BackgroundResult:
    """§4: C_ф = 0.4 · C_max (C_max the maximum OND-86 concentration, mg/m³; ``source``
    says where it came from: ``input`` or ``dispersion``).  With ``c_own`` (the
    enterprise's own maximum concentration at the post) also C'_ф by (4.1)/(4.2)."""
    if c_max is None or not np.isfinite(c_max) or c_max < 0:
        raise BackgroundError("bg.err.cmax_invalid", value=c_max)
    f = refdata.method["calculated"]["factor"]
    cf = float(calculated_background(c_max, f))
    rows = [{"substance": substance, "quantity": "c_f", "value_mg_m3": cf}]
    res = BackgroundResult(method="calculated", method_ref="bg.ref.calculated",
                           inputs={"substance": substance, "c_max_mg_m3": c_max, "factor": f, "c_max_source": source},
                           values=rows, validity_years=refdata.validity_years,
                           **({"date": date} if date is not None else {}))
    if c_own is not None:
        if not np.isfinite(c_own) or c_own < 0:
            raise BackgroundError("bg.err.cmax_invalid", value=c_own)
        res.inputs["c_own_mg_m3"] = c_own
        rows.append({"substance": substance, "quantity": "c_f_without_own",
                     "value_mg_m3": float(exclude_own_contribution(cf, c_own)),
                     "branch": "4.1" if c_own <= 2 * cf else "4.2"})
        res.use("exclude_own_4_1_4_2")
    return res


def exclude_own(c_f: float, c_own: float, substance: str = "", date=None, *,
                refdata: BackgroundReference) -> BackgroundResult:
    """(4.1)/(4.2) applied to an observed background C_ф (mg/m³)."""
    for v in (c_f, c_own):
        if v is None or not np.isfinite(v) or v < 0:
            raise BackgroundError("bg.err.cmax_invalid", value=v)
    res = BackgroundResult(method="exclude_own", method_ref="bg.ref.exclude_own",
                           inputs={"substance": substance, "c_f_mg_m3": c_f, "c_own_mg_m3": c_own},
                           values=[{"substance": substance, "quantity": "c_f_without_own",
                                    "value_mg_m3": float(exclude_own_contribution(c_f, c_own)),
                                    "branch": "4.1" if c_own <= 2 * c_f else "4.2"}],
                           validity_years=refdata.validity_years, **({"date": date} if date is not None else {}))
    res.use("exclude_own_4_1_4_2")
    return res
