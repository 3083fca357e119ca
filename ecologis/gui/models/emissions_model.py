"""Table model of the emission rows: a Qt view of :class:`ecologis.session.Session`.

No arithmetic here: values come from ``Session.row_view`` (core results); edits go to
``Session.set_mass`` / ``set_unit`` / ``set_emission_source`` (undoable commands).  Sorting uses a
:class:`QSortFilterProxyModel` over :data:`SORT_ROLE`.
"""

from __future__ import annotations

import math
import operator

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush

from ecologis.gui.theme import status_color
from ecologis.i18n import t, translator
from ecologis.session import EditRefused, Session

COLUMNS = ("substance", "mass", "unit", "gdk", "gdk_kind", "class", "a", "contribution", "share", "source")
COL = {name: i for i, name in enumerate(COLUMNS)}
HEADER_KEYS = {
    "substance": "col.substance", "mass": "gui.col.mass", "unit": "col.unit", "gdk": "col.gdk",
    "gdk_kind": "col.gdk_kind", "class": "col.class", "a": "col.a", "contribution": "col.contribution",
    "share": "col.share", "source": "src.col.emission_source",
}
TIP_KEYS = {"source": "src.tip.emission_source"}
SORT_ROLE = Qt.UserRole + 1
_SHORTEST = QLocale.FloatingPointShortest
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_EDIT = Qt.ItemDataRole.EditRole.value
_ALIGN = Qt.ItemDataRole.TextAlignmentRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ALIGN_LEFT = int((Qt.AlignLeft | Qt.AlignVCenter).value)
_ALIGN_RIGHT = int((Qt.AlignRight | Qt.AlignVCenter).value)
_HANDLED_ROLES = frozenset((_DISPLAY, _EDIT, _ALIGN, _TOOLTIP, _FOREGROUND, SORT_ROLE))
_LEFT_COLUMNS = frozenset(i for i, c in enumerate(COLUMNS) if c in ("substance", "unit", "gdk_kind", "source"))
_SOURCE_COL = COLUMNS.index("source")
_ALIGNS = tuple(_ALIGN_LEFT if i in _LEFT_COLUMNS else _ALIGN_RIGHT for i in range(len(COLUMNS)))
_VALID = len(COLUMNS)          # in a row's cached texts: whether the row is valid
_NCOLS = len(COLUMNS)
_HORIZONTAL = Qt.Orientation.Horizontal
_VERTICAL = Qt.Orientation.Vertical
_EDITABLE_COLUMNS = ("mass", "unit", "source")
#: flags() per column, built once (painting asks for every visible cell)
_FLAGS = tuple((Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsEditable) if c in _EDITABLE_COLUMNS
               else (Qt.ItemIsEnabled | Qt.ItemIsSelectable) for c in COLUMNS)
_NO_FLAGS = Qt.NoItemFlags
#: the columns a row's share of the КНП and its contribution fill
_CONTRIBUTION_COL = COLUMNS.index("contribution")
_SHARE_COL = COLUMNS.index("share")


class _Snapshot:
    """What the table showed after one result, to tell which cells a new result changes.

    The identity of each row (the table's row ids: an edit replaces the row), of each
    substance object (a dictionary change replaces it) and the core's per-row arrays."""

    __slots__ = ("n", "emissions", "substances", "row_arrays", "contribution", "share", "unit")

    def __init__(self, wb: Session):
        prep, res = wb.prepared, wb.result
        self.n = wb.row_count()
        self.unit = wb.display_unit
        self.emissions = wb.emissions.row_ids()   # a number per row object: replaced on an edit
        ok = prep is not None and res is not None and prep.n == self.n and len(res.row_contribution) == self.n
        if not ok:
            self.substances = self.row_arrays = self.contribution = self.share = None
            return
        self.substances = prep.substances      # replaced, never changed in place, by a new preparation
        self.row_arrays = (prep.gdk, prep.gdk_kind, prep.hazard_class, prep.row_values, prep.valid,
                           res.row_class, res.row_a)
        self.contribution = res.row_contribution
        self.share = res.row_share

    def changes(self, old: "_Snapshot"):
        """``(rows, contribution_rows, share_rows)``: boolean masks of the rows whose every
        cell may have changed, and of those whose contribution / share changed; ``None``
        when everything must be redrawn."""
        if (old is None or old.n != self.n or old.unit != self.unit or self.row_arrays is None
                or old.row_arrays is None):
            return None
        rows = self.emissions != old.emissions
        if self.substances is not old.substances:
            rows |= np.fromiter(map(operator.is_not, self.substances, old.substances), bool, self.n)
        for new, prev in zip(self.row_arrays, old.row_arrays):
            rows |= _differs(new, prev)
        return rows, _differs(self.contribution, old.contribution), _differs(self.share, old.share)


