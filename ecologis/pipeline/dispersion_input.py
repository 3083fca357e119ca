"""The dispersion input of an enterprise profile.

:func:`input_from_profile` builds the document of ``docs/dispersion/sources.schema.json``
from a :class:`ecologis.model.Project` (no Qt, no file access):

* **Sources** — the project's sources inventory: ``id``, ``lat``, ``lon``, ``height_m``,
  ``diameter_m``, ``velocity_m_s`` or ``volume_m3_s``, ``temp_c``, ``hours_per_year``,
  ``cleaning_efficiency`` (0…1), ``own`` (False for a neighbour's stack), and what the
  source keeps for the calculation in ``extra`` (``cold``, per-substance ``emissions``).
* **Emissions** — per-substance rates from the extension when it lists any for the
  source; otherwise the profile's emissions with that ``source_id``: g/s kept, t/yr and
  kg/yr given as ``mass_t_per_year`` with the row's ``hours_per_year`` (converted with
  M = m·10⁶/(h·3600) by :mod:`.inputs`).  With exactly one source, emissions without a
  ``source_id`` belong to it; otherwise they are reported as unassigned.
* **Settling coefficient F** — gases 1; an emission marked ``"particulate": true`` in the
  extension gets F from the source's cleaning efficiency (OND-86 п. 2.5, unverified).
* **Background** — per substance, a value the user entered (extension ``background``)
  wins; otherwise the stored Order 286 results still valid on the date
  (:func:`ecologis.core.background.store.valid_backgrounds`).  From the newest valid
  result, the largest of its values for that substance (over posts and wind gradations)
  is used, because the field is maximised over wind directions (conservative choice).
  Each value's provenance (method, date, validity end, reconstructed + pieces) goes into
  ``background_provenance`` and from there into every target of the result.
* **Receptors** — ``project.receptors`` (GeoJSON Features or dicts, see
  :class:`ecologis.core.geometry.ParsedReceptor`): points as they are; a polygon receptor is
  evaluated at its representative point (inside the polygon).
"""

from __future__ import annotations

import datetime as _dt
import math

SOURCE_GEOMETRY = ("lat", "lon", "height_m", "diameter_m")


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _emission_from_profile(e, hours) -> dict | None:
    """One profile emission as a dispersion emission (rate in g/s or mass in t/yr)."""
    from ecologis.core.numbers import NumberProblem, parse_number
    from ecologis.core.units import G_PER_S, UnitError, parse_unit, to_t_per_year

    try:
        mass = parse_number(e.mass)[0]
        unit = parse_unit(e.unit)
    except (TypeError, NumberProblem, UnitError):
        return {"substance": str(e.substance), "rate_g_s": e.mass}   # validation names the field
    out: dict = {"substance": str(e.substance)}
    if unit == G_PER_S:
        out["rate_g_s"] = mass
    else:
        out["mass_t_per_year"] = float(to_t_per_year([mass], unit, hours)[0])
        out["hours_per_year"] = hours
    if _num(e.gdk_mr) and e.gdk_mr > 0:
        out["gdk_mr_mg_m3"] = float(e.gdk_mr)
    return out


def background_choice(rows: list[dict], lookup=None) -> dict[str, dict]:
    """Per substance (as stored): the background to use from :func:`valid_backgrounds` rows
    (newest first).  From the newest result that has the substance, the largest value."""
    chosen: dict[str, dict] = {}
    result_of: dict[str, tuple] = {}
    for r in rows:
        s = r.get("substance")
        v = r.get("value_mg_m3")
        if not s or not _num(v):
            continue
        ident = (r.get("method"), r.get("date"), r.get("valid_until"), r.get("result_index"))
        if s in result_of and result_of[s] != ident:
            continue                           # an older result for the same substance
        result_of[s] = ident
        if s not in chosen or v > chosen[s]["value_mg_m3"]:
            chosen[s] = r
    return chosen


def provenance_of(row: dict) -> dict:
    """The provenance entry of a stored background row."""
    return {"origin": "stored", "method": row.get("method"), "method_ref": row.get("method_ref"),
            "method_ref_key": row.get("method_ref_key"), "method_ref_params": row.get("method_ref_params") or {},
            "date": row.get("date"), "valid_until": row.get("valid_until"),
            "reconstructed": bool(row.get("reconstructed")),
            "reconstructed_pieces": list(row.get("reconstructed_pieces") or []),
            "post": row.get("post"), "gradation": row.get("gradation"), "inputs": row.get("inputs") or {},
            "rule": "newest_valid_result_max_over_posts_and_gradations"}


