"""Hand-computed identification cases (issue 8).  Thresholds come from ``seveso.py``
(quoted from Directive 2012/18/EU Annex I), never from the shipped data file."""

import json
import shutil

import pytest

from ecologis.core.hazard_identification import InventoryItem, identify
from ecologis.io.reference_data import load_threshold_tables, threshold_tables
from ecologis.paths import RESOURCES_DIR

from .seveso import PART1, PART2

DATA_DIR = RESOURCES_DIR / "hazard_identification"


def item(name, q, cats=(), cas="", named=""):
    return InventoryItem(name=name, quantity_t=q, cas=cas, categories=tuple(cats), named_entry=named)


def named_item(cas, q, cats=()):
    """A named substance recognised by CAS (as the inventory reader resolves it)."""
    matches = threshold_tables().named_by_cas(cas)
    assert len(matches) == 1, cas
    return item(PART2[cas][0], q, cats, cas=cas, named=matches[0].id)


# ---- one substance just below and at each threshold ---------------------------------
@pytest.mark.parametrize("code", sorted(PART1))
def test_category_single_substance_thresholds(code):
    lower, upper = PART1[code]
    section = code[0]
    # just below the lower threshold: not an ОПН (0.999·Q is well above the 2 % exclusion)
    r = identify([item("X", lower * 0.999, [code])], tables=threshold_tables())
    assert r.klass is None
    # at the lower threshold: q/Q = 1 exactly → class 2
    r = identify([item("X", lower, [code])], tables=threshold_tables())
    assert (r.klass, r.deciding_group, r.deciding_substance) == ("2", section, "X")
    # just below the upper threshold: still class 2
    assert identify([item("X", upper * 0.999, [code])], tables=threshold_tables()).klass == "2"
    # at the upper threshold: class 1
    r = identify([item("X", upper, [code])], tables=threshold_tables())
    assert (r.klass, r.deciding_group) == ("1", section)


@pytest.mark.parametrize("cas", sorted(PART2))
def test_named_single_substance_thresholds(cas):
    _, lower, upper = PART2[cas]
    assert identify([named_item(cas, lower * 0.999)], tables=threshold_tables()).klass is None
    r = identify([named_item(cas, lower)], tables=threshold_tables())
    assert (r.klass, r.deciding_group, r.deciding_substance) == ("2", "named", PART2[cas][0])
    assert identify([named_item(cas, upper * 0.999)], tables=threshold_tables()).klass == "2"
    assert identify([named_item(cas, upper)], tables=threshold_tables()).klass == "1"


def test_named_entry_without_lower_threshold_uses_upper():
    # Arsenic trioxide: upper 0.1 t; lower cell empty → project rule: lower = upper = 0.1 t
    t = threshold_tables()
    (entry,) = t.named_by_cas("1327-53-3")
    assert identify([item("As2O3", 0.099, named=entry.id)], tables=threshold_tables()).klass is None
    assert identify([item("As2O3", 0.1, named=entry.id)], tables=threshold_tables()).klass == "1"


# ---- the 2 % exclusion (note 54) at its boundary ----------------------------------------------------
def test_two_percent_exclusion_boundary():
    # H2: 50 / 200 t; smallest threshold 50 t; 2 % of 50 t = 1 t.
    # Substance B at exactly 1 t does not exceed 2 % → not counted:
    #   H sum (class 2) = 49/50 = 0.98 < 1 → not an ОПН.
    r = identify([item("A", 49.0, ["H2"]), item("B", 1.0, ["H2"])], tables=threshold_tables())
    table = r.table()
    assert table[1]["excluded"] is True
    assert table[1]["smallest_threshold_t"] == 50.0
    assert r.klass is None
    assert r.sums["H"]["class2"] == pytest.approx(0.98, abs=1e-12)
    # At 1.001 t it exceeds 2 % and counts: 49/50 + 1.001/50 = 1.00002 ≥ 1 → class 2 (group H).
    r = identify([item("A", 49.0, ["H2"]), item("B", 1.001, ["H2"])], tables=threshold_tables())
    assert r.table()[1]["excluded"] is False
    assert (r.klass, r.deciding_group, r.deciding_rule) == ("2", "H", "group_sum")
    assert r.sums["H"]["class2"] == pytest.approx(1.00002, abs=1e-12)


