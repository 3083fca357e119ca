import datetime as dt
import json

import pytest

from ecologis.core.cas import is_valid_cas
from ecologis.sender import model, schemas


def test_cas_check_digit():
    # SO2 7446-09-5: digits right to left 9,0,6,4,4,7 → 1·9+2·0+3·6+4·4+5·4+6·7 = 105 → 5
    assert is_valid_cas("7446-09-5")
    # NO2 10102-44-0: 4,4,2,0,1,0,1 → 4+8+6+0+5+0+7 = 30 → 0
    assert is_valid_cas("10102-44-0")
    assert not is_valid_cas("7446-09-4")


def _row(**kw):
    r = {"equipment_id": "GA-1", "substance": "7446-09-5", "value": "12.5", "unit": "mg/m3",
         "period_start": "2026-03-01T10:00:00+02:00", "period_end": "2026-03-01T10:30:00+02:00",
         "averaging": "PT30M", "status": "valid"}
    r.update(kw)
    return r


def test_measurement_stored_in_utc_and_valid():
    rec = model.make_measurement(_row(), 1, "f.csv")
    # 10:00 at +02:00 is 08:00 UTC
    assert rec["period_start"] == "2026-03-01T08:00:00Z"
    assert rec["period_end"] == "2026-03-01T08:30:00Z"
    assert rec["value"] == 12.5
    assert schemas.errors("measurement", rec) == []
    # same value from another file → same id (stable idempotency key)
    again = model.make_measurement(_row(period_start="2026-03-01T08:00:00Z", period_end="2026-03-01T08:30:00Z"), 7, "g.json")
    assert again["record_id"] == rec["record_id"]
    assert model.key_for("measurement", again) == model.key_for("measurement", rec)


@pytest.mark.parametrize("field,value", [
    ("value", "abc"), ("period_start", "2026-03-01T10:00:00"),  # naive time
    ("averaging", "PT1H"),                                       # 30 min span ≠ 1 h
    ("status", "broken"), ("substance", "7446-09-4"), ("unit", ""), ("equipment_id", "GA 1"),
    ("substance", "Unobtainium"),                                # not a CAS and not a dictionary name
])
def test_bad_rows_name_row_and_field(field, value):
    with pytest.raises(model.RecordError) as ei:
        model.make_measurement(_row(**{field: value}), 5, "f.csv")
    assert ei.value.params["row"] == 5
    assert ei.value.params["file"] == "f.csv"
    assert ei.value.params["field"] == field
    assert "5" in ei.value.message() and field in ei.value.message()


def test_asv_schema_requires_cancellation_details():
    base = model.make_asv(asv_id="ASV-1", edrpou="12345678", operator_name="ТОВ «Приклад»",
                          installation_name="Котельня №1", ied_permit_number="ІДД-1", registered_on="2026-01-10",
                          status="registered", auth_certificate={"serial": "5A3F"})
    assert schemas.errors("asv", base) == []
    cancelled = dict(base, status="cancelled")
    errs = schemas.errors("asv", cancelled)
    assert any("cancelled_on" in e for e in errs) and any("cancellation_basis" in e for e in errs)
    cancelled.update(cancelled_on="2026-05-01", cancellation_reason="демонтаж", cancellation_basis="наказ №5")
    assert schemas.errors("asv", cancelled) == []
    assert schemas.errors("asv", dict(base, edrpou="1234567")) != []


def test_equipment_schema_with_verifications():
    eq = model.make_equipment(equipment_id="GA-1", asv_id="ASV-1", registered_on="2026-01-10", status="suspended",
                              suspended_on="2026-02-01", suspension_reason="ремонт", suspension_basis="акт №3")
    eq["verifications"] = [{"performed_on": "2026-01-05", "valid_until": "2027-01-04",
                            "certificate_number": "П-77", "result": "pass"}]
    assert schemas.errors("equipment", eq) == []
    eq["verifications"][0]["result"] = "maybe"
    assert schemas.errors("equipment", eq) != []


def test_assessment_message_is_deterministic():
    a = {"knp": 1386.1866552, "category": "III", "szz_m": 300, "method": "thesis_linear",
         "contributions": [{"substance": "NO2", "value": 1130.509}], "enterprise": {"name": "X"}}
    r1 = model.make_assessment(a, dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    r2 = model.make_assessment(a, dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc))
    assert schemas.errors("assessment", r1) == []
    assert r1["assessment_id"] == r2["assessment_id"]
    assert model.make_assessment(dict(a, knp=1.0))["assessment_id"] != r1["assessment_id"]


def test_json_file_and_csv_file(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"records": [_row()]}), encoding="utf-8")
    assert len(model.read_measurement_file(tmp_path / "a.json").records) == 1
    (tmp_path / "b.csv").write_text("equipment_id,substance,value\nGA-1,x,1\n", encoding="utf-8")
    with pytest.raises(model.RecordError) as ei:
        model.read_measurement_file(tmp_path / "b.csv")
    assert ei.value.key == "sender.file.missing_columns"


@pytest.mark.parametrize("name", ["Сірки діоксид (ангідрид сірчистий)", "sulfur dioxide", "SO2", "Діоксид сірки"])
def test_substance_by_dictionary_name_is_sent_as_its_cas(name):
    # The dictionary entry of sulphur dioxide has CAS 7446-09-5 (pollutants.json, SanPiN row).
    by_name = model.make_measurement(_row(substance=name), 1, "f.csv")
    by_cas = model.make_measurement(_row(), 1, "f.csv")
    assert by_name["substance"] == "7446-09-5"
    assert by_name["record_id"] == by_cas["record_id"]  # one idempotency key for one measurement
