"""What the report of a small project loads: neither pandas (needed only to compute
backgrounds from observation series, not to read stored ones) nor numba (the compiled
dispersion loop pays off only for large plants).  Each costs a fresh process 0.3–0.6 s."""

import subprocess
import sys

from ecologis.paths import REPO_ROOT

CODE = """
import sys, datetime
from ecologis.cli.cmd_report import load_and_assess
profile, a = load_and_assess(sys.argv[1], on=datetime.date(2026, 12, 6))
assert a.dispersion and a.dispersion.get("targets"), "the demo has stacks: its dispersion must run"
print(sorted(m for m in ("pandas", "numba") if m in sys.modules))
"""


def test_assessing_the_demo_with_its_dispersion_loads_neither_pandas_nor_numba():
    demo = REPO_ROOT / "resources" / "demo" / "roshen_demo.json"
    r = subprocess.run([sys.executable, "-c", CODE, str(demo)], capture_output=True, text=True, cwd=REPO_ROOT,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[]"