def test_two_percent_uses_smallest_threshold_of_multi_category_substance():
    # H1 (5 / 20) and E2 (200 / 500): smallest threshold 5 t → 2 % = 0.1 t.
    r = identify([item("S", 0.1, ["H1", "E2"])], tables=threshold_tables())
    assert r.table()[0]["excluded"] is True
    r = identify([item("S", 0.11, ["H1", "E2"])], tables=threshold_tables())
    assert r.table()[0]["excluded"] is False


# ---- P5a / P5b flammable liquids (note 53) -------------------------------------------------
def test_p5a_liquid_unnamed():
    # P5a 10 / 50 t
    assert identify([item("Бензин", 9.9, ["P5a"])], tables=threshold_tables()).klass is None
    assert identify([item("Бензин", 10.0, ["P5a"])], tables=threshold_tables()).klass == "2"
    assert identify([item("Бензин", 50.0, ["P5a"])], tables=threshold_tables()).klass == "1"


def test_p5a_named_substance_takes_smallest_threshold():
    # Propylamine: named 500 / 2000 t; also P5a (10 / 50 t) → note 53: smallest, 10 / 50 t.
    r = identify([named_item("107-10-8", 40.0, ["P5a"])], tables=threshold_tables())
    assert (r.klass, r.deciding_group) == ("2", "named")
    assert r.table()[0]["threshold_class2_t"] == 10.0
    assert r.table()[0]["threshold_class1_t"] == 50.0
    # Same 40 t without P5a/P5b: named 500 t applies → 40 < 500 → not an ОПН.
    assert identify([named_item("107-10-8", 40.0)], tables=threshold_tables()).klass is None


def test_p5b_named_substance():
    # Methyl acrylate: named 500 / 2000 t; P5b 50 / 200 t → smallest 50 / 200 t.
    assert identify([named_item("96-33-3", 60.0, ["P5b"])], tables=threshold_tables()).klass == "2"
    assert identify([named_item("96-33-3", 200.0, ["P5b"])], tables=threshold_tables()).klass == "1"


# ---- summation per group, reaching exactly 1 ---------------------------------------------
# Ratios chosen as 1/2 and 1/4: q and Q are exact binary numbers and so are the quotients,
# so the sums equal 1.0 exactly in floating point (no tolerance needed).
def test_summation_health_exactly_one():
    # H1 2.5/5 = 0.5; H2 12.5/50 = 0.25; H3 12.5/50 = 0.25 → Σ = 1 → class 2
    # class 1: 2.5/20 + 12.5/200 + 12.5/200 = 0.125 + 0.0625 + 0.0625 = 0.25 < 1
    inv = [item("A", 2.5, ["H1"]), item("B", 12.5, ["H2"]), item("C", 12.5, ["H3"])]
    r = identify(inv, tables=threshold_tables())
    assert r.sums["H"]["class2"] == 1.0
    assert r.sums["H"]["class1"] == 0.25
    assert (r.klass, r.deciding_group, r.deciding_rule, r.deciding_substance) == ("2", "H", "group_sum", "A")
    # 12.4 t instead of 12.5 t for C: Σ = 0.998 < 1 → not an ОПН
    inv[2] = item("C", 12.4, ["H3"])
    assert identify(inv, tables=threshold_tables()).klass is None


def test_summation_physical_exactly_one():
    # P2 5/10 = 0.5; P3a 75/150 = 0.5 → Σ = 1 → class 2
    r = identify([item("Газ", 5.0, ["P2"]), item("Аерозоль", 75.0, ["P3a"])], tables=threshold_tables())
    assert r.sums["P"]["class2"] == 1.0
    assert (r.klass, r.deciding_group) == ("2", "P")


def test_summation_physical_upper_tier_exactly_one():
    # P1a 25 t: 25/10 = 2.5 (lower reached alone); upper 25/50 = 0.5
    # P4 100 t: 100/50 = 2 (lower); upper 100/200 = 0.5 → Σ upper = 1 → class 1 by the sum
    r = identify([item("ВР", 25.0, ["P1a"]), item("Окисник", 100.0, ["P4"])], tables=threshold_tables())
    assert r.sums["P"]["class1"] == 1.0
    assert (r.klass, r.deciding_group, r.deciding_rule) == ("1", "P", "group_sum")


