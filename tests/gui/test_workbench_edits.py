"""Edits through the widgets: in-place mass edit, Delete key, undo/redo, unit switch,
invalid input, sorting, journal click.  Expected values come from the hand formula
K = a·M/ГДК (thesis formula 3.1) written out here, never from the GUI."""

import math
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from ecologis.gui.models.emissions_model import COL, SORT_ROLE
from ecologis.i18n import t

from .conftest import open_cell_editor

A = {1: 1.7, 2: 1.3, 3: 1.0, 4: 0.9}
# demo profile = thesis tables 4.1/4.2: (M t/yr, ГДК с.д., class)
DEMO = [(16.23192, 1.0, 3), (8.27394, 0.05, 3), (34.7849, 0.04, 2), (27.2772, 3.0, 4), (8.6637, 0.15, 3),
        (1.9689, 50.0, 4), (1.0283, 0.15, 3), (0.10829, 0.2, 2), (0.0112, 0.6, 3), (0.687, 1.5, 4)]


def hand_knp(rows):
    return sum(A[c] * m / g for m, g, c in rows)


def shown_knp(w, h):
    return h.number(w.results.knp_value.text(), "uk")


def check(w, h, rows):
    expected = hand_knp(rows)
    assert math.isclose(w.wb.result.knp, expected, rel_tol=1e-12)
    assert shown_knp(w, h) == round(expected, 3)
    assert w.model.rowCount() == len(rows)


def closed(editor) -> bool:
    import shiboken6

    return not shiboken6.isValid(editor) or not editor.isVisible()


def edit_cell(w, qtbot, row, col, text):
    """Double-click editing as a user does: open the editor, type, press Enter."""
    editor = open_cell_editor(w, row, col)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: closed(editor))   # the delegate commits on a queued call
    QApplication.processEvents()


def test_edit_delete_undo_redo(make_window, qtbot, h):
    w = make_window()
    rows = list(DEMO)
    check(w, h, rows)
    # edit NO2 (row 3) mass in place: 34.7849 → 40 t/yr
    edit_cell(w, qtbot, 2, COL["mass"], "40")
    rows_edit = list(rows)
    rows_edit[2] = (40.0, 0.04, 2)
    check(w, h, rows_edit)      # 1386.1866552 - 1130.50925 + 1.3·40/0.04 = 1555.6774052
    assert math.isclose(hand_knp(rows_edit), 1555.6774052, rel_tol=1e-12)
    # delete rows 1 and 2 (multi-selection) with the Delete key
    sm = w.table.selectionModel()
    sm.clearSelection()
    for r in (0, 1):
        sm.select(w.proxy.mapFromSource(w.model.index(r, 0)), QItemSelectionModel.Select | QItemSelectionModel.Rows)
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key_Delete)
    rows_del = rows_edit[2:]
    check(w, h, rows_del)
    # undo twice (delete, then edit), redo twice
    w.act_undo.trigger()
    check(w, h, rows_edit)
    w.act_undo.trigger()
    check(w, h, rows)
    assert w.wb.emissions[2].mass == 34.7849
    w.act_redo.trigger()
    check(w, h, rows_edit)
    w.act_redo.trigger()
    check(w, h, rows_del)
    assert not w.act_redo.isEnabled()


def test_unit_switch_round_trip_is_exact(make_window, qtbot, h):
    w = make_window()
    stored = [(e.mass, e.unit) for e in w.wb.emissions]
    shown_t = [w.model.view(r).mass for r in range(w.model.rowCount())]
    assert shown_t == [m for m, _u in stored]
    for unit in ("kg/yr", "g/s", "t/yr", "g/s", "kg/yr", "t/yr"):
        w.unit.setCurrentIndex(w.unit.findData(unit))
        assert w.wb.display_unit == unit
        assert t("gui.unit." + unit) in w.model.headerData(COL["mass"], Qt.Horizontal)
    assert [w.model.view(r).mass for r in range(w.model.rowCount())] == shown_t
    assert [(e.mass, e.unit) for e in w.wb.emissions] == stored
    # kg/yr display is 1000 × t/yr (34.7849 t = 34784.9 kg)
    w.unit.setCurrentIndex(w.unit.findData("kg/yr"))
    assert math.isclose(w.model.view(2).mass, 34784.9, rel_tol=1e-15)
    # a mass typed in kg/yr stays exactly what was typed through t/yr and g/s and back
    w.search.setText("nitrogen dioxide")
    w.mass.setText("1500,25")
    assert w.add_current()
    last = w.model.rowCount() - 1
    for unit in ("t/yr", "g/s", "kg/yr"):
        w.unit.setCurrentIndex(w.unit.findData(unit))
    assert w.model.view(last).mass == 1500.25
    assert (w.wb.emissions[last].mass, w.wb.emissions[last].unit) == (1500.25, "kg/yr")
    # g/s: 1 t/yr over 8760 h = 1e6 g / 31 536 000 s = 0.0317097919… g/s
    w.unit.setCurrentIndex(w.unit.findData("g/s"))
    assert math.isclose(w.model.view(last).mass, 1500.25e3 / 31_536_000, rel_tol=1e-12)


