"""The EcologIS main window (the thesis, §3.4, table 3.1, fig. 4.4).

Top bar (search, substance combo, mass, unit, Add, Delete), the emissions table and
the contributions chart in tabs, the Leaflet map, the results panel and the validation
journal.  All numbers come from :class:`ecologis.session.Session` (the core); this
module only shows them and forwards edits.
"""

from __future__ import annotations

import time

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDockWidget, QDoubleSpinBox, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListView, QMainWindow, QPushButton,
                               QSplitter, QTableView, QTabWidget, QVBoxLayout,
                               QWidget)

from ecologis.core.units import UNITS
from ecologis.gui.listeners import attach
from ecologis.gui.map.map_view import DEFAULT_CENTER, MapView
from ecologis.gui.models.journal_model import JournalModel
from ecologis.gui.models.emissions_model import COL, EmissionsModel, EmissionsProxy, qlocale, unit_label
from ecologis.gui.sources_view import SourceDelegate, SourcesView
from ecologis.gui.table_view import PartialUpdateTableView
from ecologis.gui.theme import apply_theme
from ecologis.i18n import LANGUAGES, t, translator
from ecologis.io.profile import Project, ProfileError
from ecologis.session import (Session, autosave_path, marker_path, read_session)

from ecologis.gui.entry_bar import EntryBarMixin, UnitDelegate  # noqa: F401
from ecologis.gui.map_layers import MapLayersMixin
from ecologis.gui.results_view import CATEGORY_COLORS, ResultsPanel  # noqa: F401
from ecologis.gui.tool_panels import PANELS, PanelSpec, ToolPanelsMixin  # noqa: F401
from ecologis.gui.window_files import FilesMixin
from ecologis.gui.window_menus import MenusMixin
from ecologis.gui.window_session import WindowSessionMixin
from ecologis.gui.window_underlay import UnderlayMixin


#: JavaScript: wait until the page's map has the size of its view in the window (a page
#: loaded while its view was hidden was laid out at another size), let Leaflet measure it
#: again, then run the framing code given.  Arguments: width, height, framing code.
_FRAME_WHEN_SIZED = ("(function () { var api = window.ecologisMap; if (!api || !api.map) { return; } var n = 0;"
                     " function go() { var m = api.map, c = m.getContainer();"
                     " if ((Math.abs(c.clientWidth - %d) > 2 || Math.abs(c.clientHeight - %d) > 2) && n++ < 100) {"
                     " setTimeout(go, 20); return; } m.invalidateSize(false); %s }"
                     " go(); })();")