def test_summation_environment_exactly_one():
    # E1 50/100 = 0.5; E2 100/200 = 0.5 → Σ = 1 → class 2
    r = identify([item("E-a", 50.0, ["E1"]), item("E-b", 100.0, ["E2"])], tables=threshold_tables())
    assert r.sums["E"]["class2"] == 1.0
    assert (r.klass, r.deciding_group) == ("2", "E")


def test_summation_decimal_inputs_with_tolerance():
    # 0.3 + 0.7 in decimal: H1 1.5/5 = 0.3 and H2 35/50 = 0.7. In binary floating point the
    # sum may differ from 1 by one ulp; the 1e-12 tolerance of rules.json makes it count.
    r = identify([item("A", 1.5, ["H1"]), item("B", 35.0, ["H2"])], tables=threshold_tables())
    assert abs(r.sums["H"]["class2"] - 1.0) < 1e-12
    assert r.klass == "2"


def test_groups_are_not_added_together():
    # H 0.5 (H1 2.5 t) and P 0.5 (P2 5 t): each group sum is 0.5 → not an ОПН
    r = identify([item("A", 2.5, ["H1"]), item("B", 5.0, ["P2"])], tables=threshold_tables())
    assert r.klass is None


# ---- multiple categories (Directive note 6) ------------------------------------------------
def test_multi_category_substance():
    # Example E of the reference: H2 (50/200) and E1 (100/200), 70 t.
    # single: lowest 50 t → 70 ≥ 50 → class 2; H ratio 70/50 = 1.4; E ratio 70/100 = 0.7
    r = identify([item("X", 70.0, ["H2", "E1"])], tables=threshold_tables())
    assert r.klass == "2"
    g = r.table()[0]["groups"]
    assert g["H"]["ratio_class2"] == pytest.approx(1.4, abs=1e-12)
    assert g["E"]["ratio_class2"] == pytest.approx(0.7, abs=1e-12)


def test_upper_tier_single_category():
    # Example I: E2 520 t ≥ 500 → class 1, group E
    r = identify([item("E", 520.0, ["E2"])], tables=threshold_tables())
    assert (r.klass, r.deciding_group) == ("1", "E")


# ---- section O by total mass (2023 amendment) -----------------------------------------------
def test_section_o_total_mass():
    # O1 60 t (100/500) and O3 30 t (50/200): total mass 90 t.
    # Project rule: compare with the smallest O threshold present: 50 t (class 2), 200 t (class 1).
    # 90 ≥ 50 → class 2; 90 < 200.  (EU per-category reading: 0.6 and 0.6 → no tier.)
    r = identify([item("O-1", 60.0, ["O1"]), item("O-3", 30.0, ["O3"])], tables=threshold_tables())
    assert r.section_o["total_mass_t"] == 90.0
    assert r.section_o["threshold_class2_t"] == 50.0
    assert (r.klass, r.deciding_group, r.deciding_substance) == ("2", "O", "O-1")
    # 60 + 150 = 210 t ≥ 200 t → class 1
    r = identify([item("O-1", 60.0, ["O1"]), item("O-3", 150.0, ["O3"])], tables=threshold_tables())
    assert (r.klass, r.deciding_group) == ("1", "O")
    # 30 + 19 = 49 t < 50 t → not an ОПН
    assert identify([item("O-1", 30.0, ["O1"]), item("O-3", 19.0, ["O3"])], tables=threshold_tables()).klass is None


def test_section_o_rule_is_data(tmp_path):
    # Switching rules.json to the EU per-category reading changes the result without code.
    d = tmp_path / "hi"
    shutil.copytree(DATA_DIR, d)
    rules = json.loads((d / "rules.json").read_text(encoding="utf-8"))
    rules["section_o"]["method"] = "per_category"
    (d / "rules.json").write_text(json.dumps(rules), encoding="utf-8")
    tables = load_threshold_tables(d)
    r = identify([item("O-1", 60.0, ["O1"]), item("O-3", 30.0, ["O3"])], tables)
    assert r.klass is None  # 60/100 = 0.6 and 30/50 = 0.6, not added together


