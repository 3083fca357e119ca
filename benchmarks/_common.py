"""Shared helpers of the benchmarks: alternating timed repeats and the ``--json`` result lines.

Every benchmark keeps its human report; with ``--json`` (or when run by
``python -m benchmarks --json``, which sets ``ECOLOGIS_BENCH_JSON=1`` for the child)
it also prints one JSON object per measured goal on its own line::

    {"bench": "core", "name": "prepare+compute", "size": 10000, "seconds": 0.011,
     "baseline": "thesis per-row loop", "baseline_seconds": 0.013, "ratio": 1.18,
     "ratio_def": "baseline/measured", "goal": ">= 1", "met": true}

``ratio_def`` says which way the ratio is taken: ``"baseline/measured"`` (a speed-up, the
goal is a lower bound) or ``"measured/baseline"`` (a slow-down, the goal is an upper
bound).  A result with no baseline in seconds (a memory bound, a fixed time limit) gives
the baseline's quantity in ``baseline_seconds`` only when it is one; see ``unit``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

JSON_FLAG = "--json"
ENV = "ECOLOGIS_BENCH_JSON"
SPEEDUP = "baseline/measured"
SLOWDOWN = "measured/baseline"


def wants_json(argv=None) -> bool:
    argv = sys.argv[1:] if argv is None else argv
    return JSON_FLAG in argv or os.environ.get(ENV) == "1"


def strip_json(argv=None) -> list[str]:
    """``argv`` without ``--json`` (for the benchmarks that parse their own options)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    return [a for a in argv if a != JSON_FLAG]


def alternating(measured, baseline, repeats: int = 5, warmup: bool = True):
    """Median seconds of ``measured`` and ``baseline`` run alternately ``repeats`` times each
    (the machine is shared and noisy: alternation spreads the noise over both).

    Returns ``(t_measured, t_baseline, out_measured, out_baseline)`` with the outputs of the
    last run of each."""
    out_m = out_b = None
    if warmup:
        out_m, out_b = measured(), baseline()
    tm, tb = [], []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        out_m = measured()
        tm.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        out_b = baseline()
        tb.append(time.perf_counter() - t0)
    return statistics.median(tm), statistics.median(tb), out_m, out_b


def median_time(fn, repeats: int = 5) -> tuple[float, object]:
    out = None
    ts = []
    for _ in range(max(1, repeats)):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), out


def record(bench: str, name: str, size, seconds: float, baseline: str, baseline_seconds: float | None,
           goal: float | None, ratio_def: str = SPEEDUP, *, unit: str = "s", extra: dict | None = None,
           argv=None, ratio: float | None = None, max_seconds: float | None = None) -> dict:
    """Build one result; print it as a JSON line when JSON output is wanted. ``met`` is
    ``None`` when the result has no goal.  ``max_seconds``: a second, absolute goal
    (``seconds`` ≤ it) that must hold too for ``met``."""
    if ratio is None and baseline_seconds:
        ratio = baseline_seconds / seconds if ratio_def == SPEEDUP else seconds / baseline_seconds
    if goal is None or ratio is None:
        met = None
        goal_text = None
    else:
        met = ratio >= goal if ratio_def == SPEEDUP else ratio <= goal
        goal_text = (">= " if ratio_def == SPEEDUP else "<= ") + f"{goal:g}"
        if max_seconds is not None:
            met = met and seconds <= max_seconds
            goal_text += f" and <= {max_seconds:g} s"
    out = {"bench": bench, "name": name, "size": size, "seconds": round(seconds, 6), "unit": unit,
           "baseline": baseline, "baseline_seconds": None if baseline_seconds is None else round(baseline_seconds, 6),
           "ratio": None if ratio is None else round(ratio, 4), "ratio_def": ratio_def, "goal": goal_text,
           "met": met}
    if extra:
        out.update(extra)
    if wants_json(argv):
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return out


def installed_env(**extra: str) -> dict:
    """The environment of a child process run as an installed program: compiled bytecode
    (kept in a temporary folder, not in the checkout; the warm-up runs write it), whatever
    ``PYTHONDONTWRITEBYTECODE`` says; ``extra`` variables set if not already set."""
    import tempfile

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="ecologis_bench_pyc_")
    for k, v in extra.items():
        env.setdefault(k, v)
    return env


def run_process(cmd, env: dict, cwd) -> float:
    """Wall seconds of one child process ``cmd`` (its output discarded)."""
    import subprocess

    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=cwd, env=env)
    return time.perf_counter() - t0


def heaviest_imports(cmd, env: dict, cwd, k: int = 8) -> list[tuple[int, str]]:
    """The ``k`` top-level imports of ``cmd`` that cost the most (cumulative µs, one run of
    ``python -X importtime``)."""
    import subprocess

    r = subprocess.run([cmd[0], "-X", "importtime", *cmd[1:]], capture_output=True, text=True, cwd=cwd, env=env)
    top = []
    for line in r.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].startswith(" ") and not parts[2].startswith("  "):
            try:
                top.append((int(parts[1]), parts[2].strip()))
            except ValueError:
                pass
    return sorted(top, reverse=True)[:k]
