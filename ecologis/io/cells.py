"""Spreadsheet cells safe from formula injection (OWASP "CSV injection").

A spreadsheet program treats a text cell that starts with ``=``, ``+``, ``-``, ``@``,
tab or carriage return as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``).
Every writer of CSV/XLSX in EcologIS passes its cells through :func:`neutralize`:

* a text cell whose first character after any leading single quotes is one of
  :data:`FORMULA_TRIGGERS` gets one more leading single quote ``'`` (the OWASP rule);
  text such as ``'quoted'`` (a quote before harmless text) is left as it is;
* numbers (negative ones too), booleans, dates and empty cells are not touched;
* XLSX cells written with :func:`xlsx_append_row` are stored as text (never as a
  formula), numbers as numbers.

The round trip (our own importers, :func:`restore`): a text cell that starts with a
single quote followed — after any further quotes — by a trigger character loses its
first quote.  Since the neutraliser adds exactly one quote to exactly those texts
(``'=x`` becomes ``''=x``), ``restore(neutralize(s)) == s`` for every text ``s``.  A
cell typed by hand as ``'=x`` therefore imports as ``=x``: the quote is read as the
spreadsheet's "this is text" mark, which is what it means there.  XML (so XLSX) reads
a carriage return back as a line feed, so :func:`restore` also removes the quote before
a line feed.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(s: str, triggers=FORMULA_TRIGGERS) -> bool:
    rest = s.lstrip("'")
    return bool(rest) and rest[0] in triggers


def neutralize(value):
    """``value`` as a cell that no spreadsheet runs as a formula (text gets a leading
    ``'`` when it could start a formula; everything else is returned unchanged)."""
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def restore(value):
    """Undo :func:`neutralize` on an imported cell (see the module docstring)."""
    if isinstance(value, str) and value.startswith("'") and _needs_quote(value, FORMULA_TRIGGERS + ("\n",)):
        return value[1:]
    return value


def xlsx_text(value):
    """Text a worksheet can hold: control characters that XML forbids (a NUL byte from a
    damaged input file quoted in a message …) become U+FFFD, the replacement character."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def xlsx_append_row(ws, values) -> None:
    """``ws.append`` with every text cell neutralised and stored as text (``data_type``
    "s": openpyxl would otherwise store a string that starts with ``=`` as a formula);
    characters a worksheet cannot hold are replaced (:func:`xlsx_text`)."""
    ws.append([neutralize(xlsx_text(v)) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
