"""Benchmark: background concentrations by post observations (Order 286 §2) on a city-sized series.

Data (generated here, written to a temporary CSV): three years of hourly observations
at 10 posts for 5 substances (26,280 × 50 = 1,314,000 rows), log-normal concentrations,
integer wind speeds 0-9 m/s and directions in 10° steps.

Measured: :func:`ecologis.core.background.read_series` (validation of every cell,
dictionary resolution) + :func:`ecologis.core.background.posts_background` (five
gradations, top 5 % excluded per gradation, mean, σ, V, F(V), Cф, significance test,
sufficiency) for all 50 post-substance pairs.

Baseline, measured in the same run on the same file: a plain pandas
``read_csv`` + ``groupby(["post", "substance"]).concentration.agg(["count", "mean", "std"])``
(no validation, no gradations, no exclusion) – the least any tool must do.

Before timing, the per-gradation trimmed means of the measured code are cross-checked
against an independent pandas computation (sort, cumcount, drop the top floor(5 %)).

Timing: medians of ``--repeat`` runs of each, alternated.  Goal: measured / baseline ≤ 1.5.

``python -m benchmarks background`` or ``python -m benchmarks.bench_background [--repeat R] [--json]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SUBSTANCES = ["Азоту діоксид", "Сірки діоксид (ангідрид сірчистий)", "Вуглецю оксид", "Аміак", "Формальдегід"]
POSTS = [f"P{i:02d}" for i in range(1, 11)]


def make_series(path: Path, seed: int = 7) -> int:
    rng = np.random.default_rng(seed)
    ts = pd.date_range("2022-01-01", periods=3 * 365 * 24, freq="h").strftime("%Y-%m-%d %H:%M")
    n = len(ts)
    parts = []
    for p in POSTS:
        spd = rng.integers(0, 10, n)
        drc = rng.integers(0, 36, n) * 10
        drc_txt = np.where(spd <= 2, "", drc.astype(str))
        for k, s in enumerate(SUBSTANCES):
            c = rng.lognormal(np.log(0.02 * (k + 1)), 0.6, n).round(5)
            parts.append(pd.DataFrame({"timestamp": ts, "post": p, "substance": s, "concentration": c,
                                       "wind_speed": spd, "wind_direction": drc_txt}))
    df = pd.concat(parts, ignore_index=True)
    df.to_csv(path, index=False)
    return len(df)


def measured(path: Path, dictionary):
    from ecologis.core.background import posts_background
    from ecologis.io.background_series import read_series
    from ecologis.io.reference_data import background_reference

    s = read_series(path, dictionary)
    return posts_background(s, refdata=background_reference())


def baseline(path: Path):
    df = pd.read_csv(path)
    return df.groupby(["post", "substance"])["concentration"].agg(["count", "mean", "std"])


def cross_check(path: Path, res) -> float:
    """Independent pandas computation of the trimmed mean per post/substance/gradation."""
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    spd, d = df["wind_speed"].to_numpy(float), df["wind_direction"].to_numpy(float)
    g = np.full(len(df), "none", dtype=object)
    g[spd <= 2] = "calm"
    w = spd >= 3
    g[w & ((d >= 315) | (d < 45))] = "N"
    g[w & (d >= 45) & (d < 135)] = "E"
    g[w & (d >= 135) & (d < 225)] = "S"
    g[w & (d >= 225) & (d < 315)] = "W"
    df["g"] = g
    df = df[df["g"] != "none"].sort_values(["post", "substance", "g", "concentration"])
    size = df.groupby(["post", "substance", "g"])["concentration"].transform("size")
    rank = df.groupby(["post", "substance", "g"]).cumcount()
    kept = df[rank < size - np.floor(size * 0.05 + 1e-12)]
    ref = kept.groupby(["post", "substance", "g"])["concentration"].mean()
    worst = 0.0
    for row in res.values:
        name = row["name_uk"]
        for gr in row["gradations"]:
            worst = max(worst, abs(gr["mean_mg_m3"] - ref[(row["post"], name, gr["gradation"])]))
    return worst


def main(argv=None) -> int:
    from benchmarks._common import alternating, record, strip_json

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(strip_json(argv))
    os.environ.setdefault("ECOLOGIS_USER_DIR", tempfile.mkdtemp(prefix="ecologis_bench_"))
    from ecologis.io.reference_data import load_dictionary

    dictionary = load_dictionary()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "series.csv"
        t = time.perf_counter()
        rows = make_series(path)
        t_gen = time.perf_counter() - t
        size_mb = path.stat().st_size / 1e6
        res = measured(path, dictionary)
        worst = cross_check(path, res)
        if len(res.values) != len(POSTS) * len(SUBSTANCES) or worst > 1e-9:
            print(f"MISMATCH: {len(res.values)} post-substance rows, max |Δ mean| = {worst:g}", file=sys.stderr)
            return 1
        m, b, _, _ = alternating(lambda: measured(path, dictionary), lambda: baseline(path), args.repeat,
                                 warmup=False)
    print(f"series: {rows:,} rows ({len(POSTS)} posts × {len(SUBSTANCES)} substances × 3 years hourly), "
          f"CSV {size_mb:.1f} MB, generated in {t_gen:.1f} s")
    print(f"cross-check vs independent pandas trimmed means: max |Δ| = {worst:.2e} mg/m³ "
          f"({len(res.values)} post-substance pairs × 5 gradations)")
    print(f"measured  read_series + posts_background (validation, 5 gradations, top 5 % excluded, "
          f"statistics, F(V), significance, sufficiency): {m:.3f} s (median of {args.repeat})")
    print(f"baseline  pandas read_csv + groupby(post, substance).agg(count, mean, std): {b:.3f} s "
          f"(median of {args.repeat})")
    r = record("background", "read_series + posts_background", rows, m,
               "pandas read_csv + groupby(post, substance).agg(count, mean, std)", b, 1.5, "measured/baseline")
    print(f"ratio measured / baseline: {m / b:.2f} (goal ≤ 1.5: {'met' if r['met'] else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
