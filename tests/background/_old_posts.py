"""The former ``ecologis.core.background.posts`` (kept verbatim as an oracle of
tests/background/test_series_parity.py).

Background by observations at stationary posts (Order 286 §2), vectorised.

Per post and substance: the last three years of the series (§2.3), the five wind
gradations (§2.1: calm 0-2 m/s any direction; ≥ 3 m/s N, E, S, W), the top 5 % of each
gradation excluded (§2.2), mean (2.1), σ (2.2), V (2.3), F(V) (2.4, data table), the
background (2.5), and the significance test (2.6)-(2.9) deciding whether one, two
(calm / wind) or five values are issued.  The sufficiency rule (§2.3: ≥ 600 samples per
substance per post; the same period for all posts) is checked and reported for every
post; insufficient data is never silently used: the row says ``sufficient: false`` and
the result carries a warning.  Summation groups (§2.5) via the reduced concentration
(2.10).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecologis.core.background.data import BackgroundReference
from ecologis.core.background.errors import BackgroundError
from ecologis.core.background.formulas import (background_from_mean, reduced_concentration,
                                               significance_relative_range, transition_function)
from ecologis.core.background.result import BackgroundResult, add_years
from ecologis.model.problems import WARNING, Problem
from ecologis.core.background.series import Series

GRADATIONS = ("calm", "N", "E", "S", "W")


def gradation_codes(speed, direction, cfg: dict) -> np.ndarray:
    """Gradation index per observation: 0 calm, 1 N, 2 E, 3 S, 4 W, -1 none (speeds
    between the calm maximum and the wind minimum).  Order 286 §2.1;
    ``cfg`` is the ``posts`` part of ``method.json`` (sector bounds, speeds)."""
    spd = np.asarray(speed, float)
    d = np.mod(np.asarray(direction, float), 360.0)
    code = np.full(spd.shape, -1, dtype=np.int8)
    code[spd <= cfg["calm_max_speed_m_s"]] = 0
    windy = spd >= cfg["wind_min_speed_m_s"]
    for i, g in enumerate(GRADATIONS[1:], start=1):
        lo, hi = cfg["sectors_deg"][g]
        sec = (d >= lo) & (d < hi) if lo < hi else ((d >= lo) | (d < hi))
        code[windy & sec] = i
    return code


def _group_value_order(gid: np.ndarray, x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``np.lexsort((x, gid))``: by group, then by value, ties in input order.

    For a few large groups (posts × substances × gradations of a long series) the same
    permutation comes faster from a stable radix sort of the small group numbers and a
    stable sort of each group's values (both keep ties in input order)."""
    ngroups = len(n)
    if ngroups == 0 or ngroups * 256 > gid.size or ngroups >= 2 ** 15:
        return np.lexsort((x, gid))
    by_group = np.argsort(gid.astype(np.int16), kind="stable")
    xs = x[by_group]
    order = by_group.copy()
    bounds = np.concatenate(([0], np.cumsum(n))).tolist()
    for a, b in zip(bounds[:-1], bounds[1:]):
        if b - a > 1:
            order[a:b] = by_group[a:b][np.argsort(xs[a:b], kind="stable")]
    return order


def _group_stats(gid: np.ndarray, x: np.ndarray, ngroups: int, share: float, rounding: str, ddof: int):
    """Per group: n, excluded k, mean, σ of the values left after excluding the k largest."""
    from ecologis.core.background.formulas import n_excluded

    n = np.bincount(gid, minlength=ngroups)
    order = _group_value_order(gid, x, n)
    g_sorted = gid[order]
    x_sorted = x[order]
    k = n_excluded(n, share, rounding)
    starts = np.concatenate(([0], np.cumsum(n)[:-1]))
    rank = np.arange(g_sorted.size) - starts[g_sorted]
    keep = rank < (n - k)[g_sorted]
    gk = g_sorted[keep]
    xk = x_sorted[keep]
    m = n - k
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(gk, weights=xk, minlength=ngroups) / m
        ss = np.bincount(gk, weights=(xk - mean[gk]) ** 2, minlength=ngroups)
        sigma = np.sqrt(ss / (m - ddof))
    mean = np.where(m > 0, mean, np.nan)
    sigma = np.where(m - ddof > 0, sigma, np.nan)
    return n, k, mean, sigma


