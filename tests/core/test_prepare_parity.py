"""The memoised ``prepare`` gives what the former row-by-row one gave: the same arrays, the same
substances and the same journal (codes, rows, fields and messages in both languages) on
randomized tables mixing every kind of row the validation knows, and the same results."""

import math
import random

import numpy as np
import pytest

from ecologis.core.assess import compute, prepare
from ecologis.core.dictionary import Substance
from ecologis.io.reference_data import get_preset, load_dictionary, recommendation_rules
from ecologis.model import Emission, EmissionTable

from ._old_prepare import old_prepare

_MASSES = [1.5, 0.002, 34.7849, 7, "8,27", "1 234,5", "12.5", "abc", "1,2.3", -3.0, 0, "0", math.nan, "nan",
           math.inf, "-inf", None, "", True, np.float64(2.5)]
_UNITS = ["t/yr", "kg/yr", "g/s", "т/рік", "кг/рік", "г/с", " T/YR ", "т/год", "furlongs", None, "", 5]
_HOURS = [None, 8760.0, "4000", 2000, 0, "x", 9000, True, 1, 1.0, 8784, "8 000", math.nan, ""]
_GDK = [None, None, None, 0.05, -1, "0", "abc", "0,3", 0.0, math.inf]
_CLASS = [None, None, None, 2, 5, "3", "x", 1.5, 4.0, True]


def _dictionary():
    """The shipped dictionary and two entries it lacks: one with only a working-zone ГДК (the
    last link of the chain) and one with no ГДК at all."""
    d = load_dictionary(user_path=False)
    d.put_many([Substance(id="test:rz", name_uk="Речовина з ГДК р.з.", name_en="Working-zone only",
                          hazard_class=2, gdk_rz=2.0, origin="user"),
                Substance(id="test:none", name_uk="Речовина без ГДК", name_en="No limit at all",
                          hazard_class=3, origin="user")])
    return d


def _table(rng: random.Random, dictionary, n: int) -> list[Emission]:
    subs = list(dictionary)
    out = []
    for i in range(n):
        s = rng.choice(subs)
        ref = rng.choice([s.id, s.name_uk, s.name_en, s.cas or s.name_uk, "Невідома речовина", "", None,
                          f"  {s.name_uk.upper()} "])
        row_values = rng.random() < 0.25
        out.append(Emission(
            ref, rng.choice(_MASSES) if rng.random() < 0.3 else round(rng.uniform(0.001, 50.0), 6),
            rng.choice(_UNITS) if rng.random() < 0.3 else "t/yr",
            hours_per_year=rng.choice(_HOURS),
            gdk_sd=rng.choice(_GDK) if row_values else None,
            gdk_mr=rng.choice(_GDK) if row_values else None,
            hazard_class=rng.choice(_CLASS) if row_values else None,
            row=rng.choice([None, i + 1, i + 1, 7])))
    return out


def _journal(j):
    return [(i.code, i.row, i.field, i.message("en"), i.message("uk")) for i in j]


def _same(a, b):
    return np.array_equal(a, b, equal_nan=True) and a.dtype == b.dtype


def _assert_same_preparation(new, old) -> None:
    """The prepared tables and their КНП results (both duplicate rules) are the same."""
    assert new.rows == old.rows
    assert [s.id if s else None for s in new.substances] == [s.id if s else None for s in old.substances]
    for name in ("mass_t", "gdk", "gdk_kind", "gdk_basis", "hazard_class", "row_values", "valid", "dup_key"):
        assert _same(getattr(new, name), getattr(old, name)), name
    assert _journal(new.journal) == _journal(old.journal)
    preset, rules = get_preset("ecologis-2025"), recommendation_rules()
    for dup in ("sum", "keep"):
        rn, ro = compute(new, preset, dup, rules=rules), compute(old, preset, dup, rules=rules)
        assert rn.knp == ro.knp and rn.category == ro.category
        assert _same(rn.row_contribution, ro.row_contribution)
        assert _journal(rn.journal) == _journal(ro.journal)


@pytest.mark.parametrize("seed", range(12))
def test_prepare_matches_the_former_row_by_row_prepare(seed):
    d = _dictionary()
    rng = random.Random(seed)
    rows = _table(rng, d, rng.choice([0, 1, 5, 300]))
    new, old = prepare(rows, d), old_prepare(rows, d)
    _assert_same_preparation(new, old)


