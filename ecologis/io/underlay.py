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


# ---------------------------------------------------------------- checks for the GUI
from ecologis.i18n import TranslatedError  # noqa: E402

#: The longest side of the picture the map page receives (a site plan is shown, not analysed).
PREVIEW_MAX_PX = 4096


class UnderlayError(TranslatedError):
    """A base map or site plan the user chose cannot be used: ``file`` names it."""

    prefix_key = "underlay.error.prefix"


def check_bounds(bounds, file: str = "") -> tuple[float, float, float, float]:
    """(west, south, east, north) as floats, or :class:`UnderlayError` naming what is wrong."""
    try:
        w, s, e, n = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise UnderlayError(file, "underlay.error.corners_missing") from None
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        raise UnderlayError(file, "underlay.error.corners_missing")
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= 90 and -90 <= n <= 90):
        raise UnderlayError(file, "underlay.error.corners_range")
    if not (w < e and s < n):
        raise UnderlayError(file, "underlay.error.corners_order")
    return w, s, e, n


def inspect_image(path) -> dict:
    """What a site-plan file holds: ``{"format", "size": (w, h), "bounds": (w, s, e, n) or
    None}`` (bounds from GeoTIFF tags); :class:`UnderlayError` when it is no image."""
    from PIL import Image, UnidentifiedImageError

    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UnderlayError(str(p), "underlay.error.unreadable", detail=exc.strerror or str(exc)) from None
    try:
        img = Image.open(io.BytesIO(data))
        img.verify()
        img = Image.open(io.BytesIO(data))
        fmt, size = img.format, img.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise UnderlayError(str(p), "underlay.error.not_image") from None
    if fmt not in ("PNG", "JPEG", "TIFF"):
        raise UnderlayError(str(p), "underlay.error.not_image")
    bounds = None
    if fmt == "TIFF":
        try:
            bounds = geotiff_bounds(data)
        except Exception:  # noqa: BLE001 - tags Pillow cannot read: no place known
            bounds = None
    return {"format": fmt, "size": size, "bounds": bounds}


def preview_png(path, max_px: int = PREVIEW_MAX_PX) -> bytes:
    """The site plan as PNG bytes for the map page (GeoTIFF converted; at most ``max_px``
    on its longer side)."""
    from PIL import Image

    img = Image.open(io.BytesIO(Path(path).read_bytes()))
    img = img.convert("RGBA")
    if max(img.size) > max_px:
        img.thumbnail((max_px, max_px))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
