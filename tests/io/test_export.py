"""Exports: XLSX numbers as numbers, CSV with BOM, JSON, GeoJSON/KML geometry, dictionary."""

import csv
import io
import json
import math
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from pyproj import Geod

from ecologis.io.emissions_table import read_emissions
from ecologis.io.export import (DictionaryImportError, ExportError, csv_bytes, export_dictionary, export_file,
                                geojson_doc, import_dictionary, kml_bytes)
from ecologis.io.profile import assess_project, load_profile

DEMO_KNP = 1386.1866552   # the thesis's worked example (§4.2–4.3)
# per-row contributions of the demo, hand-computed a·M/ГДК (thesis formula 2.1)
NO2 = 1.3 * 34.7849 / 0.04        # 1130.50925
SO2 = 1.0 * 8.27394 / 0.05        # 165.4788


@pytest.fixture
def demo(demo_path):
    p = load_profile(demo_path)
    return p, assess_project(p, dispersion=False)          # the pipeline's Assessment


def test_xlsx_numbers_are_numbers(demo, tmp_path):
    p, r = demo
    f = export_file("xlsx", p, r, tmp_path / "out.xlsx", "uk")
    wb = openpyxl.load_workbook(f)
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 10
    by_row = {row[0]: row for row in rows}
    no2 = by_row[3]
    assert isinstance(no2[4], float) and no2[4] == 34.7849        # mass as entered
    assert isinstance(no2[6], float) and no2[6] == 34.7849        # t/yr
    assert no2[7] == 0.04 and no2[9] == 2 and no2[10] == 1.3
    assert isinstance(no2[11], float) and no2[11] == pytest.approx(NO2, rel=1e-12)
    assert no2[12] == pytest.approx(NO2 / DEMO_KNP, rel=1e-9)
    assert by_row[2][11] == pytest.approx(SO2, rel=1e-12)
    assert ws.cell(row=4, column=12).number_format == "#,##0.000"
    assert ws.cell(row=4, column=13).number_format == "0.00%"
    ss = wb.worksheets[1]
    assert ss.freeze_panes == "A2"
    values = {row[0]: row[1] for row in ss.iter_rows(min_row=2, values_only=True)}
    assert isinstance(values["КНП"], float) and values["КНП"] == pytest.approx(DEMO_KNP, rel=1e-12)
    assert values["Категорія небезпеки"] == "III" and values["СЗЗ, м"] == 300.0


def test_csv_utf8_bom_reads_back(demo, tmp_path, dictionary):
    p, r = demo
    data = csv_bytes(r, "uk")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "Рядок" and len(rows) == 11
    no2 = [x for x in rows if x[0] == "3"][0]
    assert float(no2[11]) == pytest.approx(NO2, rel=1e-15)   # repr() keeps every digit
    assert "Азоту діоксид" in no2[2]
    # our own reader takes the exported file back (BOM, comma delimiter, Cyrillic headers mapped)
    f = tmp_path / "back.csv"
    f.write_bytes(data)
    t = read_emissions(f, dictionary)
    assert t.encoding == "utf-8-sig"
    assert [float(e.mass) for e in t.emissions][2] == 34.7849


def test_json_export(demo, tmp_path):
    p, r = demo
    f = export_file("json", p, r, tmp_path / "a.json")
    doc = json.loads(f.read_text("utf-8"))
    assert doc["result"]["knp"] == pytest.approx(DEMO_KNP, rel=1e-12)
    assert doc["profile"]["enterprise"]["name"].startswith("ПрАТ")


