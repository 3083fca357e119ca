"""Reading emissions tables (CSV, XLSX, profile JSON) into :class:`Emission` rows.

CSV as plants and Excel produce it: UTF-8, UTF-8 with BOM or Windows-1251 (detected);
delimiter ``,`` ``;`` or tab (detected); decimal commas kept as text so the validation
journal can report them.  XLSX through openpyxl with ``data_only=True``: formulas are
read as their cached values and never evaluated.  Ukrainian, English and Russian
headers are mapped; extra columns are ignored; blank rows are skipped.  Row numbers
are the file's own (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ecologis.core.dictionary import Dictionary, normalize_name
from ecologis.core.validation import Terms
from ecologis.model import Emission  # noqa: F401  (the rows of a TableData)
from ecologis.model.emissions import FIELDS, EmissionTable
from ecologis.i18n import TranslatedError
from ecologis.io.cells import restore

# canonical column -> accepted header spellings (normalised: lower case, no punctuation)
HEADER_SYNONYMS = {
    "substance": ["речовина", "назва речовини", "забруднююча речовина", "забруднювальна речовина", "назва",
                  "найменування речовини", "найменування", "назва забруднювальної речовини",
                  "substance", "substance name", "pollutant", "pollutant name", "name",
                  "вещество", "наименование вещества", "наименование", "загрязняющее вещество",
                  "наименование загрязняющего вещества", "наименование зв", "название вещества"],
    "mass": ["маса", "маса викиду", "викид", "викиди", "маса викидів", "обсяг викиду", "фактичний викид",
             "mass", "emission", "emissions", "annual emission", "annual mass",
             "масса", "масса выброса", "выброс", "выбросы", "валовый выброс", "количество"],
    "unit": ["одиниці", "одиниця", "одиниці виміру", "одиниця виміру", "од вим", "unit", "units",
             "единицы", "единица", "единицы измерения", "единица измерения", "ед изм"],
    "code": ["код", "код речовини", "код забруднювальної речовини", "code", "substance code",
             "код вещества", "код зв", "код загрязняющего вещества"],
    "cas": ["cas", "cas номер", "номер cas", "cas no", "cas number", "cas rn", "код cas"],
    "gdk_sd": ["гдк", "гдк сд", "гдк с д", "гдк середньодобова", "gdk sd", "gdk_sd", "gdk", "mac daily",
               "пдк", "пдк сс", "пдк с с", "пдк среднесуточная"],
    "gdk_mr": ["гдк мр", "гдк м р", "гдк максимальна разова", "gdk mr", "gdk_mr", "mac one time",
               "пдк мр", "пдк м р", "пдк максимальная разовая"],
    "hazard_class": ["клас", "клас небезпеки", "клас небезпечності", "class", "hazard class", "hazard_class",
                     "класс", "класс опасности"],
    "hours_per_year": ["годин на рік", "години роботи", "годин роботи на рік", "hours", "hours per year",
                       "hours_per_year", "часов в год", "часы работы"],
    "source_id": ["джерело", "номер джерела", "джерело викиду", "source", "source id", "source_id",
                  "источник", "номер источника", "источник выброса"],
    "origin": ["походження даних", "походження", "origin", "data origin", "происхождение данных"],
    "date": ["дата", "date", "дата фіксації"],
    "note": ["примітка", "примітки", "note", "notes", "comment", "примечание", "комментарий"],
}
_UNIT_IN_HEADER = re.compile(r"[,(]\s*([^,()]+?)\s*\)?\s*$")


def _norm_header(h) -> str:
    s = normalize_name(str(h or ""))
    s = re.sub(r"[.\-_/,;:()\[\]³]", " ", s)
    return " ".join(s.split())


_HEADER_LOOKUP = {_norm_header(s): canon for canon, spellings in HEADER_SYNONYMS.items() for s in spellings}

# The columns of EcologIS's own table export (``ecologis.io.export.ROW_COLUMNS``) in every
# language: the row's inputs map back to their fields; the derived columns (the resolved
# substance, t/yr, the ГДК used, its kind, class, contribution …) are ignored, so that an
# export reads back to the same table and the same КНП.
_EXPORT_COLUMNS = {
    "substance_input": "substance", "cas": "cas", "mass": "mass", "unit": "unit",
    "gdk_sd_input": "gdk_sd", "gdk_mr_input": "gdk_mr", "hazard_class_input": "hazard_class",
    "hours_per_year": "hours_per_year", "source_id": "source_id", "date": "date", "note": "note",
    "row": None, "substance": None, "mass_t": None, "gdk": None, "gdk_kind": None, "hazard_class": None,
    "a": None, "contribution": None, "share": None, "status": None,
}
_export_lookup_cache: dict | None = None


def _export_lookup() -> dict[str, str | None]:
    """Normalised export header → canonical field (``None``: derived, ignored)."""
    global _export_lookup_cache
    if _export_lookup_cache is None:
        from ecologis.i18n import LANGUAGES, t_lang

        _export_lookup_cache = {_norm_header(t_lang(lang, "io.col." + col)): canon
                                for lang in LANGUAGES for col, canon in _EXPORT_COLUMNS.items()}
    return _export_lookup_cache


def _is_own_export(headers: list) -> bool:
    """The header row is EcologIS's table export: it has the row's own-input columns."""
    from ecologis.i18n import LANGUAGES, t_lang

    norm = {_norm_header(h) for h in headers}
    return any(_norm_header(t_lang(lang, "io.col.gdk_sd_input")) in norm for lang in LANGUAGES)


MAX_TABLE_BYTES = 200 * 1024 * 1024


def _check_table_size(path: Path, file: str) -> None:
    """Refuse a table file larger than :data:`MAX_TABLE_BYTES` (a translated message)."""
    if Path(path).stat().st_size > MAX_TABLE_BYTES:
        raise TableReadError(file, "io.table.too_large", limit_mb=MAX_TABLE_BYTES // (1024 * 1024))


def _read_table_bytes(path: Path, file: str) -> bytes:
    """The bytes of a table file, size-checked; OS errors become a translated message."""
    try:
        _check_table_size(path, file)
        return Path(path).read_bytes()
    except OSError as e:
        raise TableReadError(file, "io.error.os", detail=e.strerror or str(e)) from None
MAX_ROWS = 1_000_000


class TableReadError(TranslatedError):
    """The file cannot be read at all; ``key``/``params`` give the translated reason."""

    prefix_key = "io.error.prefix"

    _source: TranslatedError | None = None

    @classmethod
    def from_error(cls, e: TranslatedError) -> "TableReadError":
        """The same message as ``e`` (e.g. the ``ProfileError`` of an embedded profile),
        so callers of :func:`read_emissions` catch one type."""
        err = cls(e.file, e.key, **e.params)
        err._source = e
        return err

    def message_params(self, tr, lang):
        if self._source is not None:
            return self._source.message_params(tr, lang)
        return super().message_params(tr, lang)


@dataclass
class TableData:
    emissions: EmissionTable          # the rows as read (a list of Emission given is converted)
    columns: dict[str, str]           # canonical -> original header
    ignored_columns: list[str]
    encoding: str | None = None
    delimiter: str | None = None
    header_unit: str | None = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.emissions, EmissionTable):
            self.emissions = EmissionTable(self.emissions)


def map_headers(headers: list) -> tuple[dict[str, int], list[str], str | None]:
    """Canonical column → index; unmapped headers; a unit found in the mass header."""
    mapping: dict[str, int] = {}
    ignored: list[str] = []
    header_unit = None
    own_export = _is_own_export(headers)
    for i, h in enumerate(headers):
        raw = str(h or "").strip()
        if not raw:
            continue
        n = _norm_header(raw)
        if own_export and n in _export_lookup():
            canon = _export_lookup()[n]
            if canon is not None and canon not in mapping:
                mapping[canon] = i
            else:
                ignored.append(raw)
            continue
        canon = _HEADER_LOOKUP.get(n)
        unit_here = None
        if canon is None:
            # "Маса, т/рік" / "Mass (kg/yr)": the unit is written in the header
            m = _UNIT_IN_HEADER.search(raw)
            if m:
                base = _norm_header(raw[: m.start()])
                if _HEADER_LOOKUP.get(base) == "mass":
                    canon = "mass"
                    unit_here = m.group(1).strip()
                elif _HEADER_LOOKUP.get(base) in ("gdk_sd", "gdk_mr"):
                    canon = _HEADER_LOOKUP[base]
        if canon is None:
            # "ГДК с.д., мг/м3" and similar
            for prefix_len in range(len(n), 0, -1):
                c = _HEADER_LOOKUP.get(n[:prefix_len].strip())
                if c in ("gdk_sd", "gdk_mr", "hazard_class") and prefix_len >= 3:
                    canon = c
                    break
        if canon is not None and canon not in mapping:
            mapping[canon] = i
            if canon == "mass" and unit_here:
                header_unit = unit_here  # only the column actually read as the mass
        else:
            ignored.append(raw)
    return mapping, ignored, header_unit


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file as plants write them: UTF-8 (a BOM allowed),
    UTF-16 with a BOM, else Windows-1251."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            # a UTF-8 BOM in front of Windows-1251 text (some converters write one)
            return data[3:].decode("cp1251"), "cp1251"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1251"), "cp1251"


def sniff_delimiter(text: str) -> str:
    """The delimiter of CSV text: ``,`` ``;`` or tab (from the first 20 non-blank lines)."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:20]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: sum(ln.count(d) for ln in lines) for d in (";", "\t", ",")}
        return max(counts, key=counts.get) if any(counts.values()) else ","


