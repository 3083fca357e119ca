"""§2 background by post observations: hand-computed statistics, significance outcomes,
sufficiency rule, three-year window, summation (2.10).

All expected numbers below are computed by hand (the arithmetic is written in the
comments and as plain expressions), not by running the code under test."""

import importlib.util
import math
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ecologis.core.background import posts_background, summation_background
from ecologis.core.background.posts import gradation_codes, significance
from ecologis.io.background_series import read_series
from ecologis.io.reference_data import background_reference, load_dictionary
from ecologis.paths import user_data_dir

_spec = importlib.util.spec_from_file_location("_bg_helpers", Path(__file__).with_name("_helpers.py"))
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)


def _official_linear_F(status="official"):
    """User-folder F(V) table F = 1 + 2V (two rows), replacing the shipped one."""
    d = user_data_dir() / "background"
    d.mkdir(parents=True, exist_ok=True)
    (d / "transition_function.csv").write_text(f"# status: {status}\nV,F\n0,1\n1,3\n", encoding="utf-8")


def _const(v, n=20):
    return [v] * n


def test_hand_computed_gradation_statistics(tmp_path):
    """Calm gradation: 10 × 0.1, 9 × 0.3, 1 × 1.0 (n = 20).
    §2.2: floor(0.05 · 20) = 1 largest value (1.0) excluded -> 19 values kept.
      mean  = (10·0.1 + 9·0.3) / 19 = 3.7 / 19 = 0.194737
      Σx²   = 10·0.01 + 9·0.09 = 0.91;  SS = 0.91 − 3.7²/19 = 0.91 − 13.69/19 = 3.6/19
      σ     = √(SS / 18) = √(0.2 / 19) = 0.102598            (n − 1, method.json)
      V     = σ / mean = √(0.2·19) / 3.7 = √3.8 / 3.7 = 0.526854
      F(V)  = 1 + 2V (the test's own table) = 2.053708
      Cф    = mean · F = 0.194737 · 2.053708 = 0.399933
    """
    _official_linear_F()
    vals = {"calm": [0.1] * 10 + [0.3] * 9 + [1.0], "N": _const(0.2), "E": _const(0.2), "S": _const(0.2),
            "W": _const(0.2)}
    p = h.write_rows(tmp_path / "s.csv", h.gradation_rows("A", "Азоту діоксид", vals))
    res = posts_background(read_series(p), refdata=background_reference())
    calm = res.values[0]["gradations"][0]
    mean = 3.7 / 19
    sigma = math.sqrt(0.2 / 19)
    V = math.sqrt(3.8) / 3.7
    assert calm["n"] == 20 and calm["n_excluded"] == 1 and calm["n_used"] == 19
    assert calm["mean_mg_m3"] == pytest.approx(mean, rel=1e-12)
    assert calm["sigma_mg_m3"] == pytest.approx(sigma, rel=1e-12)
    assert calm["V"] == pytest.approx(V, rel=1e-12)
    assert calm["F"] == pytest.approx(1 + 2 * V, rel=1e-12)
    assert calm["background_mg_m3"] == pytest.approx(mean * (1 + 2 * V), rel=1e-12)
    assert calm["background_mg_m3"] == pytest.approx(0.399933, abs=1e-6)
    # a constant gradation: σ = 0, V = 0, F(0) = 1, Cф = 0.2
    assert res.values[0]["gradations"][1]["background_mg_m3"] == pytest.approx(0.2)
    # the official F table removes the F piece, (2.5) and (2.8)/(2.9) stay reconstructed
    assert "f_transition_2_4" not in res.pieces
    assert {"background_2_5", "significance_2_8_2_9"} <= set(res.pieces)
    assert res.to_json()["reconstructed"] is True


def test_shipped_F_table_is_reconstructed_and_lognormal_candidate(tmp_path):
    """Shipped F(V) = exp(1.645 s − s²/2), s² = ln(1 + V²) (reference B.2): F(0.5) ≈ 1.95."""
    # calm values 0.1 / 0.3 alternating, 20 values, 1 excluded (0.3) -> 10 × 0.1, 9 × 0.3 as above
    vals = {"calm": [0.1, 0.3] * 10, "N": _const(0.2), "E": _const(0.2), "S": _const(0.2), "W": _const(0.2)}
    p = h.write_rows(tmp_path / "s.csv", h.gradation_rows("A", "SO2", vals))
    res = posts_background(read_series(p), refdata=background_reference())
    g = res.values[0]["gradations"][0]
    V = math.sqrt(3.8) / 3.7
    s = math.sqrt(math.log(1 + V * V))
    F_exact = math.exp(1.645 * s - s * s / 2)
    assert g["F"] == pytest.approx(F_exact, abs=2e-3)      # linear interpolation in a 0.05-step table
    assert "f_transition_2_4" in res.pieces
    j = res.to_json("en")
    assert j["reconstructed"] is True and j["normative"] is False
    assert "RECONSTRUCTED" in j["notice"]
    assert {p["id"] for p in j["reconstructed_pieces"]} >= {"f_transition_2_4", "background_2_5"}