class MainWindow(EntryBarMixin, MenusMixin, MapLayersMixin, ToolPanelsMixin, FilesMixin, WindowSessionMixin,
                 UnderlayMixin, QMainWindow):
    """The workbench window.

    ``prompt(kind, **kw)`` answers questions ("unsaved" → "save"/"discard"/"cancel",
    "recover" → True/False); by default a message box asks the user (tests pass a
    function).  ``restore`` reads the last session from the user folder.  ``map_view``
    is a map created earlier (its page already loading, see :mod:`ecologis.gui.app`).
    """

    resultShown = Signal()

    def __init__(self, workbench: Session | None = None, *, restore: bool = True, demo: bool = False,
                 open_file: str | None = None, prompt=None, autosave_delay_ms: int = 400,
                 map_view: MapView | None = None):
        super().__init__()
        self.setObjectName("EcologISMainWindow")
        self.setAcceptDrops(True)
        self._prompt = prompt
        self._closing_done = False
        self._chart_canvas = None
        self._chart_stale = True
        self._panel_docks: dict[str, QDockWidget] = {}
        self._dialogs: dict[str, QDialog] = {}
        self.theme = "light"
        self._geo_pushed = None
        self._pick_target = None
        self._early_map = map_view
        session = read_session() if restore else None
        if session:
            if session.get("language") in LANGUAGES:
                translator.set_language(session["language"])
            self._migrate_recent(session.get("recent"))
        self.theme = apply_theme((session or {}).get("theme", "light"))

        startup_note = None
        if workbench is None:
            from ecologis.core.dictionary import DictionaryError
            from ecologis.io.reference_data import load_dictionary

            try:
                dictionary, persist = load_dictionary(), True
            except DictionaryError as e:
                # the user's dictionary file is unreadable: work with the shipped one and
                # never overwrite the user's file (they may want to repair it)
                dictionary, persist = load_dictionary(user_path=False), False
                startup_note = t("gui.dict.overlay_broken", file=str(e.path), detail=e.detail)
            workbench = Session(Project(), dictionary=dictionary, persist_dictionary=persist)
            self._own_workbench = True
        else:
            self._own_workbench = False
        self.wb = workbench
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.setInterval(autosave_delay_ms)
        self._autosave_timer.timeout.connect(self.autosave)

        self._build()
        self.map.set_theme(self.theme)
        self._build_menus()
        from ecologis.gui.undo_keys import UndoKeys

        # Ctrl+Z in the mass field or a cell editor with nothing of its own to undo: the session's undo
        self._undo_keys = UndoKeys(self, self._undo_key_field, self.wb.can_undo)
        self._handlers = self._session_handlers()
        attach(self, self.wb, self._handlers, self._on_language)

        # what to show: explicit file / demo / crash recovery / last session / first run demo
        crashed = marker_path().exists() and autosave_path().exists()
        if open_file:
            self.open_path(open_file, ask=False)
        elif demo:
            self.load_demo()
        elif not self._own_workbench:
            pass
        elif crashed and self._ask("recover"):
            self._restore_state_file(autosave_path())
        elif session and isinstance(session.get("workbench"), dict):
            try:
                self.wb.restore_state(session["workbench"])
            except (ProfileError, KeyError, TypeError, ValueError):
                self.load_demo()
        else:
            self.load_demo()
        if session:
            self._restore_geometry(session)
        else:
            self.resize(1400, 880)
        self._refresh_all()
        if startup_note:
            self._set_message(startup_note, mass_invalid=False)
        try:
            marker_path().write_text(str(time.time()), encoding="utf-8")
        except OSError:
            pass

    # ================================================================== building
    def _build(self) -> None:
        # -- top bar -------------------------------------------------------------
        self.search = QLineEdit()
        self.search.setObjectName("substanceSearch")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._fill_combo)
        self.combo = QComboBox()
        self.combo.setObjectName("substanceCombo")
        self.combo.setMinimumWidth(380)
        self.combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.mass = QLineEdit()
        self.mass.setObjectName("massInput")
        self.mass.setMaximumWidth(140)
        self.mass.returnPressed.connect(self.add_current)
        self.mass.textEdited.connect(lambda *_: self._set_message(""))
        self.unit = QComboBox()
        self.unit.setObjectName("unitSwitch")
        self.unit.currentIndexChanged.connect(self._on_unit_switch)
        self.btn_add = QPushButton()
        self.btn_add.setObjectName("primary")
        self.btn_add.clicked.connect(self.add_current)
        self.btn_delete = QPushButton()
        self.btn_delete.clicked.connect(self.delete_selected)
        self.message = QLabel()
        self.message.setObjectName("inlineError")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.lbl_search, self.lbl_substance, self.lbl_mass, self.lbl_unit = QLabel(), QLabel(), QLabel(), QLabel()
        top = QHBoxLayout()
        for w in (self.lbl_search, self.search, self.lbl_substance, self.combo, self.lbl_mass, self.mass,
                  self.lbl_unit, self.unit, self.btn_add, self.btn_delete):
            top.addWidget(w)
        top.setStretchFactor(self.combo, 2)
        top.setStretchFactor(self.search, 1)

        # -- enterprise / coordinates -------------------------------------------------
        self.enterprise_name = QLabel()
        self.enterprise_name.setObjectName("enterpriseName")
        self.lbl_lat, self.lbl_lon = QLabel(), QLabel()
        self.lat = QDoubleSpinBox()
        self.lat.setRange(-90, 90)
        self.lat.setDecimals(6)
        self.lon = QDoubleSpinBox()
        self.lon.setRange(-180, 180)
        self.lon.setDecimals(6)
        for sb in (self.lat, self.lon):
            sb.setKeyboardTracking(False)
            sb.valueChanged.connect(self._on_coords_edited)
        ent = QHBoxLayout()
        ent.addWidget(self.enterprise_name, 1)
        ent.addWidget(self.lbl_lat)
        ent.addWidget(self.lat)
        ent.addWidget(self.lbl_lon)
        ent.addWidget(self.lon)

        # -- table & chart ------------------------------------------------------------
        self.model = EmissionsModel(self.wb, self)
        self.model.editRefused.connect(lambda row, msg: self._set_message(t("gui.msg.row_refused", row=row + 1, msg=msg)))
        self.proxy = EmissionsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = PartialUpdateTableView()
        self.table.setObjectName("emissionsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                   | QAbstractItemView.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setItemDelegateForColumn(COL["unit"], UnitDelegate(self.table))
        self.table.setItemDelegateForColumn(COL["source"], SourceDelegate(self.wb, self.table))
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.Interactive)
        hh.setStretchLastSection(True)
        # default widths so that contribution and share are visible without scrolling; a
        # header never clipped (widened to its text in the current language, see _fit_headers)
        self._column_widths = (("substance", 196), ("mass", 86), ("unit", 62), ("gdk", 78), ("gdk_kind", 72),
                               ("class", 44), ("a", 34), ("contribution", 100), ("share", 66))
        for name, width in self._column_widths:
            hh.resizeSection(COL[name], width)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.Fixed)   # no per-row size queries (1,000+ rows)
        vh.setDefaultSectionSize(24)
        self.delete_action = QAction(self)
        self.delete_action.setShortcut(QKeySequence.Delete)
        self.delete_action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.delete_action.triggered.connect(self.delete_selected)
        self.table.addAction(self.delete_action)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tableTabs")
        self.tabs.addTab(self.table, "")
        self.chart_holder = QWidget()
        QVBoxLayout(self.chart_holder).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self.chart_holder, "")
        self.sources_view = SourcesView(self.wb, self)      # the sources inventory tab
        self.sources_view.message.connect(lambda msg: self.statusBar().showMessage(msg, 10000))
        self.tabs.addTab(self.sources_view, "")
        self.tabs.currentChanged.connect(self._on_tab)

        # -- map ------------------------------------------------------------------------
        if self._early_map is not None:             # created before the window (start-up): adopt it
            self.map, self._early_map = self._early_map, None
            self.map.session = self.wb
        else:
            self.map = MapView(self, session=self.wb)
        # the map shows the session's project and its assessment
        self.map.markerMoved.connect(self._on_marker_moved)
        self.map.siteEdited.connect(self._on_site_edited)
        self.map.receptorsEdited.connect(self._on_receptors_edited)
        self.map.sourcesEdited.connect(self._on_sources_edited)
        self.map.analysisChanged.connect(lambda *_: self._update_conflicts())
        self.map.geometryError.connect(lambda msg: self.statusBar().showMessage(msg, 10000))
        self.map.pointPicked.connect(self._on_point_picked)
        self.map.pageReady.connect(self._push_map_state)
        self.sources_view.sourceSelected.connect(self.map.highlight_source)

        # -- results & journal -------------------------------------------------------
        self.results = ResultsPanel()
        self.journal_box = QGroupBox()
        self.journal_model = JournalModel(self)
        self.journal = QListView()
        self.journal.setObjectName("journal")
        self.journal.setModel(self.journal_model)
        # an entry is read whole: long notes wrap within the journal's width (entries are
        # grouped, so there are few of them; items differ in height)
        self.journal.setWordWrap(True)
        self.journal.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.journal.setResizeMode(QListView.Adjust)
        self.journal.setVerticalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.journal.setLayoutMode(QListView.Batched)     # many entries: laid out in batches
        self.journal.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.journal.clicked.connect(self._on_journal_click)
        self.journal.activated.connect(self._on_journal_click)
        jl = QVBoxLayout(self.journal_box)
        jl.addWidget(self.journal)

        self.split_top = QSplitter(Qt.Horizontal)
        self.split_top.setObjectName("splitTop")
        self.split_top.addWidget(self.tabs)
        self.split_top.addWidget(self.map)
        self.split_top.setSizes([800, 600])
        self.split_bottom = QSplitter(Qt.Horizontal)
        self.split_bottom.setObjectName("splitBottom")
        self.split_bottom.addWidget(self.results)
        self.split_bottom.addWidget(self.journal_box)
        self.split_bottom.setSizes([840, 560])
        self.split_main = QSplitter(Qt.Vertical)
        self.split_main.setObjectName("splitMain")
        self.split_main.addWidget(self.split_top)
        self.split_main.addWidget(self.split_bottom)
        self.split_main.setSizes([560, 320])

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.addLayout(top)
        lay.addWidget(self.message)
        lay.addLayout(ent)
        lay.addWidget(self.split_main, 1)
        self.setCentralWidget(central)

    # ================================================================== translation
    def _alive(self) -> bool:
        return shiboken6.isValid(self) and shiboken6.isValid(self.enterprise_name)

    def _on_language(self, _lang: str) -> None:
        if self._alive():
            self.retranslate()

    def set_language(self, lang: str) -> None:
        translator.set_language(lang)
        self._schedule_save()

    def retranslate(self) -> None:
        self.statusBar().clearMessage()
        self.lbl_search.setText(t("gui.top.search"))
        self.search.setPlaceholderText(t("gui.search.placeholder"))
        self.search.setToolTip(t("gui.search.tip"))
        self.lbl_substance.setText(t("gui.top.substance"))
        self.combo.setToolTip(t("gui.combo.tip"))
        self.lbl_mass.setText(t("gui.top.mass"))
        self.mass.setPlaceholderText(t("gui.mass.placeholder"))
        self.mass.setToolTip(t("gui.mass.tip"))
        self.lbl_unit.setText(t("gui.top.unit"))
        self.unit.setToolTip(t("gui.unit.tip"))
        self.unit.blockSignals(True)
        self.unit.clear()
        for u in UNITS:
            self.unit.addItem(unit_label(u), u)
        self.unit.setCurrentIndex(self.unit.findData(self.wb.display_unit))
        self.unit.blockSignals(False)
        self.btn_add.setText(t("gui.top.add"))
        self.btn_add.setToolTip(t("gui.top.add_tip"))
        self.btn_delete.setText(t("gui.top.delete"))
        self.btn_delete.setToolTip(t("gui.top.delete_tip"))
        self.lbl_lat.setText(t("gui.coords.lat"))
        self.lbl_lon.setText(t("gui.coords.lon"))
        self.lat.setToolTip(t("gui.coords.tip"))
        self.lon.setToolTip(t("gui.coords.tip"))
        self._fit_headers()
        self.tabs.setTabText(0, t("gui.tab.table"))
        self.tabs.setTabText(1, t("gui.tab.chart"))
        self.tabs.setTabText(self.tabs.indexOf(self.sources_view), t("src.tab"))
        self.journal_box.setTitle(t("gui.journal.title"))
        self.journal.setToolTip(t("gui.journal.tip"))
        self.menu_file.setTitle(t("gui.menu.file"))
        self.act_new.setText(t("gui.menu.new"))
        self.act_open.setText(t("gui.menu.open"))
        self.act_save.setText(t("gui.menu.save"))
        self.act_save_as.setText(t("gui.menu.save_as"))
        self.menu_recent.setTitle(t("gui.menu.recent"))
        self.act_demo.setText(t("gui.menu.demo"))
        self.act_import.setText(t("gui.menu.import"))
        self.act_export.setText(t("gui.menu.export"))
        self.act_report.setText(t("report.gui.menu"))
        self.act_gis_import.setText(t("gui.menu.gis_import"))
        self.act_gis_export.setText(t("gui.menu.gis_export"))
        self._retranslate_underlay()
        self.act_quit.setText(t("gui.menu.quit"))
        self.menu_edit.setTitle(t("gui.menu.edit"))
        self.delete_action.setText(t("gui.menu.delete_rows"))
        self.menu_view.setTitle(t("gui.menu.view"))
        self.menu_theme.setTitle(t("gui.menu.theme"))
        for name, a in self.theme_actions.items():
            a.setText(t("gui.theme." + name))
            a.setChecked(name == self.theme)
        self.menu_lang.setTitle(t("gui.menu.language"))
        for lang, a in self.lang_actions.items():
            a.setText(t("gui.lang." + lang))
            a.setChecked(lang == translator.lang)
        self.menu_tools.setTitle(t("gui.menu.tools"))
        self.act_dictionary.setText(t("gui.menu.dictionary"))
        self.act_method.setText(t("gui.menu.methodology"))
        for key, a in self.panel_actions.items():
            a.setText(t(key))
        self._update_stack()
        self._fill_recent()
        self.model.retranslate()
        self.journal_model.retranslate()        # the same entries, texts in the new language
        self._fill_combo()
        self.results.retranslate()
        self._update_results()
        self._update_conflicts()
        self._chart_stale = True
        self._maybe_draw_chart()
        for title_key, dlg in self._panel_docks.items():
            dlg.setWindowTitle(t(title_key).rstrip("…."))

    def _fit_headers(self) -> None:
        """Widen the table's columns whose header text (this language) would be clipped."""
        hh = self.table.horizontalHeader()
        fm = hh.fontMetrics()
        for name, width in self._column_widths:
            col = COL[name]
            text = str(self.model.headerData(col, Qt.Horizontal) or "")
            need = max(fm.horizontalAdvance(line) for line in text.split("\n")) + 22 if text else 0
            if hh.sectionSize(col) < need:
                hh.resizeSection(col, max(width, need))

    # ================================================================== workbench events
    def _session_handlers(self) -> dict:
        """Session signal → the window's handler (connected by ``attach``)."""
        def alive(f):
            return lambda *a: f(*a) if self._alive() else None
        return {name: alive(f) for name, f in (
            ("result", self._on_result), ("stack", self._on_stack), ("dictionary", self._fill_combo),
            ("display_unit", self._on_display_unit), ("enterprise", self._on_enterprise),
            ("sources", self._on_enterprise), ("project_loaded", self._on_project_loaded))}

    def _on_result(self) -> None:
        self._update_results()
        self._schedule_save()

    def _on_stack(self) -> None:
        self._update_stack()
        self._schedule_save()

    def _on_display_unit(self, unit: str) -> None:
        i = self.unit.findData(unit)
        if i != self.unit.currentIndex():
            self.unit.blockSignals(True)
            self.unit.setCurrentIndex(i)
            self.unit.blockSignals(False)
        self._schedule_save()

    def _on_enterprise(self) -> None:
        self._refresh_dispersion_context()
        self._update_enterprise(pan=False)      # an edit never moves the user's view
        self._push_geo()
        self._push_underlay()
        self._schedule_save()

    def _on_project_loaded(self) -> None:
        self._load_panel_states()
        self._push_underlay()
        prof = self.wb.profile
        fit = bool(prof.site or prof.receptors)
        if self.map.isVisible():
            if fit:
                self.map.fit_all()          # show the whole site, zone and receptors
            else:
                self.map.center_on_enterprise()
        else:
            # a map created before the window (its page loaded meanwhile) had no size: frame
            # the project once the window is shown and the page has measured its view
            self._pending_frame = fit

    def showEvent(self, ev):
        super().showEvent(ev)
        fit, self._pending_frame = getattr(self, "_pending_frame", None), None
        if fit is not None:
            QTimer.singleShot(0, lambda: self._frame_when_sized(fit))

    def _frame_when_sized(self, fit: bool) -> None:
        if not self._alive():
            return
        size = self.map.view.size()
        code = "api.fitAll();" if fit else "m.setView(api.marker.getLatLng(), m.getZoom(), {animate: false});"
        self.map.run_js(_FRAME_WHEN_SIZED % (size.width(), size.height(), code))

    def _refresh_all(self) -> None:
        self.retranslate()
        self._update_enterprise()
        self._push_geo()
        self._push_underlay()
        self._update_conflicts()

    def _update_results(self) -> None:
        self.results.update_from(self.wb)
        res = self.wb.result
        # the map re-analyses only when the radius changes; analysisChanged then
        # updates the conflicts list
        self.map.set_radius(res.szz_m if res is not None and res.knp > 0 else 0)
        self.journal_model.set_issues(res.journal if res is not None else [])
        self._chart_stale = True
        self._maybe_draw_chart()
        self.resultShown.emit()

    def _update_stack(self) -> None:
        self.act_undo.setEnabled(self.wb.can_undo())
        self.act_redo.setEnabled(self.wb.can_redo())
        uk, rk = self.wb.undo_key(), self.wb.redo_key()
        self.act_undo.setText(t("gui.menu.undo_what", what=t(uk)) if uk else t("gui.menu.undo"))
        self.act_redo.setText(t("gui.menu.redo_what", what=t(rk)) if rk else t("gui.menu.redo"))
        name = self.wb.file_path.name if self.wb.file_path else t("gui.untitled")
        self.setWindowTitle(t("gui.title", file=name) + (" *" if self.wb.dirty else ""))

    def _update_enterprise(self, pan: bool = True) -> None:
        e = self.wb.enterprise
        self.enterprise_name.setText(e.name or "")
        lat = e.lat if e.lat is not None else DEFAULT_CENTER[0]
        lon = e.lon if e.lon is not None else DEFAULT_CENTER[1]
        for sb, v in ((self.lat, lat), (self.lon, lon)):
            sb.blockSignals(True)
            sb.setValue(v)
            sb.blockSignals(False)
        self.map.set_enterprise(lat, lon, e.name or "", pan=pan)

    # ================================================================== chart
    def _on_tab(self, _i):
        self._maybe_draw_chart()

    def _maybe_draw_chart(self) -> None:
        if self.tabs.currentIndex() != 1 or not self._chart_stale or self.wb.result is None:
            return
        if self._chart_canvas is None:
            from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
            from matplotlib.figure import Figure

            self._chart_canvas = FigureCanvasQTAgg(Figure(figsize=(7, 4), dpi=100))
            self.chart_holder.layout().addWidget(self._chart_canvas)
        from ecologis.plots.contributions import contributions_figure

        contributions_figure(self.wb.result, translator.lang, figure=self._chart_canvas.figure, dark=self.theme == "dark",
                             number_format=lambda x: qlocale().toString(float(x), "f", 3))
        self._chart_canvas.draw_idle()
        self._chart_stale = False

    def _undo_key_field(self, widget) -> bool:
        """The text fields whose Ctrl+Z falls back to Edit ▸ Undo (see :mod:`ecologis.gui.undo_keys`)."""
        if not self._alive():
            return False
        if widget is self.mass or widget is self.search:
            return True
        return any(v.isAncestorOf(widget) for v in (self.table.viewport(), self.sources_view))

    # ================================================================== theme
    def set_theme(self, name: str) -> None:
        self.theme = apply_theme(name)
        self.map.set_theme(self.theme)
        for n, a in self.theme_actions.items():
            a.setChecked(n == self.theme)
        self._chart_stale = True
        self._maybe_draw_chart()
        self._schedule_save()

