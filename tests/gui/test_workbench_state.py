"""The Qt-free workbench state: every edit is an undoable command, listeners are told,
masses are stored as entered.  Expected numbers by hand (K = a·M/ГДК, thesis 3.1)."""

from dataclasses import replace
import math

import pytest

from ecologis.model import Emission, Enterprise
from ecologis.io.profile import Project
from ecologis.io.reference_data import recommendation_rules
from ecologis.session import EditRefused, Session, parse_mass_input


def make(rows=None, **kw):
    return Session(Project(enterprise=Enterprise(name="T", lat=49.0, lon=28.0), emissions=rows or []), **kw)


def test_no_qt_in_the_session():
    """The session layer runs without PySide6: imported and used with Qt blocked."""
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['PySide6'] = None\n"
        "from ecologis.session import Session\n"
        "from ecologis.model import Emission, Project\n"
        "s = Session(Project(emissions=[Emission('Азоту діоксид', 34.7849, gdk_sd=0.04, hazard_class=2)]))\n"
        "s.recalculate(); s.set_mass(0, 1.0); s.undo()\n"
        "assert abs(s.result.knp - 1130.50925) < 1e-9, s.result.knp\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6') and sys.modules[m] is not None]\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]


def test_parse_mass_input():
    assert parse_mass_input("8,27") == parse_mass_input("8.27") == 8.27
    assert parse_mass_input(" 1 234,5 ") == 1234.5
    for bad, key in (("abc", "val.E_MASS_NOT_NUMBER"), ("-1", "val.E_MASS_NEGATIVE"), ("0", "val.E_MASS_ZERO"),
                     ("", "val.E_MASS_MISSING"), ("nan", "val.E_MASS_NAN"), ("inf", "val.E_MASS_INFINITE")):
        with pytest.raises(EditRefused) as e:
            parse_mass_input(bad)
        assert e.value.key == key


def test_every_edit_undoable_and_listeners_told():
    wb = make(persist_dictionary=False)
    events = []
    wb.events.all.connect(lambda info: events.append(info.signal.name))
    # NO2 shipped: ГДК с.д. 0.04, class 3 (a = 1.0); CO: 3.0, class 4 (a = 0.9)
    wb.add_row("10102-44-0", "2")            # 2/0.04 = 50
    wb.add_row("630-08-0", "30")             # 0.9·30/3 = 9
    assert "rows_inserted" in events and "result" in events
    assert math.isclose(wb.result.knp, 59.0, rel_tol=1e-12)
    wb.set_mass(0, "4")                      # 100 + 9
    assert math.isclose(wb.result.knp, 109.0, rel_tol=1e-12)
    wb.set_unit(1, "kg/yr")                  # 30 kg = 0.03 t → 0.009; 100.009
    assert math.isclose(wb.result.knp, 100.009, rel_tol=1e-12)
    wb.set_preset("knp-power")               # (4/0.04)^1.0 + (0.03/3)^0.9 = 100 + 0.01^0.9
    assert math.isclose(wb.result.knp, 100 + 0.01 ** 0.9, rel_tol=1e-12)
    from dataclasses import replace

    no2 = wb.dictionary.get("10102-44-0")
    wb.dict_put(replace(no2, gdk_sd=0.08))   # (4/0.08) + 0.01^0.9
    assert math.isclose(wb.result.knp, 50 + 0.01 ** 0.9, rel_tol=1e-12)
    wb.dict_delete("630-08-0")               # CO row now unknown → error, excluded
    assert math.isclose(wb.result.knp, 50.0, rel_tol=1e-12)
    assert "E_SUBSTANCE_UNKNOWN" in wb.result.journal.codes()
    wb.delete_rows([1])
    assert wb.row_count() == 1
    expected_back = [50.0, 50 + 0.01 ** 0.9, 100 + 0.01 ** 0.9, 100.009, 109.0, 59.0, 50.0, 0.0]
    for value in expected_back:
        assert wb.undo()
        assert math.isclose(wb.result.knp, value, rel_tol=1e-12, abs_tol=1e-12), value
    assert not wb.can_undo() and wb.row_count() == 0
    assert wb.dictionary.get("630-08-0") is not None and wb.dictionary.get("10102-44-0").gdk_sd == 0.04
    for value in reversed([50.0] + expected_back[:-1]):
        assert wb.redo()
    assert wb.row_count() == 1 and math.isclose(wb.result.knp, 50.0, rel_tol=1e-12)