def significance(values: list[float], cfg: dict) -> dict:
    """(2.6)-(2.9) for the five gradation backgrounds [calm, N, E, S, W].

    (2.6) mean of the five; (2.7) mean of the four directions; the candidate conditions
    (2.8)/(2.9) (:func:`significance_relative_range`, reconstructed).  Outcome ``one``
    (value (2.6) for any wind), ``two`` (calm value and (2.7) for ≥ 3 m/s any direction),
    ``five`` or ``undetermined`` (a gradation without a value).  ``cfg``: the ``posts``
    part of ``method.json``."""
    thr = cfg["significance"]["threshold"]
    v = np.asarray(values, float)
    if v.size != 5 or not np.all(np.isfinite(v)):
        return {"c_2_6": None, "c_2_7": None, "condition_2_8": None, "condition_2_9": None,
                "outcome": "undetermined", "issued": [
                    {"gradation": g, "value_mg_m3": (float(x) if np.isfinite(x) else None)}
                    for g, x in zip(GRADATIONS, v)]}
    c5 = float(v.mean())
    c4 = float(v[1:].mean())
    cond8 = significance_relative_range(v, c5, thr)
    cond9 = significance_relative_range(v[1:], c4, thr)
    if cond8:
        outcome, issued = "one", [{"gradation": "any", "value_mg_m3": c5}]
    elif cond9:
        outcome, issued = "two", [{"gradation": "calm", "value_mg_m3": float(v[0])},
                                  {"gradation": "wind", "value_mg_m3": c4}]
    else:
        outcome, issued = "five", [{"gradation": g, "value_mg_m3": float(x)} for g, x in zip(GRADATIONS, v)]
    return {"c_2_6": c5, "c_2_7": c4, "condition_2_8": cond8, "condition_2_9": cond9, "outcome": outcome,
            "issued": issued}


