"""Substance dictionary editor (Tools menu): searchable table of all substances and a
form to add, edit, delete or restore entries.  Every field is checked with
:func:`ecologis.core.dictionary.validate_substance_record` before an entry is accepted;
edits go through the workbench (undoable, saved to the user's overlay file)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from ecologis.core.assess import NumberProblem, parse_number
from ecologis.core.dictionary import GROUPS, Substance, validate_substance_record
from ecologis.gui.listeners import attach, detach
from ecologis.gui.models.emissions_model import edit_text, fmt_number
from ecologis.i18n import t, translator
from ecologis.session import Session

DICT_COLUMNS = ("id", "name", "cas", "hazard_class", "gdk_sd", "gdk_mr", "obrv", "gdk_rz", "origin")
DICT_HEADERS = {"id": "field.id", "name": "col.substance", "cas": "col.cas", "hazard_class": "col.class",
                "gdk_sd": "col.gdk_sd", "gdk_mr": "col.gdk_mr", "obrv": "col.obrv",
                "gdk_rz": "col.gdk_rz", "origin": "col.source"}
FORM_FIELDS = ("id", "name_uk", "name_en", "cas", "code", "hazard_class", "gdk_sd", "gdk_mr", "obrv", "gdk_rz")
NUMBER_FIELDS = ("gdk_sd", "gdk_mr", "obrv", "gdk_rz")


class DictionaryModel(QAbstractTableModel):
    def __init__(self, wb: Session, parent=None):
        super().__init__(parent)
        self.wb = wb
        self.filter = ""
        self.rows: list[Substance] = []
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        d = self.wb.dictionary
        self.rows = d.search(self.filter) if self.filter.strip() else sorted(d, key=lambda s: s.name(translator.lang).casefold())
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(DICT_COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return t(DICT_HEADERS[DICT_COLUMNS[section]])
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        s = self.rows[index.row()]
        col = DICT_COLUMNS[index.column()]
        if col == "name":
            return s.name(translator.lang)
        if col == "origin":
            return t("origin." + s.origin)
        v = getattr(s, col)
        if v is None:
            return ""
        if col in NUMBER_FIELDS:
            return fmt_number(v)
        return str(v)


class DictionaryEditor(QDialog):
    def __init__(self, wb: Session, parent=None):
        super().__init__(parent)
        self.wb = wb
        self.current: Substance | None = None
        self.setModal(False)
        self.resize(1000, 560)
        self.search = QLineEdit()
        self.model = DictionaryModel(wb, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(1, 260)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.search.textChanged.connect(self._on_search)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.search)
        ll.addWidget(self.table)

        self.fields: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        form_w = QWidget()
        self.form = QFormLayout(form_w)
        for f in FORM_FIELDS:
            e = QLineEdit()
            e.setObjectName("field_" + f)
            self.fields[f] = e
            self.labels[f] = QLabel()
            self.form.addRow(self.labels[f], e)
        self.group = QComboBox()
        self.labels["group"] = QLabel()
        self.form.addRow(self.labels["group"], self.group)
        self.error = QLabel()
        self.error.setObjectName("inlineError")
        self.error.setWordWrap(True)
        self.form.addRow(self.error)
        self.btn_new = QPushButton()
        self.btn_apply = QPushButton()
        self.btn_apply.setObjectName("primary")
        self.btn_delete = QPushButton()
        self.btn_restore = QPushButton()
        self.btn_close = QPushButton()
        bl = QHBoxLayout()
        for b in (self.btn_new, self.btn_apply, self.btn_delete, self.btn_restore):
            bl.addWidget(b)
        self.form.addRow(bl)
        self.form.addRow(self.btn_close)
        self.btn_new.clicked.connect(self.new_entry)
        self.btn_apply.clicked.connect(self.apply)
        self.btn_delete.clicked.connect(self.delete_current)
        self.btn_restore.clicked.connect(self.restore_current)
        self.btn_close.clicked.connect(self.close)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(form_w)
        split.setSizes([620, 380])
        lay = QVBoxLayout(self)
        lay.addWidget(split)

        self._handlers = {"dictionary": self._on_dictionary}
        attach(self, wb, self._handlers, self._on_language)
        self.retranslate()
        self.new_entry()

    def closeEvent(self, ev):
        detach(self.wb, self._handlers, self._on_language)
        super().closeEvent(ev)

    # -- events ---------------------------------------------------------------------
    def _on_dictionary(self):
        sid = self.current.id if self.current else None
        self.model.refresh()
        if sid:
            self.select(sid)

    def _on_language(self, _lang):
        self.retranslate()

    def retranslate(self):
        self.setWindowTitle(t("gui.dict.title"))
        self.search.setPlaceholderText(t("gui.search.placeholder"))
        for f in FORM_FIELDS:
            self.labels[f].setText(t("field." + f) if f not in NUMBER_FIELDS + ("hazard_class",) else t("gui.dict.field." + f))
        self.labels["group"].setText(t("field.group"))
        cur = self.group.currentData()
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem("", None)
        for g in GROUPS:
            self.group.addItem(t("group." + g), g)
        i = self.group.findData(cur)
        self.group.setCurrentIndex(max(i, 0))
        self.group.blockSignals(False)
        self.btn_new.setText(t("gui.dict.new"))
        self.btn_apply.setText(t("gui.dict.apply"))
        self.btn_delete.setText(t("gui.dict.delete"))
        self.btn_restore.setText(t("gui.dict.restore"))
        self.btn_close.setText(t("gui.close"))
        self.model.refresh()

    def _on_search(self, text):
        self.model.filter = text
        self.model.refresh()

    def _on_current(self, cur, _prev):
        if cur.isValid() and cur.row() < len(self.model.rows):
            self.load(self.model.rows[cur.row()])

    # -- form -------------------------------------------------------------------------
    def select(self, sid: str) -> bool:
        for i, s in enumerate(self.model.rows):
            if s.id == sid:
                self.table.selectRow(i)
                self.load(s)
                return True
        s = self.wb.dictionary.get(sid)
        if s is not None:
            self.load(s)
            return True
        return False

    def load(self, s: Substance | None) -> None:
        self.current = s
        self.error.clear()
        for f, e in self.fields.items():
            v = getattr(s, f) if s is not None else None
            e.setText("" if v is None else (edit_text(v) if f in NUMBER_FIELDS else str(v)))
            e.setProperty("invalid", False)
            e.style().polish(e)
        self.fields["id"].setReadOnly(s is not None)
        i = self.group.findData(s.group if s else None)
        self.group.setCurrentIndex(max(i, 0))
        shipped = s is not None and self.wb.dictionary.is_shipped(s.id)
        self.btn_delete.setEnabled(s is not None)
        self.btn_restore.setEnabled(shipped and s.origin != "shipped")

    def new_entry(self) -> None:
        self.table.clearSelection()
        self.load(None)

    def raw_record(self) -> dict:
        """The form as typed (text), for validation messages that quote the user's input."""
        d = {}
        for f, e in self.fields.items():
            text = e.text().strip()
            d[f] = text if text else None
        d["group"] = self.group.currentData() or (self.current.group if self.current else "other")
        return d

    def record(self) -> dict:
        """The form with numbers parsed (after validation)."""
        d = self.raw_record()
        for f in NUMBER_FIELDS + ("hazard_class",):
            if d[f] is not None:
                try:
                    d[f] = parse_number(d[f])[0]
                except NumberProblem:
                    pass
        return d

    def apply(self) -> bool:
        """Validate the form and put the entry into the dictionary; False if refused."""
        problems = validate_substance_record(self.raw_record())
        for e in self.fields.values():
            e.setProperty("invalid", False)
        if problems:
            msgs = []
            for p in problems:
                if p.field in self.fields:
                    self.fields[p.field].setProperty("invalid", True)
                msgs.append(f"{t('field.' + p.field)}: {p.message()}")
            for e in self.fields.values():
                e.style().polish(e)
            self.error.setText("\n".join(msgs))
            return False
        d = self.record()
        if d["hazard_class"] is not None:
            d["hazard_class"] = int(d["hazard_class"])
        new = Substance.from_json(d, origin="user")
        if self.current is not None and self.current.id == new.id:
            changed = {f: getattr(new, f) for f in FORM_FIELDS + ("group",)}
            sources = dict(self.current.sources)
            for f in NUMBER_FIELDS + ("hazard_class",):
                if changed[f] != getattr(self.current, f):
                    sources[f] = "user"
            new = replace(self.current, sources=sources, **changed)
        self.error.clear()
        self.wb.dict_put(new)
        self.select(new.id)
        return True

    def delete_current(self) -> None:
        if self.current is not None:
            sid = self.current.id
            self.wb.dict_delete(sid)
            self.new_entry()

    def restore_current(self) -> None:
        if self.current is not None:
            sid = self.current.id
            self.wb.dict_restore(sid)
            self.select(sid)
