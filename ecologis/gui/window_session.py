"""The window's part of the session: autosave, crash recovery, the window's geometry
and splitters, and closing.

A mixin of :class:`ecologis.gui.main_window.MainWindow`: views only, the state is the
session's (``self.wb``).
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt

from ecologis.gui.listeners import detach
from ecologis.i18n import translator
from ecologis.io.profile import ProfileError
from ecologis.session import (autosave_path, marker_path, session_path, write_json_atomic)



class WindowSessionMixin:
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
        for dlg in list(self._dialogs.values()) + list(self._panel_docks.values()):
            dlg.close()
        self.model.detach()
        self.sources_view.model.detach()
        detach(self.wb, self._handlers, self._on_language)
        ev.accept()
