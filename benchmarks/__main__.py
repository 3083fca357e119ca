"""Run the benchmarks: each ``benchmarks/bench_<name>.py`` in its own process.

``python -m benchmarks [--json] [name ...]``; with ``--json`` each benchmark also prints
one JSON line per measured goal (see :mod:`benchmarks._common`).
"""

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    names = sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("bench_"))
    wanted = [a for a in argv if not a.startswith("-")] or names
    unknown = [w for w in wanted if w not in names]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(names)}", file=sys.stderr)
        return 2
    env = dict(os.environ)
    if "--json" in argv:
        env["ECOLOGIS_BENCH_JSON"] = "1"
    rc = 0
    for name in wanted:
        print(f"=== benchmark: {name} ===", flush=True)
        r = subprocess.run([sys.executable, "-m", f"benchmarks.bench_{name}"], cwd=HERE.parent, env=env)
        rc = rc or r.returncode
    return rc


if __name__ == "__main__":
    sys.exit(main())
