"""Series validation (rejected with row numbers, nothing partial), XLSX/CSV dialects, the CLI
JSON output, annex 7 search and the bg. locale files."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

from ecologis.cli import main
from ecologis.core.background import SeriesError, find_offices
from ecologis.io.background_series import read_series
from ecologis.io.reference_data import background_reference
from ecologis.paths import LOCALES_DIR, REPO_ROOT

_spec = importlib.util.spec_from_file_location("_bg_helpers", Path(__file__).with_name("_helpers.py"))
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)


BAD_ROWS = [
    ("2023-01-01 00:00", "A", "NO2", 0.1, 1, ""),          # row 2: fine
    ("2023-01-01 01:00", "A", "NO2", 0.1, "", 90),         # row 3: missing wind speed
    ("2023-01-01 02:00", "A", "NO2", -0.2, 1, ""),         # row 4: negative concentration
    ("2023-01-01 03:00", "A", "Унобтаній", 0.1, 1, ""),    # row 5: unknown substance
    ("2023-01-01 04:00", "A", "NO2", 0.1, 5, ""),          # row 6: wind 5 m/s without direction
    ("not a date", "A", "NO2", 0.1, 1, ""),                # row 7: bad timestamp
]


def test_invalid_series_rejected_with_rows_and_fields(tmp_path):
    p = h.write_rows(tmp_path / "bad.csv", BAD_ROWS)
    with pytest.raises(SeriesError) as e:
        read_series(p)
    got = [(i.row, i.field, i.key) for i in e.value.problems]
    assert got == [(3, "wind_speed", "bg.err.missing_wind"), (4, "concentration", "bg.err.negative"),
                   (5, "substance", "bg.err.unknown_substance"),
                   (6, "wind_direction", "bg.err.missing_wind_direction"), (7, "timestamp", "bg.err.bad_timestamp")]
    uk = e.value.problems[2].message("uk")
    assert "bad.csv" in uk and "рядок 5" in uk and "речовина" in uk and "Унобтаній" in uk
    en = e.value.problems[1].message("en")
    assert "bad.csv" in en and "row 4" in en and "concentration" in en


def test_missing_column_rejected(tmp_path):
    p = tmp_path / "cols.csv"
    p.write_text("timestamp,post,substance,concentration,wind_speed\n2023-01-01 00:00,A,NO2,0.1,1\n", encoding="utf-8")
    with pytest.raises(SeriesError) as e:
        read_series(p)
    assert [(i.row, i.field) for i in e.value.problems] == [(1, "wind_direction")]


def test_semicolon_decimal_comma_and_ukrainian_headers(tmp_path):
    p = tmp_path / "uk.csv"
    p.write_text("Дата;Пост;Речовина;Концентрація (мг/м3);Швидкість вітру;Напрям вітру\n"
                 "2023-01-01 00:00;1;Азоту діоксид;0,12;4;270\n"
                 "\n"
                 "2023-01-01 01:00;1;Азоту діоксид;0,08;0;\n", encoding="utf-8")
    s = read_series(p)
    assert list(s.frame["concentration"]) == [0.12, 0.08]
    assert list(s.frame["row"]) == [2, 4]          # the blank line 3 keeps the numbering
    p.write_text(p.read_text(encoding="utf-8").replace("0,08;0;", "0,08;х;"), encoding="utf-8")
    with pytest.raises(SeriesError) as e:
        read_series(p)
    assert [(i.row, i.field, i.key) for i in e.value.problems] == [(4, "wind_speed", "bg.err.not_number")]


def test_utf16_tab_separated_series(tmp_path):
    # Excel's "Unicode text" export: UTF-16 with a byte-order mark, tab-separated; decoded as
    # Windows-1251 it would have no recognisable header.
    text = ("\ufeffДата\tПост\tРечовина\tКонцентрація (мг/м3)\tШвидкість вітру\tНапрям вітру\n"
            "2023-01-01 00:00\t1\tАзоту діоксид\t0,12\t4\t270\n"
            "2023-01-01 01:00\t1\tАзоту діоксид\t0,08\t0\t\n")
    p = tmp_path / "uk16.csv"
    p.write_bytes(text.encode("utf-16-le"))
    s = read_series(p)
    assert list(s.frame["concentration"]) == [0.12, 0.08]
    assert list(s.frame["wind_direction"][:1]) == [270.0]
    assert list(s.frame["row"]) == [2, 3]


def test_xlsx_series(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["timestamp", "post", "substance", "concentration", "wind_speed", "wind_direction"])
    from datetime import datetime

    ws.append([datetime(2023, 1, 1, 0), "P1", "SO2", 0.05, 3, 0])
    ws.append([datetime(2023, 1, 1, 1), "P1", "SO2", -0.05, 3, 0])
    p = tmp_path / "s.xlsx"
    wb.save(p)
    with pytest.raises(SeriesError) as e:
        read_series(p)
    assert [(i.row, i.field) for i in e.value.problems] == [(3, "concentration")]


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_default_json(capsys):
    code, out, _ = _run(capsys, "background", "default", "--population", "200000", "--substance", "CO", "--json")
    assert code == 0
    j = json.loads(out)
    # table 4.1, 125-250 thousand, CO: 1,5 mg/m³, 0,3 ГДК
    assert j["values"][0]["value_mg_m3"] == 1.5 and j["values"][0]["share_gdk_mr"] == 0.3
    assert j["method"] == "default" and j["reconstructed"] is False and j["units"] == "mg/m3"


def test_cli_posts_json_and_text(capsys, tmp_path):
    vals = {g: [0.1] * 20 for g in ("calm", "N", "E", "S", "W")}
    p = h.write_rows(tmp_path / "s.csv", h.gradation_rows("A", "NO2", vals))
    code, out, _ = _run(capsys, "background", "posts", str(p), "--json")
    assert code == 0
    j = json.loads(out)
    assert j["method"] == "posts" and j["reconstructed"] is True
    assert {x["id"] for x in j["reconstructed_pieces"]} >= {"background_2_5", "significance_2_8_2_9"}
    row = j["values"][0]
    assert [g["gradation"] for g in row["gradations"]] == ["calm", "N", "E", "S", "W"]
    # constant 0.1: Cф = 0.1 · F(0) = 0.1 in every gradation -> one value 0.1
    assert row["issued"] == [{"gradation": "any", "value_mg_m3": pytest.approx(0.1)}]
    assert row["sufficiency"]["sufficient"] is False        # 100 samples < 600
    code, out, _ = _run(capsys, "--lang", "en", "background", "posts", str(p))
    assert code == 0 and "RECONSTRUCTED METHOD" in out and "§2.3" in out


def test_cli_posts_invalid_series_exit_2(capsys, tmp_path):
    p = h.write_rows(tmp_path / "bad.csv", BAD_ROWS)
    code, out, err = _run(capsys, "--lang", "en", "background", "posts", str(p), "--json")
    assert code == 2 and out == ""
    for r in ("row 3", "row 4", "row 5", "row 6", "row 7"):
        assert r in err


def test_cli_interpolate_json(capsys, tmp_path):
    doc = {"posts": [{"post": "A", "lat": 49.0, "lon": 28.0, "backgrounds": {"NO2": 0.1}},
                     {"post": "B", "lat": 49.0, "lon": 28.04, "backgrounds": {"NO2": 0.3}}]}
    p = tmp_path / "posts.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = _run(capsys, "background", "interpolate", str(p), "--lat", "49.0", "--lon", "28.04", "--json")
    assert code == 0
    j = json.loads(out)
    assert j["at_post"] == "B" and j["reconstructed"] is False
    assert {v["value_mg_m3"] for v in j["values"]} == {0.3}
    # midpoint: equal distances -> (0.1 + 0.3) / 2 = 0.2, reconstructed (2.11)
    code, out, _ = _run(capsys, "background", "interpolate", str(p), "--lat", "49.0", "--lon", "28.02", "--json")
    j = json.loads(out)
    assert j["values"][0]["value_mg_m3"] == pytest.approx(0.2) and j["reconstructed"] is True


def test_cli_calculated_and_offices(capsys):
    code, out, _ = _run(capsys, "background", "calculated", "--cmax", "0.5", "--json")
    assert code == 0 and json.loads(out)["values"][0]["value_mg_m3"] == pytest.approx(0.2)
    code, out, _ = _run(capsys, "background", "offices", "київ", "--json")
    hits = json.loads(out)["offices"]
    # annex 7: Київ, 16 posts, ЦГО
    assert hits == [{"no": 8, "city": "Київ", "posts": 16, "organisation": "Центральна геофізична обсерваторія (ЦГО)",
                     "address": "03028, м. Київ, просп. Науки, 39, корп. 2"}]


def test_annex_7_search():
    # apostrophe-insensitive; annex 7: м. Слов’янськ, 2 posts (Краматорськ ЛСЗА)
    hits = find_offices("Слов'янськ", refdata=background_reference())
    assert [(x["city"], x["posts"], x["no"]) for x in hits] == [("Слов’янськ", 2, 28)]
    assert find_offices("м. Біла", refdata=background_reference()) [0]["posts"] == 2
    assert find_offices("Атлантида", refdata=background_reference()) == []


def test_bg_locales_parity_and_keys_used_exist():
    uk = json.loads((LOCALES_DIR / "uk.bg.json").read_text(encoding="utf-8"))
    en = json.loads((LOCALES_DIR / "en.bg.json").read_text(encoding="utf-8"))
    assert uk.keys() == en.keys()
    assert all(k.startswith("bg.") for k in uk)
    used = set()
    for f in list((REPO_ROOT / "ecologis" / "core" / "background").glob("*.py")) + \
            [REPO_ROOT / "ecologis" / "cli" / "cmd_background.py", REPO_ROOT / "ecologis" / "report" /
             "background_forms.py", REPO_ROOT / "ecologis" / "gui" / "panels" / "background_panel.py"]:
        used |= set(re.findall(r'"(bg\.[a-z0-9_.]+[a-z0-9_])"', f.read_text(encoding="utf-8")))
    from ecologis.core.background import GRADATIONS, RECONSTRUCTED
    from ecologis.core.background.series import COLUMNS

    used |= {f"bg.piece.{p}" for p in RECONSTRUCTED} | {f"bg.grad.{g}" for g in GRADATIONS + ("any", "wind")}
    used |= {f"bg.field.{c}" for c in COLUMNS}
    used |= {f"bg.out.outcome.{o}" for o in ("one", "two", "five", "undetermined")}
    used |= {f"bg.gui.{k}" for k in ("population", "substances", "series", "group", "posts_file", "lat", "lon",
                                     "city")} | {f"bg.gui.tab.{k}" for k in ("default", "posts", "point", "offices")}
    used |= {f"bg.form.req.{i}" for i in range(1, 7)} | {"bg.out.calc_row.c_f", "bg.out.calc_row.c_f_without_own"}
    missing = sorted(k for k in used if k not in uk)
    assert not missing, missing


@pytest.mark.parametrize("content, reason", [
    ("X,Y\n0,1\n1,2\n", "expected header V,F"),                    # wrong header
    ("V,F\n0,1\nzero,2\n", "row 3 is not numeric"),                 # the header is row 1
    ("V,F\n1,1\n0,2\n", "the argument must increase"),               # not increasing
])
def test_cli_broken_user_curve_table_is_reported_not_a_traceback(capsys, tmp_path, content, reason):
    """A user curve file that cannot be used: exit 2, a translated message naming the file,
    no raw locale key and no traceback."""
    from ecologis.paths import user_data_dir

    curve = user_data_dir() / "background" / "transition_function.csv"
    curve.parent.mkdir(parents=True, exist_ok=True)
    curve.write_text(content, encoding="utf-8")
    try:
        vals = {g: [0.1] * 20 for g in ("calm", "N", "E", "S", "W")}
        p = h.write_rows(tmp_path / "s.csv", h.gradation_rows("A", "NO2", vals))
        code, out, err = _run(capsys, "--lang", "en", "background", "posts", str(p))
        assert code == 2 and out == ""
        assert str(curve) in err and reason in err
        assert "bg.err" not in err and "Traceback" not in err
        code, out, err = _run(capsys, "--lang", "uk", "background", "posts", str(p))
        assert code == 2 and str(curve) in err and "Таблиця кривої" in err and "bg.err" not in err
    finally:
        curve.unlink()


def test_values_file_numbers_as_users_type_them(tmp_path):
    """One value per line: decimal comma, decimal point and thousands spaces
    (core.numbers.parse_number); a non-numeric first line is a header; bad rows are named."""
    from ecologis.cli.cmd_background import read_values
    from ecologis.core.background import BackgroundError

    p = tmp_path / "v.txt"
    p.write_text("concentration\n0,12\n0.3\n1 234,5\n0,5;note\n", encoding="utf-8")
    assert read_values(str(p)) == [0.12, 0.3, 1234.5, 0.5]
    p.write_text("0,12\nabc\n", encoding="utf-8")
    with pytest.raises(BackgroundError) as ei:
        read_values(str(p))
    assert ei.value.key == "bg.err.value_row" and ei.value.params["row"] == 2
