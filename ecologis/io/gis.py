"""GIS exchange: the site, emission sources, receptors and СЗЗ as one layered file.

* GeoJSON: one ``FeatureCollection``; every feature has ``properties.layer`` =
  ``site`` | ``szz`` | ``source`` | ``receptor`` plus ``name`` (and ``kind``, ``id``,
  ``distance_m``, ``inside`` where known).  Coordinates WGS84 lon/lat (RFC 7946).
* KML 2.2: one ``Document`` with a ``Folder`` per layer (``id`` = layer name, ``name``
  translated), placemarks with ``ExtendedData`` (``layer``, ``kind``, ``id`` …).
  Written with :mod:`xml.etree.ElementTree`, which escapes every name; read with
  :mod:`defusedxml` (no entities, no external references).
* CSV of receptors: columns ``name``, ``kind``, ``lat``, ``lon`` (synonyms
  ``latitude``/``longitude``, ``широта``/``довгота``, ``назва``, ``тип``), ``,`` or ``;``.

Reading validates every geometry with :mod:`ecologis.core.geometry` and raises
:class:`GisError` naming the file, feature/row and field.  Writing is atomic.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecologis.core.geometry import RECEPTOR_KINDS, GeometryError, ParsedReceptor, check_latlon, validate_site
from ecologis.i18n import KeyedError, TranslatedError
from ecologis.io.atomic import atomic_write_bytes, atomic_write_text

KML_NS = "http://www.opengis.net/kml/2.2"
LAYERS = ("site", "szz", "source", "receptor")
_FOLDER_KEY = {"site": "geo.layer.site", "szz": "geo.layer.szz", "source": "geo.layer.sources",
               "receptor": "geo.layer.receptors"}


class GisError(TranslatedError):
    """A GIS file that cannot be read; ``message(lang)`` is the translated reason."""

    prefix_key = "geo.gis.error.prefix"


@dataclass
class GisLayers:
    """What one layered GIS file holds.  Geometries are GeoJSON dicts (lon/lat)."""

    site: dict | None = None
    szz: dict | None = None
    sources: list[dict] = field(default_factory=list)     # {"id", "name", "lat", "lon", ...}
    receptors: list[dict] = field(default_factory=list)   # {"name", "kind", "geometry", ...}
    name: str = ""

    def is_empty(self) -> bool:
        return not (self.site or self.szz or self.sources or self.receptors)


# ---------------------------------------------------------------- GeoJSON
def _feature(layer: str, geometry: dict, **props) -> dict:
    p = {"layer": layer}
    p.update({k: v for k, v in props.items() if v is not None and v != ""})
    return {"type": "Feature", "properties": p, "geometry": geometry}


def to_geojson(layers: GisLayers) -> dict:
    """The layers as one GeoJSON FeatureCollection (``properties.layer`` tells them apart)."""
    feats = []
    if layers.site:
        feats.append(_feature("site", layers.site, name=layers.name))
    if layers.szz:
        feats.append(_feature("szz", layers.szz))
    for s in layers.sources:
        extra = {k: v for k, v in s.items() if k not in ("lat", "lon", "geometry", "layer")}
        feats.append(_feature("source", {"type": "Point", "coordinates": [float(s["lon"]), float(s["lat"])]}, **extra))
    for r in layers.receptors:
        extra = {k: v for k, v in r.items() if k not in ("geometry", "layer", "lat", "lon")}
        geom = r.get("geometry") or {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]}
        feats.append(_feature("receptor", geom, **extra))
    doc = {"type": "FeatureCollection", "features": feats}
    if layers.name:
        doc["name"] = layers.name
    return doc


def _source_from_point(props: dict, geom: dict, where: str) -> dict:
    c = geom.get("coordinates") or []
    if geom.get("type") != "Point" or len(c) < 2:
        raise GeometryError("geo.error.receptor_type", where=where, type=geom.get("type"))
    lat, lon = check_latlon(c[1], c[0], where)
    out = {k: v for k, v in props.items() if k != "layer"}
    out.update({"lat": lat, "lon": lon})
    out.setdefault("id", out.get("name") or "")
    return out


def _receptor_dict(props: dict, geom: dict, where: str) -> dict:
    r = ParsedReceptor.from_any({"type": "Feature", "properties": props, "geometry": geom}, where=where)
    out = r.to_json()
    for k in ("distance_m", "inside"):
        if k in props:
            out[k] = props[k]
    return out


def _add_feature(out: GisLayers, layer: str | None, default_layer: str | None, props: dict, geom: dict,
                 where: str) -> str:
    """Put one feature into its layer of ``out`` and return that layer: the feature's own
    layer if known, else ``default_layer``, else the first polygon is the site and
    everything else a receptor.  Raises :class:`GeometryError`."""
    if layer not in LAYERS:
        layer = default_layer
    if layer not in LAYERS:
        layer = "site" if geom.get("type") in ("Polygon", "MultiPolygon") and out.site is None else "receptor"
    if layer == "site":
        validate_site(geom, where)
        out.site = geom
    elif layer == "szz":
        out.szz = geom
    elif layer == "source":
        out.sources.append(_source_from_point(props, geom, where))
    else:
        out.receptors.append(_receptor_dict(props, geom, where))
    return layer


def from_geojson(doc: Any, file: str = "?", default_layer: str | None = None) -> GisLayers:
    """Read a layered FeatureCollection.  Features without ``properties.layer`` go to
    ``default_layer`` if given, otherwise polygons to the site (the first) and points
    to the receptors."""
    if isinstance(doc, dict) and doc.get("type") in ("Polygon", "MultiPolygon", "Point", "Feature"):
        doc = {"type": "FeatureCollection", "features": [doc if doc["type"] == "Feature"
                                                         else {"type": "Feature", "properties": {}, "geometry": doc}]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise GisError(file, "geo.gis.error.feature", row=0, detail=GeometryError("geo.error.not_geojson", where=""))
    out = GisLayers(name=str(doc.get("name") or ""))
    for i, f in enumerate(doc["features"], start=1):
        where = ""
        try:
            if not isinstance(f, dict) or not isinstance(f.get("geometry"), dict):
                raise GeometryError("geo.error.no_geometry", where=where)
            if not isinstance(f.get("properties") or {}, dict):
                raise GisError(file, "geo.gis.error.feature", row=i,
                               detail=KeyedError("io.gis.not_object", field="properties"))
            props = dict(f.get("properties") or {})
            layer = _add_feature(out, props.get("layer"), default_layer, props, f["geometry"], where)
            if layer == "site" and props.get("name") and not out.name:
                out.name = str(props["name"])
        except GeometryError as e:
            raise GisError(file, "geo.gis.error.feature", row=i, detail=e) from None
    return out


# -------------------------------------------------------------------- KML
def _coords_text(ring) -> str:
    return " ".join(f"{float(c[0]):.8f},{float(c[1]):.8f}" for c in ring)


def _kml_geometry(parent: ET.Element, geom: dict) -> None:
    kind = geom.get("type")
    if kind == "Point":
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _coords_text([geom["coordinates"]])
    elif kind == "Polygon":
        poly = ET.SubElement(parent, "Polygon")
        rings = geom["coordinates"]
        outer = ET.SubElement(ET.SubElement(poly, "outerBoundaryIs"), "LinearRing")
        ET.SubElement(outer, "coordinates").text = _coords_text(rings[0])
        for hole in rings[1:]:
            inner = ET.SubElement(ET.SubElement(poly, "innerBoundaryIs"), "LinearRing")
            ET.SubElement(inner, "coordinates").text = _coords_text(hole)
    elif kind == "MultiPolygon":
        multi = ET.SubElement(parent, "MultiGeometry")
        for rings in geom["coordinates"]:
            _kml_geometry(multi, {"type": "Polygon", "coordinates": rings})
    else:
        raise GeometryError("geo.error.not_geojson", where="")


def _placemark(folder: ET.Element, name: str, geom: dict, style: str, data: dict) -> None:
    pm = ET.SubElement(folder, "Placemark")
    ET.SubElement(pm, "name").text = name or ""
    ET.SubElement(pm, "styleUrl").text = "#" + style
    ext = ET.SubElement(pm, "ExtendedData")
    for k, v in data.items():
        if v is None or v == "":
            continue
        d = ET.SubElement(ext, "Data", name=k)
        ET.SubElement(d, "value").text = json.dumps(v) if isinstance(v, bool) else str(v)
    _kml_geometry(pm, geom)


def _style(doc: ET.Element, sid: str, line: str, poly: str | None = None, icon_color: str | None = None) -> None:
    st = ET.SubElement(doc, "Style", id=sid)
    ls = ET.SubElement(st, "LineStyle")
    ET.SubElement(ls, "color").text = line
    ET.SubElement(ls, "width").text = "2"
    if poly:
        ET.SubElement(ET.SubElement(st, "PolyStyle"), "color").text = poly
    if icon_color:
        ET.SubElement(ET.SubElement(st, "IconStyle"), "color").text = icon_color


def to_kml(layers: GisLayers, lang: str = "uk") -> bytes:
    """KML 2.2 document (UTF-8 bytes): a Folder per layer, names escaped by ElementTree."""
    from ecologis.i18n import t_lang

    root = ET.Element("kml", xmlns=KML_NS)
    doc = ET.SubElement(root, "Document")
    ET.SubElement(doc, "name").text = layers.name or t_lang(lang, "geo.layer.site")
    # KML colours are aabbggrr.
    _style(doc, "site", "ff4f4737", "80c5beb0")
    _style(doc, "szz", "ff2828c6", "40c3c7f4")
    _style(doc, "source", "ff424242", icon_color="ff424242")
    _style(doc, "receptor", "ff327d2e", "80327d2e", "ff327d2e")
    _style(doc, "receptor_in", "ff2828c6", "802828c6", "ff2828c6")

    def folder(layer: str) -> ET.Element:
        f = ET.SubElement(doc, "Folder", id=layer)
        ET.SubElement(f, "name").text = t_lang(lang, _FOLDER_KEY[layer])
        return f

    if layers.site:
        _placemark(folder("site"), layers.name or t_lang(lang, "geo.layer.site"), layers.site, "site",
                   {"layer": "site"})
    if layers.szz:
        _placemark(folder("szz"), t_lang(lang, "geo.layer.szz"), layers.szz, "szz", {"layer": "szz"})
    if layers.sources:
        f = folder("source")
        for s in layers.sources:
            data = {"layer": "source"}
            data.update({k: v for k, v in s.items() if k not in ("lat", "lon", "name", "layer", "geometry")
                         and isinstance(v, (str, int, float, bool))})
            _placemark(f, str(s.get("name") or s.get("id") or ""),
                       {"type": "Point", "coordinates": [float(s["lon"]), float(s["lat"])]}, "source", data)
    if layers.receptors:
        f = folder("receptor")
        for r in layers.receptors:
            geom = r.get("geometry") or {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]}
            data = {"layer": "receptor", "kind": r.get("kind") or "other", "id": r.get("id") or "",
                    "distance_m": r.get("distance_m"), "inside": r.get("inside")}
            _placemark(f, str(r.get("name") or ""), geom, "receptor_in" if r.get("inside") else "receptor", data)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _q(tag: str) -> str:
    return f"{{{KML_NS}}}{tag}"


def _parse_coords(text: str | None) -> list[list[float]]:
    out = []
    for tok in (text or "").split():
        parts = tok.split(",")
        if len(parts) < 2:
            raise GeometryError("geo.error.not_geojson", where="")
        try:
            out.append([float(parts[0]), float(parts[1])])
        except ValueError:
            raise GeometryError("geo.error.not_number", where="", lat=parts[1], lon=parts[0]) from None
    return out


def _kml_geom(pm: ET.Element) -> dict | None:
    def polygon(p: ET.Element) -> list:
        outer = p.find(f"{_q('outerBoundaryIs')}/{_q('LinearRing')}/{_q('coordinates')}")
        rings = [_parse_coords(outer.text if outer is not None else "")]
        for inner in p.findall(f"{_q('innerBoundaryIs')}/{_q('LinearRing')}/{_q('coordinates')}"):
            rings.append(_parse_coords(inner.text))
        return rings

    for child in pm:
        if child.tag == _q("Point"):
            c = _parse_coords(child.findtext(_q("coordinates")))
            if len(c) != 1:
                raise GeometryError("geo.error.not_geojson", where="")
            return {"type": "Point", "coordinates": c[0]}
        if child.tag == _q("Polygon"):
            return {"type": "Polygon", "coordinates": polygon(child)}
        if child.tag == _q("MultiGeometry"):
            polys = [polygon(p) for p in child.findall(_q("Polygon"))]
            if len(polys) == 1:
                return {"type": "Polygon", "coordinates": polys[0]}
            if polys:
                return {"type": "MultiPolygon", "coordinates": polys}
    return None


def _kml_value(name: str, v: str | None):
    """ExtendedData values are text; the two typed ones are converted back."""
    if name == "inside":
        return v == "true"
    if name.endswith("_m") or name == "cleaning_efficiency":
        try:
            return float(v)
        except (TypeError, ValueError):
            return None
    return v or ""


def from_kml(data: bytes, file: str = "?", default_layer: str | None = None) -> GisLayers:
    """Read a KML document written by :func:`to_kml` or another GIS (Folders by ``id``
    or placemarks' ``ExtendedData/layer``; otherwise polygons → site, points → receptors)."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    head = data[:4096].decode("utf-8", "replace")
    if "<!ENTITY" in head or "<!DOCTYPE" in head:
        raise GisError(file, "geo.gis.error.xml", detail="DOCTYPE/ENTITY")
    try:
        root = DET.fromstring(data, forbid_dtd=True)
    except ET.ParseError as e:
        raise GisError(file, "geo.gis.error.xml", detail=str(e)) from None
    except DefusedXmlException:
        raise GisError(file, "geo.gis.error.xml", detail="DOCTYPE/ENTITY") from None
    except RecursionError:
        raise GisError(file, "io.file.too_deep") from None
    if root.tag != _q("kml"):
        raise GisError(file, "geo.gis.error.xml", detail=root.tag)
    out = GisLayers()
    doc = root.find(_q("Document"))
    if doc is not None:
        out.name = doc.findtext(_q("name")) or ""
    parents = {c: p for p in root.iter() for c in p}
    for i, pm in enumerate(root.iter(_q("Placemark")), start=1):
        try:
            props: dict[str, Any] = {"name": pm.findtext(_q("name")) or ""}
            for d in pm.findall(f"{_q('ExtendedData')}/{_q('Data')}"):
                if not d.get("name"):
                    raise GisError(file, "geo.gis.error.feature", row=i,
                                   detail=KeyedError("io.gis.kml_data_no_name"))
                props[d.get("name")] = _kml_value(d.get("name"), d.findtext(_q("value")))
            layer = props.pop("layer", None)
            p = parents.get(pm)
            while layer is None and p is not None:
                if p.tag == _q("Folder") and p.get("id") in LAYERS:
                    layer = p.get("id")
                p = parents.get(p)
            geom = _kml_geom(pm)
            if geom is None:
                raise GeometryError("geo.error.no_geometry", where="")
            _add_feature(out, layer, default_layer, props, geom, "")
        except GeometryError as e:
            raise GisError(file, "geo.gis.error.feature", row=i, detail=e) from None
    return out


# -------------------------------------------------------------------- CSV
_CSV_COLUMNS = {
    "name": ("name", "назва", "найменування", "object", "об'єкт"),
    "kind": ("kind", "type", "тип", "вид"),
    "lat": ("lat", "latitude", "широта", "y"),
    "lon": ("lon", "lng", "long", "longitude", "довгота", "x"),
}


def receptors_from_csv(text: str, file: str = "?") -> list[dict]:
    """Receptors from CSV text (header row; ``,`` or ``;``; decimal comma allowed)."""
    from ecologis.io.emissions_table import sniff_delimiter

    from ecologis.io.emissions_table import read_csv_rows

    rows = read_csv_rows(text, sniff_delimiter(text), file, GisError)
    if not rows:
        raise GisError(file, "geo.gis.error.csv_columns")
    header = [h.strip().lower().replace("’", "'") for h in rows[0]]
    col = {}
    for key, names in _CSV_COLUMNS.items():
        for j, h in enumerate(header):
            if h in names:
                col[key] = j
                break
    if "lat" not in col or "lon" not in col:
        raise GisError(file, "geo.gis.error.csv_columns")
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue

        def cell(key):
            j = col.get(key)
            return row[j].strip() if j is not None and j < len(row) else ""

        values = {}
        for key in ("lat", "lon"):
            raw = cell(key).replace(",", ".").replace("−", "-")
            try:
                values[key] = float(raw)
            except ValueError:
                raise GisError(file, "geo.gis.error.csv_row", row=i, field=rows[0][col[key]],
                               detail=GeometryError("geo.error.not_number", where="", lat=cell("lat"), lon=cell("lon"))) from None
        try:
            lat, lon = check_latlon(values["lat"], values["lon"])
        except GeometryError as e:
            field_name = rows[0][col["lat" if e.key == "geo.error.lat_range" else "lon"]]
            raise GisError(file, "geo.gis.error.csv_row", row=i, field=field_name, detail=e) from None
        kind = cell("kind") or "other"
        out.append({"name": cell("name"), "kind": kind if kind in RECEPTOR_KINDS else "other",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]}})
    return out


