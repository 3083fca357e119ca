"""The dispersion panel edits the session's project: every edit is an undoable session
command that marks the project dirty and emits ``session.events.dispersion``; the panel shows
the project and follows undo/redo."""

from PySide6.QtGui import QKeySequence


def test_dispersion_setting_edit_is_an_undoable_session_command(make_window, qtbot):
    w = make_window(demo=True, restore=False)
    wb = w.wb
    seen = []
    wb.events.dispersion.connect(lambda: seen.append("dispersion"))     # another view of the session
    panel = w.open_panel("DispersionPanel")
    assert not wb.dirty and wb.profile.dispersion.A == 200              # the demo's A
    panel.A.setValue(180)
    assert wb.profile.dispersion.A == 180                               # the project holds the edit
    assert wb.dirty and seen                                            # dirty, and the event was seen
    assert wb.undo()
    assert wb.profile.dispersion.A == 200 and panel.A.value() == 200    # undo restores both
    assert not wb.dirty
    assert wb.redo()
    assert wb.profile.dispersion.A == 180 and panel.A.value() == 180


def test_dispersion_table_edit_goes_to_the_inventory_source(make_window, qtbot):
    from ecologis.gui.panels.dispersion_panel import COLUMNS

    w = make_window(demo=True, restore=False)
    wb = w.wb
    panel = w.open_panel("DispersionPanel")
    sid = panel.table.item(0, COLUMNS.index("id")).text()
    before = wb.profile.source(sid).velocity_m_s
    panel.table.item(0, COLUMNS.index("velocity_m_s")).setText("12.5")
    assert wb.profile.source(sid).velocity_m_s == 12.5 and wb.dirty
    assert wb.undo()
    assert wb.profile.source(sid).velocity_m_s == before
    shown = panel.table.item(0, COLUMNS.index("velocity_m_s")).text()
    assert shown == ("" if before is None else str(before))


def test_undo_in_the_window_reaches_the_dispersion_panel(make_window, qtbot):
    w = make_window(demo=True, restore=False)
    panel = w.open_panel("DispersionPanel")
    i = panel.directions.findData(8)
    panel.directions.setCurrentIndex(i)
    assert w.wb.profile.dispersion.directions == 8
    assert w.act_undo.shortcut() == QKeySequence(QKeySequence.Undo)       # Ctrl+Z
    w.act_undo.trigger()                                                    # Edit ▸ Undo
    assert w.wb.profile.dispersion.directions == 36 and panel.directions.currentData() == 36
