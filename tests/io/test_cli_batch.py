"""CLI: batch exit codes and summary, report and export commands."""

import shutil

import openpyxl
import pytest

from ecologis.cli import main as cli
from ecologis.paths import DEMO_PROFILE

DEMO_KNP = 1386.1866552   # the thesis's worked example (§4.2–4.3)


def _folder(tmp_path, bad: bool):
    d = tmp_path / "audit"
    d.mkdir()
    shutil.copy(DEMO_PROFILE, d / "roshen.json")
    (d / "small.csv").write_text("Речовина;Маса;ГДК с.д.;Клас\nАзоту діоксид;4;0,04;3\n", "utf-8")
    if bad:
        (d / "broken.xlsx").write_bytes(b"not a workbook")
        (d / "rows.csv").write_text("Речовина;Маса\nМетан;abc\n", "utf-8")
    (d / "ignored.txt.bak").write_text("x", "utf-8")
    return d


def test_batch_all_ok_exit_0(tmp_path, capsys):
    d = _folder(tmp_path, bad=False)
    out = tmp_path / "summary.xlsx"
    assert cli(["--lang", "en", "batch", str(d), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "2/2" in err                                  # the progress bar reached the end
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws.freeze_panes == "A2"
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"roshen.json", "small.csv"}
    assert rows["roshen.json"][3] == pytest.approx(DEMO_KNP, rel=1e-12)
    assert rows["roshen.json"][4] == "III" and rows["roshen.json"][5] == 300
    assert rows["roshen.json"][6] == "Nitrogen dioxide"
    # small.csv: class 3, a = 1.0, 4 / 0.04 = 100 → category IV (< 1000), СЗЗ 100 m
    assert rows["small.csv"][3] == pytest.approx(100.0) and rows["small.csv"][4] == "IV"
    assert rows["small.csv"][8] == 0


def test_batch_with_failures_exit_1(tmp_path, capsys):
    d = _folder(tmp_path, bad=True)
    out = tmp_path / "summary.xlsx"
    assert cli(["--lang", "en", "batch", str(d), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "broken.xlsx" in err and "rows.csv, row 2" in err
    rows = {r[0]: r for r in openpyxl.load_workbook(out).worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 4
    assert rows["broken.xlsx"][3] is None and rows["broken.xlsx"][8] == 1 and "broken.xlsx" in rows["broken.xlsx"][9]
    assert rows["rows.csv"][8] == 1
    assert rows["roshen.json"][8] == 0


def test_batch_bad_folder_exit_2(tmp_path):
    assert cli(["batch", str(tmp_path / "nope"), "--out", str(tmp_path / "s.xlsx")]) == 2


def test_report_and_export_commands(tmp_path, demo_path, capsys):
    pdf = tmp_path / "r.pdf"
    assert cli(["report", str(demo_path), "--out", str(pdf), "--lang", "en"]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    for fmt in ("csv", "xlsx", "json", "geojson", "kml"):
        out = tmp_path / f"x.{fmt}"
        assert cli(["export", str(demo_path), "--out", str(out)]) == 0
        assert out.stat().st_size > 100
    assert cli(["export", str(demo_path), "--out", str(tmp_path / "x.unknown")]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{", "utf-8")
    assert cli(["report", str(bad), "--out", str(tmp_path / "b.pdf")]) == 2
    assert not (tmp_path / "b.pdf").exists()
    assert "bad.json" in capsys.readouterr().err


def test_dictionary_cli_round_trip(tmp_path):
    import json

    f = tmp_path / "d.json"
    f.write_text(json.dumps({"substances": [{"id": "u1", "name_uk": "Моя речовина", "name_en": "Mine", "gdk_sd": 0.3}]}),
                 "utf-8")
    assert cli(["dict-import", str(f)]) == 0
    out = tmp_path / "out.json"
    assert cli(["dict-export", str(out)]) == 0
    assert [s["id"] for s in json.loads(out.read_text("utf-8"))["substances"]] == ["u1"]
    f.write_text(json.dumps({"substances": [{"id": "u2", "name_uk": "", "name_en": "x"}]}), "utf-8")
    assert cli(["dict-import", str(f)]) == 2
