"""Editing the sources inventory through the session (Qt-free).

:class:`SourceEditing` is a mixin of :class:`ecologis.session.Session`: every operation is
one undoable command that emits ``events.sources`` and, when the operating hours a row of
the emissions table is converted with change (a row without its own hours takes its
source's, :meth:`ecologis.model.Project.hours_of`), a recalculation of the КНП.

Decisions:

* New sources get the id "1 + the largest whole-number id" ("1", "2", … for a new project).
* Renaming a source (its id) carries the emission rows linked to it along.
* Deleting a source keeps its emission rows: they lose the link, and a row that took its
  operating hours from the deleted source gets those hours as its own, so the КНП does
  not change.  Undo restores the sources, the links and the rows as they were.
* Numbers are parsed with :func:`ecologis.core.numbers.parse_number` (decimal comma
  accepted); an empty value clears an optional number.  The gas cleaning efficiency is
  typed and shown in per cent and stored as a fraction 0…1.
"""

from __future__ import annotations

import copy
import math
from dataclasses import replace

from ecologis.core.numbers import NumberProblem, parse_number
from ecologis.model import SOURCE_KINDS, Emission, Source

#: Hours in a leap year: the upper bound of a source's operating hours.
MAX_HOURS_PER_YEAR = 8784.0

#: Numeric fields: (low, high, low_inclusive).  The bounds are those of the profile file
#: (``docs/schemas/profile.schema.json``, a source), so that every accepted edit can be saved.
NUMERIC_FIELDS: dict[str, tuple[float, float, bool]] = {
    "lat": (-90.0, 90.0, True),
    "lon": (-180.0, 180.0, True),
    "height_m": (0.0, 1000.0, True),
    "diameter_m": (0.0, 100.0, True),
    "velocity_m_s": (0.0, 1000.0, True),
    "volume_m3_s": (0.0, 100000.0, True),
    "temp_c": (-100.0, 2000.0, True),
    "cleaning_efficiency": (0.0, 100.0, True),     # per cent as typed; stored / 100
    "hours_per_year": (0.0, MAX_HOURS_PER_YEAR, False),
}
TEXT_FIELDS = ("name", "gas_cleaning")
#: Longest id and texts the profile file holds.
MAX_ID_LENGTH = 100
MAX_TEXT_LENGTH = 2000
#: Every field :meth:`SourceEditing.set_source_field` accepts.
EDITABLE_FIELDS = ("id", "name", "kind", *NUMERIC_FIELDS, "gas_cleaning", "own")


def _problem(key: str, **params):
    from ecologis.session.session import EditRefused

    return EditRefused(key, **params)


def _field_name(field: str) -> str:
    from ecologis.i18n import t

    return t("src.col." + field)


def _bound_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def parse_source_value(source_id: str, field: str, value):
    """The stored value of ``field`` typed as ``value``; raises a translated
    :class:`~ecologis.session.EditRefused` naming the source and the field."""
    if field in NUMERIC_FIELDS:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        fname = _field_name(field)
        try:
            x = float(parse_number(value)[0])
        except NumberProblem:
            raise _problem("src.error.not_number", source=source_id, field=fname, value=str(value)) from None
        if not math.isfinite(x):
            raise _problem("src.error.not_number", source=source_id, field=fname, value=str(value))
        low, high, low_inclusive = NUMERIC_FIELDS[field]
        if field == "hours_per_year" and not (0.0 < x <= MAX_HOURS_PER_YEAR):
            raise _problem("src.error.hours", source=source_id, field=fname, value=str(value),
                           high=_bound_text(MAX_HOURS_PER_YEAR))
        if (x < low or (x == low and not low_inclusive)) or x > high:
            raise _problem("src.error.range", source=source_id, field=fname, value=str(value),
                           low=_bound_text(low), high=_bound_text(high))
        return x / 100.0 if field == "cleaning_efficiency" else x
    if field in TEXT_FIELDS:
        text = "" if value is None else str(value).strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise _problem("src.error.too_long", source=source_id, field=_field_name(field),
                           length=len(text), limit=MAX_TEXT_LENGTH)
        return text
    if field == "kind":
        v = str(value or "").strip()
        if v not in SOURCE_KINDS:
            from ecologis.i18n import t

            raise _problem("src.error.kind", source=source_id, value=v,
                           kinds=", ".join(t("src.kind." + k) for k in SOURCE_KINDS))
        return v
    if field == "own":
        return bool(value)
    if field == "id":
        text = "" if value is None else str(value).strip()
        if len(text) > MAX_ID_LENGTH:
            raise _problem("src.error.too_long", source=source_id, field=_field_name(field),
                           length=len(text), limit=MAX_ID_LENGTH)
        return text
    raise KeyError(field)


