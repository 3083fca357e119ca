"""Identification engine: inventory → ОПН class with the full calculation table.

Order of the rules (each in :mod:`.rules` with its source):

1. thresholds per substance: named entry (Part 2) takes precedence over categories;
   a substance in several categories takes the lowest; P5a/P5b → the smallest (note 53);
2. 2 % exclusion of note 54 on the smallest threshold;
3. single-substance check (a named entry compares the total of its rows);
4. Σ q/Q ≥ 1 for H, P and E separately; section O by total mass (2023 amendment);
5. upper tier reached → class 1, else lower tier → class 2, else not an ОПН
   (mapping from ``rules.json``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ecologis.core.hazard_identification import rules as R
from ecologis.core.hazard_identification.data import SECTIONS, ThresholdTables, normalise_category
from ecologis.core.hazard_identification.model import InventoryItem

GROUPS = ("H", "P", "E")
TIERS = ("lower", "upper")


def _clean(x: float) -> float | None:
    """JSON-friendly float: inf/NaN → None."""
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass
class IdentificationResult:
    """Outcome of :func:`identify` plus the arrays of the calculation table."""

    klass: str | None
    tier: str | None
    deciding_group: str | None
    deciding_substance: str | None
    deciding_rule: str | None
    items: list[InventoryItem]
    arrays: dict[str, np.ndarray]
    sums: dict[str, dict[str, float]]
    section_o: dict[str, Any]
    rules: dict = field(repr=False, default_factory=dict)
    tables: ThresholdTables | None = field(repr=False, default=None)   # the tables identify() used

    # ----------------------------------------------------------------------------
    def table(self) -> list[dict[str, Any]]:
        """The calculation table: one dict per substance (thresholds in t, ratios q/Q)."""
        a = self.arrays
        rows = []
        for i, it in enumerate(self.items):
            groups = {}
            for s_idx, s in enumerate(SECTIONS):
                if a["in_section"][i, s_idx]:
                    groups[s] = {
                        "threshold_class2_t": _clean(a["group_lower"][i, s_idx]),
                        "threshold_class1_t": _clean(a["group_upper"][i, s_idx]),
                        "ratio_class2": float(a["group_ratio_lower"][i, s_idx]),
                        "ratio_class1": float(a["group_ratio_upper"][i, s_idx]),
                    }
            rows.append(
                {
                    "row": it.row,
                    "name": it.name,
                    "cas": it.cas,
                    "categories": list(it.categories),
                    "named_entry": it.named_entry or None,
                    "quantity_t": float(it.quantity_t),
                    "smallest_threshold_t": _clean(a["smallest"][i]),
                    "excluded": bool(a["excluded"][i]),
                    "counted_t": float(a["counted"][i]),
                    "compared_quantity_t": float(a["single_q"][i]),
                    "threshold_class2_t": _clean(a["single_lower"][i]),
                    "threshold_class1_t": _clean(a["single_upper"][i]),
                    "ratio_class2": float(a["single_ratio_lower"][i]),
                    "ratio_class1": float(a["single_ratio_upper"][i]),
                    "groups": groups,
                }
            )
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": self.klass,
            "tier": self.tier,
            "deciding_group": self.deciding_group,
            "deciding_substance": self.deciding_substance,
            "deciding_rule": self.deciding_rule,
            "table": self.table(),
            "sums": {g: {k: float(v) for k, v in d.items()} for g, d in self.sums.items()},
            "section_o": {k: (_clean(v) if isinstance(v, float) else v) for k, v in self.section_o.items()},
        }


def _membership(items: Sequence[InventoryItem], tables: ThresholdTables) -> np.ndarray:
    """(n, C) boolean membership matrix; codes are normally already normalised by the reader."""
    exact = {c: j for j, c in enumerate(tables.category_codes)}
    folded = {c.upper(): j for c, j in exact.items()}
    rows: list[int] = []
    cols: list[int] = []
    for i, it in enumerate(items):
        for code in it.categories:
            j = exact.get(code)
            if j is None:
                j = folded.get(normalise_category(code).upper())
                if j is None:
                    raise ValueError(f"row {it.row}: unknown category {code!r}")
            rows.append(i)
            cols.append(j)
    m = np.zeros((len(items), len(exact)), dtype=bool)
    m[rows, cols] = True
    return m


def identify(items: Sequence[InventoryItem], tables: ThresholdTables) -> IdentificationResult:
    """Identify the object from its (validated) inventory by ``tables`` (the threshold
    tables and rules, :func:`ecologis.io.reference_data.threshold_tables`); see the module
    docstring."""
    rules = tables.rules
    tol = float(rules.get("numerical_tolerance", {}).get("relative", 0.0))
    items = list(items)
    n = len(items)

    q = np.array([float(it.quantity_t) for it in items], dtype=float)
    member = _membership(items, tables)
    cat_lo, cat_up, cat_sec = tables.category_arrays()

    # named entries -------------------------------------------------------------
    named_index = {e.id: k for k, e in enumerate(tables.named)}
    nidx = np.array([named_index.get(it.named_entry, -1) if it.named_entry else -1 for it in items], dtype=int)
    for it, k in zip(items, nidx):
        if it.named_entry and k < 0:
            raise ValueError(f"row {it.row}: unknown named entry {it.named_entry!r}")
    is_named = nidx >= 0
    n_up_all = np.array([e.threshold_class1_t for e in tables.named], dtype=float)
    n_lo_all = R.fill_missing_lower(
        np.array([e.threshold_class2_t for e in tables.named], dtype=float),
        n_up_all,
        rules.get("missing_lower_threshold", {}).get("method", "use_upper"),
    )
    safe = np.where(is_named, nidx, 0)
    named_lo = np.where(is_named, n_lo_all[safe] if len(n_lo_all) else R.INF, R.INF)
    named_up = np.where(is_named, n_up_all[safe] if len(n_up_all) else R.INF, R.INF)
    agg_keys = np.array([tables.named[k].aggregate_key if k >= 0 else "" for k in nidx], dtype=object)

    # P5a/P5b (note 53) -----------------------------------------------------------
    fl = rules.get("flammable_liquids", {})
    p5_cols = np.array([j for j, c in enumerate(tables.category_codes) if c in set(fl.get("categories", []))], dtype=int)
    p5_lo = R.lowest_category_thresholds(member, cat_lo, p5_cols)
    p5_up = R.lowest_category_thresholds(member, cat_up, p5_cols)

    # single-substance thresholds --------------------------------------------------
    single_lo = R.named_precedence(is_named, named_lo, R.lowest_category_thresholds(member, cat_lo))
    single_up = R.named_precedence(is_named, named_up, R.lowest_category_thresholds(member, cat_up))
    single_lo = R.flammable_liquid_smallest(single_lo, p5_lo)
    single_up = R.flammable_liquid_smallest(single_up, p5_up)

    # group thresholds (n, 4) ------------------------------------------------------------
    S = len(SECTIONS)
    in_section = np.zeros((n, S), dtype=bool)
    group_lo = np.full((n, S), R.INF)
    group_up = np.full((n, S), R.INF)
    p5_sections = {SECTIONS[cat_sec[j]] for j in p5_cols}
    for s_idx, s in enumerate(SECTIONS):
        cols = np.flatnonzero(cat_sec == s_idx)
        in_section[:, s_idx] = member[:, cols].any(axis=1) if len(cols) else False
        lo = R.named_precedence(is_named, named_lo, R.lowest_category_thresholds(member, cat_lo, cols))
        up = R.named_precedence(is_named, named_up, R.lowest_category_thresholds(member, cat_up, cols))
        if s in p5_sections:
            lo = R.flammable_liquid_smallest(lo, p5_lo)
            up = R.flammable_liquid_smallest(up, p5_up)
        group_lo[:, s_idx] = np.where(in_section[:, s_idx], lo, R.INF)
        group_up[:, s_idx] = np.where(in_section[:, s_idx], up, R.INF)

    # note 54 -------------------------------------------------------------------------------
    ex = rules.get("exclusion", {})
    smallest = R.smallest_threshold(single_lo, single_up)
    excluded = R.excluded_by_two_percent(q, smallest, float(ex.get("percent", 2)), tol)
    counted = np.where(excluded, 0.0, q)

    # single checks ---------------------------------------------------------------------------
    single_q = R.named_entry_totals(counted, agg_keys, is_named)
    srl = R.ratio(single_q, single_lo)
    sru = R.ratio(single_q, single_up)

    # group sums ---------------------------------------------------------------------------
    grl = R.ratio(counted[:, None], group_lo)
    gru = R.ratio(counted[:, None], group_up)
    sums = {g: {"class2": R.group_sum(grl[:, SECTIONS.index(g)]), "class1": R.group_sum(gru[:, SECTIONS.index(g)])} for g in GROUPS}

    o = SECTIONS.index("O")
    o_cols = np.flatnonzero(cat_sec == o)
    o_method = rules.get("section_o", {}).get("method", "total_mass_vs_smallest_threshold")
    o_lo = R.section_o_check(counted, in_section[:, o], group_lo[:, o], member[:, o_cols], o_method)
    o_up = R.section_o_check(counted, in_section[:, o], group_up[:, o], member[:, o_cols], o_method)
    section_o = {
        "method": o_method,
        "total_mass_t": o_lo[1],
        "threshold_class2_t": o_lo[2],
        "threshold_class1_t": o_up[2],
        "ratio_class2": o_lo[0],
        "ratio_class1": o_up[0],
    }

    arrays = {
        "quantity": q,
        "member": member,
        "is_named": is_named,
        "smallest": smallest,
        "excluded": excluded,
        "counted": counted,
        "single_q": single_q,
        "single_lower": single_lo,
        "single_upper": single_up,
        "single_ratio_lower": srl,
        "single_ratio_upper": sru,
        "in_section": in_section,
        "group_lower": group_lo,
        "group_upper": group_up,
        "group_ratio_lower": grl,
        "group_ratio_upper": gru,
    }

    tier, decision = _decide(items, arrays, sums, section_o, tables, tol)
    klass = R.tier_to_class(tier, rules.get("tier_to_class", {"lower": "2", "upper": "1"}))
    return IdentificationResult(
        klass=klass,
        tier=tier,
        deciding_group=decision[0],
        deciding_substance=decision[1],
        deciding_rule=decision[2],
        items=items,
        arrays=arrays,
        sums=sums,
        section_o=section_o,
        rules=rules,
        tables=tables,
    )


def _decide(items, a, sums, section_o, tables, tol):
    """Highest tier reached and what reached it: single substance first, then group sums, then O."""
    cat_lo, cat_up, cat_sec = tables.category_arrays()
    for tier, key, cls in (("upper", "upper", "class1"), ("lower", "lower", "class2")):
        r = a[f"single_ratio_{key}"]
        hit = R.reaches(r, tol)
        if hit.any():
            order = np.lexsort((-a["counted"], -r))  # largest ratio, then largest quantity
            i = int(next(k for k in order if hit[k]))
            if a["is_named"][i]:
                own = a["counted"][i] / a[f"single_{key}"][i]
                rule = "single_substance" if R.reaches(own, tol) else "named_entry_sum"
                return tier, ("named", items[i].name, rule)
            thr = cat_lo if key == "lower" else cat_up
            cols = np.flatnonzero(a["member"][i])
            j = cols[np.argmin(thr[cols])]
            return tier, (SECTIONS[cat_sec[j]], items[i].name, "single_substance")
        reached = [(sums[g][cls], g) for g in GROUPS if R.reaches(sums[g][cls], tol)]
        if reached:
            _, g = max(reached)
            col = a[f"group_ratio_{key}"][:, SECTIONS.index(g)]
            i = int(np.argmax(col))
            return tier, (g, items[i].name, "group_sum")
        if R.reaches(section_o[f"ratio_{cls}"], tol):
            o = SECTIONS.index("O")
            sel = a["in_section"][:, o]
            i = int(np.argmax(np.where(sel, a["counted"], -1.0)))
            return tier, ("O", items[i].name, "section_o_" + section_o["method"])
    return None, (None, None, None)
