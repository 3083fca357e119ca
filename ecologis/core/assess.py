"""The assessment pipeline: emissions → prepared arrays → contributions, КНП, category.

:func:`prepare` resolves every row once (substance look-up, unit conversion, ГДК
fallback, validation); :func:`compute` is the vectorised calculation over the prepared
arrays for a given methodology preset and is what runs after every edit; it reads no
files.  :func:`assess` does both.
"""

from __future__ import annotations

import gc
import itertools
import math
import operator
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ecologis.core.dictionary import Dictionary, Substance
from ecologis.core.gdk import GDK_KINDS, KIND_INPUT, KIND_NONE, effective_gdk
from ecologis.core.knp import FORMULA_TEXT, knp_total
from ecologis.model import Emission
from ecologis.model.emissions import EmissionTable
from ecologis.model.problems import Problem
from ecologis.core.numbers import NumberProblem, parse_number  # noqa: F401  (re-exported)
from ecologis.core.presets import Preset
from ecologis.core.units import UNITS, UnitError, parse_unit, unit_index_to_t_per_year
from ecologis.core.validation import Journal, Terms, issue

DUPLICATES_SUM = "sum"
DUPLICATES_KEEP = "keep"


# ---------------------------------------------------------------------------------
# parsing of user-entered numbers
# ---------------------------------------------------------------------------------
def _blank(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v.strip() == ""


class RowList:
    """Row numbers formatted only when a message is shown: ``rows`` itself, or with
    ``members`` (row indices) the numbers ``rows[i]`` of those (no copy is made: a
    prepared table's row list is never changed in place)."""

    __slots__ = ("_rows", "_members")

    def __init__(self, rows, members=None):
        self._rows = rows
        self._members = members

    @property
    def rows(self):
        if self._members is None:
            return self._rows
        return [self._rows[i] for i in self._members.tolist()]

    def __str__(self) -> str:
        return ", ".join(str(int(r)) for r in self.rows)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __repr__(self) -> str:
        return f"RowList({self})"


# ---------------------------------------------------------------------------------
# preparation
# ---------------------------------------------------------------------------------
@dataclass
class PreparedTable:
    """Per-row arrays ready for :func:`compute` (length ``n`` = number of rows)."""

    rows: list[int]
    emissions: Sequence[Emission]   # the rows prepared: a copy of a list; an EmissionTable itself (not copied)
    substances: list[Substance | None]
    mass_t: np.ndarray          # t/yr (nan where the row has an error)
    gdk: np.ndarray             # effective ГДК, mg/m³ (nan where none)
    gdk_kind: np.ndarray        # int8 index into GDK_KINDS
    gdk_basis: np.ndarray       # int8: the standard behind an "input" value (sd/mr)
    hazard_class: np.ndarray    # int8, 0 = not known
    row_values: np.ndarray      # bool: the row overrides dictionary values
    valid: np.ndarray           # bool: the row has no error
    dup_key: np.ndarray         # int: rows with equal keys describe the same substance
    journal: Journal
    dictionary_version: int = 0
    _rows_array: np.ndarray | None = None
    _dup_cache: tuple | None = None
    _dup_issue_cache: tuple | None = None

    @property
    def n(self) -> int:
        return len(self.rows)

    @property
    def rows_array(self) -> np.ndarray:
        if self._rows_array is None:
            self._rows_array = np.asarray(self.rows, dtype=np.int64)
        return self._rows_array


def _key(v):
    """A memo key that tells apart values equal across types (``True == 1 == 1.0``)."""
    return (type(v), v)


def _memo_unit(raw, memo: dict):
    """The canonical unit of a spelling, or the :class:`UnitError` it raises (memoised)."""
    try:
        return memo[_key(raw)]
    except KeyError:
        pass
    except TypeError:  # unhashable: not memoised
        try:
            return parse_unit(raw)
        except UnitError as u:
            return u
    try:
        out = parse_unit(raw)
    except UnitError as u:
        out = u
    memo[_key(raw)] = out
    return out


def _parse_hours(raw):
    """Hours per year of a row (blank: 8760), or ``None`` when not a number in (0, 8784]."""
    hours = raw
    try:
        if isinstance(hours, float) and hours == 8760.0:
            pass
        else:
            hours = float(parse_number(hours)[0]) if not _blank(hours) else 8760.0
        if not (0 < hours <= 8784):
            raise NumberProblem("range")
    except NumberProblem:
        return None
    return hours


def _memo_hours(raw, memo: dict):
    try:
        return memo[_key(raw)]
    except KeyError:
        out = memo[_key(raw)] = _parse_hours(raw)
        return out
    except TypeError:
        return _parse_hours(raw)


def _prepare_row(i: int, e: Emission, dictionary: Dictionary, journal: Journal, memo: dict,
                 units: dict | None = None, hours_memo: dict | None = None):
    if units is None:
        units = {}
    if hours_memo is None:
        hours_memo = {}
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
        raw = e.mass
        mass, comma = (raw, False) if type(raw) is float else parse_number(raw)
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
    unit = _memo_unit(e.unit, units)
    if isinstance(unit, UnitError):
        journal.add("E_UNIT_AMBIGUOUS" if unit.kind == "ambiguous" else "E_UNIT_UNKNOWN", row, "unit", value=str(e.unit))
        ok = False
        unit = None
    hours = _memo_hours(e.hours_per_year, hours_memo)
    if hours is None:
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


#: ``Substance.origin`` of an entry made from a table row for a substance the dictionary lacks.
ROW_ORIGIN = "row"


def row_substance(ref: str) -> Substance:
    """A stand-in dictionary entry for a substance the dictionary does not know, named as the
    row names it; its ГДК and class come from the row (``gdk_kind`` "input")."""
    from ecologis.core.cas import is_valid_cas
    from ecologis.core.dictionary import normalize_name

    ref = ref.strip()
    return Substance(id="row:" + normalize_name(ref), name_uk=ref, name_en=ref,
                     cas=ref if is_valid_cas(ref) else None, origin=ROW_ORIGIN)


_GETTERS = {f: operator.attrgetter(f) for f in ("substance", "mass", "unit", "hours_per_year", "gdk_sd", "gdk_mr",
                                                 "hazard_class", "row")}


def _column(emissions: Sequence[Emission], name: str) -> list:
    """One row field as a list (the columns are read one at a time and dropped when done:
    a large table's column is 8 bytes a row)."""
    return list(map(_GETTERS[name], emissions))


def _distinct_codes(column, resolve) -> tuple[list, np.ndarray]:
    """``(values, codes)``: ``resolve(v)`` of each distinct value of ``column`` (``None``: not
    usable in a common row) and per row the number of its value among them (−1: not usable),
    as an int32 array.  Values equal across types (``True == 1``) may share an entry: only
    the type the caller checks per row (:func:`prepare`) is ever taken from a shared entry as
    usable."""
    values: list = []
    number: dict = {}
    n = len(column)
    try:
        # one value in every row (the usual hours, often the unit): no table of values to build
        distinct = (dict.fromkeys(column[:1]) if n and column.count(column[0]) == n
                    else dict.fromkeys(column))
    except TypeError:                            # an unhashable cell: no common rows here
        return values, np.full(n, -1, dtype=np.int32)
    for v in distinct:
        r = resolve(v)
        if r is None:
            number[v] = -1
        else:
            number[v] = len(values)
            values.append(r)
    if len(number) == 1:
        return values, np.full(n, number[next(iter(number))], dtype=np.int32)
    # every cell is a key (by identity at least)
    return values, np.fromiter(map(number.__getitem__, column), dtype=np.int32, count=n)


def _table_codes(values: list, codes: np.ndarray, resolve) -> tuple[list, np.ndarray]:
    """:func:`_distinct_codes` of a column an :class:`EmissionTable` holds as codes: its
    distinct values (exact types: no entries shared across types) resolved once each."""
    out: list = []
    lut = np.full(len(values) + 1, -1, dtype=np.int32)
    for k, v in enumerate(values):
        r = resolve(v)
        if r is not None:
            lut[k] = len(out)
            out.append(r)
    return out, lut[codes]


def _float_codes(table: EmissionTable, name: str, resolve) -> tuple[list, np.ndarray]:
    """:func:`_distinct_codes` of a float column of an :class:`EmissionTable` for a
    ``resolve`` that takes ``None`` or a ``float`` (other cells: −1, not common)."""
    arr, none, others = table.float_column(name)
    n = len(arr)
    out: list = []
    codes = np.full(n, -1, dtype=np.int32)
    if none.any():
        r = resolve(None)
        if r is not None:
            codes[none] = len(out)
            out.append(r)
    plain = ~none
    if others:
        plain[list(others)] = False
    if plain.any():
        # equal floats (and every NaN) resolve alike: each distinct value once
        uniq, inv = np.unique(arr[plain], return_inverse=True)
        lut = np.full(len(uniq), -1, dtype=np.int32)
        for k, u in enumerate(uniq.tolist()):
            r = resolve(u)
            if r is not None:
                lut[k] = len(out)
                out.append(r)
        codes[plain] = lut[inv.reshape(-1)]
    return out, codes


def _only_type(column, types: tuple, n: int) -> np.ndarray | None:
    """Per row whether the cell's type is one of ``types`` (``None``: all are)."""
    if set(map(type, column)) <= set(types):
        return None
    return np.fromiter((type(v) in types for v in column), dtype=bool, count=n)


def _parse_mass_text(text: str) -> tuple[float, bool]:
    """:func:`parse_number` of a mass typed as text, ``(nan, False)`` when not a number.  The
    plain spellings ("12.5", "12,5") are read directly (what ``parse_number`` makes of them:
    ``float`` of the text with its one decimal comma replaced); the rest go through it."""
    try:
        if "," in text:
            if "." not in text and text.count(",") == 1:
                return float(text.replace(",", ".")), True
        else:
            return float(text), False
    except ValueError:
        pass
    try:
        return parse_number(text)
    except NumberProblem:
        return math.nan, False


def prepare(emissions: Sequence[Emission], dictionary: Dictionary) -> PreparedTable:
    """Resolve and validate every row once; see :class:`PreparedTable` and :func:`_prepare`.

    The cyclic garbage collector is paused meanwhile: a large table allocates many small
    objects (journal entries, per-row results) that make no reference cycles, and each pass
    of the collector would walk every object the program holds (the rows themselves) for
    nothing — a third of the time of a 100,000-row import.  Reference counting frees
    everything as usual; the collector runs again afterwards as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _prepare(emissions, dictionary)
    finally:
        if was_enabled:
            gc.enable()


def _prepare(emissions: Sequence[Emission], dictionary: Dictionary) -> PreparedTable:
    """Resolve and validate every row once; see :class:`PreparedTable`.

    The fields are read as columns; each distinct substance, unit and hours value is
    resolved once.  A common row (a dictionary substance, a usable float mass, a known
    unit and hours, no values of its own) needs no journal entry and is handled in
    arrays; every other row goes through :func:`_prepare_row`, in row order (so the
    journal is the row-by-row one), and is patched in."""
    n = len(emissions)
    journal = Journal()
    nan = math.nan
    memo: dict = {}
    units: dict = {}
    hours_memo: dict = {}

    # substances: the distinct Substance objects met, numbered (names and ids of one share it)
    table: list[Substance] = []
    table_index: dict[int, int] = {}

    def resolve_ref(v):
        if type(v) is not str or _blank(v):
            return None
        sub = memo.get(v, memo)
        if sub is memo:
            sub = memo[v] = dictionary.lookup(v)
        if sub is None:
            return None
        k = table_index.get(id(sub))
        if k is None:
            k = table_index[id(sub)] = len(table)
            table.append(sub)
        return k

    # one column at a time: the distinct values resolved, then per row a code (−1: not common)
    is_table = isinstance(emissions, EmissionTable)

    def resolve_unit(v):
        if type(v) is not str:
            return None
        u = _memo_unit(v, units)
        return u if type(u) is str else None

    def resolve_hours(v):
        return _memo_hours(v, hours_memo) if (v is None or type(v) is float) else None

    # the types a shared entry of equal values is usable for (see _distinct_codes); a table's
    # codes never share an entry across types
    type_ok: list = []
    if is_table:
        ref_k, ref_code = _table_codes(*emissions.codes("substance"), resolve_ref)
        code = np.array(ref_k + [-1], dtype=np.int32)[ref_code]
        t_units, ucode = _table_codes(*emissions.codes("unit"), resolve_unit)
        t_hours, hcode = _float_codes(emissions, "hours_per_year", resolve_hours)
    else:
        col = _column(emissions, "substance")
        ref_k, ref_code = _distinct_codes(col, resolve_ref)
        code = np.array(ref_k + [-1], dtype=np.int32)[ref_code]
        type_ok.append(_only_type(col, (str,), n))
        col = _column(emissions, "unit")
        t_units, ucode = _distinct_codes(col, resolve_unit)
        type_ok.append(_only_type(col, (str,), n))
        col = _column(emissions, "hours_per_year")
        t_hours, hcode = _distinct_codes(col, resolve_hours)
        type_ok.append(_only_type(col, (float, type(None)), n))
        del col
    # units as their number in UNITS (t/yr where not usable: those rows are not converted)
    raw_unit = np.array([UNITS.index(u) for u in t_units] + [0], dtype=np.int8)[ucode]
    raw_hours = np.array(t_hours + [8760.0], dtype=float)[hcode]
    comma_rows: dict[int, float] = {}           # row index → the mass read with a decimal comma
    parsed: dict[str, tuple] = {}

    def read_texts(texts) -> None:
        """Masses typed as text ("12,5"), ``(row index, text)``: each distinct text parsed
        once; a decimal comma is noted in the journal (below, in row order), as the
        row-by-row path notes it."""
        for i, text in texts:
            p = parsed.get(text)
            if p is None:
                p = parsed[text] = _parse_mass_text(text)
            raw_mass[i] = p[0]
            if p[1]:
                comma_rows[i] = p[0]

    if is_table:
        raw_mass, _, mass_others = emissions.float_column("mass")
        read_texts((i, m) for i, m in mass_others.items() if type(m) is str)

        def mass_text(i: int) -> str:
            return str(mass_others[i])
    else:
        mass_c = _column(emissions, "mass")
        types = list(map(type, mass_c))
        mass_types = set(types)
        if mass_types == {float}:
            raw_mass = np.array(mass_c, dtype=float).reshape(n)
        else:
            raw_mass = np.array([m if type(m) is float else nan for m in mass_c], dtype=float).reshape(n)
            if str in mass_types:
                is_str = np.fromiter(map(operator.is_, types, itertools.repeat(str)), dtype=bool, count=n)
                read_texts((i, mass_c[i]) for i in np.flatnonzero(is_str).tolist())
        del types, mass_c

        def mass_text(i: int) -> str:
            return str(emissions[i].mass)
    del parsed
    common = (raw_mass > 0.0) & (raw_mass < math.inf)
    common &= (code >= 0) & (ucode >= 0) & (hcode >= 0)
    for ok in type_ok:
        if ok is not None:
            common &= ok
    del type_ok
    for name in ("gdk_sd", "gdk_mr", "hazard_class"):
        if is_table:
            given = emissions.sparse(name)      # the rows whose value is not None
            if given:
                common[list(given)] = False
            continue
        col = _column(emissions, name)
        if col.count(None) != n:
            common &= np.fromiter(map(operator.is_, col, itertools.repeat(None)), dtype=bool, count=n)
        del col
    del ref_k, ref_code, ucode, hcode
    row_c = emissions.column("row") if is_table else _column(emissions, "row")
    n_none = row_c.count(None)
    rows: list[int] = (row_c if n_none == 0 else list(range(1, n + 1)) if n_none == n
                       else [i + 1 if r is None else r for i, r in enumerate(row_c)])
    del row_c
    code = np.where(common, code, -1)
    other: dict[int, tuple] = {}                # row index → (ok, substance, own values, class, class from row)
    bad_given: dict[int, list[tuple[str, str]]] = {}
    todo_rows = np.flatnonzero(~common).tolist()
    if comma_rows:
        todo_rows = sorted(set(todo_rows).union(comma_rows))
    for i in todo_rows:
        if common[i]:
            # a common row whose mass had a decimal comma: its only journal entry
            journal.add("W_MASS_DECIMAL_COMMA", rows[i], "mass", value=mass_text(i), parsed=comma_rows[i])
            continue
        row, ok, sub, (m, u, h), over, klass, class_from_row, bad = _prepare_row(
            i, emissions[i], dictionary, journal, memo, units, hours_memo)
        if bad:
            bad_given[i] = bad
        rows[i] = row
        raw_mass[i] = m
        raw_unit[i] = UNITS.index(u) if ok else 0
        raw_hours[i] = h
        other[i] = (ok, sub, over, klass, class_from_row)
        if (over or class_from_row) and ok:
            journal.add("I_ROW_VALUES", row, None, fields=Terms("field.", sorted([*over] + (["hazard_class"] if class_from_row else []))))
    del memo
    # per distinct substance (the last line: none), taken per row by its number
    t_values = np.array([[nan if v is None else v for v in (s.gdk_sd, s.gdk_mr, s.obrv, s.gdk_rz)] for s in table]
                        + [[nan] * 4], dtype=float)
    t_class = np.array([0 if s.hazard_class is None else int(s.hazard_class) for s in table] + [0], dtype=np.int8)
    # the ГДК chain runs once per distinct substance; rows with values of their own below
    t_gdk, t_kind = effective_gdk(t_values[:, 0], t_values[:, 1], t_values[:, 2], t_values[:, 3])
    gdk = t_gdk[code]
    kind = t_kind[code].astype(np.int8)
    hclass = t_class[code]
    valid = code >= 0
    row_values = np.zeros(n, dtype=bool)
    t_subs: list[Substance | None] = [*table, None]
    t_subs_arr = np.empty(len(t_subs), dtype=object)
    t_subs_arr[:] = t_subs
    subs: list[Substance | None] = t_subs_arr[code].tolist()
    del t_subs_arr
    # rows with equal keys (substance, own ГДК values, own class) describe the same substance
    key_id: dict[tuple, int] = {}
    t_key = np.array([key_id.setdefault((s.id, None, None, None), len(key_id)) for s in table] + [-1], dtype=np.int64)
    kid = t_key[code]
    del code
    o_rows = list(other)
    o_refs = np.full((len(o_rows), 4), nan)
    in_sd = np.full(len(o_rows), nan)
    in_mr = np.full(len(o_rows), nan)
    for j, i in enumerate(o_rows):
        ok, sub, over, klass, class_from_row = other[i]
        valid[i] = ok
        hclass[i] = klass
        subs[i] = sub
        if sub is not None:
            o_refs[j] = [nan if v is None else v for v in (sub.gdk_sd, sub.gdk_mr, sub.obrv, sub.gdk_rz)]
        if "gdk_sd" in over:
            in_sd[j] = over["gdk_sd"]
        if "gdk_mr" in over:
            in_mr[j] = over["gdk_mr"]
        row_values[i] = bool(over) or class_from_row
        key = (sub.id if sub else f"?{i}", over.get("gdk_sd"), over.get("gdk_mr"), klass if class_from_row else None)
        kid[i] = key_id.setdefault(key, len(key_id))
    mass_t = np.full(n, np.nan)
    if n:
        invalid = ~valid
        raw_mass[invalid] = 0.0                # in place (a large table: one array less at a time)
        mass_t = unit_index_to_t_per_year(raw_mass, raw_unit, raw_hours)
        del raw_mass, raw_unit, raw_hours
        mass_t[invalid] = np.nan
        del invalid
    basis = kind.copy()
    if o_rows:
        sd, mr, ob, rz = o_refs[:, 0], o_refs[:, 1], o_refs[:, 2], o_refs[:, 3]
        # The row's own values replace the dictionary's field by field, then the chain runs.
        sd_eff = np.where(np.isnan(in_sd), sd, in_sd)
        mr_eff = np.where(np.isnan(in_mr), mr, in_mr)
        # A row value given but not positive makes that level unusable (nan) and is warned.
        sd_eff = np.where(in_sd == -1.0, np.nan, sd_eff)
        mr_eff = np.where(in_mr == -1.0, np.nan, mr_eff)
        o_gdk, o_kind = effective_gdk(sd_eff, mr_eff, ob, rz)
        o_basis = o_kind.copy()
        from_input = (((o_kind == 0) & ~np.isnan(in_sd) & (in_sd > 0))
                      | ((o_kind == 1) & ~np.isnan(in_mr) & (in_mr > 0)))
        o_kind = np.where(from_input, KIND_INPUT, o_kind).astype(np.int8)
        gdk[o_rows] = o_gdk
        kind[o_rows] = o_kind
        basis[o_rows] = o_basis
    # the rows that get a note on their ГДК, in row order
    noted = valid & ((kind == KIND_NONE) | (kind == 1) | (kind == 2) | (kind == 3))
    todo = np.flatnonzero(noted).tolist()
    if bad_given:
        todo = sorted(set(todo).union(bad_given))
    for i in todo:
        k = int(kind[i])
        if i in bad_given:
            # the row's own non-positive value is ignored: say what is used instead, or that
            # nothing usable is left and the substance is excluded
            if not valid[i]:
                continue
            for fld, text in bad_given[i]:
                if k == KIND_NONE:
                    journal.add("W_GDK_NONPOSITIVE_EXCLUDED", rows[i], fld, value=text)
                else:
                    journal.add("W_GDK_NONPOSITIVE", rows[i], fld, value=text,
                                kind=Terms("gdk_kind.", (GDK_KINDS[basis[i]],)), used=gdk[i])
            continue
        if k == KIND_NONE:
            journal.add("W_GDK_MISSING", rows[i], "gdk", substance=subs[i].name_uk if subs[i] else "", substance_en=subs[i].name_en if subs[i] else "")
        else:
            journal.add("I_GDK_FALLBACK", rows[i], "gdk", kind=Terms("gdk_kind.", (GDK_KINDS[kind[i]],)), value=gdk[i])
    # keys numbered in order of first appearance
    dup_key = np.zeros(n, dtype=np.int64)
    if n:
        n_keys = len(key_id)
        if kid.min() >= 0 and n_keys:
            # keys are small numbers: the first row of each by a minimum, no sort of the rows
            first = np.full(n_keys, n, dtype=np.int64)
            np.minimum.at(first, kid, np.arange(n, dtype=np.int64))
            used = first < n
            rank = np.full(n_keys, -1, dtype=np.int64)
            rank[np.flatnonzero(used)[np.argsort(first[used], kind="stable")]] = np.arange(int(used.sum()))
            dup_key = rank[kid]
        else:
            _, first, inverse = np.unique(kid, return_index=True, return_inverse=True)
            rank = np.empty(len(first), dtype=np.int64)
            rank[np.argsort(first, kind="stable")] = np.arange(len(first))
            dup_key = rank[inverse.reshape(n)]
    return PreparedTable(rows, emissions if is_table else list(emissions), subs, mass_t, gdk, kind, basis.astype(np.int8), hclass,
                         row_values, valid, dup_key, journal, dictionary.version)


# ---------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------
@dataclass
class AssessmentResult:
    """КНП, category and СЗЗ with the per-substance contribution table.

    Group arrays (prefix ``g_``) have one entry per counted substance (rows of the same
    substance are summed under ``duplicates="sum"``); ``order`` sorts them by
    contribution, descending.  ``row_contribution`` gives each table row its part.
    """

    knp: float
    category: str
    szz_m: float
    preset: Preset
    prepared: PreparedTable
    g_first: np.ndarray
    g_inverse: np.ndarray | None     # row (among included) → group; None when one row per group
    included: np.ndarray             # the row indices counted in the sum (ascending)
    row_class: np.ndarray            # per row: hazard class used (assumed where missing; 0 = none)
    g_mass: np.ndarray
    g_gdk: np.ndarray
    g_kind: np.ndarray
    g_class: np.ndarray
    g_a: np.ndarray
    g_contribution: np.ndarray
    row_contribution: np.ndarray
    dominant: list[int]
    journal: Journal
    duplicates: str = DUPLICATES_SUM
    recommendation_rules: tuple = ()  # the rules of recommendations.json given to compute()
    _contributions: list | None = field(default=None, repr=False)
    _order: np.ndarray | None = field(default=None, repr=False)
    _row_share: np.ndarray | None = field(default=None, repr=False)
    _row_a: np.ndarray | None = field(default=None, repr=False)
    _group_members: list | None = field(default=None, repr=False)

    @property
    def order(self) -> np.ndarray:
        """Group indices sorted by contribution, descending (ties: first row first)."""
        if self._order is None:
            self._order = np.argsort(-self.g_contribution, kind="stable")
        return self._order

    @property
    def method(self) -> str:
        return self.preset.id

    @property
    def errors(self) -> list[Problem]:
        return self.journal.errors

    @property
    def warnings(self) -> list[Problem]:
        return self.journal.warnings

    @property
    def share(self) -> np.ndarray:
        return self.g_contribution / self.knp if self.knp > 0 else np.zeros_like(self.g_contribution)

    @property
    def row_share(self) -> np.ndarray:
        """Per row: its part of the КНП (0..1); computed once (callers index it per row)."""
        if self._row_share is None:
            self._row_share = (self.row_contribution / self.knp if self.knp > 0
                               else np.zeros_like(self.row_contribution))
        return self._row_share

    @property
    def row_a(self) -> np.ndarray:
        """Per row: the weight a(c) of the preset for :attr:`row_class` (nan without a class)."""
        if self._row_a is None:
            self._row_a = self.preset.a_array()[self.row_class]
        return self._row_a

    def group_rows(self, g: int) -> list[int]:
        """The table row numbers counted in group ``g``."""
        if self.g_inverse is None:
            return [self.prepared.rows[int(self.g_first[g])]]
        if self._group_members is None:
            # the included rows of every group at once (one stable sort instead of a mask per group)
            order = np.argsort(self.g_inverse, kind="stable")
            bounds = np.searchsorted(self.g_inverse[order], np.arange(len(self.g_first) + 1)).tolist()
            members = self.included[order].tolist()
            self._group_members = [members[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
        rows = self.prepared.rows
        return [rows[i] for i in self._group_members[g]]

    def substance(self, g: int) -> Substance:
        return self.prepared.substances[int(self.g_first[g])]

    @property
    def contributions(self) -> list[dict]:
        """The contribution table sorted by contribution, descending (built on demand)."""
        if self._contributions is None:
            share = self.share
            out = []
            for g in self.order.tolist():
                s = self.substance(g)
                first = int(self.g_first[g])
                out.append({
                    "substance": s.name_uk,
                    "substance_en": s.name_en,
                    "substance_id": s.id,
                    "cas": s.cas,
                    "rows": self.group_rows(g),
                    "mass_t_per_year": float(self.g_mass[g]),
                    "gdk_mg_m3": float(self.g_gdk[g]),
                    "gdk_kind": GDK_KINDS[int(self.g_kind[g])],
                    "gdk_basis": GDK_KINDS[int(self.prepared.gdk_basis[first])],
                    "gdk_source": self._gdk_source(g),
                    "hazard_class": int(self.g_class[g]),
                    "class_assumed": bool(self.prepared.hazard_class[first] == 0),
                    "a": float(self.g_a[g]),
                    "contribution": float(self.g_contribution[g]),
                    "share": float(share[g]),
                })
            self._contributions = out
        return self._contributions

    def _gdk_source(self, g: int) -> str:
        first = int(self.g_first[g])
        kind = GDK_KINDS[int(self.g_kind[g])]
        if kind == "input":
            return "row"
        s = self.prepared.substances[first]
        field_name = {"sd": "gdk_sd", "mr": "gdk_mr", "obrv": "obrv", "0.1rz": "gdk_rz"}[kind]
        return s.sources.get(field_name, "") if s else ""

    def dominant_substances(self) -> list[Substance]:
        return [self.substance(g) for g in self.dominant]

    def recommendations(self):
        from ecologis.core.recommendations import recommend

        return recommend(self, self.recommendation_rules)

    def to_json(self, lang: str = "uk") -> dict:
        from ecologis import __version__

        recs = self.recommendations()
        return {
            "knp": self.knp,
            "category": self.category,
            "szz_m": self.szz_m,
            "method": self.preset.id,
            "formula": FORMULA_TEXT[self.preset.formula],
            "preset": self.preset.to_json(),
            "duplicates": self.duplicates,
            "contributions": self.contributions,
            "dominant": [{"substance": s.name(lang), "substance_id": s.id, "cas": s.cas} for s in self.dominant_substances()],
            "recommendations": [r.text(lang) for r in recs],
            "recommendation_keys": [r.key for r in recs],
            "warnings": [i.to_json(lang) for i in self.journal.warnings],
            "errors": [i.to_json(lang) for i in self.journal.errors],
            "valid": not self.journal.errors,
            "app_version": __version__,
        }


def _duplicate_groups(prep: PreparedTable, include: np.ndarray, idx: np.ndarray) -> list[np.ndarray]:
    """Row indices of each substance that occurs in more than one included row (``idx``:
    the included rows)."""
    key = include.tobytes()
    if prep._dup_cache is not None and prep._dup_cache[0] == key:
        return prep._dup_cache[1]
    groups = _find_duplicate_groups(prep, idx)
    prep._dup_cache = (key, groups)
    return groups


def _find_duplicate_groups(prep: PreparedTable, idx: np.ndarray) -> list[np.ndarray]:
    if len(idx) < 2:
        return []
    keys = prep.dup_key[idx]
    counts = np.bincount(keys)
    if counts.max(initial=0) < 2:
        return []
    # keys are small numbers: a stable sort of them as 16-bit numbers is a radix sort (same order)
    order = np.argsort(keys.astype(np.int16) if len(counts) <= np.iinfo(np.int16).max else keys, kind="stable")
    # the sorted keys run in blocks of their counts, ascending
    ends = np.cumsum(counts)
    starts = ends - counts
    dup = counts > 1
    return [idx[order[a:b]] for a, b in zip(starts[dup].tolist(), ends[dup].tolist())]


def _duplicate_issues(prep: PreparedTable, groups: list[np.ndarray], duplicates: str) -> list[Problem]:
    """The journal entries for duplicate rows (built once per table and policy)."""
    code = "W_DUPLICATE_SUMMED" if duplicates == DUPLICATES_SUM else "W_DUPLICATE_KEPT"
    cache = prep._dup_issue_cache
    if cache is not None and cache[0] is groups and cache[1] == code:
        return cache[2]
    rows = prep.rows
    issues = []
    for members in groups:
        s = prep.substances[int(members[0])]
        issues.append(issue(code, int(rows[int(members[0])]), "substance",
                            substance=s.name_uk, substance_en=s.name_en, rows=RowList(rows, members)))
    prep._dup_issue_cache = (groups, code, issues)
    return issues


def compute(prep: PreparedTable, preset: Preset, duplicates: str = DUPLICATES_SUM, *,
            rules) -> AssessmentResult:
    """Contributions, КНП, category and СЗЗ for prepared rows (vectorised, no I/O).

    ``rules`` are the recommendation rules (``recommendations.json``, loaded by
    :func:`ecologis.io.reference_data.recommendation_rules`) the result's
    :meth:`~AssessmentResult.recommendations` are chosen by.

    With ``duplicates="sum"`` rows of the same substance (and the same row values) are
    summed before the formula is applied, as the normative method requires; with
    ``"keep"`` every row is counted on its own.  Both are reported in the journal.
    """
    journal = Journal(prep.journal)
    n = prep.n
    klass = prep.hazard_class
    has_gdk = prep.gdk_kind != KIND_NONE
    missing_class = (klass == 0) & prep.valid & has_gdk
    any_missing = bool(missing_class.any())
    if any_missing and preset.assumed_class_when_missing is not None:
        klass = np.where(klass == 0, np.int8(preset.assumed_class_when_missing), klass)
    include = prep.valid & has_gdk & (klass > 0)
    if any_missing:
        code = "W_CLASS_ASSUMED" if preset.assumed_class_when_missing is not None else "W_CLASS_MISSING"
        for i in np.flatnonzero(missing_class).tolist():
            journal.add(code, prep.rows[i], "hazard_class", cls=preset.assumed_class_when_missing)
    idx = np.flatnonzero(include)
    dup_groups = _duplicate_groups(prep, include, idx)
    if duplicates == DUPLICATES_SUM and dup_groups:
        # the keys are small numbers (0 … max): each key's first position by a minimum and the
        # groups numbered in order of first appearance, without sorting the rows
        keys = prep.dup_key[idx]
        m = len(idx)
        first_of_key = np.full(int(keys.max()) + 1, m, dtype=np.int64)
        np.minimum.at(first_of_key, keys, np.arange(m, dtype=np.int64))
        present = np.flatnonzero(first_of_key < m)          # the keys met, ascending
        first_pos = first_of_key[present]
        appearance = np.argsort(first_pos, kind="stable")
        rank = np.empty(len(first_of_key), dtype=np.int64)
        rank[present[appearance]] = np.arange(len(appearance))
        inv = rank[keys]
        del keys, first_of_key, rank
        first_pos = first_pos[appearance]
        g_first = idx[first_pos]
        g_mass = np.bincount(inv, weights=prep.mass_t[idx], minlength=len(present))
    else:
        inv = None
        g_first = idx
        g_mass = prep.mass_t[idx]
    g_gdk = prep.gdk[g_first]
    g_kind = prep.gdk_kind[g_first]
    g_class = klass[g_first].astype(np.int64)
    g_a = preset.a_array()[g_class]
    g_contrib = preset.contribution(g_mass, g_gdk, g_a)
    knp = knp_total(g_contrib)
    cat = preset.classify(knp)
    if dup_groups:
        journal.extend(_duplicate_issues(prep, dup_groups, duplicates))
    if len(idx) == 0:
        journal.add("W_NO_ROWS", None, None)
    # each row's part of its group's contribution, in proportion to its mass
    row_contrib = np.zeros(n)
    if inv is None:
        row_contrib[idx] = g_contrib
    else:
        # in blocks: a large table's temporaries stay small (the same arithmetic per row)
        step = 1 << 18
        for a in range(0, len(idx), step):
            ii, rr = inv[a:a + step], idx[a:a + step]
            row_contrib[rr] = g_contrib[ii] * (prep.mass_t[rr] / g_mass[ii])
    # dominant: the fewest top contributors whose cumulative share reaches the preset's
    dominant: list[int] = []
    if knp > 0 and len(g_contrib):
        k_top = min(len(g_contrib), 64)
        cand = np.argpartition(-g_contrib, k_top - 1)[:k_top] if len(g_contrib) > k_top else np.arange(len(g_contrib))
        top = cand[np.lexsort((cand, -g_contrib[cand]))]
        cum = np.cumsum(g_contrib[top]) / knp
        k = int(np.searchsorted(cum, preset.dominant_cumulative_share - 1e-12)) + 1
        dominant = top[: min(k, len(top))].tolist()
    return AssessmentResult(
        knp=knp, category=cat.label, szz_m=cat.radius_m, preset=preset, prepared=prep,
        g_first=g_first, g_inverse=inv, included=idx, row_class=klass, g_mass=g_mass, g_gdk=g_gdk, g_kind=g_kind, g_class=g_class,
        g_a=g_a, g_contribution=g_contrib, row_contribution=row_contrib,
        dominant=dominant, journal=journal, duplicates=duplicates, recommendation_rules=tuple(rules),
    )
