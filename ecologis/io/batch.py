"""Batch assessment of a folder of profiles and tables (``ecologis-cli batch``).

One row per file: КНП, category, СЗЗ, dominant substance, warnings count and the
error (a file that cannot be read, or rows with validation errors, counts as failed).
Profiles use their own preset and duplicate rule; tables use the default preset and
sum repeated substances.  Nothing in the folder is modified.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ecologis.i18n import t_lang

TABLE_EXTS = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
PROFILE_EXTS = (".json", ".ecologis")


@dataclass
class BatchRow:
    file: str
    kind: str = ""            # "profile" | "table"
    enterprise: str = ""
    knp: float | None = None
    category: str = ""
    szz_m: float | None = None
    dominant: str = ""
    warnings: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.errors)


def batch_files(folder: str | Path) -> list[Path]:
    """Profiles and tables directly in ``folder`` (sorted by name; hidden files and the
    profile backups ``*.bak`` skipped)."""
    out = []
    for p in sorted(Path(folder).iterdir(), key=lambda x: x.name):
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in TABLE_EXTS + PROFILE_EXTS:
            out.append(p)
    return out


def load_any(path: Path, dictionary):
    """(Project, kind) for a profile or a table file.  Raises TableReadError/ProfileError."""
    from ecologis.io.emissions_table import read_emissions
    from ecologis.io.profile import Project, load_profile

    if path.suffix.lower() in PROFILE_EXTS:
        return load_profile(path), "profile"
    table = read_emissions(path, dictionary)
    prof = Project()
    prof.emissions = table.emissions
    return prof, "table"


def assess_file(path: Path, dictionary, presets: dict, lang: str = "uk") -> BatchRow:
    from ecologis.io.emissions_table import TableReadError
    from ecologis.io.profile import ProfileError, assess_project

    row = BatchRow(path.name)
    try:
        prof, kind = load_any(path, dictionary)
    except (TableReadError, ProfileError) as e:
        row.errors.append(e.message(lang))
        return row
    row.kind = kind
    row.enterprise = prof.enterprise.name
    if prof.preset not in presets:
        row.errors.append(t_lang(lang, "io.batch.unknown_preset", preset=prof.preset))
        return row
    res = assess_project(prof, dictionary, presets, file=path.name, dispersion=False).result
    row.knp = float(res.knp)
    row.category = res.category
    row.szz_m = float(res.szz_m)
    dom = res.dominant_substances()
    row.dominant = dom[0].name(lang) if dom else ""
    row.warnings = len([i for i in res.journal if i.severity == "warning"])
    row.errors = [i.located_message(lang) for i in res.errors]
    return row


def summary_xlsx_bytes(rows: list[BatchRow], lang: str = "uk") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ecologis.io.cells import xlsx_append_row

    wb = Workbook()
    ws = wb.active
    ws.title = t_lang(lang, "io.batch.sheet")[:31]
    cols = ("file", "kind", "enterprise", "knp", "category", "szz", "dominant", "warnings", "errors", "error")
    xlsx_append_row(ws, [t_lang(lang, "io.batch.col." + c) for c in cols])
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        xlsx_append_row(ws, [r.file, t_lang(lang, "io.batch.kind." + r.kind) if r.kind else "", r.enterprise, r.knp, r.category,
                   r.szz_m, r.dominant, r.warnings, len(r.errors), "\n".join(r.errors)[:32000]])
        k = ws.max_row
        if r.knp is not None:
            ws.cell(row=k, column=4).number_format = "#,##0.000"
            ws.cell(row=k, column=6).number_format = "0"
    for letter, w in zip("ABCDEFGHIJ", (28, 10, 36, 14, 10, 8, 32, 12, 10, 80)):
        ws.column_dimensions[letter].width = w
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
