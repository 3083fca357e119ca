"""``ecologis-cli assess`` and ``dictionary search`` end to end (subprocess)."""

import json
import subprocess
import sys

import pytest

from ecologis.paths import DEMO_PROFILE


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "ecologis.cli", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd)


def test_assess_demo_json():
    r = cli("assess", str(DEMO_PROFILE), "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["knp"] == pytest.approx(1386.187, abs=0.001)
    assert (d["category"], d["szz_m"], d["method"]) == ("III", 300, "ecologis-2025")
    c = d["contributions"]
    assert [x["contribution"] for x in c] == sorted((x["contribution"] for x in c), reverse=True)
    first = c[0]
    for key in ("substance", "cas", "mass_t_per_year", "gdk_mg_m3", "gdk_kind", "hazard_class", "a", "contribution", "share"):
        assert key in first
    assert first["cas"] == "10102-44-0" and first["gdk_kind"] == "input" and first["a"] == 1.3
    assert all(set(w) >= {"code", "row", "field", "message"} for w in d["warnings"])


def test_assess_power_method():
    d = json.loads(cli("assess", str(DEMO_PROFILE), "--json", "--method", "knp-power").stdout)
    assert d["knp"] == pytest.approx(6878.782, abs=0.001) and d["method"] == "knp-power"


def test_assess_csv_with_ukrainian_headers_and_units(tmp_path):
    f = tmp_path / "викиди.csv"
    # cp1251, semicolon, decimal comma; kg/yr row: 5000 кг/рік = 5 t/yr
    f.write_bytes("речовина;маса;одиниці;клас\nАзоту діоксид;34,7849;т/рік;2\nВуглецю оксид;5000;кг/рік;\n".encode("cp1251"))
    r = cli("assess", str(f), "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    # NO2: row class 2 → a 1.3, dictionary ГДК с.д. 0.04: 1.3·34.7849/0.04 = 1130.50925
    # CO: class 4 → a 0.9, ГДК с.д. 3: 0.9·5/3 = 1.5
    assert d["knp"] == pytest.approx(1132.00925, rel=1e-12)
    assert {w["code"] for w in d["warnings"]} >= {"W_MASS_DECIMAL_COMMA"}


def test_invalid_input_exit_2_with_errors(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("substance,mass,unit\nNitrogen dioxide,-3,t/yr\nUnobtainium,1,t/yr\nSulfur dioxide,2,т/год\n", encoding="utf-8")
    r = cli("assess", str(f))
    assert r.returncode == 2
    assert "bad.csv" in r.stderr and "рядок 2" in r.stderr and "рядок 3" in r.stderr and "рядок 4" in r.stderr
    rj = cli("assess", str(f), "--json")
    assert rj.returncode == 2
    errs = json.loads(rj.stdout)["errors"]
    assert [(e["code"], e["row"], e["field"]) for e in errs] == [
        ("E_MASS_NEGATIVE", 2, "mass"), ("E_SUBSTANCE_UNKNOWN", 3, "substance"), ("E_UNIT_AMBIGUOUS", 4, "unit")]


def test_unreadable_file_one_message(tmp_path):
    f = tmp_path / "garbage.xlsx"
    f.write_bytes(b"\x00\x01not a zip")
    r = cli("--lang", "en", "assess", str(f))
    assert r.returncode == 2
    assert "garbage.xlsx" in r.stderr and "Traceback" not in r.stderr


def test_dictionary_search():
    r = cli("dictionary", "search", "азоту")
    assert r.returncode == 0
    assert "10102-44-0" in r.stdout and "GN 2.1.6.3492-17" in r.stdout
    rj = cli("dictionary", "search", "nitrogen dioxide", "--json")
    assert json.loads(rj.stdout)[0]["cas"] == "10102-44-0"


@pytest.mark.parametrize("command", [["assess", str(DEMO_PROFILE)], ["dictionary", "search", "азот"],
                                     ["report", str(DEMO_PROFILE), "--out", "x.pdf"], ["site", str(DEMO_PROFILE)],
                                     ["site", str(DEMO_PROFILE), "--json"]])
def test_broken_user_dictionary_is_reported_not_overwritten(tmp_path, _isolated_user_dir, command):
    overlay = _isolated_user_dir / "data" / "user_pollutants.json"
    overlay.parent.mkdir(parents=True, exist_ok=True)
    broken = '{"schema_version": 1, "substances": [{"id": "z", "name_uk": "З", "name_en": "Z", "gdk_sd": -2}]}'
    overlay.write_text(broken, encoding="utf-8")
    r = cli(*command, cwd=tmp_path)
    assert r.returncode == 2
    out = r.stdout if "--json" in command else r.stderr
    assert "user_pollutants.json" in out and "запис 1 («z»), поле «ГДК с.д.»" in out
    assert "Traceback" not in r.stderr
    assert overlay.read_text(encoding="utf-8") == broken
    assert not (tmp_path / "x.pdf").exists()


def test_assess_bundled_demo(tmp_path):
    # --demo assesses the shipped ROSHEN example: КНП 1386.1866552, category III, 300 m
    # (the thesis, §4.2–4.3); the journal names the demo file, not a folder of ours.
    r = cli("assess", "--demo", "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["knp"] == pytest.approx(1386.1866552, rel=1e-9)
    assert (d["category"], d["szz_m"]) == ("III", 300)
    assert all(w["file"] == "roshen_demo.json" for w in d["warnings"] if w.get("file"))
    both = cli("--lang", "en", "assess", "--demo", str(DEMO_PROFILE))
    assert both.returncode == 2 and "either a file or --demo" in both.stderr and "Traceback" not in both.stderr


def test_help_and_usage_errors_in_the_chosen_language():
    uk = cli("assess", "--help")
    assert uk.returncode == 0
    assert "використання:" in uk.stdout and "показати цю довідку" in uk.stdout
    assert "show this help" not in uk.stdout and "usage:" not in uk.stdout
    err = cli("assess")
    assert err.returncode == 2 and "потрібні аргументи: file" in err.stderr
    en = cli("--lang", "en", "assess")
    assert "the following arguments are required: file" in en.stderr


def test_site_refuses_an_unknown_preset(tmp_path):
    # ``site PROFILE`` takes the radius from the profile's own assessment: an unknown
    # preset is refused like ``report``/``batch`` do, not replaced by the default one.
    doc = json.loads(DEMO_PROFILE.read_text(encoding="utf-8"))
    doc["preset"] = "no-such-preset"
    f = tmp_path / "p.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    r = cli("site", str(f))
    assert r.returncode == 2
    assert "no-such-preset" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("lang,knp,no2_share", [
    # The thesis's worked example (§4.2–4.3): КНП = 1386.1866552 → 3 decimals 1386.187;
    # NO2 share 1.3·34.7849/0.04 / 1386.1866552 = 1130.50925 / 1386.1866552 = 81.557 % → 81.56
    ("uk", "КНП: 1\u202f386,187", "81,56"),
    ("en", "Hazard index (KNP): 1,386.187", "81.56"),
])
def test_human_output_numbers_as_in_the_pdf(lang, knp, no2_share):
    # the same locale convention as the PDF report: uk groups with a narrow no-break space
    # and uses a decimal comma; en "1,386.187"
    r = cli("--lang", lang, "assess", str(DEMO_PROFILE))
    assert r.returncode == 0, r.stderr
    assert knp in r.stdout.splitlines()
    no2 = next(ln for ln in r.stdout.splitlines() if ln.startswith(("Азоту діоксид", "Nitrogen dioxide")))
    assert no2.rstrip().endswith(no2_share)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_assess_human_output_names_the_methodology_not_its_id(lang):
    r = cli("--lang", lang, "assess", str(DEMO_PROFILE))
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    # the shipped preset's name (resources/presets.json, locales/*.json) and no internal id
    assert {"uk": "EcologIS 2025 (дипломна робота)", "en": "EcologIS 2025 (thesis)"}[lang] in first
    assert "ecologis-2025" not in r.stdout
