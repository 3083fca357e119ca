"""The identification rules, one small vectorised function each.

Sources are cited per function.  "Resolution 1030" is the Порядок ідентифікації об'єктів
підвищеної небезпеки та ведення їх обліку (CMU resolution No. 1030 of 13.09.2022) as
amended by CMU resolution No. 690 of 07.07.2023 («Зміни», item 8).  Where the
Ukrainian tables could not be read, the Seveso III Directive 2012/18/EU Annex I is used
(see ``resources/hazard_identification/rules.json``).

All quantities and thresholds are in tonnes; arrays are numpy float64.  A threshold of
``+inf`` means "this check does not apply" (its ratio is 0).
"""

from __future__ import annotations

import numpy as np

INF = np.inf


def reaches(ratio: np.ndarray | float, tol: float) -> np.ndarray:
    """A ratio q/Q (or a sum of ratios) reaches its threshold when it is >= 1.

    Source: Directive 2012/18/EU Art. 3(2)-(3) ("equal to or in excess of") and Annex I
    note 4 (SSI 2022/286 reg. 3: "greater than or equal to 1").  ``tol`` is the relative
    numerical tolerance of ``rules.json`` (binary floating point of decimal inputs).
    """
    return np.asarray(ratio, dtype=float) >= 1.0 - tol


