"""Where the open session is kept between runs (Qt-free): the window session, the
autosave for crash recovery, the "running" marker, and the recent profiles list.

All in the user's folders (``ecologis.paths``); every write is atomic.
"""

from __future__ import annotations

import json
from pathlib import Path

from ecologis.paths import user_config_dir, user_data_dir

SESSION_FILE = "session.json"
AUTOSAVE_FILE = "autosave.json"
RUNNING_MARKER = "running.marker"
RECENT_FILE = "recent_profiles.json"
MAX_RECENT = 10


def session_path() -> Path:
    return user_config_dir() / SESSION_FILE


def autosave_path() -> Path:
    return user_data_dir() / AUTOSAVE_FILE


def marker_path() -> Path:
    """Exists while the application runs: found at start-up, the last run did not end
    normally and the autosave is offered for recovery."""
    return user_data_dir() / RUNNING_MARKER


def read_json_dict(p: Path) -> dict | None:
    """A JSON object from ``p``, or ``None`` when it is missing, unreadable or not an object."""
    if not p.exists():
        return None
    try:
        d = json.loads(p.read_text(encoding="utf-8"))
        return d if isinstance(d, dict) else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None


def read_session() -> dict | None:
    return read_json_dict(session_path())


# -- recent profiles -----------------------------------------------------------------
def _recent_file() -> Path:
    return user_config_dir() / RECENT_FILE


def recent_profiles() -> list[str]:
    try:
        data = json.loads(_recent_file().read_text(encoding="utf-8"))
        return [p for p in data if isinstance(p, str)][:MAX_RECENT]
    except (OSError, ValueError):
        return []


def add_recent(path: str | Path) -> list[str]:
    """Put ``path`` first in the recent list (kept to :data:`MAX_RECENT`); returns the list."""
    from ecologis.io.atomic import atomic_write_text

    p = str(Path(path).resolve())
    items = [p] + [x for x in recent_profiles() if x != p]
    items = items[:MAX_RECENT]
    try:
        atomic_write_text(_recent_file(), json.dumps(items, ensure_ascii=False, indent=1))
    except OSError:
        pass
    return items
