"""Invalid inputs are rejected with translated messages naming the source and the field."""

import copy

import pytest

from ecologis.core.dispersion import DispersionInputError, parse_input
from ecologis.i18n import t_lang

GOOD = {"A": 200, "eta": 1, "ambient_temp_c": 25,
        "sources": [{"id": "S1", "lat": 49.23, "lon": 28.47, "height_m": 35, "diameter_m": 1.4,
                     "velocity_m_s": 7, "temp_c": 125,
                     "emissions": [{"substance": "SO2", "rate_g_s": 12, "F": 1}]}]}


def _bad(mutate):
    d = copy.deepcopy(GOOD)
    mutate(d)
    with pytest.raises(DispersionInputError) as ei:
        parse_input(d, lookup=None)
    return ei.value


def _set(field, value, emission=False):
    def m(d):
        target = d["sources"][0]["emissions"][0] if emission else d["sources"][0]
        if value is KeyError:
            del target[field]
        else:
            target[field] = value
    return m


@pytest.mark.parametrize("field,value,key", [
    ("height_m", 0, "disp.err.too_small"),
    ("height_m", -5, "disp.err.too_small"),
    ("height_m", 1.5, "disp.err.height_below_2"),
    ("height_m", KeyError, "disp.err.missing"),
    ("diameter_m", KeyError, "disp.err.missing"),
    ("diameter_m", 0, "disp.err.too_small"),
    ("diameter_m", "wide", "disp.err.not_number"),
    ("temp_c", 10, "disp.err.negative_delta_t"),
    ("velocity_m_s", -1, "disp.err.negative"),
    ("lat", 91, "disp.err.too_large"),
    ("emissions", [], "disp.err.no_emissions"),
])
def test_invalid_source_fields(field, value, key):
    err = _bad(_set(field, value))
    assert [p.key for p in err.problems] == [key]
    for lang in ("uk", "en"):
        msg = err.messages(lang)[0]
        assert "S1" in msg and field in msg, msg
        assert "{" not in msg and not msg.startswith("disp.")      # translated and formatted


@pytest.mark.parametrize("field,value,key", [
    ("rate_g_s", -1, "disp.err.negative"),
    ("F", 4, "disp.err.F_range"),
    ("F", 0.5, "disp.err.F_range"),
    ("cleaning_efficiency_pct", 120, "disp.err.efficiency_range"),
    ("gdk_mr_mg_m3", 0, "disp.err.too_small"),
])
def test_invalid_emission_fields(field, value, key):
    def m(d):
        e = d["sources"][0]["emissions"][0]
        if field == "cleaning_efficiency_pct":
            del e["F"]
        e[field] = value
    err = _bad(m)
    assert [p.key for p in err.problems] == [key]
    msg = err.messages("en")[0]
    assert "S1" in msg and f"emissions[1].{field}" in msg


def test_missing_velocity_and_volume():
    err = _bad(lambda d: d["sources"][0].pop("velocity_m_s"))
    assert err.problems[0].key == "disp.err.need_velocity_or_volume"
    assert "S1" in err.messages("uk")[0]


def test_annual_mass_needs_hours():
    def m(d):
        d["sources"][0]["emissions"][0] = {"substance": "SO2", "mass_t_per_year": 10}
    err = _bad(m)
    assert err.problems[0].key == "disp.err.hours_required"
    assert "hours_per_year" in err.messages("en")[0]


def test_negative_delta_t_allowed_for_declared_cold_emission():
    d = copy.deepcopy(GOOD)
    d["sources"][0]["temp_c"] = 10
    d["sources"][0]["cold"] = True
    inp = parse_input(d, lookup=None)
    assert inp.sources[0].cold


def test_all_problems_reported_together_and_duplicate_ids():
    def m(d):
        s2 = copy.deepcopy(d["sources"][0])
        d["sources"].append(s2)                 # duplicate id S1
        s3 = copy.deepcopy(d["sources"][0])
        s3["id"] = "S3"
        s3["height_m"] = 0
        del s3["diameter_m"]
        d["sources"].append(s3)
    err = _bad(m)
    keys = [p.key for p in err.problems]
    assert keys == ["disp.err.source_id_duplicate", "disp.err.too_small", "disp.err.missing"]
    msgs = err.messages("uk")
    assert "S3" in msgs[1] and "height_m" in msgs[1] and "diameter_m" in msgs[2]


def test_top_level_problems():
    assert _bad(lambda d: d.update(sources=[])).problems[0].key == "disp.err.no_sources"
    assert _bad(lambda d: d.update(A=0)).problems[0].key == "disp.err.top_field"
    assert _bad(lambda d: d.update(directions=12)).problems[0].key == "disp.err.directions"
    e = _bad(lambda d: d.update(summation_groups=[{"id": "G", "substances": ["SO2", "NO2"]}]))
    assert e.problems[0].key == "disp.err.group_gdk" and "NO2" in e.messages("en")[0]


def test_locale_files_have_same_keys_and_prefix():
    import json

    from ecologis.paths import LOCALES_DIR

    uk = json.loads((LOCALES_DIR / "uk.disp.json").read_text(encoding="utf-8"))
    en = json.loads((LOCALES_DIR / "en.disp.json").read_text(encoding="utf-8"))
    assert uk.keys() == en.keys()
    assert all(k.startswith("disp.") for k in uk)
    from ecologis.core.dispersion.formulas import UNVERIFIED
    assert all(f"disp.unv.{k}" in uk for k in UNVERIFIED)
    assert t_lang("en", "disp.regime.hot") == "hot"


def test_every_key_used_in_code_is_translated():
    import json
    import re

    from ecologis.paths import LOCALES_DIR, REPO_ROOT

    uk = json.loads((LOCALES_DIR / "uk.disp.json").read_text(encoding="utf-8"))
    files = list((REPO_ROOT / "ecologis" / "core" / "dispersion").glob("*.py"))
    files.append(REPO_ROOT / "ecologis" / "cli" / "cmd_dispersion.py")
    files.append(REPO_ROOT / "ecologis" / "gui" / "panels" / "dispersion_panel.py")
    used = set()
    for f in files:
        used |= set(re.findall(r"[\"'](disp\.[a-z_]+\.[A-Za-z0-9_.]+)[\"']", f.read_text(encoding="utf-8")))
    assert used, "no keys found"
    assert sorted(k for k in used if k not in uk) == []
    for regime in ("hot", "hot_low_velocity", "cold", "cold_low_velocity"):
        assert f"disp.regime.{regime}" in uk