def _differs(a, b) -> np.ndarray:
    """Element-wise "not the same value" (nan equals nan)."""
    if a is b:
        return np.zeros(len(a), dtype=bool)
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        return ~((a == b) | (np.isnan(a) & np.isnan(b)))
    return a != b


def _ranges(mask: np.ndarray):
    """(first, last) of each run of True in ``mask``."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]]))
    return list(zip(starts.tolist(), ends.tolist()))


def qlocale() -> QLocale:
    return QLocale(QLocale.Ukrainian, QLocale.Ukraine) if translator.lang == "uk" else QLocale(QLocale.English, QLocale.UnitedStates)


def fmt_number(x: float, decimals: int | None = None) -> str:
    """Locale-aware display; ``decimals=None`` shows the shortest exact representation."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    loc = qlocale()
    if decimals is None:
        return loc.toString(float(x), "f", QLocale.FloatingPointShortest)
    return loc.toString(float(x), "f", decimals)


def edit_text(x: float) -> str:
    """A number for an editor field: shortest exact digits in fixed notation, no
    thousands separators, the language's decimal sign (``parse_number`` reads both)."""
    loc = qlocale()
    loc.setNumberOptions(QLocale.OmitGroupSeparator)
    return loc.toString(float(x), "f", QLocale.FloatingPointShortest)


def unit_label(unit: str) -> str:
    return t("gui.unit." + unit)


