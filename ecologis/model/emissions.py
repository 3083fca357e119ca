"""The emissions table: one :class:`Emission` per row, held column-wise.

A plant's table may have a million rows; one Python object per row costs ~180 bytes a row
before any calculation.  :class:`EmissionTable` is a ``MutableSequence[Emission]`` that
keeps the fields as columns instead (about 44 bytes a row):

* the string-like fields (``substance``, ``unit``, ``source_id``, ``origin``, ``date``): an
  ``int32`` code per row and the list of distinct values;
* ``mass`` and ``hours_per_year``: a ``float64`` per row, ``None`` as a reserved NaN bit
  pattern, and a sparse overlay ``{index: raw value}`` for every value that is not a plain
  ``float`` (an ``int``, a ``bool``, text such as ``"12,5"``): the raw cell is kept exactly,
  type included, because :func:`ecologis.core.assess.prepare` reports bad cells from it;
* the fields a row rarely sets (``note``, ``gdk_sd``, ``gdk_mr``, ``hazard_class``): sparse
  dictionaries ``{index: value}`` of the rows that set them;
* ``row``: an ``int64`` per row (a marker for ``None``), an overlay for anything else.

``table[i]`` builds a fresh :class:`Emission` equal, field by field and type by type, to
the one stored; :class:`Emission` is immutable, so a change goes back into the table by
assignment (``table[i] = dataclasses.replace(table[i], mass=2.0)``).  A slice
(``table[a:b]``) is a new :class:`EmissionTable` (a copy, like a list's slice); every other
operation behaves as on a ``list`` of :class:`Emission`, and a table compares equal to a
list of the same rows.

Readers fill a table without an :class:`Emission` per row: :meth:`EmissionTable.from_columns`,
:meth:`EmissionTable.extend_columns`, :meth:`EmissionTable.append_values`.  The calculation
reads whole columns: :meth:`EmissionTable.column`, :meth:`EmissionTable.codes` (distinct
values and a code per row) and :meth:`EmissionTable.float_column`.
"""

from __future__ import annotations

import copy
import itertools
import struct
from collections.abc import Iterable, MutableSequence, Sequence
from dataclasses import FrozenInstanceError, asdict, dataclass, fields
from typing import Any

import numpy as np

#: The unit a mass is read in when none is given (tonnes per year).
DEFAULT_UNIT = "t/yr"


@dataclass(frozen=True, slots=True)
class Emission:
    """One row of the emissions table (immutable: change a row with ``dataclasses.replace``
    and assign it back into its table).

    ``substance`` is the reference as the user gave it (name, CAS, code or dictionary
    id); ``mass`` may be a number or the raw text of a table cell (parsed and validated
    by :func:`ecologis.core.assess.prepare`).  ``gdk_sd``, ``gdk_mr`` and
    ``hazard_class`` override the dictionary for this row only.  ``source_id`` links the
    row to a source of the inventory; ``hours_per_year`` converts g/s ↔ t/yr (when the
    row gives none, :func:`ecologis.pipeline.effective_emissions` takes its source's).
    """

    substance: str
    mass: Any
    unit: str = DEFAULT_UNIT
    hours_per_year: Any = None          # None: the source's hours, else DEFAULT_HOURS_PER_YEAR
    source_id: str | None = None
    origin: str = "inventory"
    date: str | None = None
    note: str = ""
    gdk_sd: Any = None
    gdk_mr: Any = None
    hazard_class: Any = None
    row: int | None = None  # 1-based row number in the file or table it came from

    def to_json(self) -> dict:
        d = asdict(self)
        return {k: v for k, v in d.items() if v not in (None, "") or k in ("substance", "mass", "unit")}

    @classmethod
    def from_json(cls, d: dict) -> "Emission":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


def _no_setattr(self, name, value):
    raise FrozenInstanceError(f"cannot assign to field {name!r}: an Emission is immutable "
                              "(dataclasses.replace, then assign the row into its table)")


def _no_delattr(self, name):
    raise FrozenInstanceError(f"cannot delete field {name!r}: an Emission is immutable")


