"""A file that breaks the reader never stops the inbox: it is set aside with a reason
(naming the file, the row and the field), reported in ``status``, and the next file is
queued."""

import json
import os

from ecologis.i18n import t
from ecologis.sender import inbox as inbox_mod
from ecologis.sender.inbox import scan_inbox
from ecologis.sender.outbox import Outbox
from ecologis.sender.sender import deadline_status
from ecologis.sender.config import SenderConfig

from sender_testlib import measurement_rows, write_csv

# csv.field_size_limit() is 131072 characters by default (Python docs, module csv):
# a field one character longer makes the csv module raise csv.Error.
CSV_LIMIT = 131072


def _order(*paths):
    """Give the files increasing modification times (the inbox takes the oldest first)."""
    for i, p in enumerate(paths):
        os.utime(p, (1_700_000_000 + i, 1_700_000_000 + i))


def test_csv_field_over_128_kb_is_set_aside_and_the_inbox_goes_on(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rows = measurement_rows(3)
    rows[1]["unit"] = "x" * (CSV_LIMIT + 1)         # data row 2, column "unit"
    bad = write_csv(inbox / "big.csv", rows)
    good = write_csv(inbox / "good.csv", measurement_rows(2, day=9))
    _order(bad, good)
    ob = Outbox(tmp_path / "o.sqlite3")
    try:
        res = {r.name: r for r in scan_inbox(inbox, ob, settle_s=0)}
        assert res["good.csv"].outcome == "enqueued" and res["good.csv"].records == 2
        assert res["big.csv"].outcome == "rejected"
        assert not (inbox / "big.csv").exists()
        assert (inbox / "rejected" / "big.csv").exists()
        reason = (inbox / "rejected" / "big.csv.reason.txt").read_text(encoding="utf-8").strip()
        assert reason == t("sender.file.bad_field", file="big.csv", row=2, field="unit",
                           reason=t("sender.file.reason.too_long", limit=CSV_LIMIT))
        assert ob.counts()["pending"] == 2
        # reported in status (--json reads this dictionary)
        st = deadline_status(ob, SenderConfig(), 1_800_000_000.0)
        assert st["inbox"]["rejected"] == 1 and st["inbox"]["quarantined"] == 0
        assert st["inbox"]["latest"][0]["file"] == "big.csv"
        assert st["inbox"]["latest"][0]["reason"] == reason
    finally:
        ob.close()


def test_deeply_nested_json_is_set_aside_with_row_and_field(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rec = measurement_rows(1)[0]
    depth = 5000                                    # far beyond Python's recursion limit (1000)
    rec_text = json.dumps(rec)[:-1] + ', "value_kind": ' + "[" * depth + "]" * depth + "}"
    # line 1: "[", line 2: the record; the nesting limit (64) is passed inside "value_kind"
    # of row 1, on line 2
    (inbox / "deep.json").write_text("[\n" + rec_text + "\n]\n", encoding="utf-8")
    good = write_csv(inbox / "good.csv", measurement_rows(2, day=9))
    _order(inbox / "deep.json", good)
    ob = Outbox(tmp_path / "o.sqlite3")
    try:
        res = {r.name: r for r in scan_inbox(inbox, ob, settle_s=0)}
        assert res["good.csv"].outcome == "enqueued"
        assert res["deep.json"].outcome == "rejected"
        reason = (inbox / "rejected" / "deep.json.reason.txt").read_text(encoding="utf-8").strip()
        assert reason == t("sender.file.bad_field", file="deep.json", row=1, field="value_kind",
                           reason=t("sender.file.reason.too_deep", limit=64, line=2))
    finally:
        ob.close()


def test_unexpected_error_quarantines_only_that_file(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    a = write_csv(inbox / "a.csv", measurement_rows(2, day=3))
    b = write_csv(inbox / "b.csv", measurement_rows(2, day=9))
    _order(a, b)
    real = inbox_mod.model.read_measurement_file

    def flaky(path):
        if os.path.basename(str(path)) == "a.csv":
            raise KeyError("boom")                  # any bug of ours while reading one file
        return real(path)

    monkeypatch.setattr(inbox_mod.model, "read_measurement_file", flaky)
    ob = Outbox(tmp_path / "o.sqlite3")
    try:
        res = {r.name: r for r in scan_inbox(inbox, ob, settle_s=0)}
        assert res["a.csv"].outcome == "quarantined"
        assert res["b.csv"].outcome == "enqueued" and res["b.csv"].records == 2
        assert (inbox / "quarantine" / "a.csv").exists()
        reason = (inbox / "quarantine" / "a.csv.reason.txt").read_text(encoding="utf-8").strip()
        assert reason == t("sender.file.quarantined", file="a.csv", detail="KeyError: 'boom'")
        st = deadline_status(ob, SenderConfig(), 1_800_000_000.0)
        assert st["inbox"]["quarantined"] == 1
    finally:
        ob.close()


def test_status_cli_reports_files_set_aside(tmp_path, capsys):
    from ecologis.sender.cli import main

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rows = measurement_rows(1)
    rows[0]["unit"] = "x" * (CSV_LIMIT + 1)
    write_csv(inbox / "big.csv", rows)
    ob = Outbox(tmp_path / "o.sqlite3")
    scan_inbox(inbox, ob, settle_s=0)
    ob.close()
    assert main(["status", "--outbox", str(tmp_path / "o.sqlite3")]) == 0
    out = capsys.readouterr().out
    reason = t("sender.file.bad_field", file="big.csv", row=1, field="unit",
               reason=t("sender.file.reason.too_long", limit=CSV_LIMIT))
    assert t("sender.status.inbox_problems", rejected=1, quarantined=0, latest=reason) in out
    assert main(["status", "--json", "--outbox", str(tmp_path / "o.sqlite3")]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["inbox"]["rejected"] == 1


def test_panel_shows_files_set_aside(qtbot, tmp_path):
    import pytest
    pytest.importorskip("pytestqt")
    from ecologis.sender.config import save_config
    from ecologis.gui.panels.sender_panel import SenderPanel

    ob_path = tmp_path / "panel_outbox.sqlite3"
    save_config(SenderConfig(outbox=str(ob_path)))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rows = measurement_rows(1)
    rows[0]["unit"] = "x" * (CSV_LIMIT + 1)
    write_csv(inbox / "big.csv", rows)
    ob = Outbox(ob_path)
    scan_inbox(inbox, ob, settle_s=0)
    ob.close()
    w = SenderPanel(lambda: None)
    qtbot.addWidget(w)
    w.refresh()
    reason = t("sender.file.bad_field", file="big.csv", row=1, field="unit",
               reason=t("sender.file.reason.too_long", limit=CSV_LIMIT))
    assert w.inbox_label.text() == t("sender.status.inbox_problems", rejected=1, quarantined=0, latest=reason)
    w.close()