class EmissionsModel(QAbstractTableModel):
    """Rows of the workbench; mass editable, unit editable (combo), the rest read-only."""

    editRefused = Signal(int, str)  # row, translated message

    def __init__(self, workbench: Session, parent=None):
        super().__init__(parent)
        self.wb = workbench
        self._views: dict[int, object] = {}
        self._texts: dict[int, tuple] = {}
        self._headers: dict[tuple, str] = {}     # (section, role, language) → header text
        self._numbers_stale: set[int] = set()    # cached rows whose contribution/share changed
        self._snap: _Snapshot | None = _Snapshot(workbench)
        ev = workbench.events
        self._handlers = [
            (ev.rows_about_to_insert, self._about_to_insert), (ev.rows_inserted, self._inserted),
            (ev.rows_about_to_reset, self._about_to_reset), (ev.rows_reset, self._reset),
            (ev.result, self._result_changed), (ev.display_unit, self._unit_changed),
            (ev.sources, self._all_changed),           # a source renamed: its rows show the new name
        ]
        for signal, handler in self._handlers:     # "row_changed" always follows a "result"
            signal.connect(handler)

    def detach(self) -> None:
        for signal, handler in self._handlers:
            signal.disconnect(handler)

    # -- session events -------------------------------------------------------------
    def _clear(self) -> None:
        self._views.clear()
        self._texts.clear()
        self._numbers_stale.clear()

    def _about_to_insert(self, first: int, last: int) -> None:
        self.beginInsertRows(QModelIndex(), first, last)

    def _inserted(self, *_) -> None:
        self._clear()
        self._snap = None
        self.endInsertRows()

    def _about_to_reset(self) -> None:
        self.beginResetModel()

    def _reset(self) -> None:
        self._clear()
        self._snap = None
        self.endResetModel()

    def _all_changed(self) -> None:
        self._clear()
        self._snap = _Snapshot(self.wb)
        n = self.rowCount()
        if n:
            self.dataChanged.emit(self.index(0, 0), self.index(n - 1, len(COLUMNS) - 1))

    def _result_changed(self) -> None:
        """A new result: ``dataChanged`` only for the cells it changed (an edited mass
        changes its row and the share column; nothing else needs a repaint)."""
        new = _Snapshot(self.wb)
        changes = new.changes(self._snap)
        if changes is None:
            self._all_changed()
            return
        self._snap = new
        rows, contribution, share = changes
        numbers = (contribution | share) & ~rows
        if not (rows.any() or numbers.any()):
            return
        views, texts = self._views, self._texts
        if rows.all():
            self._clear()
        else:
            for row in np.flatnonzero(rows).tolist():
                views.pop(row, None)
                texts.pop(row, None)
            # rows whose only change is their contribution/share keep their other texts:
            # those two are refreshed when the row is next shown
            self._numbers_stale.update(r for r in texts if numbers[r])
        last = len(COLUMNS) - 1
        for first, end in _ranges(rows):
            self.dataChanged.emit(self.index(first, 0), self.index(end, last))
        for col, mask in ((_CONTRIBUTION_COL, contribution & ~rows), (_SHARE_COL, share & ~rows)):
            for first, end in _ranges(mask):
                self.dataChanged.emit(self.index(first, col), self.index(end, col))

    def _unit_changed(self, _unit: str) -> None:
        self._headers.clear()
        self._all_changed()
        self.headerDataChanged.emit(Qt.Horizontal, COL["mass"], COL["mass"])

    def retranslate(self) -> None:
        self._views.clear()
        self._texts.clear()
        self._numbers_stale.clear()
        self._headers.clear()
        self.headerDataChanged.emit(Qt.Horizontal, 0, len(COLUMNS) - 1)
        n = self.rowCount()
        if n:
            self.dataChanged.emit(self.index(0, 0), self.index(n - 1, len(COLUMNS) - 1))

    # -- Qt model API ---------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.wb.profile.emissions)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else _NCOLS

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        r = role if type(role) is int else role.value
        if r != _DISPLAY and r != _TOOLTIP:
            return None   # painting asks each header section for many roles
        if orientation is _VERTICAL or (orientation is not _HORIZONTAL and orientation == _VERTICAL):
            return str(section + 1) if r == _DISPLAY else None
        key = (section, r, translator.lang)
        text = self._headers.get(key)
        if text is None:
            name = COLUMNS[section]
            if r == _TOOLTIP:
                text = t(TIP_KEYS.get(name, "gui.col.tip." + name))
            elif name == "mass":
                text = t("gui.col.mass", unit=unit_label(self.wb.display_unit))
            else:
                text = t(HEADER_KEYS[name])
            self._headers[key] = text
        return text

    def flags(self, index):
        return _FLAGS[index.column()] if index.isValid() else _NO_FLAGS

    def view(self, row: int):
        if self._numbers_stale and row in self._numbers_stale:
            self._refresh_numbers(row)
        v = self._views.get(row)
        if v is None:
            v = self.wb.row_view(row)
            self._views[row] = v
        return v

    def _refresh_numbers(self, row: int) -> None:
        """A cached row whose contribution/share changed: those two texts anew."""
        self._numbers_stale.discard(row)
        v, c = self._views.get(row), self._texts.get(row)
        if v is None or c is None:
            self._views.pop(row, None)
            self._texts.pop(row, None)
            return
        v = self.wb.row_result(v, row)
        self._views[row] = v
        loc = qlocale()
        c = list(c)
        c[_CONTRIBUTION_COL] = self._display(v, "contribution", loc)
        c[_SHARE_COL] = self._display(v, "share", loc)
        self._texts[row] = tuple(c)

    def _row_texts(self, row: int) -> tuple:
        """Display strings of one row and (last) whether it is valid, built once per
        result (painting asks for every visible cell, several roles each)."""
        if self._numbers_stale and row in self._numbers_stale:
            self._refresh_numbers(row)
        c = self._texts.get(row)
        if c is None:
            v = self.view(row)
            loc = qlocale()
            c = tuple(self._display(v, col, loc) if col != "source" else self._source_text(row) for col in COLUMNS)
            c += (v.valid,)
            self._texts[row] = c
        return c

    def data(self, index, role=Qt.DisplayRole):
        r = role if type(role) is int else role.value
        if r == _DISPLAY or r == _ALIGN or r == _FOREGROUND:
            # what painting asks for every visible cell: from the row's cached texts
            row = index.row()
            c = self._texts.get(row)
            if c is None or (self._numbers_stale and row in self._numbers_stale):
                if not index.isValid() or row >= len(self.wb.profile.emissions):
                    return None
                c = self._row_texts(row)
            if r == _DISPLAY:
                return c[index.column()]
            if r == _ALIGN:
                return _ALIGNS[index.column()]
            return None if c[_VALID] else QBrush(status_color("error"))     # the current theme's colour
        if r not in _HANDLED_ROLES or not index.isValid():
            return None   # painting asks ~10 roles per cell: leave the unused ones fast
        row = index.row()
        if row >= self.wb.row_count():
            return None
        v = self.view(row)
        col = COLUMNS[index.column()]
        if r == _EDIT:
            if col == "mass":
                return edit_text(v.mass) if not math.isnan(v.mass) else v.mass_text
            if col == "unit":
                return v.unit
            if col == "source":
                return self.wb.emissions[row].source_id or ""
            return self._row_texts(row)[index.column()]
        if r == SORT_ROLE:
            if col == "source":
                return self._row_texts(row)[_SOURCE_COL].casefold()
            return self._sort_value(v, col)
        if r == _TOOLTIP:
            if col == "gdk_kind":
                return t("gui.col.tip.gdk_kind")
            if col == "class" and v.class_assumed:
                return t("gui.class_assumed")
            if not v.valid:
                return t("gui.row_invalid")
            return None
        return None

    def _source_text(self, row: int) -> str:
        """The row's source as the table shows it: its name (else its number); "—" for none."""
        sid = self.wb.emissions[row].source_id
        if not sid:
            return t("src.none")
        src = self.wb.profile.source(sid)
        return (src.name or src.id) if src is not None else str(sid)

    def _display(self, v, col, loc=None):
        if col == "substance":
            return v.substance
        if col == "mass":
            if math.isnan(v.mass):
                return v.mass_text
            return loc.toString(float(v.mass), "f", _SHORTEST) if loc is not None else fmt_number(v.mass)
        if col == "unit":
            return unit_label(v.unit)
        if col == "gdk":
            return fmt_number(v.gdk) if loc is None or math.isnan(v.gdk) else loc.toString(float(v.gdk), "f", _SHORTEST)
        if col == "gdk_kind":
            return t("gdk_kind." + v.gdk_kind)
        if col == "class":
            return str(v.hazard_class) if v.hazard_class else "—"
        if col == "a":
            return fmt_number(v.a)
        if col == "contribution":
            return loc.toString(float(v.contribution), "f", 3) if loc is not None else fmt_number(v.contribution, 3)
        if col == "share":
            return loc.toString(float(v.share_percent), "f", 2) if loc is not None else fmt_number(v.share_percent, 2)
        return None

    def _sort_value(self, v, col):
        if col in ("substance", "unit", "gdk_kind"):
            return str(self._display(v, col)).casefold()
        x = {"mass": v.mass, "gdk": v.gdk, "class": float(v.hazard_class), "a": v.a,
             "contribution": v.contribution, "share": v.share}[col]
        return -math.inf if x is None or math.isnan(x) else float(x)

    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or not index.isValid():
            return False
        col = COLUMNS[index.column()]
        if value == self.data(index, Qt.EditRole):
            return True   # editor closed without a change: no command, stored value kept
        try:
            if col == "mass":
                self.wb.set_mass(index.row(), value)
            elif col == "unit":
                self.wb.set_unit(index.row(), str(value))
            elif col == "source":
                self.wb.set_emission_source([index.row()], str(value or "") or None)
            else:
                return False
        except EditRefused as p:
            self.editRefused.emit(index.row(), p.message())
            return False
        return True


class EmissionsProxy(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
