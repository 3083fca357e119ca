"""Shared test geometry: a 200 m × 200 m square site near Kyiv built with pyproj.Geod."""

import math

import pytest
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
LAT0, LON0 = 50.45, 30.52
HALF = 100.0          # half side, m
RADIUS = 300.0        # СЗЗ radius, m


def square_site(lat0=LAT0, lon0=LON0, half=HALF):
    """Corners at geodesic distance half·√2 from the centre at azimuths 45°, 135°, 225°, 315°."""
    ring = []
    for az in (45.0, 135.0, 225.0, 315.0):
        lon, lat, _ = GEOD.fwd(lon0, lat0, az, half * math.sqrt(2.0))
        ring.append([lon, lat])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def east_of_boundary(d, lat0=LAT0, lon0=LON0, half=HALF):
    """A point d metres east of the middle of the east side, continuing the geodesic
    from the centre through that middle point (perpendicular to the side)."""
    lon_m, lat_m, back = GEOD.fwd(lon0, lat0, 90.0, half)
    lon, lat, _ = GEOD.fwd(lon_m, lat_m, back + 180.0, d)
    return lat, lon


def beyond_corner(d, lat0=LAT0, lon0=LON0, half=HALF):
    """A point d metres beyond the north-east corner along the diagonal."""
    lon_c, lat_c, back = GEOD.fwd(lon0, lat0, 45.0, half * math.sqrt(2.0))
    lon, lat, _ = GEOD.fwd(lon_c, lat_c, back + 180.0, d)
    return lat, lon


def demo_with_site(path):
    """The demo plant saved at ``path`` with a 200 m square site around its enterprise point
    and one kindergarten 250 m east of the site's boundary; returns ``path``."""
    from ecologis.io.profile import load_profile, save_profile
    from ecologis.model import Receptor
    from ecologis.paths import DEMO_PROFILE

    prof = load_profile(DEMO_PROFILE)
    lat0, lon0 = prof.enterprise.lat, prof.enterprise.lon
    prof.site = square_site(lat0, lon0)
    lat, lon = east_of_boundary(250.0, lat0, lon0)
    prof.receptors = [Receptor.from_dict({"name": "Дитсадок", "kind": "kindergarten", "lat": lat, "lon": lon})]
    save_profile(prof, path)
    return path


@pytest.fixture
def site():
    return square_site()
