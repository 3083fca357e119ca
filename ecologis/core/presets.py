"""Methodology presets: how contributions are computed and how categories are assigned.

Presets are data (``resources/presets.json`` shipped; the user's own in
``presets.json`` in the user data folder).  A preset names the contribution formula
(``linear`` or ``power``, see :mod:`ecologis.core.knp`), the weights a(c) for hazard
classes 1–4, the category scale (label, lower bound of КНП, СЗЗ radius in metres; the
last category has no lower bound), the class assumed for substances without a class
(``null`` to exclude them), the share used to name dominant substances, and its source.

This module is pure: :mod:`ecologis.io.reference_data` reads the preset files and hands
the documents to :func:`presets_from_documents`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ecologis.core.knp import FORMULAS, classify
from ecologis.model import DEFAULT_PRESET_ID  # noqa: F401  (re-exported: the model names the default)
from ecologis.model.problems import Problem

CATEGORY_LABELS = ("I", "II", "III", "IV", "V")


@dataclass(frozen=True)
class Category:
    label: str
    min: float | None  # lower bound of КНП (inclusive); None for the last category
    radius_m: float


class PresetError(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.field}: {p.key} {p.params}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Preset:
    id: str
    formula: str
    a: dict  # {1: 1.7, 2: 1.3, 3: 1.0, 4: 0.9}
    categories: tuple[Category, ...]
    name_key: str | None = None
    name: str | None = None
    assumed_class_when_missing: int | None = 3
    dominant_cumulative_share: float = 0.5
    source: str = ""
    source_uk: str = ""
    builtin: bool = False

    def source_text(self, lang: str = "uk") -> str:
        """The preset's source citation in ``lang`` (English when no Ukrainian text exists)."""
        return self.source_uk if lang == "uk" and self.source_uk else self.source

    # -- derived ------------------------------------------------------------------
    def a_array(self) -> np.ndarray:
        """a(c) indexed by class 0..4 (index 0 unused → nan)."""
        return np.array([np.nan] + [float(self.a[c]) for c in (1, 2, 3, 4)])

    def lower_bounds(self) -> np.ndarray:
        return np.array([(-np.inf if c.min is None else float(c.min)) for c in self.categories])

    def classify(self, knp: float) -> Category:
        i = int(classify(knp, self.lower_bounds(), [c.label for c in self.categories]))
        return self.categories[i]

    def contribution(self, mass_t, gdk, a):
        return FORMULAS[self.formula](mass_t, gdk, a)

    def to_json(self) -> dict:
        d = {
            "id": self.id,
            "formula": self.formula,
            "a": {str(k): v for k, v in self.a.items()},
            "categories": [{"label": c.label, "min": c.min, "radius_m": c.radius_m} for c in self.categories],
            "assumed_class_when_missing": self.assumed_class_when_missing,
            "dominant_cumulative_share": self.dominant_cumulative_share,
            "source": self.source,
        }
        if self.source_uk:
            d["source_uk"] = self.source_uk
        if self.name_key:
            d["name_key"] = self.name_key
        if self.name:
            d["name"] = self.name
        return d


