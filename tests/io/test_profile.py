"""Profiles: round trip, schema, migration, newer versions, validation naming the field,
atomic save with backup, history and re-assessment."""

from dataclasses import replace
import hashlib
import json
import os
from pathlib import Path

import jsonschema
import pytest

from ecologis.model import SCHEMA_VERSION, Emission, Enterprise, Source
from ecologis.io import profile as prof_mod
from ecologis.io.profile import (Project, ProfileError, ProfileFieldError, load_profile, reassess, record_assessment,
                                 project_from_json, save_profile)
from ecologis.paths import DEMO_PROFILE, DOCS_DIR

# The thesis's worked example (§4.2–4.3) (hand sum in tests/io/conftest.py).
DEMO_KNP, DEMO_CATEGORY, DEMO_SZZ = 1386.1866552, "III", 300.0


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def full_profile() -> Project:
    return Project(
        enterprise=Enterprise(name="ТОВ «Тест <b>&</b>»", edrpou="14360570", kved=["10.51", "35.30"],
                              address="м. Вінниця, вул. Тестова, 1", lat=49.2331, lon=28.4682,
                              activity="Переробка молока", contacts="+380 43 000 00 00"),
        sources=[Source(id="1", name="Котельня", kind="point", lat=49.2332, lon=28.4683, height_m=30.0,
                                diameter_m=1.2, gas_cleaning="циклон ЦН-15", cleaning_efficiency=0.85)],
        emissions=[Emission("Азоту діоксид", 34.7849, "t/yr", source_id="1", origin="measurement", date="2025-03-01",
                            note="протокол №5", gdk_sd=0.04, hazard_class=2),
                   Emission("Вуглецю оксид", "27,2772", "t/yr")],
        preset="knp-power",
        site={"type": "Polygon", "coordinates": [[[28.466, 49.232], [28.470, 49.232], [28.470, 49.2345], [28.466, 49.232]]]},
        extensions={"hazard_identification": {"x": [1, 2]}},
        notes="примітка",
        duplicates="keep",
    )


def test_round_trip_identical(tmp_path):
    p = full_profile()
    f = tmp_path / "p.json"
    save_profile(p, f)
    q = load_profile(f)
    assert q.to_json() == p.to_json()
    assert q.enterprise == p.enterprise and q.sources == p.sources
    assert [e.to_json() for e in q.emissions] == [{**e.to_json(), "row": i + 1} for i, e in enumerate(p.emissions)]
    # saving the loaded profile again gives the same document (apart from the save time)
    f2 = tmp_path / "q.json"
    save_profile(q, f2)
    a, b = json.loads(f.read_text("utf-8")), json.loads(f2.read_text("utf-8"))
    a.pop("saved_at"), b.pop("saved_at")
    assert a == b


