"""Emissions tables as plants and Excel produce them (ecologis.io.emissions_table)."""

import hashlib
import io
import re
import zipfile

import openpyxl
import pytest

from ecologis.io.emissions_table import TableReadError, read_emissions
from ecologis.io.import_rules import ImportRefused, finalize, plan_import


def _sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_cp1251_semicolon_decimal_comma_ukrainian_headers(tmp_path, dictionary):
    text = ("Код;Речовина;Маса, т/рік;ГДК с.д., мг/м3;Клас небезпеки;Примітка;Зайвий стовпець\r\n"
            "301;Азоту діоксид;34,7849;0,04;2;котельня;x\r\n"
            ";Сірки діоксид (ангідрид сірчистий);8,27394;0,05;3;;y\r\n"
            ";;;;;;\r\n"
            "337;Вуглецю оксид;27,2772;3;4;;z\r\n")
    f = tmp_path / "викиди.csv"
    f.write_bytes(text.encode("cp1251"))
    before = _sha(f)
    t = read_emissions(f, dictionary)
    assert t.encoding == "cp1251" and t.delimiter == ";"
    assert t.header_unit == "т/рік"
    assert "Зайвий стовпець" in t.ignored_columns
    assert [e.row for e in t.emissions] == [2, 3, 5]          # blank row 4 skipped, file's own numbering
    plan = plan_import(f, dictionary)
    assert not plan.errors and not plan.unknown
    rows = finalize(plan, "sum")
    # masses typed from the file above, as numbers, never rounded
    assert [e.mass for e in rows] == [34.7849, 8.27394, 27.2772]
    assert [e.gdk_sd for e in rows] == [0.04, 0.05, 3.0]
    assert [e.hazard_class for e in rows] == [2, 3, 4]
    assert rows[0].note == "котельня"
    assert {i.code for i in plan.warnings} >= {"W_MASS_DECIMAL_COMMA"}
    assert _sha(f) == before


@pytest.mark.parametrize("encoding,bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-8", b""), ("cp1251", b""),
                                          ("cp1251", b"\xef\xbb\xbf")])   # a UTF-8 BOM before cp1251 text
def test_encodings_and_bom(tmp_path, dictionary, encoding, bom):
    text = "Речовина,Маса,Одиниці\nАзоту діоксид,1500,kg/yr\nМетан,2.5,t/yr\n"
    f = tmp_path / "t.csv"
    f.write_bytes(bom + text.encode(encoding))
    t = read_emissions(f, dictionary)
    assert t.emissions[0].substance == "Азоту діоксид"
    assert t.emissions[0].mass == "1500" and t.emissions[0].unit == "kg/yr"
    assert t.emissions[1].mass == "2.5"
    assert t.encoding == ("utf-8-sig" if bom and encoding == "utf-8" else encoding)


def test_tab_delimited_english_headers(tmp_path, dictionary):
    f = tmp_path / "t.tsv"
    f.write_text("Substance\tMass\tUnit\tCAS\nNitrogen dioxide\t0.5\tg/s\t10102-44-0\n", "utf-8")
    t = read_emissions(f, dictionary)
    assert t.delimiter == "\t"
    assert t.emissions[0].unit == "g/s"


def test_russian_headers(tmp_path, dictionary):
    text = "Код вещества;Наименование вещества;Валовый выброс, т/год;ПДК с.с.;Класс опасности\n301;Азоту діоксид;1,5;0,04;3\n"
    f = tmp_path / "ru.csv"
    f.write_bytes(text.encode("cp1251"))
    t = read_emissions(f, dictionary)
    assert set(t.columns) >= {"code", "substance", "mass", "gdk_sd", "hazard_class"}
    assert t.emissions[0].mass == "1,5" and t.emissions[0].gdk_sd == "0,04"


