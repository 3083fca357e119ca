"""Export rows and contribution groups are built in one pass: the same content as the former
per-row code, per-row arrays computed once per result, group members as a mask would find them."""

import random

import numpy as np
import pytest

from ecologis.core.assess import compute, prepare
from ecologis.io.export import export_rows
from ecologis.io.reference_data import get_preset, load_dictionary, recommendation_rules
from ecologis.model import Emission

from ._old_export import old_export_rows


def _result(seed: int, n: int, duplicates: str):
    d = load_dictionary(user_path=False)
    subs = list(d)[:30]
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        s = rng.choice(subs)
        rows.append(Emission(rng.choice([s.name_uk, s.id, "Невідома", ""]) if rng.random() < 0.1 else s.name_uk,
                             rng.choice([round(rng.uniform(0.01, 20), 4), "1,5", "x", -1.0]) if rng.random() < 0.2
                             else round(rng.uniform(0.01, 20), 4),
                             rng.choice(["t/yr", "kg/yr", "g/s"]), source_id=rng.choice([None, "ДВ-1"]),
                             gdk_sd=rng.choice([None, None, None, 0.3, -1]), hazard_class=rng.choice([None, None, 2]),
                             note=rng.choice(["", "примітка"]), row=i + 1))
    return compute(prepare(rows, d), get_preset("ecologis-2025"), duplicates, rules=recommendation_rules())


def _canon(rows):
    # nan never occurs in export rows (None stands for "not applicable"); compare values exactly
    return [[(type(v).__name__, v) for v in r] for r in rows]


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("duplicates", ["sum", "keep"])
def test_export_rows_match_the_former_per_row_code(lang, duplicates):
    for seed in range(4):
        r = _result(seed, 400, duplicates)
        assert export_rows(r, lang)[0] == old_export_rows(r, lang)[0]
        assert _canon(export_rows(r, lang)[1]) == _canon(old_export_rows(r, lang)[1])


def test_per_row_arrays_are_computed_once():
    # the table view and the export index them row by row: a new array per access made both O(n²)
    r = _result(1, 50, "sum")
    assert r.row_share is r.row_share
    assert r.row_a is r.row_a


@pytest.mark.parametrize("seed", range(5))
def test_group_rows_are_the_rows_of_each_group(seed):
    r = _result(seed, 300, "sum")
    assert r.g_inverse is not None          # duplicates were summed: groups of several rows
    rows = r.prepared.rows
    for g in range(len(r.g_first)):
        # by definition: the included rows whose group is g, in table order
        expected = [rows[int(i)] for i in r.included[np.asarray(r.g_inverse) == g]]
        assert r.group_rows(g) == expected
    assert sorted(x for g in range(len(r.g_first)) for x in r.group_rows(g)) == sorted(rows[int(i)] for i in r.included)
