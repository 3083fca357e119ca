"""OND-86 dispersion panel: sources table editor, calculation in a worker thread.

Thin: every number comes from :func:`ecologis.core.dispersion.calculate`; the widget
only collects the input (the same JSON as ``docs/dispersion/sources.schema.json``),
shows progress (with Cancel) and the per-source results, and emits
``resultReady(dict)`` with the GeoJSON layers for the map:
``{"target", "isolines", "szz_contour", "field_max", "receptors", "result"}``.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QProgressBar, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from ecologis.i18n import t, translator

# Sources table: one row per source × emission; rows with the same id form one source.
COLUMNS = ["id", "lat", "lon", "height_m", "diameter_m", "velocity_m_s", "temp_c", "substance", "rate_g_s",
           "F", "gdk_mr_mg_m3"]
NUMERIC = {"lat", "lon", "height_m", "diameter_m", "velocity_m_s", "temp_c", "rate_g_s", "F", "gdk_mr_mg_m3"}
SOURCE_FIELDS = ["lat", "lon", "height_m", "diameter_m", "velocity_m_s", "temp_c"]


def _fmt(x, digits: int = 4) -> str:
    if x is None:
        return "—"
    return f"{x:.{digits}g}" if isinstance(x, float) else str(x)


class _Worker(QObject):
    progress = Signal(float)
    finished = Signal(dict)
    failed = Signal(list)
    cancelled = Signal()

    def __init__(self, data: dict, options: dict, stop: threading.Event):
        super().__init__()
        self.data, self.options, self.stop = data, options, stop

    @Slot()
    def run(self) -> None:
        from ecologis.core.dispersion import Cancelled, DispersionInputError, calculate

        try:
            res = calculate(self.data, progress=self.progress.emit, cancel=self.stop.is_set,
                            lang=translator.lang, **self.options)
        except Cancelled:
            self.cancelled.emit()
        except DispersionInputError as exc:
            self.failed.emit(exc.messages(translator.lang))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed silently
            self.failed.emit([t("disp.gui.error.unexpected", error=str(exc))])
        else:
            self.finished.emit(res)


class DispersionPanel(QWidget):
    """Sources editor and OND-86 calculation; ``resultReady(dict)`` carries the map layers."""

    resultReady = Signal(dict)
    runFailed = Signal(list)
    runCancelled = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.result: dict | None = None
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._stop = threading.Event()
        self._extra: dict = {}          # input keys the table does not edit (receptors, groups …)

        self.A = QDoubleSpinBox()
        self.A.setRange(1, 1000)
        self.A.setValue(200)
        self.eta = QDoubleSpinBox()
        self.eta.setRange(1, 10)
        self.eta.setDecimals(2)
        self.eta.setValue(1)
        self.ambient = QDoubleSpinBox()
        self.ambient.setRange(-60, 60)
        self.ambient.setValue(25)
        self.directions = QComboBox()
        for n in (8, 36, 360):
            self.directions.addItem(str(n), n)
        self.directions.setCurrentIndex(1)
        self.grid_step = QDoubleSpinBox()
        self.grid_step.setRange(0, 5000)
        self.grid_step.setDecimals(1)
        self.grid_step.setValue(0)               # 0: automatic
        self.substance = QLineEdit()
        self.form = QFormLayout()
        self._form_labels = {k: QLabel() for k in ("A", "eta", "ambient", "directions", "grid", "substance")}
        for k, w in (("A", self.A), ("eta", self.eta), ("ambient", self.ambient),
                     ("directions", self.directions), ("grid", self.grid_step), ("substance", self.substance)):
            self.form.addRow(self._form_labels[k], w)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.add_btn = QPushButton()
        self.add_btn.clicked.connect(lambda: self.add_row())
        self.remove_btn = QPushButton()
        self.remove_btn.clicked.connect(self.remove_selected_rows)
        self.run_btn = QPushButton()
        self.run_btn.clicked.connect(self.run)
        self.cancel_btn = QPushButton()
        self.cancel_btn.setEnabled(False)
        self.cancel_btn.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.errors = QLabel()
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet("color: #b00020;")
        self.errors.hide()
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #b00020;")
        self.notice.hide()
        self.results = QTableWidget(0, 7)
        self.results.setEditTriggers(QTableWidget.NoEditTriggers)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)

        buttons = QHBoxLayout()
        for b in (self.add_btn, self.remove_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        run_row = QHBoxLayout()
        run_row.addWidget(self.run_btn)
        run_row.addWidget(self.cancel_btn)
        run_row.addWidget(self.progress, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.table, 2)
        lay.addLayout(buttons)
        lay.addLayout(run_row)
        lay.addWidget(self.errors)
        lay.addWidget(self.status)
        lay.addWidget(self.notice)
        lay.addWidget(self.results, 1)

        self.retranslate()
        translator.subscribe(self._on_language)
        self.destroyed.connect(lambda *_: translator.unsubscribe(self._on_language))

    # ------------------------------------------------------------------ translation
    def _on_language(self, _lang: str) -> None:
        try:
            self.retranslate()
        except RuntimeError:         # the C++ widget is gone
            translator.unsubscribe(self._on_language)

    def retranslate(self) -> None:
        for k, lab in self._form_labels.items():
            lab.setText(t(f"disp.gui.label.{k}"))
        self.grid_step.setSpecialValueText(t("disp.gui.auto"))
        self.substance.setPlaceholderText(t("disp.gui.all_substances"))
        self.table.setHorizontalHeaderLabels([t(f"disp.gui.col.{c}") for c in COLUMNS])
        self.add_btn.setText(t("disp.gui.add_row"))
        self.remove_btn.setText(t("disp.gui.remove_rows"))
        self.run_btn.setText(t("disp.gui.run"))
        self.cancel_btn.setText(t("disp.gui.cancel"))
        self.results.setHorizontalHeaderLabels([t(f"disp.gui.res.{c}") for c in
                                                ("id", "substance", "c_m", "share", "x_m", "u_m", "regime")])
        if self.result is not None:
            self._show_result(self.result)

    # ------------------------------------------------------------------ input
    def add_row(self, values: dict | None = None) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        values = values or {}
        for j, c in enumerate(COLUMNS):
            v = values.get(c)
            self.table.setItem(r, j, QTableWidgetItem("" if v is None else str(v)))
        return r

    def remove_selected_rows(self) -> None:
        for r in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(r)

    def set_input(self, data: dict) -> None:
        """Show an input dict (schema ``sources.schema.json``) in the editor."""
        self.A.setValue(float(data.get("A", 200)))
        self.eta.setValue(float(data.get("eta", 1)))
        if data.get("ambient_temp_c") is not None:
            self.ambient.setValue(float(data["ambient_temp_c"]))
        i = self.directions.findData(int(data.get("directions", 36)))
        self.directions.setCurrentIndex(i if i >= 0 else 1)
        self.grid_step.setValue(float((data.get("grid") or {}).get("step_m", 0) or 0))
        self.table.setRowCount(0)
        for s in data.get("sources", []):
            for e in s.get("emissions", []) or [{}]:
                row = {c: s.get(c) for c in ("id", *SOURCE_FIELDS)}
                row.update({c: e.get(c) for c in ("substance", "rate_g_s", "F", "gdk_mr_mg_m3")})
                self.add_row(row)
        self._extra = {k: v for k, v in data.items()
                       if k not in ("A", "eta", "ambient_temp_c", "directions", "sources")}

    def input_data(self) -> dict:
        """The editor's content as an input dict (what the profile stores).

        Cells are converted to numbers where possible; anything else is passed as typed
        so that validation names the source and field."""
        sources: dict[str, dict] = {}
        for r in range(self.table.rowCount()):
            cells = {}
            for j, c in enumerate(COLUMNS):
                it = self.table.item(r, j)
                txt = it.text().strip() if it is not None else ""
                if txt == "":
                    continue
                if c in NUMERIC:
                    try:
                        cells[c] = float(txt.replace(",", "."))
                    except ValueError:
                        cells[c] = txt
                else:
                    cells[c] = txt
            if not cells:
                continue
            sid = cells.get("id", f"#{r + 1}")
            src = sources.setdefault(sid, {"id": sid, "emissions": []})
            for c in SOURCE_FIELDS:
                if c in cells and c not in src:
                    src[c] = cells[c]
            em = {c: cells[c] for c in ("substance", "rate_g_s", "F", "gdk_mr_mg_m3") if c in cells}
            if em:
                src["emissions"].append(em)
        data = dict(self._extra)
        data.update({"A": self.A.value(), "eta": self.eta.value(), "ambient_temp_c": self.ambient.value(),
                     "directions": int(self.directions.currentData()), "sources": list(sources.values())})
        if self.grid_step.value() > 0:
            data["grid"] = dict(data.get("grid") or {}, step_m=self.grid_step.value())
        return data

    # ------------------------------------------------------------------ run
    def is_running(self) -> bool:
        return self._thread is not None

    def run(self) -> None:
        if self._thread is not None:
            return
        self.errors.hide()
        self.progress.setValue(0)
        self._stop = threading.Event()
        opts = {}
        if self.substance.text().strip():
            opts["substance"] = self.substance.text().strip()
        self._thread = QThread(self)
        self._worker = _Worker(self.input_data(), opts, self._stop)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._on_progress)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._worker.cancelled.connect(self._on_cancelled)
        for sig in (self._worker.finished, self._worker.failed, self._worker.cancelled):
            sig.connect(self._thread.quit)
        self._thread.finished.connect(self._cleanup)
        self.run_btn.setEnabled(False)
        self.cancel_btn.setEnabled(True)
        self.status.setText(t("disp.gui.running"))
        self._thread.start()

    def cancel(self) -> None:
        self._stop.set()
        self.status.setText(t("disp.gui.cancelling"))

    @Slot(float)
    def _on_progress(self, fr: float) -> None:
        self.progress.setValue(int(round(fr * 1000)))

    @Slot()
    def _cleanup(self) -> None:
        if self._worker is not None:
            self._worker.deleteLater()
        if self._thread is not None:
            self._thread.deleteLater()
        self._worker = None
        self._thread = None
        self.run_btn.setEnabled(True)
        self.cancel_btn.setEnabled(False)

    @Slot(dict)
    def _on_finished(self, res: dict) -> None:
        self.result = res
        self.progress.setValue(1000)
        self._show_result(res)
        self.resultReady.emit({"target": res["selected_target"], "isolines": res["isolines"],
                               "szz_contour": res["szz_contour"], "field_max": res["field_max"],
                               "receptors": res["receptors"], "result": res})

    @Slot(list)
    def _on_failed(self, messages: list) -> None:
        self.errors.setText("\n".join(messages))
        self.errors.show()
        self.status.setText(t("disp.gui.failed"))
        self.runFailed.emit(messages)

    @Slot()
    def _on_cancelled(self) -> None:
        self.progress.setValue(0)
        self.status.setText(t("disp.gui.cancelled"))
        self.runCancelled.emit()

    def _show_result(self, res: dict) -> None:
        rows = res["sources"]
        self.results.setRowCount(len(rows))
        for i, s in enumerate(rows):
            vals = [s["id"], s["substance_name"], _fmt(s["c_m_mg_m3"]), _fmt(s["c_m_share_gdk"], 3),
                    _fmt(s["x_m_m"]), _fmt(s["u_m_m_s"], 3), t(f"disp.regime.{s['regime']}")]
            for j, v in enumerate(vals):
                self.results.setItem(i, j, QTableWidgetItem(str(v)))
        fmx = res["field_max"]
        if fmx is not None:
            share = fmx["share_gdk_with_background"]
            self.status.setText(t("disp.gui.field_max", target=res["selected_target"],
                                  value=_fmt(fmx["value_with_background_mg_m3"]),
                                  share=_fmt(share, 3) if share is not None else "—",
                                  lat=f"{fmx['lat']:.5f}", lon=f"{fmx['lon']:.5f}"))
        if res["unverified"]:
            self.notice.setText(t("disp.gui.unverified") + "\n" +
                                "\n".join(f"• {t('disp.unv.' + u['id'])}" for u in res["unverified"]))
            self.notice.show()
        else:
            self.notice.hide()

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Stop a running calculation and wait for its thread (window closing, tests)."""
        if self._thread is not None:
            self._stop.set()
            self._thread.quit()
            self._thread.wait(timeout_ms)
