"""Receptors given as lat/lon dicts, converted together, are the receptors the one-by-one
conversion makes; a bad one among them is reported exactly as before (same message, same #k)."""

import pytest

from ecologis.core.geometry import GeometryError, _receptors_from, analyse_site

from ._receptors import one_by_one as _one_by_one
from ._receptors import receptor_dicts

SITE = {"type": "Polygon", "coordinates": [[[30.50, 50.44], [30.54, 50.44], [30.54, 50.46], [30.50, 50.46],
                                            [30.50, 50.44]]]}


def _dicts(seed: int, n: int = 300) -> list[dict]:
    # the same point, or one of two exact coordinates (50 / 30: repeated values)
    return receptor_dicts(seed, n, lambda rng, _: {"lat": rng.choice([50.45 + rng.uniform(-0.05, 0.05), 50]),
                                                   "lon": rng.choice([30.52 + rng.uniform(-0.05, 0.05), 30])})


@pytest.mark.parametrize("seed", range(5))
def test_batch_equals_one_by_one(seed):
    items = _dicts(seed)
    assert _receptors_from(items) == _one_by_one(items)
    assert analyse_site(300, SITE, items).to_json() == analyse_site(300, SITE, _one_by_one(items)).to_json()


@pytest.mark.parametrize("bad", [{"lat": 95.0}, {"lon": -181}, {"lat": float("nan")}, {"lat": "abc"},
                                 {"lon": None}])
def test_a_bad_receptor_is_reported_as_before(bad):
    items = _dicts(9, 50)
    items[17] = {**items[17], **bad}
    with pytest.raises(GeometryError) as batch:
        _receptors_from(items)
    with pytest.raises(GeometryError) as single:
        _one_by_one(items)
    assert (batch.value.key, batch.value.params) == (single.value.key, single.value.params)
    assert "#18" in batch.value.message("en")


def test_other_forms_among_them_are_converted_one_by_one():
    items = _dicts(4, 20)
    items[3] = {**items[3], "lat": True}                      # a bool is taken as a number, as before
    items[5] = {"type": "Feature", "properties": {"name": "Школа", "kind": "school"},
                "geometry": {"type": "Point", "coordinates": [30.53, 50.45]}}
    assert _receptors_from(items) == _one_by_one(items)