# Python 3.11's frozen+slots __setattr__ fails with a TypeError on a name that is not a field
# (super() of the class before slots were added); these raise FrozenInstanceError for any name.
Emission.__setattr__ = _no_setattr
Emission.__delattr__ = _no_delattr

#: The fields of :class:`Emission`, in order (the positional order of its constructor).
FIELDS = tuple(f.name for f in fields(Emission))
_REQUIRED = ("substance", "mass")
#: string-like fields: an int32 code per row plus the distinct values
CODED = ("substance", "unit", "source_id", "origin", "date")
#: number-like fields: a float64 per row plus an overlay of the values that are not plain floats
FLOATS = ("mass", "hours_per_year")
#: fields most rows leave at their default: a dictionary of the rows that set them
SPARSE = ("note", "gdk_sd", "gdk_mr", "hazard_class")
DEFAULTS = {f.name: f.default for f in fields(Emission) if f.name not in _REQUIRED}

#: ``None`` in a float column: a NaN with a payload no arithmetic produces
_NONE_BITS = 0x7FF4_0000_0000_0E01
_NONE_FLOAT = np.array([_NONE_BITS], dtype=np.int64).view(np.float64)[0]
#: ``None`` in the row column
_NO_ROW = np.iinfo(np.int64).min
_MAX_ROW = np.iinfo(np.int64).max
_CHUNK = 8192
_ATOMS = frozenset((str, int, float, bool, type(None)))
_pack_d = struct.Struct("<d").pack
_unpack_q = struct.Struct("<q").unpack

# Every stored row gets a number no other row of any table has had (see row_ids()).
_row_numbers = itertools.count(1)


def _new_ids(n: int) -> np.ndarray:
    global _row_numbers
    first = next(_row_numbers)
    _row_numbers = itertools.count(first + n)
    return np.arange(first, first + n, dtype=np.int64)


def _is_none_bits(x: float) -> bool:
    return x != x and _unpack_q(_pack_d(x))[0] == _NONE_BITS


def _key(v):
    """Dictionary key of a coded value: values equal across types (``1 == 1.0 == True``)
    and floats of another sign or NaN payload (``0.0``, ``-0.0``) get their own codes."""
    t = type(v)
    if t is str:
        return v
    if t is float:
        return (float, _pack_d(v))
    return (t, v)


def _is_default_sparse(name: str, v) -> bool:
    if name == "note":
        return type(v) is str and v == ""
    return v is None


class _Coded:
    """The distinct values of a coded column (each kept once, with its exact type)."""

    __slots__ = ("values", "index")

    def __init__(self, values=(), index=None):
        self.values: list = list(values)
        self.index: dict = dict(index) if index is not None else {}

    def code(self, v) -> int:
        try:
            k = _key(v)
            c = self.index.get(k)
        except TypeError:                       # unhashable: its own entry
            self.values.append(v)
            return len(self.values) - 1
        if c is None:
            c = self.index[k] = len(self.values)
            self.values.append(v)
        return c

    def encode(self, column: Sequence) -> np.ndarray:
        """Codes of a whole column (one dictionary pass when every cell is a ``str``)."""
        n = len(column)
        types = set(map(type, column))
        if types == {str}:
            index, values = self.index, self.values
            for v in dict.fromkeys(column):
                if v not in index:
                    index[v] = len(values)
                    values.append(v)
            return np.fromiter(map(index.__getitem__, column), dtype=np.int32, count=n)
        if len(types) == 1 and n and _hashable(column[0]) and column.count(column[0]) == n:
            # one value in every row (equal values of one type have one key, except floats:
            # 0.0 and -0.0 are equal but keep their sign)
            first = _key(column[0])
            if float not in types or all(_key(v) == first for v in column):
                return np.full(n, self.code(column[0]), dtype=np.int32)
        return np.fromiter(map(self.code, column), dtype=np.int32, count=n)

    def copy(self) -> "_Coded":
        return _Coded(self.values, self.index)


def _hashable(v) -> bool:
    try:
        hash(v)
    except TypeError:
        return False
    return True


