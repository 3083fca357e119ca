"""Dictionary editor and methodology dialog."""

import json
import math

import pytest

from PySide6.QtCore import Qt

from ecologis.gui.models.emissions_model import COL
from ecologis.i18n import t


def new_with_no2(w, qtbot):
    w.act_new.trigger()
    w.search.setText("10102-44-0")
    w.mass.setText("1")
    qtbot.mouseClick(w.btn_add, Qt.LeftButton)
    assert w.model.rowCount() == 1


def test_dictionary_edit_changes_contribution_at_once(make_window, qtbot, h):
    w = make_window()
    new_with_no2(w, qtbot)
    # shipped NO2: ГДК с.д. 0.04, class 3 → a = 1.0; K = 1.0·1/0.04 = 25
    assert math.isclose(w.wb.result.row_contribution[0], 25.0, rel_tol=1e-12)
    assert w.model.index(0, COL["contribution"]).data() == "25,000"
    ed = w.open_dictionary_editor()
    h.type(ed.search, "азоту діокс")
    assert ed.select("10102-44-0")
    ed.fields["gdk_sd"].setText("0,08")
    qtbot.mouseClick(ed.btn_apply, Qt.LeftButton)
    # K = 1/0.08 = 12.5, shown at once in the table and the results panel
    assert w.model.index(0, COL["contribution"]).data() == "12,500"
    assert h.number(w.results.knp_value.text(), "uk") == 12.5
    # the combo shows the new ГДК that will be used
    w.search.setText("10102-44-0")
    assert "0,08" in w.combo.itemText(0)
    # kept in the user's dictionary file
    from ecologis.paths import user_dictionary_file

    overlay = json.loads(user_dictionary_file().read_text(encoding="utf-8"))
    assert [s["gdk_sd"] for s in overlay["substances"] if s["id"] == "10102-44-0"] == [0.08]
    # undo restores the shipped entry and the contribution
    w.act_undo.trigger()
    assert math.isclose(w.wb.result.knp, 25.0, rel_tol=1e-12)
    assert w.wb.dictionary.get("10102-44-0").origin == "shipped"
    w.act_redo.trigger()
    assert math.isclose(w.wb.result.knp, 12.5, rel_tol=1e-12)
    # restore shipped through the editor button
    ed.select("10102-44-0")
    assert ed.btn_restore.isEnabled()
    qtbot.mouseClick(ed.btn_restore, Qt.LeftButton)
    assert math.isclose(w.wb.result.knp, 25.0, rel_tol=1e-12)


def test_dictionary_invalid_fields_refused(make_window, qtbot):
    w = make_window()
    ed = w.open_dictionary_editor()
    n = len(w.wb.dictionary)
    qtbot.mouseClick(ed.btn_new, Qt.LeftButton)
    ed.fields["id"].setText("my-substance")
    ed.fields["name_uk"].setText("Моя речовина")
    ed.fields["name_en"].setText("My substance")
    ed.fields["gdk_sd"].setText("0.5")
    ed.fields["hazard_class"].setText("2")
    # 10102-44-0 with the last digit changed: check digit (4·1+4·2+2·3+0·4+1·5+0·6+1·7 = 30 → 0) ≠ 1
    ed.fields["cas"].setText("10102-44-1")
    qtbot.mouseClick(ed.btn_apply, Qt.LeftButton)
    assert t("dict.err.cas_check", value="10102-44-1") in ed.error.text()
    assert ed.fields["cas"].property("invalid") is True
    assert len(w.wb.dictionary) == n and w.wb.dictionary.get("my-substance") is None
    for field, value, key in (("gdk_sd", "-1", "dict.err.positive"), ("hazard_class", "5", "dict.err.class"),
                              ("gdk_mr", "abc", "dict.err.number")):
        ed.fields["cas"].setText("")
        ed.fields[field].setText(value)
        qtbot.mouseClick(ed.btn_apply, Qt.LeftButton)
        assert t(key, value=value) in ed.error.text(), ed.error.text()
        assert w.wb.dictionary.get("my-substance") is None
        ed.fields[field].setText({"gdk_sd": "0.5", "hazard_class": "2", "gdk_mr": ""}[field])
    # valid: accepted, available in the combo at once
    ed.fields["cas"].setText("10102-44-0".replace("10102-44-0", "50-00-0"))   # formaldehyde CAS, valid check digit
    qtbot.mouseClick(ed.btn_apply, Qt.LeftButton)
    assert ed.error.text() == ""
    assert w.wb.dictionary.get("my-substance").gdk_sd == 0.5
    w.search.setText("моя речов")
    assert w.combo.itemData(0) == "my-substance"
    # delete through the editor, undo brings it back
    ed.select("my-substance")
    qtbot.mouseClick(ed.btn_delete, Qt.LeftButton)
    assert w.wb.dictionary.get("my-substance") is None
    w.act_undo.trigger()
    assert w.wb.dictionary.get("my-substance") is not None