def test_shipped_schema_is_valid_for_the_validator_used_at_run_time():
    # the run-time validator does not check the schema (start-up time); this test does,
    # with the validator class chosen from the schema's own "$schema"
    schema = json.loads((DOCS_DIR / "schemas" / "profile.schema.json").read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft202012Validator
    cls.check_schema(schema)
    prof_mod._validator.cache_clear()
    assert type(prof_mod._validator()) is cls
    # an inlined copy of the schema (what the run-time validator holds) is a valid schema too
    cls.check_schema(prof_mod._validator().schema)


def test_saved_file_matches_published_schema(tmp_path):
    schema = json.loads((DOCS_DIR / "schemas" / "profile.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    f = tmp_path / "p.json"
    p = full_profile()
    record_assessment(p, reassess(p).result)
    save_profile(p, f)
    jsonschema.validate(json.loads(f.read_text("utf-8")), schema)


def test_demo_v1_is_migrated_without_touching_the_file(demo_v1_path):
    demo_path = demo_v1_path
    before = _sha(demo_path)
    p = load_profile(demo_path)
    assert p.migrated_from == 1 and not p.read_only
    assert "1" in p.notice_message("en") and str(SCHEMA_VERSION) in p.notice_message("en")
    assert len(p.emissions) == 10 and p.duplicates == "sum"
    assert _sha(demo_path) == before


def test_shipped_demo_is_in_the_current_schema():
    from ecologis.io.profile import SCHEMA_VERSION

    doc = json.loads(DEMO_PROFILE.read_text("utf-8"))
    assert doc["schema_version"] == SCHEMA_VERSION
    p = load_profile(DEMO_PROFILE)
    assert p.migrated_from is None and p.notice is None


def test_v1_migration_details(tmp_path):
    doc = {"schema_version": 1, "kind": "ecologis-profile",
           "enterprise": {"name": "A", "edrpou": 32129, "kved": "10.51; 10.89"},
           "emissions": [{"substance": "Метан", "mass": 1}], "history": [{"date": "2024-01-01", "knp": 1.0,
                                                                          "category": "IV", "szz": 100}],
           "extensions": None}
    f = tmp_path / "v1.json"
    f.write_text(json.dumps(doc), "utf-8")
    p = load_profile(f)
    assert p.enterprise.edrpou == "00032129"      # Oschadbank, valid (see test_edrpou)
    assert p.enterprise.kved == ["10.51", "10.89"]
    assert p.history[0]["timestamp"] == "2024-01-01" and p.history[0]["szz_m"] == 100
    assert p.extensions == {}


def test_newer_version_opens_read_only(tmp_path):
    doc = full_profile().to_json()
    doc["schema_version"] = 99
    doc["something_new"] = {"a": 1}
    f = tmp_path / "new.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    before = _sha(f)
    p = load_profile(f)
    assert p.read_only
    assert "99" in p.notice_message("en")
    with pytest.raises(ProfileError) as ei:
        save_profile(p, f)
    assert ei.value.message("en")
    assert _sha(f) == before


@pytest.mark.parametrize("mutate,field", [
    (lambda d: d["enterprise"].__setitem__("edrpou", "14360571"), "enterprise.edrpou"),
    (lambda d: d["enterprise"].__setitem__("edrpou", "1234"), "enterprise.edrpou"),
    (lambda d: d["enterprise"].__setitem__("lat", 123.0), "enterprise.lat"),
    (lambda d: d["enterprise"].__setitem__("kved", ["ab.cd"]), "enterprise.kved[1]"),
    (lambda d: d["emissions"][1].__setitem__("mass", [1, 2]), "emissions[2].mass"),
    (lambda d: d["emissions"][0].pop("substance"), "emissions[1].substance"),
    (lambda d: d["sources"][0].__setitem__("cleaning_efficiency", 1.5), "sources[1].cleaning_efficiency"),
    (lambda d: d.__setitem__("duplicates", "average"), "duplicates"),
    (lambda d: d["site"]["coordinates"][0].__setitem__(-1, [28.0, 49.0]), "site.coordinates[1]"),
    (lambda d: d.__setitem__("preset", 5), "preset"),
    # a bow-tie (self-intersecting) site, found by ecologis.core.geometry.validate_site
    (lambda d: d.__setitem__("site", {"type": "Polygon", "coordinates": [[[28.0, 49.0], [28.01, 49.01], [28.01, 49.0],
                                                                           [28.0, 49.01], [28.0, 49.0]]]}), "site"),
])
def test_invalid_profile_names_the_field_and_file_is_unchanged(tmp_path, mutate, field):
    doc = full_profile().to_json()
    mutate(doc)
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    before = _sha(f)
    with pytest.raises(ProfileFieldError) as ei:
        load_profile(f)
    assert ei.value.field == field
    msg_uk, msg_en = ei.value.message("uk"), ei.value.message("en")
    assert field in msg_uk and field in msg_en and "bad.json" in msg_en
    assert _sha(f) == before
    assert not (tmp_path / "bad.json.bak").exists()


@pytest.mark.parametrize("text", ['{"schema_version": 2, "kind": "ecologis-profile", "enterprise": {"name": "a", "lat": NaN}, "emissions": []}',
                                  '{"schema_version": 2, "kind": "ecologis-profile", "enterprise": {"name": "a"}, "emissions": [{"substance": "x", "mass": 1e400}]}',
                                  '{"schema_version": 2, "kind": "ecologis-profile", "enterprise": {"name": "a"}, "emissions": [{"substance": "x", "mass": Infinity}]}'])
def test_non_finite_numbers_refused(tmp_path, text):
    f = tmp_path / "nan.json"
    f.write_text(text, "utf-8")
    with pytest.raises(ProfileError) as ei:
        load_profile(f)
    assert ei.value.message("en")


def test_save_keeps_one_backup(tmp_path):
    f = tmp_path / "p.json"
    p = full_profile()
    save_profile(p, f)
    first = f.read_bytes()
    p.notes = "друга версія"
    save_profile(p, f)
    assert (tmp_path / "p.json.bak").read_bytes() == first
    second = f.read_bytes()
    p.notes = "третя"
    save_profile(p, f)
    assert (tmp_path / "p.json.bak").read_bytes() == second
    assert sorted(x.name for x in tmp_path.iterdir()) == ["p.json", "p.json.bak"]


def test_interrupted_save_leaves_previous_profile_intact(tmp_path, monkeypatch):
    f = tmp_path / "p.json"
    p = full_profile()
    save_profile(p, f)
    before = f.read_bytes()
    p.notes = "не має потрапити у файл"
    calls = {"n": 0}
    real_replace = os.replace

    def failing_replace(src, dst):
        calls["n"] += 1
        if Path(dst) == f:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        save_profile(p, f)
    monkeypatch.setattr(os, "replace", real_replace)
    assert f.read_bytes() == before
    assert load_profile(f).notes == "примітка"
    assert not [x for x in tmp_path.iterdir() if x.name.endswith(".tmp")]


def test_interrupted_write_leaves_previous_profile_intact(tmp_path, monkeypatch):
    f = tmp_path / "p.json"
    p = full_profile()
    save_profile(p, f)
    before = f.read_bytes()

    def boom(*a, **k):
        raise RuntimeError("crash while serialising")

    monkeypatch.setattr(prof_mod, "validate_profile_doc", boom)
    with pytest.raises(RuntimeError):
        save_profile(p, f)
    assert f.read_bytes() == before


def test_invalid_profile_is_not_saved(tmp_path):
    f = tmp_path / "p.json"
    p = full_profile()
    save_profile(p, f)
    before = f.read_bytes()
    p.enterprise.edrpou = "14360571"
    with pytest.raises(ProfileFieldError) as ei:
        save_profile(p, f)
    assert ei.value.field == "enterprise.edrpou"
    assert f.read_bytes() == before


# -- history ------------------------------------------------------------------------
def test_reassessment_reproduces_stored_result_exactly(demo_path, tmp_path):
    p = load_profile(demo_path)
    first = reassess(p)
    assert first.previous is None
    assert first.result.knp == pytest.approx(DEMO_KNP, rel=1e-12)
    entry = record_assessment(p, first.result)
    assert entry["category"] == DEMO_CATEGORY and entry["szz_m"] == DEMO_SZZ
    assert entry["top"][0]["substance_id"] == "10102-44-0"  # nitrogen dioxide dominates (1130.509)
    assert entry["inputs_hash"].startswith("sha256:") and entry["app_version"]
    f = tmp_path / "saved.json"
    save_profile(p, f)
    q = load_profile(f)
    again = reassess(q)
    assert again.reproduced and not again.changed
    assert again.entry["knp"] == q.history[-1]["knp"]   # bit-for-bit
    assert len(q.history) == 1                          # reassess never writes history


def test_preset_change_is_reported_not_replaced(demo_path):
    from ecologis.core.presets import preset_from_dict
    from ecologis.io.reference_data import load_presets

    p = load_profile(demo_path)
    record_assessment(p, reassess(p).result)
    presets = load_presets()
    d = presets["ecologis-2025"].to_json()
    d["a"] = {"1": 1.7, "2": 0.5, "3": 1.0, "4": 0.9}  # class 2 weight changed 1.3 -> 0.5
    presets = dict(presets)
    presets["ecologis-2025"] = preset_from_dict(d)
    r = reassess(p, presets=presets)
    assert r.changed and r.preset_changed and not r.inputs_changed and not r.dictionary_changed
    diff = r.diff()
    # hand: class-2 rows lose 0.8·M/ГДК: NO2 0.8·34.7849/0.04 = 695.698, HNO3 0.8·0.10829/0.2 = 0.43316
    # → 1386.1866552 − 695.698 − 0.43316 = 690.0554952, below 1000 → category IV
    assert diff["knp_old"] == pytest.approx(DEMO_KNP, rel=1e-12)
    assert diff["knp_new"] == pytest.approx(690.0554952, rel=1e-9)
    assert diff["category_old"] == "III" and diff["category_new"] == "IV"
    msg = r.message("en")
    assert "1386.187" in msg and "690.055" in msg and "III" in msg and "IV" in msg
    assert len(p.history) == 1


def test_dictionary_change_is_reported(tmp_path):
    from dataclasses import replace

    from ecologis.io.reference_data import load_dictionary

    d = load_dictionary(user_path=False)
    p = Project(enterprise=Enterprise(name="X"), emissions=[Emission("Азоту діоксид", 4.0, "t/yr")])
    record_assessment(p, reassess(p, dictionary=d).result)
    no2 = d.lookup("Азоту діоксид")
    d.put(replace(no2, gdk_sd=0.08))
    r = reassess(p, dictionary=d)
    assert r.changed and r.dictionary_changed and not r.preset_changed and not r.inputs_changed
    # class 3 (dictionary), a = 1.0: 4/0.04 = 100 → 4/0.08 = 50
    assert r.diff()["knp_old"] == pytest.approx(100.0) and r.diff()["knp_new"] == pytest.approx(50.0)


def test_inputs_change_is_reported(demo_path):
    p = load_profile(demo_path)
    record_assessment(p, reassess(p).result)
    p.emissions[2] = replace(p.emissions[2], mass=17.39245)   # NO2 halved: −0.5·1130.50925
    r = reassess(p)
    assert r.changed and r.inputs_changed and not r.preset_changed
    assert r.diff()["knp_new"] == pytest.approx(DEMO_KNP - 565.254625, rel=1e-9)


def test_from_json_does_not_share_or_modify_the_input():
    import copy as _copy

    doc = full_profile().to_json()
    doc["history"] = [{"timestamp": "t", "inputs_hash": "", "knp": 1.0, "category": "IV", "szz_m": 100.0,
                       "preset": "knp-power"}]
    snapshot = _copy.deepcopy(doc)
    p = project_from_json(doc)
    p.enterprise.kved.append("01.11")
    p.site["coordinates"][0][0][0] = 0.0
    p.history[0]["knp"] = 2.0
    p.extensions["hazard_identification"]["x"].append(3)
    assert doc == snapshot
    v1 = dict(snapshot, schema_version=1)
    snap1 = _copy.deepcopy(v1)
    project_from_json(v1)
    assert v1 == snap1                                   # migration works on a copy
