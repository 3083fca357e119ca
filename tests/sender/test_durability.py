"""Durability: the reference receiver's acknowledgement follows a durable write
(synchronous=FULL); the GUI panel drains only under the single-instance lock of `run`;
delivered records are pruned after the retention period; stale temp files of atomic
saves are cleaned at the next save of the same target."""

import json
import os
import re
import time

import pytest

from ecologis.i18n import t
from ecologis.io import atomic
from ecologis.sender import model
from ecologis.sender.config import SenderConfig, load_config
from ecologis.sender.outbox import Outbox
from ecologis.sender.receiver import ReceiverStore
from ecologis.sender.sender import FakeClock, Sender, deadline_status

from sender_testlib import PASSWORD, measurement_rows

DAY = 86400.0
T0 = 1_800_000_000.0


def test_receiver_commits_durably_before_acknowledging(tmp_path):
    store = ReceiverStore(tmp_path / "r.sqlite3")
    try:
        # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA (SQLite documentation)
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] >= 2
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()


# ---- retention ----------------------------------------------------------------------------
def _queue_and_ack(ob, n, created, acked_at):
    for i, row in enumerate(measurement_rows(n, day=int((created - T0) // DAY) % 28 + 1)):
        rec = model.make_measurement(row, i + 1, "t.csv")
        ob.enqueue("measurement", rec, created)
    ids = [r.id for r in ob.rows("pending")]
    ob.finish(acked=ids, now=acked_at,
              audit=[(r.idem_key, None, "/x", 200, "accepted", None) for r in ob.rows("pending")])


def test_delivered_records_are_pruned_after_the_retention_period(tmp_path):
    assert SenderConfig().retention_days == 90
    ob = Outbox(tmp_path / "o.sqlite3")
    try:
        _queue_and_ack(ob, 3, T0, T0 + 60)                     # delivered on day 0
        _queue_and_ack(ob, 2, T0 + 50 * DAY, T0 + 50 * DAY)    # delivered on day 50
        rec = model.make_measurement(measurement_rows(1, day=27)[0], 1, "t.csv")
        ob.enqueue("measurement", rec, T0)                     # never delivered: kept however old
        assert ob.counts() == {"pending": 1, "sent": 0, "acknowledged": 5, "dead_letter": 0}
        assert len(ob.audit_rows()) == 5
        cfg = SenderConfig(retention_days=90)
        # day 100: the 3 records delivered on day 0 are older than 90 days, the 2 of day 50 are not
        n = Sender(cfg, ob, None, FakeClock(T0 + 100 * DAY)).prune()
        assert n == 3
        assert ob.counts() == {"pending": 1, "sent": 0, "acknowledged": 2, "dead_letter": 0}
        assert len(ob.audit_rows()) == 2
        st = deadline_status(ob, cfg, T0 + 100 * DAY)
        assert st["retention"] == {"days": 90, "pruned": 3}
    finally:
        ob.close()


def test_drain_prunes_and_status_says_so(tmp_path, capsys):
    from ecologis.sender.cli import main

    ob_path = tmp_path / "o.sqlite3"
    ob = Outbox(ob_path)
    now = time.time()
    _queue_and_ack(ob, 4, now - 200 * DAY, now - 200 * DAY)
    # nothing unsent: drain() sends nothing (no transport needed) but prunes
    Sender(SenderConfig(retention_days=30), ob, None, FakeClock(now)).drain(give_up_after=0)
    assert ob.counts()["acknowledged"] == 0
    ob.close()
    cfg_file = tmp_path / "sender.json"
    cfg_file.write_text(json.dumps({"retention_days": 30, "outbox": str(ob_path)}), encoding="utf-8")
    assert main(["status", "--config", str(cfg_file)]) == 0
    assert t("sender.status.retention", days=30, pruned=4) in capsys.readouterr().out
    assert load_config(cfg_file).retention_days == 30


# ---- the panel takes the single-instance lock --------------------------------------------------
def test_panel_does_not_drain_while_run_holds_the_lock(qtbot, receiver, pki, tmp_path, monkeypatch):
    pytest.importorskip("pytestqt")
    from ecologis.sender.cli import _single_instance_lock
    from ecologis.sender.config import save_config
    from ecologis.gui.panels.sender_panel import SenderPanel

    monkeypatch.setenv("SENDER_PW", PASSWORD)
    ob_path = tmp_path / "panel_outbox.sqlite3"
    save_config(SenderConfig(endpoint=receiver.url, ca_file=str(pki.ca), client_cert=str(pki.client_p12),
                             password_env="SENDER_PW", outbox=str(ob_path)))
    lock = _single_instance_lock(ob_path)          # as a running `ecologis-sender run` holds it
    assert lock not in (None, False)
    try:
        w = SenderPanel(lambda: None)
        qtbot.addWidget(w)
        ob = w.outbox()
        ob.enqueue("measurement", model.make_measurement(measurement_rows(1)[0], 1, "t.csv"), time.time())
        w.send_now()
        qtbot.waitUntil(lambda: not w._busy, timeout=20000)
        assert w.last_result == t("sender.gui.locked")
        assert ob.counts()["pending"] == 1 and receiver.store.count() == 0
    finally:
        lock.close()
    # lock released: the panel drains
    w.send_now()
    qtbot.waitUntil(lambda: not w._busy, timeout=20000)
    assert ob.counts()["acknowledged"] == 1 and receiver.store.count() == 1
    # and while the panel drains, it holds the lock: `run` would refuse to start
    w.close()


# ---- stale temp files of atomic saves --------------------------------------------------------
def test_temp_file_name_is_recognisable(tmp_path, monkeypatch):
    seen = []
    real = os.replace

    def spy(src, dst):
        seen.append(os.path.basename(src))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    atomic.atomic_write_text(tmp_path / "profile.json", "{}")
    (name,) = seen
    assert re.fullmatch(r"\.profile\.json\.%d\.[A-Za-z0-9_]+\.tmp" % os.getpid(), name), name


def test_stale_temp_files_of_the_same_target_are_cleaned_at_the_next_save(tmp_path):
    target = tmp_path / "profile.json"
    old = time.time() - 3600
    dead_pid = 2 ** 22 + 12345                 # above Linux's largest pid_max (2^22): no such process
    stale_dead = tmp_path / f".profile.json.{dead_pid}.abc123xy.tmp"
    stale_old_legacy = tmp_path / ".profile.json.k3j4h5g6.tmp"         # the old naming, an hour old
    fresh_live = tmp_path / f".profile.json.{os.getpid()}.fresh123.tmp"  # a save in progress
    fresh_legacy = tmp_path / ".profile.json.n3w3st00.tmp"              # unknown owner, just written
    other_target = tmp_path / f".report.pdf.{dead_pid}.abc123xy.tmp"
    backup_tmp = tmp_path / f".profile.json.bak.{dead_pid}.abc123xy.tmp"  # belongs to profile.json.bak
    users = tmp_path / "profile.json.tmp"                                # not hidden: not ours
    for p in (stale_dead, stale_old_legacy, fresh_live, fresh_legacy, other_target, backup_tmp, users):
        p.write_text("x")
    os.utime(stale_old_legacy, (old, old))
    os.utime(users, (old, old))
    atomic.atomic_write_text(target, "{}")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["profile.json", fresh_live.name, fresh_legacy.name, other_target.name,
                           backup_tmp.name, users.name])
