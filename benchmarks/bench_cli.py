"""CLI start-up benchmark: ``ecologis-cli assess --demo --json``, the whole process.

Measured: a fresh ``python -m ecologis.cli assess --demo --json`` (interpreter start,
imports, the shipped reference data, the demo profile read and assessed — КНП, the zones,
the receptors around the enterprise and the OND-86 dispersion of the demo's two stacks,
whose compiled loop is loaded from the user's numba cache after the first run — and the
JSON printed), wall time until it exits.

Baseline, same run: a fresh ``python -c "import numpy"`` — the interpreter start and the
one library every calculation needs.  Both with compiled bytecode, as installed.

Timing: medians of ``--repeat`` runs of each, alternated.  Goal: measured / baseline ≤ 1.5.
Also printed: the modules the command imports beyond numpy that cost the most (``-X importtime``).

``python -m benchmarks cli`` or ``python -m benchmarks.bench_cli [--repeat R] [--json]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from benchmarks._common import heaviest_imports, installed_env, run_process
from ecologis.paths import REPO_ROOT


# Both run as installed programs do: with compiled bytecode (kept in a temporary folder,
# not in the checkout; the warm-up runs write it), whatever PYTHONDONTWRITEBYTECODE says.
_ENV = installed_env()


def _run(cmd) -> float:
    return run_process(cmd, _ENV, REPO_ROOT)


def _heaviest(cmd, k: int = 8) -> list[tuple[int, str]]:
    return heaviest_imports(cmd, _ENV, REPO_ROOT, k)


_STAGES = r"""
import json, sys, time
t0 = time.perf_counter()
marks = {}
from ecologis.paths import use_user_compile_cache
use_user_compile_cache()
import numpy
marks["interpreter + numpy"] = time.perf_counter() - t0
from ecologis.cli.common import load_reference_data
from ecologis.io.profile import load_profile, assessment_options
from ecologis.paths import DEMO_PROFILE
import importlib
pa = importlib.import_module("ecologis.pipeline.assess")
dictionary, presets = load_reference_data()
project = load_profile(DEMO_PROFILE)
opts = assessment_options(dictionary, presets)
marks["imports, reference data, profile"] = time.perf_counter() - t0 - sum(marks.values())
t = time.perf_counter(); result = pa.assess_knp(project, opts); marks["КНП (prepare + compute)"] = time.perf_counter() - t
t = time.perf_counter(); pa.analyse(project, result.szz_m); marks["site and receptors (shapely, pyproj)"] = time.perf_counter() - t
t = time.perf_counter(); pa.disperse(project); marks["OND-86 dispersion (numba start + calculation)"] = time.perf_counter() - t
print(json.dumps(marks))
"""


def _stages() -> dict:
    """Where one fresh run of the demo's assessment spends its time (context, one run)."""
    import json

    r = subprocess.run([sys.executable, "-c", _STAGES], capture_output=True, text=True, cwd=REPO_ROOT, env=_ENV)
    try:
        return json.loads(r.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {}


def main(argv=None) -> int:
    from benchmarks._common import alternating, record, strip_json

    ap = argparse.ArgumentParser(prog="bench_cli")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(strip_json(argv))
    cmd = [sys.executable, "-m", "ecologis.cli", "assess", "--demo", "--json"]
    base = [sys.executable, "-c", "import numpy"]
    t, tb, _, _ = alternating(lambda: _run(cmd), lambda: _run(base), args.repeat)
    r = record("cli", "assess --demo --json (whole process)", 1, t, 'python -c "import numpy"', tb, 1.5,
               "measured/baseline")
    print(__doc__.strip().splitlines()[0])
    print(f"  measured  ecologis-cli assess --demo --json: {t * 1e3:8.1f} ms (median of {args.repeat})")
    print(f"  baseline  python -c \"import numpy\":          {tb * 1e3:8.1f} ms (median of {args.repeat})")
    print(f"  ratio measured / baseline: {r['ratio']:.2f} (goal ≤ 1.5: {'met' if r['met'] else 'NOT met'})")
    stages = _stages()
    if stages:
        print("  where one fresh run spends its time (context, one run, same steps as the command):")
        for name, sec in stages.items():
            print(f"    {sec * 1e3:8.1f} ms  {name}")
    print("  top-level imports of the command (cumulative µs, one run):")
    for us, name in _heaviest(cmd):
        print(f"    {us:>9,}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
