"""The receiver's fast validation of measurements and batches: records the schema
accepts are accepted without the general JSON-schema validator, and every record it
refuses is refused with exactly the reasons the JSON-schema validator gives."""

import copy
import json

import pytest

from ecologis.sender import model, schemas

from sender_testlib import measurement_rows

VALID = model.make_measurement(measurement_rows(1)[0], 1, "t.csv")


def _with(**kw):
    r = copy.deepcopy(VALID)
    for k, v in kw.items():
        if v is _DROP:
            r.pop(k, None)
        else:
            r[k] = v
    return r


_DROP = object()

INVALID = [
    _with(schema="ecologis.measurement/2"),
    _with(record_id="not-a-uuid"),
    _with(record_id="6b2f1f7e9a0c5c7e8f7e3d1c2a4b5e60"),          # a UUID without dashes: format refuses it
    _with(revision=-1),
    _with(revision="0"),
    _with(revision=True),
    _with(equipment_id="GA 1"),
    _with(equipment_id="G" * 65),
    _with(substance=""),
    _with(value="12.5"),
    _with(value=None),
    _with(value=False),
    _with(unit=""),
    _with(averaging="30 min"),
    _with(period_start="2026-03-01 10:00:00Z"),
    _with(period_start="2026-02-30T10:00:00Z"),                     # no 30 February: format refuses it
    _with(period_end="2026-03-01T25:00:00Z"),
    _with(period_end="2026-03-01T10:00:00+24:00"),
    _with(status="broken"),
    _with(extra_field=1),
    _with(status=_DROP),
    _with(record_id=_DROP, value=_DROP),
    _with(asv_id=5),
    _with(value_kind=["a"]),
    "not an object",
    [VALID],
]

ALSO_VALID = [
    VALID,
    _with(revision=3, asv_id="ASV-1", source_id="S1", value_kind="max"),
    _with(value=0, period_start="2028-02-29T23:59:59.123+02:00", period_end="2028-02-29T23:29:59.123Z"),
    _with(record_id=VALID["record_id"].upper()),
]


@pytest.mark.parametrize("rec", INVALID, ids=range(len(INVALID)))
def test_invalid_records_refused_with_the_same_reasons(rec):
    slow = schemas.errors("measurement", rec)
    assert slow, "the case must be invalid for the JSON-schema validator too"
    assert schemas.fast_errors("measurement", rec) == slow


@pytest.mark.parametrize("rec", ALSO_VALID, ids=range(len(ALSO_VALID)))
def test_valid_records_take_the_fast_path(rec):
    assert schemas.errors("measurement", rec) == []
    assert schemas.fast_valid("measurement", rec) is True
    assert schemas.fast_errors("measurement", rec) == []


def test_fast_path_is_checked_against_the_shipped_schema():
    # the hand-written rules are tied to the schema file they were written for
    assert schemas.fast_path_enabled("measurement") and schemas.fast_path_enabled("batch")


def test_batches_refused_with_the_same_reasons():
    item = {"kind": "measurement", "idempotency_key": "k", "payload": VALID}
    good = {"schema": "ecologis.batch/1", "batch_id": "b", "sent_at": "2026-03-01T00:00:00Z",
            "mode": "realtime", "records": [item]}
    assert schemas.fast_valid("batch", good) is True
    bad = [dict(good, mode="later"), dict(good, records=[]), dict(good, records=[dict(item, kind="x")]),
           dict(good, records=[dict(item, payload=[])]), dict(good, sent_at="yesterday"),
           dict(good, records=[dict(item, idempotency_key="")]), dict(good, extra=1),
           dict(good, records=[item] * 1001)]
    for doc in bad:
        slow = schemas.errors("batch", doc)
        assert slow
        assert schemas.fast_errors("batch", doc) == slow


def test_receiver_refuses_invalid_batch_items_with_the_json_schema_reasons(receiver, cfg_for):
    from sender_testlib import transport_for

    cfg = cfg_for(receiver.url)
    items = [{"kind": "measurement", "idempotency_key": f"k{i}", "payload": rec} for i, rec in
             enumerate([VALID] + [r for r in INVALID if isinstance(r, dict)])]
    body = {"schema": "ecologis.batch/1", "batch_id": "b1", "sent_at": "2026-03-01T00:00:00Z",
            "mode": "realtime", "records": items}
    tr = transport_for(cfg)
    try:
        resp = tr.request("POST", cfg.path_for("batch"), json.dumps(body).encode(), {})
    finally:
        tr.close()
    results = resp.json()["results"]
    assert results[0] == {"idempotency_key": "k0", "outcome": "accepted"}
    for item, res in zip(items[1:], results[1:]):
        assert res["outcome"] == "rejected"
        assert res["error"]["message"] == "; ".join(schemas.errors("measurement", item["payload"])[:5])
