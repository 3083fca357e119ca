"""A georeferenced underlay for the map and the report: a site plan or an orthophoto.

A PNG/JPEG with the coordinates of its edges (west, south, east, north in WGS84 degrees)
and, for a plan not drawn north-up, the angle it is turned by (clockwise, about its
centre: its top points that many degrees east of north); or a GeoTIFF in geographic
coordinates whose tags give its place (a tie point and pixel scale, or a transformation
matrix that may turn it).  Read with Pillow.

The edges of a turned plan are those it would have turned back north-up about its centre:
a plan of width W and height H metres turned by θ covers a box W·|cos θ| + H·|sin θ| wide
and W·|sin θ| + H·|cos θ| high.
"""

from __future__ import annotations

import io
import math
from pathlib import Path


def read_underlay(path, bounds=None, rotation=None) -> dict | None:
    """``{"image": bytes, "bounds": (west, south, east, north), "rotation_deg": θ}`` or None
    when the file cannot be read or its place is unknown (``bounds`` None: the GeoTIFF's
    own place and turn; ``rotation`` None: the GeoTIFF's turn, else 0)."""
    try:
        data = Path(path).read_bytes()
    except (OSError, TypeError, ValueError):
        return None
    if bounds is None:
        try:
            placed = geotiff_placement(data)
        except Exception:  # noqa: BLE001 - not an image Pillow reads, or tags that place nothing
            return None
        if placed is None:
            return None
        bounds, own_rotation = placed
        rotation = own_rotation if rotation is None else rotation
    try:
        w, s, e, n = (float(v) for v in bounds)
        theta = float(rotation or 0.0)
    except (TypeError, ValueError):
        return None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90) or not math.isfinite(theta):
        return None
    return {"image": data, "bounds": (w, s, e, n), "rotation_deg": theta}


def geotiff_bounds(image_bytes: bytes) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a GeoTIFF in geographic degrees (for a turned one, the
    edges it has turned back north-up: :func:`geotiff_placement`); None when its tags do
    not place it."""
    placed = geotiff_placement(image_bytes)
    return None if placed is None else placed[0]


#: metres per degree of latitude on the sphere of the mean Earth radius (6,371,008.8 m),
#: for the size and turn of a plan (a site's extent: the sphere's error is far below a pixel)
_M_PER_DEG = 6371008.8 * math.pi / 180.0


def geotiff_placement(image_bytes: bytes):
    """``((west, south, east, north), rotation_deg)`` of a GeoTIFF in geographic degrees, or
    None when its tags do not place it.

    Either a north-up raster: ModelTiepoint (33922) and ModelPixelScale (33550), rotation 0;
    or ModelTransformation (34264), the affine map of pixel (I, J) to (lon, lat) —
    lon = a·I + b·J + d, lat = e·I + f·J + h — which may turn the picture: its centre, its
    width and height on the ground (pixel steps in metres: lon differences times
    cos(latitude of the centre)) and the turn θ of its top edge from east (clockwise
    positive) give the edges it has turned back north-up about its centre.  A transformation
    that shears or mirrors the picture places nothing (None)."""
    from PIL import Image

    img = Image.open(io.BytesIO(image_bytes))
    tags = getattr(img, "tag_v2", None)
    if not tags:
        return None
    w, h = img.size
    if 33922 in tags and 33550 in tags:
        tie = tags[33922]
        scale = tags[33550]
        i, j, x, y = tie[0], tie[1], tie[3], tie[4]          # (I, J, K, X, Y, Z) raster → model point
        sx, sy = scale[0], scale[1]
        west = x - i * sx
        north = y + j * sy
        east, south = west + w * sx, north - h * sy
        if not all(math.isfinite(v) for v in (west, south, east, north)) or not (-180 <= west < east <= 180):
            return None
        return (west, south, east, north), 0.0
    if 34264 not in tags:
        return None
    m = [float(v) for v in tags[34264]]
    if len(m) < 8 or not all(math.isfinite(v) for v in m[:8]):
        return None
    a, b, d, e, f, hh = m[0], m[1], m[3], m[4], m[5], m[7]
    lon_c, lat_c = a * w / 2 + b * h / 2 + d, e * w / 2 + f * h / 2 + hh
    kx = _M_PER_DEG * math.cos(math.radians(lat_c))      # metres per degree of longitude there
    ux, uy = a * kx, e * _M_PER_DEG                      # one pixel to the right, metres east/north
    vx, vy = b * kx, f * _M_PER_DEG                      # one pixel down
    su, sv = math.hypot(ux, uy), math.hypot(vx, vy)
    if su == 0.0 or sv == 0.0:
        return None
    # the pixel grid must stay square-cornered and not mirrored: "down" is "right" turned
    # clockwise by 90° (−uy, … in east/north terms: (uy, −ux) direction)
    if abs(ux * vx + uy * vy) > 1e-6 * su * sv or (ux * vy - uy * vx) >= 0.0:
        return None
    theta = -math.degrees(math.atan2(uy, ux))            # clockwise turn of the top edge from east
    half_w, half_h = su * w / 2 / kx, sv * h / 2 / _M_PER_DEG
    bounds = (lon_c - half_w, lat_c - half_h, lon_c + half_w, lat_c + half_h)
    if not (-180 <= bounds[0] < bounds[2] <= 180 and -90 <= bounds[1] < bounds[3] <= 90):
        return None
    return bounds, normalized_rotation(theta)


def normalized_rotation(theta: float) -> float:
    """The same turn in (−180°, 180°]."""
    t = math.fmod(float(theta), 360.0)
    if t > 180.0:
        t -= 360.0
    elif t <= -180.0:
        t += 360.0
    return 0.0 if t == 0.0 else t


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


def check_rotation(value, file: str = "") -> float:
    """The turn of a site plan in degrees (clockwise), in (−180°, 180°], or
    :class:`UnderlayError` when it is not a number."""
    try:
        theta = float(0.0 if value is None else value)
    except (TypeError, ValueError):
        raise UnderlayError(file, "underlay.error.rotation") from None
    if not math.isfinite(theta):
        raise UnderlayError(file, "underlay.error.rotation")
    return normalized_rotation(theta)


def inspect_image(path) -> dict:
    """What a site-plan file holds: ``{"format", "size": (w, h), "bounds": (w, s, e, n) or
    None, "rotation_deg"}`` (place and turn from GeoTIFF tags); :class:`UnderlayError`
    when it is no image."""
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
    placed = None
    if fmt == "TIFF":
        try:
            placed = geotiff_placement(data)
        except Exception:  # noqa: BLE001 - tags Pillow cannot read: no place known
            placed = None
    bounds, rotation = placed if placed is not None else (None, 0.0)
    return {"format": fmt, "size": size, "bounds": bounds, "rotation_deg": rotation}


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
