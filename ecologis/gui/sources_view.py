"""The sources inventory tab: a Qt view of ``session.profile.sources``.

No state lives here: :class:`SourcesModel` shows the session's sources and forwards every
edit to :meth:`ecologis.session.Session.set_source_field` (an undoable command); refused
input comes back as a translated message (``editRefused`` → the status bar) and the cell
keeps its old value.  :class:`SourcesView` adds the Add / Delete buttons and tells the
map which source is selected (``sourceSelected``).  :class:`SourceDelegate` is the combo
editor of the emissions table's "Source" column.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QEvent, QItemSelectionModel, QLocale, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QStyledItemDelegate, QTableView, QVBoxLayout, QWidget)

from ecologis.gui.models.emissions_model import edit_text, qlocale
from ecologis.i18n import t, translator
from ecologis.model import SOURCE_KINDS
from ecologis.session import EditRefused, Session

#: Columns of the sources table: Source fields, then the number of linked emission rows.
COLUMNS = ("id", "name", "kind", "lat", "lon", "height_m", "diameter_m", "velocity_m_s", "volume_m3_s",
           "temp_c", "gas_cleaning", "cleaning_efficiency", "hours_per_year", "rows")
COL = {name: i for i, name in enumerate(COLUMNS)}
TEXT_COLUMNS = frozenset(("id", "name", "kind", "gas_cleaning"))
_ALIGN_LEFT = int((Qt.AlignLeft | Qt.AlignVCenter).value)
_ALIGN_RIGHT = int((Qt.AlignRight | Qt.AlignVCenter).value)


def _percent(fraction: float) -> float:
    """A stored efficiency 0…1 as the per cent shown (85 for 0.85, not 85.00000000000001)."""
    return round(fraction * 100.0, 9)


def source_label(src) -> str:
    """How a source is named in lists: its name, else its number."""
    return src.name or src.id


class SourcesModel(QAbstractTableModel):
    """The inventory as a table; every cell but the row count is editable."""

    editRefused = Signal(str)      # translated message

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.wb = session
        self._ids = [s.id for s in session.profile.sources]
        ev = session.events
        self._handlers = [(ev.sources, self._sources_changed), (ev.enterprise, self._sources_changed),
                          (ev.project_loaded, self._sources_changed), (ev.result, self._counts_changed)]
        for signal, handler in self._handlers:
            signal.connect(handler)

    def detach(self) -> None:
        for signal, handler in self._handlers:
            signal.disconnect(handler)

    # -- session events ---------------------------------------------------------------
    def _sources_changed(self, *_) -> None:
        ids = [s.id for s in self.wb.profile.sources]
        if len(ids) != len(self._ids):
            self.beginResetModel()
            self._ids = ids
            self.endResetModel()
            return
        self._ids = ids
        self._all_changed()

    def _counts_changed(self) -> None:
        n = self.rowCount()
        if n:
            self.dataChanged.emit(self.index(0, COL["rows"]), self.index(n - 1, COL["rows"]))

    def _all_changed(self) -> None:
        n = self.rowCount()
        if n:
            self.dataChanged.emit(self.index(0, 0), self.index(n - 1, len(COLUMNS) - 1))

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Horizontal, 0, len(COLUMNS) - 1)
        self._all_changed()

    # -- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.wb.profile.sources)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def source_id(self, row: int) -> str | None:
        sources = self.wb.profile.sources
        return sources[row].id if 0 <= row < len(sources) else None

    def row_of(self, sid: str) -> int:
        return next((i for i, s in enumerate(self.wb.profile.sources) if s.id == sid), -1)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.DisplayRole:
                return t("src.col." + COLUMNS[section])
            if role == Qt.ToolTipRole:
                return t("src.tip." + COLUMNS[section])
        if orientation == Qt.Vertical and role == Qt.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        f = Qt.ItemIsEnabled | Qt.ItemIsSelectable
        if COLUMNS[index.column()] != "rows":
            f |= Qt.ItemIsEditable
        return f

    def _value(self, src, col):
        if col == "rows":
            return self.wb.source_row_count(src.id)
        v = getattr(src, col)
        if col == "cleaning_efficiency" and v is not None:
            return _percent(v)
        return v

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        src = self.wb.profile.sources[index.row()]
        col = COLUMNS[index.column()]
        if role == Qt.DisplayRole:
            v = self._value(src, col)
            if col == "kind":
                return t("src.kind." + v) if v in SOURCE_KINDS else str(v)
            if v is None:
                return ""
            if isinstance(v, str):
                return v
            if col == "rows":
                return str(v)
            return qlocale().toString(float(v), "f", QLocale.FloatingPointShortest)
        if role == Qt.EditRole:
            v = self._value(src, col)
            if col in TEXT_COLUMNS:
                return "" if v is None else str(v)
            return "" if v is None else edit_text(v)
        if role == Qt.TextAlignmentRole:
            return _ALIGN_LEFT if col in TEXT_COLUMNS else _ALIGN_RIGHT
        if role == Qt.ToolTipRole and col == "kind":
            return t("src.tip.kind")
        return None

    def setData(self, index, value, role=Qt.EditRole):
        if role != Qt.EditRole or not index.isValid():
            return False
        col = COLUMNS[index.column()]
        if col == "rows":
            return False
        if value == self.data(index, Qt.EditRole):
            return True        # editor closed without a change: no command
        try:
            self.wb.set_source_field(self.source_id(index.row()), col, value)
        except EditRefused as p:
            self.editRefused.emit(p.message())
            return False
        return True


class KindDelegate(QStyledItemDelegate):
    """Combo editor of the kind column (point, area, volume)."""

    def createEditor(self, parent, option, index):
        cb = QComboBox(parent)
        for k in SOURCE_KINDS:
            cb.addItem(t("src.kind." + k), k)
        return cb

    def setEditorData(self, editor, index):
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.EditRole))))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.EditRole)


class SourceDelegate(QStyledItemDelegate):
    """Combo editor of the emissions table's "Source" column: "—" (no source) and the
    inventory's sources ("number — name"); the choice goes to the model as the id.  When
    the edited row is one of several selected rows, all of them get the source (one
    undoable edit)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.wb = session

    def createEditor(self, parent, option, index):
        cb = QComboBox(parent)
        cb.addItem(t("src.none"), "")
        for s in self.wb.profile.sources:
            cb.addItem(f"{s.id} — {s.name}" if s.name else s.id, s.id)
        return cb

    def setEditorData(self, editor, index):
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.EditRole) or "")))

    def setModelData(self, editor, model, index):
        rows = self._selected_rows(index)
        if len(rows) > 1:
            try:
                self.wb.set_emission_source(rows, editor.currentData() or None)
            except EditRefused:
                pass            # the combo offers only the inventory's sources
            return
        model.setData(index, editor.currentData(), Qt.EditRole)

    def _selected_rows(self, index) -> list[int]:
        """Session rows of the table's selected rows when ``index`` is among them."""
        view = self.parent()
        sm = view.selectionModel() if isinstance(view, QAbstractItemView) else None
        if sm is None:
            return []
        selected = sm.selectedRows()
        if not any(ix.row() == index.row() for ix in selected):
            return []
        to_source = getattr(view.model(), "mapToSource", None)
        return sorted({(to_source(ix) if to_source else ix).row() for ix in selected})


