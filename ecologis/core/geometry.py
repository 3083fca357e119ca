"""Site geometry: the СЗЗ as a buffer of the industrial site, receptors inside/outside.

Sanitary rules measure the sanitary protection zone (СЗЗ) from the boundary of the
industrial site.  Everything metric here is computed in a *local azimuthal-equidistant
projection* (pyproj ``+proj=aeqd``) centred on the site, never in degrees:

* distances measured from the centre are exact geodesic distances on the WGS84
  ellipsoid; distances between two other points within a few kilometres of the centre
  differ from the geodesic ones by a relative amount of about ρ²/(6R²) (ρ their distance
  from the centre, R the Earth radius): 4·10⁻⁹ at 1 km, 4·10⁻⁷ at 10 km;
* the buffer (Minkowski sum of the site polygon and a disc of the category radius) is
  built by shapely (GEOS) in those metres and projected back to WGS84.

Coordinates come in as GeoJSON (longitude, latitude order, WGS84 degrees).
No Qt here.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field
from functools import lru_cache
from collections.abc import Sequence
from typing import Any, Iterable

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.validation import explain_validity

from ecologis.core.receptors import RECEPTOR_KINDS  # noqa: F401  (re-exported)
from ecologis.i18n import KeyedError

#: Segments per quarter circle of buffers and circles (GEOS ``quad_segs``).  With 32 the
#: polygonal arc under-estimates a circle's area by (1 − sin(2π/n)/(2π/n)), n = 128
#: segments: 0.04 %.
QUAD_SEGS = 32


class GeometryError(KeyedError, ValueError):
    """Refused geometry input.  ``key``/``params`` give the translated message
    (``geo.error.*`` in ``locales/<lang>.geo.json``)."""

    def message(self, lang: str | None = None) -> str:
        return super().message(lang).strip()


# ---------------------------------------------------------------- validation
def check_latlon(lat: float, lon: float, where: str = "") -> tuple[float, float]:
    """Refuse a latitude outside −90..90 or a longitude outside −180..180 (degrees)."""
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise GeometryError("geo.error.not_number", where=where, lat=lat, lon=lon) from None
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        raise GeometryError("geo.error.not_number", where=where, lat=lat, lon=lon)
    if not -90.0 <= lat_f <= 90.0:
        raise GeometryError("geo.error.lat_range", where=where, lat=lat_f)
    if not -180.0 <= lon_f <= 180.0:
        raise GeometryError("geo.error.lon_range", where=where, lon=lon_f)
    return lat_f, lon_f


def _check_lonlat_array(coords: np.ndarray, where: str) -> None:
    """Vectorised range check of an (n, 2) array of (lon, lat) degrees."""
    if coords.size == 0:
        return
    if not np.all(np.isfinite(coords)):
        raise GeometryError("geo.error.not_number", where=where, lat="?", lon="?")
    bad_lat = np.flatnonzero(np.abs(coords[:, 1]) > 90.0)
    if bad_lat.size:
        raise GeometryError("geo.error.lat_range", where=where, lat=float(coords[bad_lat[0], 1]))
    bad_lon = np.flatnonzero(np.abs(coords[:, 0]) > 180.0)
    if bad_lon.size:
        raise GeometryError("geo.error.lon_range", where=where, lon=float(coords[bad_lon[0], 0]))


def _geometry_dict(obj: Any, where: str) -> dict:
    """The geometry of a GeoJSON Geometry / Feature / single-feature FeatureCollection."""
    if not isinstance(obj, dict):
        raise GeometryError("geo.error.not_geojson", where=where)
    kind = obj.get("type")
    if kind == "Feature":
        return _geometry_dict(obj.get("geometry"), where)
    if kind == "FeatureCollection":
        feats = [f for f in obj.get("features") or [] if isinstance(f, dict) and f.get("geometry")]
        polys = [f for f in feats if f["geometry"].get("type") in ("Polygon", "MultiPolygon")]
        if len(polys) != 1:
            raise GeometryError("geo.error.site_count", where=where, count=len(polys))
        return polys[0]["geometry"]
    if kind not in ("Point", "Polygon", "MultiPolygon", "LineString", "MultiPoint", "MultiLineString"):
        raise GeometryError("geo.error.not_geojson", where=where)
    return obj


def validate_site(geojson: Any, where: str = "") -> Polygon | MultiPolygon:
    """Validate a site polygon given as GeoJSON (lon/lat degrees, WGS84) and return it.

    Method: every ring must have at least three distinct vertices; coordinates are
    range-checked; self-intersection and other invalidity are found by GEOS
    (``is_valid``, OGC simple-features rules) and reported with the location GEOS gives.
    """
    geom = _geometry_dict(geojson, where)
    if geom.get("type") not in ("Polygon", "MultiPolygon"):
        raise GeometryError("geo.error.not_polygon", where=where, type=geom.get("type"))
    polys = [geom.get("coordinates")] if geom["type"] == "Polygon" else list(geom.get("coordinates") or [])
    if not polys:
        raise GeometryError("geo.error.too_few_points", where=where, count=0)
    for poly in polys:
        if not isinstance(poly, list) or not poly:
            raise GeometryError("geo.error.too_few_points", where=where, count=0)
        for ring in poly:
            try:
                arr = np.asarray(ring, dtype=float)
            except (TypeError, ValueError):
                raise GeometryError("geo.error.not_number", where=where, lat="?", lon="?") from None
            if arr.ndim != 2 or arr.shape[1] < 2:
                raise GeometryError("geo.error.not_geojson", where=where)
            arr = arr[:, :2]
            _check_lonlat_array(arr, where)
            distinct = len(np.unique(np.round(arr, 12), axis=0))
            if distinct < 3:
                raise GeometryError("geo.error.too_few_points", where=where, count=distinct)
    g = shape(geom)
    if not g.is_valid:
        reason = explain_validity(g)
        if "Self-intersection" in reason or "Ring Self-intersection" in reason:
            m = re.search(r"\[([-\d.eE+]+) ([-\d.eE+]+)\]", reason)
            lon, lat = (float(m.group(1)), float(m.group(2))) if m else (float("nan"), float("nan"))
            raise GeometryError("geo.error.self_intersection", where=where, lat=f"{lat:.6f}", lon=f"{lon:.6f}")
        raise GeometryError("geo.error.invalid", where=where, reason=reason)
    if g.area <= 0:
        raise GeometryError("geo.error.too_few_points", where=where, count=2)
    return g


def close_ring(latlngs: Sequence[Sequence[float]]) -> list[list[float]]:
    """A GeoJSON ring ``[[lon, lat], …]`` (closed) from a list of ``(lat, lon)`` pairs."""
    ring = [[float(lon), float(lat)] for lat, lon in latlngs]
    if ring and ring[0] != ring[-1]:
        ring.append(list(ring[0]))
    return ring


# ------------------------------------------------------------ local projection
def _aeqd_proj4(lat0: float, lon0: float) -> str:
    return f"+proj=aeqd +lat_0={lat0!r} +lon_0={lon0!r} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"


def _aeqd_pipelines(lat0: float, lon0: float) -> tuple[str, str]:
    """The PROJ pipelines WGS84 lon/lat degrees → aeqd metres and back: the operations PROJ
    itself chooses between EPSG:4326 (x = lon) and :func:`_aeqd_proj4` (one ellipsoid, no
    datum shift), written out so that no CRS database is opened (~0.3 s at a first use)."""
    aeqd = f"+proj=aeqd +lat_0={lat0!r} +lon_0={lon0!r} +x_0=0 +y_0=0 +ellps=WGS84"
    fwd = f"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step {aeqd}"
    inv = f"+proj=pipeline +step +inv {aeqd} +step +proj=unitconvert +xy_in=rad +xy_out=deg"
    return fwd, inv


@lru_cache(maxsize=64)
def _transformers(lat0: float, lon0: float):
    from pyproj import Transformer

    fwd, inv = _aeqd_pipelines(lat0, lon0)
    return Transformer.from_pipeline(fwd), Transformer.from_pipeline(inv)


@dataclass(frozen=True)
class LocalFrame:
    """Azimuthal-equidistant projection (pyproj ``aeqd``, WGS84) centred on (lat0, lon0).

    x is metres east, y metres north of the centre.
    """

    lat0: float
    lon0: float

    @classmethod
    def around(cls, geom_lonlat) -> "LocalFrame":
        """Frame centred on the centroid (in degrees) of a shapely geometry in lon/lat."""
        c = geom_lonlat.centroid if not geom_lonlat.is_empty else Point(0, 0)
        return cls(lat0=float(c.y), lon0=float(c.x))

    @property
    def proj_string(self) -> str:
        """The PROJ definition of the frame (for results that name their projection)."""
        return _aeqd_proj4(self.lat0, self.lon0)

    def to_local_xy(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised (lon, lat) degrees → (x, y) metres."""
        fwd, _ = _transformers(self.lat0, self.lon0)
        x, y = fwd.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        return np.asarray(x), np.asarray(y)

    def to_lonlat(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised (x, y) metres → (lon, lat) degrees."""
        _, inv = _transformers(self.lat0, self.lon0)
        lon, lat = inv.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return np.asarray(lon), np.asarray(lat)

    def to_local(self, geom):
        """A shapely geometry in lon/lat degrees → the same geometry in local metres."""
        fwd, _ = _transformers(self.lat0, self.lon0)
        return shapely.transform(geom, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))

    def to_wgs84(self, geom):
        """A shapely geometry in local metres → lon/lat degrees."""
        _, inv = _transformers(self.lat0, self.lon0)
        return shapely.transform(geom, lambda c: np.column_stack(inv.transform(c[:, 0], c[:, 1])))


def _to_geojson(geom) -> dict:
    """A shapely geometry as a plain GeoJSON dict (lists, not tuples)."""
    import json

    return json.loads(shapely.to_geojson(geom))


# ------------------------------------------------------------------- the СЗЗ
def buffer_site(site_local, radius_m: float, quad_segs: int = QUAD_SEGS):
    """СЗЗ = buffer of the site polygon by ``radius_m`` metres (round joins), local metres.

    Method: GEOS buffer (Minkowski sum with a disc approximated by ``4·quad_segs``
    segments) of the polygon already projected to the local aeqd frame.  Area of the
    exact buffer of a convex polygon: A + P·r + π·r² (A area, P perimeter) — the
    polygonal approximation is smaller by at most 1 − sin(θ)/θ of the π·r² part,
    θ = π/(2·quad_segs).
    """
    if radius_m < 0:
        raise GeometryError("geo.error.radius", radius=radius_m)
    return site_local.buffer(float(radius_m), quad_segs=quad_segs)


def circle_szz(lat: float, lon: float, radius_m: float, quad_segs: int = QUAD_SEGS) -> dict:
    """Fallback СЗЗ without a site polygon: a circle of ``radius_m`` metres around the
    enterprise point, as a GeoJSON Polygon (lon/lat).  Method: a disc in the aeqd frame
    centred on the point (so every vertex is at the exact geodesic distance)."""
    lat, lon = check_latlon(lat, lon)
    if radius_m < 0:
        raise GeometryError("geo.error.radius", radius=radius_m)
    frame = LocalFrame(lat, lon)
    disc = Point(0.0, 0.0).buffer(float(radius_m), quad_segs=quad_segs)
    return _to_geojson(frame.to_wgs84(disc))


# ------------------------------------------------------------------ receptors
@dataclass
class ParsedReceptor:
    """A sensitive object as the geometry parser validated it: ``geometry`` is a GeoJSON
    Point or Polygon (lon/lat).  The project's receptor (the model's section) is
    :class:`ecologis.model.project.Receptor`; this is what the site analysis works on."""

    name: str
    geometry: dict
    kind: str = "other"
    id: str = ""

    @classmethod
    def from_any(cls, obj: Any, where: str = "") -> "ParsedReceptor":
        """From a GeoJSON Feature (properties ``name``, ``kind``) or a dict with
        ``name``/``kind`` and either ``geometry`` or ``lat``/``lon``."""
        if not isinstance(obj, dict):
            raise GeometryError("geo.error.not_geojson", where=where)
        props = obj.get("properties") if obj.get("type") == "Feature" else obj
        props = props or {}
        if not isinstance(props, dict):
            raise GeometryError("geo.error.not_geojson", where=where)
        if obj.get("geometry"):
            geom = obj["geometry"]
        elif "lat" in obj and "lon" in obj:
            lat, lon = check_latlon(obj["lat"], obj["lon"], where)
            return cls(name="" if props.get("name") is None else str(props["name"]),
                       geometry={"type": "Point", "coordinates": [lon, lat]},
                       kind=props.get("kind") if props.get("kind") in RECEPTOR_KINDS else "other",
                       id=str(props.get("id") or ""))
        else:
            raise GeometryError("geo.error.no_geometry", where=where)
        if not isinstance(geom, dict) or geom.get("type") not in ("Point", "Polygon", "MultiPolygon"):
            raise GeometryError("geo.error.receptor_type", where=where,
                                type=geom.get("type") if isinstance(geom, dict) else "?")
        if geom["type"] == "Point":
            c = geom.get("coordinates") or []
            if not isinstance(c, (list, tuple)) or len(c) < 2:
                raise GeometryError("geo.error.not_geojson", where=where)
            check_latlon(c[1], c[0], where)
        else:
            validate_site(geom, where)
        kind = str(props.get("kind") or "other")
        if kind not in RECEPTOR_KINDS:
            kind = "other"
        name = props.get("name")
        return cls(name="" if name is None else str(name), geometry=geom, kind=kind,
                   id=str(props.get("id") or obj.get("id") or ""))

    def to_json(self) -> dict:
        d = {"name": self.name, "kind": self.kind, "geometry": self.geometry}
        if self.id:
            d["id"] = self.id
        return d


@dataclass
class ReceptorResult:
    name: str
    kind: str
    distance_m: float
    inside: bool
    on_site: bool
    geometry: dict
    id: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "kind": self.kind, "distance_m": round(self.distance_m, 2),
                "inside": self.inside, "on_site": self.on_site, "id": self.id, "geometry": self.geometry}


def _is_point_dict(r) -> bool:
    """A receptor given as a plain dict with ``lat``/``lon`` (the form the CLI and GUI pass)."""
    return type(r) is dict and "lat" in r and "lon" in r and not r.get("geometry") and r.get("type") != "Feature"


def _receptors_from(items: Iterable[Any]) -> list[ParsedReceptor]:
    """:meth:`ParsedReceptor.from_any` of each item (``#k`` names the k-th in messages).

    Plain lat/lon dicts whose coordinates are all numbers in range are converted together
    (one vectorised check); anything else, or any problem, goes item by item, so that the
    first bad item is reported exactly as :meth:`ParsedReceptor.from_any` reports it."""
    items = list(items)
    if items and all(_is_point_dict(r) for r in items):
        lat = [r["lat"] for r in items]
        lon = [r["lon"] for r in items]
        if all(type(v) in (float, int) for v in lat) and all(type(v) in (float, int) for v in lon):
            la = np.array(lat, dtype=float)
            lo = np.array(lon, dtype=float)
            if np.all(np.isfinite(la) & np.isfinite(lo) & (np.abs(la) <= 90.0) & (np.abs(lo) <= 180.0)):
                out = []
                for r, a, b in zip(items, la.tolist(), lo.tolist()):
                    name, kind = r.get("name"), r.get("kind")
                    out.append(ParsedReceptor(name="" if name is None else str(name),
                                        geometry={"type": "Point", "coordinates": [b, a]},
                                        kind=kind if kind in RECEPTOR_KINDS else "other", id=str(r.get("id") or "")))
                return out
    return [r if isinstance(r, ParsedReceptor) else ParsedReceptor.from_any(r, where=f"#{i}")
            for i, r in enumerate(items, start=1)]


def _receptors_local(frame: LocalFrame, recs: Sequence[ParsedReceptor]) -> np.ndarray:
    """ParsedReceptor geometries in the local frame; points are projected in one vectorised call."""
    out = np.empty(len(recs), dtype=object)
    pts, others = [], []
    for i, r in enumerate(recs):
        (pts if r.geometry.get("type") == "Point" else others).append(i)
    if pts:
        coords = np.array([recs[i].geometry["coordinates"][:2] for i in pts], dtype=float)
        x, y = frame.to_local_xy(coords[:, 0], coords[:, 1])
        out[pts] = shapely.points(np.column_stack([x, y]))
    for i in others:
        out[i] = frame.to_local(shape(recs[i].geometry))
    return out


def receptor_distances(site_local, receptors_local: Sequence, radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Distance (metres) from each receptor to the site and the "inside the СЗЗ" flag.

    Method: minimum Euclidean distance in the local aeqd frame between the receptor and
    the site polygon (0 when they touch or overlap; the site "boundary" of the sanitary
    rules is the polygon, so a receptor on the site has distance 0).  Point receptors:
    point-in-polygon test (prepared GEOS geometry) and, outside, the length of the
    shortest line to the site's boundary, prepared (GEOS indexes its edges once, so each
    point is measured without a scan of every edge) — the same value as GEOS
    ``distance``, which scans every edge for every point.  Polygon receptors: GEOS ``distance``.
    Inside ⇔ distance ≤ radius — the exact test against the true buffer, free of the
    buffer's segment approximation.
    """
    geoms = np.asarray(receptors_local, dtype=object)
    if geoms.size == 0:
        return np.zeros(0), np.zeros(0, dtype=bool)
    shapely.prepare(site_local)
    d = np.empty(geoms.size, dtype=float)
    is_point = shapely.get_type_id(geoms) == 0
    if site_local.geom_type in ("Polygon", "MultiPolygon") and is_point.any():
        pts = geoms[is_point]
        xy = shapely.get_coordinates(pts)
        dp = np.zeros(len(xy))
        out = ~shapely.contains_xy(site_local, xy[:, 0], xy[:, 1])
        if out.any():
            boundary = shapely.boundary(site_local)
            shapely.prepare(boundary)
            ends = shapely.get_coordinates(shapely.shortest_line(boundary, pts[out])).reshape(-1, 2, 2)
            dp[out] = np.hypot(ends[:, 1, 0] - ends[:, 0, 0], ends[:, 1, 1] - ends[:, 0, 1])
        d[is_point] = dp
        rest = ~is_point
    else:
        rest = np.ones(geoms.size, dtype=bool)
    if rest.any():
        d[rest] = shapely.distance(site_local, geoms[rest])
    return d, d <= float(radius_m)


def _plain_points(items: list) -> tuple[np.ndarray, np.ndarray] | None:
    """``(lon, lat)`` arrays when every item is a plain lat/lon dict (:func:`_is_point_dict`)
    whose coordinates are numbers in range — checked column-wise, no per-item objects;
    ``None`` otherwise (then :func:`_receptors_from` reads them item by item)."""
    if not items or set(map(type, items)) != {dict}:
        return None
    try:
        lat = [r["lat"] for r in items]
        lon = [r["lon"] for r in items]
    except KeyError:
        return None
    if any(map(operator.methodcaller("get", "geometry"), items)) or \
            "Feature" in map(operator.methodcaller("get", "type"), items):
        return None
    if not (set(map(type, lat)) <= {float, int} and set(map(type, lon)) <= {float, int}):
        return None
    la = np.array(lat, dtype=float)
    lo = np.array(lon, dtype=float)
    if not np.all(np.isfinite(la) & np.isfinite(lo) & (np.abs(la) <= 90.0) & (np.abs(lo) <= 180.0)):
        return None
    return lo, la


class ReceptorResults(Sequence):
    """The receptors of a :class:`SiteAnalysis` as a read-only list of :class:`ReceptorResult`,
    kept as arrays (distance, inside, on site) and made into objects when first read (all of
    them at once when iterated)."""

    def __init__(self, fields, distance: np.ndarray, inside: np.ndarray, on_site: np.ndarray):
        self._fields = fields                   # i -> (name, kind, geometry, id)
        self.distance_m = distance
        self.inside = inside
        self.on_site = on_site
        self._items: list = [None] * len(distance)
        self._made = 0

    def __len__(self) -> int:
        return len(self._items)

    def _make_all(self) -> None:
        items, fields = self._items, self._fields
        d, ins, on = self.distance_m.tolist(), self.inside.tolist(), self.on_site.tolist()
        for i in range(len(items)):
            if items[i] is None:
                name, kind, geometry, rid = fields(i)
                items[i] = ReceptorResult(name, kind, d[i], ins[i], on[i], geometry, rid)
        self._made = len(items)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        item = self._items[i]
        if item is None:
            k = range(len(self))[i]
            name, kind, geometry, rid = self._fields(k)
            item = self._items[k] = ReceptorResult(name, kind, float(self.distance_m[k]), bool(self.inside[k]),
                                                   bool(self.on_site[k]), geometry, rid)
            self._made += 1
        return item

    def __iter__(self):
        if self._made < len(self._items):
            self._make_all()
        return iter(self._items)

    def __eq__(self, other) -> bool:
        if isinstance(other, (ReceptorResults, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"ReceptorResults({list(self)!r})"


def _point_distances(site_local, x: np.ndarray, y: np.ndarray, radius_m: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`receptor_distances` of point receptors given as local coordinates: the same
    values, with point geometries made only for the points outside a polygonal site."""
    if site_local.geom_type not in ("Polygon", "MultiPolygon"):
        return receptor_distances(site_local, shapely.points(x, y), radius_m)
    d = np.zeros(len(x))
    if len(x):
        shapely.prepare(site_local)
        out = ~shapely.contains_xy(site_local, x, y)
        if out.any():
            boundary = shapely.boundary(site_local)
            shapely.prepare(boundary)
            ends = shapely.get_coordinates(shapely.shortest_line(boundary, shapely.points(x[out], y[out])))
            ends = ends.reshape(-1, 2, 2)
            d[out] = np.hypot(ends[:, 1, 0] - ends[:, 0, 0], ends[:, 1, 1] - ends[:, 0, 1])
    return d, d <= float(radius_m)


@dataclass
class SiteAnalysis:
    """Result of :func:`analyse_site`: the СЗЗ polygon and the receptors' status."""

    szz: dict                       # GeoJSON Polygon/MultiPolygon, lon/lat
    szz_area_m2: float
    radius_m: float
    method: str                     # "buffer" (site polygon) or "circle" (enterprise point)
    center: tuple[float, float]     # (lat, lon) of the local frame
    receptors: Sequence[ReceptorResult] = field(default_factory=list)   # ReceptorResults from analyse_site
    site_area_m2: float = 0.0

    @property
    def conflicts(self) -> list[ReceptorResult]:
        """Receptors inside the СЗЗ, nearest first."""
        recs = self.receptors
        if isinstance(recs, ReceptorResults):
            idx = np.flatnonzero(recs.inside)
            return [recs[int(i)] for i in idx[np.argsort(recs.distance_m[idx], kind="stable")]]
        return sorted((r for r in recs if r.inside), key=lambda r: r.distance_m)

    def conflict_lines(self, lang: str | None = None) -> list[str]:
        """One translated line per conflict for the results panel / report."""
        from ecologis.i18n import translator_for

        tr = translator_for(lang)
        out = []
        for r in self.conflicts:
            # distances are to the site boundary, or to the enterprise point without one
            key = ("geo.conflict.on_site" if r.on_site else
                   "geo.conflict.line" if self.method == "buffer" else "geo.conflict.line_point")
            out.append(tr(key, name=r.name or tr("geo.unnamed"), kind=tr("geo.kind." + r.kind),
                          distance=f"{r.distance_m:.0f}", radius=f"{self.radius_m:.0f}"))
        return out

    def to_json(self) -> dict:
        return {"szz_area_m2": round(self.szz_area_m2, 1), "radius_m": self.radius_m, "method": self.method,
                "center": {"lat": self.center[0], "lon": self.center[1]},
                "site_area_m2": round(self.site_area_m2, 1), "szz": self.szz,
                "receptors": [r.to_json() for r in self.receptors]}


def analyse_site(radius_m: float, site: Any = None, receptors: Iterable[Any] = (),
                 center: tuple[float, float] | None = None, quad_segs: int = QUAD_SEGS) -> SiteAnalysis:
    """Build the СЗЗ and classify the receptors.

    With a site polygon (GeoJSON, lon/lat): СЗЗ = :func:`buffer_site` of the polygon in
    the aeqd frame centred on its centroid; distances to the polygon.  Without one: the
    circle of ``radius_m`` around ``center`` = (lat, lon) and distances to that point.
    Areas in m² are the planar areas in the aeqd frame (exact to ~ρ²/(6R²)).
    """
    try:
        radius = float(radius_m)
    except (TypeError, ValueError):
        raise GeometryError("geo.error.radius", radius=radius_m) from None
    if not math.isfinite(radius) or radius < 0:
        raise GeometryError("geo.error.radius", radius=radius_m)
    items = receptors if isinstance(receptors, list) else list(receptors)
    points = _plain_points(items)
    recs = _receptors_from(items) if points is None else None
    if site:
        site_ll = validate_site(site)
        frame = LocalFrame.around(site_ll)
        site_local = frame.to_local(site_ll)
        method = "buffer"
    elif center is not None:
        lat, lon = check_latlon(*center)
        frame = LocalFrame(lat, lon)
        site_local = Point(0.0, 0.0)
        method = "circle"
    else:
        raise GeometryError("geo.error.no_site")
    szz_local = buffer_site(site_local, radius, quad_segs)
    szz_ll = frame.to_wgs84(szz_local)
    if points is None:
        dist, inside = receptor_distances(site_local, _receptors_local(frame, recs), radius)

        def fields(i: int) -> tuple:
            r = recs[i]
            return r.name, r.kind, r.geometry, r.id
    else:
        lon, lat = points
        dist, inside = _point_distances(site_local, *frame.to_local_xy(lon, lat), radius)
        # what the results are made of, taken now (the items may change later); as ParsedReceptor.from_any
        meta = [(r.get("name"), r.get("kind"), r.get("id")) for r in items]
        lon_l, lat_l = lon.tolist(), lat.tolist()

        def fields(i: int) -> tuple:
            name, kind, rid = meta[i]
            return ("" if name is None else str(name), kind if kind in RECEPTOR_KINDS else "other",
                    {"type": "Point", "coordinates": [lon_l[i], lat_l[i]]}, str(rid or ""))
    on_site = (dist == 0.0) if method == "buffer" else np.zeros(len(dist), dtype=bool)
    return SiteAnalysis(szz=_to_geojson(szz_ll), szz_area_m2=float(szz_local.area), radius_m=radius, method=method,
                        center=(frame.lat0, frame.lon0), receptors=ReceptorResults(fields, dist, inside, on_site),
                        site_area_m2=float(site_local.area) if method == "buffer" else 0.0)


def geodesic_area_m2(geojson: Any) -> float:
    """Area on the WGS84 ellipsoid (m²) of a GeoJSON polygon — pyproj.Geod (Karney)."""
    from pyproj import Geod

    g = shape(_geometry_dict(geojson, ""))
    area, _ = Geod(ellps="WGS84").geometry_area_perimeter(g)
    return abs(float(area))


# ---------------------------------------------------------- coordinate search
_DMS_PART = re.compile(
    r"""(?P<sign>[-+−])?\s*(?P<deg>\d+(?:[.,]\d+)?)\s*(?:°|º|d|\s)?\s*
        (?:(?P<min>\d+(?:[.,]\d+)?)\s*(?:['′’]|m|\s)\s*)?
        (?:(?P<sec>\d+(?:[.,]\d+)?)\s*(?:["″”]|''|s)?\s*)?
        (?P<hemi>[NSEWnsewПпСсЗз]\.?(?:[нНдДхХ]\.?)?)?""",
    re.VERBOSE,
)


def _hemisphere(code: str | None) -> str | None:
    if not code:
        return None
    c = code.replace(".", "").lower()
    return {"n": "N", "s": "S", "e": "E", "w": "W", "пн": "N", "пд": "S", "сх": "E", "зх": "W",
            "с": "N", "ю": "S", "в": "E", "з": "W"}.get(c)


def parse_coordinates(text: str) -> tuple[float, float]:
    """Parse "lat, lon" in decimal degrees (``50.45, 30.52``; decimal comma allowed when
    the separator is ``;`` or a space) or degrees-minutes-seconds
    (``50°27'00"N 30°31'12"E``, also Ukrainian пн/пд/сх/зх).  Returns (lat, lon) in
    degrees, range-checked; a lone hemisphere letter decides the axis (E/W → longitude).
    """
    s = (text or "").strip()
    if not s:
        raise GeometryError("geo.error.parse", text=text)
    s = s.replace("−", "-")
    # Plain decimal pair.
    m = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d+)?)\s*", s)
    if not m:
        m = re.fullmatch(r"\s*([-+]?\d+(?:,\d+)?)\s*[;\s]\s*([-+]?\d+(?:,\d+)?)\s*", s)
    if m:
        lat, lon = float(m.group(1).replace(",", ".")), float(m.group(2).replace(",", "."))
        return check_latlon(lat, lon)
    parts = []
    pos = 0
    for mm in _DMS_PART.finditer(s):
        if not mm.group("deg"):
            continue
        if s[pos:mm.start()].strip(" ,;\t") != "":
            raise GeometryError("geo.error.parse", text=text)
        pos = mm.end()
        val = float(mm.group("deg").replace(",", "."))
        mins = float(mm.group("min").replace(",", ".")) if mm.group("min") else 0.0
        secs = float(mm.group("sec").replace(",", ".")) if mm.group("sec") else 0.0
        if mins >= 60 or secs >= 60:
            raise GeometryError("geo.error.parse", text=text)
        val += mins / 60.0 + secs / 3600.0
        hemi = _hemisphere(mm.group("hemi"))
        if mm.group("sign") in ("-", "−") or hemi in ("S", "W"):
            val = -val
        parts.append((val, hemi))
    if s[pos:].strip(" ,;\t") != "" or len(parts) != 2:
        raise GeometryError("geo.error.parse", text=text)
    (a, ha), (b, hb) = parts
    if ha in ("E", "W") or hb in ("N", "S"):
        a, b = b, a
    return check_latlon(a, b)
