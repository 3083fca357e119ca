"""Keeping background results in a project (``project.background.results``)
and reading back the values still valid on a date (Order 286 §5.7: three years).

Pure functions over a :class:`ecologis.model.Project` (its ``background`` is a
:class:`ecologis.model.BackgroundSection`); saving the profile is the caller's business (atomic ``save_profile``).
"""

from __future__ import annotations

import datetime as _dt

KEY = "background"


def store_result(profile, result) -> dict:
    """Append a result (a :class:`BackgroundResult` or its JSON) to the profile; return the
    stored JSON."""
    doc = result.to_json() if hasattr(result, "to_json") else dict(result)
    if profile.background.results is None:
        profile.background.results = []
    profile.background.results.append(doc)
    return doc


def stored_results(profile) -> list[dict]:
    return list(profile.background.results or [])


def valid_backgrounds(profile, on: _dt.date | None = None) -> list[dict]:
    """Single-value backgrounds valid on ``on`` (default today), newest first: one row per
    stored value with substance, value_mg_m3, gradation (when any), method, date,
    valid_until, reconstructed, reconstructed_pieces (ids), method_ref, inputs and
    result_index (position in the stored list).  Expired results are left out."""
    on = on or _dt.date.today()
    out = []
    docs = stored_results(profile)
    for idx in range(len(docs) - 1, -1, -1):
        doc = docs[idx]
        try:
            start = _dt.date.fromisoformat(doc["date"])
            end = _dt.date.fromisoformat(doc["valid_until"])
        except (KeyError, ValueError, TypeError):
            continue
        if not (start <= on < end):
            continue
        common = {"method": doc.get("method"), "date": doc["date"], "valid_until": doc["valid_until"],
                  "reconstructed": bool(doc.get("reconstructed")),
                  "reconstructed_pieces": [p.get("id") if isinstance(p, dict) else p
                                           for p in doc.get("reconstructed_pieces") or []],
                  "method_ref": doc.get("method_ref"), "method_ref_key": doc.get("method_ref_key"),
                  "method_ref_params": doc.get("method_ref_params") or {}, "inputs": doc.get("inputs") or {},
                  "result_index": idx}
        values = doc.get("values") or []
        # §4 with the own contribution excluded: the value to use is c_f_without_own.
        own_excluded = {v.get("substance") for v in values if v.get("quantity") == "c_f_without_own"}
        for v in values:
            if v.get("quantity") == "c_f" and v.get("substance") in own_excluded:
                continue
            if "issued" in v:            # posts / summation: the issued values
                for i in v["issued"]:
                    out.append({"substance": v.get("substance"), "post": v.get("post"),
                                "gradation": i["gradation"], "value_mg_m3": i["value_mg_m3"], **common})
            elif v.get("value_mg_m3") is not None:
                out.append({"substance": v.get("substance"), "gradation": v.get("gradation") or v.get("rhumb"),
                            "value_mg_m3": v["value_mg_m3"], "quantity": v.get("quantity"), **common})
    return out
