"""pytest-qt test of the ОПН panel (offscreen)."""

import json

import jsonschema
import pytest

pytest.importorskip("pytestqt")

from ecologis.gui.panels.hazard_identification_panel import HazardIdentificationPanel  # noqa: E402
from ecologis.i18n import translator  # noqa: E402
from ecologis.paths import DOCS_DIR  # noqa: E402

STATE = {
    "enterprise": {"name": "ТОВ «Хімзавод»", "legal_address": "м. Київ", "edrpou": "12345678", "rnokpp": "", "passport": "", "kved": "20.13, 20.14"},
    "object": {"name": "Склад", "address": "м. Київ, вул. Заводська, 1", "commissioning_date": "1975-06-01", "area_m2": "1200,5",
               "documents": "", "safety_audit": "", "insurance": ""},
    "hazard_sources": [{"name": "Ємність Є-1", "kind": "резервуар", "quantity": "2", "length_m": "", "characteristics": "25 м³"}],
    # Hand calculation (Seveso III): E1 50/100 = 0.5, E2 100/200 = 0.5 → Σ_E = 1 → class 2 (group E)
    "inventory": [
        {"name": "Речовина E1", "cas": "", "categories": "E1", "quantity_t": "50", "named_entry": ""},
        {"name": "Речовина E2", "cas": "", "categories": "E2", "quantity_t": "100", "named_entry": ""},
    ],
    "registry_number": "",
    "events": [{"type": "primary_identification", "date": "2024-01-15", "note": "", "registry_number": ""}],
}


def test_panel_state_run_export(qtbot, tmp_path):
    w = HazardIdentificationPanel()
    qtbot.addWidget(w)
    w.load_state(STATE)
    assert w.state()["inventory"] == STATE["inventory"]
    assert w.state()["enterprise"]["kved"] == "20.13, 20.14"

    w.run_btn.click()
    assert w.result is not None
    assert (w.result.klass, w.result.deciding_group) == ("2", "E")
    assert w.calc_model.rowCount() == 2
    assert "2 клас" in w.result_label.text()

    assert w.add_event("registration", "2024-03-01")
    assert not w.add_event("registration", "01.03.2024")  # bad date → message, not added
    assert w.events_model.rowCount() == 2

    out = tmp_path / "record.json"
    assert w.export_register_record(out)
    rec = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((DOCS_DIR / "hazard_identification" / "register_record.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(rec, schema)
    assert rec["object"]["class"] == "2" and rec["object"]["area_m2"] == 1200.5
    assert rec["enterprise"]["kved"] == ["20.13", "20.14"]
    assert [e["type"] for e in rec["history"]] == ["primary_identification", "registration"]

    pdf = tmp_path / "note.pdf"
    assert w.export_pdf(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_panel_invalid_inventory_and_retranslate(qtbot):
    w = HazardIdentificationPanel()
    qtbot.addWidget(w)
    state = dict(STATE, inventory=[{"name": "A", "cas": "", "categories": "H9", "quantity_t": "-1", "named_entry": ""}])
    w.load_state(state)
    assert not w.run_identification()
    assert w.result is None
    text = w.message_label.text()
    assert "H9" in text and "рядок 1" in text
    translator.set_language("en")
    assert w.run_btn.text() == "Run identification"
    assert "row 1" in w.message_label.text()


def test_panel_import_keeps_table_on_error(qtbot, tmp_path):
    w = HazardIdentificationPanel()
    qtbot.addWidget(w)
    w.load_state(STATE)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,cas,categories,quantity_t\nA,,H1,abc\n", encoding="utf-8")
    assert not w.import_inventory(bad)
    assert w.state()["inventory"] == STATE["inventory"]  # nothing partial
    good = tmp_path / "good.csv"
    good.write_text("name,cas,categories,quantity_t\nХлор,7782-50-5,,12\n", encoding="utf-8")
    assert w.import_inventory(good)
    assert w.state()["inventory"][0]["named_entry"] == "10"
    assert w.run_identification() and w.result.klass == "2"


def test_panel_rejects_bad_date_without_writing(qtbot, tmp_path):
    w = HazardIdentificationPanel()
    qtbot.addWidget(w)
    state = json.loads(json.dumps(STATE))
    state["object"]["commissioning_date"] = "01.06.1975"
    w.load_state(state)
    out = tmp_path / "record.json"
    assert not w.export_register_record(out)
    assert not out.exists()
    assert "01.06.1975" in w.message_label.text()


def test_bad_register_event_message_is_translated(qtbot):
    translator.set_language("uk")
    w = HazardIdentificationPanel()
    qtbot.addWidget(w)
    assert w.object_edits["commissioning_date"].placeholderText() == "РРРР-ММ-ДД"
    assert not w.add_event("registration", "01.03.2024")
    text = w.message_label.text()
    assert "неправильна дата події «01.03.2024»" in text and "opn.error" not in text
    translator.set_language("en")
    assert "invalid event date \"01.03.2024\": expected YYYY-MM-DD" in w.message_label.text()
    assert w.object_edits["commissioning_date"].placeholderText() == "YYYY-MM-DD"
    assert not w.add_event("approved", "2024-01-01")
    assert "unknown register event type \"approved\"" in w.message_label.text()
