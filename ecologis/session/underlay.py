"""The project's base map and site plan, edited through the session (Qt-free).

Both live in the project's ``basemap`` section (``Project.extensions["basemap"]``, the
place the report already reads them from, :func:`ecologis.report.pdf_report.default_tiles`
and :func:`~ecologis.report.pdf_report.underlay_of`)::

    {"mbtiles": "/path/to/offline.mbtiles",                   # an offline base map
     "image": "/path/to/plan.png", "bounds": [w, s, e, n],    # a georeferenced site plan,
     "rotation_deg": 25.0}                                    # turned clockwise (absent: north-up)

Each change is one undoable command of the session that emits ``events.enterprise`` (the
map follows the project's geography on that event); the file is checked first, and a
file that cannot be used raises :class:`ecologis.io.underlay.UnderlayError` (translated,
naming the file) with nothing changed.  The project holds absolute paths; a saved
profile names the files in its own folder (or below) relative to it, so a project folder
handed over whole still finds them (:func:`ecologis.io.profile.linked_files_relative`).
"""

from __future__ import annotations

import copy
from pathlib import Path

SECTION = "basemap"


def basemap_section(project) -> dict:
    """A copy of the project's ``basemap`` section ({} when there is none)."""
    value = (getattr(project, "extensions", None) or {}).get(SECTION)
    return copy.deepcopy(value) if isinstance(value, dict) else {}


def _set_section(session, key: str, new: dict) -> None:
    old = basemap_section(session.profile)
    if old == new:
        return

    def apply(value):
        if value:
            session.profile.extensions[SECTION] = value
        else:
            session.profile.extensions.pop(SECTION, None)

    session._geo_command(key, apply, old or None, new or None)


def load_offline_basemap(session, path) -> dict:
    """Use the MBTiles file ``path`` as the project's offline base map (undoable);
    returns what the file holds (:func:`ecologis.io.tile_cache.inspect_mbtiles`)."""
    from ecologis.io.tile_cache import inspect_mbtiles

    p = Path(path).expanduser().resolve()
    info = inspect_mbtiles(p)
    new = basemap_section(session.profile)
    new["mbtiles"] = str(p)
    _set_section(session, "underlay.cmd.basemap", new)
    return info


def load_site_plan(session, path, bounds=None, rotation=None) -> dict:
    """Use the image ``path`` (PNG/JPEG with ``bounds`` west, south, east, north in WGS84
    degrees and the ``rotation`` it is turned by, clockwise degrees; or a GeoTIFF whose tags
    give them) as the project's site plan (undoable); returns ``{"format", "size",
    "bounds", "rotation_deg"}``."""
    from ecologis.io.underlay import UnderlayError, check_bounds, check_rotation, inspect_image

    p = Path(path).expanduser().resolve()
    info = inspect_image(p)
    if bounds is None:
        bounds = info["bounds"]
        if bounds is None:
            raise UnderlayError(str(p), "underlay.error.corners_needed")
        if rotation is None:
            rotation = info["rotation_deg"]
    info["bounds"] = check_bounds(bounds, str(p))
    info["rotation_deg"] = check_rotation(rotation, str(p))
    new = basemap_section(session.profile)
    new["image"] = str(p)
    new["bounds"] = list(info["bounds"])
    if info["rotation_deg"]:
        new["rotation_deg"] = info["rotation_deg"]
    else:
        new.pop("rotation_deg", None)           # north-up: the section as before turned plans
    _set_section(session, "underlay.cmd.site_plan", new)
    return info


def remove_offline_basemap(session) -> None:
    new = basemap_section(session.profile)
    new.pop("mbtiles", None)
    _set_section(session, "underlay.cmd.basemap_remove", new)


def remove_site_plan(session) -> None:
    new = basemap_section(session.profile)
    for key in ("image", "bounds", "rotation_deg"):
        new.pop(key, None)
    _set_section(session, "underlay.cmd.site_plan_remove", new)
