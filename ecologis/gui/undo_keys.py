"""Ctrl+Z is never swallowed by a text field of the main window.

A QLineEdit claims the Undo key (its "shortcut override") even when it has nothing of its
own to undo, so the window's Edit ▸ Undo never fires while the mass field or a cell editor
of a table has the focus, and the user presses Ctrl+Z and sees nothing happen.
:class:`UndoKeys` watches those fields: while a field can undo its own typing, Ctrl+Z does
that (the editor's text undo); when it cannot, the key goes to the window's Undo action
(the session's last edit), and an open cell editor is closed first without writing its
unchanged text back, so that it cannot overwrite what the undo restored.
"""

from __future__ import annotations

from typing import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QApplication, QLineEdit, QWidget


def _is_undo_key(event) -> bool:
    try:
        return event.matches(QKeySequence.StandardKey.Undo)
    except (AttributeError, TypeError):
        return False


def _cell_editor(widget: QWidget) -> tuple[QAbstractItemView, QWidget] | None:
    """(item view, editor) when ``widget`` is (part of) a cell editor of an item view."""
    editor, w = widget, widget.parentWidget()
    while w is not None:
        view = w.parentWidget()
        if isinstance(view, QAbstractItemView) and view.viewport() is w:
            return view, editor
        editor, w = w, view
    return None


class UndoKeys(QObject):
    """Event filter for the line edits ``watched(widget)`` accepts (the main window's mass
    field, search field and table cell editors), installed when they take the focus; ``undo()`` is the window's
    undo (enabled or not: ``can_undo()``)."""

    def __init__(self, parent: QObject, watched: Callable[[QWidget], bool], can_undo: Callable[[], bool]):
        super().__init__(parent)
        self._watched = watched
        self._can_undo = can_undo
        # the filter sits on each watched field that takes the focus (cell editors come and go)
        QApplication.instance().focusChanged.connect(self._on_focus)

    def _on_focus(self, _old, new) -> None:
        if isinstance(new, QLineEdit) and shiboken6.isValid(new) and self._watched(new):
            new.removeEventFilter(self)
            new.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(obj, QLineEdit):
            return False
        if not _is_undo_key(event) or not shiboken6.isValid(obj) or not self._watched(obj):
            return False
        if obj.isUndoAvailable() and not obj.isReadOnly():
            return False                  # the field's own text undo comes first
        if not self._can_undo():
            return False                  # nothing to undo anywhere: the field keeps the key
        cell = _cell_editor(obj)
        if cell is not None:
            # close the untouched editor without committing; the focus goes back to the view
            view, editor = cell
            ix = view.currentIndex()
            delegate = view.itemDelegateForIndex(ix) if ix.isValid() else view.itemDelegate()
            delegate.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        event.ignore()                    # not overridden: the window's Undo shortcut runs
        return True
