"""Typed sections of the project: receptors (:class:`Receptor`), the background results
(:class:`BackgroundSection`) and the dispersion settings (:class:`DispersionSettings`).
Each keeps the keys it does not know, so the saved JSON does not change (schema v3)."""

import copy
import json

from ecologis.io.profile import load_profile, save_profile
from ecologis.model import BackgroundSection, DispersionSettings, Project, Receptor
from ecologis.paths import DEMO_PROFILE

RECEPTORS = [
    # a GeoJSON Feature with an unknown property and an unknown top-level key
    {"type": "Feature", "properties": {"id": "R1", "name": "Школа", "kind": "school", "floors": 3},
     "geometry": {"type": "Point", "coordinates": [28.47, 49.23]}, "bbox": [28.47, 49.23, 28.47, 49.23]},
    # an object with a geometry (the GIS import's form): a polygon stays a polygon
    {"id": "R2", "name": "Квартал", "kind": "residential",
     "geometry": {"type": "Polygon", "coordinates": [[[28.46, 49.22], [28.461, 49.22], [28.461, 49.221],
                                                      [28.46, 49.22]]]}},
    # a point given by lat/lon, no id, an unknown key
    {"name": "Лікарня", "kind": "hospital", "lat": 49.24, "lon": 28.45, "beds": 120},
]
DISPERSION = {"A": 200, "ambient_temp_c": 25.0, "directions": 8, "grid": {"step_m": 50},
              "background": {"Азоту діоксид": 0.02}, "wind_speeds": [1.0, 2.0], "future_setting": {"x": 1},
              "eta": None}
BACKGROUND = {"results": [{"method": "default_table_4_1", "date": "2026-01-01", "values": []}],
              "note": "kept"}


def test_receptors_are_typed_and_round_trip():
    recs = [Receptor.from_dict(r) for r in RECEPTORS]
    assert (recs[0].id, recs[0].name, recs[0].kind, recs[0].lat, recs[0].lon) == ("R1", "Школа", "school", 49.23, 28.47)
    assert recs[0].extra == {"floors": 3} and recs[0].geometry is None
    assert recs[1].lat is None and recs[1].geometry["type"] == "Polygon"
    assert (recs[2].id, recs[2].lat, recs[2].lon, recs[2].extra) == (None, 49.24, 28.45, {"beds": 120})
    assert [r.to_dict() for r in recs] == RECEPTORS
    # an edit of a typed field is written in the receptor's own form
    recs[0].lat = 49.5
    assert recs[0].to_dict()["geometry"] == {"type": "Point", "coordinates": [28.47, 49.5]}
    recs[2].name = "Нова лікарня"
    assert recs[2].to_dict() == {"name": "Нова лікарня", "kind": "hospital", "lat": 49.24, "lon": 28.45, "beds": 120}


def test_dispersion_and_background_sections_are_typed_and_round_trip():
    d = DispersionSettings.from_dict(DISPERSION)
    assert (d.A, d.ambient_temp_c, d.directions, d.grid, d.wind_speeds) == (200, 25.0, 8, {"step_m": 50}, [1.0, 2.0])
    assert d.background == {"Азоту діоксид": 0.02} and d.extra == {"future_setting": {"x": 1}}
    assert d.to_dict() == DISPERSION and list(d.to_dict()) == list(DISPERSION)   # the explicit null stays
    b = BackgroundSection.from_dict(BACKGROUND)
    assert b.results == BACKGROUND["results"] and b.extra == {"note": "kept"}
    assert b.to_dict() == BACKGROUND
    assert DispersionSettings.from_dict({}).to_dict() == {} and BackgroundSection.from_dict(None).to_dict() == {}


def test_profile_with_unknown_keys_saves_the_same_sections(tmp_path):
    doc = json.loads(DEMO_PROFILE.read_text("utf-8"))
    doc["receptors"] = copy.deepcopy(RECEPTORS)
    doc["dispersion"] = copy.deepcopy(DISPERSION)
    doc["background"] = copy.deepcopy(BACKGROUND)
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    p = load_profile(src)
    assert isinstance(p.receptors[0], Receptor) and isinstance(p.dispersion, DispersionSettings)
    assert isinstance(p.background, BackgroundSection) and p.dispersion.A == 200
    out = tmp_path / "out.json"
    save_profile(p, out)
    saved = json.loads(out.read_text("utf-8"))
    for key in ("receptors", "dispersion", "background"):
        assert saved[key] == doc[key], key


def test_shipped_demo_and_v1_fixture_save_their_sections_unchanged(tmp_path):
    from pathlib import Path

    for path in (DEMO_PROFILE, Path(__file__).with_name("data") / "roshen_v1.json"):
        p = load_profile(path)
        f = tmp_path / "again.json"
        save_profile(p, f)
        first = json.loads(f.read_text("utf-8"))
        q = load_profile(f)
        assert [r.to_dict() for r in q.receptors] == first["receptors"]
        assert q.dispersion.to_dict() == first["dispersion"] and q.background.to_dict() == first["background"]
        if path == DEMO_PROFILE:
            original = json.loads(path.read_text("utf-8"))
            for key in ("receptors", "dispersion", "background"):
                assert first[key] == original[key], key


def test_project_from_json_types_the_sections():
    p = Project.from_json({"enterprise": {"name": "x"}, "receptors": RECEPTORS, "dispersion": DISPERSION,
                           "background": BACKGROUND})
    assert isinstance(p, Project) and [r.kind for r in p.receptors] == ["school", "residential", "hospital"]
    assert p.to_json()["receptors"] == RECEPTORS