@pytest.mark.parametrize("values,outcome,issued", [
    # one: range 0.01 / mean(2.6) 0.102 = 0.098 ≤ 0.2 -> one value = (0.1·4 + 0.11) / 5 = 0.102
    ({"calm": 0.10, "N": 0.11, "E": 0.10, "S": 0.10, "W": 0.10}, "one", [("any", 0.102)]),
    # two: five: range 0.2 / 0.144 > 0.2; four: range 0.01 / 0.105 = 0.095 ≤ 0.2
    #      -> calm 0.30 and wind (2.7) = (0.10 + 0.11 + 0.10 + 0.11) / 4 = 0.105
    ({"calm": 0.30, "N": 0.10, "E": 0.11, "S": 0.10, "W": 0.11}, "two", [("calm", 0.30), ("wind", 0.105)]),
    # five: four directions range 0.3 / mean 0.35 > 0.2
    ({"calm": 0.1, "N": 0.2, "E": 0.3, "S": 0.4, "W": 0.5}, "five",
     [("calm", 0.1), ("N", 0.2), ("E", 0.3), ("S", 0.4), ("W", 0.5)]),
])
def test_significance_three_outcomes(tmp_path, values, outcome, issued):
    # constant gradations: σ = 0, V = 0, F(0) = 1 -> Cф of each gradation = its value
    vals = {g: _const(v) for g, v in values.items()}
    p = h.write_rows(tmp_path / "s.csv", h.gradation_rows("A", "CO", vals))
    res = posts_background(read_series(p), refdata=background_reference())
    row = res.values[0]
    assert row["significance"]["outcome"] == outcome
    assert [(i["gradation"], round(i["value_mg_m3"], 12)) for i in row["issued"]] == \
        [(g, pytest.approx(v)) for g, v in issued]


def test_significance_undetermined_when_gradation_empty():
    out = significance([0.1, float("nan"), 0.1, 0.1, 0.1], cfg=background_reference().method["posts"])
    assert out["outcome"] == "undetermined"


def test_gradation_codes():
    # §2.1: 0-2 m/s any direction -> calm; ≥ 3 m/s by sector; 2.5 m/s belongs to none
    codes = gradation_codes([0, 2, 2.5, 3, 3, 3, 3, 7], [90, float("nan"), 0, 350, 44, 135, 250, 180], cfg=background_reference().method["posts"])
    assert list(codes) == [0, 0, -1, 1, 1, 3, 4, 3]


def test_sufficiency_rule_600_samples_and_same_period(tmp_path):
    """§2.3: ≥ 600 samples per substance per post; §2.1: the same period for all posts.
    Post A: 600 hourly values from 2023-01-01; post B: 599 values from the same start;
    post C: 600 values starting 60 days later (> 31-day tolerance)."""
    rows = []
    t0 = datetime(2023, 1, 1)
    for post, n, shift in (("A", 600, 0), ("B", 599, 0), ("C", 600, 60)):
        for i in range(n):
            t = t0 + timedelta(days=shift, hours=i)
            rows.append((t.strftime("%Y-%m-%d %H:%M"), post, "NO2", 0.05, 1, ""))
    p = h.write_rows(tmp_path / "s.csv", rows)
    res = posts_background(read_series(p), refdata=background_reference())
    suff = {r["post"]: r["sufficiency"] for r in res.values}
    assert suff["A"]["n_samples"] == 600 and suff["A"]["enough_samples"] is True
    assert suff["B"]["n_samples"] == 599 and suff["B"]["enough_samples"] is False
    assert suff["C"]["enough_samples"] is True and suff["C"]["same_period_as_other_posts"] is False
    assert suff["A"]["sufficient"] is True and suff["B"]["sufficient"] is False and suff["C"]["sufficient"] is False
    codes = [w.key for w in res.warnings]
    assert "bg.warn.insufficient_samples" in codes and "bg.warn.different_period" in codes
    assert res.to_json()["sufficient"] is False
    msg = [w.message("uk") for w in res.warnings if w.key == "bg.warn.insufficient_samples"][0]
    assert "599" in msg and "600" in msg


def test_three_year_window_drops_older_rows(tmp_path):
    # last row 2024-06-01; a row of 2020-01-01 is more than three years earlier -> dropped and reported
    rows = [("2020-01-01 00:00", "A", "CO", 9.0, 1, ""), ("2024-06-01 00:00", "A", "CO", 1.0, 1, ""),
            ("2024-05-01 00:00", "A", "CO", 1.0, 1, "")]
    res = posts_background(read_series(h.write_rows(tmp_path / "s.csv", rows)), refdata=background_reference())
    assert res.values[0]["sufficiency"]["n_samples"] == 2
    assert res.values[0]["gradations"][0]["mean_mg_m3"] == pytest.approx(1.0)
    assert any(w.key == "bg.warn.dropped_before_window" for w in res.warnings)


def test_summation_reduced_concentration(tmp_path):
    """(2.10): q = q_NO2 + q_SO2 · ГДК_NO2 / ГДК_SO2 at the same post and time.
    NO2 0.1 and SO2 0.25 at every time; with the dictionary's ГДК м.р. g1, g2:
    q = 0.1 + 0.25 · g1 / g2 (shipped: 0.2 / 0.5 -> 0.1 + 0.1 = 0.2)."""
    d = load_dictionary()
    g1, g2 = d.lookup("NO2").gdk_mr, d.lookup("SO2").gdk_mr
    rows = []
    for sub, v in (("NO2", 0.1), ("SO2", 0.25)):
        rows += h.gradation_rows("A", sub, {g: _const(v) for g in ("calm", "N", "E", "S", "W")})
    rows.append(("2022-12-31 00:00", "A", "NO2", 0.5, 1, ""))   # no SO2 at that time -> not in the group series
    res = summation_background(read_series(h.write_rows(tmp_path / "s.csv", rows)), ["NO2", "SO2"], d, refdata=background_reference())
    row = res.values[0]
    assert row["significance"]["outcome"] == "one"
    assert row["issued"][0]["value_mg_m3"] == pytest.approx(0.1 + 0.25 * g1 / g2)
    assert row["sufficiency"]["n_samples"] == 100
    assert "reduced_concentration_2_10" in res.pieces
    assert res.method == "summation"
