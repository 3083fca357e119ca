"""End to end over real mutual TLS: 1,000 records → all acknowledged, the receiver holds
exactly 1,000 with identical content."""

import json
import time

from ecologis.sender.inbox import enqueue_file
from ecologis.sender.outbox import Outbox
from ecologis.sender.receiver import dump
from ecologis.sender.sender import Sender

from sender_testlib import measurement_rows, transport_for, write_csv


def test_thousand_records_end_to_end(receiver, cfg_for, tmp_path, capsys):
    cfg = cfg_for(receiver.url, batch_size=100)
    rows = measurement_rows(1000)
    f = write_csv(tmp_path / "m.csv", rows)
    ob = Outbox(cfg.outbox_path())
    res = enqueue_file(f, ob, time.time())
    assert res.records == 1000
    tr = transport_for(cfg)
    try:
        out = Sender(cfg, ob, tr).drain(give_up_after=60)
    finally:
        tr.close()
    assert out.remaining == 0 and out.acked == 1000 and out.dead == 0
    assert ob.counts() == {"pending": 0, "sent": 0, "acknowledged": 1000, "dead_letter": 0}
    # every attempt is journalled: 1,000 acknowledgements, each with the endpoint and 200
    audit = ob.audit_rows()
    assert len(audit) == 1000
    assert {a["outcome"] for a in audit} == {"accepted"}
    assert {a["http_status"] for a in audit} == {200}

    stored = dump(receiver.store.db.execute("PRAGMA database_list").fetchone()[2])
    assert len(stored) == 1000
    assert len({s["idempotency_key"] for s in stored}) == 1000
    # identical content: compare with the CSV we wrote (independently: +02:00 → UTC is −2 h)
    by_start = {s["payload"]["period_start"]: s["payload"] for s in stored}
    assert len(by_start) == 1000
    first = by_start["2026-02-28T22:00:00Z"]          # 2026-03-01 00:00 +02:00
    assert first["value"] == 10.0 and first["substance"] == "7446-09-5" and first["unit"] == "mg/m3"
    last = by_start["2026-03-21T17:30:00Z"]  # Feb 28 22:00Z + 999 × 30 min (20 d 19 h 30 min)
    assert last["value"] == 10 + 999 * 0.25
    outbox_payloads = {r.idem_key: r.payload for r in ob.rows(limit=2000)}
    for s in stored:
        assert s["payload"] == outbox_payloads[s["idempotency_key"]]
    assert all(s["client_subject"].endswith("commonName=EcologIS test client") for s in stored)
    ob.close()


def test_cli_receiver_dump_and_status(receiver, cfg_for, tmp_path, capsys, monkeypatch):
    from ecologis.sender.cli import main

    cfg = cfg_for(receiver.url)
    f = write_csv(tmp_path / "m.csv", measurement_rows(5))
    monkeypatch.setenv("PW", "test-pass-Ω")
    common = ["--endpoint", cfg.endpoint, "--ca", cfg.ca_file, "--client-cert", cfg.client_cert,
              "--client-cert-password-env", "PW", "--outbox", cfg.outbox, "--inbox", cfg.inbox]
    assert main(["--lang", "en", "enqueue", str(f)] + common) == 0
    assert main(["--lang", "en", "status", "--json"] + common) == 0
    out = capsys.readouterr().out
    st = json.loads(out[out.index("{"):])
    assert st["counts"]["pending"] == 5
    assert st["deadline_state"] == "ok" and 23 * 3600 < st["time_left_s"] <= 24 * 3600
    assert main(["--lang", "en", "test-connection"] + common) == 0
    assert "mutual authentication passed" in capsys.readouterr().out
    assert main(["--lang", "en", "run", "--once", "--settle", "0"] + common) == 0
    capsys.readouterr()
    db = tmp_path / "receiver.sqlite3"
    assert main(["receiver-dump", "--db", str(db), "--json"]) == 0
    recs = json.loads(capsys.readouterr().out)
    assert len(recs) == 5 and all(r["idempotency_key"].startswith("m:") for r in recs)
