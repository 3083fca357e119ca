"""The Tools panels (sender, ОПН, dispersion, background) as docks of the main window,
described as data (:data:`PANELS`), their state in the project's sections, and the
dictionary and methodology dialogs.

A mixin of :class:`ecologis.gui.main_window.MainWindow`: views only, the state is the
session's (``self.wb``).
"""

from __future__ import annotations

import importlib
import json
from typing import Callable, NamedTuple

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDockWidget, QMainWindow)

from ecologis.i18n import t


class PanelSpec(NamedTuple):
    """A Tools-menu panel, described as data; the window loops over :data:`PANELS`."""

    module: str
    cls: str
    key: str                                  # translation key of the menu entry / dock title
    args: Callable[[QMainWindow], tuple] = lambda w: ()   # constructor arguments (given the window)
    state_key: str | None = None              # project section of the panel's state (Project.section)
    state_always: bool = False                # load_state({}) when the profile has none
    on_load: str | None = None                # window method(panel) run when a profile is shown
    signals: tuple[tuple[str, str], ...] = ()  # (panel signal, window slot name)


PANELS = (
    PanelSpec("ecologis.gui.panels.sender_panel", "SenderPanel", "gui.menu.panel.sender",
              args=lambda w: (w.wb.assessment_dict,)),
    PanelSpec("ecologis.gui.panels.hazard_identification_panel", "HazardIdentificationPanel", "gui.menu.panel.opn",
              state_key="hazard_identification", state_always=True),
    # the dispersion panel edits the session's project itself (undoable commands): no state_key
    PanelSpec("ecologis.gui.panels.dispersion_panel", "DispersionPanel", "gui.menu.panel.dispersion",
              args=lambda w: (w.wb,), on_load="_give_dispersion_context",
              signals=(("resultReady", "show_dispersion"), ("runFailed", "_on_dispersion_cleared"),
                       ("resultCleared", "_on_dispersion_cleared"))),
    PanelSpec("ecologis.gui.panels.background_panel", "BackgroundPanel", "gui.menu.panel.background",
              on_load="_give_stored_backgrounds",
              signals=(("resultComputed", "_store_background"), ("pickRequested", "_pick_background"))),
    PanelSpec("ecologis.gui.zones_view", "ZonesPanel", "szz.gui.menu", args=lambda w: (w.wb, w.map),
              state_key="sanitary", state_always=True),
)
# dispersion overlays on the map: layer id -> style (colours; legend/label keys from locales/*.map.json)


class ToolPanelsMixin:
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
        """Show a Tools panel as a dock of the main window (tabbed with the other panels)."""
        dock = self._panel_docks.get(spec.key)
        if dock is None:
            klass = getattr(importlib.import_module(spec.module), spec.cls)   # imported when first opened
            dock = QDockWidget(t(spec.key).rstrip("…."), self)
            dock.setObjectName("dock_" + spec.cls)
            panel = klass(*spec.args(self))
            dock.panel, dock.spec = panel, spec
            dock.setWidget(panel)
            for signal, slot in spec.signals:
                getattr(panel, signal).connect(getattr(self, slot))
            self._load_panel_state(panel, spec)
            others = list(self._panel_docks.values())
            self.addDockWidget(Qt.RightDockWidgetArea, dock)
            if others:
                self.tabifyDockWidget(others[-1], dock)
            self._panel_docks[spec.key] = dock
        dock.show()
        dock.raise_()
        return dock

    def panel(self, cls: str):
        """The open panel of class name ``cls`` (None if it was never opened)."""
        for dlg in self._panel_docks.values():
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

    def _stateful_panels(self):
        for dlg in self._panel_docks.values():
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
        for dlg in self._panel_docks.values():
            if shiboken6.isValid(dlg.panel):
                self._load_panel_state(dlg.panel, dlg.spec)
        self.clear_dispersion_overlays()

    def _dispersion_context_key(self) -> str:
        """What the dispersion panel reads from the profile: sources, emissions and
        receptors (the site, the enterprise name or coordinates do not change it)."""
        prof = self.wb.profile
        return json.dumps([[s.to_json() if hasattr(s, "to_json") else vars(s) for s in prof.sources],
                           [e.to_json() if hasattr(e, "to_json") else vars(e) for e in prof.emissions],
                           prof.receptor_dicts()], sort_keys=True, default=str)

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

