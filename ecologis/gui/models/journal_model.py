"""List model of the validation journal (core journal ``Problem`` entries); messages are
translated lazily, only for the rows a view shows.  The same message about several table
rows is one entry naming the rows ("rows 1–10: the row uses its own values …")."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QBrush

from ecologis.gui.theme import status_color
from ecologis.i18n import t

ROW_ROLE = Qt.UserRole + 1
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ROW = int(ROW_ROLE)


def _signature(issues) -> list[tuple]:
    """What an entry's text and place depend on (two journals with equal signatures show
    the same entries)."""
    return [(i.code, i.row, i.field, i.file, i.params) for i in issues]


class JournalModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.issues: list = []              # one representative issue per entry
        self.rows: list[list[int]] = []     # the table rows each entry concerns
        self._all: list = []
        self._sig: list[tuple] = []
        self._text: dict[int, str] = {}

    def set_issues(self, issues) -> None:
        """Show ``issues``; the same entries as shown (an edit that changed no message)
        keep the view as it is: no reset, no new texts."""
        issues = list(issues)
        sig = _signature(issues)
        if sig == self._sig:
            return
        self.beginResetModel()
        self._all = issues
        self._sig = sig
        self._group()
        self._text.clear()
        self.endResetModel()

    def _group(self) -> None:
        """Entries in first-seen order: issues with the same code, field, file and message
        parameters (so the same text in every language) about different rows become one
        entry.  Nothing is translated here: a text is made only when a view shows it."""
        entries: dict = {}
        self.issues, self.rows = [], []
        for issue in self._all:
            if issue.row is None:
                self.issues.append(issue)
                self.rows.append([])
                continue
            key = (issue.code, issue.field, issue.file, repr(sorted(issue.params.items())))
            k = entries.get(key)
            if k is None:
                entries[key] = len(self.issues)
                self.issues.append(issue)
                self.rows.append([int(issue.row)])
            else:
                self.rows[k].append(int(issue.row))

    def retranslate(self) -> None:
        self._text.clear()
        if self.issues:
            self.dataChanged.emit(self.index(0), self.index(len(self.issues) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.issues)

    def text(self, row: int) -> str:
        s = self._text.get(row)
        if s is None:
            issue, rows = self.issues[row], self.rows[row]
            if len(rows) > 1:
                from ecologis.report.notes import row_ranges

                place = t("val.loc.rows", rows=row_ranges(rows))
                if issue.file:
                    place = f"{issue.file}, {place}"
                s = f"{t('severity.' + issue.severity)} — {place}: {issue.message()}"
            else:
                s = f"{t('severity.' + issue.severity)} — {issue.located_message()}"
            self._text[row] = s
        return s

    def data(self, index, role=Qt.DisplayRole):
        r = role if type(role) is int else role.value
        if r != _DISPLAY and r != _TOOLTIP and r != _FOREGROUND and r != _ROW:
            return None   # painting asks many roles: leave the unused ones fast
        row = index.row()
        if not index.isValid() or row >= len(self.issues):
            return None
        if r == _DISPLAY or r == _TOOLTIP:
            return self.text(row)
        issue = self.issues[row]
        if r == _ROW:
            return -1 if issue.row is None else int(issue.row)
        color = status_color(issue.severity)       # the current theme's colour
        return QBrush(color) if color is not None else None
