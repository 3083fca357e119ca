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
from ecologis.core.hazard_identification.inventory import (InventoryError, Problem, rows_from_json, rows_from_table,
                                                           validate_rows)
from ecologis.core.hazard_identification.model import InventoryItem
from ecologis.io.emissions_table import decode_text, sniff_delimiter


def _read_csv(path: Path, label: str) -> list[tuple[int, dict[str, Any]]]:
    text, _encoding = decode_text(path.read_bytes())
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
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


def _read_json(path: Path, label: str) -> list[tuple[int, dict[str, Any]]]:
    text, _encoding = decode_text(path.read_bytes())
    return rows_from_json(json.loads(text), label)


def read_inventory(path: str | Path, tables: ThresholdTables | None = None) -> list[InventoryItem]:
    """Read and validate an inventory file (.csv, .xlsx, .json) against ``tables`` (the
    shipped threshold tables when not given)."""
    from ecologis.io.reference_data import threshold_tables

    path = Path(path)
    label = path.name
    if not path.is_file():
        raise InventoryError([Problem("opn.error.file_not_found", str(path))])
    ext = path.suffix.lower()
    readers = {".csv": _read_csv, ".xlsx": _read_xlsx, ".json": _read_json}
    if ext not in readers:
        raise InventoryError([Problem("opn.error.unsupported_format", label, None, "", ext)])
    try:
        rows = readers[ext](path, label)
    except InventoryError:
        raise
    except Exception as exc:  # unreadable file of a known type
        raise InventoryError([Problem("opn.error.unreadable", label, None, "", f"{type(exc).__name__}: {exc}")]) from exc
    return validate_rows(rows, label, tables if tables is not None else threshold_tables())
