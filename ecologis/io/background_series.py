"""Reading observation series (CSV/XLSX) for the background by post observations; the
rows are validated by :func:`ecologis.core.background.series.series_from_table`.

CSV text is decoded and its delimiter found exactly as for emissions tables
(:func:`ecologis.io.emissions_table.decode_text` / :func:`~ecologis.io.emissions_table.sniff_delimiter`).
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pandas as pd

from ecologis.core.background.errors import SeriesError, series_problem
from ecologis.core.background.series import SYNONYMS, Series, _norm_header, series_from_table
from ecologis.io.emissions_table import decode_text, sniff_delimiter


def _read_frame(name: str, source, delim: str) -> pd.DataFrame:
    """The C reader on ``source()`` (a fresh file object per call)."""
    try:
        header = pd.read_csv(source(), sep=delim, nrows=0).columns
        # the text columns repeat a few values (timestamps, posts, substances): read as categories,
        # the C reader numbers the distinct texts itself (no Python string per cell to hash later)
        text_cols = {h: "category" for h in header
                     if any(_norm_header(h) in SYNONYMS[c] for c in ("timestamp", "post", "substance"))}
        # numbers are parsed by the C reader when the column is clean; otherwise the column
        # stays text and is parsed per unique value (decimal commas, stray text)
        return pd.read_csv(source(), sep=delim, dtype=text_cols, na_values=[""], keep_default_na=False,
                           skip_blank_lines=False, quoting=csv.QUOTE_MINIMAL, engine="c", low_memory=False)
    except UnicodeDecodeError:
        raise
    except (pd.errors.ParserError, ValueError) as e:
        raise SeriesError(name, [series_problem(name, None, None, "bg.err.unreadable", {"detail": str(e)})]) \
            from None


#: How much of a file without a byte-order mark is decoded to find its delimiter.
_HEAD_BYTES = 16384


def _read_csv(path: Path) -> tuple[list[str], pd.DataFrame, int]:
    data = path.read_bytes()
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        # No byte-order mark: UTF-8 when it decodes as UTF-8 (decode_text's rule).  The head is
        # decoded here; the C reader decodes the rest as it reads the bytes, and a byte that is
        # not UTF-8 anywhere stops it: then the file is decoded whole as below (Windows-1251).
        try:
            head = codecs.getincrementaldecoder("utf-8")().decode(data[:_HEAD_BYTES], final=False)
        except UnicodeDecodeError:
            head = None
        if head is not None:
            try:
                df = _read_frame(path.name, lambda: io.BytesIO(data), sniff_delimiter(head[:4096]))
                return list(df.columns), df, 2
            except UnicodeDecodeError:
                pass
    try:
        text, encoding = decode_text(data)
    except UnicodeDecodeError:
        raise SeriesError(path.name, [series_problem(path.name, None, None, "bg.err.encoding", {})]) from None
    delim = sniff_delimiter(text[:4096])

    def source():
        # UTF-8 (the text decoded above, so valid) goes to the C reader as the bytes it is,
        # not re-encoded from the decoded text; other encodings as text
        if encoding == "utf-8":
            return io.BytesIO(data)
        if encoding == "utf-8-sig":
            return io.BytesIO(memoryview(data)[3:])
        return io.StringIO(text)

    if encoding in ("utf-8", "utf-8-sig"):
        text = None                       # not kept: the file may be large
    try:
        df = _read_frame(path.name, source, delim)
    except UnicodeDecodeError as e:       # not expected: the text was decoded above
        raise SeriesError(path.name, [series_problem(path.name, None, None, "bg.err.unreadable", {"detail": str(e)})]) \
            from None
    return list(df.columns), df, 2


def _read_xlsx(path: Path) -> tuple[list[str], pd.DataFrame, int]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - openpyxl raises many types
        raise SeriesError(path.name, [series_problem(path.name, None, None, "bg.err.unreadable", {"detail": str(e)})]) \
            from None
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    if not rows:
        raise SeriesError(path.name, [series_problem(path.name, None, None, "bg.err.empty")])
    header = [str(h) if h is not None else "" for h in rows[0]]
    body = [[("" if v is None else (v.isoformat(sep=" ") if hasattr(v, "isoformat") else str(v)))
             for v in (r + [None] * (len(header) - len(r)))[:len(header)]] for r in rows[1:]]
    df = pd.DataFrame(body, columns=header, dtype=object)
    return header, df, 2


def read_series(path: str | Path, dictionary=None, refdata=None) -> Series:
    """Read and validate a series file (CSV or XLSX); raise :class:`SeriesError` listing
    the problems.  ``dictionary`` and ``refdata`` default to the loaded ones."""
    from ecologis.io.reference_data import background_reference, load_dictionary

    p = Path(path)
    name = p.name
    if dictionary is None:
        dictionary = load_dictionary()
    if refdata is None:
        refdata = background_reference()
    if not p.exists():
        raise SeriesError(name, [series_problem(name, None, None, "bg.err.not_found")])
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        header, df, first_row = _read_xlsx(p)
    else:
        header, df, first_row = _read_csv(p)
    return series_from_table(name, header, df, first_row, dictionary, refdata=refdata)
