"""The annex-4 list, the user's own activities, the project's sanitary section, the demo."""

from __future__ import annotations

import csv
import json

import pytest

from ecologis.io.profile import load_profile, profile_bytes, parse_profile_bytes
from ecologis.io.szz_classes import ANNEX4_FILE, KVED_HINTS_FILE, SzzClassesError, load_activities
from ecologis.model import Project, Sanitary
from ecologis.paths import DEMO_PROFILE


def test_every_row_names_its_source_and_evidence():
    rows = list(csv.DictReader(open(ANNEX4_FILE, encoding="utf-8")))
    assert len(rows) > 90
    sizes = {"I": "1000", "II": "500", "III": "300", "IV": "100", "V": "50"}
    for r in rows:
        assert r["class"] in sizes and r["size_m"] == sizes[r["class"]]
        assert r["source_url"].startswith("http") and r["document"]
        assert r["class_evidence"] in ("printed", "inferred", "secondary")
    assert len({r["id"] for r in rows}) == len(rows)


def test_dairy_row_is_class_v_printed():
    # dnaop.com/html/3872_10.html: "Клас V. Санітарно-захисна зона 50 м … 13. Молочні та маслоробні заводи"
    a = load_activities(user_path=False).get("food-v-13")
    assert a.sanitary_class == "V" and a.size_m == 50 and a.class_evidence == "printed"
    assert "Молочні" in a.activity_uk and "dnaop.com/html/3872_10" in a.source_url


def test_search_in_ukrainian_and_english():
    acts = load_activities(user_path=False)
    assert "food-v-13" in [a.id for a in acts.search("молочні")]
    assert "food-v-13" in [a.id for a in acts.search("DAIRY")]
    assert all(a.sanitary_class == "I" for a in acts.search("виробництво", "I"))
    assert acts.search("цемент") and not acts.search("no such activity anywhere")


def test_kved_hints_point_to_existing_rows_and_only_where_the_table_has_them():
    acts = load_activities(user_path=False)
    for r in csv.DictReader(open(KVED_HINTS_FILE, encoding="utf-8")):
        assert acts.get(r["activity_id"]) is not None, r
    assert [a.id for a in acts.suggest_for_kved(["10.51"])] == ["food-v-13"]
    assert acts.suggest_for_kved(["62.01"]) == []          # software: no candidate, none guessed


def test_user_activities_overlay_round_trip(tmp_path):
    path = tmp_path / "szz_activities.json"
    acts = load_activities(user_path=path)
    a = acts.add_user_activity("Цех з виробництва морозива", "v", "Ice-cream shop")
    assert a.id == "user-1" and a.sanitary_class == "V" and a.document == "user"
    again = load_activities(user_path=path)
    assert again.get("user-1").activity_uk == "Цех з виробництва морозива"
    assert "user-1" in [x.id for x in again.search("морозив")]
    with pytest.raises(SzzClassesError):
        acts.add_user_activity("X", "VII")


def test_broken_overlay_is_reported_and_kept(tmp_path):
    path = tmp_path / "szz_activities.json"
    path.write_text(json.dumps({"activities": [{"activity_uk": "X", "class": "9"}]}), encoding="utf-8")
    with pytest.raises(SzzClassesError) as ei:
        load_activities(user_path=path)
    msg = ei.value.message("en")
    assert "szz_activities.json" in msg and "1" in msg and "sanitary class" in msg
    assert json.loads(path.read_text(encoding="utf-8"))["activities"][0]["class"] == "9"


def test_sanitary_section_round_trip():
    p = Project()
    p.sanitary = Sanitary(activity_id="food-v-13", sanitary_class="V", wind_rose={"N": 20, "S": 80},
                          justification="measurements 2025", extra={"future_key": 1})
    back = parse_profile_bytes(profile_bytes(p))
    assert back.sanitary == p.sanitary
    assert "sanitary" not in Project().to_json()           # old files stay as they were


def test_schema_refuses_a_bad_class():
    from ecologis.io.profile import ProfileError

    doc = Project().to_json()
    doc["sanitary"] = {"class": "VI"}
    with pytest.raises(ProfileError):
        parse_profile_bytes(json.dumps(doc).encode())


def test_demo_is_a_class_v_dairy():
    p = load_profile(DEMO_PROFILE)
    assert p.sanitary.activity_id == "food-v-13" and p.sanitary.sanitary_class == "V"


def test_same_lists_share_the_assessment_cache():
    from ecologis.io.profile import assessment_options
    from ecologis.pipeline.assess import input_key

    p = load_profile(DEMO_PROFILE)
    a, b = assessment_options(), assessment_options()
    assert a.szz_activities is not b.szz_activities
    assert a.szz_activities.signature() == b.szz_activities.signature()
    assert input_key(p, a) == input_key(p, b.__class__(a.dictionary, a.presets, a.rules, szz_activities=b.szz_activities,
                                                       summation_groups=a.summation_groups))


def test_wind_rose_csv(tmp_path):
    from ecologis.core.sanitary_zone import SanitaryZoneError
    from ecologis.io.szz_classes import read_wind_rose_csv

    ok = tmp_path / "rose.csv"
    ok.write_text("румб,%\nПн,20\nПнС,10\nС,10\nПдС,10\nПд,10\nПдЗ,10\nЗ,15\nПнЗ,15\n", encoding="utf-8")
    assert read_wind_rose_csv(ok) == {"N": 20, "NE": 10, "E": 10, "SE": 10, "S": 10, "SW": 10, "W": 15, "NW": 15}
    bad = tmp_path / "bad.csv"
    bad.write_text("N;20\nNE;abc\n", encoding="utf-8")
    with pytest.raises(SanitaryZoneError) as ei:
        read_wind_rose_csv(bad)
    msg = ei.value.message("en")
    assert "bad.csv, 2" in msg and "NE" in msg and "abc" in msg
