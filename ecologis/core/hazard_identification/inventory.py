"""Validating an inventory of dangerous substances (the file is read by
:func:`ecologis.io.inventory_table.read_inventory`).

Formats: CSV (UTF-8, UTF-8 or UTF-16 with BOM, or cp1251; ``,`` ``;`` or tab separated), XLSX (first
sheet, cached cell values via openpyxl ``data_only``), JSON (a list of rows, or an object
with an ``inventory`` list).  Columns: ``name``, ``cas``, ``categories`` (codes separated by
``;``, ``,``, ``/``, ``+`` or spaces, e.g. ``P5a;E1``; empty for a named substance
recognised by CAS), ``quantity_t`` (maximum quantity that may be present, t) and the
optional ``named_entry`` (id of the named entry, needed when a CAS matches several
entries, e.g. the ammonium-nitrate grades, or for entries without CAS).

The whole file is validated first; any problem raises :class:`InventoryError` with every
problem found (file, row, field), and nothing is returned partially.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable

from ecologis.core.hazard_identification.data import ThresholdTables, normalise_cas, normalise_category
from ecologis.core.hazard_identification.model import InventoryItem
from ecologis.core.cas import is_valid_cas
from ecologis.core.numbers import parse_number
from ecologis.model.problems import Problem

REQUIRED = ("name", "quantity_t")
KNOWN = ("name", "cas", "categories", "quantity_t", "named_entry")
_SPLIT = re.compile(r"[;,/+\s]+")


def problem(key: str, file: str, row: int | None = None, field: str = "", value: str = "") -> Problem:
    """One validation problem; ``key`` is a translation key of ``locales/*.opn.json`` whose text
    names the file, row, field and the refused value itself."""
    return Problem(key, {"value": value}, file=file, row=row, field=field)


class InventoryError(ValueError):
    """The inventory is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.file}:{p.row}:{p.field}: {p.key}" for p in self.problems))

    def messages(self, lang: str | None = None) -> list[str]:
        return [p.message(lang) for p in self.problems]


# ---------------------------------------------------------------------------------------
# rows of an already-read file (the files are read by ecologis.io.inventory_table)
# ---------------------------------------------------------------------------------------
def _norm_header(h: Any) -> str:
    return str(h or "").strip().lower()


def rows_from_table(rows: list[list[Any]], label: str) -> list[tuple[int, dict[str, Any]]]:
    """Numbered rows (from 2) of a table whose first row is the header; ``label`` names the file."""
    if not rows:
        raise InventoryError([problem("opn.error.empty_inventory", label)])
    header = [_norm_header(h) for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InventoryError([problem("opn.error.missing_column", label, 1, c) for c in missing])
    out = []
    for n, r in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in r):
            continue
        d = {h: (r[k] if k < len(r) else None) for k, h in enumerate(header) if h in KNOWN}
        out.append((n, d))
    return out


def rows_from_json(data: Any, label: str) -> list[tuple[int, dict[str, Any]]]:
    """Numbered rows (from 1) of a decoded JSON inventory: a list of rows or ``{"inventory": [...]}``."""
    if isinstance(data, dict):
        data = data.get("inventory")
    if not isinstance(data, list):
        raise InventoryError([problem("opn.error.json_structure", label)])
    out = []
    for n, r in enumerate(data, start=1):
        if not isinstance(r, dict):
            raise InventoryError([problem("opn.error.json_structure", label, n)])
        out.append((n, {_norm_header(k): v for k, v in r.items()}))
    return out


# ---------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------
def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def parse_quantity(v: Any) -> float:
    """A number of tonnes; accepts a decimal comma ('12,5') and spaces between digits."""
    return parse_number(v)[0]        # NumberProblem is a ValueError


def validate_rows(rows: Iterable[tuple[int, dict[str, Any]]], label: str, tables: ThresholdTables) -> list[InventoryItem]:
    """Validate raw rows against ``tables``; returns items or raises :class:`InventoryError`
    with all problems."""
    problems: list[Problem] = []
    items: list[InventoryItem] = []
    seen_rows = 0
    for n, d in rows:
        seen_rows += 1
        name = _text(d.get("name"))
        cas = normalise_cas(_text(d.get("cas")))
        cats_val = d.get("categories")
        cats_raw = ";".join(_text(c) for c in cats_val) if isinstance(cats_val, (list, tuple)) else _text(cats_val)
        named_id = _text(d.get("named_entry"))
        qraw = d.get("quantity_t")
        row_problems: list[Problem] = []
        if not name:
            row_problems.append(problem("opn.error.missing_name", label, n, "name"))
        qty = math.nan
        if qraw is None or _text(qraw) == "":
            row_problems.append(problem("opn.error.missing_quantity", label, n, "quantity_t"))
        else:
            try:
                qty = parse_quantity(qraw)
            except (TypeError, ValueError):
                row_problems.append(problem("opn.error.not_numeric", label, n, "quantity_t", _text(qraw)))
            else:
                if not math.isfinite(qty):
                    row_problems.append(problem("opn.error.not_numeric", label, n, "quantity_t", _text(qraw)))
                elif qty < 0:
                    row_problems.append(problem("opn.error.negative_quantity", label, n, "quantity_t", _text(qraw)))
        cats: list[str] = []
        for code in (c for c in _SPLIT.split(cats_raw) if c):
            cat = tables.category(code)
            if cat is None:
                row_problems.append(problem("opn.error.unknown_category", label, n, "categories", code))
            elif cat.code not in cats:
                cats.append(cat.code)
        resolved = ""
        if cas and not is_valid_cas(cas):
            row_problems.append(problem("opn.error.bad_cas", label, n, "cas", cas))
        if named_id:
            if tables.named_by_id(named_id) is None:
                row_problems.append(problem("opn.error.unknown_named_entry", label, n, "named_entry", named_id))
            else:
                resolved = named_id
        elif cas and is_valid_cas(cas):
            matches = tables.named_by_cas(cas)
            if len(matches) == 1:
                resolved = matches[0].id
            elif len(matches) > 1:
                row_problems.append(
                    problem("opn.error.ambiguous_cas", label, n, "cas", f"{cas} → {', '.join(m.id for m in matches)}")
                )
        if not resolved and not cats_raw and not any(p.field in ("cas", "named_entry") for p in row_problems):
            row_problems.append(problem("opn.error.unknown_named", label, n, "cas" if cas else "categories", cas or name))
        problems.extend(row_problems)
        if not row_problems:
            items.append(InventoryItem(name=name, quantity_t=qty, cas=cas, categories=tuple(cats), named_entry=resolved, row=n))
    if not problems and seen_rows == 0:
        problems.append(problem("opn.error.empty_inventory", label))
    if problems:
        raise InventoryError(problems)
    return items


def inventory_from_records(records: list[dict[str, Any]], label: str = "inventory", *,
                           tables: ThresholdTables) -> list[InventoryItem]:
    """Validate rows given as dicts (e.g. from the GUI table); rows numbered from 1."""
    return validate_rows(((n, {_norm_header(k): v for k, v in r.items()}) for n, r in enumerate(records, start=1)), label, tables)


def normalise_codes(text: str) -> list[str]:
    """Split a categories cell into normalised codes (no validation)."""
    return [normalise_category(c) for c in _SPLIT.split(text or "") if c]
