"""Summation groups shipped as data (``resources/dispersion/summation_groups.json``).

Each group keeps its combined-action coefficient Ккд and its source (ДСП 201-97 annex list
A.I via a VNTU textbook; a Ukrainian textbook, NUNG library book 6208 p. 114).  Criterion:
Σ c_i/ГДК_i ≤ Ккд (ДСП 201-97 A.I with Ккд = 1.0; the "≤ Ккд" form for other coefficients
is an inference from ДСП 201-97 and OND-86's proportionality, §1–2 of the project's reference notes on
summation and permissible emissions).

A shipped group is assessed automatically when the plant emits two or more of its members
(matched by canonical key: the CAS number when the substance dictionary knows it).  Input
keys: ``default_summation_groups`` (false switches all shipped groups off),
``disabled_summation_groups`` (ids to switch off), ``summation_groups`` (the user's own,
``{"id", "substances", "kkd"}``).
"""

from __future__ import annotations


def automatic_groups(emitted: list[str], gdk: dict[str, float], user_groups: list[dict],
                     disabled: set[str], canon=lambda s: s,
                     shipped: tuple = ()) -> tuple[list[dict], list[tuple[str, str]]]:
    """Shipped groups with two or more emitted members: ``[{id, substances, kkd, source, automatic}]``.

    ``shipped``: the shipped groups, dicts ``id, kkd, members [{cas, name_en}], name_uk,
    source, source_url`` (read by :func:`ecologis.io.reference_data.summation_groups` and
    given by the caller; this module reads no file).

    ``emitted``: canonical keys of the plant's substances; ``canon`` maps a member's CAS to
    that key.  A group identical to a user group (same member set) or switched off is left
    out, and so is one whose emitted members equal those of a group already kept (its id is
    listed in that group's ``equivalent_groups``); a group with an emitted member without ГДК is left out and reported in the second
    value as ``(group id, substance)``."""
    user_sets = {frozenset(g["substances"]) for g in user_groups}
    em = set(emitted)
    out, skipped = [], []
    kept: dict[frozenset, dict] = {}
    # Smaller groups first: when two shipped groups reduce to the same emitted members, the one
    # that names exactly those members (e.g. SO2 + NO2) is kept, the larger one listed as equivalent.
    for g in sorted(shipped, key=lambda g: len(g["members"])):
        if g["id"] in disabled:
            continue
        keys = []
        for m in g["members"]:
            if m.get("cas"):
                k = canon(m["cas"])
                if k in em and k not in keys:
                    keys.append(k)
        if len(keys) < 2 or frozenset(keys) in user_sets:
            continue
        if frozenset(keys) in kept:           # the same emitted members as a group already kept
            kept[frozenset(keys)]["equivalent_groups"].append(g["id"])
            continue
        missing = [k for k in keys if k not in gdk]
        if missing:
            skipped.append((g["id"], ", ".join(missing)))
            continue
        keys.sort(key=emitted.index)
        out.append({"id": g["id"], "substances": keys, "kkd": float(g["kkd"]), "source": g["source"],
                    "name_uk": g.get("name_uk"), "name_en": "; ".join(m["name_en"] for m in g["members"]),
                    "source_url": g.get("source_url"), "automatic": True, "equivalent_groups": []})
        kept[frozenset(keys)] = out[-1]
    return out, skipped
