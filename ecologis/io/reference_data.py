"""Reading and writing the reference data: the shipped files and the user's overlays.

The calculation core (:mod:`ecologis.core`) reads no files; this module reads them and
hands the loaded documents to the core's pure parsers:

* the substance dictionary (``pollutants.json`` + the user's ``user_pollutants.json``)
  → :func:`load_dictionary`, :func:`save_user_dictionary`;
* methodology presets (``resources/presets.json`` + the user's ``presets.json``)
  → :func:`load_presets`, :func:`get_preset`, :func:`save_user_presets`;
* recommendation rules (``resources/recommendations.json``) → :func:`recommendation_rules`;
* ОПН threshold tables and rules (``resources/hazard_identification/``)
  → :func:`load_threshold_tables`, :func:`threshold_tables`;
* background methodology data and curve tables (``resources/background/``, a curve
  table of the same name in ``<user data>/background/`` replaces the shipped one)
  → :func:`background_reference`, :func:`load_curve`.

Shipped files are found through :mod:`ecologis.paths`; writes are atomic
(:mod:`ecologis.io.atomic`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from ecologis import paths
from ecologis.core.dictionary import Dictionary, DictionaryError, Substance, check_document, merge_overlay, parse_entries
from ecologis.core.presets import (Preset, builtin_from_document, choose, presets_from_documents,
                                   user_document)

# -- the substance dictionary -------------------------------------------------------------


def read_dictionary_document(path: Path) -> dict:
    """A dictionary file (shipped or the user's) as a checked document; a missing,
    undecodable or malformed file raises :class:`DictionaryError` naming it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DictionaryError(path, "dict.error.not_found") from None
    except UnicodeDecodeError:
        raise DictionaryError(path, "dict.error.encoding") from None
    except json.JSONDecodeError as e:
        raise DictionaryError(path, "dict.error.json", line=e.lineno, col=e.colno) from None
    return check_document(data, path)


_SHIPPED_CACHE: dict[tuple[str, float], tuple[list[Substance], dict]] = {}


def load_shipped(path: Path | None = None) -> tuple[list[Substance], dict]:
    """The shipped dictionary's entries and sources (read once per version of the file)."""
    path = Path(path or paths.POLLUTANTS_FILE)
    key = (str(path), path.stat().st_mtime if path.exists() else 0.0)
    if key not in _SHIPPED_CACHE:
        data = read_dictionary_document(path)
        _SHIPPED_CACHE[key] = (parse_entries(path, data, "shipped"), dict(data.get("sources") or {}))
    subs, sources = _SHIPPED_CACHE[key]
    return list(subs), dict(sources)


def user_dictionary_file() -> Path:
    """The user's dictionary overlay (see :func:`ecologis.paths.user_dictionary_file`)."""
    return paths.user_dictionary_file()


def load_dictionary(path: Path | None = None, user_path: Path | None | bool = None) -> Dictionary:
    """Load the shipped dictionary and merge the user's overlay over it.

    ``user_path=False`` skips the overlay.  A broken overlay raises
    :class:`DictionaryError`; it is never overwritten automatically.
    """
    shipped, sources = load_shipped(path)
    overlay, label = None, ""
    if user_path is not False:
        up = Path(user_path) if user_path else user_dictionary_file()
        if up.exists():
            overlay, label = read_dictionary_document(up), up
    return merge_overlay(shipped, sources, overlay, label)


def save_user_dictionary(dictionary: Dictionary, path: Path | None = None) -> Path:
    """Write the user's differences from the shipped dictionary (atomically); the path."""
    from ecologis.io.atomic import atomic_write_text

    path = Path(path or user_dictionary_file())
    atomic_write_text(path, json.dumps(dictionary.overlay(), ensure_ascii=False, indent=1))
    return path


# -- presets ------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _builtin_presets(path: str, mtime_ns: int, size: int) -> tuple[tuple[str, Preset], ...]:
    """The shipped presets, read and validated once per version of the file (the key
    includes its modification time and size)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(builtin_from_document(data).items())


def builtin_presets() -> dict[str, Preset]:
    """The shipped presets (a new dict each call; the presets themselves are frozen)."""
    f = paths.RESOURCES_DIR / "presets.json"
    st = f.stat()
    return dict(_builtin_presets(str(f), st.st_mtime_ns, st.st_size))


def user_presets_file() -> Path:
    return paths.user_data_dir() / "presets.json"


def load_presets() -> dict[str, Preset]:
    """Built-in presets plus the user's (a user preset may not reuse a built-in id; an
    unreadable user file or an invalid user preset is left out)."""
    f = user_presets_file()
    user = None
    if f.exists():
        try:
            user = json.loads(f.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            user = None
    return presets_from_documents(builtin_presets(), user if isinstance(user, dict) else None)


def save_user_presets(presets: dict[str, Preset]) -> None:
    from ecologis.io.atomic import atomic_write_text

    atomic_write_text(user_presets_file(), json.dumps(user_document(presets), ensure_ascii=False, indent=1))


def get_preset(preset_id: str | None = None) -> Preset:
    """The preset ``preset_id`` among the loaded ones (the default when None)."""
    return choose(load_presets(), preset_id)


# -- recommendations ------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _rules(path: str, mtime_ns: int) -> tuple:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(data["rules"])


def recommendation_rules() -> tuple:
    """The rules of ``resources/recommendations.json`` (read once per version of the file)."""
    f = paths.RESOURCES_DIR / "recommendations.json"
    return _rules(str(f), f.stat().st_mtime_ns)


# -- OND-86 summation groups -------------------------------------------------------------------
@lru_cache(maxsize=4)
def _summation_groups(path: str, mtime_ns: int) -> tuple:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(doc["groups"])


def summation_groups() -> tuple:
    """The shipped summation groups of ``resources/dispersion/summation_groups.json`` (each
    with its combined-action coefficient and its source), read once per version of the file."""
    f = paths.RESOURCES_DIR / "dispersion" / "summation_groups.json"
    return _summation_groups(str(f), f.stat().st_mtime_ns)


def dispersion_lookup():
    """The substance lookup the dispersion calculation takes (``lookup=``): the dictionary
    with the user's overlay, loaded once, memoised per name; a missing or broken dictionary
    gives a lookup that knows nothing (the calculation then names substances as given)."""
    from ecologis.core.dispersion.inputs import substance_lookup

    try:
        dictionary = load_dictionary()
    except Exception:  # noqa: BLE001 - a broken dictionary must not break the dispersion input
        dictionary = None
    return substance_lookup(dictionary)


def dispersion_references() -> dict:
    """The reference data of :func:`ecologis.core.dispersion.calculate`, as its keyword
    arguments: ``lookup`` (:func:`dispersion_lookup`) and ``shipped_groups``
    (:func:`summation_groups`)."""
    return {"lookup": dispersion_lookup(), "shipped_groups": summation_groups()}


# -- ОПН threshold tables ------------------------------------------------------------------


def _csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def load_threshold_tables(data_dir: Path | str | None = None):
    """The ОПН tables from ``rules.json`` and the two threshold tables it names in
    ``data_dir`` (the shipped ``resources/hazard_identification`` when not given)."""
    from ecologis.core.hazard_identification.data import tables_from_documents

    d = Path(data_dir) if data_dir is not None else paths.RESOURCES_DIR / "hazard_identification"
    rules = json.loads((d / "rules.json").read_text(encoding="utf-8"))
    names = rules.get("tables", {})
    return tables_from_documents(rules, _csv_rows(d / names.get("categories", "categories.csv")),
                                 _csv_rows(d / names.get("named", "named.csv")), source=str(d))


@lru_cache(maxsize=1)
def threshold_tables():
    """The shipped ОПН tables (read once)."""
    return load_threshold_tables()


# -- background (Order 286) -----------------------------------------------------------------


@lru_cache(maxsize=None)
def _background_json(path: str, mtime_ns: int) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _background_dir() -> Path:
    return paths.RESOURCES_DIR / "background"


def curve_path(name: str) -> Path:
    """The file of the curve table ``name``: the user's replacement in
    ``<user data>/background/`` when there is one, else the shipped table."""
    from ecologis.core.background.data import CURVES

    fname = CURVES[name][0]
    user = paths.user_data_dir() / "background" / fname
    return user if user.exists() else _background_dir() / fname


def load_curve(name: str):
    """The curve table ``name`` (user replacement first, then shipped), read on every
    call so that a replaced file takes effect without a restart."""
    from ecologis.core.background.data import CURVES, parse_curve

    _fname, xcol, ycol = CURVES[name]
    path = curve_path(name)
    return parse_curve(path.read_text(encoding="utf-8-sig"), name, xcol, ycol, str(path))


def background_reference():
    """The data of the background procedure: ``method.json``, ``table_4_1.json``,
    ``hydromet_offices.json`` (read once per version of each file) and the three curve
    tables (read on every call: a replaced curve takes effect at once)."""
    from ecologis.core.background.data import CURVES, BackgroundReference

    def doc(name: str) -> dict:
        f = _background_dir() / name
        return _background_json(str(f), f.stat().st_mtime_ns)

    return BackgroundReference(method=doc("method.json"), table_4_1=doc("table_4_1.json"),
                               offices=doc("hydromet_offices.json"),
                               curves={name: load_curve(name) for name in CURVES})


def load_posts(path: str | Path) -> tuple[list[dict], dict]:
    """A POSTS document (:mod:`ecologis.core.background.spatial`) read and validated:
    (posts, suburban)."""
    from ecologis.core.background.errors import BackgroundError
    from ecologis.core.background.spatial import parse_posts

    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise BackgroundError("bg.err.not_found_file", file=p.name) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BackgroundError("bg.err.json", file=p.name, detail=str(e)) from None
    return parse_posts(doc)


# -- convenience: an assessment with the reference data loaded ------------------------------


def assess(emissions: Iterable, dictionary: Dictionary | None = None, preset: Preset | str | None = None,
           duplicates: str = "sum"):
    """Prepare and compute in one call, loading the dictionary / preset when not given
    and the recommendation rules (:func:`ecologis.core.assess.compute`)."""
    from ecologis.core.assess import compute, prepare

    dictionary = dictionary or load_dictionary()
    if not isinstance(preset, Preset):
        preset = get_preset(preset)
    return compute(prepare(list(emissions), dictionary), preset, duplicates, rules=recommendation_rules())


__all__ = ["assess", "builtin_presets", "get_preset", "load_dictionary", "load_presets", "load_shipped",
           "load_threshold_tables", "threshold_tables", "background_reference", "curve_path", "load_curve",
           "load_posts",
           "read_dictionary_document", "recommendation_rules", "save_user_dictionary",
           "save_user_presets", "user_dictionary_file", "user_presets_file"]
