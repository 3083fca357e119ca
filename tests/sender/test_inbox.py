"""Inbox watcher: a malformed file goes to rejected/ with a reason; a file dropped twice
is not sent twice."""

import json
import shutil

from ecologis.i18n import t
from ecologis.sender.inbox import scan_inbox
from ecologis.sender.outbox import Outbox
from ecologis.sender.sender import Sender

from sender_testlib import measurement_rows, transport_for, write_csv


def test_malformed_file_rejected_with_reason(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rows = measurement_rows(4)
    rows[2]["value"] = "n/a"                        # data row 3
    write_csv(inbox / "bad.csv", rows)
    (inbox / "notes.txt").write_text("hello", encoding="utf-8")
    ob = Outbox(tmp_path / "o.sqlite3")
    res = {r.name: r for r in scan_inbox(inbox, ob, settle_s=0)}
    assert res["bad.csv"].outcome == "rejected"
    assert (inbox / "rejected" / "bad.csv").exists() and not (inbox / "bad.csv").exists()
    reason = (inbox / "rejected" / "bad.csv.reason.txt").read_text(encoding="utf-8")
    assert reason.strip() == t("sender.file.bad_field", file="bad.csv", row=3, field="value",
                               reason=t("sender.file.reason.not_number", value="n/a"))
    assert res["notes.txt"].outcome == "rejected"
    assert (inbox / "rejected" / "notes.txt.reason.txt").exists()
    assert ob.counts()["pending"] == 0               # rejected whole: not even the good rows
    ob.close()


def test_file_dropped_twice_is_sent_once(receiver, cfg_for, tmp_path):
    cfg = cfg_for(receiver.url)
    inbox = cfg.inbox_path()
    inbox.mkdir(parents=True)
    src = write_csv(tmp_path / "m.csv", measurement_rows(12))
    shutil.copy(src, inbox / "m.csv")
    ob = Outbox(cfg.outbox_path())
    r1 = scan_inbox(inbox, ob, settle_s=0)
    assert [(r.outcome, r.records) for r in r1] == [("enqueued", 12)]
    tr = transport_for(cfg)
    sender = Sender(cfg, ob, tr)
    try:
        assert sender.drain(give_up_after=30).acked == 12
        # the АСВ drops the same file again, once under the same name and once renamed
        shutil.copy(src, inbox / "m.csv")
        shutil.copy(src, inbox / "m-copy.csv")
        r2 = scan_inbox(inbox, ob, settle_s=0)
        assert sorted(r.outcome for r in r2) == ["duplicate", "duplicate"]
        assert sender.drain(give_up_after=30).acked == 0
    finally:
        tr.close()
    assert (inbox / "processed" / "m.csv").exists() and (inbox / "processed" / "m.1.csv").exists()
    assert (inbox / "processed" / "m-copy.csv.reason.txt").exists()
    assert ob.counts()["acknowledged"] == 12
    assert receiver.store.count() == 12
    assert receiver.store.deliveries() == {"accepted": 12}      # not even re-delivered
    ob.close()


def test_same_values_in_another_file_not_queued_twice(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rows = measurement_rows(3)
    write_csv(inbox / "a.csv", rows)
    ob = Outbox(tmp_path / "o.sqlite3")
    scan_inbox(inbox, ob, settle_s=0)
    # the same three values as JSON (different bytes, same records)
    (inbox / "b.json").write_text(json.dumps(rows), encoding="utf-8")
    res = scan_inbox(inbox, ob, settle_s=0)
    assert res[0].outcome == "enqueued" and res[0].records == 0
    assert ob.counts()["pending"] == 3
    # a changed value for an already queued period without a new revision is refused
    rows[0]["value"] = "99"
    (inbox / "c.json").write_text(json.dumps(rows), encoding="utf-8")
    res = scan_inbox(inbox, ob, settle_s=0)
    assert res[0].outcome == "rejected" and "revision" in res[0].reason
    rows[0]["revision"] = 1
    (inbox / "d.json").write_text(json.dumps(rows), encoding="utf-8")
    res = scan_inbox(inbox, ob, settle_s=0)
    assert res[0].outcome == "enqueued" and res[0].records == 1
    ob.close()


def test_unfinished_files_are_left_alone(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_csv(inbox / "m.csv.part", measurement_rows(2))
    write_csv(inbox / "fresh.csv", measurement_rows(2))
    ob = Outbox(tmp_path / "o.sqlite3")
    assert scan_inbox(inbox, ob, settle_s=3600) == []      # fresh.csv still "being written"
    assert (inbox / "m.csv.part").exists() and (inbox / "fresh.csv").exists()
    ob.close()