def test_display_unit_never_changes_stored_values():
    wb = make([Emission("10102-44-0", 0.1, "t/yr"), Emission("630-08-0", 123.456, "kg/yr"),
               Emission("7446-09-5", 0.3, "g/s")])
    stored = [(e.mass, e.unit) for e in wb.emissions]
    shown = {u: [wb.display_mass(i, u) for i in range(3)] for u in ("t/yr", "kg/yr", "g/s")}
    for u in ("kg/yr", "g/s", "t/yr", "g/s", "kg/yr"):
        wb.set_display_unit(u)
        assert [wb.display_mass(i) for i in range(3)] == shown[u]
    assert [(e.mass, e.unit) for e in wb.emissions] == stored
    # each row shows its own value exactly in its own unit
    assert shown["t/yr"][0] == 0.1 and shown["kg/yr"][1] == 123.456 and shown["g/s"][2] == 0.3
    # 0.3 g/s over 8760 h = 0.3·3600·8760/1e6 t/yr = 9.4608 t/yr
    assert math.isclose(shown["t/yr"][2], 9.4608, rel_tol=1e-12)
    assert not wb.can_undo()   # the display unit is not an edit


def test_refused_edits_change_nothing():
    wb = make([Emission("10102-44-0", 1.0, "t/yr")])
    knp = wb.result.knp
    for call in (lambda: wb.set_mass(0, "-2"), lambda: wb.add_row("no such thing", "1"),
                 lambda: wb.add_row("10102-44-0", "x"), lambda: wb.set_unit(0, "t/h")):
        with pytest.raises(EditRefused):
            call()
    assert wb.result.knp == knp and not wb.can_undo() and wb.emissions[0].mass == 1.0


def test_dirty_tracking_and_state_round_trip():
    wb = make()
    assert not wb.dirty
    wb.add_row("10102-44-0", "1")
    assert wb.dirty
    wb.mark_clean()
    assert not wb.dirty
    wb.undo()
    assert wb.dirty
    wb.redo()
    assert not wb.dirty
    wb.set_display_unit("g/s")
    wb.set_preset("knp-power")
    wb2 = make()
    wb2.restore_state(wb.state_json())
    assert [(e.substance, e.mass, e.unit) for e in wb2.emissions] == [(e.substance, e.mass, e.unit) for e in wb.emissions]
    assert wb2.display_unit == "g/s" and wb2.preset_id == "knp-power" and wb2.result.knp == wb.result.knp


def test_single_row_fast_path_equals_full_recalculation():
    """Mass/unit edits re-prepare only the edited row; results must equal a full
    prepare + compute of the same rows (checked after every edit, exact equality)."""
    import random

    import numpy as np

    from ecologis.core.assess import compute, prepare

    ids = ["10102-44-0", "630-08-0", "7446-09-5", "nmvoc", "74-82-8", "no such thing"]
    rows = [Emission(ids[i % len(ids)], 0.5 + i, "t/yr") for i in range(30)]
    rows[7] = replace(rows[7], gdk_sd=0.2)
    wb = make(rows)
    rnd = random.Random(3)
    for step in range(60):
        r = rnd.randrange(wb.row_count())
        if step % 3 == 2:
            wb.set_unit(r, rnd.choice(["t/yr", "kg/yr", "g/s"]))
        else:
            wb.set_mass(r, str(round(rnd.uniform(0.01, 50), 4)))
        full = compute(prepare(wb.emissions, wb.dictionary), wb.preset, rules=recommendation_rules())
        assert wb.result.knp == full.knp
        assert np.array_equal(wb.result.row_contribution, full.row_contribution)
        assert wb.result.journal.codes() == full.journal.codes()