def read_csv_rows(text: str, delimiter: str, file: str, error=None) -> list[list[str]]:
    """All rows of CSV text.  A row the csv module refuses (a field longer than its
    limit of 128 KB, a NUL byte…) raises ``error`` (a :class:`TranslatedError` class,
    :class:`TableReadError` by default) naming the file and the row."""
    error = error or TableReadError
    consumed: list[str] = []          # the lines of the record being read

    def lines():
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            consumed.clear()
    except csv.Error as e:
        row_no = len(rows) + 1        # rows are numbered by record, the header is row 1
        if "field larger than field limit" not in str(e):
            raise error(file, "io.csv.bad_row", row=row_no) from None
        limit = csv.field_size_limit()
        col = _long_field_column("".join(consumed), delimiter, limit)
        header = rows[0] if rows else []
        if col is not None and col < len(header) and str(header[col]).strip():
            raise error(file, "io.csv.field_too_long_in", row=row_no, field=str(header[col]).strip()[:100],
                        limit_kb=limit // 1024) from None
        raise error(file, "io.csv.field_too_long", row=row_no, limit_kb=limit // 1024) from None
    return rows


def _long_field_column(record: str, delimiter: str, limit: int) -> int | None:
    """The column of the first value longer than ``limit`` in the text of one CSV record
    (read again with the limit raised for this record only)."""
    old = csv.field_size_limit()
    try:
        csv.field_size_limit(max(old, len(record) + 1))
        cells = next(csv.reader([record], delimiter=delimiter), [])
    except csv.Error:
        return None
    finally:
        csv.field_size_limit(old)
    return next((j for j, c in enumerate(cells) if len(c) > limit), None)


def _rows_to_table(file: str, rows: list[list], row_offset: int, dictionary: Dictionary | None, **meta) -> TableData:
    # first non-blank row is the header
    start = 0
    while start < len(rows) and all(str(c or "").strip() == "" for c in rows[start]):
        start += 1
    if start >= len(rows):
        raise TableReadError(file, "io.error.empty")
    headers = rows[start]
    mapping, ignored, header_unit = map_headers(headers)
    if "substance" not in mapping and "cas" not in mapping and "code" not in mapping:
        raise TableReadError(file, "io.error.no_substance_column", headers=", ".join(str(h) for h in headers if str(h or "").strip()))
    if "mass" not in mapping:
        raise TableReadError(file, "io.error.no_mass_column", headers=", ".join(str(h) for h in headers if str(h or "").strip()))
    if len(rows) - start - 1 > MAX_ROWS:
        raise TableReadError(file, "io.table.too_many_rows", limit=MAX_ROWS)
    canon = ("substance", "cas", "code", "mass", "unit", "hours_per_year", "source_id", "origin", "date", "note",
             "gdk_sd", "gdk_mr", "hazard_class")
    slots = [(c, mapping[c]) for c in canon if c in mapping]
    default_unit = header_unit or "t/yr"
    ref_memo: dict[tuple, str] = {}
    # the table is filled column-wise: one list per field, no Emission per row in between
    fields_out = ("substance", "mass", "unit", "hours_per_year", "source_id", "origin", "date", "note",
                  "gdk_sd", "gdk_mr", "hazard_class", "row")
    cols: dict[str, list] = {name: [] for name in fields_out}
    add = {name: cols[name].append for name in fields_out}
    for k, r in enumerate(rows[start + 1:], start=start + 1):
        if all(c is None or (isinstance(c, str) and not c.strip()) or (isinstance(c, float) and c != c) for c in r):
            continue
        n = len(r)
        v = dict.fromkeys(canon)
        for name, i in slots:
            if i < n:
                x = _safe_cell(r[i])
                v[name] = x.strip() if isinstance(x, str) else x
        key = (v["substance"], v["cas"], v["code"])
        ref = ref_memo.get(key)
        if ref is None:
            ref = ref_memo[key] = _choose_reference(v["substance"], v["cas"], v["code"], dictionary)
        add["substance"](ref)
        add["mass"](v["mass"])
        add["unit"](v["unit"] if v["unit"] not in (None, "") else default_unit)
        add["hours_per_year"](v["hours_per_year"] if v["hours_per_year"] not in (None, "") else None)
        add["source_id"](None if v["source_id"] in (None, "") else str(v["source_id"]))
        add["origin"](str(v["origin"] or "inventory"))
        add["date"](None if v["date"] in (None, "") else str(v["date"]))
        add["note"](str(v["note"] or ""))
        add["gdk_sd"](v["gdk_sd"])
        add["gdk_mr"](v["gdk_mr"])
        add["hazard_class"](v["hazard_class"])
        add["row"](k + row_offset)
    emissions = EmissionTable.from_columns(**cols)
    del cols, add
    columns = {c: str(headers[i]) for c, i in mapping.items()}
    return TableData(emissions, columns, ignored, header_unit=header_unit, **meta)


def _safe_cell(v):
    """Cell values the core can parse: ints beyond float range become text ("inf");
    a NaN cell (JSON) becomes empty; the quote our exports put before formula-like text
    is removed (:func:`ecologis.io.cells.restore`)."""
    if isinstance(v, str):
        return restore(v)
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**1023:
        return str(v)
    return v


def _choose_reference(name, cas, code, dictionary: Dictionary | None):
    cands = [str(x).strip() for x in (cas, code, name) if x not in (None, "") and str(x).strip()]
    if dictionary is not None:
        for c in cands:
            if dictionary.lookup(c) is not None:
                return c
    if name not in (None, "") and str(name).strip():
        return str(name).strip()
    return cands[0] if cands else ""


def read_csv(path: Path, dictionary: Dictionary | None = None) -> TableData:
    file = Path(path).name
    data = _read_table_bytes(path, file)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableReadError(file, "io.error.binary")
    try:
        text, enc = decode_text(data)
    except UnicodeDecodeError:
        raise TableReadError(file, "io.error.encoding") from None
    if not text.strip():
        raise TableReadError(file, "io.error.empty")
    delim = sniff_delimiter(text)
    # rows may differ in length (a longer row after the header is read, not refused)
    rows = read_csv_rows(text, delim, file)
    return _rows_to_table(file, rows, 1, dictionary, encoding=enc, delimiter=delim)


def read_xlsx(path: Path, dictionary: Dictionary | None = None) -> TableData:
    """First worksheet of an XLSX workbook.  Formulas are read as the values Excel
    cached when it last saved the file (``data_only=True``) and are never evaluated; a
    formula without a cached value reads as empty and is listed in
    ``meta["formulas_without_value"]`` as (row, header) so the journal can say why."""
    file = Path(path).name
    try:
        import openpyxl

        _check_table_size(path, file)
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except TableReadError:
        raise
    except Exception as e:
        raise TableReadError(file, "io.error.xlsx", detail=str(e).splitlines()[0][:200] if str(e) else type(e).__name__) from None
    try:
        if not wb.worksheets:
            raise TableReadError(file, "io.error.empty")
        ws = wb.worksheets[0]
        title = ws.title
        rows = []
        for r in ws.iter_rows(values_only=True):
            rows.append(list(r))
            if len(rows) > MAX_ROWS + 100:
                raise TableReadError(file, "io.table.too_many_rows", limit=MAX_ROWS)
    except TableReadError:
        raise
    except Exception as e:
        raise TableReadError(file, "io.error.xlsx", detail=str(e).splitlines()[0][:200] if str(e) else type(e).__name__) from None
    finally:
        wb.close()
    table = _rows_to_table(file, rows, 1, dictionary, meta={"sheet": title})
    missing = [r for r, m in zip(table.emissions.column("row"), table.emissions.column("mass")) if m is None]
    if missing:
        table.meta["formulas_without_value"] = _formula_cells(path, table, set(missing))
    return table


def _formula_cells(path: Path, table: TableData, rows: set[int]) -> list[tuple[int, str]]:
    """(row, header) of mass cells that hold a formula with no cached value."""
    try:
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        try:
            ws = wb.worksheets[0]
            header = table.columns.get("mass")
            out = []
            hdr_idx = None
            for k, r in enumerate(ws.iter_rows(values_only=True), start=1):
                if hdr_idx is None:
                    cells = [str(c or "").strip() for c in r]
                    if header in cells:
                        hdr_idx = cells.index(header)
                    continue
                if k in rows and hdr_idx < len(r) and isinstance(r[hdr_idx], str) and r[hdr_idx].startswith("="):
                    out.append((k, header))
            return out
        finally:
            wb.close()
    except Exception:
        return []


def _scalar(v):
    """JSON values the core can handle: lists/objects become their text."""
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)[:200]
    return _safe_cell(v)


def read_profile_emissions(path: Path) -> TableData:
    """Emissions from an EcologIS profile (validated and migrated like
    :func:`ecologis.io.profile.load_profile`) or from a plain JSON list of rows."""
    file = Path(path).name
    data = _read_table_bytes(path, file)
    from ecologis.io.profile import MAX_PROFILE_BYTES, ProfileError, is_shipped_file, parse_json_bytes

    try:
        parsed = parse_json_bytes(data, file)            # parsed once, for both kinds
        doc = parsed.doc
        if parsed.is_profile():
            if len(data) > MAX_PROFILE_BYTES:
                raise ProfileError(file, "io.profile.too_large", limit_mb=MAX_PROFILE_BYTES // (1024 * 1024))
            prof = parsed.profile(file, shipped=is_shipped_file(path), folder=Path(path).parent)
        else:
            prof = None
    except ProfileError as e:
        raise TableReadError.from_error(e) from None
    if prof is not None:
        cols = {k: list(map(_scalar, prof.emissions.column(k))) for k in FIELDS}
        cols["substance"] = ["" if v is None else str(v) for v in cols["substance"]]
        return TableData(EmissionTable.from_columns(**cols), {}, [], meta={"profile": doc, "profile_obj": prof})
    items = doc.get("emissions") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise TableReadError(file, "io.error.no_emissions")
    records = []
    for i, d in enumerate(items, start=1):
        if not isinstance(d, dict):
            raise TableReadError(file, "io.error.row_not_object", row=i)
        missing = [f for f in ("substance", "mass") if f not in d]
        if missing:
            raise TableReadError(file, "io.error.row_missing_field", row=i, field=Terms("field.", missing))
        d = {k: _scalar(v) for k, v in d.items()}
        d["substance"] = "" if d["substance"] is None else str(d["substance"])
        records.append(d)
    meta = {"profile": doc} if isinstance(doc, dict) else {}
    return TableData(EmissionTable.from_records(records, number_rows=True), {}, [], meta=meta)


def read_emissions(path: str | Path, dictionary: Dictionary | None = None) -> TableData:
    """Read an emissions table or profile by its extension (.csv/.txt/.tsv, .xlsx/.xlsm, .json).

    Any failure to read the file at all is a :class:`TableReadError` with one translated
    message naming the file; problems in individual rows are left to the validation
    journal (:func:`ecologis.core.assess.prepare`), which names the row and field.
    """
    p = Path(path)
    if not p.exists():
        raise TableReadError(p.name, "io.error.not_found")
    if p.is_dir():
        raise TableReadError(p.name, "io.file.is_directory")
    ext = p.suffix.lower()
    try:
        if ext in (".csv", ".txt", ".tsv"):
            return read_csv(p, dictionary)
        if ext in (".xlsx", ".xlsm"):
            return read_xlsx(p, dictionary)
        if ext in (".json", ".ecologis"):
            return read_profile_emissions(p)
    except TableReadError:
        raise
    except RecursionError:
        raise TableReadError(p.name, "io.file.too_deep") from None
    except Exception as e:  # one clear message, never a traceback
        raise TableReadError(p.name, "io.table.unreadable", detail=(str(e).splitlines() or [type(e).__name__])[0][:200]) from None
    raise TableReadError(p.name, "io.error.format", ext=ext or "?")
