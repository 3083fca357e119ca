"""The per-group ordering of observations used to exclude each gradation's largest values is
the lexicographic (group, value) order, ties in input order, for any groups and values."""

import numpy as np
import pytest

from ecologis.core.background.posts import _group_value_order


@pytest.mark.parametrize("seed", range(8))
def test_same_permutation_as_lexsort(seed):
    rng = np.random.default_rng(seed)
    ngroups = int(rng.choice([1, 3, 50, 250]))
    size = int(rng.choice([0, 1, 10, 1000, 200_000]))
    gid = rng.integers(0, ngroups, size)
    x = rng.choice([0.01, 0.02, 0.5, np.nan, 3.0], size) if seed % 2 else rng.lognormal(0, 0.6, size).round(3)
    n = np.bincount(gid, minlength=ngroups)
    assert np.array_equal(_group_value_order(gid, x, n), np.lexsort((x, gid)))
