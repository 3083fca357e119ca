"""The sender CLI never shows a traceback: a damaged or full outbox, a malformed
sender.json, deeply nested JSON and over-long CSV fields in input files each give a
translated message naming the file (and place and field), exit code 2; a closed pipe
ends quietly."""

import errno
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from ecologis.i18n import t
from ecologis.paths import REPO_ROOT
from ecologis.sender.cli import main
from ecologis.sender.config import save_config
from ecologis.sender.outbox import Outbox

from sender_testlib import PASSWORD, measurement_rows, write_csv

CSV_LIMIT = 131072      # csv.field_size_limit() default (Python docs)



@pytest.mark.parametrize("command", [["status"], ["status", "--json"], ["enqueue", "X"], ["run", "--once"]])
def test_damaged_outbox(command, tmp_path, capsys):
    ob = tmp_path / "outbox.sqlite3"
    garbage = b"this is not a database, just some bytes\n" * 200
    ob.write_bytes(garbage)
    csv_file = write_csv(tmp_path / "m.csv", measurement_rows(2))
    argv = [str(csv_file) if a == "X" else a for a in command]
    rc = main(argv + ["--outbox", str(ob), "--inbox", str(tmp_path / "inbox"),
                      "--endpoint", "https://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.strip() == t("sender.outbox.damaged", file=str(ob))
    assert ob.read_bytes() == garbage                  # nothing of the user's changed


@pytest.mark.parametrize("exc", [sqlite3.OperationalError("database or disk is full"),
                                 OSError(errno.ENOSPC, "No space left on device")])
def test_disk_full_in_enqueue(exc, tmp_path, capsys, monkeypatch):
    def full(*_a, **_k):
        raise exc

    monkeypatch.setattr(Outbox, "enqueue_many", full)
    ob = tmp_path / "outbox.sqlite3"
    f = write_csv(tmp_path / "m.csv", measurement_rows(2))
    rc = main(["enqueue", str(f), "--outbox", str(ob)])
    assert rc == 2
    assert capsys.readouterr().err.strip() == t("sender.outbox.disk_full", file=str(ob))


def test_disk_full_in_status(tmp_path, capsys, monkeypatch):
    def io_error(*_a, **_k):
        raise sqlite3.OperationalError("disk I/O error")

    ob = tmp_path / "outbox.sqlite3"
    Outbox(ob).close()
    monkeypatch.setattr(Outbox, "counts", io_error)
    assert main(["status", "--outbox", str(ob)]) == 2
    assert capsys.readouterr().err.strip() == t("sender.outbox.io_error", file=str(ob), detail="disk I/O error")


def test_disk_full_in_run_once_leaves_the_file_in_the_inbox(tmp_path, capsys, monkeypatch, pki, cfg_for):
    def full(*_a, **_k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Outbox, "enqueue_many", full)
    monkeypatch.setenv("PW", PASSWORD)
    cfg = cfg_for("https://127.0.0.1:9")
    save_config(cfg, tmp_path / "sender.json")
    inbox = cfg.inbox_path()
    inbox.mkdir(parents=True)
    write_csv(inbox / "m.csv", measurement_rows(2))
    rc = main(["run", "--once", "--config", str(tmp_path / "sender.json"), "--client-cert-password-env", "PW",
               "--settle", "0"])
    assert rc == 2
    assert capsys.readouterr().err.strip() == t("sender.outbox.disk_full", file=cfg.outbox)
    assert (inbox / "m.csv").exists()                  # not quarantined: the file is fine


@pytest.mark.parametrize("text,key,params", [
    # '{"batch_size": ' is 15 characters: the value expected at char 15 = column 16 of line 1
    ('{"batch_size": ', "sender.config.bad_json", {"line": 1, "column": 16}),
    ('[1, 2]', "sender.config.not_object", {}),
    ('{"batch_size": "ten"}', "sender.config.bad_value", {"field": "batch_size", "expected": "integer"}),
    ('{"batch_size": true}', "sender.config.bad_value", {"field": "batch_size", "expected": "integer"}),
    ('{"read_timeout_s": "30 s"}', "sender.config.bad_value", {"field": "read_timeout_s", "expected": "number"}),
    ('{"paths": ["a"]}', "sender.config.bad_value", {"field": "paths", "expected": "object"}),
    ('{"paths": {"batch": 5}}', "sender.config.bad_value", {"field": "paths.batch", "expected": "text"}),
    ('{"endpoint": 5}', "sender.config.bad_value", {"field": "endpoint", "expected": "text"}),
    ('{"verify_server": "no"}', "sender.config.bad_value", {"field": "verify_server", "expected": "boolean"}),
])
def test_malformed_sender_json(text, key, params, tmp_path, capsys):
    p = tmp_path / "sender.json"
    p.write_text(text, encoding="utf-8")
    rc = main(["status", "--config", str(p), "--outbox", str(tmp_path / "o.sqlite3")])
    assert rc == 2
    if "expected" in params:
        params = dict(params, expected=t("sender.config.type." + params["expected"]))
    assert capsys.readouterr().err.strip() == t(key, file=str(p), **params)
    assert p.read_text(encoding="utf-8") == text


def _deep_json(tmp_path, name="deep.json"):
    rec = measurement_rows(1)[0]
    text = json.dumps(rec)[:-1] + ', "value_kind": ' + "[" * 5000 + "]" * 5000 + "}"
    p = tmp_path / name
    p.write_text("[" + text + "]", encoding="utf-8")
    return p


def test_enqueue_deep_json_and_long_csv_field(tmp_path, capsys):
    ob = str(tmp_path / "o.sqlite3")
    rc = main(["enqueue", str(_deep_json(tmp_path)), "--outbox", ob])
    assert rc == 2
    assert capsys.readouterr().err.strip() == t(
        "sender.file.bad_field", file="deep.json", row=1, field="value_kind",
        reason=t("sender.file.reason.too_deep", limit=64, line=1))
    rows = measurement_rows(2)
    rows[1]["equipment_id"] = "G" * (CSV_LIMIT + 1)
    f = write_csv(tmp_path / "long.csv", rows)
    assert main(["enqueue", str(f), "--outbox", ob]) == 2
    assert capsys.readouterr().err.strip() == t(
        "sender.file.bad_field", file="long.csv", row=2, field="equipment_id",
        reason=t("sender.file.reason.too_long", limit=CSV_LIMIT))


def test_register_deep_json(tmp_path, capsys):
    p = tmp_path / "asv.json"
    p.write_text('{"schema": "ecologis.asv/1", "x": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    assert main(["register", str(p), "--outbox", str(tmp_path / "o.sqlite3")]) == 2
    assert capsys.readouterr().err.strip() == t("sender.register.too_deep", file=str(p), limit=64, line=1)


def test_receiver_dump_into_a_closed_pipe_ends_quietly(tmp_path):
    from ecologis.sender.receiver import ReceiverStore

    store = ReceiverStore(tmp_path / "r.sqlite3")
    # 400 records of ~1 KB each in the dump: far more than a pipe buffer (64 KB)
    store.store([("measurement", f"k{i}", {"n": i, "pad": "x" * 1000}) for i in range(400)], "c", None)
    store.close()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = f'"{sys.executable}" -m ecologis.sender.cli receiver-dump --db "{tmp_path / "r.sqlite3"}" --json | head -1'
    p = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, env=env, timeout=60)
    assert p.stdout == "[\n"
    assert p.stderr == ""
    assert p.returncode == 0


def test_panel_with_malformed_sender_json_opens_and_says_why(qtbot):
    pytest.importorskip("pytestqt")
    from ecologis.sender.config import config_file
    from ecologis.gui.panels.sender_panel import SenderPanel

    p = config_file()
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("[1, 2]", encoding="utf-8")
    w = SenderPanel(lambda: None)
    qtbot.addWidget(w)
    assert w.last_result == t("sender.config.not_object", file=str(p))
    assert p.read_text(encoding="utf-8") == "[1, 2]"
    w.close()
