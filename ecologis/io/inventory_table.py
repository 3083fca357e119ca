"""Reading an inventory of dangerous substances (CSV, XLSX, JSON) for the ОПН
identification; the rows are validated by
:func:`ecologis.core.hazard_identification.inventory.validate_rows`.

CSV text is decoded and its delimiter found exactly as for emissions tables
(:func:`ecologis.io.emissions_table.decode_text` / :func:`~ecologis.io.emissions_table.sniff_delimiter`):
UTF-8 (a BOM allowed), UTF-16 with a BOM, else Windows-1251; ``,`` ``;`` or tab.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ecologis.core.hazard_identification.data import ThresholdTables
from ecologis.core.hazard_identification.inventory import (InventoryError, problem, rows_from_json, rows_from_table,
                                                           validate_rows)
from ecologis.core.hazard_identification.model import InventoryItem
from ecologis.io.emissions_table import decode_text, sniff_delimiter


def _read_csv(path: Path, label: str) -> list[tuple[int, dict[str, Any]]]:
    text, _encoding = decode_text(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows = []
    try:
        for r in reader:
            rows.append(r)
    except csv.Error:   # a field over the csv module's 128 KB limit, a NUL byte …
        raise InventoryError([problem("io.inv.bad_csv_row", label, reader.line_num)]) from None
    return rows_from_table(rows, label)


def _read_xlsx(path: Path, label: str) -> list[tuple[int, dict[str, Any]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    return rows_from_table(rows, label)


def _huge_int(s: str):
    """JSON integers beyond any float (and Python's int(str) limit) become infinite,
    which the quantity check then refuses with its row and field."""
    if len(s) > 400:
        return float("-inf") if s.startswith("-") else float("inf")
    return int(s)


def _read_json(path: Path, label: str) -> list[tuple[int, dict[str, Any]]]:
    text, _encoding = decode_text(path.read_bytes())
    try:
        data = json.loads(text, parse_int=_huge_int)
    except json.JSONDecodeError as e:
        raise InventoryError([problem("io.inv.not_json", label, e.lineno, "", str(e.colno))]) from None
    except RecursionError:
        raise InventoryError([problem("io.inv.too_deep", label)]) from None
    return rows_from_json(data, label)


def read_inventory(path: str | Path, tables: ThresholdTables | None = None) -> list[InventoryItem]:
    """Read and validate an inventory file (.csv, .xlsx, .json) against ``tables`` (the
    shipped threshold tables when not given)."""
    from ecologis.io.reference_data import threshold_tables

    path = Path(path)
    label = path.name
    if not path.is_file():
        raise InventoryError([problem("opn.error.file_not_found", str(path))])
    ext = path.suffix.lower()
    readers = {".csv": _read_csv, ".xlsx": _read_xlsx, ".json": _read_json}
    if ext not in readers:
        raise InventoryError([problem("opn.error.unsupported_format", label, None, "", ext)])
    try:
        rows = readers[ext](path, label)
    except InventoryError:
        raise
    except UnicodeDecodeError:
        raise InventoryError([problem("io.inv.not_text", label)]) from None
    except Exception:  # unreadable file of a known type: a damaged workbook, an unreadable file …
        key = "io.inv.not_xlsx" if ext == ".xlsx" else "io.inv.unreadable"
        raise InventoryError([problem(key, label)]) from None
    return validate_rows(rows, label, tables if tables is not None else threshold_tables())
