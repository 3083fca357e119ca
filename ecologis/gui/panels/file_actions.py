"""File actions for the main window: open/save profiles, recent files, drag-and-drop
classification, export, the PDF report and the re-assessment notice.

Each function shows its own dialogs and message boxes and returns ``None`` when the
user cancels or the operation fails (the message has been shown); nothing the user
has is modified by a failed operation.  ``path=`` skips the file picker (tests,
drag-and-drop, Recent menu).  ``report=`` replaces the warning box by a callback
``report(message)`` (the main window shows errors in its own way).

This is the one implementation of opening, saving and the recent-files list: the main
window calls it too.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from ecologis.i18n import t, translator
from ecologis.session import add_recent, recent_profiles  # noqa: F401  (the window lists them)
from ecologis.io.export import FORMATS, ExportError, export_file, format_for_path
from ecologis.io.profile import Project, ProfileError, load_profile, reassess, save_profile

PROFILE_EXTS = (".json", ".ecologis")
TABLE_EXTS = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
_FILTER_PATTERNS = {"csv": "*.csv", "xlsx": "*.xlsx", "json": "*.json", "geojson": "*.geojson", "kml": "*.kml",
                    "pdf": "*.pdf"}


def _filter(fmt: str) -> str:
    """One file-dialog filter, its label from locales: "CSV (*.csv)"."""
    return f"{t('gui.file.filter.' + fmt)} ({_FILTER_PATTERNS[fmt]})"


def profile_filter() -> str:
    """The file-dialog filter of profiles (open and save accept the same extensions)."""
    pats = " ".join("*" + e for e in PROFILE_EXTS)
    return f"{t('io.gui.filter.profiles')} ({pats});;{t('gui.file.filter.all')} (*)"


def _warn(parent, title: str, message: str, report) -> None:
    if report is not None:
        report(message)
    else:
        QMessageBox.warning(parent, title, message)


def ask_open_path(parent) -> str | None:
    """File ▸ Open picker; ``None`` when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, t("io.gui.open_profile"), "", profile_filter())
    return path or None


def ask_save_path(parent, path: str | Path | None = None) -> str | None:
    """File ▸ Save As picker; a name without extension gets ``.json``.  ``None`` when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, t("io.gui.save_profile"), str(path or ""), profile_filter())
    if not path:
        return None
    if not Path(path).suffix:
        path = str(path) + ".json"
    return str(path)


def classify_drop(path: str | Path) -> str | None:
    """"profile", "table" or None for a file dropped on the window.  A ``.json`` is a
    profile if it says ``"kind": "ecologis-profile"``, else a table (list of rows)."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext in TABLE_EXTS:
        return "table"
    if ext in PROFILE_EXTS:
        try:
            with open(p, "rb") as fh:
                head = fh.read(4096).decode("utf-8", "replace")
        except OSError:
            return None
        return "profile" if "ecologis-profile" in head or '"schema_version"' in head else "table"
    return None


def open_profile_dialog(parent, path: str | Path | None = None, report=None,
                        show_notice: bool = True) -> tuple[Project, Path] | None:
    """File ▸ Open.  Shows the validation message (naming the field) on failure and the
    migration / read-only notice on success (unless ``show_notice`` is false: the
    caller shows ``prof.notice_message()`` itself)."""
    if path is None:
        path = ask_open_path(parent)
        if not path:
            return None
    try:
        prof = load_profile(path)
    except ProfileError as e:
        _warn(parent, t("io.gui.open_profile"), e.message(), report)
        return None
    if prof.notice and show_notice:
        QMessageBox.information(parent, t("io.gui.open_profile"), prof.notice_message())
    add_recent(path)
    return prof, Path(path)


def save_profile_dialog(parent, profile: Project, path: str | Path | None = None, save_as: bool = False,
                        report=None) -> Path | None:
    """File ▸ Save / Save As.  Atomic, keeps ``<name>.bak``; refuses read-only profiles."""
    if path is None or save_as:
        path = ask_save_path(parent, path)
        if not path:
            return None
    try:
        save_profile(profile, path)
    except ProfileError as e:
        _warn(parent, t("io.gui.save_profile"), e.message(), report)
        return None
    except OSError as e:
        _warn(parent, t("io.gui.save_profile"),
              t("io.cli.write_failed", path=str(path), detail=e.strerror or str(e)), report)
        return None
    add_recent(path)
    return Path(path)


def reassess_notice(parent, profile: Project, dictionary=None, presets=None, show: bool = True):
    """Assess a freshly opened profile again; if the result differs from the last stored
    one, show old vs new КНП and category (history is not modified).  Returns the
    :class:`~ecologis.io.profile.Reassessment` (``None`` if the preset is unknown)."""
    try:
        r = reassess(profile, dictionary, presets)
    except KeyError:
        return None
    if show and r.changed:
        QMessageBox.information(parent, t("io.gui.reassess.title"), r.message())
    return r


def export_dialog(parent, profile: Project, result, path: str | Path | None = None, fmt: str | None = None,
                  lang: str | None = None) -> Path | None:
    """File ▸ Export: CSV, XLSX, JSON, GeoJSON or KML (format from the chosen filter or extension)."""
    lang = lang or translator.lang
    if path is None:
        labels = {f: _filter(f) for f in FORMATS}
        filters = ";;".join(labels.values())
        path, chosen = QFileDialog.getSaveFileName(parent, t("io.gui.export"), "", filters)
        if not path:
            return None
        fmt = fmt or format_for_path(path) or next((f for f, flt in labels.items() if flt == chosen), None)
        if fmt and not format_for_path(path):
            path = f"{path}.{fmt}"
    fmt = fmt or format_for_path(path)
    if fmt is None:
        QMessageBox.warning(parent, t("io.gui.export"), t("io.cli.export.no_format", path=str(path)))
        return None
    try:
        return export_file(fmt, profile, result, path, lang)
    except ExportError as e:
        QMessageBox.warning(parent, t("io.gui.export"), e.message())
    except OSError as e:
        QMessageBox.warning(parent, t("io.gui.export"), t("io.cli.write_failed", path=str(path), detail=e.strerror or str(e)))
    return None


def report_dialog(parent, assessment, path: str | Path | None = None, lang: str | None = None) -> Path | None:
    """File ▸ Export report…: the report of ``assessment`` (:class:`ecologis.pipeline.Assessment`)
    in the UI language (or ``lang``), as PDF or as a Word document (chosen in the dialog or
    by the extension of ``path``)."""
    from ecologis.report.pdf_report import write_report

    lang = lang or translator.lang
    if path is None:
        pdf = f"{t('report.gui.filter.pdf')} (*.pdf)"
        docx = f"{t('report.gui.filter.docx')} (*.docx)"
        path, chosen = QFileDialog.getSaveFileName(parent, t("report.gui.title"), "", f"{pdf};;{docx}")
        if not path:
            return None
        ext = ".docx" if chosen == docx else ".pdf"
        if not path.lower().endswith((".pdf", ".docx")):
            path += ext
    try:
        return write_report(path, assessment, lang)
    except OSError as e:
        QMessageBox.warning(parent, t("report.gui.title"), t("io.cli.write_failed", path=str(path), detail=e.strerror or str(e)))
    return None


