"""The sanitary zones of an assessment as GIS layers (GeoJSON and KML) for planning GIS.

One feature per zone, ``properties.layer`` = ``szz_normative`` | ``szz_knp_estimate`` |
``szz_calculated`` | ``szz_corrected`` | ``szz_binding``.  Flat attributes that QGIS shows
in its attribute table: ``sanitary_class``, ``normative_m``, ``knp_estimate_m``,
``calculated_max_m``, ``binding_kind``, ``binding_m``, ``katottg``, ``edrpou``,
``enterprise``, ``activity``, ``measured_from``, ``document`` and, per bearing of the
calculated zone, ``l0_<bearing>`` / ``l_<bearing>`` (metres, bearing in whole degrees
from north, e.g. ``l_180``).  Coordinates WGS84 lon/lat (RFC 7946).  Writes are atomic.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from ecologis.i18n import t_lang
from ecologis.io.atomic import atomic_write_bytes, atomic_write_text

LAYERS = ("szz_normative", "szz_knp_estimate", "szz_calculated", "szz_corrected", "szz_binding")


def _common(assessment, zones: dict, lang: str) -> dict:
    ent = assessment.project.enterprise
    norm = zones.get("normative") or {}
    calc = zones.get("calculated") or {}
    props = {
        "enterprise": ent.name or None, "edrpou": ent.edrpou or None, "katottg": ent.katottg or None,
        "sanitary_class": norm.get("class"), "normative_m": norm.get("size_m"),
        "activity": ((norm.get("activity") or {}).get("name")), "document": norm.get("source"),
        "knp_estimate_m": zones["knp_estimate"]["size_m"],
        "calculated_max_m": round(calc["max_distance_m"], 1) if calc else None,
        "binding_kind": zones["binding"]["kind"], "binding_m": zones["binding"]["size_m"],
    }
    for r in (calc.get("by_direction") or []) if calc else []:
        b = int(round(r["direction_deg"])) % 360
        props[f"l0_{b:03d}"] = round(r["l0_m"], 1)
        props[f"l_{b:03d}"] = round(r["l_m"], 1)
    return {k: v for k, v in props.items() if v is not None}


def zone_features(assessment, lang: str = "uk") -> list[dict]:
    """The zone features (GeoJSON dicts) of an :class:`ecologis.pipeline.Assessment`."""
    from ecologis.io.export import _ccw

    zones = assessment.zones(lang)
    common = _common(assessment, zones, lang)
    feats = []

    def add(layer, geom, name_key, **extra):
        if not geom:
            return
        p = {"layer": layer, "name": t_lang(lang, name_key, **{k: _fmt(v) for k, v in extra.items()}), **common}
        p.update({k: v for k, v in extra.items() if v is not None})
        feats.append({"type": "Feature", "properties": p, "geometry": _ccw(geom)})

    norm, knp, calc = zones.get("normative"), zones["knp_estimate"], zones.get("calculated")
    if norm:
        add("szz_normative", norm.get("geometry"), "szz.layer.normative", size_m=norm["size_m"],
            measured_from=norm["measured_from"])
    add("szz_knp_estimate", knp.get("geometry"), "szz.layer.knp_estimate", size_m=knp["size_m"],
        measured_from=knp["measured_from"])
    if calc:
        add("szz_calculated", calc.get("geometry"), "szz.layer.calculated")
        add("szz_corrected", calc.get("corrected_geometry"), "szz.layer.corrected")
    b = zones["binding"]
    if b["kind"] == "normative" and norm:
        add("szz_binding", norm.get("geometry"), "szz.layer.binding", size_m=b["size_m"])
    elif b["kind"] == "calculated" and calc:
        add("szz_binding", calc.get("corrected_geometry") or calc.get("geometry"), "szz.layer.binding",
            size_m=round(b["size_m"], 1))
    return feats


def _fmt(v):
    return f"{v:g}" if isinstance(v, float) else v


def zones_geojson(assessment, lang: str = "uk") -> dict:
    doc = {"type": "FeatureCollection", "features": zone_features(assessment, lang)}
    if assessment.project.enterprise.name:
        doc["name"] = assessment.project.enterprise.name
    return doc


def zones_kml(assessment, lang: str = "uk") -> bytes:
    """KML 2.2: a Folder per zone layer, attributes in ``ExtendedData``."""
    from ecologis.io.gis import KML_NS, _kml_geometry, _style

    root = ET.Element("kml", xmlns=KML_NS)
    doc = ET.SubElement(root, "Document")
    ET.SubElement(doc, "name").text = assessment.project.enterprise.name or t_lang(lang, "szz.layer.binding", size_m="")
    colours = {"szz_normative": ("ff2828c6", "302828c6"), "szz_knp_estimate": ("ff00a5ff", "2000a5ff"),
               "szz_calculated": ("ff8b3d48", "308b3d48"), "szz_corrected": ("ffb04a7b", "30b04a7b"),
               "szz_binding": ("ff000000", "00000000")}
    for layer, (line, poly) in colours.items():
        _style(doc, layer, line, poly)
    for f in zone_features(assessment, lang):
        p = f["properties"]
        folder = ET.SubElement(doc, "Folder", id=p["layer"])
        ET.SubElement(folder, "name").text = p["name"]
        pm = ET.SubElement(folder, "Placemark")
        ET.SubElement(pm, "name").text = p["name"]
        ET.SubElement(pm, "styleUrl").text = "#" + p["layer"]
        ext = ET.SubElement(pm, "ExtendedData")
        for k, v in p.items():
            if k == "name":
                continue
            d = ET.SubElement(ext, "Data", name=k)
            ET.SubElement(d, "value").text = str(v)
        _kml_geometry(pm, f["geometry"])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def write_zones(path: str | Path, assessment, lang: str = "uk") -> Path:
    """Write ``.kml`` or ``.geojson``/``.json`` (by suffix), atomically.  ValueError for
    another suffix."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".kml":
        atomic_write_bytes(p, zones_kml(assessment, lang))
    elif suffix in (".geojson", ".json"):
        atomic_write_text(p, json.dumps(zones_geojson(assessment, lang), ensure_ascii=False, indent=1))
    else:
        raise ValueError(suffix)
    return p
