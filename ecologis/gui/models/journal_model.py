"""List model of the validation journal (core ``Issue`` objects); messages are
translated lazily, only for the rows a view shows."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QBrush

from ecologis.gui.theme import status_color
from ecologis.i18n import t

ROW_ROLE = Qt.UserRole + 1


class JournalModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.issues: list = []
        self._text: dict[int, str] = {}

    def set_issues(self, issues) -> None:
        self.beginResetModel()
        self.issues = list(issues)
        self._text.clear()
        self.endResetModel()

    def retranslate(self) -> None:
        self._text.clear()
        if self.issues:
            self.dataChanged.emit(self.index(0), self.index(len(self.issues) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.issues)

    def text(self, row: int) -> str:
        s = self._text.get(row)
        if s is None:
            issue = self.issues[row]
            s = f"{t('severity.' + issue.severity)} — {issue.located_message()}"
            self._text[row] = s
        return s

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or index.row() >= len(self.issues):
            return None
        issue = self.issues[index.row()]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self.text(index.row())
        if role == ROW_ROLE:
            return -1 if issue.row is None else int(issue.row)
        if role == Qt.ForegroundRole:
            color = status_color(issue.severity)       # the current theme's colour
            return QBrush(color) if color is not None else None
        return None
