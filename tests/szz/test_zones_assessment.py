"""The zones of an assessment side by side: normative, КНП estimate, calculated, binding."""

from __future__ import annotations

from dataclasses import replace
import json
import math
import xml.etree.ElementTree as ET

import pytest

from ecologis.cli import main
from ecologis.core.geometry import LocalFrame
from ecologis.core.sanitary_zone import RHUMBS_8
from ecologis.io.profile import assess_project, load_profile, save_profile
from ecologis.io.zones_gis import zones_geojson, zones_kml
from ecologis.model import DispersionSettings, Emission, Enterprise, Project, Receptor, Sanitary, Source
from ecologis.paths import DEMO_PROFILE
from ecologis.pipeline import clear_cache

# OND-86 Example 1 stack with ГДК = c_м/2: L0 = 3.11325·430.40 = 1339.9 m (see test_calculated_zone.py)
L0 = 3.11325 * 430.40
LAT, LON = 49.23, 28.47


def _south(metres: float) -> list[float]:
    lon, lat = LocalFrame(LAT, LON).to_lonlat(0.0, -metres)
    return [float(lon), float(lat)]


def _w1_project(rose=True, justification="") -> Project:
    p = Project(enterprise=Enterprise(name="W1 plant", lat=LAT, lon=LON, katottg="UA05020030010063857"))
    p.sources = [Source(id="S1", lat=LAT, lon=LON, height_m=35, diameter_m=1.4, velocity_m_s=7, temp_c=125,
                        extra={"emissions": [{"substance": "7446-09-5", "rate_g_s": 12, "F": 1,
                                              "gdk_mr_mg_m3": 0.09321}]})]
    p.emissions = [Emission(substance="7446-09-5", mass=12, unit="g/s", source_id="S1")]
    p.dispersion = DispersionSettings.from_dict({"A": 200, "eta": 1, "ambient_temp_c": 25, "directions": 8,
                                                 "wind_speeds": [2.2202],
                                                 "grid": {"step_m": 10, "half_extent_m": 2600}})   # the corrected zone reaches 2144 m
    p.receptors = [Receptor.from_dict(r) for r in [
        {"type": "Feature", "properties": {"name": "School 1", "kind": "school"},
         "geometry": {"type": "Point", "coordinates": _south(1000)}},
        {"type": "Feature", "properties": {"name": "House 7", "kind": "residential"},
         "geometry": {"type": "Point", "coordinates": _south(1800)}},
    ]]
    p.sanitary = Sanitary(activity_id="food-v-13", sanitary_class="V",
                          wind_rose={"N": 20.0, **{k: 80.0 / 7 for k in RHUMBS_8[1:]}} if rose else None,
                          justification=justification)
    return p


@pytest.fixture(autouse=True)
def _fresh():
    clear_cache()
    yield
    clear_cache()


