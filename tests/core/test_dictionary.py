"""The shipped dictionary and the user's overlay."""

import json

import jsonschema
import pytest

from ecologis.core.cas import is_valid_cas
from ecologis.core.dictionary import DictionaryError, Substance, validate_substance_record
from ecologis.io.reference_data import load_dictionary, save_user_dictionary
from ecologis.paths import DOCS_DIR, POLLUTANTS_FILE, REPO_ROOT


def test_shipped_dictionary_matches_schema_and_reference():
    data = json.loads(POLLUTANTS_FILE.read_text(encoding="utf-8"))
    schema = json.loads((DOCS_DIR / "schemas" / "pollutants.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    subs = data["substances"]
    assert len(subs) == 116  # 115 reference rows with values + NMVOC (reference README)
    for s in subs:
        for fld in ("gdk_mr", "gdk_sd", "obrv", "hazard_class"):
            if s.get(fld) is not None:
                assert s["sources"].get(fld) in data["sources"], (s["id"], fld)
        if s.get("cas"):
            assert is_valid_cas(s["cas"]), s["cas"]


def test_values_cited_in_reference_md():
    # pollutants_reference.md "The ten substances the project relies on" table
    d = load_dictionary(user_path=False)
    no2 = d.lookup("10102-44-0")
    assert (no2.gdk_mr, no2.gdk_sd, no2.hazard_class) == (0.2, 0.04, 3)
    soot = d.lookup("1333-86-4")
    assert (soot.gdk_mr, soot.gdk_sd) == (0.15, 0.05)
    assert d.lookup("74-82-8").obrv == 50
    nmvoc = d.lookup("НМЛОС")
    assert nmvoc.gdk_sd == 1.0 and nmvoc.hazard_class == 3
    assert "thesis" in nmvoc.note_en and nmvoc.sources["gdk_sd"] == "thesis-table-4.2"


@pytest.mark.parametrize("ref", ["азоту діоксид", "NITROGEN DIOXIDE", "10102-44-0", "Діоксид азоту", "NO2"])
def test_lookup_by_name_cas_alias(ref):
    assert load_dictionary(user_path=False).lookup(ref).id == "10102-44-0"


@pytest.mark.parametrize("ref", ["Ванадію п'ятиоксид (ванадію пентаоксид)", "Ванадію п’ятиоксид (ванадію пентаоксид)",
                                 "ванадію пʼятиоксид (ванадію пентаоксид)", "01002"])
def test_lookup_ignores_apostrophe_variants_and_finds_code(ref):
    assert load_dictionary(user_path=False).lookup(ref).cas == "1314-62-1"


def test_search_fragment():
    found = {s.id for s in load_dictionary(user_path=False).search("п’ятиоксид")}
    assert "1314-62-1" in found


@pytest.mark.parametrize("cas,ok", [("7732-18-5", True), ("10102-44-0", True), ("10102-44-1", False), ("7732185", False)])
def test_cas_check_digit(cas, ok):
    # 7732-18-5 (water): 8·1+1·2+2·3+3·4+7·5+7·6 = 105 → 5 ✓
    assert is_valid_cas(cas) is ok


def test_validate_record_refuses_bad_fields():
    probs = validate_substance_record({"id": "x", "name_uk": "", "name_en": "X", "cas": "10102-44-1",
                                       "hazard_class": 5, "gdk_sd": -1, "gdk_mr": "abc"})
    fields = {p.field: p.key for p in probs}
    assert fields == {"name_uk": "dict.err.empty", "cas": "dict.err.cas_check", "hazard_class": "dict.err.class",
                      "gdk_sd": "dict.err.positive", "gdk_mr": "dict.err.number"}


def test_user_overlay_merged_and_shipped_file_untouched(tmp_path):
    before = POLLUTANTS_FILE.read_bytes()
    d = load_dictionary()
    no2 = d.get("10102-44-0")
    from dataclasses import replace

    d.put(replace(no2, gdk_sd=0.1))
    d.put(Substance("my-1", "Моя речовина", "My substance", hazard_class=2, gdk_sd=0.3))
    d.delete("630-08-0")
    path = save_user_dictionary(d)
    assert POLLUTANTS_FILE.read_bytes() == before
    d2 = load_dictionary()
    assert d2.get("10102-44-0").gdk_sd == 0.1 and d2.get("10102-44-0").origin == "edited"
    assert d2.lookup("Моя речовина").origin == "user"
    assert d2.get("630-08-0") is None
    d2.restore("630-08-0")
    d2.restore("10102-44-0")
    assert d2.get("10102-44-0").gdk_sd == 0.04
    assert path.parent != REPO_ROOT


def test_broken_overlay_is_reported_not_overwritten(tmp_path):
    f = tmp_path / "user.json"
    f.write_text('{"schema_version": 1, "substances": [{"id": "z", "name_uk": "З", "name_en": "Z", "gdk_sd": -2}]}', encoding="utf-8")
    with pytest.raises(DictionaryError) as e:
        load_dictionary(user_path=f)
    # translated: entry number, field name and rule, in the user's language
    assert e.value.message("uk") == "запис 1 («z»), поле «ГДК с.д.»: ГДК має бути додатним числом (зараз: «-2»)."
    assert "field \"daily MPC\"" in e.value.message("en")
    assert "-2" in f.read_text(encoding="utf-8")


def test_put_many_adds_all_and_bumps_version_once():
    d = load_dictionary(user_path=False)
    v = d.version
    d.put_many([Substance("a-1", "Речовина А1", "Substance A1", hazard_class=2, gdk_sd=0.3),
                Substance("a-2", "Речовина А2", "Substance A2", hazard_class=3, gdk_mr=1.0)])
    assert d.lookup("Substance A1").origin == "user" and d.lookup("речовина а2").gdk_mr == 1.0
    assert d.version == v + 1
