"""OND-86 dispersion panel: sources table editor, calculation in a worker thread.

Thin: every number comes from :func:`ecologis.core.dispersion.calculate`; the widget
only collects the input (the same JSON as ``docs/dispersion/sources.schema.json``),
shows progress (with Cancel) and the per-source results.

Signals
-------
``resultReady(dict)`` — emitted after a successful calculation with the map layers
(stable keys; WGS84 lon/lat GeoJSON):

* ``target`` – id of the substance or summation group shown (CAS or name / group id);
* ``isolines`` – FeatureCollection of MultiLineStrings, ``properties.level`` in shares of
  ГДК м.р. (background included), ``level_mg_m3``, ``target``; None without a ГДК;
* ``szz_contour`` – Feature with a MultiPolygon where C + C_ф ≥ 1 ГДК (``geometry`` None
  when nowhere; ``properties.touches_grid_edge``); None without a ГДК;
* ``field_max`` – dict ``value_mg_m3``, ``value_with_background_mg_m3``, ``share_gdk``,
  ``share_gdk_with_background``, ``lat``, ``lon``, ``wind_from_deg``, ``wind_speed_m_s``;
* ``receptors`` – list of dicts ``id``, ``name``, ``lat``, ``lon``, ``value_mg_m3``,
  ``value_with_background_mg_m3``, ``share_gdk_with_background``;
* ``background`` – list of the background values added (substance, value_mg_m3,
  origin, method, date, valid_until, reconstructed, reconstructed_pieces);
* ``result`` – the whole :func:`~ecologis.core.dispersion.calculate` result.

``runFailed(list)`` (translated messages) and ``runCancelled()``.

Below the per-source table, two read-only tables: the contributions of each source and
substance at the selected target's maximum for the worst wind (``contributions``) and the
permissible emissions per source and substance with the required reduction (``gdv``).

Project
-------
``set_context(profile)`` shows the profile's sources (id, coordinates, height and
diameter come from the profile and are read-only here), their emissions converted to
g/s (:func:`ecologis.pipeline.dispersion_input.input_from_profile`), the stored
backgrounds valid today (column "C_ф", tooltip: method, date, validity,
"reconstructed") and the receptors.  ``state()`` returns what the profile keeps in
the project's dispersion section (``Project.section("dispersion")``: stack parameters, per-substance rates typed here, the
backgrounds the user entered; never the values derived from the profile);
``load_state(dict)`` shows such a state.

Session
-------
Given a :class:`ecologis.session.Session` (``DispersionPanel(session)``, as the main
window does), the panel shows the session's project and keeps no state of its own: every
edit (a setting, a table cell, a removed row) becomes the undoable session command
:meth:`~ecologis.session.Session.set_dispersion_state` (it marks the project dirty and
emits ``session.events.dispersion``), and the panel shows the project again when the
session says it changed (undo, redo, another view's edit).  Without a session the panel
is a stand-alone editor of a dispersion input.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QProgressBar, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from ecologis.core.numbers import NumberProblem, parse_number
from ecologis.i18n import format_significant, t, translator

# Sources table: one row per source × emission; rows with the same id form one source.
COLUMNS = ["id", "lat", "lon", "height_m", "diameter_m", "velocity_m_s", "temp_c", "substance", "rate_g_s",
           "F", "gdk_mr_mg_m3", "background_mg_m3"]
NUMERIC = {"lat", "lon", "height_m", "diameter_m", "velocity_m_s", "temp_c", "rate_g_s", "F", "gdk_mr_mg_m3",
           "background_mg_m3"}
SOURCE_FIELDS = ["lat", "lon", "height_m", "diameter_m", "velocity_m_s", "temp_c"]
EMISSION_FIELDS = ("substance", "rate_g_s", "F", "gdk_mr_mg_m3")
PROFILE_GEOMETRY = ("lat", "lon", "height_m", "diameter_m")       # the profile's fields, read-only here
DERIVED_KEYS = ("receptors", "background", "background_provenance", "unassigned_emissions")
CONTRIB_COLUMNS = ("source", "substance", "value", "share")
GDV_COLUMNS = ("source", "substance", "m", "gdv", "reduction", "reduction_pct")
ORIGIN_ROLE = Qt.UserRole + 1          # original cell text of a value derived from the profile


_fmt = format_significant


def _profile_with_dispersion(profile, dispersion: dict):
    """A copy of ``profile`` whose dispersion section is ``dispersion`` (the panel's state)."""
    import copy

    view = copy.deepcopy(profile)
    view.set_section("dispersion", dispersion)
    return view


class _Worker(QObject):
    """Runs ``job(progress, cancel) -> dict`` (a dispersion result) in a thread."""

    progress = Signal(float)
    finished = Signal(object)           # the result itself (a dict signal would carry a converted copy)
    failed = Signal(list)
    cancelled = Signal()

    def __init__(self, job, stop: threading.Event):
        super().__init__()
        self.job, self.stop = job, stop

    @Slot()
    def run(self) -> None:
        from ecologis.core.dispersion import Cancelled, DispersionInputError

        try:
            res = self.job(self.progress.emit, self.stop.is_set)
        except Cancelled:
            self.cancelled.emit()
        except DispersionInputError as exc:
            self.failed.emit(exc.messages(translator.lang))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never swallowed silently
            self.failed.emit([t("disp.gui.error.unexpected", error=str(exc))])
        else:
            if res is None:                 # the project has no stack to calculate
                self.failed.emit([t("disp.gui.no_stacks")])
            elif "error" in res:            # the pipeline's invalid input, already translated
                self.failed.emit(list(res["error"]))
            else:
                self.finished.emit(res)


def _calculation(data: dict, options: dict):
    """The job of a calculation of the editor's own input (no project, or one substance)."""
    from ecologis.core.dispersion import calculate

    return lambda progress, cancel: calculate(data, progress=progress, cancel=cancel, lang=translator.lang,
                                              **options)


def _pipeline_job(session):
    """The job of the project's whole assessment (the pipeline's, cached for the report)."""
    job = session.assessment_job()
    return lambda progress, cancel: job(progress, cancel).dispersion


class DispersionPanel(QWidget):
    """Sources editor and OND-86 calculation; ``resultReady(dict)`` carries the map layers."""

    resultReady = Signal(dict)
    resultCleared = Signal()            # the result shown is no longer that of the project's data
    runFailed = Signal(list)
    runCancelled = Signal()

    #: how long the panel waits after an edit before it looks for the result of the new data (ms)
    CHECK_DELAY_MS = 150

    def __init__(self, session=None, parent=None):
        super().__init__(parent)
        self.session = session
        self._showing = False           # the panel is showing data: its widgets' signals are not edits
        self._pushing = False           # an edit of this panel is being applied by the session
        self.result: dict | None = None
        self._check_pending = session is not None   # look for the project's result when shown
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(self.CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.show_project_result)
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._stop = threading.Event()
        self._extra: dict = {}          # input keys the table does not edit (receptors, groups …)
        self._profile = None
        self._stored_bg: dict[str, tuple[float, dict]] = {}   # canonical substance -> (value, provenance)
        self._profile_ids: set[str] = set()
        self._lookup = None             # dictionary lookup memoised for the current operation

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
        # user text (source and receptor names) is shown as text, never as markup
        self.status = QLabel()
        self.status.setTextFormat(Qt.PlainText)
        self.status.setWordWrap(True)
        self.errors = QLabel()
        self.errors.setTextFormat(Qt.PlainText)
        self.errors.setWordWrap(True)
        self.errors.setObjectName("inlineError")          # coloured by the theme
        self.errors.hide()
        self.notice = QLabel()
        self.notice.setTextFormat(Qt.PlainText)
        self.notice.setWordWrap(True)
        self.notice.setObjectName("inlineError")
        self.notice.hide()
        self.results = QTableWidget(0, 7)
        self.results.setEditTriggers(QTableWidget.NoEditTriggers)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        # Contributions of each source and substance at the selected target's maximum (worst wind).
        self.contrib_label = QLabel()
        self.contributions = QTableWidget(0, len(CONTRIB_COLUMNS))
        self.contributions.setEditTriggers(QTableWidget.NoEditTriggers)
        self.contributions.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        # Permissible emissions (ГДВ) per source and substance.
        self.gdv_label = QLabel()
        self.gdv = QTableWidget(0, len(GDV_COLUMNS))
        self.gdv.setEditTriggers(QTableWidget.NoEditTriggers)
        self.gdv.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)

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
        lay.addWidget(self.contrib_label)
        lay.addWidget(self.contributions, 1)
        lay.addWidget(self.gdv_label)
        lay.addWidget(self.gdv, 1)

        self.retranslate()
        translator.subscribe(self._on_language)
        self.destroyed.connect(lambda *_: translator.unsubscribe(self._on_language))
        for w in (self.A, self.eta, self.ambient, self.grid_step):
            w.setKeyboardTracking(False)            # one edit per value typed, not per key
            w.valueChanged.connect(self._edited)
        self.directions.currentIndexChanged.connect(self._edited)
        self.table.itemChanged.connect(self._edited)
        if session is not None:
            session.events.dispersion.connect(self._follow_session)
            session.events.sources.connect(self._follow_session)
            for sig in self._change_signals():
                sig.connect(self._project_changed)
            self.destroyed.connect(lambda *_: self._disconnect_session())

    # ------------------------------------------------------------------ session
    def _change_signals(self) -> tuple:
        """The session's events after which the project's data may differ (every edit,
        undo and redo, a stored background, another project, another dictionary)."""
        ev = self.session.events
        return ev.stack, ev.project_loaded, ev.dictionary

    def _disconnect_session(self) -> None:
        pairs = [(self.session.events.dispersion, self._follow_session), (self.session.events.sources, self._follow_session)]
        pairs += [(sig, self._project_changed) for sig in self._change_signals()]
        for sig, slot in pairs:
            try:
                sig.disconnect(slot)
            except (ValueError, RuntimeError):
                pass

    # ------------------------------------------------------------------ the project's result
    def _project_changed(self, *_) -> None:
        """The project's data may have changed: look for their result a moment later (once
        for a burst of edits), hidden or not — the map may be showing the result's isolines."""
        self._check_pending = True
        try:
            self._check_timer.start()
        except RuntimeError:            # the C++ widget is gone
            self._disconnect_session()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._check_pending:
            self._check_timer.start()

    def show_project_result(self) -> None:
        """Show the dispersion result of the project's data as they are now when one was
        already calculated (by this panel, the report or an export: the pipeline keeps it);
        otherwise show no numbers that belong to other data, and say so."""
        if self.session is None or self._thread is not None:
            return                      # a running calculation looks when it finishes
        self._check_pending = False
        try:
            a = self.session.cached_assessment()
        except Exception:  # noqa: BLE001 - an invalid project: the results panel says why
            a = None
        disp = a.dispersion if a is not None else None
        if isinstance(disp, dict) and "error" not in disp:
            if disp is not self.result:
                self._accept(disp)
        elif self.result is not None:
            self._clear_result(t("disp.gui.outdated"))

    def _clear_result(self, status: str = "") -> None:
        self.result = None
        for table in (self.results, self.contributions, self.gdv):
            table.setRowCount(0)
        self.contrib_label.setText(t("disp.gui.contrib.title_empty"))
        self.notice.hide()
        self.progress.setValue(0)
        self.status.setText(status)
        self.resultCleared.emit()

    def _edited(self, *_) -> None:
        """A user edit: with a session, the panel's state goes to the project as one command."""
        if self._showing or self.session is None:
            return
        self._pushing = True
        try:
            self.session.set_dispersion_state(self.state())
        finally:
            self._pushing = False

    def _follow_session(self) -> None:
        """The session's project changed (undo, redo, another view): show it."""
        if self._pushing:
            return
        try:
            self.set_context(self.session.profile)
        except RuntimeError:            # the C++ widget is gone
            self._disconnect_session()

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
        self.contributions.setHorizontalHeaderLabels([t(f"disp.gui.contrib.{c}") for c in CONTRIB_COLUMNS])
        self.gdv.setHorizontalHeaderLabels([t(f"disp.gui.gdv.{c}") for c in GDV_COLUMNS])
        self.gdv_label.setText(t("disp.gui.gdv.title"))
        self.contrib_label.setText(t("disp.gui.contrib.title_empty"))
        if self.result is not None:
            self._show_result(self.result)

    # ------------------------------------------------------------------ input
    def add_row(self, values: dict | None = None, derived: set | None = None) -> int:
        """Append a row; cells named in ``derived`` come from the profile (their original
        text is remembered; geometry cells are read-only)."""
        r = self.table.rowCount()
        self.table.insertRow(r)
        values = values or {}
        derived = derived or set()
        for j, c in enumerate(COLUMNS):
            v = values.get(c)
            it = QTableWidgetItem("" if v is None else str(v))
            if c in derived:
                it.setData(ORIGIN_ROLE, it.text())
                if c in PROFILE_GEOMETRY:
                    it.setFlags(it.flags() & ~Qt.ItemIsEditable)
                    it.setToolTip(t("disp.gui.tip.from_profile"))
            if c == "background_mg_m3" and v is not None:
                key = self._canon(values.get("substance")) if values.get("substance") else None
                stored = self._stored_bg.get(key)
                if stored is not None and stored[0] == v:
                    it.setData(ORIGIN_ROLE, it.text())
                    it.setToolTip(self._background_tip(stored[1]))
            self.table.setItem(r, j, it)
        return r

    @staticmethod
    def _background_tip(pv: dict) -> str:
        tip = t("disp.gui.tip.background", method=pv.get("method") or "—", date=pv.get("date") or "—",
                valid_until=pv.get("valid_until") or "—")
        if pv.get("reconstructed"):
            tip += "\n" + t("disp.gui.tip.reconstructed", pieces=", ".join(pv.get("reconstructed_pieces") or []))
        return tip

    def remove_selected_rows(self) -> None:
        for r in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(r)
        self._edited()

    def set_input(self, data: dict) -> None:
        """Show an input dict (schema ``sources.schema.json``) in the editor."""
        showing, self._showing = self._showing, True
        try:
            self._set_input(data)
        finally:
            self._showing = showing

    def _set_input(self, data: dict) -> None:
        from ecologis.core.units import G_PER_S, from_t_per_year

        self.A.setValue(float(data.get("A", 200)))
        self.eta.setValue(float(data.get("eta", 1)))
        if data.get("ambient_temp_c") is not None:
            self.ambient.setValue(float(data["ambient_temp_c"]))
        i = self.directions.findData(int(data.get("directions", 36)))
        self.directions.setCurrentIndex(i if i >= 0 else 1)
        self.grid_step.setValue(float((data.get("grid") or {}).get("step_m", 0) or 0))
        self.table.setRowCount(0)
        backgrounds = {self._canon(k): v for k, v in (data.get("background") or {}).items()}
        for s in data.get("sources", []):
            for e in s.get("emissions", []) or [{}]:
                row = {c: s.get(c) for c in ("id", *SOURCE_FIELDS)}
                row.update({c: e.get(c) for c in EMISSION_FIELDS})
                derived = set()
                if row.get("rate_g_s") is None and e.get("mass_t_per_year") is not None and e.get("hours_per_year"):
                    # an annual mass of the profile: shown in g/s (core conversion), not stored
                    row["rate_g_s"] = float(from_t_per_year(e["mass_t_per_year"], G_PER_S, e["hours_per_year"]))
                    derived |= {"substance", "rate_g_s", "gdk_mr_mg_m3"}
                if s.get("id") in self._profile_ids:
                    derived |= set(PROFILE_GEOMETRY)
                sub = row.get("substance")
                key = self._canon(sub) if sub else None
                if key in backgrounds:
                    row["background_mg_m3"] = backgrounds[key]
                elif key in self._stored_bg:
                    row["background_mg_m3"] = self._stored_bg[key][0]
                self.add_row(row, derived=derived)
        self._extra = {k: v for k, v in data.items()
                       if k not in ("A", "eta", "ambient_temp_c", "directions", "sources", "background",
                                    "background_provenance")}

    def _canon(self, name) -> str:
        from ecologis.core.dispersion.inputs import canonical_key

        return canonical_key(str(name), self._lookup_fn())   # one dictionary load per operation

    def _lookup_fn(self):
        from ecologis.io.reference_data import dispersion_lookup

        if self._lookup is None:
            self._lookup = dispersion_lookup()
        return self._lookup

    def _fresh_lookup(self) -> None:
        """Forget the memoised dictionary lookup: the next operation loads the dictionary once."""
        self._lookup = None

    # ------------------------------------------------------------------ profile
    def set_context(self, profile) -> None:
        """See the profile's sources, emissions, stored backgrounds and receptors.

        The table is rebuilt from the profile merged with the panel's current state, so
        stack parameters typed here survive a change of the profile (e.g. a source moved
        on the map)."""
        from ecologis.pipeline.dispersion_input import input_from_profile

        self._profile = profile
        if profile is None:
            self._profile_ids = set()
            self._stored_bg = {}
            return
        if self._pushing:
            return                      # the panel already shows its own edit
        self._fresh_lookup()
        if self.session is not None:    # the project holds every edit: show it
            current = profile.section("dispersion") or {}
        else:
            current = self.state() if self.table.rowCount() else profile.section("dispersion") or {}
        doc = input_from_profile(_profile_with_dispersion(profile, current), lookup=self._lookup_fn())
        self._profile_ids = {s.id for s in profile.sources}
        prov = doc.get("background_provenance") or {}
        self._stored_bg = {k: (v, prov[k]) for k, v in (doc.get("background") or {}).items()
                           if prov.get(k, {}).get("origin") == "stored"}
        user_bg = {k: v for k, v in (doc.get("background") or {}).items() if k not in self._stored_bg}
        self.set_input(dict(doc, background=user_bg))

    def state(self) -> dict:
        """What the project's dispersion section keeps: the editor's input without what
        is derived from the profile (its sources' geometry, emissions from its table, stored
        backgrounds, receptors)."""
        data = self._collect(for_state=True)
        for k in DERIVED_KEYS:
            if k != "background":
                data.pop(k, None)
        return data

    def load_state(self, state: dict) -> None:
        """Show a saved state (the project's dispersion section); with a context, merged
        with the profile."""
        state = dict(state or {})
        if self._profile is not None:
            self.table.setRowCount(0)
            prof = self._profile
            self.set_context(_profile_with_dispersion(prof, state))
            self._profile = prof
        else:
            self.set_input(state)

    def input_data(self) -> dict:
        """The editor's content as a complete input dict (what the calculation gets).

        Cells are converted to numbers where possible; anything else is passed as typed
        so that validation names the source and field.  Stored backgrounds keep their
        provenance (method, date, validity, reconstructed)."""
        self._fresh_lookup()
        return self._collect(for_state=False)

    def _collect(self, for_state: bool) -> dict:
        sources: dict[str, dict] = {}
        user_bg: dict[str, float] = {}
        prov: dict[str, dict] = {}
        for r in range(self.table.rowCount()):
            cells, unchanged = {}, set()
            for j, c in enumerate(COLUMNS):
                it = self.table.item(r, j)
                txt = it.text().strip() if it is not None else ""
                if it is not None and it.data(ORIGIN_ROLE) is not None and it.data(ORIGIN_ROLE) == it.text():
                    unchanged.add(c)
                if txt == "":
                    continue
                if c in NUMERIC:
                    try:
                        cells[c] = parse_number(txt)[0]
                    except NumberProblem:
                        cells[c] = txt
                else:
                    cells[c] = txt
            if not cells:
                continue
            sid = cells.get("id", f"#{r + 1}")
            src = sources.setdefault(sid, {"id": sid, "emissions": []})
            for c in SOURCE_FIELDS:
                if for_state and c in PROFILE_GEOMETRY and c in unchanged:
                    continue
                if c in cells and c not in src:
                    src[c] = cells[c]
            em = {c: cells[c] for c in EMISSION_FIELDS if c in cells}
            from_profile = {"substance", "rate_g_s"} <= unchanged
            if em and not (for_state and from_profile):
                src["emissions"].append(em)
            elif em and from_profile:
                src.setdefault("_profile_emissions", []).append(em)
            bg = cells.get("background_mg_m3")
            sub = cells.get("substance")
            if sub is not None and bg is not None:
                key = self._canon(sub)
                stored = self._stored_bg.get(key)
                if stored is not None and isinstance(bg, float) and abs(stored[0] - bg) <= 1e-12 * max(1.0, bg):
                    if not for_state:
                        user_bg.setdefault(key, stored[0])
                        prov.setdefault(key, stored[1])
                elif key not in user_bg or key in prov and prov[key].get("origin") == "stored":
                    user_bg[key] = bg
                    prov[key] = {"origin": "user", "method": "user", "date": None, "valid_until": None,
                                 "reconstructed": False, "reconstructed_pieces": []}
        for src in sources.values():
            extra = src.pop("_profile_emissions", [])
            if src["emissions"] or not for_state:
                src["emissions"] = src["emissions"] + extra   # a typed rate: the whole list is kept
            else:
                src.pop("emissions")            # the profile's emissions are used
        data = dict(self._extra)
        data.update({"A": self.A.value(), "eta": self.eta.value(), "ambient_temp_c": self.ambient.value(),
                     "directions": int(self.directions.currentData()), "sources": list(sources.values())})
        if user_bg:
            if for_state:
                data["background"] = {k: v for k, v in user_bg.items() if prov[k].get("origin") == "user"}
                if not data["background"]:
                    data.pop("background")
            else:
                data["background"] = user_bg
                data["background_provenance"] = prov
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
        from ecologis.io.reference_data import summation_groups

        if self.session is not None and not self.substance.text().strip():
            job = _pipeline_job(self.session)       # the project's own result: the report reuses it
        else:
            opts = {"lookup": self._lookup_fn(), "shipped_groups": summation_groups()}
            if self.substance.text().strip():
                opts["substance"] = self.substance.text().strip()
            job = _calculation(self.input_data(), opts)
        self._thread = QThread(self)
        self._worker = _Worker(job, self._stop)
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
        self._check_pending = False     # the result that comes is that of the data as they are now
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

    @Slot(object)
    def _on_finished(self, res: dict) -> None:
        self._accept(res)
        if self._check_pending and self.session is not None:
            self._check_timer.start()   # the data changed while it ran: is this still theirs?

    def _accept(self, res: dict) -> None:
        """Show a result and send its layers to the map."""
        self.result = res
        self.progress.setValue(1000)
        self._show_result(res)
        self.resultReady.emit({"target": self._target_name(res, res["selected_target"]), "isolines": res["isolines"],
                               "szz_contour": res["szz_contour"], "field_max": res["field_max"],
                               "receptors": res["receptors"], "background": res.get("background") or [],
                               "result": res})

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

    def _display_name(self, key, given) -> str:
        """A substance's name in the language of the interface (the result names it in the
        language of the run that made it), else the name the result gives."""
        try:
            sub = self._lookup_fn()(key) if key else None
        except Exception:  # noqa: BLE001 - no dictionary: the result's own name
            sub = None
        name = getattr(sub, "name_en" if translator.lang == "en" else "name_uk", None) if sub is not None else None
        return name or given or key

    def _target_name(self, res: dict, target_id) -> str:
        """A target of the result (a substance or a summation group) by its name in the
        language of the interface, as the report names it."""
        tg = next((x for x in res.get("targets") or [] if x.get("id") == target_id), None)
        if tg is None:
            return "" if target_id is None else str(target_id)
        if tg.get("kind") == "group":
            members = " + ".join(self._display_name(k, k) for k in tg.get("substances") or [])
            return t("disp.gui.group_name", members=members)
        return self._display_name(tg.get("id"), tg.get("name"))

    def _show_result(self, res: dict) -> None:
        rows = res["sources"]
        self.results.setRowCount(len(rows))
        names = {s["substance"]: self._display_name(s["substance"], s["substance_name"]) for s in rows}
        for i, s in enumerate(rows):
            vals = [s["id"], names[s["substance"]], _fmt(s["c_m_mg_m3"]), _fmt(s["c_m_share_gdk"], 3),
                    _fmt(s["x_m_m"]), _fmt(s["u_m_m_s"], 3), t(f"disp.regime.{s['regime']}")]
            for j, v in enumerate(vals):
                self.results.setItem(i, j, QTableWidgetItem(str(v)))
        fmx = res["field_max"]
        target = self._target_name(res, res["selected_target"])
        cons = (fmx or {}).get("contributions") or []
        self.contributions.setRowCount(len(cons))
        for i, c in enumerate(cons):
            vals = [c["source"], names.get(c["substance"], c["substance"]), _fmt(c["value_mg_m3"]),
                    _fmt(100.0 * c["share"], 3)]
            for j, v in enumerate(vals):
                self.contributions.setItem(i, j, QTableWidgetItem(str(v)))
        if fmx is not None and fmx.get("wind_speed_m_s") is not None:
            self.contrib_label.setText(t("disp.gui.contrib.title", target=target,
                                         direction=_fmt(fmx["wind_from_deg"], 3),
                                         speed=_fmt(fmx["wind_speed_m_s"], 3)))
        gdv = res.get("gdv") or []
        self.gdv.setRowCount(len(gdv))
        for i, g in enumerate(gdv):
            vals = [g["source"], self._display_name(g["substance"], g["substance_name"]), _fmt(g["m_g_s"]), _fmt(g["gdv_g_s"]),
                    _fmt(g["reduction_g_s"]), _fmt(g["reduction_pct"], 3)]
            for j, v in enumerate(vals):
                self.gdv.setItem(i, j, QTableWidgetItem(str(v)))
        if fmx is not None:
            share = fmx["share_gdk_with_background"]
            self.status.setText(t("disp.gui.field_max", target=target,
                                  value=_fmt(fmx["value_with_background_mg_m3"]),
                                  share=_fmt(share, 3) if share is not None else "—",
                                  lat=f"{fmx['lat']:.5f}", lon=f"{fmx['lon']:.5f}"))
        notes = []
        if res.get("receptors"):
            lines = []
            for r in res["receptors"]:
                share = r.get("share_gdk_with_background")
                lines.append(t("disp.gui.receptor_line", name=r.get("name") or r.get("id") or "—",
                               value=_fmt(r["value_with_background_mg_m3"]),
                               share=_fmt(share, 3) if share is not None else "—"))
            notes.append(t("disp.gui.receptors", target=target) + "\n" + "\n".join(lines))
        if res.get("backgrounds_used"):
            items = []
            for b in res["backgrounds_used"]:
                item = f"{b.get('name') or b['substance']} {_fmt(b['value_mg_m3'])}"
                if b.get("reconstructed"):
                    item += " (" + t("disp.gui.tip.reconstructed",
                                     pieces=", ".join(b.get("reconstructed_pieces") or [])) + ")"
                items.append(item)
            notes.append(t("disp.gui.background_note", items="; ".join(items)))
        if res["unverified"]:
            notes.append(t("disp.gui.unverified") + "\n" +
                         "\n".join(f"• {t('disp.unv.' + u['id'])}" for u in res["unverified"]))
        if notes:
            self.notice.setText("\n".join(notes))
            self.notice.show()
        else:
            self.notice.hide()

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Stop a running calculation and wait for its thread (window closing, tests)."""
        if self._thread is not None:
            self._stop.set()
            self._thread.quit()
            self._thread.wait(timeout_ms)
