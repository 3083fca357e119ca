"""Memory benchmark: the peak resident memory of a 1,000,000-row assessment.

Measured, in a fresh child process each: the rows of a 1,000,000-row emissions table as
the program holds them (an ``EmissionTable``: the table held column-wise — a code per row
for the substance names and units, a float per row for the masses in three units — filled
in chunks of 50,000 rows through its public builder ``extend_columns``, as the readers fill
it), then ``prepare`` + ``compute`` (КНП, category, contributions) — the maximum resident
set size of the child (``getrusage``), in MB.

For context, same run: a child that only imports the same modules and loads the
dictionary (the fixed part), and one that also builds the rows (the input).

Goal: the whole assessment child ≤ 250 MB.

``python -m benchmarks memory`` or ``python -m benchmarks.bench_memory [--rows N] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from ecologis.paths import REPO_ROOT

CHILD = r"""
import json, resource, sys, time
import numpy as np
from ecologis.core.assess import compute, prepare
from ecologis.io.reference_data import get_preset, load_dictionary, recommendation_rules
from ecologis.model import EmissionTable
stage, n = sys.argv[1], int(sys.argv[2])
d = load_dictionary(user_path=False)
preset, rules = get_preset("ecologis-2025"), recommendation_rules()
t0 = time.perf_counter()
knp = None
if stage != "fixed":
    rng = np.random.default_rng(1)
    subs = [s for s in d if s.gdk_sd and s.hazard_class]
    names = [s.name_uk for s in subs]
    units = ("t/yr", "kg/yr", "g/s")
    rows = EmissionTable()
    for start in range(0, n, 50_000):          # in chunks: no large temporary lists
        m = min(50_000, n - start)
        sub, mass, unit = (rng.integers(0, len(names), m).tolist(), rng.uniform(0.001, 50.0, m).round(6),
                           rng.integers(0, 3, m).tolist())
        rows.extend_columns(substance=[names[i] for i in sub], mass=mass, unit=[units[u] for u in unit],
                            row=range(start + 1, start + m + 1))
    if stage == "assess":
        res = compute(prepare(rows, d), preset, "sum", rules=rules)
        knp = res.knp
print(json.dumps({"max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "seconds": time.perf_counter() - t0, "knp": knp}))
"""


def child(stage: str, n: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, stage, str(n)], capture_output=True, text=True, check=True,
                         cwd=REPO_ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    from benchmarks._common import record, strip_json

    ap = argparse.ArgumentParser(prog="bench_memory")
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args(strip_json(argv))
    n = args.rows
    fixed, rows, full = child("fixed", n), child("rows", n), child("assess", n)
    print(__doc__.strip().splitlines()[0])
    print(f"  fixed part (imports, dictionary):          {fixed['max_rss_mb']:8.1f} MB")
    print(f"  + {n:,} rows held as an EmissionTable: {rows['max_rss_mb']:8.1f} MB")
    print(f"  + prepare + compute (the assessment):      {full['max_rss_mb']:8.1f} MB  "
          f"({full['seconds']:.1f} s, КНП {full['knp']:.6g})")
    # "seconds" is the child's time; the ratio is its max RSS over the 250 MB limit (goal ≤ 1)
    r = record("memory", "max RSS of a 1M-row assessment", n, full["seconds"], "limit of 250 MB max RSS", None, 1.0,
               "measured/baseline", ratio=full["max_rss_mb"] / 250.0,
               extra={"max_rss_mb": round(full["max_rss_mb"], 1), "rows_only_mb": round(rows["max_rss_mb"], 1),
                      "fixed_mb": round(fixed["max_rss_mb"], 1)})
    print(f"  goal ≤ 250 MB: {'met' if r['met'] else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
