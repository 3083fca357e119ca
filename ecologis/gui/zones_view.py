"""Sanitary zones panel: the plant's sanitary class (ДСП 173-96, annex 4), its wind rose, and
the zones side by side — normative, КНП estimate, calculated (with the wind-rose
correction) and the binding one — with the receptors inside each, drawn on the map.

Thin: the class list and the rose file come from :mod:`ecologis.io.szz_classes`, the zones
from :func:`ecologis.pipeline.assess` (``Assessment.zones``).  Panel protocol of the main
window's Tools panels: ``state()`` / ``load_state(dict)`` (the project's ``sanitary``
section), the signal ``zonesComputed(dict)``.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ecologis.core import sanitary_zone as sz
from ecologis.i18n import format_significant, t, translator

#: map layer id → style (legend keys are map.szz.* strings of locales/*.szz.json)
ZONE_LAYER_STYLES = {
    "szz_normative": {"color": "#c62828", "weight": 3, "fillOpacity": 0.04, "legend": "map.szz.normative"},
    "szz_knp_estimate": {"color": "#ef6c00", "weight": 2, "dashArray": "2 6", "legend": "map.szz.knp_estimate"},
    "szz_calculated": {"color": "#283593", "weight": 2, "dashArray": "6 4", "fillOpacity": 0.04,
                       "legend": "map.szz.calculated"},
    "szz_corrected": {"color": "#6a1b9a", "weight": 2, "fillOpacity": 0.06, "legend": "map.szz.corrected"},
}


class ZonesPanel(QWidget):
    """Pick the sanitary class, enter the wind rose, compute and compare the zones."""

    zonesComputed = Signal(dict)
    sanitaryEdited = Signal()

    def __init__(self, workbench=None, map_view=None, parent=None):
        super().__init__(parent)
        self.wb = workbench
        self.map_view = map_view
        self._activities = None
        self._zones: dict | None = None
        self._rose_n = 8
        self._build()
        self.retranslate()
        cb = self._on_language
        translator.subscribe(cb)
        # a closure over the callback only, so it works after the Python wrapper is gone
        self.destroyed.connect(lambda *_, cb=cb: translator.unsubscribe(cb))

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        lay = QVBoxLayout(self)
        self.class_box = QGroupBox()
        form = QFormLayout(self.class_box)
        self.search = QLineEdit()
        self.search.setObjectName("szzSearch")
        self.search.textChanged.connect(self._fill_list)
        self.lbl_search = QLabel()
        form.addRow(self.lbl_search, self.search)
        self.activity_list = QListWidget()
        self.activity_list.setObjectName("szzActivities")
        self.activity_list.itemActivated.connect(self._pick_item)
        self.activity_list.itemClicked.connect(self._pick_item)
        form.addRow(self.activity_list)
        self.kved_hint = QLabel()
        self.kved_hint.setWordWrap(True)
        form.addRow(self.kved_hint)
        self.class_combo = QComboBox()
        self.class_combo.setObjectName("szzClass")
        self.class_combo.addItem("—", None)
        for c in sz.SANITARY_CLASSES:
            self.class_combo.addItem(c, c)
        self.class_combo.currentIndexChanged.connect(self._class_changed)
        self.lbl_class = QLabel()
        form.addRow(self.lbl_class, self.class_combo)
        self.activity_label = QLabel()
        self.activity_label.setWordWrap(True)
        self.activity_label.setTextFormat(Qt.PlainText)
        form.addRow(self.activity_label)
        lay.addWidget(self.class_box)

        self.rose_box = QGroupBox()
        rl = QVBoxLayout(self.rose_box)
        row = QHBoxLayout()
        self.rose_count = QComboBox()
        self.rose_count.addItem("8", 8)
        self.rose_count.addItem("16", 16)
        self.rose_count.currentIndexChanged.connect(lambda _i: self._set_rose_rows(self.rose_count.currentData()))
        self.lbl_rose_count = QLabel()
        self.btn_import_rose = QPushButton()
        self.btn_import_rose.clicked.connect(lambda: self.import_rose())
        self.btn_clear_rose = QPushButton()
        self.btn_clear_rose.clicked.connect(self.clear_rose)
        row.addWidget(self.lbl_rose_count)
        row.addWidget(self.rose_count)
        row.addStretch(1)
        row.addWidget(self.btn_import_rose)
        row.addWidget(self.btn_clear_rose)
        rl.addLayout(row)
        self.rose_table = QTableWidget(0, 2)
        self.rose_table.setObjectName("szzRose")
        self.rose_table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.rose_table.itemChanged.connect(lambda *_: self.sanitaryEdited.emit())
        rl.addWidget(self.rose_table)
        self.lbl_justification = QLabel()
        self.lbl_justification.setWordWrap(True)
        rl.addWidget(self.lbl_justification)
        self.justification = QPlainTextEdit()
        self.justification.setMaximumHeight(60)
        self.justification.textChanged.connect(self.sanitaryEdited.emit)
        rl.addWidget(self.justification)
        lay.addWidget(self.rose_box)

        row = QHBoxLayout()
        self.btn_compute = QPushButton()
        self.btn_compute.setObjectName("szzCompute")
        self.btn_compute.clicked.connect(lambda: self.compute())
        self.btn_export = QPushButton()
        self.btn_export.clicked.connect(lambda: self.export_layers())
        row.addWidget(self.btn_compute)
        row.addWidget(self.btn_export)
        row.addStretch(1)
        lay.addLayout(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.PlainText)
        lay.addWidget(self.message)
        self.zones_table = QTableWidget(0, 4)
        self.zones_table.setObjectName("szzZones")
        self.zones_table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.zones_table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        lay.addWidget(self.zones_table, 1)
        self.binding_label = QLabel()
        self.binding_label.setObjectName("szzBinding")
        self.binding_label.setWordWrap(True)
        self.binding_label.setTextFormat(Qt.PlainText)
        lay.addWidget(self.binding_label)
        self._set_rose_rows(8)

    # ------------------------------------------------------------------ data
    def activities(self):
        if self._activities is None:
            from ecologis.io.szz_classes import SzzClassesError, load_activities

            try:
                self._activities = load_activities()
            except SzzClassesError as exc:
                self.message.setText(exc.message())
                self._activities = load_activities(user_path=False)
        return self._activities

    def _fill_list(self, *_):
        self.activity_list.clear()
        lang = translator.lang
        for a in self.activities().search(self.search.text()):
            it = QListWidgetItem(t("szz.gui.activity_row", cls=a.sanitary_class, size=format_significant(a.size_m),
                                   name=a.name(lang), evidence=t("szz.evidence." + a.class_evidence)))
            it.setData(Qt.UserRole, a.id)
            self.activity_list.addItem(it)

    def _update_kved_hint(self) -> None:
        codes = list(self.wb.profile.enterprise.kved) if self.wb is not None else []
        found = self.activities().suggest_for_kved(codes)
        if not codes:
            self.kved_hint.setText(t("szz.gui.kved_none_given"))
        elif not found:
            self.kved_hint.setText(t("szz.kved.none", codes=", ".join(codes)))
        else:
            names = "; ".join(t("szz.gui.kved_candidate", cls=a.sanitary_class, name=a.name(translator.lang))
                              for a in found)
            self.kved_hint.setText(t("szz.gui.kved_hint", candidates=names))

    def _pick_item(self, item: QListWidgetItem) -> None:
        self.pick_activity(item.data(Qt.UserRole))

    def pick_activity(self, activity_id: str | None) -> None:
        """Take an activity of the list: its id and its class."""
        self._activity_id = activity_id
        a = self.activities().get(activity_id)
        if a is not None:
            self.class_combo.blockSignals(True)
            self.class_combo.setCurrentIndex(self.class_combo.findData(a.sanitary_class))
            self.class_combo.blockSignals(False)
        self._show_activity()
        self.sanitaryEdited.emit()

    def _class_changed(self, *_):
        a = self.activities().get(getattr(self, "_activity_id", None))
        if a is not None and a.sanitary_class != self.class_combo.currentData():
            self._activity_id = None          # a class picked directly
        self._show_activity()
        self.sanitaryEdited.emit()

    def _show_activity(self) -> None:
        a = self.activities().get(getattr(self, "_activity_id", None))
        cls = self.class_combo.currentData()
        if a is not None:
            doc = t("szz.doc.annex4") if a.document == "ДСП 173-96, annex 4" else a.document
            self.activity_label.setText(t("szz.gui.activity_chosen", name=a.name(translator.lang), cls=a.sanitary_class,
                                          size=format_significant(a.size_m), document=doc,
                                          evidence=t("szz.evidence." + a.class_evidence)))
        elif cls:
            self.activity_label.setText(t("szz.gui.class_direct", cls=cls,
                                          size=format_significant(sz.normative_size_m(cls))))
        else:
            self.activity_label.setText(t("szz.gui.no_class"))

    def _set_rose_rows(self, n: int, values: dict | None = None) -> None:
        self._rose_n = n
        self.rose_table.blockSignals(True)
        self.rose_table.setRowCount(n)
        for i, name in enumerate(sz.rhumb_names(n)):
            it = QTableWidgetItem(name)
            it.setFlags(it.flags() & ~Qt.ItemIsEditable)
            self.rose_table.setItem(i, 0, it)
            v = (values or {}).get(name)
            self.rose_table.setItem(i, 1, QTableWidgetItem("" if v is None else format_significant(v, 6)))
        self.rose_table.blockSignals(False)
        i = self.rose_count.findData(n)
        if i != self.rose_count.currentIndex():
            self.rose_count.blockSignals(True)
            self.rose_count.setCurrentIndex(i)
            self.rose_count.blockSignals(False)

    def rose_values(self) -> dict | None:
        """The rose as typed (``{rhumb: percent}``), None when every cell is empty.
        Raises SanitaryZoneError for a bad value or sum."""
        from ecologis.core.numbers import NumberProblem, parse_number

        raw = {}
        for i in range(self.rose_table.rowCount()):
            name = self.rose_table.item(i, 0).text()
            text = (self.rose_table.item(i, 1).text() if self.rose_table.item(i, 1) else "").strip()
            if text:
                try:
                    raw[name] = parse_number(text)[0]
                except NumberProblem:
                    raise sz.SanitaryZoneError("szz.error.rose_value", rhumb=name, value=text, where="") from None
        if not raw:
            return None
        if len(raw) != self._rose_n:
            missing = [n for n in sz.rhumb_names(self._rose_n) if n not in raw]
            raise sz.SanitaryZoneError("szz.error.rose_value", rhumb=missing[0], value="", where="")
        return sz.parse_wind_rose(raw)

    def import_rose(self, path: str | None = None) -> bool:
        from ecologis.io.szz_classes import SzzClassesError, read_wind_rose_csv

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, t("szz.gui.import_rose"), "", t("szz.gui.rose_filter"))
            if not path:
                return False
        try:
            rose = read_wind_rose_csv(path)
        except (SzzClassesError, sz.SanitaryZoneError) as exc:
            self.message.setText(exc.message())
            return False
        self._set_rose_rows(len(rose), rose)
        self.message.setText(t("szz.gui.rose_imported", count=len(rose)))
        self.sanitaryEdited.emit()
        return True

    def clear_rose(self) -> None:
        self._set_rose_rows(self._rose_n)
        self.sanitaryEdited.emit()

    # ------------------------------------------------------------------ panel protocol
    def state(self) -> dict:
        d = {"activity_id": getattr(self, "_activity_id", None), "class": self.class_combo.currentData()}
        try:
            rose = self.rose_values()
        except sz.SanitaryZoneError:
            rose = self._raw_rose()
        if rose:
            d["wind_rose"] = rose
        if self.justification.toPlainText().strip():
            d["justification"] = self.justification.toPlainText()
        d.update(copy.deepcopy(getattr(self, "_extra", {})))
        return {k: v for k, v in d.items() if v not in (None, "")}

    def _raw_rose(self) -> dict:
        out = {}
        for i in range(self.rose_table.rowCount()):
            it = self.rose_table.item(i, 1)
            if it is not None and it.text().strip():
                out[self.rose_table.item(i, 0).text()] = it.text().strip()
        return out

    def load_state(self, state: dict) -> None:
        state = dict(state or {})
        self._activity_id = state.pop("activity_id", None)
        cls = sz.normalize_class(state.pop("class", None))
        self.class_combo.blockSignals(True)
        self.class_combo.setCurrentIndex(max(0, self.class_combo.findData(cls)))
        self.class_combo.blockSignals(False)
        rose = state.pop("wind_rose", None)
        try:
            rose = sz.parse_wind_rose(rose) if rose else None
        except sz.SanitaryZoneError as exc:
            self.message.setText(exc.message())
            rose = None
        self._set_rose_rows(len(rose) if rose else 8, rose)
        self.justification.blockSignals(True)
        self.justification.setPlainText(state.pop("justification", "") or "")
        self.justification.blockSignals(False)
        self._extra = state
        self._show_activity()
        self._update_kved_hint()
        self._fill_list()
        self._zones = None
        self.zones_table.setRowCount(0)
        self.binding_label.clear()

    # ------------------------------------------------------------------ zones
    def compute(self, dispersion: bool = True) -> dict | None:
        """Assess the project with this panel's sanitary settings and show the zones."""
        from ecologis.model import Sanitary
        from ecologis.io.profile import assessment_options
        from ecologis.pipeline import assess

        if self.wb is None:
            return None
        try:
            self.rose_values()
        except sz.SanitaryZoneError as exc:
            self.message.setText(exc.message())
            return None
        project = copy.copy(self.wb.profile)
        project.sanitary = Sanitary.from_json(self.state()) if self.state() else None
        if project.preset not in self.wb.presets:
            return None
        a = assess(project, assessment_options(self.wb.dictionary, self.wb.presets, dispersion=dispersion,
                                               szz_activities=self.activities()))
        self._assessment = a
        self.show_zones(a.zones(translator.lang))
        return self._zones

    def show_zones(self, zones: dict) -> None:
        self._zones = zones
        g = format_significant
        rows = []
        n, k, c = zones.get("normative"), zones["knp_estimate"], zones.get("calculated")
        if n:
            rows.append((t("szz.gui.zone.normative", cls=n["class"]), g(n["size_m"]),
                         t("szz.from." + n["measured_from"]) if n.get("measured_from") else "—",
                         n.get("receptors_inside") or []))
        else:
            rows.append((t("szz.gui.zone.normative_none"), "—", "—", []))
        rows.append((t("szz.gui.zone.knp"), g(k["size_m"]),
                     t("szz.from." + k["measured_from"]) if k.get("measured_from") else "—",
                     k.get("receptors_inside") or []))
        if c:
            dirs = ", ".join(t("szz.gui.direction", bearing=g(r["direction_deg"]), l=g(r["l_m"]))
                             for r in c["by_direction"])
            label = t("szz.gui.zone.corrected") if c.get("wind_rose") else t("szz.gui.zone.calculated")
            rows.append((label, g(c["max_distance_m"]) + " (" + dirs + ")", t("szz.gui.from_centre"),
                         c.get("receptors_inside") or []))
        else:
            rows.append((t("szz.gui.zone.calculated"), "—", "—", []))
        self.zones_table.setRowCount(len(rows))
        for i, (name, size, frm, recs) in enumerate(rows):
            rec_text = "; ".join(t("szz.gui.receptor", name=r["name"] or t("geo.unnamed"), kind=t("geo.kind." + r["kind"]),
                                   distance=g(r["distance_m"])) for r in recs) or t("szz.gui.no_receptors")
            for j, v in enumerate((name, size, frm, rec_text)):
                it = QTableWidgetItem(str(v))
                it.setToolTip(str(v))
                self.zones_table.setItem(i, j, it)
        b = zones["binding"]
        self.binding_label.setText(t("szz.out.binding", kind=t("szz.kind." + b["kind"]), size=g(b["size_m"]),
                                     reason=t("szz.reason." + b["reason"])))
        msg = []
        if c and c.get("wind_rose"):
            msg.append(t("szz.out.rule_reconstructed").strip())
        if c and c.get("wind_rose_error"):
            msg.append(c["wind_rose_error"])
        self.message.setText("\n".join(msg))
        self.draw_on_map()
        self.zonesComputed.emit(zones)

    def map_layers(self) -> dict:
        """layer id → GeoJSON of the shown zones (None for a zone not shown)."""
        z = self._zones or {}
        n, k, c = z.get("normative") or {}, z.get("knp_estimate") or {}, z.get("calculated") or {}
        return {"szz_normative": n.get("geometry"), "szz_knp_estimate": k.get("geometry"),
                "szz_calculated": c.get("geometry"), "szz_corrected": c.get("corrected_geometry")}

    def draw_on_map(self) -> None:
        if self.map_view is None:
            return
        for lid, geom in self.map_layers().items():
            self.map_view.set_overlay(lid, geom or None, ZONE_LAYER_STYLES[lid])

    def export_layers(self, path: str | None = None):
        from pathlib import Path

        from ecologis.io.zones_gis import write_zones

        if getattr(self, "_assessment", None) is None and self.compute() is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, t("szz.gui.export"), "", t("szz.gui.export_filter"))
            if not path:
                return None
            if Path(path).suffix.lower() not in (".geojson", ".json", ".kml"):
                path += ".geojson"
        try:
            out = write_zones(path, self._assessment, translator.lang)
        except (OSError, ValueError) as exc:
            self.message.setText(t("szz.list.error.file", file=str(path), detail=str(exc)))
            return None
        self.message.setText(t("szz.gui.exported", file=Path(out).name))
        return out

    # ------------------------------------------------------------------ language
    def _on_language(self, *_):
        try:
            self.retranslate()
        except RuntimeError:           # the widget was deleted
            translator.unsubscribe(self._on_language)

    def retranslate(self) -> None:
        self.class_box.setTitle(t("szz.gui.class_box"))
        self.lbl_search.setText(t("szz.gui.search"))
        self.search.setPlaceholderText(t("szz.gui.search_hint"))
        self.lbl_class.setText(t("szz.gui.class"))
        self.rose_box.setTitle(t("szz.gui.rose_box"))
        self.lbl_rose_count.setText(t("szz.gui.rose_count"))
        self.btn_import_rose.setText(t("szz.gui.import_rose"))
        self.btn_clear_rose.setText(t("szz.gui.clear_rose"))
        self.rose_table.setHorizontalHeaderLabels([t("szz.gui.rhumb"), t("szz.gui.frequency")])
        self.lbl_justification.setText(t("szz.gui.justification"))
        self.btn_compute.setText(t("szz.gui.compute"))
        self.btn_export.setText(t("szz.gui.export"))
        self.zones_table.setHorizontalHeaderLabels([t("szz.gui.col.zone"), t("szz.gui.col.size"),
                                                    t("szz.gui.col.from"), t("szz.gui.col.receptors")])
        if self.wb is not None:
            self._update_kved_hint()
        self._fill_list()
        self._show_activity()
        if self._zones is not None:
            self.show_zones(self._zones)