class SourcesView(QWidget):
    """The "Sources" tab: the inventory table with Add and Delete."""

    message = Signal(str)            # translated text for the status bar
    sourceSelected = Signal(object)  # id of the selected source, or None

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setObjectName("sourcesView")
        self.wb = session
        self.model = SourcesModel(session, self)
        self.model.editRefused.connect(self.message)
        self.table = QTableView()
        self.table.setObjectName("sourcesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                                   | QAbstractItemView.AnyKeyPressed)
        self.table.setAlternatingRowColors(True)
        self.table.setItemDelegateForColumn(COL["kind"], KindDelegate(self.table))
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeToContents)    # headers (with units) never clipped
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.btn_add = QPushButton()
        self.btn_add.setObjectName("sourceAdd")
        self.btn_add.clicked.connect(self.add_source)
        self.btn_delete = QPushButton()
        self.btn_delete.setObjectName("sourceDelete")
        self.btn_delete.clicked.connect(self.delete_selected)
        self.empty = QLabel()
        self.empty.setObjectName("sourcesEmpty")
        self.empty.setWordWrap(True)
        # Delete in this table deletes sources; the key is taken before the window's
        # Edit ▸ Delete rows shortcut (emission rows) can see it
        self.table.installEventFilter(self)

        bar = QHBoxLayout()
        bar.addWidget(self.btn_add)
        bar.addWidget(self.btn_delete)
        bar.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.empty)
        lay.addWidget(self.table, 1)

        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.model.modelReset.connect(self._after_reset)
        self.model.modelReset.connect(self._update_state)
        self.table.selectionModel().selectionChanged.connect(self._update_state)
        translator.subscribe(self._on_language)
        self.destroyed.connect(lambda *_: translator.unsubscribe(self._on_language))
        self.retranslate()

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if obj is self.table and event.type() in (QEvent.ShortcutOverride, QEvent.KeyPress) \
                and event.matches(QKeySequence.Delete) and self.table.state() != QAbstractItemView.EditingState:
            event.accept()
            if event.type() == QEvent.KeyPress:
                self.delete_selected()
            return True
        return super().eventFilter(obj, event)

    # -- actions -------------------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [sid for sid in (self.model.source_id(r) for r in rows) if sid is not None]

    def add_source(self) -> str:
        sid = self.wb.add_source()
        self.select(sid)
        return sid

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.wb.delete_sources(ids)

    def select(self, sid: str) -> None:
        row = self.model.row_of(sid)
        if row < 0:
            return
        ix = self.model.index(row, COL["name"])
        self.table.selectionModel().setCurrentIndex(
            ix, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        self.table.scrollTo(ix)

    # -- state -------------------------------------------------------------------------------
    def _on_current(self, current, _previous=None) -> None:
        self.sourceSelected.emit(self.model.source_id(current.row()) if current.isValid() else None)

    def _after_reset(self) -> None:
        cur = self.table.selectionModel().currentIndex()
        self._on_current(cur)

    def _update_state(self, *_) -> None:
        empty = self.model.rowCount() == 0
        self.empty.setVisible(empty)
        self.btn_delete.setEnabled(bool(self.selected_ids()))

    def _on_language(self, _lang: str) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.btn_add.setText(t("src.btn.add"))
        self.btn_delete.setText(t("src.btn.delete"))
        self.btn_delete.setToolTip(t("src.btn.delete_tip"))
        self.empty.setText(t("src.empty"))
        self.model.retranslate()
        self._update_state()