def test_invalid_input_refused(make_window, qtbot, h):
    w = make_window()
    before = [(e.substance, e.mass, e.unit) for e in w.wb.emissions]
    knp = w.wb.result.knp
    w.search.setText("nitrogen dioxide")
    for text, key in (("abc", "val.E_MASS_NOT_NUMBER"), ("-5", "val.E_MASS_NEGATIVE"), ("0", "val.E_MASS_ZERO"),
                      ("", "val.E_MASS_MISSING"), ("1,2.3", "val.E_MASS_NOT_NUMBER")):
        w.mass.setText(text)
        qtbot.mouseClick(w.btn_add, Qt.LeftButton)
        assert w.message.isVisible()
        assert w.message.text() == t(key, value=text)
        assert w.mass.property("invalid") is True
        assert [(e.substance, e.mass, e.unit) for e in w.wb.emissions] == before
    # unknown substance: the search finds nothing, the combo is empty
    w.search.setText("zzqx-no-such-substance")
    assert w.combo.count() == 0
    w.mass.setText("1")
    qtbot.mouseClick(w.btn_add, Qt.LeftButton)
    assert w.message.text() == t("val.E_SUBSTANCE_UNKNOWN", value="zzqx-no-such-substance")
    assert [(e.substance, e.mass, e.unit) for e in w.wb.emissions] == before
    # in-place edits are refused the same way
    edit_cell(w, qtbot, 0, COL["mass"], "-3")
    assert w.message.text() == t("gui.msg.row_refused", row=1, msg=t("val.E_MASS_NEGATIVE", value="-3"))
    assert [(e.substance, e.mass, e.unit) for e in w.wb.emissions] == before
    assert w.wb.result.knp == knp
    assert not w.wb.can_undo()
    # "8,27" and "8.27" are both accepted
    w.search.setText("nitrogen dioxide")
    for text in ("8,27", "8.27"):
        w.mass.setText(text)
        qtbot.mouseClick(w.btn_add, Qt.LeftButton)
        assert not w.message.isVisible()
        assert w.wb.emissions[-1].mass == 8.27


def test_search_filters_combo(make_window, qtbot, h):
    w = make_window()
    total = w.combo.count()
    h.type(w.search, "діокс")
    assert 0 < w.combo.count() < total
    ids = {w.combo.itemData(i) for i in range(w.combo.count())}
    assert {"10102-44-0", "7446-09-5"} <= ids
    # CAS and the English name find the same substance; the item shows class and ГДК
    for q in ("10102-44-0", "Nitrogen diox"):
        w.search.setText(q)
        assert w.combo.itemData(0) == "10102-44-0"
    assert "0,04" in w.combo.itemText(0) and t("gdk_kind.sd") in w.combo.itemText(0)
    # apostrophe variants are ignored (e.g. "сірководень" has none; use a name with one if present)
    names = [s.name_uk for s in w.wb.dictionary if "'" in s.name_uk or "’" in s.name_uk]
    if names:
        name = names[0]
        w.search.setText(name.replace("'", "’") if "'" in name else name.replace("’", "'"))
        assert w.combo.count() >= 1


def test_sorting_by_contribution(make_window, qtbot):
    w = make_window()
    w.table.sortByColumn(COL["contribution"], Qt.DescendingOrder)
    first = w.proxy.index(0, COL["substance"]).data()
    assert first == w.wb.dictionary.get("10102-44-0").name_uk   # 1130.509 is the largest
    vals = [w.proxy.index(r, COL["contribution"]).data(SORT_ROLE) for r in range(w.proxy.rowCount())]
    assert vals == sorted(vals, reverse=True)
    # contribution and share are read-only
    ix = w.proxy.index(0, COL["contribution"])
    assert not (w.proxy.flags(ix) & Qt.ItemIsEditable)
    assert w.proxy.flags(w.proxy.index(0, COL["mass"])) & Qt.ItemIsEditable


def test_journal_click_selects_row(make_window, qtbot, tmp_path):
    from ecologis.model import Emission, Enterprise
    from ecologis.io.profile import Project, save_profile

    f = tmp_path / "bad.json"
    save_profile(Project(enterprise=Enterprise(name="Test", lat=49.0, lon=28.0), emissions=[
        Emission("Азоту діоксид", 1.0, "t/yr"), Emission("no such substance", 2.0, "t/yr"),
        Emission("Вуглецю оксид", 3.0, "t/yr")]), f)
    w = make_window(open_file=str(f))
    assert w.model.rowCount() == 3
    from ecologis.gui.models.journal_model import ROW_ROLE

    m = w.journal.model()
    items = [m.index(i) for i in range(m.rowCount())]
    bad = [ix for ix in items if ix.data(ROW_ROLE) == 2]
    assert bad and t("val.E_SUBSTANCE_UNKNOWN", value="no such substance") in bad[0].data()
    assert bad[0].data(Qt.ForegroundRole).color().name() == "#c42b1c"    # errors in red
    rect = w.journal.visualRect(bad[0])
    qtbot.mouseClick(w.journal.viewport(), Qt.LeftButton, pos=rect.center())
    assert w.selected_rows() == [1]
    # the invalid row is not counted: КНП = 1.0·1/0.04 + 0.9·3/3 = 25 + 0.9 = 25.9 (dictionary classes 3 and 4)
    assert math.isclose(w.wb.result.knp, 25.9, rel_tol=1e-12)


