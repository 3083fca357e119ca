"""The session: the open project, without Qt.

It holds the :class:`~ecologis.model.Project` being edited (enterprise, sources, emission
rows, geography, feature sections), the substance
:class:`~ecologis.core.dictionary.Dictionary`, the methodology presets and the one in
use, the display unit and the current :class:`~ecologis.core.assess.AssessmentResult`.
Every edit goes through a command on an undo/redo stack and triggers a recalculation with
the core (``prepare`` / ``compute``; the full picture through :meth:`Session.assessment`,
the pipeline).  Views listen to the typed signals of :class:`SessionEvents`
(``session.events``); the GUI wraps them in Qt models.

Masses are stored exactly as entered (value and unit).  The display unit only changes
what is shown: :meth:`Session.display_mass` converts with
:func:`ecologis.core.units.convert`, so switching t/yr ↔ kg/yr ↔ g/s and back never
changes a stored value.
"""

from __future__ import annotations

import copy

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np
from psygnal import Signal, SignalGroup

from ecologis.core.assess import AssessmentResult, NumberProblem, compute, parse_number, prepare
from ecologis.core.dictionary import Dictionary, Substance, validate_substance_record
from ecologis.core.gdk import GDK_KINDS
from ecologis.model import Emission, Enterprise, Receptor
from ecologis.model.emissions import EmissionTable
from ecologis.core.presets import DEFAULT_PRESET_ID, Preset
from ecologis.core.units import T_PER_YEAR, UNITS, convert
from ecologis.io.profile import Project, project_from_json
from ecologis.io.reference_data import load_dictionary, load_presets, recommendation_rules, save_user_dictionary, save_user_presets
from ecologis.session.sources import SourceEditing

class SessionEvents(SignalGroup):
    """What a view of the session listens to (psygnal, Qt-free).  Connect a handler to
    the one signal it needs: ``session.events.result.connect(update)``."""

    rows_about_to_insert = Signal(int, int)   # first, last (0-based table rows)
    rows_inserted = Signal(int, int)          # first, last
    rows_about_to_reset = Signal()            # deletions, a project replaced
    rows_reset = Signal()
    row_changed = Signal(int)                 # row
    result = Signal()                         # a new AssessmentResult is available
    dictionary = Signal()                     # the dictionary's content changed
    presets = Signal()                        # the list of presets changed
    preset = Signal()                         # the preset in use changed
    display_unit = Signal(str)                # unit
    enterprise = Signal()                     # name, coordinates or geography changed
    sources = Signal()                        # the sources inventory changed
    dispersion = Signal()                     # the dispersion settings or the sources' gas parameters changed
    stack = Signal()                          # undo/redo availability or dirty flag changed
    project_loaded = Signal()                 # another project was opened


