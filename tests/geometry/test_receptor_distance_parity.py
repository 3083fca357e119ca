"""Receptor distances measured against the prepared boundary are the exact distance to the
site polygon, as GEOS ``distance`` computes it edge by edge, on polygons with holes, several
parts and repeated vertices."""

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from ecologis.core.geometry import receptor_distances


def test_hand_computed_distances_to_a_square():
    square = Polygon([(0, 0), (100, 0), (100, 100), (0, 100)])
    pts = shapely.points([(150, 50), (103, 104), (50, 50), (100, 30), (-6, -8)])
    d, inside = receptor_distances(square, pts, 5.0)
    # (150,50): 50 m east of the edge x=100; (103,104): corner (100,100), √(3²+4²) = 5;
    # (50,50) inside: 0; (100,30) on the edge: 0; (−6,−8): corner (0,0), √(36+64) = 10
    assert d.tolist() == pytest.approx([50.0, 5.0, 0.0, 0.0, 10.0], abs=1e-12)
    assert inside.tolist() == [False, True, True, True, False]


def _star(n, cx=0.0, cy=0.0, r0=500.0, seed=0):
    rng = np.random.default_rng(seed)
    th = np.sort(rng.uniform(0, 2 * np.pi, n))
    rr = r0 * (1 + 0.3 * np.sin(7 * th) * np.cos(3 * th)) * rng.uniform(0.9, 1.0, n)
    return np.column_stack([cx + rr * np.cos(th), cy + rr * np.sin(th)])


@pytest.mark.parametrize("seed", range(6))
def test_distances_equal_geos_distance(seed):
    rng = np.random.default_rng(100 + seed)
    outer = _star(int(rng.integers(3, 2000)), seed=seed)
    hole = _star(50, r0=100.0, seed=seed + 50)
    outer = np.vstack([outer, outer[:3]])[:-3]           # no change; a repeated vertex below
    outer = np.insert(outer, 1, outer[1], axis=0)        # a zero-length edge
    poly = Polygon(outer, [hole]).buffer(0)              # a valid polygon with a hole
    other = Polygon(_star(30, cx=3000.0, cy=-2000.0, r0=200.0, seed=seed + 7)).buffer(0)
    site = MultiPolygon([poly, other]) if seed % 2 else poly
    xy = rng.uniform(-4000, 4000, (3000, 2))
    xy[:50] = rng.uniform(-60, 60, (50, 2))              # in and around the hole
    ring = shapely.get_coordinates(shapely.boundary(site))
    xy[50:80] = ring[rng.integers(0, len(ring), 30)]     # on the boundary
    pts = shapely.points(xy)
    d, inside = receptor_distances(site, pts, 300.0)
    expected = shapely.distance(site, pts)              # GEOS, one scan of every edge per point
    assert np.max(np.abs(d - expected)) <= 1e-9 * max(1.0, float(np.max(expected)))
    assert inside.tolist() == (expected <= 300.0).tolist()
