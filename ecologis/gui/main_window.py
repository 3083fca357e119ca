"""The EcologIS main window (seed thesis §3.4, table 3.1, fig. 4.4).

Top bar (search, substance combo, mass, unit, Add, Delete), the emissions table and
the contributions chart in tabs, the Leaflet map, the results panel and the validation
journal.  All numbers come from :class:`ecologis.session.Session` (the core); this
module only shows them and forwards edits.
"""

from __future__ import annotations

import base64
import importlib
import json
import math
import time
from pathlib import Path
from typing import Callable, NamedTuple

import shiboken6
from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDoubleSpinBox, QFileDialog,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListView, QListWidget,
                               QMainWindow, QMessageBox, QPushButton, QSplitter,
                               QStyledItemDelegate, QTableView, QTabWidget, QVBoxLayout, QWidget)

from ecologis.model import Enterprise
from ecologis.core.units import UNITS
from ecologis.gui.listeners import attach, detach
from ecologis.gui.map.map_view import DEFAULT_CENTER, MapView
from ecologis.gui.models.journal_model import ROW_ROLE as JOURNAL_ROW_ROLE
from ecologis.gui.models.journal_model import JournalModel
from ecologis.gui.models.emissions_model import COL, EmissionsModel, EmissionsProxy, fmt_number, qlocale, unit_label
from ecologis.gui.panels import file_actions
from ecologis.gui.panels.import_preview import run_import_dialog
from ecologis.gui.sources_view import SourceDelegate, SourcesView
from ecologis.gui.theme import THEMES, apply_theme
from ecologis.i18n import LANGUAGES, t, translator
from ecologis.io.profile import Project, ProfileError, load_profile
from ecologis.paths import DEMO_PROFILE
from ecologis.session import (InputProblem, Session, autosave_path, marker_path, read_session, session_path,
                              write_json_atomic)

CATEGORY_COLORS = {"I": ("#b71c1c", "#ffffff"), "II": ("#e65100", "#ffffff"), "III": ("#f9a825", "#000000"),
                   "IV": ("#2e7d32", "#ffffff"), "V": ("#1565c0", "#ffffff")}


class PanelSpec(NamedTuple):
    """A Tools-menu panel, described as data; the window loops over :data:`PANELS`."""

    module: str
    cls: str
    key: str                                  # translation key of the menu entry / dialog title
    args: Callable[["MainWindow"], tuple] = lambda w: ()   # constructor arguments
    state_key: str | None = None              # project section of the panel's state (Project.section)
    state_always: bool = False                # load_state({}) when the profile has none
    on_load: str | None = None                # window method(panel) run when a profile is shown
    signals: tuple[tuple[str, str], ...] = ()  # (panel signal, window slot name)


PANELS = (
    PanelSpec("ecologis.gui.panels.sender_panel", "SenderPanel", "gui.menu.panel.sender",
              args=lambda w: (w.wb.assessment_dict,)),
    PanelSpec("ecologis.gui.panels.hazard_identification_panel", "HazardIdentificationPanel", "gui.menu.panel.opn",
              state_key="hazard_identification", state_always=True),
    PanelSpec("ecologis.gui.panels.dispersion_panel", "DispersionPanel", "gui.menu.panel.dispersion",
              state_key="dispersion", on_load="_give_dispersion_context",
              signals=(("resultReady", "show_dispersion"), ("runFailed", "_on_dispersion_cleared"))),
    PanelSpec("ecologis.gui.panels.background_panel", "BackgroundPanel", "gui.menu.panel.background",
              on_load="_give_stored_backgrounds",
              signals=(("resultComputed", "_store_background"), ("pickRequested", "_pick_background"))),
)
# dispersion overlays on the map: layer id -> style (colours; legend/label keys from locales/*.map.json)
OVERLAY_STYLES = {
    "isolines": {"color": "#6a1b9a", "weight": 2, "legend": "map.overlay.isolines",
                 "label": "map.overlay.isoline_label"},
    "szz_contour": {"color": "#0d47a1", "weight": 2, "dashArray": "6 4", "fillOpacity": 0.05,
                    "legend": "map.overlay.szz_contour", "popup": "map.overlay.szz_contour_popup"},
    "field_max": {"color": "#b71c1c", "point": True, "legend": "map.overlay.field_max",
                  "popup": "map.overlay.field_max_popup"},
    "receptor_values": {"color": "#e65100", "point": True, "legend": "map.overlay.receptor_values",
                        "popup": "map.overlay.receptor_value_popup"},
}


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


