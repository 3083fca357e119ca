"""GUI panel: identification of a high-hazard object (ОПН) and its register record.

Thin view over :mod:`ecologis.core.hazard_identification` — the widget parses what the
user typed and shows what the core computed; it does no arithmetic of its own.
Run standalone with ``python -m ecologis.gui.panels.hazard_identification_panel``.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecologis.core.hazard_identification import (
    EVENT_TYPES,
    RegisteredEnterprise,
    HazardObject,
    RegisterEvent,
    build_register_record,
    identify,
)
from ecologis.core.hazard_identification.display import fmt
from ecologis.core.hazard_identification.inventory import InventoryError, inventory_from_records
from ecologis.model.problems import Problem
from ecologis.core.hazard_identification.model import RegisterEventError
from ecologis.core.numbers import parse_number
from ecologis.i18n import t, translator
from ecologis.io.atomic import atomic_write_text
from ecologis.io.inventory_table import read_inventory
from ecologis.io.reference_data import threshold_tables

INVENTORY_COLUMNS = ("name", "cas", "categories", "quantity_t", "named_entry")
INVENTORY_HEADERS = ("opn.table.name", "opn.table.cas", "opn.table.categories", "opn.table.quantity", "opn.table.named_entry")
SOURCE_COLUMNS = ("name", "kind", "quantity", "length_m", "characteristics")
SOURCE_HEADERS = ("opn.source.name", "opn.source.kind", "opn.source.quantity", "opn.source.length_m", "opn.source.characteristics")
EVENT_COLUMNS = ("type", "date", "note", "registry_number")
EVENT_HEADERS = ("opn.event.type", "opn.event.date", "opn.event.note", "opn.field.registry_number")
ENTERPRISE_FIELDS = ("name", "legal_address", "edrpou", "rnokpp", "passport", "kved")
ENTERPRISE_LABELS = ("opn.field.enterprise_name", "opn.field.legal_address", "opn.field.edrpou", "opn.field.rnokpp", "opn.field.passport", "opn.field.kved")
OBJECT_FIELDS = ("name", "address", "commissioning_date", "area_m2", "documents", "safety_audit", "insurance")
OBJECT_LABELS = ("opn.field.object_name", "opn.field.address", "opn.field.commissioning_date", "opn.field.area_m2", "opn.field.documents", "opn.field.safety_audit", "opn.field.insurance")


class RowsModel(QAbstractTableModel):
    """Table of dict rows with string cells; headers are translation keys."""

    def __init__(self, columns, header_keys, editable: bool = True, parent=None):
        super().__init__(parent)
        self.columns = tuple(columns)
        self.header_keys = tuple(header_keys)
        self.editable = editable
        self.rows: list[dict[str, str]] = []
        self.display = None  # optional callable(column, value) -> shown text

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        value = self.rows[index.row()].get(self.columns[index.column()], "")
        if role == Qt.DisplayRole:
            return self.display(self.columns[index.column()], value) if self.display else value
        if role == Qt.EditRole:
            return value
        return None

    def setData(self, index, value, role=Qt.EditRole):  # noqa: N802
        if role != Qt.EditRole or not index.isValid():
            return False
        self.rows[index.row()][self.columns[index.column()]] = "" if value is None else str(value)
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index):
        f = Qt.ItemIsSelectable | Qt.ItemIsEnabled
        return f | Qt.ItemIsEditable if self.editable else f

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            return t(self.header_keys[section]) if section < len(self.header_keys) else None
        return str(section + 1)

    def set_rows(self, rows):
        self.beginResetModel()
        self.rows = [{c: "" if r.get(c) is None else str(r.get(c)) for c in self.columns} for r in rows]
        self.endResetModel()

    def add_row(self, row: dict | None = None):
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append({c: str((row or {}).get(c, "") or "") for c in self.columns})
        self.endInsertRows()

    def remove_rows(self, indices):
        for i in sorted(set(indices), reverse=True):
            if 0 <= i < len(self.rows):
                self.beginRemoveRows(QModelIndex(), i, i)
                del self.rows[i]
                self.endRemoveRows()

    def retranslate(self):
        self.headerDataChanged.emit(Qt.Horizontal, 0, max(0, len(self.columns) - 1))
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))


_fmt = fmt


class HazardIdentificationPanel(QWidget):
    """Object and inventory editor, identification result, register record and events."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._result = None
        self._items = []
        self._message: tuple[str, dict] | None = None
        self._errors: list[Problem] = []

        self.tabs = QTabWidget(self)
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs)
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        outer.addWidget(self.message_label)

        # --- tab 1: enterprise and object ------------------------------------------
        tab_obj = QWidget()
        v = QVBoxLayout(tab_obj)
        self.enterprise_box = QGroupBox()
        self.enterprise_form = QFormLayout(self.enterprise_box)
        self.enterprise_edits = {f: QLineEdit() for f in ENTERPRISE_FIELDS}
        self.enterprise_labels = {f: QLabel() for f in ENTERPRISE_FIELDS}
        for f in ENTERPRISE_FIELDS:
            self.enterprise_form.addRow(self.enterprise_labels[f], self.enterprise_edits[f])
        self.object_box = QGroupBox()
        self.object_form = QFormLayout(self.object_box)
        self.object_edits = {f: QLineEdit() for f in OBJECT_FIELDS}
        self.object_labels = {f: QLabel() for f in OBJECT_FIELDS}
        for f in OBJECT_FIELDS:
            self.object_form.addRow(self.object_labels[f], self.object_edits[f])
        self.sources_box = QGroupBox()
        sv = QVBoxLayout(self.sources_box)
        self.sources_model = RowsModel(SOURCE_COLUMNS, SOURCE_HEADERS, parent=self)
        self.sources_view = self._view(self.sources_model)
        sv.addWidget(self.sources_view)
        sh = QHBoxLayout()
        self.add_source_btn = QPushButton()
        self.remove_source_btn = QPushButton()
        self.add_source_btn.clicked.connect(lambda: self.sources_model.add_row())
        self.remove_source_btn.clicked.connect(lambda: self.sources_model.remove_rows(self._selected(self.sources_view)))
        sh.addWidget(self.add_source_btn)
        sh.addWidget(self.remove_source_btn)
        sh.addStretch(1)
        sv.addLayout(sh)
        v.addWidget(self.enterprise_box)
        v.addWidget(self.object_box)
        v.addWidget(self.sources_box)
        self.tabs.addTab(tab_obj, "")

        # --- tab 2: inventory and identification --------------------------------------
        tab_inv = QWidget()
        v = QVBoxLayout(tab_inv)
        self.inventory_box = QGroupBox()
        iv = QVBoxLayout(self.inventory_box)
        self.inventory_model = RowsModel(INVENTORY_COLUMNS, INVENTORY_HEADERS, parent=self)
        self.inventory_view = self._view(self.inventory_model)
        iv.addWidget(self.inventory_view)
        ih = QHBoxLayout()
        self.add_row_btn = QPushButton()
        self.remove_row_btn = QPushButton()
        self.import_btn = QPushButton()
        self.run_btn = QPushButton()
        self.add_row_btn.clicked.connect(lambda: self.inventory_model.add_row())
        self.remove_row_btn.clicked.connect(lambda: self.inventory_model.remove_rows(self._selected(self.inventory_view)))
        self.import_btn.clicked.connect(self._on_import_clicked)
        self.run_btn.clicked.connect(self.run_identification)
        for b in (self.add_row_btn, self.remove_row_btn, self.import_btn):
            ih.addWidget(b)
        ih.addStretch(1)
        ih.addWidget(self.run_btn)
        iv.addLayout(ih)
        v.addWidget(self.inventory_box, 2)
        self.result_box = QGroupBox()
        rv = QVBoxLayout(self.result_box)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        rv.addWidget(self.result_label)
        calc_cols = ("row", "name", "categories", "quantity_t", "excluded", "q2", "q1", "r2", "r1", "H", "P", "E", "O")
        calc_heads = ("opn.table.row", "opn.table.name", "opn.table.categories", "opn.table.quantity", "opn.table.excluded",
                      "opn.table.q2", "opn.table.q1", "opn.table.r2", "opn.table.r1", "opn.table.col_H", "opn.table.col_P", "opn.table.col_E", "opn.table.col_O")
        self.calc_model = RowsModel(calc_cols, calc_heads, editable=False, parent=self)
        self.calc_view = self._view(self.calc_model)
        self.calc_view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        rv.addWidget(self.calc_view)
        self.sums_label = QLabel()
        self.sums_label.setWordWrap(True)
        rv.addWidget(self.sums_label)
        v.addWidget(self.result_box, 3)
        self.tabs.addTab(tab_inv, "")

        # --- tab 3: register -----------------------------------------------------------------
        tab_reg = QWidget()
        v = QVBoxLayout(tab_reg)
        form = QFormLayout()
        self.registry_label = QLabel()
        self.registry_edit = QLineEdit()
        form.addRow(self.registry_label, self.registry_edit)
        v.addLayout(form)
        self.events_box = QGroupBox()
        ev = QVBoxLayout(self.events_box)
        self.events_model = RowsModel(EVENT_COLUMNS, EVENT_HEADERS, editable=False, parent=self)
        self.events_model.display = lambda col, val: t(f"opn.event.{val}") if col == "type" and val else val
        self.events_view = self._view(self.events_model)
        ev.addWidget(self.events_view)
        eh = QHBoxLayout()
        self.event_type_combo = QComboBox()
        self.event_date_edit = QLineEdit(_dt.date.today().isoformat())
        self.event_note_edit = QLineEdit()
        self.add_event_btn = QPushButton()
        self.remove_event_btn = QPushButton()
        self.add_event_btn.clicked.connect(self._on_add_event_clicked)
        self.remove_event_btn.clicked.connect(lambda: self.events_model.remove_rows(self._selected(self.events_view)))
        for w in (self.event_type_combo, self.event_date_edit, self.event_note_edit, self.add_event_btn, self.remove_event_btn):
            eh.addWidget(w)
        ev.addLayout(eh)
        v.addWidget(self.events_box)
        bh = QHBoxLayout()
        self.export_btn = QPushButton()
        self.pdf_btn = QPushButton()
        self.export_btn.clicked.connect(self._on_export_clicked)
        self.pdf_btn.clicked.connect(self._on_pdf_clicked)
        bh.addWidget(self.export_btn)
        bh.addWidget(self.pdf_btn)
        bh.addStretch(1)
        v.addLayout(bh)
        v.addStretch(1)
        self.tabs.addTab(tab_reg, "")

        cb = self._on_language_changed
        translator.subscribe(cb)
        self.destroyed.connect(lambda *_: translator.unsubscribe(cb))
        self.retranslate()

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _view(model) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectRows)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    @staticmethod
    def _selected(view) -> list[int]:
        return [i.row() for i in view.selectionModel().selectedRows()]

    def _on_language_changed(self, _lang):
        self.retranslate()

    def _set_message(self, key: str | None, error: bool = False, **kw):
        self._message = (key, kw, error) if key else None
        self._render_message()

    def _render_message(self):
        lines = []
        error = False
        if self._message:
            key, kw, error = self._message
            lines.append(t(key, **{k: v.message() if callable(getattr(v, "message", None)) else v
                                   for k, v in kw.items()}))
        lines += [p.message() for p in self._errors]
        error = error or bool(self._errors)
        self.message_label.setObjectName("inlineError" if error else "")   # coloured by the theme
        self.message_label.style().unpolish(self.message_label)
        self.message_label.style().polish(self.message_label)
        self.message_label.setText("\n".join(lines))

    # ------------------------------------------------------------------ translation
    def retranslate(self) -> None:
        self.tabs.setTabText(0, t("opn.gui.object"))
        self.tabs.setTabText(1, t("opn.gui.inventory"))
        self.tabs.setTabText(2, t("opn.gui.events"))
        self.enterprise_box.setTitle(t("opn.gui.enterprise"))
        self.object_box.setTitle(t("opn.gui.object"))
        self.object_edits["commissioning_date"].setPlaceholderText(t("opn.gui.date_placeholder"))
        self.sources_box.setTitle(t("opn.gui.hazard_sources"))
        self.inventory_box.setTitle(t("opn.gui.inventory"))
        self.result_box.setTitle(t("opn.gui.result"))
        self.events_box.setTitle(t("opn.gui.events"))
        for f, key in zip(ENTERPRISE_FIELDS, ENTERPRISE_LABELS):
            self.enterprise_labels[f].setText(t(key))
        for f, key in zip(OBJECT_FIELDS, OBJECT_LABELS):
            self.object_labels[f].setText(t(key))
        self.registry_label.setText(t("opn.field.registry_number"))
        for btn, key in (
            (self.add_source_btn, "opn.gui.add_row"), (self.remove_source_btn, "opn.gui.remove_row"),
            (self.add_row_btn, "opn.gui.add_row"), (self.remove_row_btn, "opn.gui.remove_row"),
            (self.import_btn, "opn.gui.import"), (self.run_btn, "opn.gui.run"),
            (self.add_event_btn, "opn.gui.add_event"), (self.remove_event_btn, "opn.gui.remove_event"),
            (self.export_btn, "opn.gui.export_json"), (self.pdf_btn, "opn.gui.print_pdf"),
        ):
            btn.setText(t(key))
        current = self.event_type_combo.currentData()
        self.event_type_combo.clear()
        for et in EVENT_TYPES:
            self.event_type_combo.addItem(t(f"opn.event.{et}"), et)
        if current:
            self.event_type_combo.setCurrentIndex(max(0, EVENT_TYPES.index(current)))
        self.event_date_edit.setToolTip(t("opn.event.date"))
        self.event_note_edit.setPlaceholderText(t("opn.event.note"))
        for m in (self.sources_model, self.inventory_model, self.calc_model, self.events_model):
            m.retranslate()
        self._render_result()
        self._render_message()

    # ------------------------------------------------------------------ model ↔ widgets
    def _enterprise(self) -> RegisteredEnterprise:
        d = {f: self.enterprise_edits[f].text().strip() for f in ENTERPRISE_FIELDS}
        return RegisteredEnterprise.from_dict(d)

    def _check_fields(self) -> bool:
        """Parse the typed object fields; on a bad date or number show which field and stop."""
        checks = [("opn.field.commissioning_date", self.object_edits["commissioning_date"].text().strip(), _dt.date.fromisoformat),
                  ("opn.field.area_m2", self.object_edits["area_m2"].text().strip(), _parse_number)]
        for r in self.sources_model.rows:
            checks.append(("opn.source.quantity", r.get("quantity", "").strip(), _parse_number))
            checks.append(("opn.source.length_m", r.get("length_m", "").strip(), _parse_number))
        for key, text, parse in checks:
            if not text:
                continue
            try:
                parse(text)
            except ValueError:
                self._set_message("opn.error.bad_field", error=True, field=t(key), value=text)
                return False
        return True

    def _object(self) -> HazardObject:
        d: dict[str, Any] = {f: self.object_edits[f].text().strip() for f in OBJECT_FIELDS}
        d["area_m2"] = _parse_number(d["area_m2"]) if d["area_m2"] else None
        d["hazard_sources"] = [
            {k: (_parse_number(v) if k in ("quantity", "length_m") and v.strip() else v) for k, v in r.items()} for r in self.sources_model.rows
        ]
        return HazardObject.from_dict(d)

    def _events(self) -> list[RegisterEvent]:
        return [RegisterEvent.from_dict(r) for r in self.events_model.rows]

    def state(self) -> dict:
        """Everything the user entered (for the profile); JSON-serialisable."""
        return {
            "format": "ecologis.opn.panel/1",
            "enterprise": {f: self.enterprise_edits[f].text() for f in ENTERPRISE_FIELDS},
            "object": {f: self.object_edits[f].text() for f in OBJECT_FIELDS},
            "hazard_sources": [dict(r) for r in self.sources_model.rows],
            "inventory": [dict(r) for r in self.inventory_model.rows],
            "registry_number": self.registry_edit.text(),
            "events": [dict(r) for r in self.events_model.rows],
        }

    def load_state(self, state: dict) -> None:
        """Restore :meth:`state` output (missing keys become empty)."""
        state = state or {}
        for f in ENTERPRISE_FIELDS:
            v = (state.get("enterprise") or {}).get(f, "")
            self.enterprise_edits[f].setText(", ".join(v) if isinstance(v, list) else str(v or ""))
        for f in OBJECT_FIELDS:
            v = (state.get("object") or {}).get(f, "")
            self.object_edits[f].setText("" if v is None else str(v))
        self.sources_model.set_rows(state.get("hazard_sources") or [])
        self.inventory_model.set_rows(state.get("inventory") or [])
        self.registry_edit.setText(str(state.get("registry_number", "") or ""))
        self.events_model.set_rows(state.get("events") or [])
        self._result = None
        self._errors = []
        self._message = None
        self.calc_model.set_rows([])
        self._render_result()
        self._render_message()

    # ------------------------------------------------------------------ actions
    def import_inventory(self, path) -> bool:
        """Load an inventory file into the table; on error the table is unchanged."""
        try:
            items = read_inventory(path)
        except InventoryError as exc:
            self._errors = exc.problems
            self._set_message("opn.gui.invalid", error=True)
            return False
        self._errors = []
        self.inventory_model.set_rows([it.to_dict() for it in items])
        self._set_message(None)
        return True

    def run_identification(self) -> bool:
        """Validate the inventory table and run the core identification."""
        try:
            items = inventory_from_records(self.inventory_model.rows, label=t("opn.gui.inventory_label"), tables=threshold_tables())
        except InventoryError as exc:
            self._errors = exc.problems
            self._result = None
            self.calc_model.set_rows([])
            self._set_message("opn.gui.invalid", error=True)
            self._render_result()
            return False
        self._errors = []
        self._items = items
        self._result = identify(items, tables=threshold_tables())
        self._set_message(None)
        self._render_result()
        return True

    @property
    def result(self):
        return self._result

    def _render_result(self):
        r = self._result
        if r is None:
            self.result_label.setText(t("opn.result.not_run"))
            self.sums_label.setText("")
            return
        cls = t("opn.result.class_n", klass=r.klass) if r.klass else t("opn.result.not_opn")
        lines = [
            f"<b>{t('opn.result.class_label')}:</b> {_esc(cls)}",
            f"<b>{t('opn.result.deciding_group')}:</b> {_esc(t('opn.group.' + r.deciding_group) if r.deciding_group else '—')}",
            f"<b>{t('opn.result.deciding_substance')}:</b> {_esc(r.deciding_substance or '—')}",
            f"<b>{t('opn.result.deciding_rule')}:</b> {_esc(t('opn.rule.' + r.deciding_rule) if r.deciding_rule else '—')}",
        ]
        self.result_label.setText("<br>".join(lines))
        rows = []
        for row in r.table():
            d = {
                "row": row["row"], "name": row["name"],
                "categories": ";".join(row["categories"]) + (f" [{row['named_entry']}]" if row["named_entry"] else ""),
                "quantity_t": _fmt(row["quantity_t"]), "excluded": t("opn.yes") if row["excluded"] else t("opn.no"),
                "q2": _fmt(row["threshold_class2_t"]), "q1": _fmt(row["threshold_class1_t"]),
                "r2": _fmt(row["ratio_class2"]), "r1": _fmt(row["ratio_class1"]),
            }
            for g in ("H", "P", "E", "O"):
                gd = row["groups"].get(g)
                d[g] = f"{_fmt(gd['ratio_class2'])} / {_fmt(gd['ratio_class1'])}" if gd else "—"
            rows.append(d)
        self.calc_model.set_rows(rows)
        o = r.section_o
        sums = [t("opn.result.sum_line", group=g, s2=_fmt(r.sums[g]["class2"]), s1=_fmt(r.sums[g]["class1"])) for g in ("H", "P", "E")]
        sums.append(t("opn.result.section_o_line", mass=_fmt(o["total_mass_t"]), q2=_fmt(o["threshold_class2_t"]), q1=_fmt(o["threshold_class1_t"]),
                      s2=_fmt(o["ratio_class2"]), s1=_fmt(o["ratio_class1"])))
        sums.append(t("opn.result.assumptions_note"))
        self.sums_label.setText("\n".join(sums))

    def add_event(self, event_type: str, date: str, note: str = "") -> bool:
        """Append a register event (p. 21) to the history; invalid type/date → message."""
        try:
            ev = RegisterEvent(event_type, date, note, self.registry_edit.text().strip())
        except RegisterEventError as exc:     # rendered in the current language when shown
            self._set_message("opn.error.bad_event", error=True, row=len(self.events_model.rows) + 1, value=exc)
            return False
        self.events_model.add_row({"type": ev.type, "date": ev.date, "note": ev.note, "registry_number": ev.registry_number})
        self._set_message(None)
        return True

    def _on_add_event_clicked(self):
        self.add_event(self.event_type_combo.currentData(), self.event_date_edit.text().strip(), self.event_note_edit.text().strip())

    def register_record(self) -> dict:
        """The p. 23/24 register record of the current state (identification must have run)."""
        return build_register_record(self._enterprise(), self._object(), self._items, self._result, self._events(), self.registry_edit.text().strip(), tables=threshold_tables())

    def export_register_record(self, path) -> bool:
        if self._result is None and not self.run_identification():
            return False
        if not self._check_fields():
            return False
        try:
            data = json.dumps(self.register_record(), ensure_ascii=False, indent=2)
            atomic_write_text(path, data + "\n")
        except (OSError, ValueError) as exc:
            self._set_message("opn.error.write_failed", error=True, file=str(path), value=str(exc))
            return False
        self._set_message("opn.gui.saved", file=str(path))
        return True

    def export_pdf(self, path) -> bool:
        if self._result is None and not self.run_identification():
            return False
        if not self._check_fields():
            return False
        from ecologis.report.hazard_identification_note import write_note

        try:
            write_note(path, self._object(), self._enterprise(), self._items, self._result, lang=translator.lang, inventory_label=t("opn.gui.inventory_label"))
        except (OSError, ValueError) as exc:
            self._set_message("opn.error.write_failed", error=True, file=str(path), value=str(exc))
            return False
        self._set_message("opn.gui.saved", file=str(path))
        return True

    def _on_import_clicked(self):
        path, _ = QFileDialog.getOpenFileName(self, t("opn.gui.import"), "", t("opn.gui.file_filter_inventory"))
        if path:
            self.import_inventory(path)

    def _on_export_clicked(self):
        path, _ = QFileDialog.getSaveFileName(self, t("opn.gui.export_json"), "", t("opn.gui.file_filter_json"))
        if path:
            self.export_register_record(Path(path))

    def _on_pdf_clicked(self):
        path, _ = QFileDialog.getSaveFileName(self, t("opn.gui.print_pdf"), "", t("opn.gui.file_filter_pdf"))
        if path:
            self.export_pdf(Path(path))


def _parse_number(text: str) -> float:
    value = parse_number(text)[0]           # NumberProblem is a ValueError
    if not math.isfinite(value) or value < 0:
        raise ValueError(text)
    return value


def _esc(text: str) -> str:
    from html import escape

    return escape(str(text))


def main() -> int:  # pragma: no cover - manual use
    app = QApplication.instance() or QApplication(sys.argv)
    w = HazardIdentificationPanel()
    w.setWindowTitle(t("opn.gui.title"))
    w.resize(1100, 750)
    w.show()
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
