"""Where EcologIS finds its shipped data and keeps the user's data.

Shipped data lives at the top level of the repository (``resources/``, ``locales/``,
``docs/``, ``pollutants.json``) and is installed inside the package as the data
packages ``ecologis.resources``, ``ecologis.locales``, ``ecologis.docs`` and
``ecologis.dictionary_data`` (see ``setup.py``).  They are found with
:func:`importlib.resources.files`; only a plain checkout that was never installed
falls back to the repository layout next to the ``ecologis`` package.
``ECOLOGIS_HOME`` names another root laid out like the repository (an administrator's
copy of the data).  This module is the only place that computes such locations.

User data (the user's dictionary edits, session, autosave, sender outbox) lives in the
platform's user folders from :mod:`platformdirs`; ``ECOLOGIS_USER_DIR`` overrides them
(tests point it at a temporary folder).
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import os
from pathlib import Path

APP_NAME = "EcologIS"
APP_AUTHOR = "EcologIS"

#: The repository layout next to the package (a plain checkout).
_CHECKOUT_ROOT = Path(__file__).resolve().parent.parent
#: The development checkout: for tests, benchmarks and tools that look at the repository
#: itself (its sources, its tracked files); never used to find data at run time.
REPO_ROOT: Path = _CHECKOUT_ROOT


def _shipped(package: str, repo_relative: str) -> Path:
    """The folder of the data package ``package``; ``repo_relative`` under
    ``ECOLOGIS_HOME`` when that is set, or under the checkout when the package is not
    installed."""
    home = os.environ.get("ECOLOGIS_HOME")
    if home:
        return Path(home) / repo_relative
    try:
        root = importlib.resources.files(package)
    except ModuleNotFoundError:  # a plain checkout, never installed
        return _CHECKOUT_ROOT / repo_relative
    if isinstance(root, Path):
        return root
    # A data package has no __init__.py, so importlib.resources answers with a
    # multiplexed view of its (single) folder: take that folder from the spec.
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else _CHECKOUT_ROOT / repo_relative


RESOURCES_DIR: Path = _shipped("ecologis.resources", "resources")
LOCALES_DIR: Path = _shipped("ecologis.locales", "locales")
DOCS_DIR: Path = _shipped("ecologis.docs", "docs")
SCHEMAS_DIR: Path = DOCS_DIR / "schemas"
POLLUTANTS_FILE: Path = _shipped("ecologis.dictionary_data", ".") / "pollutants.json"
DEMO_PROFILE: Path = RESOURCES_DIR / "demo" / "roshen_demo.json"


def _ensure(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p


def _user_dir(sub: str, platform_dir: str) -> Path:
    """``<ECOLOGIS_USER_DIR>/<sub>`` when that variable is set, else the platform's folder
    (``platformdirs.<platform_dir>``) of EcologIS; created on first use."""
    env = os.environ.get("ECOLOGIS_USER_DIR")
    if env:
        return _ensure(Path(env) / sub)
    import platformdirs

    return _ensure(Path(getattr(platformdirs, platform_dir)(APP_NAME, APP_AUTHOR)))


def user_data_dir() -> Path:
    """Folder for the user's own data (created on first use)."""
    return _user_dir("data", "user_data_dir")


def user_config_dir() -> Path:
    """Folder for the user's settings (created on first use)."""
    return _user_dir("config", "user_config_dir")


def user_cache_dir() -> Path:
    """Folder for caches that can be rebuilt (created on first use)."""
    return _user_dir("cache", "user_cache_dir")


def use_user_compile_cache() -> None:
    """Keep the compiled dispersion loop (numba, ``cache=True``) in the user's cache folder,
    never beside the installed package; call before the dispersion is imported.  An
    explicit ``NUMBA_CACHE_DIR`` is kept."""
    if not os.environ.get("NUMBA_CACHE_DIR"):
        try:
            os.environ["NUMBA_CACHE_DIR"] = str(user_cache_dir() / "numba")
        except OSError:     # no writable user folder: numba compiles in memory each run
            pass


def user_dictionary_file() -> Path:
    """The user's dictionary overlay, merged over the shipped ``pollutants.json``."""
    return user_data_dir() / "user_pollutants.json"