def test_import_rows_is_one_undoable_command():
    wb = make([Emission("10102-44-0", 1.0)])
    wb.import_rows([Emission("10102-44-0", 1.0), Emission("630-08-0", 3.0)], "keep")
    assert wb.row_count() == 3 and wb.profile.duplicates == "keep"
    # duplicates kept separately, linear method: 1/0.04 + 1/0.04 + 0.9·3/3 = 50.9
    assert math.isclose(wb.result.knp, 50.9, rel_tol=1e-12)
    wb.undo()
    assert wb.row_count() == 1 and wb.profile.duplicates == "sum"
    assert math.isclose(wb.result.knp, 25.0, rel_tol=1e-12)


def test_startup_and_import_do_the_work_once(make_window, monkeypatch):
    """Import with new dictionary entries prepares the table once; a dictionary edit
    refreshes the table with one signal (no extra model reset); opening a profile
    gives the map the new result before the new geography."""
    from ecologis.session import session as wbmod
    from ecologis.model import Emission
    from ecologis.core.dictionary import Substance
    from ecologis.gui import window_files
    from ecologis.gui.panels.import_preview import ImportAccepted
    from ecologis.io.profile import load_profile
    from ecologis.paths import DEMO_PROFILE

    w = make_window(restore=False)
    wb = w.wb
    new = Substance.from_json({"id": "my-x", "name_uk": "Моя речовина", "name_en": "My substance",
                               "hazard_class": 3, "gdk_sd": 0.1, "group": "other"}, origin="user")
    wb.dictionary.put(new)
    monkeypatch.setattr(window_files, "run_import_dialog",
                        lambda *a, **k: ImportAccepted([Emission("my-x", 1.0, "t/yr")], "sum", ["my-x"]))
    table_prepares = []
    real = wbmod.prepare
    monkeypatch.setattr(wbmod, "prepare", lambda ems, d: (
        table_prepares.append(1) if ems is wb.profile.emissions else None, real(ems, d))[1])
    n = wb.row_count()
    assert w.import_table("x.csv")
    assert wb.row_count() == n + 1 and len(table_prepares) == 1
    events = []
    wb.events.all.connect(lambda info: events.append(info.signal.name))
    wb.dict_put(new)
    assert "result" in events and "rows_reset" not in events and "rows_about_to_reset" not in events
    events.clear()
    wb.load(load_profile(DEMO_PROFILE))
    assert events.index("result") < events.index("enterprise")


def test_a_mass_edit_copies_no_table_of_rows():
    """Issue 18: an edit of one row's mass puts that row into the prepared rows; it does not
    copy the table (a million-row table would be copied per keystroke).  Hand check:
    K = a·M/ГДК with the shipped dictionary's NO2 (class 3: a = 1.0; ГДК с.д. 0.04 mg/m³)."""
    from ecologis.model import EmissionTable, Source

    wb = make([Emission("Азоту діоксид", 1.0, "t/yr"), Emission("Азоту діоксид", 3.0, "g/s", source_id="1")])
    prepared_rows = wb.prepared.emissions
    assert isinstance(prepared_rows, EmissionTable)
    wb.set_mass(0, "2", "t/yr")
    assert wb.prepared.emissions is prepared_rows          # the same rows, the edited one replaced
    assert wb.prepared.emissions[0].mass == 2.0 and wb.prepared.emissions[0].row == 1
    # rows whose hours come from their source: the prepared rows are a filled copy, kept
    wb.profile.sources = [Source(id="1", hours_per_year=4000.0)]
    wb.recalculate()
    filled = wb.prepared.emissions
    assert filled is not wb.profile.emissions and filled[1].hours_per_year == 4000.0
    wb.set_mass(1, "5", "g/s")
    assert wb.prepared.emissions is filled
    assert (filled[1].mass, filled[1].hours_per_year) == (5.0, 4000.0)
    assert wb.profile.emissions[1].hours_per_year is None            # the row itself keeps none
    # 5 g/s for 4000 h: 5 · 3600 · 4000 / 1e6 = 72 t/yr; the two NO2 rows summed: 1.0 · (2 + 72) / 0.04 = 1850
    assert wb.result.knp == pytest.approx(1850.0, rel=1e-12)