class EditRefused(ValueError):
    """User input refused before it reaches the table; ``key``/``params`` translate it."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self) -> str:
        from ecologis.i18n import t

        return t(self.key, **self.params)


def parse_mass_input(text) -> float:
    """A mass typed by the user: "8,27" and "8.27" accepted; text, negatives, zero,
    nan and infinity refused with :class:`EditRefused` (keys ``val.E_MASS_*``)."""
    try:
        value, _comma = parse_number(text)
    except NumberProblem as p:
        raise EditRefused("val.E_MASS_MISSING" if p.code == "missing" else "val.E_MASS_NOT_NUMBER", value=str(text)) from None
    if math.isnan(value):
        raise EditRefused("val.E_MASS_NAN", value=str(text))
    if math.isinf(value):
        raise EditRefused("val.E_MASS_INFINITE", value=str(text))
    if value < 0:
        raise EditRefused("val.E_MASS_NEGATIVE", value=str(text))
    if value == 0:
        raise EditRefused("val.E_MASS_ZERO", value=str(text))
    return value


@dataclass
class Command:
    """One undoable edit: ``redo``/``undo`` callables and a translation key naming it."""

    key: str
    redo: Callable[[], None]
    undo: Callable[[], None]
    touches_dictionary: bool = False


@dataclass(frozen=True)
class RowView:
    """What the table shows for one row (display values, no Qt)."""

    substance: str
    substance_id: str | None
    mass: float                # in the display unit (nan if not a number)
    mass_text: str             # the stored value as entered when it is not a number
    unit: str                  # the unit the mass was entered in
    gdk: float                 # effective ГДК, mg/m³ (nan if none)
    gdk_kind: str              # one of GDK_KINDS
    hazard_class: int          # 0 = unknown
    class_assumed: bool
    a: float
    contribution: float
    share: float               # 0..1
    share_percent: float       # the same in per cent, for display
    row_values: bool           # row overrides the dictionary
    valid: bool


class Session(SourceEditing):
    """Session state with undo/redo; see the module docstring.  The sources inventory's
    edits (add, delete, edit a field, link rows) come from :class:`SourceEditing`."""

    def __init__(self, profile: Project | None = None, dictionary: Dictionary | None = None,
                 presets: dict[str, Preset] | None = None, persist_dictionary: bool = True):
        self.dictionary: Dictionary = dictionary if dictionary is not None else load_dictionary()
        self.presets: dict[str, Preset] = presets if presets is not None else load_presets()
        self.profile: Project = profile or Project()
        self.preset_id: str = self.profile.preset if self.profile.preset in self.presets else DEFAULT_PRESET_ID
        self.profile.preset = self.preset_id
        self.display_unit: str = T_PER_YEAR
        self.persist_dictionary = persist_dictionary
        self.file_path: Path | None = None
        self.result: AssessmentResult | None = None
        self._prepared = None
        self._row_a = np.zeros(0)
        self._row_class = np.zeros(0, dtype=np.int64)
        self.events = SessionEvents()
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._clean_top: Command | None = None
        self._extra_dirty = False
        self._batch = 0
        self.recalculate()

    # ------------------------------------------------------------------ listeners
    def _emit(self, event: str, *args) -> None:
        getattr(self.events, event).emit(*args)

    # ------------------------------------------------------------------ accessors
    @property
    def emissions(self) -> EmissionTable:
        return self.profile.emissions

    @property
    def enterprise(self) -> Enterprise:
        return self.profile.enterprise

    def row_count(self) -> int:
        return len(self.profile.emissions)

    @property
    def prepared(self):
        """The core's prepared rows (:class:`~ecologis.core.assess.PreparedTable`) behind
        :attr:`result` (read-only: views compare them to redraw only what changed)."""
        return self._prepared

    @property
    def preset(self) -> Preset:
        return self.presets[self.preset_id]

    def preset_name(self, lang: str | None = None) -> str:
        from ecologis.i18n import t, t_lang

        p = self.preset
        if p.name_key:
            return t_lang(lang, p.name_key) if lang else t(p.name_key)
        return p.name or p.id

    def display_mass(self, row: int, unit: str | None = None) -> float:
        """The row's mass in ``unit`` (default: the display unit); stored value untouched."""
        e = self.profile.emissions[row]
        unit = unit or self.display_unit
        try:
            value = float(parse_number(e.mass)[0])
        except NumberProblem:
            return math.nan
        if e.unit not in UNITS or not math.isfinite(value):
            return value
        return convert(value, e.unit, unit, float(self.profile.hours_of(e)))

    def row_result(self, view: RowView, row: int) -> RowView:
        """``view`` with the row's contribution and share in the current result (what an
        edit of another row changes)."""
        res = self.result
        if res is not None and row < len(res.row_contribution):
            contribution = float(res.row_contribution[row])
            share = float(res.row_share[row])
        else:
            contribution = share = 0.0
        return replace(view, contribution=contribution, share=share, share_percent=share * 100.0)

    def row_view(self, row: int) -> RowView:
        e = self.profile.emissions[row]
        res = self.result
        prep = self._prepared
        sub = prep.substances[row] if prep is not None and row < prep.n else None
        name = sub.name(_lang()) if sub is not None else str(e.substance)
        if res is not None and row < len(res.row_contribution):
            contribution = float(res.row_contribution[row])
            share = float(res.row_share[row])
        else:
            contribution = share = 0.0
        kind = GDK_KINDS[int(prep.gdk_kind[row])] if prep is not None else "none"
        return RowView(
            substance=name,
            substance_id=sub.id if sub is not None else None,
            mass=self.display_mass(row),
            mass_text="" if isinstance(e.mass, (int, float)) else str(e.mass),
            unit=e.unit,
            gdk=float(prep.gdk[row]) if prep is not None else math.nan,
            gdk_kind=kind,
            hazard_class=int(self._row_class[row]) if row < len(self._row_class) else 0,
            # assumed = the result counts the row with a class the substance does not have
            # (a methodology that excludes class-less substances assumes nothing)
            class_assumed=(prep is not None and row < len(self._row_class)
                           and bool(prep.hazard_class[row] == 0) and int(self._row_class[row]) > 0),
            a=float(self._row_a[row]) if row < len(self._row_a) else math.nan,
            contribution=contribution,
            share=share,
            share_percent=share * 100.0,
            row_values=bool(prep.row_values[row]) if prep is not None else False,
            valid=bool(prep.valid[row]) if prep is not None else False,
        )

    def gdk_usage(self) -> dict[str, list[int]]:
        """Table rows (1-based) per ГДК kind in use, for the traceability note."""
        out: dict[str, list[int]] = {}
        prep = self._prepared
        if prep is None:
            return out
        for k, kind in enumerate(GDK_KINDS):
            rows = np.flatnonzero(prep.valid & (prep.gdk_kind == k))
            if len(rows):
                out[kind] = (rows + 1).tolist()
        return out

    def rows_with_own_values(self) -> list[int]:
        prep = self._prepared
        if prep is None:
            return []
        return (np.flatnonzero(prep.row_values) + 1).tolist()

    def preview_gdk(self, substance: Substance) -> tuple[float, str]:
        """The ГДК that will be used for a new row of ``substance`` and its kind."""
        return self.preview_gdks([substance])[0]

    def preview_gdks(self, substances: list[Substance]) -> list[tuple[float, str]]:
        """ГДК and kind the core would use for new rows of these substances (one pass)."""
        if not substances:
            return []
        prep = prepare([Emission(s.id, 1.0, T_PER_YEAR) for s in substances], self.dictionary)
        return [(float(g), GDK_KINDS[int(k)]) for g, k in zip(prep.gdk, prep.gdk_kind)]

    # ------------------------------------------------------------------ calculation
    def recalculate(self, reprepare: bool = True) -> AssessmentResult:
        """Run the core on the current rows (``prepare`` only when rows/dictionary changed)."""
        if reprepare or self._prepared is None:
            self.profile.emissions.renumber()
            # hours of a row that gives none come from its source (Project.hours_of)
            self._prepared = prepare(self.profile.effective_emissions(), self.dictionary)
        preset = self.preset
        self.result = compute(self._prepared, preset, getattr(self.profile, "duplicates", "sum") or "sum", rules=recommendation_rules())
        self._row_class = self.result.row_class
        self._row_a = self.result.row_a
        self._emit("result")
        return self.result

    # ------------------------------------------------------------------ undo stack
    def _push(self, cmd: Command) -> None:
        cmd.redo()
        self._undo.append(cmd)
        self._redo.clear()
        self._emit("stack")

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo_key(self) -> str | None:
        return self._undo[-1].key if self._undo else None

    def redo_key(self) -> str | None:
        return self._redo[-1].key if self._redo else None

    def undo(self) -> bool:
        if not self._undo:
            return False
        cmd = self._undo.pop()
        cmd.undo()
        self._redo.append(cmd)
        self._emit("stack")
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        cmd = self._redo.pop()
        cmd.redo()
        self._undo.append(cmd)
        self._emit("stack")
        return True

    def clear_history(self) -> None:
        self._undo.clear()
        self._redo.clear()
        self._clean_top = None
        self._extra_dirty = False
        self._emit("stack")

    @property
    def dirty(self) -> bool:
        top = self._undo[-1] if self._undo else None
        return self._extra_dirty or top is not self._clean_top

    def mark_clean(self) -> None:
        self._clean_top = self._undo[-1] if self._undo else None
        self._extra_dirty = False
        self._emit("stack")

    # ------------------------------------------------------------------ table edits
    def _insert(self, at: int, rows: list[Emission]) -> None:
        if not rows:
            return
        self._emit("rows_about_to_insert", at, at + len(rows) - 1)
        self.profile.emissions[at:at] = rows
        self._emit("rows_inserted", at, at + len(rows) - 1)
        self.recalculate()

    def _remove(self, indices: list[int]) -> list[tuple[int, Emission]]:
        self._emit("rows_about_to_reset")
        removed = []
        for i in sorted(indices, reverse=True):
            removed.append((i, self.profile.emissions.pop(i)))
        self._emit("rows_reset")
        self.recalculate()
        return removed

    def _restore(self, removed: list[tuple[int, Emission]]) -> None:
        self._emit("rows_about_to_reset")
        for i, e in sorted(removed):
            self.profile.emissions.insert(i, e)
        self._emit("rows_reset")
        self.recalculate()

    def add_row(self, substance: str | Substance, mass, unit: str | None = None, **row_values) -> int:
        """Add one row (mass as typed, validated here); returns its index."""
        value = parse_mass_input(mass)
        ref = substance.id if isinstance(substance, Substance) else str(substance)
        sub = self.dictionary.lookup(ref)
        if sub is None:
            raise EditRefused("val.E_SUBSTANCE_UNKNOWN", value=ref)
        unit = unit or self.display_unit
        if unit not in UNITS:
            raise EditRefused("val.E_UNIT_UNKNOWN", value=unit)
        e = Emission(substance=sub.name_uk, mass=value, unit=unit,
                     **{k: v for k, v in row_values.items() if v is not None})
        self.add_rows([e])
        return self.row_count() - 1

    def add_rows(self, rows: list[Emission], at: int | None = None) -> None:
        rows = rows.copy() if isinstance(rows, EmissionTable) else list(rows)
        if not rows:
            return
        pos = self.row_count() if at is None else at

        def redo():
            self._insert(pos, rows)

        def undo():
            self._remove(list(range(pos, pos + len(rows))))

        self._push(Command("gui.cmd.add", redo, undo))

    def import_rows(self, rows: list[Emission], duplicates: str | None = None) -> None:
        """Append imported rows (and the file's duplicates rule) as one undoable command."""
        rows = rows.copy() if isinstance(rows, EmissionTable) else list(rows)
        pos = self.row_count()
        old_dup = getattr(self.profile, "duplicates", "sum")
        new_dup = duplicates or old_dup

        def redo():
            self.profile.duplicates = new_dup
            self._insert(pos, rows)
            if not rows:
                self.recalculate(reprepare=False)

        def undo():
            self.profile.duplicates = old_dup
            if rows:
                self._remove(list(range(pos, pos + len(rows))))
            else:
                self.recalculate(reprepare=False)

        self._push(Command("gui.cmd.import", redo, undo))

    def dictionary_changed(self, recalculate: bool = True) -> None:
        """Entries were added to the dictionary outside the command stack (table import
        adding missing substances): re-resolve the rows and tell listeners.
        ``recalculate=False`` when a calculation follows anyway (the import's rows): the
        rows are then prepared once, by that calculation."""
        self._prepared = None
        self._emit("dictionary")
        if recalculate:
            self.recalculate()

    def delete_rows(self, indices) -> None:
        idx = sorted({int(i) for i in indices if 0 <= int(i) < self.row_count()})
        if not idx:
            return
        saved: list = []

        def redo():
            saved[:] = self._remove(idx)

        def undo():
            self._restore(saved)

        self._push(Command("gui.cmd.delete", redo, undo))

    def _set_row(self, row: int, emission: Emission) -> None:
        if emission.row != row + 1:
            emission = replace(emission, row=row + 1)
        old = self.profile.emissions[row]
        self.profile.emissions[row] = emission
        if not self._splice_mass(row, old, emission):
            self.recalculate()
        else:
            self.recalculate(reprepare=False)
        self._emit("row_changed", row)

    def _splice_mass(self, row: int, old: Emission, new: Emission) -> bool:
        """Fast path after a mass/unit edit of one valid row: prepare only that row and
        put its t/yr mass into the prepared arrays (everything else the core prepared
        does not depend on the mass).  Returns False when a full ``prepare`` is needed."""
        prep = self._prepared
        if prep is None or prep.n != len(self.profile.emissions) or not prep.valid[row]:
            return False
        same = ("substance", "gdk_sd", "gdk_mr", "hazard_class", "hours_per_year")
        if any(getattr(old, f) != getattr(new, f) for f in same) or prep.dictionary_version != self.dictionary.version:
            return False
        effective = replace(new, hours_per_year=self.profile.hours_of(new))
        one = prepare([effective], self.dictionary)
        old_issues = [(i.code, i.field, i.params) for i in prep.journal if i.row == row + 1]
        new_issues = [(i.code, i.field, i.params) for i in one.journal]
        if not one.valid[0] or old_issues != new_issues:
            return False
        mass_t = prep.mass_t.copy()
        mass_t[row] = one.mass_t[0]
        if prep.emissions is not self.profile.emissions:
            # the prepared rows are a copy with the sources' hours filled in (Project.effective_emissions):
            # the one row replaced there, in place (no copy of the table per edit)
            src = self.profile.source(new.source_id) if new.source_id else None
            filled = (replace(new, hours_per_year=src.hours_per_year) if new.hours_per_year in (None, "")
                      and src is not None and src.hours_per_year is not None else new)
            prep.emissions[row] = filled
        self._prepared = replace(prep, mass_t=mass_t)
        return True

    def set_mass(self, row: int, mass, unit: str | None = None) -> None:
        """Edit a row's mass in place; ``mass`` as typed, ``unit`` defaults to the
        display unit (the value is stored exactly as typed, in that unit)."""
        value = parse_mass_input(mass)
        unit = unit or self.display_unit
        if unit not in UNITS:
            raise EditRefused("val.E_UNIT_UNKNOWN", value=unit)
        old = self.profile.emissions[row]
        new = replace(old, mass=value, unit=unit)
        self._push(Command("gui.cmd.mass", lambda: self._set_row(row, new), lambda: self._set_row(row, old)))

    def set_unit(self, row: int, unit: str) -> None:
        """Change the unit a row's mass was entered in (the number stays: this corrects
        a mass typed in the wrong unit)."""
        if unit not in UNITS:
            raise EditRefused("val.E_UNIT_UNKNOWN", value=unit)
        old = self.profile.emissions[row]
        if old.unit == unit:
            return
        new = replace(old, unit=unit)
        self._push(Command("gui.cmd.unit", lambda: self._set_row(row, new), lambda: self._set_row(row, old)))

    def set_display_unit(self, unit: str) -> None:
        """Change only how masses are shown (not an edit: nothing stored changes)."""
        if unit not in UNITS:
            raise EditRefused("val.E_UNIT_UNKNOWN", value=unit)
        if unit != self.display_unit:
            self.display_unit = unit
            self._emit("display_unit", unit)

    # ------------------------------------------------------------------ preset
    def _apply_preset(self, pid: str) -> None:
        self.preset_id = pid
        self.profile.preset = pid
        self._emit("preset")
        self.recalculate(reprepare=False)

    def set_preset(self, preset_id: str) -> None:
        if preset_id not in self.presets:
            raise KeyError(preset_id)
        old = self.preset_id
        if old == preset_id:
            return
        self._push(Command("gui.cmd.preset", lambda: self._apply_preset(preset_id), lambda: self._apply_preset(old)))

    def put_preset(self, preset: Preset, save: bool = True) -> None:
        """Add or replace a user preset (validated by ``preset_from_dict``) and use it."""
        if preset.id in self.presets and self.presets[preset.id].builtin:
            raise KeyError(preset.id)
        old_def = self.presets.get(preset.id)
        old_id = self.preset_id

        def apply(defn, pid):
            if defn is None:
                self.presets.pop(preset.id, None)
            else:
                self.presets[preset.id] = defn
            if save:
                save_user_presets(self.presets)
            self._emit("presets")
            self._apply_preset(pid if pid in self.presets else DEFAULT_PRESET_ID)

        self._push(Command("gui.cmd.preset", lambda: apply(preset, preset.id), lambda: apply(old_def, old_id)))

    # ------------------------------------------------------------------ dictionary
    def _dict_state(self, sid: str, state: Substance | None) -> None:
        d = self.dictionary
        if state is None:
            d.delete(sid)
        elif state.origin == "shipped" and d.is_shipped(sid):
            d.restore(sid)
        else:
            d.put(state)
        if self.persist_dictionary:
            save_user_dictionary(d)
        self._emit("dictionary")
        self.recalculate()          # "result" refreshes every row of the table (same rows)

    def _dict_command(self, sid: str, new: Substance | None, key: str) -> None:
        old = self.dictionary.get(sid)
        self._push(Command(key, lambda: self._dict_state(sid, new), lambda: self._dict_state(sid, old), True))

    def dict_put(self, substance: Substance) -> None:
        """Add or replace an entry (validate with ``validate_substance_record`` first)."""
        substance = replace(substance, origin="edited" if self.dictionary.is_shipped(substance.id) else "user")
        self._dict_command(substance.id, substance, "gui.cmd.dict_put")

    def row_substance_record(self, index: int) -> dict | None:
        """A dictionary entry made from table row ``index`` (0-based) whose substance the
        dictionary lacks but whose own ГДК and class let it be assessed; ``None`` otherwise."""
        from ecologis.core.assess import ROW_ORIGIN
        from ecologis.core.cas import is_valid_cas

        if self._prepared is None or not 0 <= index < len(self.emissions):
            return None
        sub = self._prepared.substances[index] if index < len(self._prepared.substances) else None
        if sub is None or sub.origin != ROW_ORIGIN:
            return None
        e = self.emissions[index]
        ref = str(e.substance).strip()
        rec = {"id": ref if is_valid_cas(ref) else "user-" + sub.id.removeprefix("row:").replace(" ", "-"),
               "name_uk": ref, "name_en": ref, "cas": ref if is_valid_cas(ref) else None,
               "hazard_class": e.hazard_class, "gdk_sd": e.gdk_sd, "gdk_mr": e.gdk_mr}
        for key in ("gdk_sd", "gdk_mr", "hazard_class"):
            v = rec[key]
            try:
                x = float(parse_number(v)[0]) if v not in (None, "") else None
            except NumberProblem:
                x = None
            rec[key] = x if x is not None and math.isfinite(x) and x > 0 else None
        if rec["hazard_class"] is not None:
            rec["hazard_class"] = int(rec["hazard_class"])
        return rec

    def add_row_substance(self, index: int) -> bool:
        """Put the substance of row ``index`` into the user dictionary with the row's own
        ГДК and class (undoable); False when the row has no such substance."""
        rec = self.row_substance_record(index)
        if rec is None or validate_substance_record(rec):
            return False
        self.dict_put(Substance.from_json(rec, origin="user"))
        return True

    def dict_delete(self, sid: str) -> None:
        if sid in self.dictionary:
            self._dict_command(sid, None, "gui.cmd.dict_delete")

    def dict_restore(self, sid: str) -> None:
        shipped = self.dictionary.shipped_entry(sid)
        if shipped is not None:
            self._dict_command(sid, shipped, "gui.cmd.dict_restore")

    # ------------------------------------------------------------------ enterprise
    def _geo_command(self, key: str, apply: Callable[[object], None], old, new) -> None:
        """One undoable edit of the enterprise's geography (coordinates, site polygon,
        receptors, source coordinates): ``apply(value)`` sets the value and emits
        ``enterprise`` so the map and the fields follow."""
        def do(v):
            apply(copy.deepcopy(v))
            self._emit("enterprise")

        self._push(Command(key, lambda: do(new), lambda: do(old)))

    def set_location(self, lat: float, lon: float) -> None:
        """Move the enterprise (lat/lon fields or a marker drag); undoable."""
        e = self.profile.enterprise
        lat, lon = float(lat), float(lon)
        if e.lat == lat and e.lon == lon:
            return

        def apply(v):
            e2 = self.profile.enterprise
            e2.lat, e2.lon = v
        self._geo_command("gui.cmd.location", apply, (e.lat, e.lon), (lat, lon))

    def set_site(self, site: dict | None) -> None:
        """The site polygon (GeoJSON, drawn on the map); the СЗЗ is then its buffer.  Undoable."""
        site = site or None
        if self.profile.site == site:
            return

        def apply(v):
            self.profile.site = v
        self._geo_command("gui.cmd.site", apply, self.profile.site, site)

    # ------------------------------------------------------------------ dispersion
    def dispersion_state(self) -> dict:
        """The project's dispersion section as the dispersion editor shows it
        (:meth:`ecologis.model.Project.dispersion_input_state`)."""
        return self.profile.dispersion_input_state()

    def set_dispersion_state(self, state: dict) -> bool:
        """The dispersion editor's state (settings, the sources' gas parameters and typed
        rates, a neighbour's stack) into the project, as one undoable command that emits
        ``dispersion`` and ``sources``; False when nothing changes."""
        trial = copy.deepcopy(self.profile)
        trial.set_dispersion_input_state(copy.deepcopy(state or {}))
        old = (copy.deepcopy(self.profile.sources), self.profile.dispersion.to_dict())
        new = (trial.sources, trial.dispersion.to_dict())
        if [s.to_json() for s in old[0]] == [s.to_json() for s in new[0]] and old[1] == new[1]:
            return False
        from ecologis.model import DispersionSettings
        from ecologis.session.sources import _linked_hours

        recalc = _linked_hours(old[0], self.profile.emissions) != _linked_hours(new[0], self.profile.emissions)

        def apply(v):
            sources, settings = copy.deepcopy(v)
            self.profile.sources = sources
            self.profile.dispersion = DispersionSettings.from_dict(settings)
            if recalc:
                self.recalculate()
            self._emit("sources")
            self._emit("dispersion")

        self._push(Command("gui.cmd.dispersion", lambda: apply(new), lambda: apply(old)))
        return True

    def mark_changed(self) -> None:
        """Something outside the undo stack changed the profile (e.g. a stored
        background result): it now has unsaved changes."""
        self._extra_dirty = True
        self._emit("stack")

    def apply_gis_layers(self, layers) -> None:
        """File ▸ Import GIS layers: site, receptors and source coordinates of a
        :class:`ecologis.io.gis.GisLayers` as one undoable command (validated first)."""
        from ecologis.io.gis import apply_layers_to_profile

        trial = copy.deepcopy(self.profile)
        apply_layers_to_profile(trial, layers)          # raises GeometryError, nothing changed
        old = (copy.deepcopy(self.profile.site), self.receptors(), copy.deepcopy(self.profile.sources))
        new = (trial.site, trial.receptor_dicts(), trial.sources)

        def apply(v):
            site, receptors, sources = v
            self.profile.site = site
            self.profile.receptors = [Receptor.from_dict(r) for r in receptors or []]
            self.profile.sources = sources
            self._emit("sources")
        self._geo_command("gui.cmd.gis_import", apply, old, new)

    def receptors(self) -> list[dict]:
        """The receptors as the profile stores them (``Receptor.to_dict``), for the views."""
        return self.profile.receptor_dicts()

    def set_receptors(self, receptors: list) -> None:
        """Sensitive receptors (``project.receptors``: :class:`~ecologis.model.Receptor` or
        their stored form); undoable."""
        new = [r.to_dict() if isinstance(r, Receptor) else dict(r) for r in receptors or []]
        old = self.receptors()
        if new == old:
            return

        def apply(v):
            self.profile.receptors = [Receptor.from_dict(r) for r in v or []]
        self._geo_command("gui.cmd.receptors", apply, old, new)

    def set_source_points(self, points: list[dict]) -> None:
        """Coordinates of emission sources placed on the map (``id``, ``name``, ``lat``,
        ``lon``): known ids are moved, new ids added as sources; sources with
        coordinates that are no longer on the map lose their coordinates.  Undoable."""
        from ecologis.model import Source

        old = [copy.deepcopy(s) for s in self.profile.sources]
        by_id = {s.id: copy.deepcopy(s) for s in self.profile.sources}
        seen = set()
        new = []
        for s in self.profile.sources:
            new.append(by_id[s.id])
        for i, p in enumerate(points or [], start=1):
            sid = str(p.get("id") or p.get("name") or f"S{i}")
            seen.add(sid)
            src = by_id.get(sid)
            if src is None:
                src = Source(id=sid, name=str(p.get("name") or ""))
                by_id[sid] = src
                new.append(src)
            src.lat, src.lon = float(p["lat"]), float(p["lon"])
        for s in new:
            if s.id not in seen and s.lat is not None:
                s.lat = s.lon = None
        if [(s.id, s.name, s.lat, s.lon) for s in new] == [(s.id, s.name, s.lat, s.lon) for s in old]:
            return

        def apply(v):
            self.profile.sources = v
            self._emit("sources")           # the inventory table follows a drag on the map
        self._geo_command("gui.cmd.sources", apply, old, new)

    # ------------------------------------------------------------------ whole state
    def load(self, profile: Project, file_path: str | Path | None = None) -> None:
        """Replace the profile (File ▸ Open / New); clears the undo history."""
        self._emit("rows_about_to_reset")
        self.profile = profile
        if profile.preset in self.presets:
            self.preset_id = profile.preset
        else:
            self.preset_id = DEFAULT_PRESET_ID
            profile.preset = self.preset_id
        self.file_path = Path(file_path) if file_path else None
        self._emit("rows_reset")
        self._emit("preset")
        self.recalculate()
        self._emit("enterprise")    # after the result: the map gets the new zone with the new site
        self.clear_history()
        self._emit("project_loaded")

    def assessment(self, dispersion: bool = True, on=None):
        """The :class:`ecologis.pipeline.Assessment` of the open project: the same numbers the
        table and results panel show, with zones, receptors and dispersion (cached by state)."""
        from ecologis.io.profile import assessment_options
        from ecologis.pipeline import assess

        return assess(self.profile, assessment_options(self.dictionary, self.presets, on=on, dispersion=dispersion))

    def cached_assessment(self, dispersion: bool = True, on=None):
        """The :meth:`assessment` of the project as it is now if it was already made (by any
        view, the report or a worker), else ``None``: nothing is calculated."""
        from ecologis.io.profile import assessment_options
        from ecologis.pipeline import cached

        return cached(self.profile, assessment_options(self.dictionary, self.presets, on=on, dispersion=dispersion))

    def assessment_job(self, on=None):
        """``job(progress=None, cancel=None) -> Assessment``: the whole :meth:`assessment` of a
        copy of the project as it is now, for a worker thread (edits made meanwhile do not
        reach it; the result lands in the pipeline's cache, so the report and the exports of
        that state do not calculate it again)."""
        from ecologis.io.profile import assessment_options
        from ecologis.pipeline import assess

        snapshot = copy.deepcopy(self.profile)
        options = assessment_options(self.dictionary, self.presets, on=on, dispersion=True)

        def job(progress=None, cancel=None):
            return assess(snapshot, options, progress, cancel)

        return job

    def site_analysis(self):
        """(SiteAnalysis or None, GeometryError or None) of the open project: the pipeline's
        site step (:func:`ecologis.pipeline.assess.analyse`) on the zone of the КНП result the
        session already holds, so showing the site on the map does not calculate the КНП of
        every row again (a whole :meth:`assessment` only when there is no result yet)."""
        if self.result is None:
            a = self.assessment(dispersion=False)
            return a.site, a.site_problem
        from ecologis.pipeline.assess import analyse

        return analyse(self.profile, self.result.szz_m)

    def assessment_dict(self, lang: str | None = None) -> dict | None:
        """The current assessment as a JSON-ready dict (sender panel, reports)."""
        if self.result is None:
            return None
        d = self.result.to_json(lang or _lang())
        d["enterprise"] = self.profile.enterprise.to_json()
        return d

    def state_json(self) -> dict:
        """What autosave and session restore keep."""
        return {
            "profile": self.profile.to_json(),
            "display_unit": self.display_unit,
            "preset": self.preset_id,
            "file": str(self.file_path) if self.file_path else None,
            "dirty": self.dirty,
        }

    def restore_state(self, d: dict) -> None:
        prof = project_from_json(d["profile"], "session", strict=False)
        self.load(prof, d.get("file"))
        if d.get("preset") in self.presets:
            self._apply_preset(d["preset"])
        if d.get("display_unit") in UNITS:
            self.set_display_unit(d["display_unit"])
        if d.get("dirty"):
            self._extra_dirty = True
            self._emit("stack")


def _lang() -> str:
    from ecologis.i18n import translator

    return translator.lang


def write_json_atomic(path: Path, data: dict) -> None:
    from ecologis.io.atomic import atomic_write_text

    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1))
