"""Import preview: the mapped rows and the validation journal of a table before anything
changes.  Unknown substances are mapped to a dictionary entry or added to the
dictionary from the dialog; repeated substances are flagged and the user chooses to
sum them or keep them separate.  Nothing is applied (neither the rows nor the
dictionary additions) until the user confirms.  The rules are those of
:mod:`ecologis.io.import_rules`, shared with ``ecologis-cli import``.

Entry points for the main window::

    accepted = run_import_dialog(parent, dictionary, path=None)   # None if cancelled
    if accepted:
        workbench.profile.emissions = accepted.emissions          # or append
        workbench.profile.duplicates = accepted.duplicates
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMessageBox, QPushButton, QRadioButton, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ecologis.core.dictionary import Dictionary
from ecologis.model import Emission
from ecologis.core.numbers import NumberProblem, parse_number
from ecologis.gui.theme import status_color
from ecologis.i18n import t, translator
from ecologis.io.emissions_table import TableReadError
from ecologis.io.import_rules import ImportPlan, ImportRefused, add_substance, finalize, plan_import

TABLE_FILTER_EXTS = "*.csv *.tsv *.txt *.xlsx *.xlsm *.json"


@dataclass
class ImportAccepted:
    emissions: list[Emission]
    duplicates: str                                   # "sum" | "keep"
    added_substances: list[str] = field(default_factory=list)   # dictionary ids added (already saved)
    plan: ImportPlan | None = None


def _working_copy(d: Dictionary) -> Dictionary:
    """A copy to plan against, so additions stay pending until the user confirms."""
    shipped = {s.id: d.shipped_entry(s.id) for s in d if d.is_shipped(s.id)}
    return Dictionary(list(d), d.sources, shipped)


def _delimiter_label(delimiter: str | None) -> str:
    """The table's column separator as shown to the user (a tab has no visible glyph)."""
    if not delimiter:
        return t("gui.import.delimiter.unknown")
    if delimiter == "\t":
        return t("gui.import.delimiter.tab")
    return delimiter


class AddSubstanceDialog(QDialog):
    """A minimal dictionary entry form; validated with ``validate_substance_record``."""

    FIELDS = ("id", "name_uk", "name_en", "cas", "hazard_class", "gdk_sd", "gdk_mr", "obrv")

    def __init__(self, parent, dictionary: Dictionary, name: str = ""):
        super().__init__(parent)
        self.setWindowTitle(t("io.gui.add.title"))
        self.dictionary = dictionary
        self.record: dict | None = None
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for f in self.FIELDS:
            e = QLineEdit()
            self.edits[f] = e
            form.addRow(t("io.gui.add.field." + f), e)
        self.edits["name_uk"].setText(name)
        self.edits["id"].setText(name)
        self.problems = QLabel("")
        self.problems.setWordWrap(True)
        self.problems.setObjectName("inlineError")     # theme colour (readable in dark)
        form.addRow(self.problems)
        bb = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        bb.accepted.connect(self._ok)
        bb.rejected.connect(self.reject)
        form.addRow(bb)

    def record_from_form(self) -> dict:
        d: dict = {}
        for f, e in self.edits.items():
            v = e.text().strip()
            if v == "":
                continue
            d[f] = v
        for f in ("gdk_sd", "gdk_mr", "obrv"):
            if f in d:
                try:
                    d[f] = parse_number(d[f])[0]
                except NumberProblem:
                    pass        # left as text: validate_substance_record names the field
        if "hazard_class" in d:
            try:
                d["hazard_class"] = int(d["hazard_class"])
            except ValueError:
                pass
        d.setdefault("name_en", d.get("name_uk", ""))
        d["group"] = "other"
        d["sources"] = {k: "user" for k in ("hazard_class", "gdk_sd", "gdk_mr", "obrv") if k in d}
        return d

    def _ok(self):
        rec = self.record_from_form()
        from ecologis.core.dictionary import validate_substance_record

        probs = validate_substance_record(rec)
        if rec.get("id") and self.dictionary.get(rec["id"]) is not None:
            self.problems.setText(t("io.gui.add.exists", id=rec["id"]))
            return
        if probs:
            self.problems.setText("\n".join(f"{t('field.' + p.field)}: {p.message()}" for p in probs))
            return
        self.record = rec
        self.accept()


