"""Export benchmark: the CSV export of an assessed table of 100,000 and 1,000,000 rows.

Measured: :func:`ecologis.io.export.csv_bytes` — one row per input row with the entered
values, the resolved substance, t/yr, the ГДК and its kind, class, a(c), contribution,
share and status, every text cell neutralised against formulas, UTF-8 with BOM.

Baseline, same run, same rows: ``pandas.DataFrame.to_csv`` of the same 21 columns already
gathered as arrays (no translation, no neutralisation, no per-row status) — the least
any tool must do to write them.

Goals: linear in the number of rows (the time per row at 1,000,000 rows within 1.5× of
that at 100,000), and 1,000,000 rows in under 20 s.

``python -m benchmarks export`` or ``python -m benchmarks.bench_export [--quick] [--json]``.
"""

from __future__ import annotations

import sys

import numpy as np


def make_result(n: int, seed: int = 5):
    from ecologis.core.assess import compute, prepare
    from ecologis.io.reference_data import get_preset, load_dictionary, recommendation_rules
    from ecologis.model import Emission

    rng = np.random.default_rng(seed)
    d = load_dictionary(user_path=False)
    subs = [s for s in d if s.gdk_sd and s.hazard_class]
    idx = rng.integers(0, len(subs), n).tolist()
    mass = rng.uniform(0.001, 50.0, n).round(6).tolist()
    rows = [Emission(subs[i].name_uk, m, "t/yr", source_id=f"ДВ-{k % 40 + 1}", note="", row=k + 1)
            for k, (i, m) in enumerate(zip(idx, mass))]
    return compute(prepare(rows, d), get_preset("ecologis-2025"), "sum", rules=recommendation_rules())


def baseline_frame(result):
    import pandas as pd

    from ecologis.core.gdk import GDK_KINDS

    p = result.prepared
    e = p.emissions
    return pd.DataFrame({
        "row": p.rows, "substance_input": [x.substance for x in e],
        "substance": [s.name_uk if s else "" for s in p.substances], "cas": [(s.cas or "") if s else "" for s in p.substances],
        "mass": [x.mass for x in e], "unit": [x.unit for x in e], "mass_t": p.mass_t, "gdk": p.gdk,
        "gdk_kind": np.asarray(GDK_KINDS, dtype=object)[p.gdk_kind], "hazard_class": result.row_class,
        "a": result.row_a, "contribution": result.row_contribution, "share": result.row_share,
        "status": np.where(p.valid, "ok", "error"), "gdk_sd_input": [x.gdk_sd for x in e],
        "gdk_mr_input": [x.gdk_mr for x in e], "hazard_class_input": [x.hazard_class for x in e],
        "hours_per_year": [x.hours_per_year for x in e], "source_id": [x.source_id for x in e],
        "date": [x.date for x in e], "note": [x.note for x in e]})


def main(argv=None) -> int:
    from benchmarks._common import alternating, median_time, record, strip_json
    from ecologis.io.export import csv_bytes

    argv = strip_json(argv)
    quick = "--quick" in argv
    sizes = (10_000, 100_000) if quick else (100_000, 1_000_000)
    print(__doc__.strip().splitlines()[0])
    per_row = {}
    ok = True
    for n in sizes:
        res = make_result(n)
        frame = baseline_frame(res)
        reps = 5 if n <= 100_000 else 3
        if n <= 100_000:
            t, tb, out, _ = alternating(lambda: csv_bytes(res, "uk"), lambda: frame.to_csv(index=False), reps,
                                        warmup=False)
        else:
            t, out = median_time(lambda: csv_bytes(res, "uk"), reps)
            tb, _ = median_time(lambda: frame.to_csv(index=False), reps)
        assert out.count(b"\r\n") == n + 1
        per_row[n] = t / n
        print(f"  {n:>9,} rows: csv_bytes {t:7.2f} s ({t / n * 1e6:5.1f} µs/row); "
              f"baseline pandas to_csv {tb:6.2f} s; ratio {t / tb:5.2f}")
        record("export", "csv_bytes", n, t, "pandas DataFrame.to_csv of the same columns", tb, None,
               "measured/baseline")
        if n >= 1_000_000:
            r = record("export", "csv_bytes 1M rows under 20 s", n, t, "fixed limit of 20 s", 20.0, 1.0,
                       "measured/baseline")
            ok = ok and r["met"]
            print(f"  1,000,000 rows under 20 s: {'met' if r['met'] else 'NOT met'} ({t:.1f} s)")
    small, big = sizes
    growth = per_row[big] / per_row[small]
    r = record("export", "linearity (time per row, large / small)", big, per_row[big] * big,
               f"time per row at {small} rows × {big}", per_row[small] * big, 1.5, "measured/baseline")
    print(f"  time per row at {big:,} / at {small:,} rows: {growth:.2f} (linear ≤ 1.5): "
          f"{'met' if r['met'] else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
