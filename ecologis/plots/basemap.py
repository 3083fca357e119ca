"""Base map under the site map: cached web-map tiles or a georeferenced image.

The site map is drawn in the local azimuthal-equidistant frame of
:class:`ecologis.core.geometry.LocalFrame` (metres east/north of the centre).  Tiles
(Web Mercator, XYZ numbering, tile math from :mod:`mercantile`) are assembled into one
mosaic with Pillow and placed by the local coordinates of the mosaic's corners; over the
few kilometres of a site map the difference between the two projections is far below a
pixel.  Nothing here reads a file or the network: ``tiles`` is any object with
``get(z, x, y) -> (bytes | None, attribution)`` (see :class:`ecologis.io.tile_cache.TileSources`).
"""

from __future__ import annotations

import io

import numpy as np

TILE_PX = 256
MAX_TILES_ACROSS = 4
MIN_ZOOM, MAX_ZOOM = 3, 18


def _lonlat_bounds(frame, xlim, ylim) -> tuple[float, float, float, float]:
    xs = [xlim[0], xlim[1], xlim[0], xlim[1]]
    ys = [ylim[0], ylim[0], ylim[1], ylim[1]]
    lon, lat = frame.to_lonlat(xs, ys)
    return float(min(lon)), float(min(lat)), float(max(lon)), float(max(lat))


def best_zoom(west: float, south: float, east: float, north: float, across: int = MAX_TILES_ACROSS) -> int:
    """The largest zoom at which the box spans at most ``across`` tiles east–west."""
    import mercantile

    for z in range(MAX_ZOOM, MIN_ZOOM - 1, -1):
        a = mercantile.tile(west, north, z)
        b = mercantile.tile(east, south, z)
        if b.x - a.x + 1 <= across:
            return z
    return MIN_ZOOM


def mosaic(tiles, west, south, east, north, z: int):
    """(RGBA array, (west, south, east, north) of the mosaic, attribution, found, wanted)
    of the tiles covering the box at zoom ``z``; missing tiles stay transparent."""
    import mercantile
    from PIL import Image

    ul = mercantile.tile(west, north, z)
    lr = mercantile.tile(east, south, z)
    nx, ny = lr.x - ul.x + 1, lr.y - ul.y + 1
    canvas = Image.new("RGBA", (nx * TILE_PX, ny * TILE_PX), (0, 0, 0, 0))
    found, attribution = 0, ""
    for i in range(nx):
        for j in range(ny):
            data, attr = tiles.get(z, ul.x + i, ul.y + j)
            if not data:
                continue
            try:
                img = Image.open(io.BytesIO(data)).convert("RGBA")
            except Exception:  # noqa: BLE001 - a damaged tile is a missing tile
                continue
            if img.size != (TILE_PX, TILE_PX):
                img = img.resize((TILE_PX, TILE_PX))
            canvas.paste(img, (i * TILE_PX, j * TILE_PX))
            found += 1
            attribution = attribution or attr
    w, n = mercantile.ul(ul.x, ul.y, z)
    e, s = mercantile.ul(lr.x + 1, lr.y + 1, z)
    return np.asarray(canvas), (w, s, e, n), attribution, found, nx * ny


def draw_tiles(ax, frame, tiles) -> dict | None:
    """Draw the best available tiles under the current extent of ``ax``; returns
    ``{"kind": "tiles", "zoom", "attribution", "found", "wanted"}`` or None when no tile
    of any zoom level covers the extent."""
    if tiles is None:
        return None
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    w, s, e, n = _lonlat_bounds(frame, xlim, ylim)
    z0 = best_zoom(w, s, e, n)
    for z in range(z0, max(MIN_ZOOM, z0 - 4) - 1, -1):
        img, (mw, ms, me, mn), attribution, found, wanted = mosaic(tiles, w, s, e, n, z)
        if found == 0:
            continue
        _place(ax, frame, img, (mw, ms, me, mn))
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        return {"kind": "tiles", "zoom": z, "attribution": attribution, "found": found, "wanted": wanted}
    return None


def _place(ax, frame, img, bounds, rotation_deg: float = 0.0):
    west, south, east, north = bounds
    x, y = frame.to_local_xy([west, east, west, east], [south, south, north, north])
    left, right = float((x[0] + x[2]) / 2), float((x[1] + x[3]) / 2)
    bottom, top = float((y[0] + y[1]) / 2), float((y[2] + y[3]) / 2)
    art = ax.imshow(img, extent=(left, right, bottom, top), origin="upper", interpolation="bilinear", zorder=1)
    if rotation_deg:
        from matplotlib.transforms import Affine2D

        # turned clockwise about its centre (matplotlib turns counter-clockwise)
        turn = Affine2D().rotate_deg_around((left + right) / 2, (bottom + top) / 2, -float(rotation_deg))
        art.set_transform(turn + ax.transData)
    return art


def draw_image(ax, frame, image_bytes: bytes, bounds, rotation_deg: float = 0.0) -> dict:
    """A georeferenced image (site plan, orthophoto: PNG/JPEG/GeoTIFF bytes readable by
    Pillow) with its (west, south, east, north) bounds in degrees, turned ``rotation_deg``
    clockwise about its centre (:mod:`ecologis.io.underlay`), drawn under the layers."""
    from PIL import Image

    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    img = np.asarray(Image.open(io.BytesIO(image_bytes)).convert("RGBA"))
    _place(ax, frame, img, tuple(float(v) for v in bounds), float(rotation_deg or 0.0))
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return {"kind": "underlay"}