def test_editor_opened_and_closed_without_change_keeps_value(make_window, qtbot):
    w = make_window()
    w.wb.set_mass(0, 0.1 + 0.2)     # 0.30000000000000004: needs 17 significant digits
    n_undo = len(w.wb._undo)
    for unit in ("t/yr", "kg/yr"):
        w.unit.setCurrentIndex(w.unit.findData(unit))
        ix = w.proxy.mapFromSource(w.model.index(0, COL["mass"]))
        w.table.setCurrentIndex(ix)
        w.table.edit(ix)
        editor = [e for e in w.table.viewport().findChildren(QLineEdit) if e.isVisible()][0]
        # the editor shows the exact stored value (shortest round-trip digits, no grouping)
        assert editor.text() == {"t/yr": "0,30000000000000004", "kg/yr": "300,00000000000006"}[unit]
        qtbot.keyClick(editor, Qt.Key_Return)
        qtbot.waitUntil(lambda: closed(editor))
        QApplication.processEvents()
    assert (w.wb.emissions[0].mass, w.wb.emissions[0].unit) == (0.1 + 0.2, "t/yr")
    assert len(w.wb._undo) == n_undo


def test_open_broken_profile_changes_nothing(make_window, qtbot, tmp_path):
    from ecologis.io.profile import ProfileError, load_profile

    f = tmp_path / "broken.json"
    f.write_text("{not a profile", encoding="utf-8")
    w = make_window()
    before = [(e.substance, e.mass, e.unit) for e in w.wb.emissions]
    errors = []
    w._prompt = lambda kind, **kw: errors.append(kw.get("text")) if kind == "error" else "discard"
    assert not w.open_path(f)
    try:
        load_profile(f)
    except ProfileError as e:
        expected = e.message()
    assert errors == [expected] and w.message.text() == expected
    assert "broken.json" in expected
    assert [(e.substance, e.mass, e.unit) for e in w.wb.emissions] == before


def test_file_menu_import_export_report_and_drop(make_window, qtbot, tmp_path):
    import importlib.util

    from PySide6.QtCore import QMimeData, QPointF, QTimer, QUrl
    from PySide6.QtGui import QDropEvent

    assert importlib.util.find_spec("ecologis.gui.panels.file_actions") is not None
    w = make_window()
    assert w.act_import.isVisible() and w.act_export.isVisible() and w.act_report.isVisible()
    # export and PDF report of the current assessment (no dialogs when a path is given)
    csv = w.export_to(tmp_path / "out.csv")
    assert csv is not None and Path(csv).read_text(encoding="utf-8-sig").count("\n") >= 10
    pdf = w.report_to(tmp_path / "out.pdf")
    assert pdf is not None and Path(pdf).read_bytes()[:5] == b"%PDF-"
    # drop an emissions table: the preview dialog opens, Apply appends the rows (undoable)
    table = tmp_path / "t.csv"
    table.write_text("Речовина;Маса\nАзоту діоксид;1,5\nВуглецю оксид;3\n", "utf-8")
    n = w.model.rowCount()

    def confirm():
        dlg = QApplication.activeModalWidget()
        if dlg is None:
            QTimer.singleShot(50, confirm)
            return
        if hasattr(dlg, "rb_sum"):
            dlg.rb_sum.setChecked(True)
        dlg.apply_btn.click()

    QTimer.singleShot(50, confirm)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(table))])
    ev = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    w.dropEvent(ev)
    assert w.model.rowCount() == n + 2
    assert [(e.mass, e.unit) for e in w.wb.emissions[-2:]] == [(1.5, "t/yr"), (3.0, "t/yr")]
    w.act_undo.trigger()
    assert w.model.rowCount() == n
    # drop a profile: it is opened
    from ecologis.model import Emission, Enterprise
    from ecologis.io.profile import Project, save_profile

    prof = tmp_path / "p.json"
    save_profile(Project(enterprise=Enterprise(name="D", lat=49.0, lon=28.0), emissions=[Emission("Метан", 2.0)]), prof)
    assert w.open_dropped(prof)
    assert [e.substance for e in w.wb.emissions] == ["Метан"]
    # anything else is refused with a message
    other = tmp_path / "x.png"
    other.write_bytes(b"\x89PNG")
    assert not w.open_dropped(other)
    assert "x.png" in w.message.text()