def test_geojson_circle(demo):
    p, r = demo
    doc = geojson_doc(p, r)
    layers = [(f["properties"]["layer"], f["properties"].get("id")) for f in doc["features"]]
    # the demo's two stacks (resources/demo/roshen_demo.json, sources "1" and "2") follow the enterprise point,
    # then its two sensitive receptors (R1, R2) for the planner's GIS
    assert layers == [("szz", None), ("source", "enterprise"), ("source", "1"), ("source", "2"),
                      ("receptor", "R1"), ("receptor", "R2")]
    szz = doc["features"][0]
    assert szz["properties"]["knp"] == pytest.approx(DEMO_KNP, rel=1e-12)
    assert szz["properties"]["category"] == "III" and szz["properties"]["basis"] == "circle"
    ring = szz["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) > 60
    g = Geod(ellps="WGS84")
    for lon, lat in ring[:-1]:
        _, _, d = g.inv(p.enterprise.lon, p.enterprise.lat, lon, lat)
        assert d == pytest.approx(300.0, rel=1e-6)          # geodesic distance of every vertex
    # counter-clockwise exterior (RFC 7946): positive shoelace area
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))
    assert area > 0
    ent = doc["features"][1]
    assert ent["geometry"]["coordinates"] == [p.enterprise.lon, p.enterprise.lat]


def test_geojson_site_buffer_and_kml(demo, tmp_path):
    from ecologis.io.gis import read_layers

    p, r = demo
    # a 0.004° × 0.0025° rectangle around the plant
    p.site = {"type": "Polygon", "coordinates": [[[28.466, 49.232], [28.470, 49.232], [28.470, 49.2345],
                                                   [28.466, 49.2345], [28.466, 49.232]]]}
    p.enterprise.name = "Завод <b>&</b> «Ко»"
    r = assess_project(p, dispersion=False)                 # the project with its site, assessed
    doc = geojson_doc(p, r)
    assert [f["properties"]["layer"] for f in doc["features"]] == ["site", "szz", "source", "source", "source",
                                                                   "receptor", "receptor"]
    buf = doc["features"][1]["geometry"]["coordinates"][0]
    g = Geod(ellps="WGS84")
    # the buffer reaches ≈300 m beyond the site's west edge (lon 28.466) along the same latitude
    west = min(buf, key=lambda c: c[0])
    _, _, d = g.inv(28.466, west[1], west[0], west[1])
    assert d == pytest.approx(300.0, rel=0.01)
    # the export opens again with the map engineer's reader
    f = tmp_path / "x.geojson"
    export_file("geojson", p, r, f)
    layers = read_layers(f)
    assert layers.site is not None and layers.szz is not None and layers.sources[0]["id"] == "enterprise"
    data = kml_bytes(p, r, "en")
    root = ET.fromstring(data)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    names = [n.text for n in root.findall(".//k:Placemark/k:name", ns)]
    assert "Завод <b>&</b> «Ко»" in names                 # markup survives as text
    assert len(root.findall(".//k:Polygon", ns)) == 2
    descs = [d.text for d in root.findall(".//k:Placemark/k:description", ns)]
    assert descs == ["KNP 1386.187, category III, SPZ 300 m"]
    (tmp_path / "x.kml").write_bytes(data)
    assert read_layers(tmp_path / "x.kml").szz is not None


def test_geo_export_without_coordinates(demo):
    p, r = demo
    p.enterprise.lat = p.enterprise.lon = None
    with pytest.raises(ExportError) as ei:
        geojson_doc(p, r)
    assert ei.value.message("en")


def test_dictionary_export_import_round_trip(tmp_path):
    from ecologis.core.dictionary import Substance
    from ecologis.io.reference_data import load_dictionary

    d = load_dictionary()
    d.put(Substance(id="user-1", name_uk="Речовина користувача", name_en="User substance", gdk_sd=0.2, hazard_class=3))
    f = tmp_path / "dict.json"
    assert export_dictionary(d, f) == 1
    d2 = load_dictionary()
    assert d2.get("user-1") is None
    assert import_dictionary(d2, f) == 1
    d3 = load_dictionary()              # saved to the (test-isolated) user overlay
    assert d3.get("user-1").gdk_sd == 0.2


