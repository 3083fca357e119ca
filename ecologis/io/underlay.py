"""A georeferenced underlay for the map and the report: a site plan or an orthophoto.

A PNG/JPEG with its corner coordinates (west, south, east, north in WGS84 degrees), or a
north-up GeoTIFF in geographic coordinates whose tags give them.  Read with Pillow.
"""

from __future__ import annotations

from pathlib import Path


def read_underlay(path, bounds=None) -> dict | None:
    """``{"image": bytes, "bounds": (west, south, east, north)}`` or None when the file
    cannot be read or its place is unknown."""
    from ecologis.plots.basemap import geotiff_bounds

    try:
        data = Path(path).read_bytes()
    except (OSError, TypeError, ValueError):
        return None
    if bounds is None:
        try:
            bounds = geotiff_bounds(data)
        except Exception:  # noqa: BLE001 - not an image Pillow reads
            return None
    try:
        w, s, e, n = (float(v) for v in bounds)
    except (TypeError, ValueError):
        return None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        return None
    return {"image": data, "bounds": (w, s, e, n)}
