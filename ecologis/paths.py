"""Where EcologIS finds its shipped data and keeps the user's data.

Shipped data (``resources/``, ``locales/``, ``docs/``, ``pollutants.json``) lives at
the repository root next to the ``ecologis`` package; ``ECOLOGIS_HOME`` overrides that
root.  User data (the user's dictionary edits, session, autosave, sender outbox) lives
in the platform's user folders from :mod:`platformdirs`; ``ECOLOGIS_USER_DIR``
overrides them (tests point it at a temporary folder).
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "EcologIS"
APP_AUTHOR = "EcologIS"


def _repo_root() -> Path:
    env = os.environ.get("ECOLOGIS_HOME")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent


REPO_ROOT: Path = _repo_root()
RESOURCES_DIR: Path = REPO_ROOT / "resources"
LOCALES_DIR: Path = REPO_ROOT / "locales"
DOCS_DIR: Path = REPO_ROOT / "docs"
POLLUTANTS_FILE: Path = REPO_ROOT / "pollutants.json"
DEMO_PROFILE: Path = RESOURCES_DIR / "demo" / "roshen_demo.json"


def _ensure(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p


def user_data_dir() -> Path:
    """Folder for the user's own data (created on first use)."""
    env = os.environ.get("ECOLOGIS_USER_DIR")
    if env:
        return _ensure(Path(env) / "data")
    import platformdirs

    return _ensure(Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)))


def user_config_dir() -> Path:
    """Folder for the user's settings (created on first use)."""
    env = os.environ.get("ECOLOGIS_USER_DIR")
    if env:
        return _ensure(Path(env) / "config")
    import platformdirs

    return _ensure(Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)))


def user_dictionary_file() -> Path:
    """The user's dictionary overlay, merged over the shipped ``pollutants.json``."""
    return user_data_dir() / "user_pollutants.json"