def input_from_profile(profile, on: _dt.date | None = None, user_background: dict | None = None,
                       lookup=None) -> dict:
    """The dispersion input document of ``profile`` (see the module docstring).

    Extra keys: ``background_provenance`` (per substance), ``unassigned_emissions``
    (profile emission rows, 1-based, not attached to any source)."""
    from ecologis.core.background.store import valid_backgrounds
    from ecologis.core.dispersion.inputs import canonical_key
    from ecologis.core.geometry import GeometryError, ParsedReceptor


    ext = profile.dispersion_input_state()
    ext_sources = {s.get("id"): s for s in ext.pop("sources", None) or [] if isinstance(s, dict)}
    doc = {k: v for k, v in ext.items() if k not in ("background_provenance", "result", "ui")}
    doc.setdefault("A", 200)
    doc.setdefault("eta", 1)

    emissions_by_source: dict[str, list] = {}
    unassigned = []
    ids = [s.id for s in profile.sources]
    for i, e in enumerate(profile.emissions, start=1):
        sid = e.source_id if e.source_id else (ids[0] if len(ids) == 1 else None)
        if sid is None or sid not in ids:
            unassigned.append(e.row if e.row is not None else i)   # the table row, 1-based
            continue
        emissions_by_source.setdefault(sid, []).append(e)

    sources = []
    for s in profile.sources:
        extra = dict(ext_sources.pop(s.id, None) or {})
        src = dict(extra)
        src["id"] = s.id
        for k in SOURCE_GEOMETRY:
            v = getattr(s, k)
            if v is not None:
                src[k] = v
        ems = list(src.get("emissions") or [])
        if not ems:
            ems = [x for x in (_emission_from_profile(e, profile.hours_of(e)) for e in emissions_by_source.get(s.id, [])) if x]
        eff = s.cleaning_efficiency
        for em in ems:
            if em.get("particulate") and "F" not in em and "cleaning_efficiency_pct" not in em and _num(eff):
                em["cleaning_efficiency_pct"] = 100.0 * float(eff)
            em.pop("particulate", None)
        src["emissions"] = ems
        sources.append(src)
    for s in ext_sources.values():                      # sources known only to the extension
        s = dict(s)
        for em in s.get("emissions") or []:
            if isinstance(em, dict):
                em.pop("particulate", None)
        sources.append(s)
    doc["sources"] = sources

    # Background: the user's values first, then the stored results valid on the date.
    prov: dict[str, dict] = {}
    bg: dict[str, float] = {}
    doc.pop("background", None)
    typed = profile.dispersion.background or {}        # the values the user typed
    for sub, v in list(typed.items()) + list((user_background or {}).items()):
        key = canonical_key(sub, lookup)
        bg[key] = v
        prov[key] = {"origin": "user", "method": "user", "date": None, "valid_until": None,
                     "reconstructed": False, "reconstructed_pieces": []}
    for sub, row in background_choice(valid_backgrounds(profile, on)).items():
        key = canonical_key(sub, lookup)
        if key in bg:
            continue
        bg[key] = float(row["value_mg_m3"])
        prov[key] = provenance_of(row)
    if bg:
        doc["background"] = bg
        doc["background_provenance"] = prov
    else:
        doc.pop("background", None)

    receptors = []
    for i, r in enumerate(profile.receptors, start=1):
        try:
            rec = ParsedReceptor.from_any(r.to_dict(), where=f"#{i}")
        except GeometryError:
            continue                                   # the map panel reports broken receptors
        g = rec.geometry
        if g.get("type") == "Point":
            lon, lat = g["coordinates"][:2]
        else:
            from shapely.geometry import shape

            p = shape(g).representative_point()
            lon, lat = p.x, p.y
        receptors.append({"id": rec.id or f"R{i}", "name": rec.name, "kind": rec.kind,
                          "lat": float(lat), "lon": float(lon)})
    if receptors:
        doc["receptors"] = receptors
    if unassigned:
        doc["unassigned_emissions"] = unassigned
    return doc


def is_profile_document(data) -> bool:
    """A saved enterprise profile (rather than a SOURCES document)."""
    return isinstance(data, dict) and (data.get("kind") == "ecologis-profile" or
                                       ("schema_version" in data and "enterprise" in data))
