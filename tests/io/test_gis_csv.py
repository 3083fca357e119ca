"""Receptor CSV files read with the same encoding/delimiter detection as emissions tables."""

import pytest

from ecologis.io.gis import read_layers, read_receptors


@pytest.mark.parametrize("encoding,delim", [("utf-16", "\t"), ("cp1251", ";"), ("utf-8-sig", ",")])
def test_receptor_csv_encodings_and_delimiters(tmp_path, encoding, delim):
    dec = "," if delim != "," else "."          # a decimal comma where the delimiter allows it
    rows = [["назва", "тип", "широта", "довгота"],
            ["Школа №5", "school", f"49{dec}2331", f"28{dec}4682"],
            ["Лікарня", "hospital", f"49{dec}2400", f"28{dec}4700"]]
    f = tmp_path / "r.csv"
    f.write_bytes("\r\n".join(delim.join(r) for r in rows).encode(encoding))
    recs = read_receptors(f)
    assert [r["name"] for r in recs] == ["Школа №5", "Лікарня"]
    assert [r["kind"] for r in recs] == ["school", "hospital"]
    assert recs[0]["geometry"] == {"type": "Point", "coordinates": [28.4682, 49.2331]}


def test_geojson_and_kml_share_the_layer_rules(tmp_path):
    # an unlabelled polygon is the site, an unlabelled point a receptor; a labelled point a source
    import json

    from ecologis.io.gis import GisLayers, write_layers

    site = {"type": "Polygon", "coordinates": [[[28.46, 49.23], [28.47, 49.23], [28.47, 49.235], [28.46, 49.23]]]}
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Завод"}, "geometry": site},
        {"type": "Feature", "properties": {"name": "Школа"}, "geometry": {"type": "Point", "coordinates": [28.5, 49.3]}},
        {"type": "Feature", "properties": {"layer": "source", "id": "S1", "name": "Котельня"},
         "geometry": {"type": "Point", "coordinates": [28.465, 49.232]}}]}
    g = tmp_path / "a.geojson"
    g.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    a = read_layers(g)
    assert a.site == site and a.name == "Завод"
    assert [r["name"] for r in a.receptors] == ["Школа"] and [s["id"] for s in a.sources] == ["S1"]
    k = tmp_path / "a.kml"
    write_layers(k, GisLayers(site=a.site, sources=a.sources, receptors=a.receptors, name="Завод"), "uk")
    b = read_layers(k)
    assert b.site is not None and [r["name"] for r in b.receptors] == ["Школа"]
    assert [s["id"] for s in b.sources] == ["S1"]
