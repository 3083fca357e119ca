"""The local frame's transformations, written as PROJ pipelines, give bit for bit what PROJ
gives between EPSG:4326 and the aeqd CRS (its database, the former way)."""

import numpy as np
import pytest
from pyproj import CRS, Transformer

from ecologis.core.geometry import LocalFrame, _aeqd_proj4


@pytest.mark.parametrize("lat0, lon0", [(50.45, 30.52), (49.2331, 28.4682), (-33.9, 18.4), (64.1, -21.9),
                                        (0.0, 0.0), (48.0000001, 22.1234567891)])
def test_pipelines_equal_the_crs_transformations(lat0, lon0):
    local = CRS.from_proj4(_aeqd_proj4(lat0, lon0))
    fwd = Transformer.from_crs("EPSG:4326", local, always_xy=True)
    inv = Transformer.from_crs(local, "EPSG:4326", always_xy=True)
    frame = LocalFrame(lat0, lon0)
    rng = np.random.default_rng(3)
    lon = lon0 + rng.uniform(-0.6, 0.6, 5000)
    lat = np.clip(lat0 + rng.uniform(-0.4, 0.4, 5000), -89.9, 89.9)
    x, y = frame.to_local_xy(lon, lat)
    ex, ey = fwd.transform(lon, lat)
    assert np.array_equal(x, ex) and np.array_equal(y, ey)
    mx, my = rng.uniform(-30000, 30000, (2, 5000))
    lo, la = frame.to_lonlat(mx, my)
    elo, ela = inv.transform(mx, my)
    assert np.array_equal(lo, elo) and np.array_equal(la, ela)
