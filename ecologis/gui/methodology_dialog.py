"""Methodology dialog: choose the preset in use, or define a user preset (a(c),
thresholds, radii, optional category V).  Definitions are checked with
:func:`ecologis.core.presets.validate_preset_dict` and refused with its translated
messages; user presets are saved with ``save_user_presets`` (via the workbench)."""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QVBoxLayout)

from ecologis.core.assess import NumberProblem, parse_number
from ecologis.core.knp import FORMULAS
from ecologis.core.presets import CATEGORY_LABELS, PresetError, preset_from_dict, validate_preset_dict
from ecologis.gui.listeners import attach, detach
from ecologis.gui.models.emissions_model import edit_text
from ecologis.i18n import t, translator
from ecologis.session import Session


def _num(text: str):
    text = text.strip()
    if not text:
        return None
    try:
        return parse_number(text)[0]
    except NumberProblem:
        return text  # validate_preset_dict reports it


class MethodologyDialog(QDialog):
    def __init__(self, wb: Session, parent=None):
        super().__init__(parent)
        self.wb = wb
        self.setModal(False)
        self.preset_combo = QComboBox()
        self.preset_combo.currentIndexChanged.connect(self._on_pick)
        self.btn_use = QPushButton()
        self.btn_use.setObjectName("primary")
        self.btn_use.clicked.connect(self.use_selected)
        self.id_edit = QLineEdit()
        self.name_edit = QLineEdit()
        self.formula = QComboBox()
        self.a_edits = {c: QLineEdit() for c in (1, 2, 3, 4)}
        self.min_edits = [QLineEdit() for _ in CATEGORY_LABELS]
        self.radius_edits = [QLineEdit() for _ in CATEGORY_LABELS]
        self.cat_v = QCheckBox()
        self.cat_v.toggled.connect(self._on_cat_v)
        self.assumed = QComboBox()          # class assumed for substances without one, or none
        self.share_edit = QLineEdit()       # cumulative share that names dominant substances
        self.error = QLabel()
        self.error.setObjectName("inlineError")
        self.error.setWordWrap(True)
        self.source = QLabel()
        self.source.setObjectName("note")
        self.source.setWordWrap(True)
        self.btn_save = QPushButton()
        self.btn_close = QPushButton()
        self.btn_save.clicked.connect(self.save_user_preset)
        self.btn_close.clicked.connect(self.close)

        top = QHBoxLayout()
        self.lbl_preset = QLabel()
        top.addWidget(self.lbl_preset)
        top.addWidget(self.preset_combo, 1)
        top.addWidget(self.btn_use)

        self.box = QGroupBox()
        form = QFormLayout(self.box)
        self.lbl_id, self.lbl_name, self.lbl_formula = QLabel(), QLabel(), QLabel()
        form.addRow(self.lbl_id, self.id_edit)
        form.addRow(self.lbl_name, self.name_edit)
        form.addRow(self.lbl_formula, self.formula)
        self.lbl_a = {c: QLabel() for c in (1, 2, 3, 4)}
        for c in (1, 2, 3, 4):
            form.addRow(self.lbl_a[c], self.a_edits[c])
        grid = QGridLayout()
        self.lbl_cat, self.lbl_min, self.lbl_radius = QLabel(), QLabel(), QLabel()
        grid.addWidget(self.lbl_cat, 0, 0)
        grid.addWidget(self.lbl_min, 0, 1)
        grid.addWidget(self.lbl_radius, 0, 2)
        for i, label in enumerate(CATEGORY_LABELS):
            grid.addWidget(QLabel(label), i + 1, 0)
            grid.addWidget(self.min_edits[i], i + 1, 1)
            grid.addWidget(self.radius_edits[i], i + 1, 2)
        form.addRow(grid)
        form.addRow(self.cat_v)
        self.lbl_assumed, self.lbl_share = QLabel(), QLabel()
        form.addRow(self.lbl_assumed, self.assumed)
        form.addRow(self.lbl_share, self.share_edit)
        form.addRow(self.source)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.box)
        lay.addWidget(self.error)
        bl = QHBoxLayout()
        bl.addWidget(self.btn_save)
        bl.addStretch(1)
        bl.addWidget(self.btn_close)
        lay.addLayout(bl)

        self._handlers = {"presets": self._fill_presets, "preset": self._fill_presets}
        attach(self, wb, self._handlers, self._on_language)
        self.retranslate()
        self._fill_presets()

    def closeEvent(self, ev):
        detach(self.wb, self._handlers, self._on_language)
        super().closeEvent(ev)

    def _on_language(self, _lang):
        self.retranslate()
        self._fill_presets()

    def retranslate(self):
        self.setWindowTitle(t("gui.method.title"))
        self.lbl_preset.setText(t("gui.method.preset"))
        self.btn_use.setText(t("gui.method.use"))
        self.box.setTitle(t("gui.method.definition"))
        self.lbl_id.setText(t("gui.method.id"))
        self.lbl_name.setText(t("gui.method.name"))
        self.lbl_formula.setText(t("gui.method.formula"))
        for c in (1, 2, 3, 4):
            self.lbl_a[c].setText(t("gui.method.a", cls=c))
        self.lbl_cat.setText(t("gui.method.category"))
        self.lbl_min.setText(t("gui.method.threshold"))
        self.lbl_radius.setText(t("gui.method.radius"))
        self.cat_v.setText(t("gui.method.category_v"))
        self.lbl_assumed.setText(t("gui.method.assumed"))
        self.lbl_share.setText(t("gui.method.share"))
        cur_assumed = self.assumed.currentIndex()
        self.assumed.blockSignals(True)
        self.assumed.clear()
        self.assumed.addItem(t("gui.method.assumed.exclude"), 0)   # 0: no class assumed
        for c in (1, 2, 3, 4):
            self.assumed.addItem(t("gui.method.assumed.class", cls=c), c)
        self.assumed.setCurrentIndex(max(0, cur_assumed))
        self.assumed.blockSignals(False)
        self.btn_save.setText(t("gui.method.save"))
        self.btn_close.setText(t("gui.close"))
        cur = self.formula.currentData()
        self.formula.blockSignals(True)
        self.formula.clear()
        for f in FORMULAS:
            self.formula.addItem(t("gui.method.formula." + f), f)
        self.formula.setCurrentIndex(max(0, self.formula.findData(cur)))
        self.formula.blockSignals(False)

    def _fill_presets(self):
        self.preset_combo.blockSignals(True)
        self.preset_combo.clear()
        for pid, p in self.wb.presets.items():
            name = t(p.name_key) if p.name_key else (p.name or pid)
            self.preset_combo.addItem(name, pid)
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(self.wb.preset_id)))
        self.preset_combo.blockSignals(False)
        self._on_pick()

    def _on_pick(self, *_):
        pid = self.preset_combo.currentData()
        if pid in self.wb.presets:
            self.load(self.wb.presets[pid].to_json())

    def load(self, d: dict) -> None:
        builtin = self.wb.presets.get(d["id"]) is not None and self.wb.presets[d["id"]].builtin
        self.id_edit.setText(d["id"] + ("-custom" if builtin else ""))
        self.name_edit.setText(d.get("name") or (t(d["name_key"]) if d.get("name_key") else d["id"]))
        self.formula.setCurrentIndex(max(0, self.formula.findData(d["formula"])))
        for c in (1, 2, 3, 4):
            self.a_edits[c].setText(edit_text(d["a"][str(c)]))
        cats = d["categories"]
        self.cat_v.blockSignals(True)
        self.cat_v.setChecked(len(cats) == 5)
        self.cat_v.blockSignals(False)
        for i in range(len(CATEGORY_LABELS)):
            c = cats[i] if i < len(cats) else None
            self.min_edits[i].setText("" if c is None or c["min"] is None else edit_text(c["min"]))
            self.radius_edits[i].setText("" if c is None else edit_text(c["radius_m"]))
        self._on_cat_v(self.cat_v.isChecked())
        self.assumed.setCurrentIndex(max(0, self.assumed.findData(d.get("assumed_class_when_missing") or 0)))
        self.share_edit.setText(edit_text(d.get("dominant_cumulative_share", 0.5)))
        uk_source = d.get("source_uk") if translator.lang == "uk" else None
        self.source.setText(uk_source or d.get("source", ""))
        self.error.clear()

    def _on_cat_v(self, on: bool) -> None:
        self.min_edits[4].setEnabled(False)
        self.radius_edits[4].setEnabled(on)
        self.min_edits[3].setEnabled(on)

    def definition(self) -> dict:
        n = 5 if self.cat_v.isChecked() else 4
        cats = []
        for i in range(n):
            last = i == n - 1
            cats.append({"label": CATEGORY_LABELS[i], "min": None if last else _num(self.min_edits[i].text()),
                         "radius_m": _num(self.radius_edits[i].text())})
        return {
            "id": self.id_edit.text().strip(),
            "name": self.name_edit.text().strip() or None,
            "formula": self.formula.currentData(),
            "a": {str(c): _num(self.a_edits[c].text()) for c in (1, 2, 3, 4)},
            "categories": cats,
            "assumed_class_when_missing": self.assumed.currentData() or None,
            "dominant_cumulative_share": _num(self.share_edit.text()),
            "source": t("gui.method.user_source"),
        }

    def use_selected(self) -> None:
        pid = self.preset_combo.currentData()
        if pid in self.wb.presets:
            self.wb.set_preset(pid)

    def save_user_preset(self) -> bool:
        d = self.definition()
        problems = validate_preset_dict(d)
        existing = self.wb.presets.get(d["id"])
        if existing is not None and existing.builtin:
            self.error.setText(t("gui.method.builtin_id", id=d["id"]))
            return False
        if problems:
            self.error.setText("\n".join(p.message() for p in problems))
            return False
        try:
            preset = preset_from_dict(d)
        except PresetError as e:  # pragma: no cover - validate_preset_dict already ran
            self.error.setText("\n".join(p.message() for p in e.problems))
            return False
        self.error.clear()
        self.wb.put_preset(preset)
        return True