def posts_background(series: Series, date=None, substances: list[str] | None = None, *,
                     refdata: BackgroundReference) -> BackgroundResult:
    """All backgrounds of a series: one entry per post and substance (see module doc)."""
    cfg = refdata.method["posts"]
    F_table = refdata.curve("transition_function")
    fr = series.frame
    if substances is not None:
        fr = fr[fr["key"].isin(substances)]
    if len(fr) == 0:
        raise BackgroundError("bg.err.no_rows", file=series.file)
    warnings: list[Problem] = []

    key_codes, key_names = pd.factorize(fr["key"], sort=True)
    post_codes, post_names = pd.factorize(fr["post"], sort=True)
    ts = fr["timestamp"].to_numpy(dtype="datetime64[ns]")
    nk, npost = len(key_names), len(post_names)

    # §2.3 window: the last three years of each substance (ending at its latest observation)
    t_end = np.full(nk, np.datetime64("NaT"), dtype="datetime64[ns]")
    t_end_series = pd.Series(ts).groupby(key_codes).max()
    t_end[t_end_series.index.to_numpy()] = t_end_series.to_numpy(dtype="datetime64[ns]")
    t_start = np.array([np.datetime64(add_years(pd.Timestamp(t).to_pydatetime(), -cfg["window_years"]), "ns")
                        for t in t_end])
    in_window = ts > t_start[key_codes]
    dropped = np.bincount(key_codes[~in_window], minlength=nk)

    kc = key_codes[in_window]
    pc = post_codes[in_window]
    tsw = ts[in_window]
    x = fr["concentration"].to_numpy(float)[in_window]
    grad = gradation_codes(fr["wind_speed"].to_numpy(float)[in_window],
                           fr["wind_direction"].to_numpy(float)[in_window], cfg)

    ps = kc.astype(np.int64) * npost + pc          # post-substance index
    nps = nk * npost
    n_total = np.bincount(ps, minlength=nps)
    first = pd.Series(tsw).groupby(ps).min()
    last = pd.Series(tsw).groupby(ps).max()
    p_first = np.full(nps, np.datetime64("NaT"), dtype="datetime64[ns]")
    p_last = p_first.copy()
    p_first[first.index.to_numpy()] = first.to_numpy(dtype="datetime64[ns]")
    p_last[last.index.to_numpy()] = last.to_numpy(dtype="datetime64[ns]")
    no_grad = np.bincount(ps[grad < 0], minlength=nps)

    sel = grad >= 0
    gid = ps[sel] * 5 + grad[sel]
    n, k, mean, sigma = _group_stats(gid, x[sel], nps * 5, cfg["top_excluded_share"], cfg["exclusion_rounding"],
                                     cfg["sigma_ddof"])
    with np.errstate(divide="ignore", invalid="ignore"):
        # all-zero gradation (mean 0, hence σ 0 for non-negative values): V = 0, Cф = 0
        V = np.where(mean > 0, sigma / np.where(mean > 0, mean, 1), np.where((mean == 0) & (sigma == 0), 0.0, np.nan))
    F, F_out = transition_function(np.nan_to_num(V, nan=0.0), F_table)
    F = np.where(np.isfinite(V), F, np.nan)
    cf = background_from_mean(mean, F)

    tol = np.timedelta64(int(cfg["same_period_tolerance_days"]), "D")
    rows = []
    any_insufficient = False
    for ki, key in enumerate(key_names):
        idx = [ki * npost + pi for pi in range(npost) if n_total[ki * npost + pi] > 0]
        if not idx:
            continue
        starts = p_first[idx]
        ends = p_last[idx]
        # the network's common period: median start and median end over the posts (a post
        # further than the tolerance from it does not cover the same period, §2.1)
        ref_start = np.datetime64(int(np.median(starts.astype(np.int64))), "ns")
        ref_end = np.datetime64(int(np.median(ends.astype(np.int64))), "ns")
        if dropped[ki]:
            warnings.append(Problem("bg.warn.dropped_before_window", {
                "substance": key, "count": int(dropped[ki]), "start": str(pd.Timestamp(t_start[ki]).date())}, severity=WARNING))
        for j in idx:
            pi = j - ki * npost
            same = bool(starts.size == 1 or (abs(p_first[j] - ref_start) <= tol and abs(p_last[j] - ref_end) <= tol))
            enough = bool(n_total[j] >= cfg["min_samples"])
            suff = {"n_samples": int(n_total[j]), "min_required": cfg["min_samples"], "enough_samples": enough,
                    "period_start": str(pd.Timestamp(p_first[j])), "period_end": str(pd.Timestamp(p_last[j])),
                    "window_years": cfg["window_years"], "same_period_as_other_posts": same,
                    "sufficient": enough and same, "not_in_any_gradation": int(no_grad[j])}
            if not enough:
                warnings.append(Problem("bg.warn.insufficient_samples", {
                    "post": post_names[pi], "substance": key, "n": int(n_total[j]), "min": cfg["min_samples"]}, severity=WARNING))
            if not same:
                warnings.append(Problem("bg.warn.different_period", {
                    "post": post_names[pi], "substance": key, "start": str(pd.Timestamp(p_first[j]).date()),
                    "end": str(pd.Timestamp(p_last[j]).date())}, severity=WARNING))
            any_insufficient |= not (enough and same)
            grads = []
            for g in range(5):
                q = j * 5 + g
                grads.append({"gradation": GRADATIONS[g], "n": int(n[q]), "n_excluded": int(k[q]),
                              "n_used": int(n[q] - k[q]), "mean_mg_m3": mean[q], "sigma_mg_m3": sigma[q],
                              "V": V[q], "F": F[q], "F_out_of_table": bool(F_out[q] and np.isfinite(V[q])),
                              "background_mg_m3": cf[q]})
                if F_out[q] and np.isfinite(V[q]):
                    warnings.append(Problem("bg.warn.f_out_of_table", {
                        "post": post_names[pi], "substance": key, "gradation": GRADATIONS[g], "V": round(float(V[q]), 3)}, severity=WARNING))
            sig = significance([r["background_mg_m3"] for r in grads], cfg)
            if sig["outcome"] == "undetermined":
                warnings.append(Problem("bg.warn.empty_gradation", {"post": post_names[pi], "substance": key}, severity=WARNING))
            names = series.names.get(key, {})
            rows.append({"post": str(post_names[pi]), "substance": key, "name_uk": names.get("uk"),
                         "name_en": names.get("en"), "sufficiency": suff, "gradations": grads,
                         "significance": {kk: vv for kk, vv in sig.items() if kk != "issued"},
                         "issued": sig["issued"]})
    res = BackgroundResult(
        method="posts", method_ref="bg.ref.posts",
        inputs={"file": series.file, "rows": int(len(fr)), "posts": [str(p) for p in post_names],
                "substances": [str(s) for s in key_names], "window_years": cfg["window_years"],
                "top_excluded_share": cfg["top_excluded_share"], "sigma_ddof": cfg["sigma_ddof"],
                "transition_table": F_table.path, "significance_threshold": cfg["significance"]["threshold"]},
        values=rows, warnings=warnings, details={"sufficient": not any_insufficient},
        validity_years=refdata.validity_years, **({"date": date} if date is not None else {}))
    if F_table.reconstructed:
        res.use("f_transition_2_4")
    res.use("background_2_5")
    res.use("significance_2_8_2_9")
    return res