def test_class_mapping_is_data(tmp_path):
    d = tmp_path / "hi"
    shutil.copytree(DATA_DIR, d)
    rules = json.loads((d / "rules.json").read_text(encoding="utf-8"))
    rules["tier_to_class"].update({"lower": "B", "upper": "A"})
    (d / "rules.json").write_text(json.dumps(rules), encoding="utf-8")
    assert identify([item("X", 10.0, ["H2", "H1"])], load_threshold_tables(d)).klass == "B"  # 10 ≥ 5 (H1 lower)


# ---- named substance overriding its categories ------------------------------------------------------------------
def test_named_overrides_categories():
    # Methanol, 600 t, also P5c (5000/50000): the named 500 / 5000 t apply → class 2.
    r = identify([named_item("67-56-1", 600.0, ["P5c"])], tables=threshold_tables())
    assert (r.klass, r.deciding_group, r.deciding_substance) == ("2", "named", "Метанол")
    assert r.table()[0]["threshold_class2_t"] == 500.0
    # The same 600 t treated only as P5c would not qualify (600 < 5000):
    assert identify([item("Метанол", 600.0, ["P5c"])], tables=threshold_tables()).klass is None
    # Chlorine 12 t given as H2 (50 t): named 10 t applies → class 2.
    assert identify([named_item("7782-50-5", 12.0, ["H2"])], tables=threshold_tables()).klass == "2"


def test_named_in_group_sum_uses_named_threshold():
    # Example C: methanol 300 t (named 500, flammable liquid → P group) + P5c 1000 t (5000)
    # + P2 gas 4 t (10): 300/500 + 1000/5000 + 4/10 = 0.6 + 0.2 + 0.4 = 1.2 → class 2 (group P)
    r = identify([named_item("67-56-1", 300.0, ["P5c"]), item("Рідина", 1000.0, ["P5c"]), item("Газ", 4.0, ["P2"])], tables=threshold_tables())
    assert r.sums["P"]["class2"] == pytest.approx(1.2, abs=1e-12)
    assert (r.klass, r.deciding_group) == ("2", "P")


def test_named_entry_members_are_summed():
    # Entry 33 (carcinogens, 0.5 / 2 t, applies to the sum): 0.3 + 0.3 = 0.6 ≥ 0.5 → class 2
    t = threshold_tables()
    (a,) = t.named_by_cas("92-87-5")  # benzidine
    (b,) = t.named_by_cas("302-01-2")  # hydrazine
    r = identify([item("Бензидин", 0.3, named=a.id), item("Гідразин", 0.3, named=b.id)], tables=threshold_tables())
    assert (r.klass, r.deciding_group, r.deciding_rule) == ("2", "named", "named_entry_sum")
    assert identify([item("Бензидин", 0.3, named=a.id)], tables=threshold_tables()).klass is None


def test_empty_inventory_is_not_opn():
    r = identify([], tables=threshold_tables())
    assert r.klass is None and r.table() == []


def test_vectorised_engine_agrees_with_per_row_baseline():
    # Cross-check (not a source of expected numbers): the benchmark's straightforward loop
    # implementation and the vectorised engine agree on random inventories.
    import importlib.util

    from ecologis.paths import REPO_ROOT

    spec = importlib.util.spec_from_file_location("_bench_opn", REPO_ROOT / "benchmarks" / "bench_hazard_identification.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    tables = threshold_tables()
    for seed in range(5):
        items = bench.make_inventory(300, seed=seed)
        for it in items:
            it.quantity_t *= 40 * (seed + 1) / 10  # span excluded, below and above thresholds
        r = identify(items, tables)
        klass, sums, o = bench.identify_loop(items, tables)
        assert r.klass == klass
        for g in ("H", "P", "E"):
            assert r.sums[g]["class2"] == pytest.approx(sums[g][0], rel=1e-9)
            assert r.sums[g]["class1"] == pytest.approx(sums[g][1], rel=1e-9)
        assert r.section_o["ratio_class2"] == pytest.approx(o[0], rel=1e-9)
