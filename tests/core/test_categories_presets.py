"""Category boundaries on both sides of each threshold, presets as data, custom presets."""

import math

import pytest

from ecologis.core.assess import compute, prepare
from ecologis.model import Emission
from ecologis.core.presets import PresetError, preset_from_dict
from ecologis.io.reference_data import get_preset, load_dictionary, recommendation_rules

# Scale of the thesis, §3.3 fig. 3.4: I ≥ 1e8 → 1000 m, II [1e4, 1e8) → 500, III [1e3, 1e4) → 300, IV < 1e3 → 100.
CASES = [
    (999.999, "IV", 100), (1000.0, "III", 300), (9999.999, "III", 300), (10000.0, "II", 500),
    (99999999.99, "II", 500), (1e8, "I", 1000), (0.0, "IV", 100),
]


@pytest.mark.parametrize("preset_id", ["ecologis-2025", "knp-power"])
@pytest.mark.parametrize("knp,label,radius", CASES)
def test_classify_boundaries(preset_id, knp, label, radius):
    c = get_preset(preset_id).classify(knp)
    assert (c.label, c.radius_m) == (label, radius)


@pytest.mark.parametrize("target,label", [(999.999, "IV"), (1000.0, "III"), (9999.999, "III"), (10000.0, "II"), (1e8, "I")])
def test_boundaries_through_the_whole_pipeline_linear(target, label):
    # One class-3 substance (a = 1.0) with row ГДК 1.0: К = M, so M = target gives КНП = target.
    d = load_dictionary()
    r = compute(prepare([Emission("Азоту діоксид", target, gdk_sd=1.0, hazard_class=3)], d), get_preset("ecologis-2025"), rules=recommendation_rules())
    assert r.knp == target
    assert r.category == label


@pytest.mark.parametrize("target,label", [(999.999, "IV"), (1000.0, "III"), (10000.0, "II"), (1e8, "I")])
def test_boundaries_through_the_whole_pipeline_power(target, label):
    # class 3: a = 1.0, so (M/1)^1 = M exactly.
    d = load_dictionary()
    r = compute(prepare([Emission("Азоту діоксид", target, gdk_sd=1.0, hazard_class=3)], d), get_preset("knp-power"), rules=recommendation_rules())
    assert r.knp == target
    assert r.category == label


CUSTOM_V = {
    "id": "with-v", "formula": "linear", "a": {"1": 1.7, "2": 1.3, "3": 1.0, "4": 0.9},
    "categories": [
        {"label": "I", "min": 1e4, "radius_m": 1000},
        {"label": "II", "min": 1e3, "radius_m": 500},
        {"label": "III", "min": 500, "radius_m": 300},
        {"label": "IV", "min": 100, "radius_m": 100},
        {"label": "V", "min": None, "radius_m": 50},
    ],
}


@pytest.mark.parametrize("knp,label,radius", [(99.999, "V", 50), (100, "IV", 100), (499.9, "IV", 100), (500, "III", 300),
                                             (999.99, "III", 300), (1000, "II", 500), (1e4, "I", 1000)])
def test_custom_preset_with_category_v(knp, label, radius):
    p = preset_from_dict(CUSTOM_V)
    c = p.classify(knp)
    assert (c.label, c.radius_m) == (label, radius)


def _bad(**changes):
    d = {k: (list(v) if isinstance(v, list) else v) for k, v in CUSTOM_V.items()}
    d["categories"] = [dict(c) for c in CUSTOM_V["categories"]]
    for k, v in changes.items():
        d[k] = v
    return d


def test_preset_refuses_non_decreasing_thresholds():
    d = _bad()
    d["categories"][2]["min"] = 1e3  # equal to II
    with pytest.raises(PresetError) as e:
        preset_from_dict(d)
    assert any(p.key == "preset.err.decreasing" for p in e.value.problems)


def test_preset_refuses_nonpositive_radius_and_bad_a_and_open_middle():
    d = _bad(a={"1": 1.7, "2": 0, "3": 1.0, "4": 0.9})
    d["categories"][1]["radius_m"] = 0
    d["categories"][3]["min"] = None
    with pytest.raises(PresetError) as e:
        preset_from_dict(d)
    keys = {p.key for p in e.value.problems}
    assert {"preset.err.a", "preset.err.radius", "preset.err.threshold"} <= keys


def test_preset_refuses_last_category_with_bound_and_unknown_formula():
    d = _bad(formula="cubic")
    d["categories"][4]["min"] = 10
    with pytest.raises(PresetError) as e:
        preset_from_dict(d)
    keys = {p.key for p in e.value.problems}
    assert {"preset.err.formula", "preset.err.last_open"} <= keys


def test_power_and_linear_formulas_by_hand():
    d = load_dictionary()
    # class 1: a = 1.7; M = 2, ГДК = 0.5 → linear 1.7·4 = 6.8; power 4^1.7 = e^(1.7·ln 4)
    em = [Emission("Азоту діоксид", 2.0, gdk_sd=0.5, hazard_class=1)]
    lin = compute(prepare(em, d), get_preset("ecologis-2025"), rules=recommendation_rules())
    pw = compute(prepare(em, d), get_preset("knp-power"), rules=recommendation_rules())
    assert lin.knp == pytest.approx(6.8, rel=1e-15)
    assert pw.knp == pytest.approx(math.exp(1.7 * math.log(4.0)), rel=1e-14)


def test_presets_name_their_source_in_both_languages():
    for pid in ("ecologis-2025", "knp-power"):
        p = get_preset(pid)
        assert "thesis" in p.source or "1987" in p.source
        assert p.source_text("uk") != p.source_text("en")
        assert any(ch in p.source_text("uk") for ch in "ієїґ")
    assert "10^6" in get_preset("knp-power").source_text("uk")  # the 1987 threshold difference is stated
