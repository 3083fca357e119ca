"""Background by calculation (order No. 286, §4) from the OND-86 field.

This is where the two methods meet: the dispersion engine (:mod:`ecologis.core.dispersion`)
gives the maximum of the calculated ground-level field, and the background rules
(:func:`ecologis.core.background.subplume.calculated`) turn it into C_ф = 0.4·C_max with
the enterprise's own contribution excluded by (4.1)/(4.2).  Neither core package imports
the other; this module connects them.
"""

from __future__ import annotations

from ecologis.core.background.errors import BackgroundError
from ecologis.core.background.data import BackgroundReference
from ecologis.core.background.result import BackgroundResult
from ecologis.model.problems import WARNING, Problem
from ecologis.core.background.subplume import calculated
from ecologis.pipeline.dispersion_input import input_from_profile


def calculated_from_dispersion(sources: dict, substance: str, c_own: float | None = None, date=None,
                               grid_step_m: float | None = None, directions: int | None = None, *,
                               refdata: BackgroundReference, lookup=None) -> BackgroundResult:
    """§4 with C_max from the OND-86 engine (:func:`ecologis.core.dispersion.calculate`):
    the maximum of the calculated ground-level field of ``substance`` (mg/m³) over the
    grid of the SOURCES document.  The engine's own unverified formulas are listed in
    ``inputs["dispersion_unverified"]`` and make the result ``reconstructed``
    (piece ``ond86_unverified``).  ``lookup`` resolves substance names (the dictionary,
    :func:`ecologis.io.reference_data.dispersion_lookup`; ``None``: none)."""
    c_max, where, unv = _field_max_of(sources, substance, grid_step_m, directions, lookup)
    res = calculated(c_max, substance=substance, c_own=c_own, date=date, source="dispersion", refdata=refdata)
    res.inputs["dispersion_unverified"] = unv
    res.inputs["dispersion_field_max"] = where
    if unv:
        res.use("ond86_unverified")
    return res


def _field_max_of(doc: dict, substance: str, grid_step_m, directions, lookup) -> tuple[float, dict, list[str]]:
    from ecologis.core.dispersion import DispersionInputError, calculate

    try:
        out = calculate(doc, substance=substance, grid_step_m=grid_step_m, directions=directions,
                        all_targets=False, field_only=True, lookup=lookup)     # only field_max is used here
    except DispersionInputError as exc:
        raise BackgroundError("bg.err.dispersion", detail="; ".join(exc.messages())) from None
    tg = next((x for x in out["targets"] if x["id"] == substance or substance in x["substances"]), None)
    if tg is None:
        tg = out["targets"][0] if len(out["targets"]) == 1 else None
    if tg is None or tg.get("field_max") is None:
        raise BackgroundError("bg.err.dispersion", detail=substance)
    fm = tg["field_max"]
    return float(fm["value_mg_m3"]), {k: fm.get(k) for k in ("value_mg_m3", "lat", "lon")}, \
        [u["id"] for u in out.get("unverified") or []]


def calculated_from_profile(profile, substance: str, c_own: float | None = None, date=None, on=None,
                            grid_step_m: float | None = None, directions: int | None = None, *,
                            refdata: BackgroundReference, lookup=None) -> BackgroundResult:
    """§4 for an enterprise profile: C_max = the maximum of the OND-86 field of ``substance``
    from every source of the profile's dispersion input
    (:func:`ecologis.pipeline.dispersion_input.input_from_profile`; the background is
    not added), C_ф = 0.4·C_max, and the enterprise's own contribution excluded by
    (4.1)/(4.2).  The own contribution C is ``c_own`` when given, otherwise the field
    maximum of the enterprise's own sources (every source of the inventory not marked as a
    neighbour's, ``own`` False).  When every source is the enterprise's own, C = C_max and
    the warning ``bg.warn.only_own_sources`` says the calculated background then consists
    of the own contribution only."""
    doc = input_from_profile(profile, on=on, lookup=lookup)
    for k in ("background", "background_provenance", "receptors"):
        doc.pop(k, None)
    if not doc.get("sources"):
        from ecologis.i18n import t

        raise BackgroundError("bg.err.dispersion", detail=t("disp.err.no_sources"))
    c_max, where, unv = _field_max_of(doc, substance, grid_step_m, directions, lookup)
    own_sources = [s for s in doc["sources"] if s.get("own", True) is not False]
    only_own = len(own_sources) == len(doc["sources"])
    own_where = None
    if c_own is None:
        if only_own:
            c_own = c_max
        elif own_sources:
            c_own, own_where, unv_own = _field_max_of(dict(doc, sources=own_sources), substance, grid_step_m,
                                                      directions, lookup)
            unv = sorted(set(unv) | set(unv_own))
        else:
            c_own = 0.0
        own_from = "dispersion"
    else:
        own_from = "input"
    res = calculated(c_max, substance=substance, c_own=c_own, date=date, source="dispersion", refdata=refdata)
    res.inputs.update({"profile": getattr(profile.enterprise, "name", "") or "", "c_own_source": own_from,
                       "dispersion_unverified": unv, "dispersion_field_max": where,
                       "sources": [s["id"] for s in doc["sources"]],
                       "own_sources": [s["id"] for s in own_sources]})
    if own_where is not None:
        res.inputs["dispersion_own_field_max"] = own_where
    if only_own and own_from == "dispersion":
        res.warnings.append(Problem("bg.warn.only_own_sources", {"substance": substance}, severity=WARNING))
    if unv:
        res.use("ond86_unverified")
    return res