def _xlsx_with_cached_formula(path, cached: str | None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Речовина", "Маса, т/рік", "Клас"])
    ws.append(["Азоту діоксид", "=2*3", 2])
    ws.append(["Метан", 1.9689, 4])
    buf = io.BytesIO()
    wb.save(buf)
    zin = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and cached is not None:
                # openpyxl writes an empty cached value as <v /> or <v></v>, or none at all (with lxml)
                data = re.sub(rb"<f>2\*3</f>(?:<v\s*/>|<v></v>)?", f"<f>2*3</f><v>{cached}</v>".encode(), data)
                assert cached.encode() in data
            zout.writestr(item, data)
    path.write_bytes(out.getvalue())


def test_xlsx_formula_cached_value_read_never_evaluated(tmp_path, dictionary):
    f = tmp_path / "cached.xlsx"
    # the cached value (what Excel saved) differs from what the formula would give (6):
    # the reader must return the cached 34.7849
    _xlsx_with_cached_formula(f, "34.7849")
    t = read_emissions(f, dictionary)
    assert t.emissions[0].mass == 34.7849
    assert t.emissions[1].mass == 1.9689


def test_xlsx_formula_without_cached_value_is_named(tmp_path, dictionary):
    f = tmp_path / "nocache.xlsx"
    _xlsx_with_cached_formula(f, None)
    plan = plan_import(f, dictionary)
    assert plan.formulas_without_value == [(2, "Маса, т/рік")]
    with pytest.raises(ImportRefused) as ei:
        finalize(plan, "sum")
    text = "\n".join(ei.value.messages("en"))
    assert "nocache.xlsx" in text and "row 2" in text and "Маса, т/рік" in text


def test_row_errors_name_file_row_and_column(tmp_path, dictionary):
    f = tmp_path / "bad.csv"
    f.write_text("Речовина;Маса;Клас\nАзоту діоксид;abc;2\nМетан;-1;4\nВуглецю оксид;1;7\n", "utf-8")
    plan = plan_import(f, dictionary)
    msgs = [i.located_message("en") for i in plan.errors]
    assert len(msgs) == 3
    for m, row in zip(msgs, (2, 3, 4)):
        assert m.startswith(f"bad.csv, row {row}")
    fields = [i.field for i in plan.errors]
    assert fields == ["mass", "mass", "hazard_class"]


@pytest.mark.parametrize("name,content,key", [
    ("garbage.xlsx", b"\x00\x01 not a zip", "io.error.xlsx"),
    ("garbage.csv", b"\x00\x00\x00\xff\xfe\x00binary", "io.error.binary"),
    ("empty.csv", b"", "io.error.empty"),
    ("noheader.csv", "a;b\n1;2\n".encode(), "io.error.no_substance_column"),
    ("nomass.csv", "Речовина;x\nМетан;2\n".encode(), "io.error.no_mass_column"),
    ("table.pdf", b"%PDF-1.4", "io.error.format"),
    ("broken.json", b"{\"emissions\": [", "io.error.json"),
])
def test_unreadable_file_gives_one_clear_message(tmp_path, dictionary, name, content, key):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(TableReadError) as ei:
        read_emissions(f, dictionary)
    assert ei.value.key == key
    msg = ei.value.message("uk")
    assert name in msg and "\n" not in msg.strip() and "Traceback" not in msg


def test_missing_file(tmp_path, dictionary):
    with pytest.raises(TableReadError) as ei:
        read_emissions(tmp_path / "nope.csv", dictionary)
    assert ei.value.key == "io.error.not_found"


def test_csv_row_longer_than_the_header_is_read(tmp_path, dictionary):
    # A ragged table: row 3 has an extra trailing cell (a stray note), row 4 is shorter
    # than the header.  Both are read; missing cells are empty.
    text = ("Речовина;Маса;Клас небезпеки\n"
            "Азоту діоксид;34,7849;2\n"
            "Сірки діоксид;8,27394;3;зайва примітка;ще одна\n"
            "Вуглецю оксид;1,5\n")
    f = tmp_path / "ragged.csv"
    f.write_text(text, encoding="utf-8")
    table = read_emissions(f, dictionary)
    assert [e.row for e in table.emissions] == [2, 3, 4]
    assert [e.mass for e in table.emissions] == ["34,7849", "8,27394", "1,5"]
    assert [e.hazard_class for e in table.emissions] == ["2", "3", None]
    assert table.delimiter == ";"


def test_profile_read_as_table_gives_the_profile_message(tmp_path, dictionary):
    # An invalid embedded profile is reported by read_emissions exactly as load_profile
    # reports it (field and translated reason), as a TableReadError.
    import json

    from ecologis.io.profile import ProfileFieldError, load_profile
    from ecologis.paths import DEMO_PROFILE

    doc = json.loads(DEMO_PROFILE.read_text(encoding="utf-8"))
    doc["emissions"][1]["mass"] = [1, 2]
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ProfileFieldError) as pe:
        load_profile(f)
    with pytest.raises(TableReadError) as te:
        read_emissions(f, dictionary)
    for lang in ("uk", "en"):
        assert te.value.message(lang) == pe.value.message(lang)
    assert "emissions[2].mass" in te.value.message("en") and "io.profile.reason" not in te.value.message("en")


@pytest.mark.parametrize("content,key", [(b'{"kind": "ecologis-profile", "schema_version": NaN}', "io.profile.not_finite"),
                                         (b'{"emissions": [}', "io.error.json")])
def test_json_errors_are_translated_in_both_languages(tmp_path, dictionary, content, key):
    f = tmp_path / "x.json"
    f.write_bytes(content)
    with pytest.raises(TableReadError) as ei:
        read_emissions(f, dictionary)
    assert ei.value.key == key
    uk, en = ei.value.message("uk"), ei.value.message("en")
    assert uk != en
    if key == "io.error.json":
        # position of the "}" in  {"emissions": [}  : line 1, column 16
        assert "(рядок 1, стовпець 16)" in uk and "(line 1, column 16)" in en


def test_a_folder_is_refused_in_the_users_language(tmp_path, dictionary):
    from ecologis.io.profile import ProfileError, load_profile

    d = tmp_path / "folder.csv"
    d.mkdir()
    with pytest.raises(TableReadError) as te:
        read_emissions(d, dictionary)
    with pytest.raises(ProfileError) as pe:
        load_profile(d)
    for e in (te.value, pe.value):
        assert e.message("uk").endswith("це тека, а не файл.")
        assert e.message("en").endswith("this is a folder, not a file.")


def test_json_list_entry_without_substance_or_mass_is_named(tmp_path):
    # a plain JSON list of rows: an entry lacking a required field is one translated message
    # naming the file, the entry and the field (not a programming error's text)
    f = tmp_path / "rows.json"
    f.write_text('[{"substance": "Азоту діоксид", "mass": 1.5}, {"substance": "Сірки діоксид"}]', encoding="utf-8")
    with pytest.raises(TableReadError) as e:
        read_emissions(f)
    assert e.value.message("en") == "File rows.json: entry 2 of the emissions list has no mass."
    assert e.value.message("uk") == "Файл rows.json: запис 2 у списку викидів не має поля «маса»."
    f.write_text('[{"mass": 1.5}]', encoding="utf-8")
    with pytest.raises(TableReadError) as e:
        read_emissions(f)
    assert e.value.message("en") == "File rows.json: entry 1 of the emissions list has no substance."
