"""Benchmark: ОПН identification of a large inventory.

Measured: :func:`ecologis.core.hazard_identification.identify` (numpy, vectorised over the
inventory) on N synthetic substances (default 10,000: 1–2 random categories each, every
tenth a named entry).  Baseline, measured in the same run: a straightforward per-row Python
loop implementing the same rules (thresholds, note 54, note 53, named totals, H/P/E sums,
section O total mass).  Both must give the same class and sums before timing.

``python -m benchmarks hazard_identification`` or
``python -m benchmarks.bench_hazard_identification [--n N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import math
import random
import time

from ecologis.core.hazard_identification import InventoryItem, identify
from ecologis.io.reference_data import threshold_tables


def make_inventory(n: int, seed: int = 1) -> list[InventoryItem]:
    tables = threshold_tables()
    rng = random.Random(seed)
    codes = list(tables.category_codes)
    named = [e.id for e in tables.named]
    items = []
    for i in range(n):
        cats = tuple(sorted(set(rng.sample(codes, rng.choice((1, 1, 2))))))
        ne = rng.choice(named) if i % 10 == 0 else ""
        items.append(InventoryItem(name=f"S{i}", quantity_t=rng.uniform(0.0, 0.05), categories=cats, named_entry=ne, row=i + 2))
    return items


def identify_loop(items, tables):
    """Per-row baseline: returns (class, sums dict, section-O ratios)."""
    rules = tables.rules
    tol = rules["numerical_tolerance"]["relative"]
    p5 = set(rules["flammable_liquids"]["categories"])
    pct = rules["exclusion"]["percent"]
    cats = {c.code: c for c in tables.categories}
    named = {e.id: e for e in tables.named}
    inf = math.inf
    rows = []
    for it in items:
        ne = named.get(it.named_entry) if it.named_entry else None
        p5lo = min((cats[c].threshold_class2_t for c in it.categories if c in p5), default=inf)
        p5up = min((cats[c].threshold_class1_t for c in it.categories if c in p5), default=inf)
        if ne is not None:
            nup = ne.threshold_class1_t
            nlo = nup if math.isnan(ne.threshold_class2_t) else ne.threshold_class2_t
            slo, sup = min(nlo, p5lo), min(nup, p5up)
        else:
            slo = min(cats[c].threshold_class2_t for c in it.categories)
            sup = min(cats[c].threshold_class1_t for c in it.categories)
        groups = {}
        for s in ("H", "P", "E", "O"):
            cs = [c for c in it.categories if cats[c].section == s]
            if not cs:
                continue
            if ne is not None:
                glo, gup = (min(nlo, p5lo), min(nup, p5up)) if s == "P" else (nlo, nup)
            else:
                glo = min(cats[c].threshold_class2_t for c in cs)
                gup = min(cats[c].threshold_class1_t for c in cs)
            groups[s] = (glo, gup)
        smallest = min(slo, sup)
        excluded = it.quantity_t * 100.0 <= pct * smallest * (1 + tol)
        q = 0.0 if excluded else it.quantity_t
        rows.append((it, ne, q, slo, sup, groups))
    totals = {}
    for it, ne, q, *_ in rows:
        if ne is not None:
            totals[ne.aggregate_key] = totals.get(ne.aggregate_key, 0.0) + q
    sums = {g: [0.0, 0.0] for g in ("H", "P", "E")}
    o_mass, o_lo, o_up = 0.0, inf, inf
    reached = {"lower": False, "upper": False}
    for it, ne, q, slo, sup, groups in rows:
        sq = totals[ne.aggregate_key] if ne is not None else q
        if sq / slo >= 1 - tol:
            reached["lower"] = True
        if sq / sup >= 1 - tol:
            reached["upper"] = True
        for s, (glo, gup) in groups.items():
            if s == "O":
                if q > 0:
                    o_mass += q
                    o_lo, o_up = min(o_lo, glo), min(o_up, gup)
            else:
                sums[s][0] += q / glo
                sums[s][1] += q / gup
    o2 = o_mass / o_lo if o_mass > 0 else 0.0
    o1 = o_mass / o_up if o_mass > 0 else 0.0
    for g in sums.values():
        reached["lower"] |= g[0] >= 1 - tol
        reached["upper"] |= g[1] >= 1 - tol
    reached["lower"] |= o2 >= 1 - tol
    reached["upper"] |= o1 >= 1 - tol
    klass = "1" if reached["upper"] else "2" if reached["lower"] else None
    return klass, sums, (o2, o1)


def _best(fn, repeat):
    best = math.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="bench_hazard_identification")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    from benchmarks._common import record, strip_json

    a = ap.parse_args(strip_json(argv))
    tables = threshold_tables()
    items = make_inventory(a.n)
    identify(items[:10], tables)  # warm-up (imports, caches)

    t_vec, res = _best(lambda: identify(items, tables), a.repeat)
    t_loop, (klass, sums, o) = _best(lambda: identify_loop(items, tables), a.repeat)
    same = res.klass == klass and all(
        math.isclose(res.sums[g]["class2"], sums[g][0], rel_tol=1e-9, abs_tol=1e-12)
        and math.isclose(res.sums[g]["class1"], sums[g][1], rel_tol=1e-9, abs_tol=1e-12)
        for g in ("H", "P", "E")
    ) and math.isclose(res.section_o["ratio_class2"], o[0], rel_tol=1e-9, abs_tol=1e-12)
    t_table, _ = _best(lambda: res.table(), 1)
    print("ОПН identification benchmark (hazard_identification)")
    print(f"  inventory: {a.n} substances, best of {a.repeat} runs")
    print(f"  result: class={res.klass!r} group={res.deciding_group!r}; baseline agrees: {same}")
    print(f"  measured  identify() vectorised (numpy):      {t_vec * 1e3:9.2f} ms")
    print(f"  baseline  per-row Python loop, same rules:    {t_loop * 1e3:9.2f} ms")
    print(f"  ratio     baseline / measured:                {t_loop / t_vec:9.2f} x")
    print(f"  (building the {a.n}-row calculation table as dicts: {t_table * 1e3:.2f} ms, not included above)")
    record("hazard_identification", "identify", a.n, t_vec, "per-row Python loop, same rules", t_loop, None)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
