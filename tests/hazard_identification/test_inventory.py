"""Inventory reading (CSV encodings and separators, XLSX, JSON) and rejection of invalid files."""

import json

import openpyxl
import pytest

from ecologis.core.hazard_identification.inventory import InventoryError
from ecologis.io.inventory_table import read_inventory


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_cp1251_semicolon_decimal_comma(tmp_path):
    p = write(tmp_path / "inv.csv", "name;cas;categories;quantity_t\nХлор;7782-50-5;;12,5\nТолуол;;P5c;100\n", "cp1251")
    items = read_inventory(p)
    assert [i.name for i in items] == ["Хлор", "Толуол"]
    assert items[0].quantity_t == 12.5
    assert items[0].named_entry == "10"  # chlorine, Seveso III Part 2 entry 10, recognised by CAS
    assert items[1].categories == ("P5c",)
    assert [i.row for i in items] == [2, 3]


def test_csv_utf8_bom_comma_multi_categories(tmp_path):
    p = write(tmp_path / "inv.csv", 'name,cas,categories,quantity_t\n"Речовина, А",,"p5a;E1",3\n', "utf-8-sig")
    (it,) = read_inventory(p)
    assert it.name == "Речовина, А" and it.categories == ("P5a", "E1") and it.quantity_t == 3.0


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_csv_utf16_with_bom_tab_separated(tmp_path, encoding):
    # Excel's "Unicode text" export: UTF-16 with a byte-order mark, tab-separated.  Read
    # as Windows-1251 it would give one garbled column and "missing column name".
    text = "name\tcas\tcategories\tquantity_t\nХлор\t7782-50-5\t\t12,5\nТолуол\t\tP5c\t100\n"
    p = tmp_path / "inv.csv"
    p.write_bytes(("\ufeff" + text).encode(encoding))
    items = read_inventory(p)
    assert [i.name for i in items] == ["Хлор", "Толуол"]
    assert items[0].quantity_t == 12.5 and items[0].named_entry == "10"   # chlorine by CAS, Seveso III Part 2 entry 10
    assert items[1].categories == ("P5c",) and items[1].quantity_t == 100.0


def test_xlsx_cached_values(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["name", "cas", "categories", "quantity_t"])
    ws.append(["Аміак", "7664-41-7", None, 60])
    ws.append(["Речовина", None, "H2", 12.5])
    p = tmp_path / "inv.xlsx"
    wb.save(p)
    items = read_inventory(p)
    assert items[0].named_entry == "35" and items[0].quantity_t == 60.0
    assert items[1].categories == ("H2",) and items[1].row == 3


def test_json_list_and_object(tmp_path):
    rows = [{"name": "Хлор", "cas": "7782-50-5", "categories": "", "quantity_t": 1}]
    p = tmp_path / "a.json"
    p.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    assert read_inventory(p)[0].named_entry == "10"
    p2 = tmp_path / "b.json"
    p2.write_text(json.dumps({"inventory": rows}), encoding="utf-8")
    assert len(read_inventory(p2)) == 1
    p3 = tmp_path / "c.json"
    p3.write_text(json.dumps([{"name": "S", "categories": ["H2", "e1"], "quantity_t": "7,5"}]), encoding="utf-8")
    (it,) = read_inventory(p3)
    assert it.categories == ("H2", "E1") and it.quantity_t == 7.5 and it.row == 1


def test_invalid_inventory_rejected_with_rows_and_fields(tmp_path):
    text = (
        "name;cas;categories;quantity_t\n"
        "Добра;;H2;10\n"  # row 2: valid
        "Від'ємна;;H2;-5\n"  # row 3: negative quantity
        "Невідома категорія;;H9;10\n"  # row 4: unknown category
        "Текст;;H1;багато\n"  # row 5: non-numeric
        "Етанол;64-17-5;;10\n"  # row 6: CAS not a named substance, no categories
    )
    p = write(tmp_path / "bad.csv", text)
    with pytest.raises(InventoryError) as ei:
        read_inventory(p)
    probs = {(pr.row, pr.field, pr.key) for pr in ei.value.problems}
    assert probs == {
        (3, "quantity_t", "opn.error.negative_quantity"),
        (4, "categories", "opn.error.unknown_category"),
        (5, "quantity_t", "opn.error.not_numeric"),
        (6, "cas", "opn.error.unknown_named"),
    }
    uk = ei.value.messages("uk")
    en = ei.value.messages("en")
    assert any("bad.csv" in m and "рядок 3" in m and "quantity_t" in m for m in uk)
    assert any("bad.csv" in m and "row 4" in m and "H9" in m for m in en)
    assert all("opn.error" not in m for m in uk + en)  # every key translated


