"""Validation notes grouped for people: one line per message, with the rows it concerns
("rows 1–10: the row uses its own values…") instead of the same line ten times.

Used by the report (PDF and Word); the GUI journal can show the same grouping with
:func:`group_lines`.
"""

from __future__ import annotations

from ecologis.i18n import t_lang

#: Note groups in report order: (title key, the issue codes it takes; None = errors,
#: "other" = whatever is left).
GROUPS = (("report.val.fallback", {"I_GDK_FALLBACK", "W_GDK_NONPOSITIVE"}),
          ("report.val.excluded", {"W_GDK_MISSING", "W_GDK_NONPOSITIVE_EXCLUDED", "W_CLASS_MISSING"}),
          ("report.val.errors", None),
          ("report.val.row_values", {"I_ROW_VALUES"}),
          ("report.val.other", "other"))

#: At most this many lines per group (the rest is counted).
MAX_LINES = 300


def row_ranges(rows) -> str:
    """Row numbers as ranges: [1, 2, 3, 5, 7, 8] → "1–3, 5, 7–8"."""
    rows = sorted({int(r) for r in rows})
    parts, i = [], 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1:
            j += 1
        parts.append(str(rows[i]) if i == j else f"{rows[i]}–{rows[j]}")
        i = j + 1
    return ", ".join(parts)


def group_lines(issues, lang: str) -> list[str]:
    """One line per distinct (field, message), in first-seen order, prefixed with the rows
    it concerns; issues without a row keep their own line."""
    order: list = []
    rows: dict = {}
    for i in issues:
        field = t_lang(lang, "field." + i.field) if i.field else None
        key = (field, i.message(lang))
        if key not in rows:
            rows[key] = []
            order.append(key)
        if i.row is not None:
            rows[key].append(i.row)
    out = []
    for field, message in order:
        where = []
        rs = rows[(field, message)]
        if rs:
            n = len(set(rs))
            where.append(t_lang(lang, "report.val.row" if n == 1 else "report.val.rows", rows=row_ranges(rs)))
        if field:
            where.append(t_lang(lang, "val.loc.field", field=field))
        out.append(f"{', '.join(where)}: {message}" if where else message)
    return out


def grouped_notes(journal, lang: str) -> list[tuple[str, list[str]]]:
    """(group title with its count of notes, grouped lines) for every non-empty group."""
    used: set = set()
    out = []
    for title_key, codes in GROUPS:
        if codes is None:
            items = [i for i in journal if i.is_error]
        elif codes == "other":
            items = [i for i in journal if id(i) not in used]
        else:
            items = [i for i in journal if i.code in codes]
        used.update(id(i) for i in items)
        if not items:
            continue
        lines = group_lines(items, lang)
        if len(lines) > MAX_LINES:
            lines = lines[:MAX_LINES] + [t_lang(lang, "report.val.more", count=len(lines) - MAX_LINES)]
        out.append((t_lang(lang, title_key, count=len(items)), lines))
    return out
