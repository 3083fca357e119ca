"""CLI, PDF calculation note and register-record schema."""

import json
import subprocess
import sys

import jsonschema
import pytest

from ecologis.core.hazard_identification import (
    RegisteredEnterprise,
    HazardObject,
    HazardSource,
    RegisterEvent,
    build_register_record,
    identify,
)
from ecologis.io.inventory_table import read_inventory
from ecologis.io.reference_data import threshold_tables
from ecologis.paths import DOCS_DIR, REPO_ROOT

INV = "name;cas;categories;quantity_t\nХлор;7782-50-5;;12\nРечовина А;;H1;2\nРечовина Б;;H2;25\n"
# Hand calculation (Seveso III: chlorine 10 / 25 t; H1 5 / 20; H2 50 / 200):
#   chlorine 12 ≥ 10, < 25 → class 2 by the named substance; H sum 2/5 + 25/50 = 0.9.


@pytest.fixture
def inv(tmp_path):
    p = tmp_path / "inv.csv"
    p.write_bytes(INV.encode("cp1251"))
    return p


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "ecologis.cli", *args], capture_output=True, text=True, encoding="utf-8", cwd=REPO_ROOT, timeout=120)


def test_cli_json(inv):
    r = _cli("identify", str(inv), "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert (d["class"], d["deciding_group"], d["deciding_substance"]) == ("2", "named", "Хлор")
    assert len(d["table"]) == 3
    assert d["sums"]["H"]["class2"] == pytest.approx(0.9, abs=1e-12)


def test_cli_text_english_and_invalid(tmp_path, inv):
    r = _cli("identify", str(inv), "--lang", "en")
    assert r.returncode == 0
    assert "class 2" in r.stdout and "Хлор" in r.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("name,cas,categories,quantity_t\nA,,H1,-1\nB,,X7,1\n", encoding="utf-8")
    r = _cli("identify", str(bad), "--lang", "en")
    assert r.returncode == 2
    assert "row 2" in r.stderr and "row 3" in r.stderr and "bad.csv" in r.stderr
    assert r.stdout == ""


def test_cli_not_opn_prints_null(tmp_path):
    p = tmp_path / "small.json"
    p.write_text(json.dumps([{"name": "S", "categories": "H2", "quantity_t": 10}]), encoding="utf-8")
    r = _cli("identify", str(p), "--json")
    assert r.returncode == 0
    d = json.loads(r.stdout)
    assert d["class"] is None and d["deciding_group"] is None and d["deciding_substance"] is None


def test_cli_run_in_process(inv, capsys):
    import argparse

    from ecologis.cli.cmd_identify import run

    rc = run(argparse.Namespace(inventory=str(inv), json=True, opn_lang="uk", lang=None, pdf=None))
    assert rc == 0
    assert json.loads(capsys.readouterr().out)["class"] == "2"


def test_pdf_note_contains_class_and_cyrillic_names(tmp_path, inv):
    pypdf = pytest.importorskip("pypdf")
    out = tmp_path / "note.pdf"
    r = _cli("identify", str(inv), "--pdf", str(out))
    assert r.returncode == 0, r.stderr
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(str(out)).pages)
    assert "Розрахунково-пояснювальна записка" in text
    assert "2 клас" in text
    assert "Хлор" in text and "Речовина А" in text
    assert "Seveso" in text and "ПРИПУЩЕННЯ" in text  # sources and assumptions named
    assert "Сторінка 1 з" in text


def test_pdf_escapes_user_text_english(tmp_path, inv):
    pypdf = pytest.importorskip("pypdf")
    from ecologis.report.hazard_identification_note import write_note

    items = read_inventory(inv)
    res = identify(items, tables=threshold_tables())
    obj = HazardObject(name="Склад <№1> & Co", address="м. Київ")
    out = write_note(tmp_path / "en.pdf", obj, RegisteredEnterprise(name="ТОВ «Тест»"), items, res, lang="en")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(str(out)).pages)
    assert "Склад <№1> & Co" in text
    assert "class 2" in text and "Calculation note" in text


def _record(inv):
    items = read_inventory(inv)
    res = identify(items, tables=threshold_tables())
    ent = RegisteredEnterprise(name="ТОВ «Хімзавод»", legal_address="м. Київ", edrpou="12345678", kved=["20.13"])
    obj = HazardObject(
        name="Склад хлору", address="м. Київ, вул. Заводська, 1", commissioning_date="1975-06-01", area_m2=1200.0,
        hazard_sources=[HazardSource(name="Ємність Є-1", kind="резервуар", quantity=2, characteristics="25 м³")],
    )
    events = [RegisterEvent("registration", "2024-03-01"), RegisterEvent("primary_identification", "2024-01-15", note="ОПН-1")]
    return build_register_record(ent, obj, items, res, events, registry_number="ОПН-0001")


def test_register_record_validates_against_schema(inv):
    schema = json.loads((DOCS_DIR / "hazard_identification" / "register_record.schema.json").read_text(encoding="utf-8"))
    rec = _record(inv)
    jsonschema.Draft202012Validator(schema).validate(json.loads(json.dumps(rec, ensure_ascii=False)))
    assert rec["object"]["class"] == "2"
    assert [e["type"] for e in rec["history"]] == ["primary_identification", "registration"]  # date order
    assert rec["object"]["dangerous_substances"][1]["hazard_sections"] == ["H"]
    # the schema can fail: a wrong event type and a malformed ЄДРПОУ are rejected
    bad = json.loads(json.dumps(rec))
    bad["history"][0]["type"] = "approved"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    bad = json.loads(json.dumps(rec))
    bad["enterprise"]["edrpou"] = "12AB"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_register_event_validation():
    with pytest.raises(ValueError):
        RegisterEvent("approved", "2024-01-01")
    with pytest.raises(ValueError):
        RegisterEvent("registration", "01.01.2024")


def test_core_does_not_import_qt():
    code = "import sys, ecologis.core.hazard_identification as m, ecologis.core.hazard_identification.inventory; print(any(k.startswith('PySide6') for k in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT)
    assert r.stdout.strip() == "False", r.stderr


def test_cli_pdf_write_failure_exit_2(tmp_path, inv):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    r = _cli("identify", str(inv), "--pdf", str(blocker / "note.pdf"), "--lang", "en")
    assert r.returncode == 2
    assert "Could not write" in r.stderr
    assert blocker.read_text() == "x"


def test_register_event_errors_are_keyed():
    from ecologis.core.hazard_identification.model import RegisterEventError

    with pytest.raises(RegisterEventError) as ei:
        RegisterEvent("approved", "2024-01-01")
    assert ei.value.key == "opn.error.event_type"
    assert ei.value.message("en") == "unknown register event type \"approved\""
    with pytest.raises(RegisterEventError) as ei:
        RegisterEvent("registration", "01.01.2024")
    assert ei.value.message("uk") == "неправильна дата події «01.01.2024»: очікується РРРР-ММ-ДД"


def test_one_display_rule_for_cli_and_panel():
    from ecologis.cli import cmd_identify
    from ecologis.core.hazard_identification.display import fmt
    from ecologis.gui.panels import hazard_identification_panel

    assert cmd_identify._fmt is fmt and hazard_identification_panel._fmt is fmt
    assert fmt(0.1234567891) == "0.123457"          # 6 significant digits, rounded half up at the 7th
    assert fmt(1386.187) == "1386.19"
    assert fmt(None) == fmt(float("nan")) == fmt(float("inf")) == "—"
    assert fmt(2) == "2" and fmt("E1") == "E1"