# ----------------------------------------------------------------- files
def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise GisError(path.name, "geo.gis.error.not_found") from None
    except OSError as e:
        raise GisError(path.name, "geo.gis.error.os", detail=e.strerror or str(e)) from None


def read_layers(path: str | Path, default_layer: str | None = None) -> GisLayers:
    """Read ``.geojson``/``.json``, ``.kml`` or (receptors only) ``.csv``."""
    p = Path(path)
    suffix = p.suffix.lower()
    data = _read_bytes(p)
    if suffix in (".geojson", ".json"):
        from ecologis.io.profile import ProfileError, parse_json_bytes

        try:
            # one JSON reader for every importer: not UTF-8, not JSON, nested too deeply,
            # numbers too long to convert — each a translated message
            doc = parse_json_bytes(data, p.name).doc
        except ProfileError as e:
            raise GisError(p.name, e.key, **e.params) from None
        return from_geojson(doc, p.name, default_layer)
    if suffix == ".kml":
        return from_kml(data, p.name, default_layer)
    if suffix in (".csv", ".txt"):
        from ecologis.io.emissions_table import decode_text

        try:
            text, _encoding = decode_text(data)
        except UnicodeDecodeError:
            raise GisError(p.name, "io.error.encoding") from None
        return GisLayers(receptors=receptors_from_csv(text, p.name))
    raise GisError(p.name, "geo.gis.error.format")


