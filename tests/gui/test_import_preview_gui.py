"""Import preview as the main window shows it: names in the UI language, the column
separator from locales, numbers typed with a decimal comma, theme error colours."""

from ecologis.gui.panels.import_preview import AddSubstanceDialog, ImportPreviewDialog
from ecologis.gui.theme import STATUS_COLORS, apply_theme
from ecologis.i18n import t, translator
from ecologis.io.import_rules import plan_import
from ecologis.io.reference_data import load_dictionary


def _tab_table(tmp_path):
    f = tmp_path / "t.tsv"
    f.write_text("Речовина\tМаса\nАзоту діоксид\t1,5\nЩось невідоме\t1\n", "utf-8")
    return f


def test_resolved_names_follow_the_ui_language(qtbot, tmp_path):
    d = load_dictionary()
    translator.set_language("en")
    dlg = ImportPreviewDialog(None, d, plan_import(_tab_table(tmp_path), d))
    qtbot.addWidget(dlg)
    col = ImportPreviewDialog.COLS.index("resolved")
    assert dlg.table.item(0, col).text() == "Nitrogen dioxide"
    assert "Азоту" not in dlg.table.item(0, col).text()
    combo = dlg._combos["Щось невідоме"]
    names = [combo.itemText(i) for i in range(1, combo.count())]
    assert any(n.startswith("Nitrogen dioxide (") for n in names)
    assert not any(n.startswith("Азоту діоксид (") for n in names)
    # the tab separator is named in English, not as a literal "TAB"
    assert t("gui.import.delimiter.tab") == "tab"
    assert "tab" in dlg.info.text() and "TAB" not in dlg.info.text()


def test_separator_in_ukrainian(qtbot, tmp_path):
    d = load_dictionary()
    dlg = ImportPreviewDialog(None, d, plan_import(_tab_table(tmp_path), d))
    qtbot.addWidget(dlg)
    assert "табуляція" in dlg.info.text()
    col = ImportPreviewDialog.COLS.index("resolved")
    assert dlg.table.item(0, col).text() == "Азоту діоксид"


def test_add_substance_numbers_as_users_type_them(qtbot):
    d = load_dictionary()
    dlg = AddSubstanceDialog(None, d, "X")
    qtbot.addWidget(dlg)
    dlg.edits["gdk_sd"].setText("1 234,5")      # thousands space and decimal comma = 1234.5
    dlg.edits["gdk_mr"].setText("0,085")
    dlg.edits["obrv"].setText("1,2.3")           # ambiguous: left as text for the validator
    rec = dlg.record_from_form()
    assert rec["gdk_sd"] == 1234.5 and rec["gdk_mr"] == 0.085 and rec["obrv"] == "1,2.3"


def test_error_colours_come_from_the_theme(qtbot, tmp_path):
    d = load_dictionary()
    col = ImportPreviewDialog.COLS.index("status")
    try:
        for theme in ("light", "dark"):
            apply_theme(theme)
            dlg = ImportPreviewDialog(None, d, plan_import(_tab_table(tmp_path), d))
            qtbot.addWidget(dlg)
            unknown = dlg.table.item(1, col)         # "Щось невідоме": an error row
            assert unknown.foreground().color().name() == STATUS_COLORS[theme]["error"]
            assert dlg.blocking.objectName() == "inlineError"
    finally:
        apply_theme("light")
    assert STATUS_COLORS["light"]["error"] != STATUS_COLORS["dark"]["error"]