def test_dictionary_import_all_or_nothing(tmp_path):
    from ecologis.io.reference_data import load_dictionary

    f = tmp_path / "bad.json"
    f.write_text(json.dumps({"substances": [
        {"id": "ok-1", "name_uk": "Добра", "name_en": "Good", "gdk_sd": 1.0},
        {"id": "bad-1", "name_uk": "Погана", "name_en": "Bad", "gdk_sd": 0, "hazard_class": 9},
    ]}), "utf-8")
    d = load_dictionary()
    v = d.version
    with pytest.raises(DictionaryImportError) as ei:
        import_dictionary(d, f)
    msgs = ei.value.messages("en")
    assert len(msgs) == 2 and all("entry 2" in m for m in msgs)
    assert d.get("ok-1") is None and d.version == v


def test_csv_semicolon_for_ukrainian_excel(demo_path, tmp_path, dictionary):
    from ecologis.cli import main as cli

    out = tmp_path / "semi.csv"
    assert cli(["export", str(demo_path), "--out", str(out), "--delimiter", ";"]) == 0
    t = read_emissions(out, dictionary)
    assert t.delimiter == ";" and len(t.emissions) == 10


def test_export_rows_status_by_row_index_not_row_number():
    # Two input rows carry the same row number 5 (e.g. pasted from two tables): the first
    # is counted, the second (a substance with no ГДК of any kind) is excluded.  Keyed by
    # row number, both were shown as counted.
    from ecologis.core.dictionary import Substance
    from ecologis.io.reference_data import load_dictionary
    from ecologis.model import Emission
    from ecologis.i18n import t_lang
    from ecologis.io.export import ROW_COLUMNS, export_rows
    from ecologis.io.profile import Project

    status = ROW_COLUMNS.index("status")
    d = load_dictionary()
    d.put(Substance(id="t-no-gdk", name_uk="Тест без ГДК", name_en="Test without MAC", hazard_class=3, origin="user"))
    p = Project(emissions=[Emission(substance="Азоту діоксид", mass=34.7849, unit="t/yr", row=5),
                           Emission(substance="Тест без ГДК", mass=1.0, unit="t/yr", row=5)])
    r = assess_project(p, d, dispersion=False).result
    _headers, rows = export_rows(r, "en")
    assert [row[0] for row in rows] == [5, 5]
    assert rows[0][status] == t_lang("en", "io.status.ok")
    assert rows[1][status] == t_lang("en", "io.status.excluded")
    # NO2 without a class override: dictionary class 3, a(3) = 1.0 → 1.0 · 34.7849 / 0.04 = 869.6225
    assert rows[0][9] == 3 and rows[0][10] == 1.0
    assert rows[0][11] == pytest.approx(869.6225, rel=1e-12)
    assert rows[1][11] == 0.0 and rows[1][10] == 1.0      # excluded: no contribution


def test_json_default_strict_for_profiles_lenient_for_exports():
    import numpy as np

    from ecologis.io.profile import json_default

    assert json_default(np.int64(7)) == 7 and type(json_default(np.int64(7))) is int
    assert json_default((1, 2)) == [1, 2]
    with pytest.raises(TypeError):
        json_default(object())
    # strict: NaN stays NaN so that allow_nan=False refuses it; lenient: null
    assert math.isnan(json_default(np.float64("nan")))
    assert json_default(np.float64("nan"), lenient=True) is None
    assert json_default(np.float64(0.5), lenient=True) == 0.5
    assert isinstance(json_default(object(), lenient=True), str)


def test_geo_export_takes_the_zone_from_the_assessment(demo, monkeypatch):
    """The export computes no site analysis: the СЗЗ is the Assessment's (the same polygon
    the map and the report show)."""
    import ecologis.core.geometry as geometry

    p, a = demo
    assert a.site is not None
    monkeypatch.setattr(geometry, "analyse_site", lambda *args, **kw: pytest.fail("the export analysed the site"))
    doc = geojson_doc(p, a)
    szz = next(f for f in doc["features"] if f["properties"]["layer"] == "szz")
    ring = szz["geometry"]["coordinates"][0]
    assert {tuple(c) for c in ring} == {tuple(c) for c in a.site.szz["coordinates"][0]}