class ResultsPanel(QGroupBox):
    """КНП, category badge, СЗЗ, dominant substances, preset, recommendations and the
    traceability note (ГДК kind per row, rows using their own values)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.knp_caption, self.cat_caption, self.szz_caption = QLabel(), QLabel(), QLabel()
        self.knp_value = QLabel()
        self.knp_value.setObjectName("knpValue")
        self.knp_value.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.category_badge = QLabel()
        self.category_badge.setObjectName("categoryBadge")
        self.category_badge.setAlignment(Qt.AlignCenter)
        self.category_badge.setMinimumWidth(48)
        self.szz_value = QLabel()
        self.szz_value.setObjectName("knpValue")
        self.dominant = QLabel()
        self.dominant.setWordWrap(True)
        self.preset = QLabel()
        self.preset.setWordWrap(True)
        self.preset.setObjectName("note")
        self.rec_caption = QLabel()
        self.recommendations = QListWidget()
        self.recommendations.setWordWrap(True)
        self.trace = QLabel()
        self.trace.setWordWrap(True)
        self.trace.setObjectName("note")
        self.gdk_rule = QLabel()
        self.gdk_rule.setWordWrap(True)
        self.gdk_rule.setObjectName("note")
        self.conflicts_caption = QLabel()
        self.conflicts_caption.setObjectName("conflictsCaption")
        self.conflicts = QListWidget()
        self.conflicts.setObjectName("conflicts")
        self.conflicts.setWordWrap(True)
        self.conflicts.setMaximumHeight(52)
        self._conflict_lines: list[str] = []
        row = QHBoxLayout()
        for cap, val in ((self.knp_caption, self.knp_value), (self.cat_caption, self.category_badge),
                         (self.szz_caption, self.szz_value)):
            row.addWidget(cap)
            row.addWidget(val)
            row.addSpacing(16)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.dominant)
        lay.addWidget(self.preset)
        lay.addWidget(self.rec_caption)
        lay.addWidget(self.recommendations, 1)
        lay.addWidget(self.conflicts_caption)
        lay.addWidget(self.conflicts)
        lay.addWidget(self.trace)
        lay.addWidget(self.gdk_rule)

    def retranslate(self) -> None:
        """Captions (the values follow with :meth:`update_from`)."""
        self.setTitle(t("gui.results.title"))
        self.knp_caption.setText(t("gui.results.knp"))
        self.cat_caption.setText(t("gui.results.category"))
        self.szz_caption.setText(t("gui.results.szz"))
        self.rec_caption.setText(t("gui.results.recommendations"))
        self.gdk_rule.setText(t("gdk.rule"))
        self.conflicts_caption.setText(t("geo.conflicts.title") + ":")
        self.set_conflicts(self._conflict_lines)

    def update_from(self, wb: Session) -> None:
        res = wb.result
        if res is None or res.knp <= 0:
            self.knp_value.setText("—")
            self.category_badge.setText("—")
            self.category_badge.setStyleSheet("")
            self.szz_value.setText("—")
            self.dominant.setText(t("gui.results.no_data"))
            self.recommendations.clear()
            self.trace.setText("")
            self.preset.setText(t("gui.results.preset", name=wb.preset_name()))
            return
        self.knp_value.setText(qlocale().toString(float(res.knp), "f", 3))
        bg, fg = CATEGORY_COLORS.get(res.category, ("#607d8b", "#ffffff"))
        self.category_badge.setText(res.category)
        self.category_badge.setStyleSheet(
            f"QLabel#categoryBadge {{ background: {bg}; color: {fg}; border-radius: 8px; padding: 2px 10px; font-weight: bold; }}")
        self.category_badge.setToolTip(t("gui.results.category_tip", cat=res.category))
        self.szz_value.setText(t("gui.results.szz_value", m=qlocale().toString(float(res.szz_m), "f", 0)))
        lang = translator.lang
        names = ", ".join(s.name(lang) for s in res.dominant_substances())
        self.dominant.setText(t("gui.results.dominant", names=names or "—"))
        self.preset.setText(t("gui.results.preset", name=wb.preset_name()))
        self.recommendations.clear()
        for r in res.recommendations():
            self.recommendations.addItem(r.text(lang))
        usage = wb.gdk_usage()
        parts = [t("gui.results.trace_kind", kind=t("gdk_kind." + k), rows=_rows_text(v)) for k, v in usage.items()]
        own = wb.rows_with_own_values()
        text = t("gui.results.trace", parts="; ".join(parts)) if parts else ""
        if own:
            text += " " + t("gui.results.trace_own", rows=_rows_text(own))
        self.trace.setText(text)

    def set_conflicts(self, lines: list[str]) -> None:
        """Receptors inside the СЗЗ (lines from the map's site analysis)."""
        self._conflict_lines = list(lines)
        self.conflicts.clear()
        if lines:
            for line in lines:
                self.conflicts.addItem(line)
        else:
            self.conflicts.addItem(t("geo.conflicts.none"))

    def conflict_texts(self) -> list[str]:
        """The listed conflicts (empty when there are none)."""
        return list(self._conflict_lines)


def _rows_text(rows: list[int]) -> str:
    """Compact row list "1–4, 7"."""
    out, start, prev = [], None, None
    for r in rows:
        if start is None:
            start = prev = r
        elif r == prev + 1:
            prev = r
        else:
            out.append(str(start) if start == prev else f"{start}–{prev}")
            start = prev = r
    if start is not None:
        out.append(str(start) if start == prev else f"{start}–{prev}")
    return ", ".join(out)


class MainWindow(QMainWindow):
    """The workbench window.

    ``prompt(kind, **kw)`` answers questions ("unsaved" → "save"/"discard"/"cancel",
    "recover" → True/False); by default a message box asks the user (tests pass a
    function).  ``restore`` reads the last session from the user folder.
    """

    resultShown = Signal()

    def __init__(self, workbench: Session | None = None, *, restore: bool = True, demo: bool = False,
                 open_file: str | None = None, prompt=None, autosave_delay_ms: int = 400):
        super().__init__()
        self.setObjectName("EcologISMainWindow")
        self.setAcceptDrops(True)
        self._prompt = prompt
        self._closing_done = False
        self._chart_canvas = None
        self._chart_stale = True
        self._panel_dialogs: dict[str, QDialog] = {}
        self._dialogs: dict[str, QDialog] = {}
        self.theme = "light"
        self._geo_pushed = None
        self._pick_target = None
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
        self._build_menus()
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
        self.table = QTableView()
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
        # default widths so that contribution and share are visible without scrolling
        for name, width in (("substance", 196), ("mass", 86), ("unit", 62), ("gdk", 78), ("gdk_kind", 72),
                            ("class", 44), ("a", 34), ("contribution", 100), ("share", 66)):
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
        self.map = MapView(self)
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
        self.journal.setUniformItemSizes(True)
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

    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.menu_file = mb.addMenu("")
        self.act_new = self.menu_file.addAction("", self.file_new)
        self.act_new.setShortcut(QKeySequence.New)
        self.act_open = self.menu_file.addAction("", self.file_open)
        self.act_open.setShortcut(QKeySequence.Open)
        self.act_save = self.menu_file.addAction("", self.file_save)
        self.act_save.setShortcut(QKeySequence.Save)
        self.act_save_as = self.menu_file.addAction("", self.file_save_as)
        self.act_save_as.setShortcut(QKeySequence.SaveAs)
        self.menu_recent = self.menu_file.addMenu("")
        self.act_demo = self.menu_file.addAction("", self.load_demo)
        # import / export / PDF report come from the profiles area (ecologis.gui.panels.file_actions)
        self.menu_file.addSeparator()
        self.act_import = self.menu_file.addAction("", self.import_table)
        self.act_export = self.menu_file.addAction("", self.export_to)
        self.act_report = self.menu_file.addAction("", self.report_to)
        self.act_gis_import = self.menu_file.addAction("", self.import_gis)
        self.act_gis_export = self.menu_file.addAction("", self.export_gis)
        self.menu_file.addSeparator()
        self.act_quit = self.menu_file.addAction("", self.close)
        self.act_quit.setShortcut(QKeySequence.Quit)

        self.menu_edit = mb.addMenu("")
        self.act_undo = self.menu_edit.addAction("", self.wb.undo)
        self.act_undo.setShortcut(QKeySequence.Undo)
        self.act_redo = self.menu_edit.addAction("", self.wb.redo)
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.Redo])
        self.menu_edit.addSeparator()
        self.menu_edit.addAction(self.delete_action)

        self.menu_view = mb.addMenu("")
        self.menu_theme = self.menu_view.addMenu("")
        self.theme_group = QActionGroup(self)
        self.theme_actions = {}
        for name in THEMES:
            a = self.menu_theme.addAction("")
            a.setCheckable(True)
            a.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            self.theme_group.addAction(a)
            self.theme_actions[name] = a
        self.menu_lang = self.menu_view.addMenu("")
        self.lang_group = QActionGroup(self)
        self.lang_actions = {}
        for lang in LANGUAGES:
            a = self.menu_lang.addAction("")
            a.setCheckable(True)
            a.triggered.connect(lambda _=False, lg=lang: self.set_language(lg))
            self.lang_group.addAction(a)
            self.lang_actions[lang] = a

        self.menu_tools = mb.addMenu("")
        self.act_dictionary = self.menu_tools.addAction("", self.open_dictionary_editor)
        self.act_method = self.menu_tools.addAction("", self.open_methodology)
        self.panel_actions = {}
        self.menu_tools.addSeparator()
        for spec in PANELS:
            a = self.menu_tools.addAction("")
            a.triggered.connect(lambda _=False, sp=spec: self._open_panel(sp))
            self.panel_actions[spec.key] = a

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
        self.act_report.setText(t("gui.menu.report"))
        self.act_gis_import.setText(t("gui.menu.gis_import"))
        self.act_gis_export.setText(t("gui.menu.gis_export"))
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
        self._fill_combo()
        self.results.retranslate()
        self._update_results()
        self._update_conflicts()
        self._chart_stale = True
        self._maybe_draw_chart()
        for title_key, dlg in self._panel_dialogs.items():
            dlg.setWindowTitle(t(title_key).rstrip("…."))

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
        self._schedule_save()

    def _on_project_loaded(self) -> None:
        self._load_panel_states()
        prof = self.wb.profile
        if prof.site or prof.receptors:
            self.map.fit_all()          # show the whole site, zone and receptors
        else:
            self.map.center_on_enterprise()

    def _refresh_all(self) -> None:
        self.retranslate()
        self._update_enterprise()
        self._push_geo()
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

    def _push_geo(self) -> None:
        """Send the profile's site, receptors and sources to the map when they differ
        from what it shows (edits made on the map come back here unchanged)."""
        prof = self.wb.profile
        receptors = list(prof.receptors)
        sources = [{"id": s.id, "name": s.name, "lat": s.lat, "lon": s.lon}
                   for s in prof.sources if s.lat is not None and s.lon is not None]
        key = json.dumps([prof.site, receptors, sources], sort_keys=True, default=str)
        if key == self._geo_pushed:
            return
        self._geo_pushed = key
        if getattr(self, "_geo_from_map", False):
            return          # the map already shows this edit (made there): do not redraw under the user
        if not (prof.site or receptors or self.map.site() or self.map.receptors()):
            self.map.set_sources(sources)   # nothing to validate: no shapely at start-up
            return
        from ecologis.core.geometry import GeometryError

        try:
            self.map.set_site(prof.site)
        except GeometryError as err:
            self.statusBar().showMessage(err.message(), 10000)
        try:
            self.map.set_receptors(receptors)
        except GeometryError as err:
            self.statusBar().showMessage(err.message(), 10000)
        self.map.set_sources(sources)

    def _update_conflicts(self) -> None:
        """Receptors inside the СЗЗ, listed in the results panel."""
        if not self._alive():
            return
        self.results.set_conflicts(self.map.conflict_lines())

    def conflict_lines(self) -> list[str]:
        return self.results.conflict_texts()

    def _map_edit(self, apply) -> None:
        """An edit made on the map: into the profile (undoable), not drawn back."""
        self._geo_from_map = True
        try:
            apply()
        finally:
            self._geo_from_map = False

    def _on_site_edited(self, geom: dict) -> None:
        self._map_edit(lambda: self.wb.set_site(geom or None))

    def _on_receptors_edited(self, items: list) -> None:
        self._map_edit(lambda: self.wb.set_receptors(
            [{k: v for k, v in dict(r).items() if k in ("id", "name", "kind", "geometry")} for r in items]))

    def _on_sources_edited(self, items: list) -> None:
        self._map_edit(lambda: self.wb.set_source_points(items))

    def _push_map_state(self) -> None:
        if not self._alive():
            return
        self._update_enterprise()
        res = self.wb.result
        self.map.set_radius(res.szz_m if res is not None and res.knp > 0 else 0)

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
        except InputProblem as p:
            self._set_message(p.message())
            self.mass.setToolTip(p.message())
            return False
        self._set_message("")
        self.mass.setToolTip(t("gui.mass.tip"))
        self.mass.clear()
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
        index = next((i for i, e in enumerate(self.wb.emissions) if (e.row or i + 1) == issue.row), None)
        rec = None if index is None else self.wb.row_substance_record(index)
        if rec is None:
            return
        if self._ask("add_row_substance", name=rec["name_uk"]):
            if self.wb.add_row_substance(index):
                self.statusBar().showMessage(t("gui.journal.added_substance", name=rec["name_uk"]), 10000)

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

    # ================================================================== theme
    def set_theme(self, name: str) -> None:
        self.theme = apply_theme(name)
        for n, a in self.theme_actions.items():
            a.setChecked(n == self.theme)
        self._chart_stale = True
        self._maybe_draw_chart()
        self._schedule_save()

    # ================================================================== dialogs & panels
    def open_dictionary_editor(self):
        from ecologis.gui.dictionary_editor import DictionaryEditor

        dlg = self._dialogs.get("dictionary")
        if dlg is None:
            dlg = DictionaryEditor(self.wb, self)
            self._dialogs["dictionary"] = dlg
        dlg.show()
        dlg.raise_()
        return dlg

    def open_methodology(self):
        from ecologis.gui.methodology_dialog import MethodologyDialog

        dlg = self._dialogs.get("methodology")
        if dlg is None:
            dlg = MethodologyDialog(self.wb, self)
            self._dialogs["methodology"] = dlg
        dlg.show()
        dlg.raise_()
        return dlg

    def _open_panel(self, spec: PanelSpec):
        dlg = self._panel_dialogs.get(spec.key)
        if dlg is None:
            klass = getattr(importlib.import_module(spec.module), spec.cls)   # imported when first opened
            dlg = QDialog(self)
            dlg.setModal(False)
            dlg.setWindowTitle(t(spec.key).rstrip("…."))
            lay = QVBoxLayout(dlg)
            panel = klass(*spec.args(self))
            dlg.panel, dlg.spec = panel, spec
            lay.addWidget(panel)
            for signal, slot in spec.signals:
                getattr(panel, signal).connect(getattr(self, slot))
            self._load_panel_state(panel, spec)
            dlg.resize(900, 640)
            self._panel_dialogs[spec.key] = dlg
        dlg.show()
        dlg.raise_()
        return dlg

    def panel(self, cls: str):
        """The open panel of class name ``cls`` (None if it was never opened)."""
        for dlg in self._panel_dialogs.values():
            p = getattr(dlg, "panel", None)
            if p is not None and type(p).__name__ == cls:
                return p
        return None

    def open_panel(self, cls: str):
        """Open (or raise) a Tools panel by class name; returns the panel widget."""
        for spec in PANELS:
            if spec.cls == cls:
                return self._open_panel(spec).panel
        return None

    def _on_dispersion_cleared(self, *_) -> None:
        self.clear_dispersion_overlays()

    def _pick_background(self, *_) -> None:
        self.start_pick("background")

    # -- background results (issue 7) ------------------------------------------------
    def _store_background(self, result) -> None:
        from ecologis.core.background.store import store_result, stored_results

        store_result(self.wb.profile, result)
        self.wb.mark_changed()
        p = self.panel("BackgroundPanel")
        if p is not None:
            p.set_stored(stored_results(self.wb.profile))

    # -- pick a point on the map (background interpolation, issue 7 §2.6) ---------------
    def start_pick(self, target: str) -> None:
        self._pick_target = target
        self.map.start_pick()
        self.statusBar().showMessage(t("gui.status.pick"), 15000)

    def _on_point_picked(self, lat: float, lon: float) -> None:
        target, self._pick_target = self._pick_target, None
        if target == "background":
            p = self.panel("BackgroundPanel")
            if p is not None:
                p.set_point(lat, lon)
                dlg = p.window()
                dlg.show()
                dlg.raise_()
        self.statusBar().clearMessage()

    # -- dispersion overlays (OND-86 results on the map) ----------------------------------
    def show_dispersion(self, data: dict) -> None:
        """Draw the dispersion panel's result: isolines (shares of ГДК м.р.), the
        calculated СЗЗ contour beside the normative zone, and the maximum point."""
        if not self._alive():
            return
        if not data:
            self.clear_dispersion_overlays()
            return
        szz = data.get("szz_contour")
        if isinstance(szz, dict) and szz.get("type") == "Feature" and szz.get("geometry") is None:
            szz = None
        fmax = data.get("field_max")
        point = None
        if isinstance(fmax, dict) and fmax.get("lat") is not None:
            props = {"target": data.get("target") or "",
                     "share": fmax.get("share_gdk_with_background"),
                     "value": fmax.get("value_with_background_mg_m3")}
            point = {"type": "Feature", "properties": props,
                     "geometry": {"type": "Point", "coordinates": [fmax["lon"], fmax["lat"]]}}
        receptors = [
            {"type": "Feature",
             "properties": {"name": r.get("name") or r.get("id") or "", "target": data.get("target") or "",
                            "value": r.get("value_with_background_mg_m3"), "share": r.get("share_gdk_with_background")},
             "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]}}
            for r in (data.get("receptors") or []) if r.get("lat") is not None and r.get("lon") is not None]
        self.map.set_overlay("receptor_values", {"type": "FeatureCollection", "features": receptors} if receptors else None,
                             OVERLAY_STYLES["receptor_values"])
        self.map.set_overlay("isolines", data.get("isolines") or None, OVERLAY_STYLES["isolines"])
        self.map.set_overlay("szz_contour", szz, OVERLAY_STYLES["szz_contour"])
        self.map.set_overlay("field_max", point, OVERLAY_STYLES["field_max"])

    def clear_dispersion_overlays(self) -> None:
        for lid in OVERLAY_STYLES:
            self.map.set_overlay(lid, None, OVERLAY_STYLES[lid])

    # -- GIS exchange (issue 6) -----------------------------------------------------------
    def import_gis(self, path: str | Path | None = None) -> bool:
        """File ▸ Import GIS layers (GeoJSON/KML; CSV of receptors): one undoable command."""
        from ecologis.core.geometry import GeometryError
        from ecologis.io.gis import GisError, read_layers

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, t("gui.menu.gis_import"), "", t("gui.gis.filter_in"))
            if not path:
                return False
        try:
            layers = read_layers(path)
            if layers.is_empty():
                raise GisError(Path(path).name, "geo.gis.error.empty")
            self.wb.apply_gis_layers(layers)
        except (GisError, GeometryError) as e:
            self._set_message(e.message(), mass_invalid=False)
            self._ask("error", text=e.message())
            return False
        self.map.fit_all()
        return True

    def export_gis(self, path: str | Path | None = None) -> Path | None:
        """File ▸ Export GIS layers: site, sources, receptors and the СЗЗ in one file."""
        from ecologis.core.geometry import GeometryError
        from ecologis.io.gis import GisError, layers_from_profile, write_layers

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, t("gui.menu.gis_export"), "", t("gui.gis.filter_out"))
            if not path:
                return None
            if Path(path).suffix.lower() not in (".geojson", ".json", ".kml"):
                path += ".geojson"
        szz = None
        if self.map.analysis() is not None:
            szz = self.map.analysis().szz
        try:
            write_layers(path, layers_from_profile(self.wb.profile, szz=szz), translator.lang)
        except (GisError, GeometryError) as e:
            self._ask("error", text=e.message())
            return None
        except OSError as e:
            self._ask("error", text=t("gui.error.save", file=str(path), detail=str(e)))
            return None
        self.statusBar().showMessage(t("gui.status.exported", file=Path(path).name), 10000)
        return Path(path)

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

    def _stateful_panels(self):
        for dlg in self._panel_dialogs.values():
            panel, key = dlg.panel, dlg.spec.state_key
            if key and shiboken6.isValid(panel):
                yield key, panel

    @staticmethod
    def _state_text(panel) -> str | None:
        try:
            return json.dumps(panel.state(), sort_keys=True, ensure_ascii=False, default=str)
        except (RuntimeError, ValueError, TypeError, KeyError):
            return None

    def _store_panel_states(self, baseline: bool = False) -> None:
        """Put the open panels' state into the project's sections (before saving; also
        into the session so that a restart keeps it)."""
        for key, panel in self._stateful_panels():
            text = self._state_text(panel)
            if text is not None:
                self.wb.profile.set_section(key, json.loads(text))
                if baseline:
                    panel._saved_state_text = text

    def panels_changed(self) -> bool:
        """True when an open panel (ОПН, dispersion) was edited since it was loaded or saved."""
        return any(self._state_text(p) != getattr(p, "_saved_state_text", None) for _k, p in self._stateful_panels())

    def _load_panel_states(self) -> None:
        """A new profile was loaded: the open panels show its state."""
        for dlg in self._panel_dialogs.values():
            if shiboken6.isValid(dlg.panel):
                self._load_panel_state(dlg.panel, dlg.spec)
        self.clear_dispersion_overlays()

    def _dispersion_context_key(self) -> str:
        """What the dispersion panel reads from the profile: sources, emissions and
        receptors (the site, the enterprise name or coordinates do not change it)."""
        prof = self.wb.profile
        return json.dumps([[s.to_json() if hasattr(s, "to_json") else vars(s) for s in prof.sources],
                           [e.to_json() if hasattr(e, "to_json") else vars(e) for e in prof.emissions],
                           prof.receptors], sort_keys=True, default=str)

    def _refresh_dispersion_context(self) -> None:
        """The dispersion panel follows the profile's geography (a source moved on the
        map) — rebuilt only when what it reads changed."""
        p = self.panel("DispersionPanel")
        if p is not None and shiboken6.isValid(p) and hasattr(p, "set_context"):
            key = self._dispersion_context_key()
            if key == getattr(p, "_context_key", None):
                return
            p._context_key = key
            edited = self._state_text(p) != getattr(p, "_saved_state_text", None)
            p.set_context(self.wb.profile)
            if not edited:      # what follows from the profile is not an edit of the panel
                p._saved_state_text = self._state_text(p)

    def _load_panel_state(self, panel, spec: PanelSpec) -> None:
        """A panel shows the current profile: its context, then its stored state."""
        if spec.on_load:
            getattr(self, spec.on_load)(panel)
        if spec.state_key:
            st = self.wb.profile.section(spec.state_key)
            if isinstance(st, dict) or (st is None and spec.state_always):
                panel.load_state(st or {})
            panel._saved_state_text = self._state_text(panel)

    def _give_dispersion_context(self, panel) -> None:
        panel.set_context(self.wb.profile)      # sources, emissions, stored backgrounds, receptors
        panel._context_key = self._dispersion_context_key()

    def _give_stored_backgrounds(self, panel) -> None:
        from ecologis.core.background.store import stored_results

        panel.set_stored(stored_results(self.wb.profile))

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
        return file_actions.export_dialog(self, self.wb.profile, self.wb.result, path, fmt)

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

    # ================================================================== session
    def _schedule_save(self) -> None:
        if not self._closing_done:
            self._autosave_timer.start()

    def autosave(self) -> None:
        """Atomic write of the workbench to the user data folder (crash recovery)."""
        try:
            write_json_atomic(autosave_path(), {"saved_at": time.time(), "workbench": self.wb.state_json()})
        except OSError:
            pass

    def _restore_state_file(self, path: Path) -> bool:
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            self.wb.restore_state(d["workbench"])
            return True
        except (OSError, ValueError, KeyError, TypeError, ProfileError):
            self.load_demo()
            return False

    def session_json(self) -> dict:
        return {
            "geometry": base64.b64encode(bytes(self.saveGeometry())).decode("ascii"),
            "state": base64.b64encode(bytes(self.saveState())).decode("ascii"),
            "rect": [self.x(), self.y(), self.width(), self.height()],
            "maximized": self.isMaximized(),
            "splitters": {s.objectName(): s.sizes() for s in (self.split_top, self.split_bottom, self.split_main)},
            "language": translator.lang,
            "theme": self.theme,
            "workbench": self.wb.state_json(),
        }

    def save_session(self) -> None:
        self._store_panel_states()
        write_json_atomic(session_path(), self.session_json())

    def _restore_geometry(self, session: dict) -> None:
        try:
            if session.get("geometry"):
                self.restoreGeometry(QByteArray(base64.b64decode(session["geometry"])))
            if session.get("state"):
                self.restoreState(QByteArray(base64.b64decode(session["state"])))
        except (ValueError, TypeError):
            pass
        rect = session.get("rect")
        if isinstance(rect, list) and len(rect) == 4 and all(isinstance(x, int) for x in rect):
            # restoreGeometry refuses some saved states (other screen, offscreen): keep the size
            if (self.width(), self.height()) != (rect[2], rect[3]):
                self.resize(max(rect[2], 400), max(rect[3], 300))
                self.move(rect[0], rect[1])
        if session.get("maximized"):
            self.setWindowState(self.windowState() | Qt.WindowMaximized)
        self._pending_splitters = session.get("splitters") or {}
        self._apply_splitters()

    def _apply_splitters(self) -> None:
        sizes = getattr(self, "_pending_splitters", None) or {}
        for s in (self.split_top, self.split_bottom, self.split_main):
            v = sizes.get(s.objectName())
            if isinstance(v, list) and all(isinstance(x, int) for x in v):
                s.setSizes(v)

    def showEvent(self, ev):
        super().showEvent(ev)
        if getattr(self, "_pending_splitters", None):
            # sizes are only kept exactly once the window has its final size
            self._apply_splitters()
            self._pending_splitters = None

    def closeEvent(self, ev):
        if self._closing_done:
            ev.accept()
            return
        if not self._maybe_keep_changes():
            ev.ignore()
            return
        self._closing_done = True
        self._autosave_timer.stop()
        try:
            self.save_session()
            self.autosave()
            marker_path().unlink(missing_ok=True)
        except OSError:
            pass
        for dlg in list(self._dialogs.values()) + list(self._panel_dialogs.values()):
            dlg.close()
        self.model.detach()
        self.sources_view.model.detach()
        detach(self.wb, self._handlers, self._on_language)
        ev.accept()
