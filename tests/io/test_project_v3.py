"""The project model in the profile file: sources inventory, emissions assigned to sources,
migration of schema 1 and 2 files, unknown keys kept, dispersion from the inventory."""

import copy
import json

import pytest

from ecologis.io.profile import load_profile, project_from_json, save_profile
from ecologis.model import SCHEMA_VERSION, Emission, Enterprise, Project, Source
from ecologis.io.reference_data import dispersion_lookup
from ecologis.pipeline.dispersion_input import input_from_profile

LAT, LON = 49.2331, 28.4682


def _two_source_project() -> Project:
    return Project(
        enterprise=Enterprise(name="Завод", lat=LAT, lon=LON),
        sources=[
            Source(id="1", name="Котельня", lat=LAT, lon=LON, height_m=35.0, diameter_m=1.4, velocity_m_s=7.0,
                   temp_c=125.0, gas_cleaning="циклон", cleaning_efficiency=0.8, hours_per_year=4000.0),
            Source(id="2", name="Технологічна витяжка", kind="point", lat=LAT + 0.001, lon=LON, height_m=12.0,
                   diameter_m=0.5, volume_m3_s=1.2, temp_c=30.0),
        ],
        emissions=[
            Emission("Азоту діоксид", 1.2, "g/s", source_id="1"),            # hours from the source: 4000
            Emission("Сірки діоксид (ангідрид сірчистий)", 0.5, "t/yr", source_id="2", hours_per_year=2000),
            Emission("Вуглецю оксид", 3.0, "t/yr"),                           # not assigned
        ],
    )


def test_two_sources_round_trip(tmp_path):
    p = _two_source_project()
    f = tmp_path / "plant.json"
    save_profile(p, f)
    doc = json.loads(f.read_text("utf-8"))
    assert doc["schema_version"] == SCHEMA_VERSION == 3
    q = load_profile(f)
    assert [s.to_json() for s in q.sources] == [s.to_json() for s in p.sources]
    assert [(e.substance, e.source_id, e.hours_per_year) for e in q.emissions] == [
        ("Азоту діоксид", "1", None), ("Сірки діоксид (ангідрид сірчистий)", "2", 2000), ("Вуглецю оксид", None, None)]
    assert q.emissions_of("1")[0].substance == "Азоту діоксид"
    # g/s ↔ t/yr with the source's hours: 1.2 g/s · 3600 s/h · 4000 h / 10⁶ = 17.28 t/yr
    assert q.hours_of(q.emissions[0]) == 4000.0
    assert q.hours_of(q.emissions[1]) == 2000
    assert q.hours_of(q.emissions[2]) == 8760.0


def test_dispersion_runs_from_the_inventory_without_re_entering_anything():
    p = _two_source_project()
    doc = input_from_profile(p, lookup=dispersion_lookup())
    by_id = {s["id"]: s for s in doc["sources"]}
    assert by_id["1"]["velocity_m_s"] == 7.0 and by_id["1"]["temp_c"] == 125.0 and by_id["1"]["height_m"] == 35.0
    assert by_id["2"]["volume_m3_s"] == 1.2
    # source 1's NO2 in g/s as entered; source 2's SO2 in t/yr with the row's own 2000 h
    assert by_id["1"]["emissions"] == [{"substance": "Азоту діоксид", "rate_g_s": 1.2}]
    assert by_id["2"]["emissions"][0]["mass_t_per_year"] == 0.5 and by_id["2"]["emissions"][0]["hours_per_year"] == 2000
    assert doc["unassigned_emissions"] == [3]


def test_knp_uses_the_source_hours():
    from ecologis.io.profile import assess_project

    p = Project(sources=[Source(id="1", hours_per_year=4000.0)],
                emissions=[Emission("Азоту діоксид", 1.2, "g/s", source_id="1", gdk_sd=0.04, hazard_class=2)])
    # 1.2 g/s · 3600 · 4000 / 10⁶ = 17.28 t/yr; class 2 → a 1.3: K = 1.3 · 17.28 / 0.04 = 561.6
    assert assess_project(p, dispersion=False).knp == pytest.approx(561.6, rel=1e-12)


