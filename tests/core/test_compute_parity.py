"""``compute`` gives what the former one gave (same groups, sums, contributions, КНП, dominant
substances and journal) under both duplicate policies, on randomized tables where substances
repeat, some rows are excluded and rows carry values of their own."""

import random

import numpy as np
import pytest

from ecologis.core.assess import compute, prepare
from ecologis.io.reference_data import get_preset, recommendation_rules

from ._old_compute import compute as old_compute
from .test_prepare_parity import _dictionary, _journal, _mostly_common_table, _same, _table


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("duplicates", ["sum", "keep"])
def test_compute_matches_the_former_compute(seed, duplicates):
    d = _dictionary()
    rng = random.Random(500 + seed)
    rows = (_table(rng, d, rng.choice([1, 5, 300])) if seed % 2 else _mostly_common_table(rng, d, 2000))
    rules = recommendation_rules()
    for preset_id in ("ecologis-2025", "knp-power"):
        preset = get_preset(preset_id)
        # each on its own prepared table: both keep caches on it
        new, old = compute(prepare(rows, d), preset, duplicates, rules=rules), \
            old_compute(prepare(rows, d), preset, duplicates, rules=rules)
        assert new.knp == old.knp and (new.category, new.szz_m) == (old.category, old.szz_m)
        for name in ("g_first", "included", "row_class", "g_mass", "g_gdk", "g_kind", "g_class", "g_a",
                     "g_contribution", "row_contribution"):
            assert _same(np.asarray(getattr(new, name)), np.asarray(getattr(old, name))), name
        assert (new.g_inverse is None) == (old.g_inverse is None)
        if old.g_inverse is not None:
            assert _same(new.g_inverse, old.g_inverse)
        assert new.dominant == old.dominant
        assert new.contributions == old.contributions
        assert _journal(new.journal) == _journal(old.journal)