def _floats(column) -> tuple[np.ndarray, dict]:
    """A float column's array and overlay from a sequence of raw values."""
    if isinstance(column, np.ndarray) and column.dtype == np.float64:
        arr = np.array(column, dtype=np.float64)
        hit = np.flatnonzero(arr.view(np.int64) == _NONE_BITS)
        return arr, {int(i): float(arr[i]) for i in hit}
    n = len(column)
    types = set(map(type, column))
    if types == {float}:
        arr = np.array(column, dtype=np.float64).reshape(n)
        hit = np.flatnonzero(arr.view(np.int64) == _NONE_BITS)
        return arr, {int(i): column[int(i)] for i in hit}
    if types == {type(None)}:
        return np.full(n, _NONE_FLOAT), {}
    arr = np.empty(n, dtype=np.float64)
    over: dict = {}
    for i, v in enumerate(column):
        if type(v) is float:
            if v != v and _is_none_bits(v):
                over[i] = v
            arr[i] = v
        elif v is None:
            arr[i] = _NONE_FLOAT
        else:
            over[i] = v
            arr[i] = np.nan
    return arr, over


def _rows_column(column) -> tuple[np.ndarray, dict]:
    n = len(column)
    types = set(map(type, column))
    if types == {type(None)}:
        return np.full(n, _NO_ROW, dtype=np.int64), {}
    if types == {int}:
        try:
            arr = np.array(column, dtype=np.int64).reshape(n)
        except OverflowError:
            pass
        else:
            hit = np.flatnonzero(arr == _NO_ROW)
            return arr, {int(i): column[int(i)] for i in hit}
    arr = np.empty(n, dtype=np.int64)
    over: dict = {}
    for i, v in enumerate(column):
        if v is None:
            arr[i] = _NO_ROW
        elif type(v) is int and _NO_ROW < v <= _MAX_ROW:
            arr[i] = v
        else:
            over[i] = v
            arr[i] = _NO_ROW
    return arr, over


def _shift(d: dict, start: int, stop: int, added: int) -> dict:
    """A sparse column's entries after rows ``[start, stop)`` were replaced by ``added`` rows
    (the replaced rows' entries dropped)."""
    if not d:
        return d
    delta = added - (stop - start)
    return {(k if k < start else k + delta): v for k, v in d.items() if k < start or k >= stop}


