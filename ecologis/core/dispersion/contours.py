"""Isolines and the calculated СЗЗ contour as GeoJSON (WGS84 lon/lat)."""

from __future__ import annotations

import numpy as np
from contourpy import contour_generator

from ecologis.core.geometry import LocalFrame

_ROUND = 7   # decimal degrees ≈ 1 cm


def _coords(proj: LocalFrame, xy: np.ndarray) -> list[list[float]]:
    lon, lat = proj.to_lonlat(xy[:, 0], xy[:, 1])
    return [[round(float(a), _ROUND), round(float(b), _ROUND)] for a, b in zip(lon, lat)]


def isolines_geojson(xs, ys, z, levels, proj: LocalFrame, *, scale: float = 1.0,
                     unit_label: str = "share_gdk") -> dict:
    """FeatureCollection: one MultiLineString per level where ``z`` = level.

    ``z`` has shape (len(ys), len(xs)); ``scale`` converts a level to mg/m³
    (properties ``level`` in ``unit_label`` and ``level_mg_m3``)."""
    gen = contour_generator(x=np.asarray(xs), y=np.asarray(ys), z=np.asarray(z), line_type="Separate")
    feats = []
    for lv in levels:
        lines = [ln for ln in gen.lines(float(lv)) if len(ln) >= 2]
        if not lines:
            continue
        feats.append({
            "type": "Feature",
            "properties": {"level": float(lv), "unit": unit_label, "level_mg_m3": float(lv) * scale},
            "geometry": {"type": "MultiLineString", "coordinates": [_coords(proj, ln) for ln in lines]},
        })
    return {"type": "FeatureCollection", "features": feats}


def zone_geojson(xs, ys, z, level: float, proj: LocalFrame, properties: dict | None = None) -> dict:
    """Feature with a MultiPolygon of the area where ``z`` ≥ ``level`` (None geometry if empty).

    ``properties.touches_grid_edge`` is true when the area reaches the grid boundary,
    i.e. the zone is cut by the calculation extent and should be recomputed larger."""
    z = np.asarray(z)
    props = dict(properties or {})
    props["level"] = float(level)
    zmax = float(np.nanmax(z)) if z.size else 0.0
    edge = np.concatenate([z[0, :], z[-1, :], z[:, 0], z[:, -1]])
    props["touches_grid_edge"] = bool(np.any(edge >= level))
    if zmax < level:
        return {"type": "Feature", "properties": props, "geometry": None}
    gen = contour_generator(x=np.asarray(xs), y=np.asarray(ys), z=z, fill_type="OuterOffset")
    points, offsets = gen.filled(float(level), zmax + 1.0)
    polys = []
    for pts, off in zip(points, offsets):
        rings = [_coords(proj, pts[off[i]:off[i + 1]]) for i in range(len(off) - 1)]
        polys.append(rings)
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "MultiPolygon", "coordinates": polys}}
