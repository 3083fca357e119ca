"""Report benchmark: ``ecologis-cli report DEMO --out F.pdf``, the whole process.

Measured: a fresh ``python -m ecologis.cli report resources/demo/roshen_demo.json --out F.pdf``
(interpreter start, imports, the demo read and assessed — КНП, zones and the OND-86
dispersion of its two stacks, 13 substances and groups — the contributions chart and the
site map drawn with matplotlib, and the 4-page PDF laid out with reportlab and written),
wall time until it exits.

Goal: under a fixed limit of 1.5 s on this machine (issue 18).

Context baseline, same run: a fresh process that imports reportlab and matplotlib and writes
a one-page PDF with one matplotlib figure (a line chart at 150 dpi) — the least any report
with a chart costs with these libraries.  Both with compiled bytecode, as installed.

Timing: medians of ``--repeat`` runs of each, alternated.  Also printed: where one run of the
command spends its time (in-process phases) and its heaviest imports (``-X importtime``).

``python -m benchmarks report`` or ``python -m benchmarks.bench_report [--repeat R] [--json]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

from benchmarks._common import heaviest_imports, installed_env, run_process
from ecologis.paths import REPO_ROOT

LIMIT_S = 1.5
DEMO = "resources/demo/roshen_demo.json"

# As installed programs run: with compiled bytecode (kept in a temporary folder, not in the
# checkout; the warm-up runs write it), whatever PYTHONDONTWRITEBYTECODE says.
_ENV = installed_env(MPLBACKEND="Agg")

BASELINE_CODE = """
import io, sys
import matplotlib
matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate

fig = Figure(figsize=(7.5, 3.6))
FigureCanvasAgg(fig)
ax = fig.add_subplot()
ax.plot(range(10), [v * v for v in range(10)], marker="o")
ax.set_title("Chart")
buf = io.BytesIO()
fig.savefig(buf, format="png", dpi=150)
buf.seek(0)
SimpleDocTemplate(sys.argv[1], pagesize=A4).build(
    [Paragraph("Report", getSampleStyleSheet()["Title"]), Image(buf, width=450, height=216)])
"""

# One run of the command with its phases timed from inside (wrapping the steps it calls).
PHASES_CODE = """
import sys, time
t0 = time.perf_counter()
T = {}
def timed(mod, name, key):
    f = getattr(mod, name)
    def w(*a, **k):
        s = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            T[key] = T.get(key, 0.0) + time.perf_counter() - s
    setattr(mod, name, w)
from importlib import import_module
pa = import_module("ecologis.pipeline.assess")
pr = import_module("ecologis.report.pdf_report")
pc = import_module("ecologis.plots.contributions")
ps = import_module("ecologis.plots.site_map")
from ecologis.cli import main
timed(pa, "disperse", "dispersion (OND-86 of the demo's stacks)")
timed(pa, "assess_knp", "КНП assessment")
timed(pa, "analyse", "site analysis (zones, receptors)")
timed(pc, "contributions_figure", "contributions chart: drawing")
timed(ps, "site_map_figure", "site map: drawing")
timed(pr, "_png", "figures: rasterising to PNG")
timed(pr, "report_story", "report content (incl. figures)")
timed(pr, "build_report", "report: content and PDF layout")
T["imports before the command"] = time.perf_counter() - t0
main(["report", sys.argv[1], "--out", sys.argv[2]])
T["whole process after start-up"] = time.perf_counter() - t0
for k, v in sorted(T.items(), key=lambda kv: -kv[1]):
    print(f"{v * 1e3:9.1f} ms  {k}")
"""


def _run(cmd) -> float:
    return run_process(cmd, _ENV, REPO_ROOT)


def _heaviest_imports(cmd, k: int = 8) -> list[tuple[int, str]]:
    return heaviest_imports(cmd, _ENV, REPO_ROOT, k)


def main(argv=None) -> int:
    from benchmarks._common import alternating, record, strip_json

    ap = argparse.ArgumentParser(prog="bench_report")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(strip_json(argv))
    with tempfile.TemporaryDirectory(prefix="ecologis_bench_report_") as tmp:
        out = os.path.join(tmp, "report.pdf")
        base_out = os.path.join(tmp, "baseline.pdf")
        cmd = [sys.executable, "-m", "ecologis.cli", "report", DEMO, "--out", out]
        base = [sys.executable, "-c", BASELINE_CODE, base_out]
        t, tb, _, _ = alternating(lambda: _run(cmd), lambda: _run(base), args.repeat)
        assert os.path.getsize(out) > 10_000 and os.path.getsize(base_out) > 1_000
        r = record("report", "report DEMO --out F.pdf (whole process) under 1.5 s", 1, t, f"fixed limit of {LIMIT_S} s",
                   LIMIT_S, 1.0, "measured/baseline")
        record("report", "report DEMO (whole process) vs a one-figure reportlab+matplotlib PDF", 1, t,
               "fresh process: import reportlab and matplotlib, one-page PDF with one 150-dpi figure", tb, None,
               "measured/baseline")
        print(__doc__.strip().splitlines()[0])
        print(f"  measured  ecologis-cli report DEMO --out F.pdf: {t * 1e3:8.1f} ms (median of {args.repeat})")
        print(f"  limit     {LIMIT_S * 1e3:8.1f} ms: {'met' if r['met'] else 'NOT met'}")
        print(f"  context   one-figure reportlab+matplotlib PDF:   {tb * 1e3:8.1f} ms (median of {args.repeat}); "
              f"ratio {t / tb:.2f}")
        ph = subprocess.run([sys.executable, "-c", PHASES_CODE, DEMO, out], capture_output=True, text=True,
                            cwd=REPO_ROOT, env=_ENV)
        print("  where one run spends its time (in-process, nested phases overlap):")
        lines = [ln for ln in ph.stdout.splitlines() if " ms " in ln]
        for line in lines:
            print("    " + line.strip())
        if not lines:
            print("    (the timed run failed: " + (ph.stderr.strip().splitlines() or ["?"])[-1] + ")")
        print("  heaviest top-level imports of the command (cumulative µs, one run):")
        for us, name in _heaviest_imports(cmd):
            print(f"    {us:>9,}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
