"""Ctrl+Z as a user presses it (pytest-qt key events): never swallowed by a mass field.

The demo's first row has the as-entered mass 16.23192 t/yr (thesis table 4.1); the
values below are typed by the test, so every expected mass is known without the code.
"""

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ecologis.gui.models.emissions_model import COL

from .conftest import open_cell_editor

DEMO_ROWS = 10
FIRST_MASS = 16.23192


def _open_mass_editor(w, qtbot, row):
    w.table.setFocus()
    editor = open_cell_editor(w, row, COL["mass"])
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    return editor


def _closed(editor) -> bool:
    return not shiboken6.isValid(editor) or not editor.isVisible()


def _ctrl_z(qtbot, widget):
    qtbot.keyClick(widget, Qt.Key_Z, Qt.ControlModifier)
    QApplication.processEvents()


def _ready(make_window, qtbot):
    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    assert w.model.rowCount() == DEMO_ROWS
    return w


def test_ctrl_z_in_an_untouched_cell_editor_undoes_the_last_edit(make_window, qtbot):
    w = _ready(make_window, qtbot)
    w.wb.set_mass(1, 2.5)                       # the session's last edit: row 2 → 2.5
    assert w.wb.emissions[1].mass == 2.5
    editor = _open_mass_editor(w, qtbot, 0)     # the user opens row 1's mass and types nothing
    _ctrl_z(qtbot, editor)
    assert w.wb.emissions[1].mass == 8.27394    # thesis table 4.1, row 2
    qtbot.waitUntil(lambda: _closed(editor))    # the stale editor does not stay open
    assert w.wb.emissions[0].mass == FIRST_MASS


def test_ctrl_z_while_typing_undoes_the_text_then_the_session(make_window, qtbot):
    w = _ready(make_window, qtbot)
    w.wb.set_mass(1, 2.5)
    editor = _open_mass_editor(w, qtbot, 0)
    editor.selectAll()
    qtbot.keyClicks(editor, "7")
    assert editor.text() == "7"
    _ctrl_z(qtbot, editor)                      # the editor's own text undo first
    assert editor.text() != "7"
    assert w.wb.emissions[1].mass == 2.5
    while shiboken6.isValid(editor) and editor.isVisible() and editor.isUndoAvailable():
        _ctrl_z(qtbot, editor)
    if not _closed(editor):
        _ctrl_z(qtbot, editor)                  # nothing left to undo in the text: the session's edit
    assert w.wb.emissions[1].mass == 8.27394
    assert w.wb.emissions[0].mass == FIRST_MASS


def test_ctrl_z_after_committing_a_cell_undoes_that_edit(make_window, qtbot):
    w = _ready(make_window, qtbot)
    editor = _open_mass_editor(w, qtbot, 0)
    editor.selectAll()
    qtbot.keyClicks(editor, "40")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: _closed(editor))
    QApplication.processEvents()
    assert w.wb.emissions[0].mass == 40.0
    _ctrl_z(qtbot, QApplication.focusWidget() or w.table)
    assert w.wb.emissions[0].mass == FIRST_MASS


def test_ctrl_z_in_the_top_mass_field_after_add_removes_the_row(make_window, qtbot):
    w = _ready(make_window, qtbot)
    w.search.setText("nitrogen dioxide")
    w.mass.setFocus()
    qtbot.waitUntil(w.mass.hasFocus)
    qtbot.keyClicks(w.mass, "3")
    qtbot.keyClick(w.mass, Qt.Key_Return)
    assert w.model.rowCount() == DEMO_ROWS + 1
    assert w.mass.text() == ""
    _ctrl_z(qtbot, w.mass)
    assert w.model.rowCount() == DEMO_ROWS
    assert w.mass.text() == ""                  # not the old text brought back instead


def test_ctrl_z_in_the_top_mass_field_while_typing_undoes_the_text_first(make_window, qtbot):
    w = _ready(make_window, qtbot)
    w.wb.set_mass(1, 2.5)
    w.mass.setFocus()
    qtbot.waitUntil(w.mass.hasFocus)
    qtbot.keyClicks(w.mass, "12")
    _ctrl_z(qtbot, w.mass)
    assert w.mass.text() != "12"
    assert w.wb.emissions[1].mass == 2.5
    for _ in range(5):
        if w.wb.emissions[1].mass != 2.5:
            break
        _ctrl_z(qtbot, w.mass)
    assert w.wb.emissions[1].mass == 8.27394