class SourceEditing:
    """Undoable edits of ``profile.sources`` and of the rows' links to them (mixin of
    :class:`ecologis.session.Session`; see the module docstring)."""

    # -- helpers ----------------------------------------------------------------------
    def new_source_id(self) -> str:
        """1 + the largest whole-number id of the inventory ("1" for an empty one)."""
        numbers = [int(s.id) for s in self.profile.sources if str(s.id).isdigit()]
        n = max(numbers, default=0) + 1
        ids = {s.id for s in self.profile.sources}
        while str(n) in ids:
            n += 1
        return str(n)

    def source_row_count(self, sid: str) -> int:
        """How many emission rows are linked to source ``sid``."""
        return sum(1 for v in self.profile.emissions.column("source_id") if v == sid)

    def _source_or_problem(self, sid) -> Source:
        src = self.profile.source(sid) if sid not in (None, "") else None
        if src is None:
            raise _problem("src.error.unknown", source=str(sid))
        return src

    def _sources_command(self, key: str, new_sources: list[Source], new_rows: dict[int, Emission]) -> None:
        """One undoable edit: the inventory becomes ``new_sources`` and the emission rows
        ``new_rows`` (index → row) replace the current ones; recalculates when a row's
        operating hours (its own, else its source's) change."""
        old_sources = copy.deepcopy(self.profile.sources)
        old_rows = {i: self.profile.emissions[i] for i in new_rows}
        new_sources = copy.deepcopy(new_sources)
        recalc = bool(new_rows) or _linked_hours(old_sources, self.profile.emissions) != \
            _linked_hours(new_sources, self.profile.emissions)

        def apply(sources, rows):
            self.profile.sources = copy.deepcopy(sources)
            for i, e in rows.items():
                self.profile.emissions[i] = e
            if recalc:
                self.recalculate()
            self._emit("sources")

        self._push(_command(key, lambda: apply(new_sources, new_rows), lambda: apply(old_sources, old_rows)))

    # -- operations ---------------------------------------------------------------------
    def add_source(self, source: Source | None = None) -> str:
        """Add ``source`` (a new empty point source when None) to the inventory; an empty
        id gets :meth:`new_source_id`.  Returns its id.  Undoable."""
        src = copy.deepcopy(source) if source is not None else Source(id="")
        src.id = parse_source_value(src.id, "id", src.id) or self.new_source_id()
        if self.profile.source(src.id) is not None:
            raise _problem("src.error.id_taken", source=src.id)
        for f in NUMERIC_FIELDS:           # a given source is checked like typed values
            v = getattr(src, f)
            if v is not None:
                parse_source_value(src.id, f, v * 100.0 if f == "cleaning_efficiency" else v)
        for f in TEXT_FIELDS:
            setattr(src, f, parse_source_value(src.id, f, getattr(src, f)))
        src.kind = parse_source_value(src.id, "kind", src.kind)
        self._sources_command("src.cmd.add", [*self.profile.sources, src], {})
        return src.id

    def delete_sources(self, ids) -> None:
        """Delete the sources ``ids``; their emission rows stay, unlinked, with the hours
        they were assessed with (see the module docstring).  Undoable."""
        gone = {str(i) for i in ids if self.profile.source(str(i)) is not None}
        if not gone:
            return
        hours = {s.id: s.hours_per_year for s in self.profile.sources if s.id in gone}
        rows = {}
        for i, e in enumerate(self.profile.emissions):
            if e.source_id in gone:
                own = e.hours_per_year
                if own in (None, "") and hours[e.source_id] is not None:
                    own = hours[e.source_id]
                rows[i] = replace(e, source_id=None, hours_per_year=own)
        self._sources_command("src.cmd.delete", [s for s in self.profile.sources if s.id not in gone], rows)

    def set_source_field(self, sid: str, field: str, value) -> None:
        """Set one field of source ``sid`` as typed (see :func:`parse_source_value`);
        a new id must be unique and not empty and takes the linked rows along.  Undoable;
        nothing happens when the value does not change."""
        if field not in EDITABLE_FIELDS:
            raise KeyError(field)
        src = self._source_or_problem(sid)
        new_value = parse_source_value(sid, field, value)
        rows = {}
        if field == "id":
            if not new_value:
                raise _problem("src.error.id_empty", source=sid)
            if new_value != sid and self.profile.source(new_value) is not None:
                raise _problem("src.error.id_taken", source=new_value)
            rows = {i: replace(e, source_id=new_value) for i, e in enumerate(self.profile.emissions)
                    if e.source_id == sid and new_value != sid}
        if getattr(src, field) == new_value:
            return
        new_sources = copy.deepcopy(self.profile.sources)
        setattr(next(s for s in new_sources if s.id == sid), field, new_value)
        self._sources_command("src.cmd.edit", new_sources, rows)

    def set_emission_source(self, rows, sid: str | None) -> None:
        """Link the emission rows ``rows`` (0-based table indices) to source ``sid``
        (None or "" unlinks them).  Undoable; recalculates (a row without its own hours
        takes its source's)."""
        sid = None if sid in (None, "") else str(sid)
        if sid is not None:
            self._source_or_problem(sid)
        n = len(self.profile.emissions)
        changed = {int(i): replace(self.profile.emissions[int(i)], source_id=sid)
                   for i in sorted({int(r) for r in rows}) if 0 <= int(i) < n
                   and self.profile.emissions[int(i)].source_id != sid}
        if not changed:
            return
        self._sources_command("src.cmd.assign", copy.deepcopy(self.profile.sources), changed)


def _linked_hours(sources: list[Source], rows: list[Emission]) -> list:
    """The source hours each row without its own hours takes (None: no source hours);
    what decides whether an inventory edit changes the КНП (``Project.hours_of``)."""
    hours = {s.id: s.hours_per_year for s in sources}
    if hasattr(rows, "column"):                  # an EmissionTable: its two columns, no row objects
        pairs = zip(rows.column("source_id"), rows.column("hours_per_year"))
    else:
        pairs = ((e.source_id, e.hours_per_year) for e in rows)
    return [hours.get(sid) if own in (None, "") and sid else None for sid, own in pairs]


def _command(key, redo, undo):
    from ecologis.session.session import Command

    return Command(key, redo, undo)
