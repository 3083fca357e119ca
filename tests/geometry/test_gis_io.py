"""Layered GeoJSON / KML / CSV exchange of site, sources, receptors and СЗЗ."""

import json
import xml.etree.ElementTree as ET

import pytest

from ecologis.core.geometry import analyse_site
from ecologis.model import Receptor
from ecologis.io.gis import (KML_NS, GisError, GisLayers, from_geojson, from_kml, read_layers, read_receptors,
                             read_site, to_geojson, to_kml, write_layers)

from .conftest import LAT0, LON0, RADIUS, east_of_boundary, square_site

XSS = "<img src=x onerror=alert(1)> & \"Co\""


def _layers():
    site = square_site()
    lat1, lon1 = east_of_boundary(250.0)
    lat2, lon2 = east_of_boundary(350.0)
    recs = [{"name": XSS, "kind": "school", "geometry": {"type": "Point", "coordinates": [lon1, lat1]}},
            {"name": "Лікарня №2", "kind": "hospital", "geometry": {"type": "Point", "coordinates": [lon2, lat2]}}]
    a = analyse_site(RADIUS, site, recs)
    recs = [{**r.to_json(), "distance_m": round(r.distance_m, 2)} for r in a.receptors]
    for r in recs:
        r.pop("on_site"), r.pop("id")
    return GisLayers(site=site, szz=a.szz, name="ПрАТ «Завод»",
                     sources=[{"id": "1", "name": "Труба <1>", "lat": LAT0, "lon": LON0, "height_m": 30.0}],
                     receptors=recs)


def test_geojson_round_trip(tmp_path):
    layers = _layers()
    p = tmp_path / "plant.geojson"
    write_layers(p, layers)
    doc = json.loads(p.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert [f["properties"]["layer"] for f in doc["features"]] == ["site", "szz", "source", "receptor", "receptor"]
    back = read_layers(p)
    assert back == layers


def test_kml_parses_with_elementtree_and_round_trips(tmp_path):
    layers = _layers()
    p = tmp_path / "plant.kml"
    write_layers(p, layers, lang="en")
    root = ET.parse(p).getroot()
    ns = {"k": KML_NS}
    assert root.tag == f"{{{KML_NS}}}kml"
    folders = root.findall("k:Document/k:Folder", ns)
    assert [f.get("id") for f in folders] == ["site", "szz", "source", "receptor"]
    assert [f.findtext("k:name", namespaces=ns) for f in folders] == [
        "Industrial site", "SPZ", "Emission sources", "Sensitive receptors"]
    names = [pm.findtext("k:name", namespaces=ns) for pm in root.iter(f"{{{KML_NS}}}Placemark")]
    assert XSS in names            # the text survives escaping …
    raw = p.read_text(encoding="utf-8")
    assert "<img" not in raw and "&lt;img src=x" in raw   # … and is escaped in the file
    back = read_layers(p)
    assert back.name == layers.name
    assert [r["name"] for r in back.receptors] == [r["name"] for r in layers.receptors]
    assert [r["inside"] for r in back.receptors] == [True, False]
    assert back.receptors[0]["distance_m"] == pytest.approx(250.0, rel=0.005)
    assert back.sources[0]["name"] == "Труба <1>" and back.sources[0]["height_m"] == 30.0
    ring0 = layers.site["coordinates"][0]
    ring1 = back.site["coordinates"][0]
    assert len(ring0) == len(ring1)
    for a, b in zip(ring0, ring1):
        assert a == pytest.approx(b, abs=1e-8)   # KML keeps 8 decimals (≈ 1 mm)


def test_kml_opens_with_fastkml():
    pytest.importorskip("fastkml")
    from fastkml import kml

    doc = kml.KML.from_string(to_kml(_layers(), "uk"))
    top = doc.features[0]
    folders = {f.id: f for f in top.features}
    assert set(folders) == {"site", "szz", "source", "receptor"}
    assert folders["site"].features[0].geometry.geom_type == "Polygon"
    assert [pm.name for pm in folders["receptor"].features] == [XSS, "Лікарня №2"]


def test_plain_files_from_other_tools(tmp_path):
    # A bare polygon (no layer property) is the site; bare points are receptors.
    site = square_site()
    (tmp_path / "s.geojson").write_text(json.dumps({"type": "Feature", "properties": {}, "geometry": site}))
    assert read_site(tmp_path / "s.geojson") == site
    kml = (f'<kml xmlns="{KML_NS}"><Document><Placemark><name>Школа</name><Point><coordinates>30.53,50.46,0'
           '</coordinates></Point></Placemark></Document></kml>')
    (tmp_path / "r.kml").write_text(kml, encoding="utf-8")
    recs = read_receptors(tmp_path / "r.kml")
    assert recs == [{"name": "Школа", "kind": "other", "geometry": {"type": "Point", "coordinates": [30.53, 50.46]}}]


def test_csv_receptors(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("назва;тип;широта;довгота\nШкола №1;school;50,4512;30,5301\nБудинок;residential;50.45;30.52\n",
                 encoding="utf-8")
    recs = read_receptors(p)
    assert [r["name"] for r in recs] == ["Школа №1", "Будинок"]
    assert recs[0]["geometry"]["coordinates"] == [30.5301, 50.4512]
    assert recs[0]["kind"] == "school"


@pytest.mark.parametrize("content, key, fragment", [
    ("name,lat,lon\nA,95,30\n", "geo.gis.error.csv_row", "row 2"),
    ("name,lat,lon\nA,50,abc\n", "geo.gis.error.csv_row", "\"lon\""),
    ("name,x1,y1\nA,50,30\n", "geo.gis.error.csv_columns", "latitude"),
])
def test_csv_errors_name_row_and_field(tmp_path, content, key, fragment):
    p = tmp_path / "bad.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(GisError) as ei:
        read_receptors(p)
    assert ei.value.key == key
    msg = ei.value.message("en")
    assert "bad.csv" in msg and fragment in msg


def test_invalid_geometry_in_file_refused_with_feature_number(tmp_path):
    bow = {"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.02, 50.02], [30.02, 50.0], [30.0, 50.02], [30.0, 50.0]]]}
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"layer": "receptor", "name": "a"},
         "geometry": {"type": "Point", "coordinates": [30, 50]}},
        {"type": "Feature", "properties": {"layer": "site"}, "geometry": bow}]}
    p = tmp_path / "bad.geojson"
    p.write_text(json.dumps(doc))
    with pytest.raises(GisError) as ei:
        read_layers(p)
    msg = ei.value.message("en")
    assert "bad.geojson" in msg and "#2" in msg and "intersects itself" in msg


