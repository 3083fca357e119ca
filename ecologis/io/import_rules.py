"""Import rules shared by the GUI preview dialog and ``ecologis-cli import``.

1. :func:`plan_import` reads the table (:func:`read_emissions`) and runs the core
   validation (:func:`ecologis.core.assess.prepare`) on a copy of the rows; nothing
   else is touched.  The plan lists the validation journal (messages name file, row and
   field), the unknown substances (reference → rows) and the duplicate groups.
2. Unknown substances are resolved by :meth:`ImportPlan.remap` (reference → an
   existing dictionary entry) or by adding the substance to the dictionary first
   (:func:`add_substance`, validated with ``validate_substance_record``) and re-planning.
3. :func:`finalize` turns a plan into the emissions to apply.  It refuses — raising
   :class:`ImportRefused` with the reasons — while there are errors, unresolved unknown
   substances, or duplicates without a choice ("sum" or "keep"); it never returns
   part of a table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from ecologis.core.assess import NumberProblem, parse_number, prepare
from ecologis.core.dictionary import Dictionary, Substance, validate_substance_record
from ecologis.model.emissions import FIELDS, EmissionTable
from ecologis.core.validation import Journal
from ecologis.model.problems import Problem
from ecologis.io.emissions_table import TableData, TableReadError, read_emissions

DUPLICATE_CHOICES = ("sum", "keep")


class ImportRefused(Exception):
    """The table cannot be applied; ``reasons`` are the :class:`~ecologis.model.problems.Problem`s
    of :meth:`ImportPlan.blocking` (their texts name the file) and ``issues`` the blocking
    journal entries."""

    def __init__(self, file: str, reasons: list[Problem], issues: list[Problem] | None = None):
        super().__init__(f"{file}: {[p.key for p in reasons]}")
        self.file = file
        self.reasons = list(reasons)
        self.issues = list(issues or [])

    def messages(self, lang: str | None = None) -> list[str]:
        out = [p.message(lang) for p in self.reasons]
        out += [i.located_message(lang) for i in self.issues]
        return out


@dataclass
class ImportPlan:
    file: str
    table: TableData
    emissions: EmissionTable                  # a copy of the table rows (after mapping)
    journal: Journal                          # the core validation journal, naming the file
    unknown: dict[str, list[int]]             # unresolved reference -> rows
    duplicate_groups: list[list[int]]         # rows describing the same substance
    mapping: dict[str, str] = field(default_factory=dict)   # reference -> dictionary id
    formulas_without_value: list[tuple[int, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return self.journal.errors

    @property
    def warnings(self) -> list[Problem]:
        return self.journal.warnings

    @property
    def has_duplicates(self) -> bool:
        return bool(self.duplicate_groups)

    def blocking(self, duplicates: str | None) -> list[Problem]:
        """Reasons the plan cannot be applied with this duplicates choice (empty = OK)."""
        f = self.file
        reasons: list[Problem] = []
        if not self.emissions:
            reasons.append(Problem("io.import.refused.empty", file=f))
        if self.unknown:
            reasons.append(Problem("io.import.refused.unknown", {"count": len(self.unknown),
                                                                  "names": ", ".join(sorted(self.unknown))[:500]}, file=f))
        other = [i for i in self.errors if i.code != "E_SUBSTANCE_UNKNOWN"]
        if other:
            reasons.append(Problem("io.import.refused.errors", {"count": len(other)}, file=f))
        for row, header in self.formulas_without_value:
            reasons.append(Problem("io.import.formula_without_value", {"row": row, "column": header}, file=f, row=row))
        if self.duplicate_groups and duplicates not in DUPLICATE_CHOICES:
            reasons.append(Problem("io.import.refused.duplicates", {
                "groups": "; ".join(", ".join(str(r) for r in g) for g in self.duplicate_groups)}, file=f))
        return reasons

    def remap(self, mapping: dict[str, str], dictionary: Dictionary) -> "ImportPlan":
        """A new plan with references replaced by dictionary ids (``mapping`` adds to
        the current one).  Unknown target ids raise ``KeyError``."""
        merged = dict(self.mapping)
        for ref, sid in mapping.items():
            if dictionary.get(sid) is None and dictionary.lookup(sid) is None:
                raise KeyError(sid)
            merged[ref] = dictionary.get(sid).id if dictionary.get(sid) else dictionary.lookup(sid).id
        return _plan(self.file, self.table, dictionary, merged)


def _plan(file: str, table: TableData, dictionary: Dictionary, mapping: dict[str, str]) -> ImportPlan:
    # a copy of the table's rows, the references mapped (the table itself is not changed)
    refs = ["" if v is None else str(v).strip() for v in table.emissions.column("substance")]
    rows = table.emissions.with_values("substance", {i: mapping[r] for i, r in enumerate(refs) if r in mapping})
    del refs
    prep = prepare(rows, dictionary)
    journal = prep.journal.with_file(file)
    unknown: dict[str, list[int]] = {}
    for i, s in enumerate(rows.column("substance")):
        if prep.substances[i] is None and str(s or "").strip():
            unknown.setdefault(str(s).strip(), []).append(prep.rows[i])
    groups: dict[int, list[int]] = {}
    for i in range(prep.n):
        if prep.valid[i]:
            groups.setdefault(int(prep.dup_key[i]), []).append(prep.rows[i])
    dups = [g for g in groups.values() if len(g) > 1]
    return ImportPlan(file, table, rows, journal, unknown, dups, dict(mapping),
                      list(table.meta.get("formulas_without_value") or []))


def plan_import(path: str | Path, dictionary: Dictionary, mapping: dict[str, str] | None = None) -> ImportPlan:
    """Read and validate ``path`` without changing anything (raises :class:`TableReadError`)."""
    p = Path(path)
    table = read_emissions(p, dictionary)
    plan = _plan(p.name, table, dictionary, {})
    return plan.remap(mapping, dictionary) if mapping else plan


def add_substance(dictionary: Dictionary, record: dict) -> list:
    """Validate ``record`` and add it to ``dictionary`` (in memory; the caller saves the
    overlay with ``ecologis.io.reference_data.save_user_dictionary`` once the import is confirmed).
    Returns the list of problems (empty = added)."""
    problems = validate_substance_record(record)
    if problems:
        return problems
    dictionary.put(Substance.from_json(record, origin="user"))
    return []


def _number_or_raw(v):
    """The number a cell means, exactly as parsed (never rounded); raw text if it is not one."""
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, str) and not v.strip():
        return None
    if isinstance(v, float) and not math.isfinite(v):
        return None if math.isnan(v) else v
    try:
        x, _ = parse_number(v)
    except NumberProblem:
        return v
    return x if math.isfinite(x) else v


def finalize(plan: ImportPlan, duplicates: str | None) -> EmissionTable:
    """The emissions to apply — all rows or nothing.  Raises :class:`ImportRefused`."""
    reasons = plan.blocking(duplicates)
    if reasons:
        raise ImportRefused(plan.file, reasons, [i for i in plan.errors])
    rows = plan.emissions
    cols = {name: rows.column(name) for name in FIELDS}
    for name in ("mass", "gdk_sd", "gdk_mr", "hours_per_year"):    # hours None: the source's (Project.hours_of)
        cols[name] = [_number_or_raw(v) for v in cols[name]]
    cols["hazard_class"] = [int(hc) if isinstance(hc, float) and math.isfinite(hc) and hc == int(hc) else hc
                            for hc in map(_number_or_raw, cols["hazard_class"])]
    for name in ("source_id", "date"):
        cols[name] = [None if isinstance(v, str) and not v.strip() else v for v in cols[name]]
    cols["row"] = range(1, len(rows) + 1)
    return EmissionTable.from_columns(**cols)


def import_into_profile(table_path: str | Path, profile_path: str | Path, dictionary: Dictionary,
                        mapping: dict[str, str] | None = None, duplicates: str | None = None,
                        append: bool = False, preset: str | None = None):
    """The CLI import: plan, finalize, then save the profile atomically.

    Returns ``(profile, plan)``.  Raises :class:`TableReadError`, :class:`ImportRefused`
    or :class:`~ecologis.io.profile.ProfileError` before anything is written.
    """
    from ecologis.io.profile import Project, load_profile, save_profile

    plan = plan_import(table_path, dictionary, mapping)
    emissions = finalize(plan, duplicates)
    pp = Path(profile_path)
    profile = load_profile(pp) if pp.exists() else Project()
    if profile.read_only:
        from ecologis.io.profile import ProfileError

        raise ProfileError(pp.name, "profile.error.read_only")
    if append:
        combined = profile.emissions.copy()
        combined.extend(emissions)
        combined.renumber()
        emissions = combined
    profile.emissions = emissions
    if duplicates in DUPLICATE_CHOICES:
        profile.duplicates = duplicates
    if preset:
        profile.preset = preset
    save_profile(profile, pp)
    return profile, plan


__all__ = ["ImportPlan", "ImportRefused", "plan_import", "finalize", "add_substance", "import_into_profile",
           "TableReadError", "DUPLICATE_CHOICES"]