def summation_series(series: Series, members: list[str], dictionary) -> Series:
    """§2.5: the reduced concentration (2.10) of a summation group, per post and time.

    ``members``: substance references (the first is the reference substance, i.e. the
    most widespread one).  Only times at which every member was observed at the post are
    kept; wind is taken from the reference substance's rows.  ГДК м.р. from the
    dictionary; a member without one raises :class:`BackgroundError`."""
    keys, gdk = [], []
    for m in members:
        sub = dictionary.lookup(m)
        if sub is None:
            raise BackgroundError("bg.err.unknown_substance", substance=m)
        if sub.gdk_mr is None:
            raise BackgroundError("bg.err.no_gdk_mr", substance=m)
        keys.append(sub.id)
        gdk.append(sub.gdk_mr)
    fr = series.frame
    for kk, m in zip(keys, members):
        if not (fr["key"] == kk).any():
            raise BackgroundError("bg.err.member_absent", substance=m, file=series.file)
    sub = fr[fr["key"].isin(keys)]
    wide = sub.pivot_table(index=["post", "timestamp"], columns="key", values="concentration", aggfunc="mean")
    wide = wide.dropna(subset=keys)
    conc = reduced_concentration(wide[keys].to_numpy().T, gdk, 0)
    ref = fr[fr["key"] == keys[0]].drop_duplicates(["post", "timestamp"]).set_index(["post", "timestamp"])
    ref = ref.loc[wide.index]
    gkey = "group:" + "+".join(keys)
    out = pd.DataFrame({
        "timestamp": wide.index.get_level_values("timestamp"), "post": wide.index.get_level_values("post"),
        "substance": gkey, "key": gkey, "concentration": conc,
        "wind_speed": ref["wind_speed"].to_numpy(), "wind_direction": ref["wind_direction"].to_numpy(),
        "row": ref["row"].to_numpy()})
    names = {gkey: {"uk": " + ".join(series.names.get(k, {}).get("uk", k) for k in keys),
                    "en": " + ".join(series.names.get(k, {}).get("en", k) for k in keys),
                    "gdk_mr": gdk[0], "members": keys, "gdk_members": gdk}}
    return Series(series.file, out, names)


def summation_background(series: Series, members: list[str], dictionary, date=None, *,
                         refdata: BackgroundReference) -> BackgroundResult:
    """§2.5: single background of a summation group (mg/m³ of the first member)."""
    s = summation_series(series, members, dictionary)
    res = posts_background(s, date=date, refdata=refdata)
    res.method = "summation"
    res.method_ref = "bg.ref.summation"
    res.inputs["members"] = list(members)
    res.inputs["gdk_mr"] = s.names[next(iter(s.names))]["gdk_members"]
    res.use("reduced_concentration_2_10")
    return res
