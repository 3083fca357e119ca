"""Several targets searched together (BatchField) give what each target gives alone.

The batched search is an optimisation only: for every node of every target it must produce
the same maximum, worst direction and worst speed as the per-target exact search
(max_field_exact with the target's own ExactField), up to float rounding.  The expected
values here are therefore the per-target path's, not hand numbers; the per-target path
itself is checked against hand calculations and the plain-Python oracle in test_plant.py
and test_field.py."""

import copy
import datetime as dt
import io
import re

import numpy as np
import pytest

from ecologis.core.dispersion import calculate
from ecologis.core.dispersion import field, run
from ecologis.core.dispersion.field import BatchField, ExactField, Terms, direction_angles, max_field_exact

RTOL = 1e-12


def _plant(rng, n_pos, k_targets, n_speeds):
    """k targets with terms at the same n_pos positions (1–2 terms per position each),
    their own c_m, x_m, u_m, F, H and their own wind speeds (same number of them)."""
    px, py = rng.uniform(-800, 800, n_pos), rng.uniform(-800, 800, n_pos)
    targets = []
    for _ in range(k_targets):
        reps = rng.integers(1, 3, n_pos)
        x = np.repeat(px, reps)
        y = np.repeat(py, reps)
        T = x.size
        terms = Terms(x=x, y=y, c_m=rng.uniform(0.01, 2.0, T), x_m=rng.uniform(40, 600, T),
                      u_m=rng.uniform(0.5, 5, T), F=rng.choice([1.0, 2.0, 3.0], T),
                      H=rng.choice([4.0, 8.0, 15.0, 60.0], T))
        speeds = sorted(rng.uniform(0.5, 9.0, n_speeds))
        targets.append((terms, speeds))
    return targets


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_batched_search_equals_the_per_target_search_on_random_small_plants(seed, compiled, monkeypatch):
    monkeypatch.setattr(field, "USE_KERNEL", compiled)       # the per-target path: compiled or numpy
    rng = np.random.default_rng(100 + seed)
    n_speeds = int(rng.integers(1, 9))                      # ≤ and > SECOND_STAGE_SPEEDS / REFINED_SPEEDS
    targets = _plant(rng, int(rng.integers(1, 4)), int(rng.integers(2, 5)), n_speeds)
    coarse = direction_angles(12)
    gx, gy = np.meshgrid(np.linspace(-2500, 2500, 23), np.linspace(-2500, 2500, 19))
    engines = [ExactField(terms, speeds) for terms, speeds in targets]
    bf = BatchField(engines)
    K, n = len(targets), gx.size
    c, d, u = bf.max_at_targets(np.tile(gx.ravel(), K), np.tile(gy.ravel(), K), np.repeat(np.arange(K), n),
                                coarse, block=97)           # small chunks: chunking must not matter
    for k, (terms, speeds) in enumerate(targets):
        c1, d1, u1 = max_field_exact(gx, gy, terms, coarse, speeds)
        sl = slice(k * n, (k + 1) * n)
        np.testing.assert_allclose(c[sl], c1.ravel(), rtol=RTOL, atol=0)
        np.testing.assert_allclose(d[sl], d1.ravel(), rtol=0, atol=1e-9)
        np.testing.assert_array_equal(u[sl], u1.ravel())
        assert np.all(c1 > 0)                               # the comparison is not vacuous


def test_batch_refuses_targets_at_different_positions():
    rng = np.random.default_rng(1)
    (t1, s1), = _plant(rng, 2, 1, 3)
    (t2, s2), = _plant(rng, 2, 1, 3)
    with pytest.raises(ValueError):
        BatchField([ExactField(t1, s1), ExactField(t2, s2)])
    (t3, s3), (t4, s4) = _plant(rng, 2, 2, 3)
    with pytest.raises(ValueError):                          # same positions, another number of speeds
        BatchField([ExactField(t3, s3), ExactField(t4, s4[:2])])


def _doc(rng):
    """A small plant: two stacks, several substances each (some on both), receptors."""
    subs = [("SO2", 0.5), ("NO2", 0.2), ("CO", 5.0), ("NH3", 0.2), ("H2S", 0.008)]
    sources = []
    for sid, dlat, dlon in (("A", 0.0, 0.0), ("B", 0.004, 0.006)):
        em = [{"substance": s, "rate_g_s": float(rng.uniform(0.05, 3.0)), "gdk_mr_mg_m3": g}
              for s, g in subs if rng.random() < 0.8 or s == "SO2"]
        sources.append({"id": sid, "lat": 49.23 + dlat, "lon": 28.47 + dlon,
                        "height_m": float(rng.uniform(8, 45)), "diameter_m": float(rng.uniform(0.3, 1.5)),
                        "velocity_m_s": float(rng.uniform(2, 12)), "temp_c": float(rng.uniform(30, 150)),
                        "emissions": em})
    return {"A": 200, "eta": 1, "ambient_temp_c": 20.0, "sources": sources, "default_summation_groups": True,
            "grid": {"step_m": 100.0, "half_extent_m": 2500.0},
            "receptors": [{"id": "r1", "lat": 49.236, "lon": 28.47}, {"id": "r2", "lat": 49.22, "lon": 28.48}]}


