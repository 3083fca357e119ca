"""A georeferenced underlay for the map and the report: a site plan or an orthophoto.

A PNG/JPEG with its corner coordinates (west, south, east, north in WGS84 degrees), or a
north-up GeoTIFF in geographic coordinates whose tags give them.  Read with Pillow.
"""

from __future__ import annotations

import io
import math
from pathlib import Path


def read_underlay(path, bounds=None) -> dict | None:
    """``{"image": bytes, "bounds": (west, south, east, north)}`` or None when the file
    cannot be read or its place is unknown."""
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


def geotiff_bounds(image_bytes: bytes) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a north-up GeoTIFF in geographic degrees, from its
    ModelTiepoint (33922) and ModelPixelScale (33550) tags; None when they are absent."""
    from PIL import Image

    img = Image.open(io.BytesIO(image_bytes))
    tags = getattr(img, "tag_v2", None)
    if not tags or 33922 not in tags or 33550 not in tags:
        return None
    tie = tags[33922]
    scale = tags[33550]
    i, j, x, y = tie[0], tie[1], tie[3], tie[4]          # (I, J, K, X, Y, Z) raster → model point
    sx, sy = scale[0], scale[1]
    west = x - i * sx
    north = y + j * sy
    w, h = img.size
    east, south = west + w * sx, north - h * sy
    if not all(math.isfinite(v) for v in (west, south, east, north)) or not (-180 <= west < east <= 180):
        return None
    return west, south, east, north
