"""The former row-by-row ``prepare`` of ``ecologis.core.assess`` (before the memoised rewrite),
kept verbatim as the oracle of tests/core/test_prepare_parity.py."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ecologis.core.assess import PreparedTable, _blank, row_substance
from ecologis.core.dictionary import Dictionary, Substance
from ecologis.core.gdk import GDK_KINDS, KIND_INPUT, KIND_NONE, effective_gdk
from ecologis.core.numbers import NumberProblem, parse_number
from ecologis.core.units import UnitError, parse_unit, to_t_per_year
from ecologis.core.validation import Journal, Terms
from ecologis.model import Emission


def _prepare_row(i: int, e: Emission, dictionary: Dictionary, journal: Journal, memo: dict):
    row = e.row if e.row is not None else i + 1
    ok = True
    sub = None
    if _blank(e.substance):
        journal.add("E_SUBSTANCE_MISSING", row, "substance")
        ok = False
    else:
        ref = str(e.substance)
        if ref in memo:
            sub = memo[ref]
        else:
            sub = memo[ref] = dictionary.lookup(ref)
    mass = math.nan
    try:
        mass, comma = parse_number(e.mass)
        if comma:
            journal.add("W_MASS_DECIMAL_COMMA", row, "mass", value=str(e.mass), parsed=mass)
        if math.isnan(mass):
            journal.add("E_MASS_NAN", row, "mass", value=str(e.mass))
            ok = False
        elif math.isinf(mass):
            journal.add("E_MASS_INFINITE", row, "mass", value=str(e.mass))
            ok = False
        elif mass < 0:
            journal.add("E_MASS_NEGATIVE", row, "mass", value=str(e.mass))
            ok = False
        elif mass == 0:
            journal.add("E_MASS_ZERO", row, "mass", value=str(e.mass))
            ok = False
    except NumberProblem as p:
        journal.add("E_MASS_MISSING" if p.code == "missing" else "E_MASS_NOT_NUMBER", row, "mass", value=str(e.mass))
        ok = False
    unit = None
    try:
        unit = parse_unit(e.unit)
    except UnitError as u:
        journal.add("E_UNIT_AMBIGUOUS" if u.kind == "ambiguous" else "E_UNIT_UNKNOWN", row, "unit", value=str(e.unit))
        ok = False
    hours = e.hours_per_year
    try:
        if isinstance(hours, float) and hours == 8760.0:
            pass
        else:
            hours = float(parse_number(hours)[0]) if not _blank(hours) else 8760.0
        if not (0 < hours <= 8784):
            raise NumberProblem("range")
    except NumberProblem:
        journal.add("E_HOURS_INVALID", row, "hours_per_year", value=str(e.hours_per_year))
        ok = False
        hours = 8760.0
    # row overrides
    over = {}
    bad: list[tuple[str, str]] = []
    for fld in ("gdk_sd", "gdk_mr"):
        v = getattr(e, fld)
        if _blank(v):
            continue
        try:
            x, _ = parse_number(v)
            if not math.isfinite(x) or x <= 0:
                # ignored; the warning, naming what is used instead, comes once the chain is known
                bad.append((fld, str(v)))
                over[fld] = -1.0  # marks "given but unusable"
            else:
                over[fld] = x
        except NumberProblem:
            journal.add("E_GDK_NOT_NUMBER", row, fld, value=str(v))
            ok = False
    klass = 0
    class_from_row = False
    if not _blank(e.hazard_class):
        try:
            x, _ = parse_number(e.hazard_class)
            if x != int(x) or not 1 <= int(x) <= 4:
                raise NumberProblem("range")
            klass = int(x)
            class_from_row = True
        except (NumberProblem, ValueError, OverflowError):
            journal.add("E_CLASS_RANGE", row, "hazard_class", value=str(e.hazard_class))
            ok = False
    elif sub is not None and sub.hazard_class is not None:
        klass = int(sub.hazard_class)
    if sub is None and not _blank(e.substance):
        own_gdk = any(x > 0 for x in over.values())
        if own_gdk and class_from_row:
            # not in the dictionary, but the row carries its own ГДК and class: assessed with them
            sub = row_substance(str(e.substance))
            journal.add("W_SUBSTANCE_FROM_ROW", row, "substance", value=str(e.substance))
        else:
            journal.add("E_SUBSTANCE_UNKNOWN", row, "substance", value=str(e.substance))
            ok = False
    return row, ok, sub, (mass, unit, hours), over, klass, class_from_row, bad


def old_prepare(emissions: Sequence[Emission], dictionary: Dictionary) -> PreparedTable:
    """Resolve and validate every row once; see :class:`PreparedTable`."""
    n = len(emissions)
    journal = Journal()
    rows: list[int] = []
    subs: list[Substance | None] = []
    mass_t = np.full(n, np.nan)
    sd = np.full(n, np.nan)
    mr = np.full(n, np.nan)
    ob = np.full(n, np.nan)
    rz = np.full(n, np.nan)
    in_sd = np.full(n, np.nan)
    in_mr = np.full(n, np.nan)
    hclass = np.zeros(n, dtype=np.int8)
    row_values = np.zeros(n, dtype=bool)
    valid = np.zeros(n, dtype=bool)
    keys: list[tuple] = []
    memo: dict = {}
    raw_mass = np.full(n, np.nan)
    raw_unit = np.empty(n, dtype=object)
    raw_hours = np.full(n, 8760.0)
    bad_given: dict[int, list[tuple[str, str]]] = {}
    for i, e in enumerate(emissions):
        row, ok, sub, (m, u, h), over, klass, class_from_row, bad = _prepare_row(i, e, dictionary, journal, memo)
        if bad:
            bad_given[i] = bad
        rows.append(row)
        subs.append(sub)
        valid[i] = ok
        raw_mass[i] = m
        raw_unit[i] = u if ok else "t/yr"
        raw_hours[i] = h
        hclass[i] = klass
        if sub is not None:
            sd[i] = np.nan if sub.gdk_sd is None else sub.gdk_sd
            mr[i] = np.nan if sub.gdk_mr is None else sub.gdk_mr
            ob[i] = np.nan if sub.obrv is None else sub.obrv
            rz[i] = np.nan if sub.gdk_rz is None else sub.gdk_rz
        if "gdk_sd" in over:
            in_sd[i] = over["gdk_sd"]
        if "gdk_mr" in over:
            in_mr[i] = over["gdk_mr"]
        row_values[i] = bool(over) or class_from_row
        if row_values[i] and ok:
            journal.add("I_ROW_VALUES", row, None, fields=Terms("field.", sorted([*over] + (["hazard_class"] if class_from_row else []))))
        keys.append((sub.id if sub else f"?{i}", over.get("gdk_sd"), over.get("gdk_mr"), klass if class_from_row else None))
    if n:
        conv = to_t_per_year(np.where(valid, raw_mass, 0.0), raw_unit, raw_hours)
        mass_t = np.where(valid, conv, np.nan)
    # The row's own values replace the dictionary's field by field, then the chain runs.
    sd_eff = np.where(np.isnan(in_sd), sd, in_sd)
    mr_eff = np.where(np.isnan(in_mr), mr, in_mr)
    # A row value given but not positive makes that level unusable (nan) and is warned.
    sd_eff = np.where(in_sd == -1.0, np.nan, sd_eff)
    mr_eff = np.where(in_mr == -1.0, np.nan, mr_eff)
    gdk, kind = effective_gdk(sd_eff, mr_eff, ob, rz)
    basis = kind.copy()
    from_input = ((kind == 0) & ~np.isnan(in_sd) & (in_sd > 0)) | ((kind == 1) & ~np.isnan(in_mr) & (in_mr > 0))
    kind = np.where(from_input, KIND_INPUT, kind).astype(np.int8)
    for i in range(n):
        if i in bad_given:
            # the row's own non-positive value is ignored: say what is used instead, or that
            # nothing usable is left and the substance is excluded
            for fld, text in bad_given[i]:
                if not valid[i]:
                    continue
                if kind[i] == KIND_NONE:
                    journal.add("W_GDK_NONPOSITIVE_EXCLUDED", rows[i], fld, value=text)
                else:
                    journal.add("W_GDK_NONPOSITIVE", rows[i], fld, value=text,
                                kind=Terms("gdk_kind.", (GDK_KINDS[basis[i]],)), used=gdk[i])
            continue
        if not valid[i]:
            continue
        if kind[i] == KIND_NONE:
            journal.add("W_GDK_MISSING", rows[i], "gdk", substance=subs[i].name_uk if subs[i] else "", substance_en=subs[i].name_en if subs[i] else "")
        elif kind[i] in (1, 2, 3):
            journal.add("I_GDK_FALLBACK", rows[i], "gdk", kind=Terms("gdk_kind.", (GDK_KINDS[kind[i]],)), value=gdk[i])
    uniq: dict[tuple, int] = {}
    dup_key = np.array([uniq.setdefault(k, len(uniq)) for k in keys], dtype=np.int64)
    return PreparedTable(rows, list(emissions), subs, mass_t, gdk, kind, basis.astype(np.int8), hclass,
                         row_values, valid, dup_key, journal, dictionary.version)
