"""The session: the open project, undo/redo for every edit, dirty state, autosave and
crash recovery, recent files and settings.  Qt-free: the GUI shows its state and forwards
edits; its tests run without PySide6.
"""

from ecologis.session.session import EditRefused, RowView, Session, parse_mass_input, write_json_atomic
from ecologis.session.store import (add_recent, autosave_path, marker_path, read_session, recent_profiles,
                                    session_path)

__all__ = ["Session", "EditRefused", "RowView", "parse_mass_input", "write_json_atomic", "add_recent",
           "autosave_path", "marker_path", "read_session", "recent_profiles", "session_path"]