def read_site(path: str | Path) -> dict:
    """The site polygon (GeoJSON geometry) of a file; :class:`GisError` if it has none."""
    layers = read_layers(path, default_layer="site")
    if not layers.site:
        raise GisError(Path(path).name, "geo.gis.error.no_site")
    return layers.site


def read_receptors(path: str | Path) -> list[dict]:
    """The receptors of a file (unlabelled features count as receptors)."""
    return read_layers(path, default_layer="receptor").receptors


def write_layers(path: str | Path, layers: GisLayers, lang: str = "uk") -> None:
    """Write ``.kml`` or ``.geojson``/``.json`` (by suffix), atomically."""
    p = Path(path)
    if p.suffix.lower() == ".kml":
        atomic_write_bytes(p, to_kml(layers, lang))
    elif p.suffix.lower() in (".geojson", ".json"):
        atomic_write_text(p, json.dumps(to_geojson(layers), ensure_ascii=False, indent=1))
    else:
        raise GisError(p.name, "geo.gis.error.format")


# ------------------------------------------------------------- profiles
def layers_from_profile(profile, szz: dict | None = None) -> GisLayers:
    """The GIS layers of a :class:`ecologis.io.profile.Project`: ``profile.site``,
    sources with coordinates, ``receptors`` (and the СЗЗ if given)."""
    sources = [{"id": s.id, "name": s.name, "lat": s.lat, "lon": s.lon}
               for s in profile.sources if s.lat is not None and s.lon is not None]
    receptors = []
    for i, r in enumerate(profile.receptors, start=1):
        rec = ParsedReceptor.from_any(r.to_dict(), where=f"#{i}")
        receptors.append(rec.to_json())
    return GisLayers(site=profile.site or None, szz=szz, sources=sources, receptors=receptors,
                     name=profile.enterprise.name)


def apply_layers_to_profile(profile, layers: GisLayers) -> None:
    """Put imported layers into a profile: the site (if the file has one), the receptors
    (replacing the list of ``receptors`` if the file has any), and source
    coordinates (matched by ``id``; unknown ids are added as new point sources).  The
    СЗЗ layer is not stored: it is always recomputed."""
    from ecologis.model import Receptor, Source

    if layers.site:
        validate_site(layers.site)
        profile.site = layers.site
    if layers.receptors:
        # Results (distance, inside) in the file are not kept: they are recomputed.
        profile.receptors = [Receptor.from_dict({k: v for k, v in r.items()
                                                 if k in ("id", "name", "kind", "geometry")})
                             for r in layers.receptors]
    by_id = {s.id: s for s in profile.sources}
    for s in layers.sources:
        sid = str(s.get("id") or s.get("name") or f"S{len(profile.sources) + 1}")
        if sid in by_id:
            by_id[sid].lat, by_id[sid].lon = float(s["lat"]), float(s["lon"])
        else:
            src = Source(id=sid, name=str(s.get("name") or ""), lat=float(s["lat"]), lon=float(s["lon"]))
            profile.sources.append(src)
            by_id[sid] = src
