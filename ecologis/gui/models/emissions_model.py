"""Table model of the emission rows: a Qt view of :class:`ecologis.workbench.Workbench`.

No arithmetic here: values come from ``Workbench.row_view`` (core results); edits go to
``Workbench.set_mass`` / ``set_unit`` (undoable commands).  Sorting uses a
:class:`QSortFilterProxyModel` over :data:`SORT_ROLE`.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from ecologis.i18n import t, translator
from ecologis.workbench import InputProblem, Workbench

COLUMNS = ("substance", "mass", "unit", "gdk", "gdk_kind", "class", "a", "contribution", "share")
COL = {name: i for i, name in enumerate(COLUMNS)}
HEADER_KEYS = {
    "substance": "col.substance", "mass": "gui.col.mass", "unit": "col.unit", "gdk": "gui.col.gdk",
    "gdk_kind": "gui.col.gdk_kind", "class": "col.class", "a": "col.a", "contribution": "gui.col.contribution",
    "share": "col.share",
}
SORT_ROLE = Qt.UserRole + 1


def qlocale() -> QLocale:
    return QLocale(QLocale.Ukrainian, QLocale.Ukraine) if translator.lang == "uk" else QLocale(QLocale.English, QLocale.UnitedStates)


def fmt_number(x: float, decimals: int | None = None) -> str:
    """Locale-aware display; ``decimals=None`` shows the shortest exact representation."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    loc = qlocale()
    if decimals is None:
        return loc.toString(float(x), "g", 15)
    return loc.toString(float(x), "f", decimals)


def unit_label(unit: str) -> str:
    return t("gui.unit." + unit)


class EmissionsModel(QAbstractTableModel):
    """Rows of the workbench; mass editable, unit editable (combo), the rest read-only."""

    editRefused = Signal(int, str)  # row, translated message

    def __init__(self, workbench: Workbench, parent=None):
        super().__init__(parent)
        self.wb = workbench
        self._views: dict[int, object] = {}
        workbench.subscribe(self._on_event)

    def detach(self) -> None:
        self.wb.unsubscribe(self._on_event)

    # -- workbench events -------------------------------------------------------------
    def _on_event(self, event: str, data: dict) -> None:
        if event == "rows_about_to_insert":
            self.beginInsertRows(QModelIndex(), data["first"], data["last"])
        elif event == "rows_inserted":
            self._views.clear()
            self.endInsertRows()
        elif event == "rows_about_to_reset":
            self.beginResetModel()
        elif event == "rows_reset":
            self._views.clear()
            self.endResetModel()
        elif event in ("result", "display_unit", "row_changed"):
            self._views.clear()
            n = self.rowCount()
            if n:
                self.dataChanged.emit(self.index(0, 0), self.index(n - 1, len(COLUMNS) - 1))
            if event == "display_unit":
                self.headerDataChanged.emit(Qt.Horizontal, COL["mass"], COL["mass"])

    def retranslate(self) -> None:
        self._views.clear()
        self.headerDataChanged.emit(Qt.Horizontal, 0, len(COLUMNS) - 1)
        n = self.rowCount()
        if n:
            self.dataChanged.emit(self.index(0, 0), self.index(n - 1, len(COLUMNS) - 1))

    # -- Qt model API ---------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.wb.row_count()

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            name = COLUMNS[section]
            if name == "mass":
                return t("gui.col.mass", unit=unit_label(self.wb.display_unit))
            return t(HEADER_KEYS[name])
        if orientation == Qt.Horizontal and role == Qt.ToolTipRole:
            return t("gui.col.tip." + COLUMNS[section])
        if orientation == Qt.Vertical and role == Qt.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        f = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        if COLUMNS[index.column()] in ("mass", "unit"):
            f |= Qt.ItemIsEditable
        return f

    def view(self, row: int):
        v = self._views.get(row)
        if v is None:
            v = self.wb.row_view(row)
            self._views[row] = v
        return v

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or index.row() >= self.wb.row_count():
            return None
        v = self.view(index.row())
        col = COLUMNS[index.column()]
        if role == Qt.DisplayRole:
            return self._display(v, col)
        if role == Qt.EditRole:
            if col == "mass":
                return fmt_number(v.mass) if not math.isnan(v.mass) else v.mass_text
            if col == "unit":
                return v.unit
            return self._display(v, col)
        if role == SORT_ROLE:
            return self._sort_value(v, col)
        if role == Qt.TextAlignmentRole:
            if col in ("substance", "unit", "gdk_kind"):
                return int(Qt.AlignLeft | Qt.AlignVCenter)
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ToolTipRole:
            if col == "gdk_kind":
                return t("gui.col.tip.gdk_kind")
            if col == "class" and v.class_assumed:
                return t("gui.class_assumed")
            if not v.valid:
                return t("gui.row_invalid")
            return None
        if role == Qt.ForegroundRole and not v.valid:
            return QBrush(QColor("#c0392b"))
        return None

    def _display(self, v, col):
        if col == "substance":
            return v.substance
        if col == "mass":
            return fmt_number(v.mass) if not math.isnan(v.mass) else v.mass_text
        if col == "unit":
            return unit_label(v.unit)
        if col == "gdk":
            return fmt_number(v.gdk)
        if col == "gdk_kind":
            return t("gdk_kind." + v.gdk_kind)
        if col == "class":
            return str(v.hazard_class) if v.hazard_class else "—"
        if col == "a":
            return fmt_number(v.a)
        if col == "contribution":
            return fmt_number(v.contribution, 3)
        if col == "share":
            return fmt_number(v.share * 100.0, 2)
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
        try:
            if col == "mass":
                self.wb.set_mass(index.row(), value)
            elif col == "unit":
                self.wb.set_unit(index.row(), str(value))
            else:
                return False
        except InputProblem as p:
            self.editRefused.emit(index.row(), p.message())
            return False
        return True


class EmissionsProxy(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