class ImportPreviewDialog(QDialog):
    COLS = ("row", "input", "resolved", "mass", "unit", "gdk_sd", "hazard_class", "status")

    def __init__(self, parent, dictionary: Dictionary, plan: ImportPlan):
        super().__init__(parent)
        self.setWindowTitle(t("io.gui.preview.title", file=plan.file))
        self.resize(1000, 700)
        self.dictionary = dictionary
        self.work = _working_copy(dictionary)
        self.pending: list[dict] = []
        self.plan = plan
        self.accepted_result: ImportAccepted | None = None

        lay = QVBoxLayout(self)
        self.info = QLabel()
        self.info.setWordWrap(True)
        lay.addWidget(self.info)
        split = QSplitter(Qt.Vertical)
        lay.addWidget(split, 1)
        self.table = QTableWidget(0, len(self.COLS))
        self.table.setHorizontalHeaderLabels([t("io.gui.col." + c) for c in self.COLS])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        split.addWidget(self.table)

        lower = QWidget()
        ll = QHBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        self.unknown_box = QGroupBox(t("io.gui.unknown.title"))
        self.unknown_form = QFormLayout(self.unknown_box)
        ll.addWidget(self.unknown_box, 1)
        right = QVBoxLayout()
        self.dup_box = QGroupBox(t("io.gui.dup.title"))
        dl = QVBoxLayout(self.dup_box)
        self.dup_label = QLabel()
        self.dup_label.setWordWrap(True)
        dl.addWidget(self.dup_label)
        self.rb_sum = QRadioButton(t("io.gui.dup.sum"))
        self.rb_keep = QRadioButton(t("io.gui.dup.keep"))
        self.dup_group = QButtonGroup(self)
        self.dup_group.addButton(self.rb_sum)
        self.dup_group.addButton(self.rb_keep)
        dl.addWidget(self.rb_sum)
        dl.addWidget(self.rb_keep)
        self.rb_sum.toggled.connect(self._update_buttons)
        self.rb_keep.toggled.connect(self._update_buttons)
        right.addWidget(self.dup_box)
        jl = QLabel(t("io.gui.journal"))
        right.addWidget(jl)
        self.journal = QListWidget()
        right.addWidget(self.journal, 1)
        ll.addLayout(right, 2)
        split.addWidget(lower)

        self.blocking = QLabel()
        self.blocking.setWordWrap(True)
        self.blocking.setObjectName("inlineError")
        lay.addWidget(self.blocking)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.apply_btn = self.buttons.addButton(t("io.gui.apply"), QDialogButtonBox.AcceptRole)
        self.buttons.accepted.connect(self._apply)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self._combos: dict[str, QComboBox] = {}
        self._refresh()

    # -- state ----------------------------------------------------------------------
    def duplicates_choice(self) -> str | None:
        if self.rb_sum.isChecked():
            return "sum"
        if self.rb_keep.isChecked():
            return "keep"
        return None

    def map_unknown(self, ref: str, substance_id: str) -> None:
        """Map an unknown reference to a dictionary entry (also what the combo box does)."""
        self.plan = self.plan.remap({ref: substance_id}, self.work)
        self._refresh()

    def add_pending_substance(self, record: dict, ref: str | None = None) -> list:
        """Add a substance to the working dictionary (saved only on Apply)."""
        probs = add_substance(self.work, record)
        if probs:
            return probs
        self.pending.append(record)
        self.plan = self.plan.remap({ref: record["id"]} if ref else {}, self.work)
        self._refresh()
        return []

    # -- view -----------------------------------------------------------------------
    def _refresh(self) -> None:
        plan = self.plan
        tbl = plan.table
        cols = ", ".join(f"{t('io.gui.canon.' + c)} ← «{h}»" for c, h in tbl.columns.items())
        info = t("io.gui.preview.info", file=plan.file, rows=len(plan.emissions), columns=cols or "—")
        if tbl.encoding:
            info += " " + t("io.gui.preview.encoding", encoding=tbl.encoding,
                            delimiter=_delimiter_label(tbl.delimiter))
        if tbl.ignored_columns:
            info += " " + t("io.gui.preview.ignored", columns=", ".join(tbl.ignored_columns))
        self.info.setText(info)
        from ecologis.core.assess import prepare

        prep = prepare(plan.emissions, self.work)
        lang = translator.lang
        by_row: dict[int, list] = {}
        for i in plan.journal:
            by_row.setdefault(i.row, []).append(i)
        self.table.setRowCount(len(plan.emissions))
        for k, e in enumerate(plan.emissions):
            s = prep.substances[k]
            issues = by_row.get(prep.rows[k], [])
            sev = "error" if any(i.is_error for i in issues) else ("warning" if any(i.severity == "warning" for i in issues) else "ok")
            orig = plan.table.emissions[k].substance if k < len(plan.table.emissions) else e.substance
            vals = [str(prep.rows[k]), str(orig or ""), s.name(lang) if s else t("io.gui.unknown.none"),
                    "" if e.mass is None else str(e.mass), str(e.unit or ""), "" if e.gdk_sd is None else str(e.gdk_sd),
                    "" if e.hazard_class is None else str(e.hazard_class), t("io.gui.status." + sev)]
            for j, v in enumerate(vals):
                it = QTableWidgetItem(v)
                if sev == "error":
                    it.setForeground(status_color("error"))
                if issues:
                    it.setToolTip("\n".join(i.message() for i in issues))
                self.table.setItem(k, j, it)
        self.table.resizeColumnsToContents()
        # unknown substances
        while self.unknown_form.rowCount():
            self.unknown_form.removeRow(0)
        self._combos = {}
        if not plan.unknown:
            self.unknown_form.addRow(QLabel(t("io.gui.unknown.all_known")))
        for ref, rows in sorted(plan.unknown.items()):
            combo = QComboBox()
            combo.setEditable(False)
            combo.addItem(t("io.gui.unknown.choose"), None)
            for s in self.work.search(ref.split()[0] if ref.split() else ref, limit=30) or []:
                combo.addItem(f"{s.name(lang)} ({s.cas or s.id})", s.id)
            for s in sorted(self.work, key=lambda s: s.name(lang).casefold()):
                if combo.findData(s.id) < 0:
                    combo.addItem(f"{s.name(lang)} ({s.cas or s.id})", s.id)
            combo.activated.connect(lambda idx, r=ref, c=combo: self._combo_chosen(r, c))
            add = QPushButton(t("io.gui.unknown.add"))
            add.clicked.connect(lambda _=False, r=ref: self._add_clicked(r))
            w = QWidget()
            hl = QHBoxLayout(w)
            hl.setContentsMargins(0, 0, 0, 0)
            hl.addWidget(combo, 1)
            hl.addWidget(add)
            self._combos[ref] = combo
            self.unknown_form.addRow(t("io.gui.unknown.row", ref=ref, rows=", ".join(str(r) for r in rows)), w)
        # duplicates
        self.dup_box.setEnabled(plan.has_duplicates)
        self.dup_label.setText(t("io.gui.dup.groups", groups="; ".join(", ".join(str(r) for r in g) for g in plan.duplicate_groups))
                               if plan.has_duplicates else t("io.gui.dup.none"))
        # journal
        self.journal.clear()
        for i in plan.journal:
            item = QListWidgetItem(f"[{t('severity.' + i.severity)}] {i.located_message()}")
            if i.is_error:
                item.setForeground(status_color("error"))
            self.journal.addItem(item)
        for row, header in plan.formulas_without_value:
            self.journal.addItem(QListWidgetItem(t("io.import.formula_without_value", file=plan.file, row=row, column=header)))
        self._update_buttons()

    def _update_buttons(self, *_):
        reasons = self.plan.blocking(self.duplicates_choice() if self.plan.has_duplicates else "sum")
        self.apply_btn.setEnabled(not reasons)
        self.blocking.setText("\n".join(p.message() for p in reasons))

    def _combo_chosen(self, ref: str, combo: QComboBox) -> None:
        sid = combo.currentData()
        if sid:
            self.map_unknown(ref, sid)

    def _add_clicked(self, ref: str) -> None:
        dlg = AddSubstanceDialog(self, self.work, ref)
        if dlg.exec() == QDialog.Accepted and dlg.record:
            self.add_pending_substance(dlg.record, ref)

    def _apply(self) -> None:
        choice = self.duplicates_choice() if self.plan.has_duplicates else "sum"
        try:
            emissions = finalize(self.plan, choice)
        except ImportRefused as e:
            QMessageBox.warning(self, t("io.gui.preview.title", file=self.plan.file), "\n".join(e.messages()))
            return
        added = []
        if self.pending:
            from ecologis.core.dictionary import Substance

            for rec in self.pending:
                self.dictionary.put(Substance.from_json(rec, origin="user"))
                added.append(rec["id"])
            from ecologis.io.reference_data import save_user_dictionary

            save_user_dictionary(self.dictionary)
        self.accepted_result = ImportAccepted(emissions, choice or "sum", added, self.plan)
        self.accept()


def run_import_dialog(parent, dictionary: Dictionary, path: str | Path | None = None) -> ImportAccepted | None:
    """Choose a table (unless ``path`` is given), show the preview, return what the
    user confirmed or ``None``.  A file that cannot be read gets one message box."""
    if path is None:
        path, _ = QFileDialog.getOpenFileName(parent, t("io.gui.open_table"), "",
                                              f"{t('io.gui.filter.tables')} ({TABLE_FILTER_EXTS})")
        if not path:
            return None
    try:
        plan = plan_import(path, dictionary)
    except TableReadError as e:
        QMessageBox.warning(parent, t("io.gui.open_table"), e.message())
        return None
    dlg = ImportPreviewDialog(parent, dictionary, plan)
    if dlg.exec() == QDialog.Accepted:
        return dlg.accepted_result
    return None
