"""Recalculation benchmark (issue 2).

Measured: ``ecologis.core.assess.compute`` (vectorised) on N prepared emission rows.
Baseline, same run: the thesis's own per-row Python loop (seed 004 fig. 3.2–3.3,
reconstructed): for each entry a dict look-up of a(class) and a float division, a
result dict appended, then a sort by contribution; categories as fig. 3.5.
Both see the same already-parsed rows (the thesis loop its Pollutant/Entry objects,
the core its prepared arrays), so this compares recalculation after an edit.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np

AI_BY_CLASS = {1: 1.7, 2: 1.3, 3: 1.0, 4: 0.9}
CATEGORY_RULES = [("I", 1e8, float("inf"), 1000), ("II", 1e4, 1e8, 500), ("III", 1e3, 1e4, 300)]


@dataclass
class Pollutant:
    name: str
    gdk_sd_mg_m3: float
    hazard_class: int


@dataclass
class EmissionEntry:
    pollutant: Pollutant
    mass_tpy: float

    def knp_contribution(self) -> float:
        g = self.pollutant.gdk_sd_mg_m3
        return 0.0 if g <= 0 else AI_BY_CLASS.get(self.pollutant.hazard_class, 1.0) * (self.mass_tpy / g)


def classify_category(knp):
    for cat, lo, hi, szz in CATEGORY_RULES:
        if lo <= knp < hi:
            return cat, szz
    return "IV", 100


def thesis_compute(entries):
    total = 0.0
    br = []
    for e in entries:
        c = e.knp_contribution()
        total += c
        br.append({"name": e.pollutant.name, "mass_tpy": e.mass_tpy, "gdk_sd": e.pollutant.gdk_sd_mg_m3,
                   "haz_class": e.pollutant.hazard_class, "ai": AI_BY_CLASS.get(e.pollutant.hazard_class, 1.0),
                   "contribution": c})
    br.sort(key=lambda x: x["contribution"], reverse=True)
    cat, szz = classify_category(total)
    return total, cat, szz, br


def best_of(fn, repeat):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def make_rows(n, rng):
    from ecologis.io.reference_data import load_dictionary
    from ecologis.model import Emission

    d = load_dictionary(user_path=False)
    subs = [s for s in d if s.gdk_sd and s.hazard_class]
    idx = rng.integers(0, len(subs), n)
    mass = rng.uniform(0.001, 50.0, n)
    # rows repeat substances; both sides count every row on its own (core: duplicates="keep")
    emissions = [Emission(subs[i].id, float(m)) for i, m in zip(idx, mass)]
    entries = [EmissionEntry(Pollutant(subs[i].name_uk, subs[i].gdk_sd, subs[i].hazard_class), float(m))
               for i, m in zip(idx, mass)]
    return d, emissions, entries


def main(argv=None) -> int:
    from ecologis.core.assess import compute, prepare
    from ecologis.io.reference_data import get_preset, recommendation_rules

    rng = np.random.default_rng(42)
    preset = get_preset("ecologis-2025")
    print(__doc__.strip().splitlines()[0])
    print(f"{'rows':>10} {'core compute':>14} {'thesis loop':>14} {'ratio':>8}  {'prepare (once)':>15}")
    ok = True
    sizes = (10_000, 100_000, 1_000_000) if "--quick" not in (argv or sys.argv[1:]) else (10_000,)
    for n in sizes:
        d, emissions, entries = make_rows(n, rng)
        t0 = time.perf_counter()
        prep = prepare(emissions, d)
        t_prep = time.perf_counter() - t0
        rep = 7 if n <= 100_000 else 3
        rules = recommendation_rules()
        t_core, res = best_of(lambda: compute(prep, preset, "keep", rules=rules), rep)
        t_base, base = best_of(lambda: thesis_compute(entries), rep)
        assert abs(res.knp - base[0]) <= 1e-9 * base[0], (res.knp, base[0])
        ratio = t_base / t_core
        print(f"{n:>10} {t_core * 1e3:>11.2f} ms {t_base * 1e3:>11.2f} ms {ratio:>7.1f}×  {t_prep * 1e3:>12.1f} ms")
        if n == 10_000 and ratio < 20:
            ok = False
    print("target: core ≥ 20× faster than the thesis loop at 10,000 rows:", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