def test_methodology_dialog(make_window, qtbot, h):
    w = make_window()
    dlg = w.open_methodology()
    # switch to the normative power preset
    dlg.preset_combo.setCurrentIndex(dlg.preset_combo.findData("knp-power"))
    qtbot.mouseClick(dlg.btn_use, Qt.LeftButton)
    assert w.wb.preset_id == "knp-power"
    assert t("preset.knp-power.name") in w.results.preset.text()
    # normative power method on the thesis example → КНП = 6878.782, III (hand sum in
    # tests/core/test_worked_example.py)
    assert h.number(w.results.knp_value.text(), "uk") == 6878.782
    # invalid preset refused with the translated message
    dlg.id_edit.setText("mine")
    dlg.a_edits[1].setText("-1")
    qtbot.mouseClick(dlg.btn_save, Qt.LeftButton)
    assert t("preset.err.a", cls=1, value=-1.0) in dlg.error.text()
    assert "mine" not in w.wb.presets
    # a built-in id cannot be overwritten
    dlg.a_edits[1].setText("1.7")
    dlg.id_edit.setText("ecologis-2025")
    qtbot.mouseClick(dlg.btn_save, Qt.LeftButton)
    assert dlg.error.text() == t("gui.method.builtin_id", id="ecologis-2025")
    # valid user preset with a category V: linear, thresholds I 1e8, II 1e4, III 1e3, IV 500, V open
    dlg.preset_combo.setCurrentIndex(dlg.preset_combo.findData("ecologis-2025"))
    dlg.id_edit.setText("mine")
    dlg.name_edit.setText("Mine")
    dlg.cat_v.setChecked(True)
    dlg.min_edits[3].setText("500")
    dlg.radius_edits[4].setText("50")
    qtbot.mouseClick(dlg.btn_save, Qt.LeftButton)
    assert dlg.error.text() == ""
    assert w.wb.preset_id == "mine"
    assert "Mine" in w.results.preset.text()
    from ecologis.io.reference_data import user_presets_file

    saved = json.loads(user_presets_file().read_text(encoding="utf-8"))
    assert [p["id"] for p in saved["presets"]] == ["mine"]
    assert [c["label"] for c in saved["presets"][0]["categories"]] == ["I", "II", "III", "IV", "V"]
    # КНП 1386.187 is still III under this scale (1e3 ≤ КНП < 1e4)
    assert w.results.category_badge.text() == "III"
    w.act_undo.trigger()
    assert w.wb.preset_id == "knp-power"


def test_methodology_dialog_edits_class_policy_and_dominance_share(make_window, qtbot):
    from ecologis.model import Emission

    w = make_window()
    w.wb.delete_rows(range(w.wb.row_count()))
    # methane has no hazard class in the dictionary (SanPiN table 1.2 gives ОБРВ 50 only);
    # NO2: class 3, ГДК с.д. 0.04.  Linear: CH4 assumed class 3 → 1.0·100/50 = 2; NO2 1.0·4/0.04 = 100.
    w.wb.add_rows([Emission("Метан", 100.0), Emission("Азоту діоксид", 4.0)])
    assert w.wb.result.knp == pytest.approx(102.0)
    methane = w.wb.row_view(0)
    assert methane.hazard_class == 3 and methane.class_assumed        # class 3 assumed by the preset
    assert not w.wb.row_view(1).class_assumed                         # NO2 has its own class
    dlg = w.open_methodology()
    dlg.preset_combo.setCurrentIndex(dlg.preset_combo.findData("ecologis-2025"))
    assert dlg.assumed.currentData() == 3 and dlg.share_edit.text() in ("0.5", "0,5")
    dlg.id_edit.setText("strict")
    dlg.assumed.setCurrentIndex(dlg.assumed.findData(0))      # exclude class-less substances
    dlg.share_edit.setText("0,99")
    qtbot.mouseClick(dlg.btn_save, Qt.LeftButton)
    assert dlg.error.text() == ""
    p = w.wb.presets["strict"]
    assert p.assumed_class_when_missing is None and p.dominant_cumulative_share == 0.99
    assert w.wb.preset_id == "strict"
    assert w.wb.result.knp == pytest.approx(100.0)           # methane excluded, with a warning
    assert "W_CLASS_MISSING" in w.wb.result.journal.codes()
    methane = w.wb.row_view(0)
    assert methane.hazard_class == 0 and not methane.class_assumed    # excluded: nothing assumed
    # methane is excluded, so NO2 alone is 100 % of KNP and the only dominant substance
    assert [s.cas for s in w.wb.result.dominant_substances()] == ["10102-44-0"]
    dlg.share_edit.setText("1.5")
    dlg.id_edit.setText("bad")
    qtbot.mouseClick(dlg.btn_save, Qt.LeftButton)
    assert t("preset.err.share", value=1.5) in dlg.error.text() and "bad" not in w.wb.presets


def test_broken_user_dictionary_is_reported_and_kept(make_window, qtbot):
    from ecologis.paths import user_dictionary_file

    f = user_dictionary_file()
    f.write_text("{broken", encoding="utf-8")
    w = make_window()
    assert w.model.rowCount() == 10                       # the demo still opens
    assert w.message.isVisible() and str(f) in w.message.text()
    # a dictionary edit works for the session but does not overwrite the user's file
    ed = w.open_dictionary_editor()
    ed.select("10102-44-0")
    ed.fields["gdk_sd"].setText("0.08")
    qtbot.mouseClick(ed.btn_apply, Qt.LeftButton)
    assert w.wb.dictionary.get("10102-44-0").gdk_sd == 0.08
    assert f.read_text(encoding="utf-8") == "{broken"