V2 = {
    "schema_version": 2, "kind": "ecologis-profile",
    "enterprise": {"name": "Старий", "edrpou": "", "kved": [], "lat": LAT, "lon": LON},
    "site": None,
    "sources": [{"id": "1", "name": "Котельня", "type": "point", "lat": LAT, "lon": LON, "height_m": 35,
                 "diameter_m": 1.4, "cleaning_efficiency": 0.8}],
    "emissions": [{"substance": "Азоту діоксид", "mass": 1.2, "unit": "g/s", "source_id": "1"}],
    "preset": "ecologis-2025", "duplicates": "sum", "history": [], "notes": "",
    "extensions": {
        "dispersion": {"A": 180, "directions": 36,
                       "sources": [{"id": "1", "velocity_m_s": 7, "temp_c": 125, "lat": 0.0, "cold": False},
                                   {"id": "N1", "lat": LAT, "lon": LON + 0.01, "height_m": 40, "diameter_m": 2,
                                    "velocity_m_s": 9, "temp_c": 150, "own": False,
                                    "emissions": [{"substance": "7446-09-5", "rate_g_s": 5}]}],
                       "background_provenance": {"x": 1}},
        "receptors": [{"name": "Школа", "kind": "school", "lat": LAT + 0.002, "lon": LON}],
        "background": {"results": [{"method": "default"}]},
        "hazard_identification": {"rows": [1, 2]},
        "a_future_feature": {"kept": True},
    },
}


def test_v2_migrates_to_v3(tmp_path):
    f = tmp_path / "v2.json"
    f.write_text(json.dumps(V2, ensure_ascii=False), "utf-8")
    before = f.read_bytes()
    p = load_profile(f)
    assert f.read_bytes() == before                     # opening never modifies the file
    assert p.migrated_from == 2 and "3" in p.notice_message("en")
    s1, n1 = p.sources
    # the profile's geometry wins (lat 0.0 of the old dispersion input is ignored), gas parameters join
    assert (s1.lat, s1.height_m, s1.velocity_m_s, s1.temp_c, s1.kind) == (LAT, 35, 7, 125, "point")
    assert s1.extra == {"cold": False} and s1.own
    # a neighbour's stack known only to the dispersion input joins the inventory as it was
    assert (n1.id, n1.own, n1.height_m, n1.extra["emissions"]) == ("N1", False, 40, [{"substance": "7446-09-5", "rate_g_s": 5}])
    assert p.dispersion.to_dict() == {"A": 180, "directions": 36}
    assert p.receptor_dicts() == V2["extensions"]["receptors"]
    assert p.background.to_dict() == {"results": [{"method": "default"}]}
    assert p.hazard_identification == {"rows": [1, 2]}
    assert p.extensions == {"a_future_feature": {"kept": True}}      # unknown keys are kept
    # saved as v3 and read back to the same project
    out = tmp_path / "v3.json"
    save_profile(p, out)
    q = load_profile(out)
    assert q.migrated_from is None
    assert json.loads(out.read_text("utf-8"))["extensions"] == {"a_future_feature": {"kept": True}}
    assert [s.to_json() for s in q.sources] == [s.to_json() for s in p.sources]
    assert (q.dispersion, q.receptors, q.background, q.hazard_identification) == (
        p.dispersion, p.receptors, p.background, p.hazard_identification)
    # the dispersion input is the same as the old file's: the neighbour included, the own stack's gas
    doc = input_from_profile(q, lookup=dispersion_lookup())
    assert {s["id"] for s in doc["sources"]} == {"1", "N1"} and doc["A"] == 180


def test_v1_migrates_through_v2_to_v3():
    v1 = copy.deepcopy(V2)
    v1["schema_version"] = 1
    v1["enterprise"]["kved"] = "10.51; 10.89"
    del v1["duplicates"]
    p = project_from_json(v1, "v1.json")
    assert p.migrated_from == 1
    assert p.enterprise.kved == ["10.51", "10.89"] and p.duplicates == "sum"
    assert len(p.sources) == 2 and p.receptors and p.extensions == {"a_future_feature": {"kept": True}}


def test_unknown_source_keys_are_kept(tmp_path):
    p = _two_source_project()
    p.sources[0].extra["stack_no"] = "Д-1"
    f = tmp_path / "p.json"
    save_profile(p, f)
    assert load_profile(f).sources[0].extra == {"stack_no": "Д-1"}