def test_the_random_tables_reach_every_branch():
    # the parity above means something only if the tables exercise errors, warnings and row values
    d = _dictionary()
    codes = set()
    for seed in range(12):
        rng = random.Random(seed)
        codes |= {i.code for i in old_prepare(_table(rng, d, rng.choice([0, 1, 5, 300])), d).journal}
    assert {"E_SUBSTANCE_MISSING", "E_SUBSTANCE_UNKNOWN", "E_MASS_NOT_NUMBER", "E_MASS_NEGATIVE", "E_MASS_ZERO",
            "E_MASS_NAN", "E_MASS_INFINITE", "E_UNIT_UNKNOWN", "E_UNIT_AMBIGUOUS", "E_HOURS_INVALID",
            "E_GDK_NOT_NUMBER", "E_CLASS_RANGE", "W_MASS_DECIMAL_COMMA", "W_SUBSTANCE_FROM_ROW",
            "I_ROW_VALUES", "W_GDK_NONPOSITIVE", "W_GDK_NONPOSITIVE_EXCLUDED", "W_GDK_MISSING",
            "I_GDK_FALLBACK"} <= codes, codes
    kinds = {str(i.params.get("kind")) for seed in range(12)
             for i in old_prepare(_table(random.Random(seed), d, 300), d).journal if i.code == "I_GDK_FALLBACK"}
    assert len(kinds) == 3, kinds      # ОБРВ, one-time and working-zone fallbacks all occur


def _mostly_common_table(rng: random.Random, dictionary, n: int) -> list[Emission]:
    """Tables as imported: mostly plain rows (float masses, known units, no values of their
    own), with masses typed as text with a decimal comma or a point, a few bad cells, and
    substances repeated (so that the duplicate keys and their first rows matter)."""
    subs = [s for s in dictionary][:40]
    out = []
    for i in range(n):
        s = rng.choice(subs)
        m = round(rng.uniform(0.001, 50.0), 6)
        r = rng.random()
        mass = (f"{m}".replace(".", ",") if r < 0.05 else f"{m}" if r < 0.07 else " 1 234,5 " if r < 0.075
                else "x" if r < 0.08 else m)
        out.append(Emission(rng.choice([s.name_uk, s.id]), mass, rng.choice(["t/yr", "kg/yr", "g/s", "т/рік"]),
                            hours_per_year=rng.choice([None, 8760.0, 4000.0]),
                            gdk_sd=0.2 if rng.random() < 0.01 else None,
                            row=None if rng.random() < 0.5 else i + 1))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_prepare_matches_the_former_one_on_mostly_common_tables(seed):
    d = _dictionary()
    rng = random.Random(100 + seed)
    rows = _mostly_common_table(rng, d, 3000)
    new, old = prepare(rows, d), old_prepare(rows, d)
    assert new.rows == old.rows
    assert [s.id if s else None for s in new.substances] == [s.id if s else None for s in old.substances]
    for name in ("mass_t", "gdk", "gdk_kind", "gdk_basis", "hazard_class", "row_values", "valid", "dup_key"):
        assert _same(getattr(new, name), getattr(old, name)), name
    assert _journal(new.journal) == _journal(old.journal)
    assert {"W_MASS_DECIMAL_COMMA", "E_MASS_NOT_NUMBER", "I_ROW_VALUES"} <= set(new.journal.codes())


def test_unit_numbers_convert_as_the_unit_names_do():
    from ecologis.core.units import UNITS, to_t_per_year, unit_index_to_t_per_year

    rng = np.random.default_rng(3)
    mass = rng.uniform(0.001, 100.0, 500)
    hours = rng.uniform(1.0, 8784.0, 500)
    idx = rng.integers(0, len(UNITS), 500)
    names = np.array(UNITS, dtype=object)[idx]
    assert np.array_equal(unit_index_to_t_per_year(mass, idx, hours), to_t_per_year(mass, names, hours))


@pytest.mark.parametrize("seed", range(12))
def test_prepare_of_a_column_table_matches_the_former_row_by_row_prepare(seed):
    # the same random tables held as an EmissionTable: prepare reads its columns (codes,
    # float columns with their raw cells, sparse row values) and must give what the former
    # row-by-row prepare gives on the list of the same rows
    d = _dictionary()
    rng = random.Random(seed)
    rows = _table(rng, d, rng.choice([0, 1, 5, 300])) + _mostly_common_table(rng, d, 300)
    new, old = prepare(EmissionTable(rows), d), old_prepare(rows, d)
    _assert_same_preparation(new, old)