def test_ambiguous_cas_needs_named_entry(tmp_path):
    # 6484-52-2 (ammonium nitrate) is Part 2 entries 1-4
    p = write(tmp_path / "an.csv", "name,cas,categories,quantity_t\nAN,6484-52-2,,100\n")
    with pytest.raises(InventoryError) as ei:
        read_inventory(p)
    assert ei.value.problems[0].key == "opn.error.ambiguous_cas"
    p = write(tmp_path / "an2.csv", "name,cas,categories,quantity_t,named_entry\nAN,6484-52-2,,100,2\n")
    assert read_inventory(p)[0].named_entry == "2"


def test_missing_column_and_missing_file(tmp_path):
    p = write(tmp_path / "nocol.csv", "name,cas,categories\nA,,H1\n")
    with pytest.raises(InventoryError) as ei:
        read_inventory(p)
    assert (ei.value.problems[0].key, ei.value.problems[0].field) == ("opn.error.missing_column", "quantity_t")
    with pytest.raises(InventoryError) as ei:
        read_inventory(tmp_path / "none.csv")
    assert ei.value.problems[0].key == "opn.error.file_not_found"
    with pytest.raises(InventoryError) as ei:
        read_inventory(write(tmp_path / "x.txt", "a"))
    assert ei.value.problems[0].key == "opn.error.unsupported_format"


def test_locale_files_have_same_keys_and_prefix():
    from ecologis.i18n import load_language
    from ecologis.paths import LOCALES_DIR

    uk = json.loads((LOCALES_DIR / "uk.opn.json").read_text(encoding="utf-8"))
    en = json.loads((LOCALES_DIR / "en.opn.json").read_text(encoding="utf-8"))
    assert set(uk) == set(en)
    assert all(k.startswith("opn.") for k in uk)
    load_language("uk"), load_language("en")  # no duplicate key with other files


def test_every_opn_key_used_in_code_is_translated():
    import re

    from ecologis.core.hazard_identification.model import EVENT_TYPES
    from ecologis.paths import REPO_ROOT
    from ecologis.report.hazard_identification_note import RULE_KEYS

    uk = json.loads((REPO_ROOT / "locales" / "uk.opn.json").read_text(encoding="utf-8"))
    files = [
        "ecologis/cli/cmd_identify.py",
        "ecologis/report/hazard_identification_note.py",
        "ecologis/gui/panels/hazard_identification_panel.py",
        "ecologis/core/hazard_identification/inventory.py",
    ]
    used = set()
    for f in files:
        used |= set(re.findall(r'"(opn\.[a-z0-9_.]+[a-z0-9_])"', (REPO_ROOT / f).read_text(encoding="utf-8")))
    used |= {f"opn.group.{g}" for g in ("H", "P", "E", "O", "named")}
    used |= {f"opn.rule.{r}" for r in ("single_substance", "named_entry_sum", "group_sum")}
    used |= {f"opn.rule.section_o_{m}" for m in ("total_mass_vs_smallest_threshold", "ratio_sum", "per_category")}
    used |= {f"opn.event.{e}" for e in EVENT_TYPES}
    used |= {f"opn.note.rule.{k}" for k in RULE_KEYS}
    used |= {f"opn.error.{k}" for k in ("missing_name", "missing_quantity", "not_numeric", "negative_quantity", "unknown_category",
                                         "unknown_named_entry", "ambiguous_cas", "unknown_named", "json_structure")}
    missing = sorted(k for k in used if k not in uk and not k.endswith("."))
    assert missing == []


def test_malformed_cas_is_a_row_error(tmp_path):
    # Ammonia is 7664-41-7: check digit (1·1 + 2·4 + 3·4 + 4·6 + 5·6 + 6·7) mod 10 = 117 mod 10 = 7,
    # so 7664-41-8 has a wrong check digit; "7664417" lacks the hyphens.
    p = write(tmp_path / "inv.csv", "name;cas;categories;quantity_t\nАміак;7664-41-8;H2;1\nАміак;7664417;;1\n"
                                    "Аміак;7664-41-7;;1\n")
    with pytest.raises(InventoryError) as ei:
        read_inventory(p)
    probs = [(x.key, x.row, x.field, x.params["value"]) for x in ei.value.problems]
    assert probs == [("opn.error.bad_cas", 2, "cas", "7664-41-8"), ("opn.error.bad_cas", 3, "cas", "7664417")]
    msg = ei.value.problems[0].message("en")
    assert "row 2" in msg and "7664-41-8" in msg and "not a CAS number" in msg
    assert "не є номером CAS" in ei.value.problems[0].message("uk")
