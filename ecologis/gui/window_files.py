"""File operations of the main window: new, open, save, import, export, report, recent
profiles, drag and drop, and the questions asked before changes are lost.

A mixin of :class:`ecologis.gui.main_window.MainWindow`: views only, the state is the
session's (``self.wb``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from ecologis.model import Enterprise
from ecologis.gui.map.map_view import DEFAULT_CENTER
from ecologis.gui.panels import file_actions
from ecologis.gui.panels.import_preview import run_import_dialog
from ecologis.i18n import t
from ecologis.io.profile import Project, ProfileError, load_profile
from ecologis.paths import DEMO_PROFILE



class FilesMixin:
    # ================================================================== files
    def _ask(self, kind: str, **kw):
        if self._prompt is not None:
            return self._prompt(kind, **kw)
        if kind == "add_row_substance":
            return QMessageBox.question(self, t("gui.journal.add_substance_title"),
                                        t("gui.journal.add_substance_text", name=kw["name"])) == QMessageBox.Yes
        if kind == "recover":
            box = QMessageBox(QMessageBox.Question, t("gui.recover.title"), t("gui.recover.text"), parent=self)
            b_yes = box.addButton(t("gui.recover.yes"), QMessageBox.AcceptRole)
            box.addButton(t("gui.recover.no"), QMessageBox.RejectRole)
            box.setDefaultButton(b_yes)
            box.exec()
            return box.clickedButton() is b_yes
        if kind == "unsaved":
            box = QMessageBox(QMessageBox.Warning, t("gui.unsaved.title"), t("gui.unsaved.text"), parent=self)
            b_save = box.addButton(t("gui.unsaved.save"), QMessageBox.AcceptRole)
            b_discard = box.addButton(t("gui.unsaved.discard"), QMessageBox.DestructiveRole)
            box.addButton(t("gui.unsaved.cancel"), QMessageBox.RejectRole)
            box.exec()
            return "save" if box.clickedButton() is b_save else ("discard" if box.clickedButton() is b_discard else "cancel")
        if kind in ("reassess", "info"):
            box = QMessageBox(QMessageBox.Information, t("io.gui.reassess.title") if kind == "reassess" else "EcologIS",
                              kw.get("text", ""), parent=self)
            box.addButton(t("gui.close"), QMessageBox.AcceptRole)
            box.exec()
            return None
        if kind == "error":
            box = QMessageBox(QMessageBox.Warning, t("gui.error.title"), kw.get("text", ""), parent=self)
            box.addButton(t("gui.close"), QMessageBox.AcceptRole)
            box.exec()
            return None
        return None

    def _maybe_keep_changes(self) -> bool:
        """True when it is fine to replace/close the current work (saved or discarded)."""
        if not self.wb.dirty and not self.panels_changed():
            return True
        ans = self._ask("unsaved")
        if ans == "save":
            return self.file_save()
        return ans == "discard"

    def file_new(self) -> bool:
        if not self._maybe_keep_changes():
            return False
        self.wb.load(Project(enterprise=Enterprise(lat=DEFAULT_CENTER[0], lon=DEFAULT_CENTER[1])))
        return True

    def load_demo(self) -> None:
        try:
            self.wb.load(load_profile(DEMO_PROFILE))
            self.wb.file_path = None
            self._update_stack()
        except ProfileError as e:
            self._ask("error", text=e.message())

    def file_open(self) -> None:
        path = file_actions.ask_open_path(self)
        if path:
            self.open_path(path)

    def _report_error(self, message: str) -> None:
        """An operation failed: the message line and the error box (prompt in tests)."""
        self._set_message(message, mass_invalid=False)
        self._ask("error", text=message)

    def open_path(self, path: str | Path, ask: bool = True) -> bool:
        """Open a profile (also for drag-and-drop); False with a message if it cannot be read."""
        if ask and not self._maybe_keep_changes():
            return False
        opened = file_actions.open_profile_dialog(self, path, report=self._report_error, show_notice=False)
        if opened is None:
            return False
        prof, path = opened          # also added to the recent files
        self.wb.load(prof, path)
        self._fill_recent()
        self._update_stack()
        self.last_reassessment = None
        if prof.history:
            r = file_actions.reassess_notice(self, prof, self.wb.dictionary, self.wb.presets, show=False)
            self.last_reassessment = r
            if r is not None and r.changed:
                self._ask("reassess", text=r.message())
        notice = prof.notice_message() if hasattr(prof, "notice_message") else None
        if getattr(prof, "read_only", False):
            notice = t("profile.error.read_only")
        self.statusBar().showMessage(notice or t("gui.status.opened", file=Path(path).name), 10000)
        return True

    def file_save(self) -> bool:
        if self.wb.file_path is None:
            return self.file_save_as()
        return self.save_to(self.wb.file_path)

    def file_save_as(self) -> bool:
        path = file_actions.ask_save_path(self, self.wb.file_path)
        if not path:
            return False
        return self.save_to(path)

    def _record_history(self) -> None:
        """Add an assessment to the profile's history when its inputs or result changed
        since the last entry (issue 4)."""
        from ecologis.io.profile import history_entry, record_assessment

        res = self.wb.result
        prof = self.wb.profile
        if res is None or res.knp <= 0 or getattr(prof, "read_only", False):
            return
        entry = history_entry(prof, res)
        prev = prof.history[-1] if prof.history else None
        same = prev is not None and all(prev.get(k) == entry[k] for k in
                                        ("inputs_hash", "preset_hash", "dictionary_hash", "knp", "category", "szz_m"))
        if not same:
            record_assessment(prof, res)

    def save_to(self, path: str | Path) -> bool:
        self._store_panel_states(baseline=True)
        hist_len = len(self.wb.profile.history)
        self._record_history()
        saved = file_actions.save_profile_dialog(self, self.wb.profile, path, report=self._report_error)
        if saved is None:
            del self.wb.profile.history[hist_len:]      # a failed save changes nothing
            return False
        self.wb.file_path = saved
        self.wb.mark_clean()
        self._fill_recent()
        return True

    def import_table(self, path: str | Path | None = None) -> bool:
        """File ▸ Import table: the profiles area's preview dialog; the confirmed rows
        are appended as one undoable command."""
        accepted = run_import_dialog(self, self.wb.dictionary, path)
        if accepted is None:
            return False
        if accepted.added_substances:
            self.wb.dictionary_changed(recalculate=False)   # import_rows prepares the rows once
        self.wb.import_rows(accepted.emissions, accepted.duplicates)
        return True

    def export_to(self, path: str | Path | None = None, fmt: str | None = None):
        if self.wb.result is None:
            return None
        return file_actions.export_dialog(self, self.wb.profile, self.wb.assessment(dispersion=False), path, fmt)

    def report_to(self, path: str | Path | None = None):
        if self.wb.result is None:
            return None
        self._store_panel_states()          # what the panels hold is part of the project
        return file_actions.report_dialog(self, self.wb.assessment(), path)

    # -- drag and drop: profiles open, tables import ---------------------------------
    def dragEnterEvent(self, ev):
        if ev.mimeData().hasUrls() and any(u.isLocalFile() for u in ev.mimeData().urls()):
            ev.acceptProposedAction()
        else:
            super().dragEnterEvent(ev)

    def dropEvent(self, ev):
        paths = [u.toLocalFile() for u in ev.mimeData().urls() if u.isLocalFile()]
        if not paths:
            return super().dropEvent(ev)
        ev.acceptProposedAction()
        self.open_dropped(paths[0])

    def open_dropped(self, path: str | Path) -> bool:
        """A dropped file: a profile is opened, an emissions table imported."""
        kind = file_actions.classify_drop(path)
        if kind == "profile":
            return self.open_path(path)
        if kind == "table":
            return self.import_table(path)
        self._set_message(t("gui.msg.drop_unknown", file=Path(path).name), mass_invalid=False)
        return False

    # -- recent files: one list, the profiles area's (user config recent_profiles.json) --
    @property
    def recent(self) -> list[str]:
        return file_actions.recent_profiles()

    def _migrate_recent(self, old) -> None:
        """Sessions before the lists were unified kept their own list: merge it once."""
        if not isinstance(old, list) or file_actions.recent_profiles():
            return
        for p in reversed([p for p in old if isinstance(p, str)][:file_actions.MAX_RECENT]):
            file_actions.add_recent(p)

    def _fill_recent(self) -> None:
        self.menu_recent.clear()
        items = file_actions.recent_profiles()          # the file is read once
        for p in items:
            self.menu_recent.addAction(p, lambda _=False, path=p: self.open_path(path))
        self.menu_recent.setEnabled(bool(items))

