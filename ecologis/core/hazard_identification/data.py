"""Threshold tables and identification rules shipped as data.

The tables live in ``resources/hazard_identification/`` (``categories.csv``,
``named.csv``) together with ``rules.json``, which records every methodological
choice (class mapping, section-O rule, 2 % exclusion, P5a/P5b rule …) with its
source.  Replacing those files by the Ukrainian tables of CMU resolution No. 1030
changes the results without any code change.  The files are read by
:mod:`ecologis.io.reference_data`, which hands their contents to :func:`tables_from_documents`.

Units: all thresholds in tonnes (t).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SECTIONS: tuple[str, ...] = ("H", "P", "E", "O")


def _num(text: str) -> float:
    """Parse a threshold cell; an empty cell gives NaN (no quantity listed)."""
    text = (text or "").strip()
    return float(text) if text else math.nan


@dataclass(frozen=True)
class Category:
    code: str
    section: str
    description_en: str
    description_uk: str
    threshold_class2_t: float
    threshold_class1_t: float
    source_document: str
    source_url: str

    def description(self, lang: str) -> str:
        return (self.description_uk if lang == "uk" else "") or self.description_en


@dataclass(frozen=True)
class NamedEntry:
    id: str
    entry: str
    aggregate_key: str
    name_en: str
    name_uk: str
    cas: str
    threshold_class2_t: float
    threshold_class1_t: float
    notes: str
    source_document: str
    source_url: str

    def name(self, lang: str) -> str:
        return (self.name_uk if lang == "uk" else "") or self.name_en


@dataclass(frozen=True)
class ThresholdTables:
    """Category and named-substance thresholds plus the rules (all from data files)."""

    categories: tuple[Category, ...]
    named: tuple[NamedEntry, ...]
    rules: dict
    source: str = ""   # where the tables came from (a folder name, for messages)

    # -- look-ups ---------------------------------------------------------------
    @property
    def category_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.categories)

    def category(self, code: str) -> Category | None:
        key = normalise_category(code)
        for c in self.categories:
            if c.code.upper() == key.upper():
                return c
        return None

    def named_by_id(self, named_id: str) -> NamedEntry | None:
        key = (named_id or "").strip()
        for n in self.named:
            if n.id == key:
                return n
        return None

    def named_by_cas(self, cas: str) -> list[NamedEntry]:
        key = normalise_cas(cas)
        if not key:
            return []
        return [n for n in self.named if n.cas and normalise_cas(n.cas) == key]

    # -- arrays for the vectorised engine ----------------------------------------
    def category_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lower-tier thresholds, upper-tier thresholds, section index) per category."""
        lo = np.array([c.threshold_class2_t for c in self.categories], dtype=float)
        up = np.array([c.threshold_class1_t for c in self.categories], dtype=float)
        sec = np.array([SECTIONS.index(c.section) for c in self.categories], dtype=int)
        return lo, up, sec

    def rule(self, name: str) -> dict:
        return self.rules.get(name, {})


def normalise_cas(cas: str | None) -> str:
    """CAS number without spaces; empty for '-' or blanks."""
    text = (cas or "").strip().replace(" ", "")
    return "" if text in {"-", "—", "–"} else text


def normalise_category(code: str) -> str:
    """Category code as written in the tables: 'p5a' -> 'P5a'."""
    text = (code or "").strip()
    if not text:
        return text
    return text[0].upper() + text[1:].lower()


def tables_from_documents(rules: dict, category_rows: list[dict], named_rows: list[dict],
                          source: str = "") -> ThresholdTables:
    """The tables from ``rules.json`` (decoded) and the rows of the category and named
    tables (CSV rows as dicts of text); ``source`` names their folder in errors."""
    cats = tuple(
        Category(
            code=r["code"].strip(),
            section=r["section"].strip().upper(),
            description_en=r.get("description_en", ""),
            description_uk=r.get("description_uk", ""),
            threshold_class2_t=_num(r["threshold_class2_t"]),
            threshold_class1_t=_num(r["threshold_class1_t"]),
            source_document=r.get("source_document", ""),
            source_url=r.get("source_url", ""),
        )
        for r in category_rows
    )
    named = tuple(
        NamedEntry(
            id=r["id"].strip(),
            entry=r.get("entry", "").strip(),
            aggregate_key=(r.get("aggregate_key") or r.get("entry") or r["id"]).strip(),
            name_en=r.get("name_en", ""),
            name_uk=r.get("name_uk", ""),
            cas=normalise_cas(r.get("cas")),
            threshold_class2_t=_num(r["threshold_class2_t"]),
            threshold_class1_t=_num(r["threshold_class1_t"]),
            notes=r.get("notes", ""),
            source_document=r.get("source_document", ""),
            source_url=r.get("source_url", ""),
        )
        for r in named_rows
    )
    for c in cats:
        if c.section not in SECTIONS:
            table = rules.get("tables", {}).get("categories", "categories.csv")
            raise ValueError(f"{source}/{table}: category {c.code}: unknown section {c.section!r}")
    return ThresholdTables(categories=cats, named=named, rules=rules, source=source)