def test_demo_shows_normative_knp_and_binding_together(capsys, tmp_path):
    # ROSHEN dairy: ДСП 173-96 annex 4, food industry class V item 13 (dnaop.com 3872_10) → 50 m;
    # the thesis's КНП category III → 300 m (preset ecologis-2025); no stacks → normative binds.
    # (The shipped demo has stacks; this case is the demo without its sources inventory.)
    p = load_profile(DEMO_PROFILE)
    p.sources = []
    for i, e in enumerate(p.emissions):
        p.emissions[i] = replace(e, source_id=None)
    no_stacks = tmp_path / "roshen_no_stacks.json"
    save_profile(p, no_stacks)
    z = assess_project(load_profile(no_stacks)).to_json("en")["zones"]
    assert z["normative"]["class"] == "V" and z["normative"]["size_m"] == 50
    assert z["normative"]["activity"]["id"] == "food-v-13"
    assert "3872_10" in z["normative"]["activity"]["source_url"]
    assert z["normative"]["source"] == "ДСП 173-96, annex 4"
    assert z["knp_estimate"] == {**z["knp_estimate"], "size_m": 300.0, "preset": "ecologis-2025", "estimate": True}
    assert z["calculated"] is None
    assert z["binding"]["kind"] == "normative" and z["binding"]["size_m"] == 50
    capsys.readouterr()
    assert main(["--lang", "en", "assess", str(no_stacks), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["zones"]["binding"] == {"kind": "normative", "size_m": 50.0, "reason": "no_calculation"}
    assert main(["--lang", "en", "szz-zones", str(no_stacks)]) == 0
    text = capsys.readouterr().out
    assert "class V, 50 m" in text and "300 m" in text and "Binding zone: normative, 50 m" in text


def test_calculated_zone_binds_and_lists_receptors():
    z = assess_project(_w1_project()).zones("en")
    calc = z["calculated"]
    rows = {r["direction_deg"]: r for r in calc["by_direction"]}
    assert rows[180.0]["l0_m"] == pytest.approx(L0, abs=10)
    assert rows[180.0]["l_m"] == pytest.approx(L0 * 1.6, abs=16)           # 2143.9 m towards the south
    assert rows[0.0]["l_m"] == pytest.approx(L0 * (80 / 7) / 12.5, abs=10)  # 1225.1 m
    assert z["binding"]["kind"] == "calculated"
    assert z["binding"]["size_m"] == pytest.approx(L0 * 1.6, abs=16)
    # the school (1000 m south) and the house (1800 m south) are in the corrected zone (2144 m southwards),
    # neither is within 50 m (normative) nor 300 m (КНП estimate) of the stack
    names = [(r["name"], round(r["distance_m"])) for r in calc["receptors_inside"]]
    assert names == [("School 1", 1000), ("House 7", 1800)]
    assert z["normative"]["receptors_inside"] == [] and z["knp_estimate"]["receptors_inside"] == []
    assert z["normative"]["measured_from"] == "sources"


def test_without_a_rose_l0_is_the_zone_and_the_house_is_outside():
    z = assess_project(_w1_project(rose=False)).zones("en")
    calc = z["calculated"]
    assert len(calc["by_direction"]) == 16
    assert calc["max_distance_m"] == pytest.approx(L0, abs=10)
    assert [r["name"] for r in calc["receptors_inside"]] == ["School 1"]


def test_small_calculated_zone_stays_at_least_normative_unless_justified():
    # ГДК 10·c_м: c never reaches 1 ГДК → no calculated area; class I (1000 m) binds
    p = _w1_project()
    p.sources[0].extra["emissions"][0]["gdk_mr_mg_m3"] = 1.8642
    p.sanitary.sanitary_class = "I"
    z = assess_project(p).zones("en")
    assert z["calculated"]["max_l0_m"] == 0.0
    assert all(r["final_m"] == pytest.approx(1000, rel=2e-3) for r in z["calculated"]["by_direction"])
    assert z["binding"] == {"kind": "normative", "size_m": 1000.0, "reason": "normative_not_exceeded"}
    clear_cache()
    p.sanitary.justification = "Measurements 2025 at the boundary of the housing: below ГДК"
    z = assess_project(p).zones("en")
    assert all(r["final_m"] == 0.0 for r in z["calculated"]["by_direction"])
    assert z["calculated"]["wind_rose"]["justified"] is True


def test_gis_layers_carry_planning_attributes():
    a = assess_project(_w1_project())
    doc = zones_geojson(a, "en")
    layers = {f["properties"]["layer"]: f["properties"] for f in doc["features"]}
    assert set(layers) == {"szz_normative", "szz_knp_estimate", "szz_calculated", "szz_corrected", "szz_binding"}
    b = layers["szz_binding"]
    assert b["sanitary_class"] == "V" and b["normative_m"] == 50 and b["binding_kind"] == "calculated"
    assert b["katottg"] == "UA05020030010063857" and b["knp_estimate_m"] == a.szz_m
    assert b["l_180"] == pytest.approx(L0 * 1.6, abs=16) and b["l0_000"] == pytest.approx(L0, abs=10)
    root = ET.fromstring(zones_kml(a, "en"))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    assert len(root.findall(".//k:Placemark", ns)) == 5
    data = {d.get("name"): d.findtext("k:value", namespaces=ns) for d in root.findall(".//k:Data", ns)}
    assert data["sanitary_class"] == "V" and data["katottg"] == "UA05020030010063857"


def test_szz_zones_cli_writes_layers_and_refuses_unknown_format(tmp_path, capsys):
    out = tmp_path / "zones.geojson"
    assert main(["szz-zones", str(DEMO_PROFILE), "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["features"][0]["properties"]["sanitary_class"] == "V"
    bad = tmp_path / "zones.shp"
    capsys.readouterr()
    assert main(["--lang", "en", "szz-zones", str(DEMO_PROFILE), "--out", str(bad)]) == 2
    assert "zones.shp" in capsys.readouterr().err and not bad.exists()


def test_szz_classes_cli(capsys):
    capsys.readouterr()
    assert main(["--lang", "en", "szz-classes", "search", "dairy"]) == 0
    out = capsys.readouterr().out
    assert "Class V (50 m)" in out and "Dairy" in out
    assert main(["--lang", "en", "szz-classes", "kved", "62.01"]) == 0
    assert "no source maps" in capsys.readouterr().out
    assert main(["--lang", "en", "szz-classes", "search", "x", "--class", "VII"]) == 2


def test_pdf_report_has_the_zones_section(tmp_path):
    from pypdf import PdfReader

    from ecologis.report.pdf_report import build_report

    data = build_report(assess_project(_w1_project()), lang="en")
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    text = " ".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert "6.1. Sanitary protection zones" in text      # the first part of section 6 (location and zones)
    assert "DSP 173-96, annex 4, class V" in text and "Binding zone: calculated" in text
    assert "School 1" in text


def _square_site(half_m: float) -> dict:
    f = LocalFrame(LAT, LON)
    xs, ys = [-half_m, half_m, half_m, -half_m, -half_m], [-half_m, -half_m, half_m, half_m, -half_m]
    lon, lat = f.to_lonlat(xs, ys)
    return {"type": "Polygon", "coordinates": [[[float(a), float(b)] for a, b in zip(lon, lat)]]}


def test_normative_zone_is_measured_from_the_site_boundary():
    from shapely.geometry import shape

    # a 200 m × 200 m site, class IV (100 m): buffer area A + P·r + π·r² = 40 000 + 800·100 + π·100²
    # = 151 415.9 m² (the 128-segment arcs are 0.04 % short on the π·r² part: ≤ 13 m²)
    p = Project(enterprise=Enterprise(name="site plant", lat=LAT, lon=LON), site=_square_site(100),
                emissions=[Emission(substance="7446-09-5", mass=1.0)],
                sanitary=Sanitary(sanitary_class="IV"),
                receptors=[Receptor.from_dict(r) for r in [
                    {"type": "Feature", "properties": {"name": "Flat", "kind": "residential"},
                     "geometry": {"type": "Point", "coordinates": _south(100 + 150)}},
                    {"type": "Feature", "properties": {"name": "Nursery", "kind": "kindergarten"},
                     "geometry": {"type": "Point", "coordinates": _south(100 + 80)}}]])
    z = assess_project(p).zones("en")
    n = z["normative"]
    assert n["measured_from"] == "site" and n["size_m"] == 100
    area = LocalFrame(LAT, LON).to_local(shape(n["geometry"])).area
    assert area == pytest.approx(40_000 + 800 * 100 + math.pi * 100 ** 2, abs=20)
    # the nursery 80 m south of the boundary is inside, the flat 150 m south is not
    assert [(r["name"], round(r["distance_m"])) for r in n["receptors_inside"]] == [("Nursery", 80)]


def test_without_a_site_the_zone_is_measured_from_each_source():
    f = LocalFrame(LAT, LON)
    lon_e, lat_e = (float(v) for v in f.to_lonlat(200.0, 0.0))
    lon_w, lat_w = (float(v) for v in f.to_lonlat(-200.0, 0.0))
    p = Project(enterprise=Enterprise(lat=LAT, lon=LON), sources=[Source(id="E", lat=lat_e, lon=lon_e),
                                                                    Source(id="W", lat=lat_w, lon=lon_w)],
                emissions=[Emission(substance="7446-09-5", mass=1.0)], sanitary=Sanitary(sanitary_class="V"))
    n = assess_project(p).zones("en")["normative"]
    assert n["measured_from"] == "sources" and n["geometry"]["type"] == "MultiPolygon"   # two 50 m discs, 400 m apart


def test_a_broken_site_does_not_break_the_zones(capsys):
    p = Project(enterprise=Enterprise(lat=LAT, lon=LON), site={"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
                emissions=[Emission(substance="7446-09-5", mass=1.0)], sanitary=Sanitary(sanitary_class="V"))
    z = assess_project(p).to_json("en")["zones"]
    assert z["normative"]["measured_from"] == "enterprise"


def test_szz_classes_add_is_found_and_kept_in_the_user_folder(capsys):
    from ecologis.paths import user_data_dir

    capsys.readouterr()
    assert main(["--lang", "en", "szz-classes", "add", "Цех морозива", "--class", "V", "--en", "Ice-cream shop"]) == 0
    assert (user_data_dir() / "szz_activities.json").exists()
    assert main(["--lang", "en", "szz-classes", "search", "ice", "cream"]) == 0
    out = capsys.readouterr().out
    assert "Ice-cream shop" in out and "added by the user" in out
    assert main(["--lang", "en", "szz-classes", "add", "X", "--class", "9"]) == 2


def test_knp_estimate_zone_is_the_one_the_map_and_receptors_table_show():
    # The demo has no site boundary: the КНП zone is the 300 m circle around the enterprise point,
    # on the map, in the receptors table and in the zones table alike. The house lies 260 m north
    # and 40 m east of the enterprise point: √(260² + 40²) = 263.06 m (inside); the school 150 m
    # south, 480 m west: √(150² + 480²) = 502.9 m (outside). Measured from the nearest emission
    # source instead, the house would be about 230 m away — the zones table used to say so.
    a = assess_project(load_profile(DEMO_PROFILE))
    knp = a.zones("en")["knp_estimate"]
    assert knp["measured_from"] == "enterprise"
    assert [(r["name"], r["distance_m"]) for r in knp["receptors_inside"]] == [
        ("Житловий будинок", pytest.approx(math.hypot(260, 40), abs=0.5))]
    assert [(r.name, round(r.distance_m, 1)) for r in a.site.conflicts] == [
        (r["name"], r["distance_m"]) for r in knp["receptors_inside"]]
    assert knp["geometry"] == a.site.szz                       # the very zone the map draws
