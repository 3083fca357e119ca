"""GUI: the import preview dialog applies nothing until confirmed (pytest-qt, offscreen)."""

from dataclasses import replace
import pytest

pytest.importorskip("PySide6")

from ecologis.gui.panels.file_actions import classify_drop, open_profile_dialog, save_profile_dialog  # noqa: E402
from ecologis.gui.panels.import_preview import ImportPreviewDialog  # noqa: E402
from ecologis.io.import_rules import plan_import  # noqa: E402
from ecologis.io.reference_data import load_dictionary  # noqa: E402


@pytest.fixture
def table(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("Речовина;Маса\nАзоту діоксид;1,5\nАзоту діоксид;2,5\nЩось невідоме;1\n", "utf-8")
    return f


def test_preview_maps_unknown_and_requires_duplicate_choice(qtbot, table):
    d = load_dictionary()
    dlg = ImportPreviewDialog(None, d, plan_import(table, d))
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 3
    assert not dlg.apply_btn.isEnabled()
    assert "Щось невідоме" in dlg.blocking.text()
    dlg.map_unknown("Щось невідоме", "Метан")
    assert not dlg.apply_btn.isEnabled()            # duplicates: no choice yet
    dlg.rb_sum.setChecked(True)
    assert dlg.apply_btn.isEnabled()
    dlg.apply_btn.click()
    res = dlg.accepted_result
    assert res.duplicates == "sum" and [e.mass for e in res.emissions] == [1.5, 2.5, 1.0]


def test_added_substance_is_pending_until_apply(qtbot, table):
    d = load_dictionary()
    dlg = ImportPreviewDialog(None, d, plan_import(table, d))
    qtbot.addWidget(dlg)
    probs = dlg.add_pending_substance({"id": "my-1", "name_uk": "Щось невідоме", "name_en": "Something",
                                       "gdk_sd": 0.5, "hazard_class": 3}, "Щось невідоме")
    assert probs == []
    assert d.get("my-1") is None                     # the real dictionary is untouched
    dlg.rb_keep.setChecked(True)
    dlg.reject()
    assert d.get("my-1") is None and load_dictionary().get("my-1") is None
    dlg2 = ImportPreviewDialog(None, d, plan_import(table, d))
    qtbot.addWidget(dlg2)
    dlg2.add_pending_substance({"id": "my-1", "name_uk": "Щось невідоме", "name_en": "Something", "gdk_sd": 0.5,
                                "hazard_class": 3}, "Щось невідоме")
    dlg2.rb_keep.setChecked(True)
    dlg2.apply_btn.click()
    assert dlg2.accepted_result.added_substances == ["my-1"]
    assert load_dictionary().get("my-1") is not None  # saved to the user overlay on Apply


def test_open_save_and_drop(qtbot, demo_v1_path, tmp_path, monkeypatch, table):
    demo_path = demo_v1_path
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    prof, path = open_profile_dialog(None, demo_path)
    assert path == demo_path and shown and "3" in shown[-1]     # migration notice: version 1 → 3
    out = save_profile_dialog(None, prof, tmp_path / "saved.json")
    assert out and out.exists()
    assert classify_drop(out) == "profile" and classify_drop(table) == "table"
    (tmp_path / "bad.json").write_text('{"schema_version": 2, "kind": "ecologis-profile"}', "utf-8")
    assert open_profile_dialog(None, tmp_path / "bad.json") is None
    assert "enterprise" in shown[-1]


def test_export_and_report_dialogs_with_paths(qtbot, demo_path, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ecologis.gui.panels.file_actions import export_dialog, reassess_notice, report_dialog
    from ecologis.io.profile import load_profile, record_assessment
    from ecologis.io.profile import assess_project

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    p = load_profile(demo_path)
    r = assess_project(p, dispersion=False).result
    assert export_dialog(None, p, r, tmp_path / "a.xlsx").exists()
    assert report_dialog(None, assess_project(p), tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    p.enterprise.lat = p.enterprise.lon = None
    assert export_dialog(None, p, r, tmp_path / "a.kml") is None and shown     # no coordinates: message
    record_assessment(p, r)
    p.emissions[0] = replace(p.emissions[0], mass=2 * p.emissions[0].mass)
    n = len(shown)
    res = reassess_notice(None, p)
    assert res.changed and len(shown) == n + 1 and "→" in shown[-1]