def test_bad_files(tmp_path):
    with pytest.raises(GisError) as ei:
        read_layers(tmp_path / "missing.geojson")
    assert ei.value.key == "geo.gis.error.not_found"
    (tmp_path / "x.kml").write_text("<kml><unclosed>", encoding="utf-8")
    with pytest.raises(GisError) as ei:
        read_layers(tmp_path / "x.kml")
    assert ei.value.key == "geo.gis.error.xml"
    (tmp_path / "bomb.kml").write_text('<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaa">]><kml>&a;</kml>')
    with pytest.raises(GisError):
        read_layers(tmp_path / "bomb.kml")
    (tmp_path / "x.shp").write_bytes(b"\0")
    with pytest.raises(GisError) as ei:
        read_layers(tmp_path / "x.shp")
    assert ei.value.key == "geo.gis.error.format"


def test_failed_write_leaves_existing_file(tmp_path):
    p = tmp_path / "plant.geojson"
    p.write_text("old", encoding="utf-8")
    bad = GisLayers(site={"type": "LineString", "coordinates": [[0, 0], [1, 1]]})
    with pytest.raises(Exception):
        write_layers(tmp_path / "plant.kml", bad)
    assert p.read_text(encoding="utf-8") == "old"
    assert not (tmp_path / "plant.kml").exists()


def test_geojson_without_layers_goes_by_geometry():
    site = square_site()
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "S"}, "geometry": site},
        {"type": "Feature", "properties": {"name": "R"}, "geometry": {"type": "Point", "coordinates": [30.5, 50.4]}}]}
    lay = from_geojson(doc)
    assert lay.site == site and lay.receptors[0]["name"] == "R"
    assert to_geojson(lay)["features"][0]["properties"]["layer"] == "site"
    assert from_kml(to_kml(lay)).site is not None


def test_profile_layers_export_and_import_back(tmp_path):
    from ecologis.model import Source
    from ecologis.io.gis import apply_layers_to_profile, layers_from_profile
    from ecologis.io.profile import Project, load_profile, save_profile

    lat1, lon1 = east_of_boundary(250.0)
    prof = Project(site=square_site(), sources=[Source(id="1", name="Труба", lat=LAT0, lon=LON0),
                                                Source(id="2", name="без координат")])
    prof.receptors = [Receptor.from_dict({"name": "Школа", "kind": "school", "lat": lat1, "lon": lon1})]
    a = analyse_site(RADIUS, prof.site, prof.receptor_dicts())
    write_layers(tmp_path / "plant.kml", layers_from_profile(prof, szz=a.szz))
    # Import into a fresh profile that knows source 1 without coordinates.
    other = Project(sources=[Source(id="1", name="Труба")])
    apply_layers_to_profile(other, read_layers(tmp_path / "plant.kml"))
    save_profile(other, tmp_path / "p.json")
    back = load_profile(tmp_path / "p.json")
    assert back.site["coordinates"][0][0] == pytest.approx(prof.site["coordinates"][0][0], abs=1e-8)
    assert [(s.id, s.lat, s.lon) for s in back.sources] == [("1", pytest.approx(LAT0), pytest.approx(LON0))]
    (r,) = back.receptors
    assert (r.name, r.kind) == ("Школа", "school")
    assert analyse_site(RADIUS, back.site, back.receptor_dicts()).receptors[0].inside is True
