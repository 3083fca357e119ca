"""Receptors given as plain lat/lon dicts are analysed column-wise and their results made on
demand (:class:`ReceptorResults`); they are the results of the item-by-item path (receptor
objects, point geometries, a list of results): same distances to the bit, flags, order of the
conflicts and their lines, for a site polygon and for the circle around the enterprise point."""

import pytest

from ecologis.core.geometry import ReceptorResults, analyse_site

from ._receptors import one_by_one as _objects
from ._receptors import receptor_dicts

SITE = {"type": "Polygon", "coordinates": [[[30.50, 50.44], [30.54, 50.44], [30.545, 50.452], [30.54, 50.46],
                                            [30.50, 50.46], [30.505, 50.45], [30.50, 50.44]]]}


def _place(rng, made: list) -> dict:
    # around the site: inside it (distance 0), near its edge, further away; a few repeated
    if rng.random() < 0.05 and made:
        return {"lat": made[-1]["lat"], "lon": made[-1]["lon"]}
    return {"lat": 50.45 + rng.uniform(-0.03, 0.03), "lon": 30.52 + rng.uniform(-0.05, 0.05)}


def _dicts(seed: int, n: int = 400) -> list[dict]:
    return receptor_dicts(seed, n, _place)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("where", ["site", "circle"])
def test_column_wise_results_are_the_item_by_item_ones(seed, where):
    items = _dicts(seed)
    site, centre = (SITE, None) if where == "site" else (None, (50.45, 30.52))
    fast = analyse_site(700, site, items, center=centre)
    slow = analyse_site(700, site, _objects(items), center=centre)
    assert isinstance(fast.receptors, ReceptorResults) and len(fast.receptors) == len(items)
    for a, b in zip(fast.receptors, slow.receptors):
        assert (a.name, a.kind, a.id, a.geometry, a.inside, a.on_site) == (b.name, b.kind, b.id, b.geometry,
                                                                            b.inside, b.on_site)
        assert a.distance_m == b.distance_m and type(a.distance_m) is float and type(a.inside) is bool
    assert fast.receptors == list(slow.receptors) and fast.receptors[-3:] == list(slow.receptors)[-3:]
    assert fast.receptors[-1] == slow.receptors[-1]
    assert fast.conflicts == slow.conflicts
    assert fast.conflict_lines("uk") == slow.conflict_lines("uk")
    assert fast.to_json() == slow.to_json()
    # the run exercises receptors on the site, in the zone and outside it
    flags = {(r.on_site, r.inside) for r in slow.receptors}
    assert {(False, True), (False, False)} <= flags and ((True, True) in flags) == (where == "site")


def test_results_do_not_follow_later_changes_of_the_items():
    items = _dicts(7, 20)
    a = analyse_site(300, SITE, items)
    before = [(r.name, r.kind, r.id, r.geometry["coordinates"]) for r in _objects(items)]
    for r in items:
        r["name"], r["kind"], r["lat"] = "змінено", "school", 0.0
    assert [(r.name, r.kind, r.id, r.geometry["coordinates"]) for r in a.receptors] == before