def validate_preset_dict(d: dict) -> list[Problem]:
    """Problems of a preset definition: formula known, a(c) positive for 1–4,
    categories 2–5 with labels in order I, II, …, lower bounds strictly decreasing and
    positive, the last category open (no bound), radii positive."""
    p: list[Problem] = []
    if not str(d.get("id") or "").strip():
        p.append(Problem("preset.err.id", field="id"))
    if d.get("formula") not in FORMULAS:
        p.append(Problem("preset.err.formula", {"value": d.get("formula")}, field="formula"))
    a = d.get("a") or {}
    for c in (1, 2, 3, 4):
        v = a.get(c, a.get(str(c)))
        try:
            ok = v is not None and math.isfinite(float(v)) and float(v) > 0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            p.append(Problem("preset.err.a", {"cls": c, "value": v}, field=f"a[{c}]"))
    cats = d.get("categories") or []
    if not 2 <= len(cats) <= 5:
        p.append(Problem("preset.err.count", {"n": len(cats)}, field="categories"))
        return p
    prev = math.inf
    for i, c in enumerate(cats):
        label = c.get("label")
        if label != CATEGORY_LABELS[i]:
            p.append(Problem("preset.err.label", {"value": label, "expected": CATEGORY_LABELS[i]}, field=f"categories[{i}].label"))
        r = c.get("radius_m")
        try:
            rok = r is not None and math.isfinite(float(r)) and float(r) > 0
        except (TypeError, ValueError):
            rok = False
        if not rok:
            p.append(Problem("preset.err.radius", {"label": label, "value": r}, field=f"categories[{i}].radius_m"))
        lo = c.get("min")
        last = i == len(cats) - 1
        if last:
            if lo is not None:
                p.append(Problem("preset.err.last_open", {"label": label}, field=f"categories[{i}].min"))
            continue
        try:
            lo = float(lo)
            if not math.isfinite(lo) or lo <= 0:
                raise ValueError
        except (TypeError, ValueError):
            p.append(Problem("preset.err.threshold", {"label": label, "value": c.get("min")}, field=f"categories[{i}].min"))
            continue
        if not lo < prev:
            p.append(Problem("preset.err.decreasing", {"label": label, "value": lo, "prev": prev}, field=f"categories[{i}].min"))
        prev = lo
    acm = d.get("assumed_class_when_missing", 3)
    if acm is not None and acm not in (1, 2, 3, 4):
        p.append(Problem("preset.err.class", {"value": acm}, field="assumed_class_when_missing"))
    share = d.get("dominant_cumulative_share", 0.5)
    try:
        if not 0 < float(share) <= 1:
            raise ValueError
    except (TypeError, ValueError):
        p.append(Problem("preset.err.share", {"value": share}, field="dominant_cumulative_share"))
    return p


def preset_from_dict(d: dict, builtin: bool = False) -> Preset:
    """Build a preset, refusing an invalid definition with :class:`PresetError`."""
    problems = validate_preset_dict(d)
    if problems:
        raise PresetError(problems)
    a = {c: float(d["a"].get(c, d["a"].get(str(c)))) for c in (1, 2, 3, 4)}
    cats = tuple(Category(c["label"], None if c.get("min") is None else float(c["min"]), float(c["radius_m"])) for c in d["categories"])
    return Preset(
        id=str(d["id"]), formula=d["formula"], a=a, categories=cats,
        name_key=d.get("name_key"), name=d.get("name"),
        assumed_class_when_missing=d.get("assumed_class_when_missing", 3),
        dominant_cumulative_share=float(d.get("dominant_cumulative_share", 0.5)),
        source=d.get("source", ""), source_uk=d.get("source_uk", ""), builtin=builtin,
    )




def builtin_from_document(data: dict) -> dict[str, Preset]:
    """The shipped presets of a ``presets.json`` document (each validated; an invalid
    shipped preset raises :class:`PresetError`)."""
    return {d["id"]: preset_from_dict(d, builtin=True) for d in data["presets"]}


def presets_from_documents(builtin: dict[str, Preset], user: dict | None) -> dict[str, Preset]:
    """The built-in presets plus the valid presets of the user's document (a user preset
    may not reuse a built-in id; invalid user presets are left out)."""
    presets = dict(builtin)
    for d in (user or {}).get("presets", []):
        if not isinstance(d, dict):
            continue
        if d.get("id") in presets and presets[d["id"]].builtin:
            continue
        try:
            presets[d["id"]] = preset_from_dict(d)
        except PresetError:
            continue
    return presets


def user_document(presets: dict[str, Preset]) -> dict:
    """The user's presets (the non-built-in ones) in the shape of the user's file."""
    return {"schema_version": 1, "presets": [p.to_json() for p in presets.values() if not p.builtin]}


def choose(presets: dict[str, Preset], preset_id: str | None = None) -> Preset:
    """The preset ``preset_id`` (the default one when None); ``KeyError`` if unknown."""
    pid = preset_id or DEFAULT_PRESET_ID
    if pid not in presets:
        raise KeyError(pid)
    return presets[pid]
