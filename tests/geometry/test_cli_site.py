"""``ecologis-cli site``: site file + radius, and a saved profile."""

import json
import math

import pytest

from ecologis.cli import main
from ecologis.paths import DEMO_PROFILE

from .conftest import demo_with_site, east_of_boundary, square_site


def _files(tmp_path):
    site = tmp_path / "site.geojson"
    site.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Майданчик"}, "geometry": square_site()}]}), encoding="utf-8")
    feats = []
    for name, d in (("Школа №3", 250.0), ("Будинок", 350.0)):
        lat, lon = east_of_boundary(d)
        feats.append({"type": "Feature", "properties": {"name": name, "kind": "school"},
                      "geometry": {"type": "Point", "coordinates": [lon, lat]}})
    rec = tmp_path / "receptors.geojson"
    rec.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    return site, rec


def test_site_json(tmp_path, capsys):
    site, rec = _files(tmp_path)
    assert main(["site", "--site", str(site), "--radius", "300", "--receptors", str(rec), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # 200 m square, r = 300 m: 40 000 + 4·200·300 + π·300² = 562 743.3 m²
    assert doc["szz_area_m2"] == pytest.approx(40000 + 4 * 200 * 300 + math.pi * 300 ** 2, rel=0.005)
    assert doc["szz"]["type"] == "Polygon"
    assert [(r["name"], r["inside"]) for r in doc["receptors"]] == [("Школа №3", True), ("Будинок", False)]
    assert doc["receptors"][0]["distance_m"] == pytest.approx(250.0, rel=0.005)
    assert doc["receptors"][1]["distance_m"] == pytest.approx(350.0, rel=0.005)


def test_site_profile_uses_its_assessment_radius(tmp_path, capsys):
    # The demo profile is the thesis's ROSHEN example: КНП 1386.187 → category III → 300 m.
    path = demo_with_site(tmp_path / "p.json")
    assert main(["site", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["radius_m"] == 300
    assert doc["method"] == "buffer"
    assert doc["receptors"] == [{"name": "Дитсадок", "kind": "kindergarten", "distance_m": pytest.approx(250.0, rel=0.005),
                                 "inside": True, "on_site": False}]


def test_site_profile_without_polygon_is_circle(tmp_path, capsys):
    assert main(["site", str(DEMO_PROFILE), "--radius", "500", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["method"] == "circle"
    assert doc["szz_area_m2"] == pytest.approx(math.pi * 500 ** 2, rel=0.005)


def test_site_human_output_and_export(tmp_path, capsys):
    site, rec = _files(tmp_path)
    out = tmp_path / "out.kml"
    assert main(["--lang", "en", "site", "--site", str(site), "--radius", "300", "--receptors", str(rec),
                 "--export", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Школа №3: 250.0 m — inside the SPZ" in text
    assert "Будинок: 350.0 m — outside the SPZ" in text
    assert out.exists() and b"<Folder id=\"szz\">" in out.read_bytes()


def test_site_errors(tmp_path, capsys):
    site, _ = _files(tmp_path)
    assert main(["site", "--site", str(site), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["valid"] is False
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "Polygon", "coordinates": [[[30, 50], [30.1, 50], [30, 50]]]}))
    assert main(["--lang", "en", "site", "--site", str(bad), "--radius", "300"]) == 2
    err = capsys.readouterr().err
    assert "bad.geojson" in err and "at least 3" in err
    assert main(["site"]) == 2