def _close(a, b, path="$"):
    """Every number equal to RTOL (relative), everything else identical."""
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, rel=RTOL, abs=1e-300), path
    else:
        assert a == b, path


@pytest.mark.parametrize("seed", range(3))
def test_calculate_gives_the_same_result_batched_and_per_target(seed, monkeypatch):
    doc = _doc(np.random.default_rng(seed))
    calls = []
    orig = BatchField.max_at_targets
    monkeypatch.setattr(BatchField, "max_at_targets", lambda self, *a, **k: calls.append(self.K) or orig(self, *a, **k))
    batched = calculate(copy.deepcopy(doc))
    assert len(batched["targets"]) >= 2 and calls            # some targets were searched together
    monkeypatch.setattr(BatchField, "max_at_targets", orig)
    monkeypatch.setattr(run, "BATCH_MAX_TERMS", 0)           # every target searched alone
    monkeypatch.setattr(field, "USE_KERNEL", True)          # as before: the compiled per-target search
    alone = calculate(copy.deepcopy(doc))
    _close(batched, alone)


def _demo_assessment():
    from ecologis.cli.cmd_report import load_and_assess
    from ecologis.paths import REPO_ROOT
    from ecologis.pipeline import clear_cache

    clear_cache()                                           # assess() caches by input: compute again
    return load_and_assess(str(REPO_ROOT / "resources" / "demo" / "roshen_demo.json"), on=dt.date(2026, 12, 6))[1]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_demo_report_numbers_are_unchanged_by_the_batched_search(monkeypatch):
    # The demo's dispersion (two stacks, 13 substances and groups) feeds the report's 6.2
    # section: the same result, and the same report text, with every target searched alone.
    from ecologis.report.pdf_report import build_report

    when = dt.datetime(2026, 12, 6, 12, 0)
    a = _demo_assessment()
    text = _pdf_text(build_report(a, "en", when=when, tiles=None))
    monkeypatch.setattr(run, "BATCH_MAX_TERMS", 0)
    monkeypatch.setattr(field, "USE_KERNEL", True)
    b = _demo_assessment()
    _close(a.dispersion, b.dispersion)
    assert len(a.dispersion["targets"]) >= 10
    text_b = _pdf_text(build_report(b, "en", when=when, tiles=None))
    assert re.search(r"\d", text) and text == text_b


def test_batched_fields_are_bounded_in_memory(monkeypatch):
    # Only as many targets are searched together as BATCH_MAX_NODES grid nodes × targets allow
    # (their fields are kept until the per-target loop uses them); the others go one by one,
    # with the same result.
    doc = _doc(np.random.default_rng(7))
    n_nodes = (2 * 25 + 1) ** 2                            # grid of _doc: half extent 2500 m, step 100 m
    monkeypatch.setattr(run, "BATCH_MAX_NODES", 2 * n_nodes)
    seen = []
    orig = BatchField.max_at_targets
    monkeypatch.setattr(BatchField, "max_at_targets",
                        lambda self, gx, *a, **k: seen.append(len(gx)) or orig(self, gx, *a, **k))
    limited = calculate(copy.deepcopy(doc))
    assert len(limited["targets"]) > 2 and seen and max(seen) <= 2 * n_nodes
    monkeypatch.setattr(run, "BATCH_MAX_NODES", 0)
    _close(limited, calculate(copy.deepcopy(doc)))


def test_rings_ahead_take_the_steps_of_one_ring_a_call():
    """The pattern search with rings ahead (h, h/2, … around the same point in one call) moves
    exactly as with one ring a call, in fewer calls.  Field: a smooth hill with its top at
    (37.3, −81.9), values depending on each point alone."""
    def hill(xs, ys):
        v = np.exp(-((xs - 37.3) ** 2 + 0.5 * (ys + 81.9) ** 2) / 5e4)
        return v, np.zeros_like(v), np.ones_like(v)

    calls = {1: 0, 6: 0}

    def counted(la):
        def ev(xs, ys, which):
            calls[la] += 1
            return hill(xs, ys)
        return ev

    starts = [(0.0, 0.0, float(hill(np.array([0.0]), np.array([0.0]))[0][0])),
              (400.0, 250.0, float(hill(np.array([400.0]), np.array([250.0]))[0][0])),
              (-37.0, -82.0, 0.0)]
    one = run.refine_maxima(counted(1), starts, 50.0, lookahead=1)
    ahead = run.refine_maxima(counted(6), starts, 50.0, lookahead=6)
    assert ahead == one                                     # bit for bit: positions, values, wind
    for x, y, *_ in one:                                    # each search finds the top (within h_min = 0.25 m)
        assert abs(x - 37.3) < 0.5 and abs(y + 81.9) < 0.5
    assert calls[6] < calls[1]                              # in fewer calls


@pytest.mark.parametrize("seed", range(2))
def test_calculate_is_unchanged_by_rings_ahead(seed, monkeypatch):
    doc = _doc(np.random.default_rng(10 + seed))
    ahead = calculate(copy.deepcopy(doc))
    monkeypatch.setattr(run, "LOOKAHEAD_RINGS", 1)
    assert calculate(copy.deepcopy(doc)) == ahead           # equal to the last bit, not only close
