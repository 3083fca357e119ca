"""The entry of emissions: the top bar (substance search, mass, unit, Add, Delete),
the table's selection and unit switch, the coordinates fields and the journal's row links.

A mixin of :class:`ecologis.gui.main_window.MainWindow`: views only, the state is the
session's (``self.wb``).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (QComboBox, QStyledItemDelegate)

from ecologis.core.units import UNITS
from ecologis.gui.models.journal_model import ROW_ROLE as JOURNAL_ROW_ROLE
from ecologis.gui.models.emissions_model import fmt_number, unit_label
from ecologis.i18n import t, translator
from ecologis.session import EditRefused


class UnitDelegate(QStyledItemDelegate):
    """Combo editor for the unit column (the unit the mass was entered in)."""

    def createEditor(self, parent, option, index):
        cb = QComboBox(parent)
        for u in UNITS:
            cb.addItem(unit_label(u), u)
        return cb

    def setEditorData(self, editor, index):
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.EditRole))))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.EditRole)




class EntryBarMixin:
    # ================================================================== top bar
    def _fill_combo(self, *_):
        text = self.search.text()
        subs = self.wb.dictionary.search(text) if text.strip() else sorted(
            self.wb.dictionary, key=lambda s: s.name(translator.lang).casefold())
        previews = self.wb.preview_gdks(subs)
        cur = self.combo.currentData()
        self.combo.blockSignals(True)
        self.combo.clear()
        lang = translator.lang
        for s, (gdk, kind) in zip(subs, previews):
            cls = str(s.hazard_class) if s.hazard_class else "—"
            if kind == "none" or math.isnan(gdk):
                label = t("gui.combo.item_nogdk", name=s.name(lang), cls=cls)
            else:
                label = t("gui.combo.item", name=s.name(lang), cls=cls, gdk=fmt_number(gdk), kind=t("gdk_kind." + kind))
            self.combo.addItem(label, s.id)
        i = self.combo.findData(cur)
        self.combo.setCurrentIndex(i if i >= 0 else (0 if self.combo.count() else -1))
        self.combo.blockSignals(False)

    def _set_message(self, text: str, mass_invalid: bool = True) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.mass.setProperty("invalid", bool(text) and mass_invalid)
        self.mass.style().polish(self.mass)

    def add_current(self) -> bool:
        """Add the combo's substance with the typed mass; False (and a message) if refused."""
        sid = self.combo.currentData()
        if sid is None or self.wb.dictionary.get(sid) is None:
            self._set_message(t("val.E_SUBSTANCE_UNKNOWN", value=self.search.text().strip()))
            return False
        try:
            row = self.wb.add_row(self.wb.dictionary.get(sid), self.mass.text(), self.wb.display_unit)
        except EditRefused as p:
            self._set_message(p.message())
            self.mass.setToolTip(p.message())
            return False
        self._set_message("")
        self.mass.setToolTip(t("gui.mass.tip"))
        self.mass.setText("")       # also forgets the typing: Ctrl+Z now undoes the addition
        self.select_rows([row])
        return True

    def selected_rows(self) -> list[int]:
        rows = {self.proxy.mapToSource(ix).row() for ix in self.table.selectionModel().selectedRows()}
        return sorted(rows)

    def select_rows(self, rows: list[int]) -> None:
        sm = self.table.selectionModel()
        sm.clearSelection()
        for r in rows:
            ix = self.proxy.mapFromSource(self.model.index(r, 0))
            if ix.isValid():
                sm.select(ix, QItemSelectionModel.Select | QItemSelectionModel.Rows)
                self.table.scrollTo(ix)
                sm.setCurrentIndex(ix, QItemSelectionModel.NoUpdate)

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.wb.delete_rows(rows)

    def _on_unit_switch(self, _i) -> None:
        u = self.unit.currentData()
        if u:
            self.wb.set_display_unit(u)

    def _on_coords_edited(self, *_):
        self.wb.set_location(self.lat.value(), self.lon.value())
        self.map.center_on_enterprise()     # typed coordinates: show where they are

    def _on_marker_moved(self, lat: float, lon: float) -> None:
        self.wb.set_location(lat, lon)

    def _on_journal_click(self, index: QModelIndex) -> None:
        row = index.data(JOURNAL_ROW_ROLE)
        if row is not None and 1 <= int(row) <= self.wb.row_count():
            self.tabs.setCurrentIndex(0)
            self.select_rows([int(row) - 1])
        issues = self.journal_model.issues
        issue = issues[index.row()] if 0 <= index.row() < len(issues) else None
        if issue is not None and issue.code == "W_SUBSTANCE_FROM_ROW":
            self._offer_row_substance(issue)

    def _offer_row_substance(self, issue) -> None:
        """A substance the dictionary lacks, assessed with its row's values: offer to add it
        to the user dictionary with those values."""
        index = next((i for i, r in enumerate(self.wb.emissions.column("row")) if (r or i + 1) == issue.row), None)
        rec = None if index is None else self.wb.row_substance_record(index)
        if rec is None:
            return
        if self._ask("add_row_substance", name=rec["name_uk"]):
            if self.wb.add_row_substance(index):
                self.statusBar().showMessage(t("gui.journal.added_substance", name=rec["name_uk"]), 10000)