def ratio(q: np.ndarray, threshold: np.ndarray) -> np.ndarray:
    """q/Q, dimensionless; 0 where the threshold does not apply (+inf)."""
    q = np.asarray(q, dtype=float)
    threshold = np.asarray(threshold, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = q / threshold
    return np.where(np.isfinite(threshold), r, 0.0)


def fill_missing_lower(lower: np.ndarray, upper: np.ndarray, method: str) -> np.ndarray:
    """Named entries without a lower-tier quantity (empty cell in the table).

    Source: ``rules.json`` → ``missing_lower_threshold`` (assumption: UK SI 1999/743
    Sch. 1 Part 2 lists the same quantity in both columns for these entries).
    ``use_upper``: the upper-tier quantity also serves as the lower-tier one;
    ``not_applicable``: no lower-tier check (+inf).
    """
    lower = np.asarray(lower, dtype=float)
    if method == "use_upper":
        return np.where(np.isnan(lower), upper, lower)
    return np.where(np.isnan(lower), INF, lower)


def lowest_category_thresholds(member: np.ndarray, cat_threshold: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
    """Lowest threshold over the categories a substance belongs to (n,).

    Source: Directive 2012/18/EU Annex I note 6 (German Anhang I No. 7): a substance
    falling under several categories takes the lowest qualifying quantity; for the
    summation rule the lowest quantity within each group of categories.
    ``member`` is the (n, C) membership matrix; ``columns`` restricts to some categories.
    """
    m = member if columns is None else member[:, columns]
    t = cat_threshold if columns is None else cat_threshold[columns]
    if m.shape[1] == 0:
        return np.full(m.shape[0], INF)
    return np.where(m, t[None, :], INF).min(axis=1)


def named_precedence(is_named: np.ndarray, named_threshold: np.ndarray, category_threshold: np.ndarray) -> np.ndarray:
    """Named substances use the named-entry threshold instead of their categories'.

    Source: Directive 2012/18/EU Annex I Part 2 introduction (German Anhang I No. 6;
    SSI 2015/181 Sch. 1): "the qualifying quantities set out in Part 2 apply".
    """
    return np.where(is_named, named_threshold, category_threshold)


def flammable_liquid_smallest(threshold: np.ndarray, p5_threshold: np.ndarray) -> np.ndarray:
    """P5a/P5b flammable liquids take the smallest threshold.

    Source: resolution 1030, annex 1, table 2, note 53 (added by resolution 690/2023,
    «Зміни» item 8(7)): «Якщо небезпечна речовина … належить до класу … "Займисті
    рідини" (категорія P5a або P5b таблиці 2), … застосовують найменшу порогову масу».
    ``p5_threshold`` is +inf for substances not in P5a/P5b, so they are unchanged.
    """
    return np.fmin(threshold, p5_threshold)


def smallest_threshold(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """The smallest of a substance's threshold masses (both tiers).

    Source: resolution 1030, annex 1, note 54 («найменшого нормативу їх порогової маси»).
    """
    return np.fmin(lower, upper)


def excluded_by_two_percent(q: np.ndarray, smallest: np.ndarray, percent: float, tol: float) -> np.ndarray:
    """Substances whose maximum quantity does not exceed 2 % of their smallest threshold.

    Source: resolution 1030, annex 1, note 54 (added by resolution 690/2023, «Зміни»
    item 8(7)): «не враховуються небезпечні речовини, максимальна кількість яких не
    перевищує 2 відсотки найменшого нормативу їх порогової маси».  "Does not exceed"
    means q <= percent/100 × Q_min (inclusive).  Computed as 100·q <= percent·Q_min so that
    e.g. q = 1 t, Q = 50 t is exact in binary floating point.
    """
    q = np.asarray(q, dtype=float)
    return (q * 100.0 <= percent * smallest * (1.0 + tol)) & np.isfinite(smallest)


def named_entry_totals(q: np.ndarray, keys: np.ndarray, is_named: np.ndarray) -> np.ndarray:
    """Quantity compared with a named entry's threshold: the sum over all its rows.

    Source: Directive 2012/18/EU Annex I Part 2 entries 26, 33, 34 and note 4 first
    sentence (German Anhang I No. 5, 2.2, 2.3, 2.43): partial quantities of a substance
    (or of the members of one named entry) across the establishment are added up.
    Rows that are not named keep their own quantity.
    """
    q = np.asarray(q, dtype=float)
    out = q.copy()
    if is_named.any():
        uniq, inv = np.unique(keys[is_named], return_inverse=True)
        totals = np.bincount(inv, weights=q[is_named], minlength=len(uniq))
        out[is_named] = totals[inv]
    return out


def group_sum(ratios: np.ndarray) -> float:
    """Σ q/Q over one group (H, P or E) at one tier.

    Source: Directive 2012/18/EU Annex I note 4(a)-(c); resolution 1030 p. 11 applies it
    separately to health, physical and environmental hazards.
    """
    return float(np.sum(ratios))


def section_o_check(q: np.ndarray, in_o: np.ndarray, threshold: np.ndarray, member_o: np.ndarray, method: str) -> tuple[float, float, float]:
    """Section O ("other threats") at one tier: returns (ratio, total mass t, threshold t).

    Source: resolution 1030 p. 11, new indent 4 (added by resolution 690/2023, «Зміни»
    item 8(4)): «для розрахунку інших загроз використовується загальна маса небезпечних
    речовин секції "О"».  The comparison threshold is not stated in any available source;
    ``rules.json`` → ``section_o.method`` chooses it:

    * ``total_mass_vs_smallest_threshold`` (project assumption): total counted mass of
      section-O substances / the smallest section-O threshold among the substances present;
    * ``ratio_sum``: Σ q/Q as for H, P, E;
    * ``per_category``: EU reading (Annex I note 4(b)), the largest same-category Σ q/Q.

    ``q`` are counted quantities (after the 2 % exclusion), ``in_o`` marks substances in
    section O, ``threshold`` their section-O threshold at this tier, ``member_o`` the (n, K)
    membership in the K section-O categories.
    """
    sel = in_o & (q > 0)
    mass = float(np.sum(q[sel]))
    if not sel.any():
        return 0.0, 0.0, float("nan")
    if method == "total_mass_vs_smallest_threshold":
        qmin = float(np.min(threshold[sel]))
        return mass / qmin, mass, qmin
    if method == "ratio_sum":
        return float(np.sum(ratio(q[sel], threshold[sel]))), mass, float("nan")
    if method == "per_category":
        best = 0.0
        for k in range(member_o.shape[1]):
            rows = sel & member_o[:, k]
            if rows.any():
                best = max(best, float(np.sum(ratio(q[rows], threshold[rows]))))
        return best, mass, float("nan")
    raise ValueError(f"unknown section-O method {method!r}")


def tier_to_class(tier: str | None, mapping: dict) -> str | None:
    """Tier reached → ОПН class.

    Source: ``rules.json`` → ``tier_to_class`` (assumption: lower tier → class 2,
    upper tier → class 1; reference file §2.6).  ``None`` → not a high-hazard object.
    """
    if tier is None:
        return None
    return str(mapping[tier])