class EmissionTable(MutableSequence):
    """A ``MutableSequence[Emission]`` stored column-wise (see the module's description).

    ``EmissionTable(rows)`` copies any iterable of :class:`Emission`.  Indexing with an
    ``int`` gives a fresh :class:`Emission`; with a slice a new :class:`EmissionTable`.
    """

    __slots__ = ("_n", "_coded", "_codes", "_floats", "_float_over", "_rows", "_row_over", "_sparse", "_ids",
                 "__weakref__")

    def __init__(self, rows: Iterable[Emission] = ()):
        self._n = 0
        self._coded = {name: _Coded() for name in CODED}
        self._codes = {name: np.zeros(0, dtype=np.int32) for name in CODED}
        self._floats = {name: np.zeros(0, dtype=np.float64) for name in FLOATS}
        self._float_over: dict[str, dict] = {name: {} for name in FLOATS}
        self._rows = np.zeros(0, dtype=np.int64)
        self._row_over: dict = {}
        self._sparse: dict[str, dict] = {name: {} for name in SPARSE}
        self._ids: np.ndarray | None = None     # made on the first row_ids()
        if isinstance(rows, EmissionTable):
            self._splice(0, 0, rows)
        else:
            self.extend(rows)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_columns(cls, substance: Sequence, mass: Sequence, **columns) -> "EmissionTable":
        """A table from whole columns: ``substance`` and ``mass`` (sequences of equal
        length) and any other field of :class:`Emission` by name (a sequence of that
        length; an omitted field takes its default).  A float column may be a ``float64``
        array; raw values of any type are kept as they are."""
        t = cls()
        t.extend_columns(substance=substance, mass=mass, **columns)
        return t

    @classmethod
    def from_records(cls, records: Sequence[dict], *, number_rows: bool = False) -> "EmissionTable":
        """A table from dictionaries of field values (unknown keys ignored, as
        :meth:`Emission.from_json`); ``number_rows``: ``row`` is 1, 2, … whatever the
        records say."""
        for k, d in enumerate(records):
            missing = [f for f in _REQUIRED if f not in d]
            if missing:
                raise TypeError(f"emission record {k} lacks {', '.join(missing)}")
        cols = {name: [d.get(name, DEFAULTS.get(name)) for d in records] for name in FIELDS}
        if number_rows:
            cols["row"] = range(1, len(records) + 1)
        return cls.from_columns(**cols)

    def extend_columns(self, substance: Sequence, mass: Sequence, **columns) -> None:
        """Append rows given as columns (see :meth:`from_columns`)."""
        unknown = set(columns) - set(FIELDS)
        if unknown:
            raise TypeError(f"unknown emission field(s): {', '.join(sorted(unknown))}")
        n = len(substance)
        cols = {"substance": substance, "mass": mass, **columns}
        for name, col in cols.items():
            if col is not None and len(col) != n:
                raise ValueError(f"column {name} has {len(col)} values, substance has {n}")
        part = EmissionTable()
        part._n = n
        for name in CODED:
            col = cols.get(name)
            if col is None:
                part._codes[name] = np.full(n, part._coded[name].code(DEFAULTS[name]), dtype=np.int32)
            else:
                part._codes[name] = part._coded[name].encode(list(col))
        for name in FLOATS:
            col = cols.get(name)
            if col is None:
                part._floats[name] = np.full(n, _NONE_FLOAT)
            else:
                part._floats[name], part._float_over[name] = _floats(
                    col if isinstance(col, np.ndarray) else list(col))
        col = cols.get("row")
        if col is None:
            part._rows = np.full(n, _NO_ROW, dtype=np.int64)
        elif isinstance(col, range):
            part._rows = np.arange(col.start, col.stop, col.step, dtype=np.int64)
        else:
            part._rows, part._row_over = _rows_column(list(col))
        for name in SPARSE:
            col = cols.get(name)
            if col is not None:
                part._sparse[name] = {i: v for i, v in enumerate(col) if not _is_default_sparse(name, v)}
        self._splice(self._n, self._n, part)

    def append_values(self, substance, mass, **values) -> None:
        """Append one row given as field values (what ``append(Emission(...))`` does,
        without the :class:`Emission`)."""
        self.extend_columns([substance], [mass], **{k: [v] for k, v in values.items()})

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return self._n

    def _index(self, i) -> int:
        try:
            i = i.__index__()
        except AttributeError:
            raise TypeError(f"table indices must be integers or slices, not {type(i).__name__}") from None
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError("table index out of range")
        return i

    def _value(self, name: str, i: int):
        if name in CODED:
            return self._coded[name].values[self._codes[name][i]]
        if name in FLOATS:
            over = self._float_over[name]
            if i in over:
                return over[i]
            x = float(self._floats[name][i])
            return None if x != x and _is_none_bits(x) else x
        if name == "row":
            if i in self._row_over:
                return self._row_over[i]
            r = int(self._rows[i])
            return None if r == _NO_ROW else r
        return self._sparse[name].get(i, DEFAULTS[name])

    def _row(self, i: int) -> Emission:
        return Emission(*[self._value(name, i) for name in FIELDS])

    def __getitem__(self, i):
        if isinstance(i, slice):
            r = range(self._n)[i]
            return self._take(np.arange(r.start, r.stop, r.step, dtype=np.int64))
        return self._row(self._index(i))

    def _columns(self, start: int, stop: int) -> list[list]:
        return [self._column(name, start, stop) for name in FIELDS]

    def __iter__(self):
        start = 0
        while start < self._n:
            stop = min(start + _CHUNK, self._n)
            yield from itertools.starmap(Emission, zip(*self._columns(start, stop)))
            start = stop

    def __reversed__(self):
        for i in range(self._n - 1, -1, -1):
            yield self._row(i)

    def column(self, name: str) -> list:
        """One field of every row, as stored (the raw values, ``None`` included)."""
        if name not in FIELDS:
            raise KeyError(name)
        return self._column(name, 0, self._n)

    def _column(self, name: str, start: int, stop: int) -> list:
        if name in CODED:
            values = self._coded[name].values
            codes = self._codes[name][start:stop]
            if len(values) == 1:
                return values * len(codes)
            return list(map(values.__getitem__, codes.tolist()))
        if name in FLOATS:
            arr = self._floats[name][start:stop]
            out = arr.tolist()
            for i in np.flatnonzero(arr.view(np.int64) == _NONE_BITS).tolist():
                out[i] = None
            over = self._float_over[name]
        elif name == "row":
            arr = self._rows[start:stop]
            out = arr.tolist()
            for i in np.flatnonzero(arr == _NO_ROW).tolist():
                out[i] = None
            over = self._row_over
        else:
            out = [DEFAULTS[name]] * (stop - start)
            over = self._sparse[name]
        if over:
            for k, v in over.items():
                if start <= k < stop:
                    out[k - start] = v
        return out

    def codes(self, name: str) -> tuple[list, np.ndarray]:
        """``(values, codes)`` of a string-like field: its distinct values (exact types;
        values equal across types such as ``1`` and ``True`` apart; the list may hold
        values no row uses any more) and per row the ``int32`` number of its value."""
        if name not in CODED:
            raise KeyError(name)
        return list(self._coded[name].values), self._codes[name][:self._n].copy()

    def float_column(self, name: str) -> tuple[np.ndarray, np.ndarray, dict]:
        """``(values, none, others)`` of ``mass`` or ``hours_per_year``: per row the value
        where it is a plain ``float`` (a copy; NaN elsewhere), whether the row holds
        ``None``, and ``{index: raw value}`` of the rows holding anything else."""
        if name not in FLOATS:
            raise KeyError(name)
        arr = self._floats[name][:self._n].copy()
        none = arr.view(np.int64) == _NONE_BITS
        over = dict(self._float_over[name])
        if over:
            none[list(over)] = False
            arr[list(over)] = np.nan
        arr[none] = np.nan
        return arr, none, over

    def has_values(self, name: str) -> bool:
        """Whether any row sets a rarely-set field (``note``, ``gdk_sd``, ``gdk_mr``,
        ``hazard_class``) to other than its default."""
        return bool(self._sparse[name])

    def sparse(self, name: str) -> dict:
        """``{index: value}`` of the rows that set a rarely-set field (a copy)."""
        return dict(self._sparse[name])

    def row_ids(self) -> np.ndarray:
        """Per row a number that changes when the row is replaced and that no other row
        of any table has had (what identity of a row object told a view); a copy."""
        if self._ids is None:
            self._ids = _new_ids(self._n)
        return self._ids[:self._n].copy()

    # ------------------------------------------------------------------ changing
    def _take(self, idx: np.ndarray) -> "EmissionTable":
        """A new table of the rows at positions ``idx`` (in that order)."""
        t = EmissionTable()
        t._n = len(idx)
        for name in CODED:
            t._coded[name] = self._coded[name].copy()
            t._codes[name] = self._codes[name][idx]
        for name in FLOATS:
            t._floats[name] = self._floats[name][idx]
        t._rows = self._rows[idx]
        overs = [*(self._float_over[n] for n in FLOATS), self._row_over, *(self._sparse[n] for n in SPARSE)]
        if any(overs):
            pos = {int(k): j for j, k in enumerate(idx.tolist())}
            for name in FLOATS:
                t._float_over[name] = {pos[k]: v for k, v in self._float_over[name].items() if k in pos}
            t._row_over = {pos[k]: v for k, v in self._row_over.items() if k in pos}
            for name in SPARSE:
                t._sparse[name] = {pos[k]: v for k, v in self._sparse[name].items() if k in pos}
            if len(pos) != len(idx):            # a position taken twice (not from a slice)
                raise ValueError("rows taken twice")
        return t

    def _splice(self, start: int, stop: int, other: "EmissionTable") -> None:
        """Replace rows ``[start, stop)`` by the rows of ``other`` (rows appended at the
        end go into spare room, as a list's do: appending row by row is not quadratic)."""
        m = other._n
        n = self._n
        append = start == stop == n

        def put(arr: np.ndarray, new: np.ndarray) -> np.ndarray:
            if append:
                if len(arr) < n + m:
                    grown = np.empty(max(n + m, n + n // 4 + 16), dtype=arr.dtype)
                    grown[:n] = arr[:n]
                    arr = grown
                arr[n:n + m] = new
                return arr
            return np.concatenate((arr[:start], new, arr[stop:n]))

        for name in CODED:
            mine = self._coded[name]
            theirs = other._coded[name]
            if theirs is mine:
                new = other._codes[name][:m]
            else:
                mapping = np.array([mine.code(v) for v in theirs.values] + [0], dtype=np.int32)
                new = mapping[other._codes[name][:m]]
            self._codes[name] = put(self._codes[name], new)
        for name in FLOATS:
            self._floats[name] = put(self._floats[name], other._floats[name][:m])
            self._float_over[name] = self._merge(self._float_over[name], other._float_over[name], start, stop, m)
        self._rows = put(self._rows, other._rows[:m])
        self._row_over = self._merge(self._row_over, other._row_over, start, stop, m)
        for name in SPARSE:
            self._sparse[name] = self._merge(self._sparse[name], other._sparse[name], start, stop, m)
        if self._ids is not None:
            self._ids = put(self._ids, _new_ids(m))
        self._n = n - (stop - start) + m

    @staticmethod
    def _merge(mine: dict, theirs: dict, start: int, stop: int, m: int) -> dict:
        out = _shift(mine, start, stop, m)
        if theirs:
            out = dict(out) if out is mine else out
            out.update({start + k: v for k, v in theirs.items()})
        return out

    def _store(self, i: int, e: Emission) -> None:
        """Write row ``i`` (an existing position) from ``e``."""
        for name in FIELDS:
            self._store_field(name, i, getattr(e, name))
        if self._ids is not None:
            self._ids[i] = _new_ids(1)[0]

    def _store_field(self, name: str, i: int, v) -> None:
        if name in CODED:
            self._codes[name][i] = self._coded[name].code(v)
        elif name in FLOATS:
            over = self._float_over[name]
            over.pop(i, None)
            if type(v) is float:
                self._floats[name][i] = v
                if v != v and _is_none_bits(v):
                    over[i] = v
            elif v is None:
                self._floats[name][i] = _NONE_FLOAT
            else:
                self._floats[name][i] = np.nan
                over[i] = v
        elif name == "row":
            self._row_over.pop(i, None)
            if v is None:
                self._rows[i] = _NO_ROW
            elif type(v) is int and _NO_ROW < v <= _MAX_ROW:
                self._rows[i] = v
            else:
                self._rows[i] = _NO_ROW
                self._row_over[i] = v
        elif _is_default_sparse(name, v):
            self._sparse[name].pop(i, None)
        else:
            self._sparse[name][i] = v

    @staticmethod
    def _check(e) -> Emission:
        if not isinstance(e, Emission):
            raise TypeError(f"an emissions table holds Emission rows, not {type(e).__name__}")
        return e

    @classmethod
    def _of(cls, rows) -> "EmissionTable":
        if isinstance(rows, EmissionTable):
            return rows
        t = cls()
        t.extend(rows)
        return t

    def __setitem__(self, i, value) -> None:
        if isinstance(i, slice):
            start, stop, step = i.indices(self._n)
            if step == 1:
                other = self._of(value) if value is not self else self.copy()
                self._splice(start, max(start, stop), other)
                return
            positions = range(start, stop, step)
            rows = list(value)
            if len(rows) != len(positions):
                raise ValueError(f"attempt to assign sequence of size {len(rows)} "
                                 f"to extended slice of size {len(positions)}")
            for k, e in zip(positions, rows):
                self._store(k, self._check(e))
            return
        self._store(self._index(i), self._check(value))

    def __delitem__(self, i) -> None:
        if isinstance(i, slice):
            start, stop, step = i.indices(self._n)
            if step == 1:
                if stop > start:
                    self._splice(start, stop, EmissionTable())
                return
            r = range(self._n)[i]
            gone = np.arange(r.start, r.stop, r.step, dtype=np.int64)
            if len(gone):
                keep = np.ones(self._n, dtype=bool)
                keep[gone] = False
                self._replace_with(self._take(np.flatnonzero(keep)))
            return
        i = self._index(i)
        self._splice(i, i + 1, EmissionTable())

    def _replace_with(self, t: "EmissionTable") -> None:
        """Take the columns of ``t`` (rows moved: every row gets a new id)."""
        for name in self.__slots__:
            if name != "__weakref__":
                setattr(self, name, getattr(t, name))
        self._ids = None

    def insert(self, i: int, value: Emission) -> None:
        i = i.__index__()
        if i < 0:
            i = max(0, i + self._n)
        i = min(i, self._n)
        one = EmissionTable()
        one._grow_one(self._check(value))
        self._splice(i, i, one)

    def _grow_one(self, e: Emission) -> None:
        """Append ``e`` to an empty table (the building block of insert/append)."""
        for name in CODED:
            self._codes[name] = np.zeros(1, dtype=np.int32)
        for name in FLOATS:
            self._floats[name] = np.zeros(1, dtype=np.float64)
        self._rows = np.zeros(1, dtype=np.int64)
        self._n = 1
        self._store(0, e)

    def append(self, value: Emission) -> None:
        self.insert(self._n, value)

    def extend(self, values: Iterable[Emission]) -> None:
        if isinstance(values, EmissionTable):
            self._splice(self._n, self._n, values.copy() if values is self else values)
            return
        it = iter(values)
        while True:
            chunk = list(itertools.islice(it, 65536))
            if not chunk:
                return
            for e in chunk:
                self._check(e)
            self.extend_columns(**{name: [getattr(e, name) for e in chunk] for name in FIELDS})

    def __iadd__(self, values):
        self.extend(values)
        return self

    def clear(self) -> None:
        self._splice(0, self._n, EmissionTable())

    def pop(self, i: int = -1) -> Emission:
        i = self._index(i)
        e = self._row(i)
        self._splice(i, i + 1, EmissionTable())
        return e

    def reverse(self) -> None:
        self._replace_with(self._take(np.arange(self._n - 1, -1, -1)))

    def renumber(self) -> None:
        """Set every row's ``row`` to its position, 1-based (what a table shown to the user
        numbers its rows by)."""
        self._rows = np.arange(1, self._n + 1, dtype=np.int64)
        self._row_over = {}

    def with_values(self, name: str, values: dict) -> "EmissionTable":
        """A copy with field ``name`` of some rows replaced: ``{index: value}``."""
        if name not in FIELDS:
            raise KeyError(name)
        t = self.copy()
        for i, v in values.items():
            t._store_field(name, self._index(i), v)
        return t

    def to_json_rows(self, exclude: tuple = ("row",)) -> list[dict]:
        """Every row as :meth:`Emission.to_json` gives it (less the fields ``exclude``), read
        from the columns without a row object each."""
        names = [f for f in FIELDS if f not in exclude]
        always = {"substance", "mass", "unit"}
        out = []
        start = 0
        while start < self._n:
            stop = min(start + _CHUNK, self._n)
            cols = [self._column(name, start, stop) for name in names]
            for values in zip(*cols):
                d = {}
                for k, v in zip(names, values):
                    if v not in (None, "") or k in always:
                        d[k] = v if type(v) in _ATOMS else copy.deepcopy(v)   # as dataclasses.asdict
                out.append(d)
            start = stop
        return out

    def digest(self, exclude: tuple = ("row",)) -> str:
        """A SHA-256 of the table's content: every field of every row (less ``exclude``),
        with its exact type (``1``, ``1.0``, ``True`` and ``"1"`` differ, and so do ``0.0``
        and ``-0.0``).  Equal tables give the same digest however they were built or edited
        (distinct values are numbered in a canonical order), read from the columns without
        a row object each: the key of a cached assessment."""
        import hashlib

        n = self._n
        h = hashlib.sha256(b"emissions %d" % n)

        def canon(v) -> str:
            return repr((type(v).__qualname__, v.hex() if type(v) is float else v))

        for name in CODED:
            if name in exclude:
                continue
            codes = self._codes[name][:n]
            values = self._coded[name].values
            used = np.unique(codes).tolist()
            keys = [canon(values[c]) for c in used]
            order = sorted(range(len(used)), key=keys.__getitem__)
            rank = np.zeros(max(len(values), 1), dtype=np.int64)
            rank[[used[i] for i in order]] = np.arange(len(used), dtype=np.int64)
            h.update(("\x1e" + name + "\x1f" + "\x1f".join(keys[i] for i in order)).encode("utf-8", "surrogatepass"))
            h.update(rank[codes].tobytes())
        for name in FLOATS:
            if name in exclude:
                continue
            h.update(("\x1e" + name).encode())
            h.update(np.ascontiguousarray(self._floats[name][:n]).tobytes())
            h.update(repr(sorted((i, canon(v)) for i, v in self._float_over[name].items())).encode("utf-8", "surrogatepass"))
        for name in SPARSE:
            if name in exclude:
                continue
            h.update(("\x1e" + name).encode())
            h.update(repr(sorted((i, canon(v)) for i, v in self._sparse[name].items())).encode("utf-8", "surrogatepass"))
        if "row" not in exclude:
            h.update(b"\x1erow")
            h.update(np.ascontiguousarray(self._rows[:n]).tobytes())
            h.update(repr(sorted((i, canon(v)) for i, v in self._row_over.items())).encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def with_floats(self, name: str, index: np.ndarray, values: np.ndarray) -> "EmissionTable":
        """A copy with the float field ``name`` (``mass``, ``hours_per_year``) of the rows
        ``index`` set to the plain floats ``values`` (one array operation, no row objects)."""
        if name not in FLOATS:
            raise KeyError(name)
        t = self.copy()
        index = np.asarray(index, dtype=np.int64)
        values = np.asarray(values, dtype=np.float64)
        if len(index):
            if index.min() < 0 or index.max() >= self._n:
                raise IndexError("table index out of range")
            t._floats[name][index] = values
            over = t._float_over[name]
            for i in index.tolist():
                over.pop(i, None)
            odd = np.flatnonzero(values.view(np.int64) == _NONE_BITS)   # the None pattern as a float
            for j in odd.tolist():
                over[int(index[j])] = float(values[j])
        return t

    def copy(self) -> "EmissionTable":
        t = EmissionTable()
        t._n = self._n
        for name in CODED:
            t._coded[name] = self._coded[name].copy()
            t._codes[name] = self._codes[name][:self._n].copy()
        for name in FLOATS:
            t._floats[name] = self._floats[name][:self._n].copy()
            t._float_over[name] = dict(self._float_over[name])
        t._rows = self._rows[:self._n].copy()
        t._row_over = dict(self._row_over)
        for name in SPARSE:
            t._sparse[name] = dict(self._sparse[name])
        return t

    __copy__ = copy

    def __deepcopy__(self, memo) -> "EmissionTable":
        t = self.copy()
        for name in CODED:
            t._coded[name] = _Coded(copy.deepcopy(self._coded[name].values, memo), self._coded[name].index)
        for name in FLOATS:
            t._float_over[name] = copy.deepcopy(t._float_over[name], memo)
        t._row_over = copy.deepcopy(t._row_over, memo)
        for name in SPARSE:
            t._sparse[name] = copy.deepcopy(t._sparse[name], memo)
        return t

    def __reduce__(self):
        return (_from_columns, ({name: self.column(name) for name in FIELDS},))

    # ------------------------------------------------------------------ comparing
    def __eq__(self, other) -> bool:
        if isinstance(other, EmissionTable):
            return self._n == other._n and all(self.column(name) == other.column(name) for name in FIELDS)
        if isinstance(other, (list, tuple)):
            return self._n == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        head = ", ".join(repr(e) for e in itertools.islice(self, 3))
        more = f", … {self._n - 3} more" if self._n > 3 else ""
        return f"EmissionTable([{head}{more}])"


def _from_columns(columns: dict) -> EmissionTable:
    """Unpickling: a table from its columns."""
    return EmissionTable.from_columns(**columns)
