"""The sources inventory edited through the session (no Qt): add, delete, edit a field,
link emission rows; undo/redo of each; refused input with translated messages.

Hand calculation used throughout (the thesis, formula (3.1), K = a·M/ГДК, preset
"ecologis-2025": a = 1.0 for class 3).  Nitrogen dioxide: ГДК с.д. 0.04 mg/m³, class 3
(substance dictionary, ГН 2.1.6.3492-17).  A row of 1.2 g/s:
  at 4000 h/yr:  M = 1.2 g/s · 3600 s/h · 4000 h/yr / 10⁶ g/t = 17.28 t/yr,
                 K = 1.0 · 17.28 / 0.04 = 432.0
  at 8760 h/yr (no hours anywhere): M = 1.2 · 3600 · 8760 / 10⁶ = 37.8432 t/yr,
                 K = 1.0 · 37.8432 / 0.04 = 946.08
"""

import math

import pytest

from ecologis.i18n import translator
from ecologis.model import Emission, Project, Source
from ecologis.session import EditRefused, Session

K_4000 = 432.0
K_8760 = 946.08
M_4000 = 17.28


def no2(**kw):
    return Emission("Азоту діоксид", 1.2, "g/s", **kw)


def session(sources=(), rows=()):
    s = Session(Project(sources=list(sources), emissions=list(rows)), persist_dictionary=False)
    s.clear_history()
    return s


def counter(sig):
    box = []
    sig.connect(lambda *a: box.append(a))
    return box


# ------------------------------------------------------------------ add
def test_add_source_gets_the_next_number_and_is_undoable():
    s = session()
    events = counter(s.events.sources)
    assert s.add_source() == "1"
    assert s.add_source() == "2"
    assert [x.id for x in s.profile.sources] == ["1", "2"]
    assert s.profile.sources[0].kind == "point"
    assert len(events) == 2
    assert s.undo_key() == "src.cmd.add"
    s.undo()
    assert [x.id for x in s.profile.sources] == ["1"]
    s.undo()
    assert s.profile.sources == []
    s.redo()
    assert [x.id for x in s.profile.sources] == ["1"]
    assert len(events) == 5


def test_add_source_after_other_ids():
    s = session([Source("7"), Source("ДВ-1")])
    assert s.add_source() == "8"
    assert s.add_source(Source("", name="Котельня", height_m=30.0)) == "9"
    assert s.profile.source("9").name == "Котельня"
    assert s.add_source(Source("Т-2")) == "Т-2"


def test_add_source_with_a_taken_id_is_refused():
    s = session([Source("1")])
    with pytest.raises(EditRefused) as e:
        s.add_source(Source("1"))
    assert e.value.key == "src.error.id_taken"
    assert "1" in e.value.message()
    assert [x.id for x in s.profile.sources] == ["1"] and not s.can_undo()


@pytest.mark.parametrize("src, key", [
    (Source("1", height_m=1200.0), "src.error.range"),
    (Source("1", cleaning_efficiency=1.5), "src.error.range"),       # stored as a fraction: 150 %
    (Source("1", kind="tower"), "src.error.kind"),
    (Source("x" * 101), "src.error.too_long"),
    (Source("", name="н" * 2001), "src.error.too_long"),
])
def test_add_source_with_values_out_of_range_is_refused(src, key):
    s = session()
    with pytest.raises(EditRefused) as e:
        s.add_source(src)
    assert e.value.key == key
    assert s.profile.sources == [] and not s.can_undo()


# ------------------------------------------------------------------ hours → КНП
def test_hours_of_the_source_change_the_knp_of_its_rows():
    s = session([Source("1")], [no2(source_id="1")])
    assert math.isclose(s.result.knp, K_8760, rel_tol=1e-12)
    events = counter(s.events.sources)
    results = counter(s.events.result)
    s.set_source_field("1", "hours_per_year", "4000")
    assert s.profile.source("1").hours_per_year == 4000.0
    assert math.isclose(s.result.knp, K_4000, rel_tol=1e-12)
    assert math.isclose(s.display_mass(0), M_4000, rel_tol=1e-12)
    assert len(events) == 1 and len(results) == 1
    assert s.profile.emissions[0].hours_per_year is None      # the row itself is unchanged
    s.undo()
    assert s.profile.source("1").hours_per_year is None
    assert math.isclose(s.result.knp, K_8760, rel_tol=1e-12)
    s.redo()
    assert math.isclose(s.result.knp, K_4000, rel_tol=1e-12)
    # a field that no row's mass depends on: no recalculation
    n = len(results)
    s.set_source_field("1", "height_m", "30")
    assert len(results) == n and len(events) == 4


def test_own_hours_of_a_row_win_over_its_source():
    # 1.2 g/s at the row's own 8760 h: K = 946.08 whatever the source says
    s = session([Source("1")], [no2(source_id="1", hours_per_year=8760)])
    s.set_source_field("1", "hours_per_year", "4000")
    assert math.isclose(s.result.knp, K_8760, rel_tol=1e-12)


def test_assign_rows_to_a_source_and_back():
    s = session([Source("1", hours_per_year=4000.0)], [no2(), no2()])
    assert math.isclose(s.result.knp, 2 * K_8760, rel_tol=1e-12)
    events = counter(s.events.sources)
    s.set_emission_source([1], "1")
    assert [e.source_id for e in s.emissions] == [None, "1"]
    assert math.isclose(s.result.knp, K_8760 + K_4000, rel_tol=1e-12)
    assert s.source_row_count("1") == 1
    assert len(events) == 1
    assert s.undo_key() == "src.cmd.assign"
    s.set_emission_source([0, 1], "1")
    assert math.isclose(s.result.knp, 2 * K_4000, rel_tol=1e-12)
    s.set_emission_source([0], None)
    assert [e.source_id for e in s.emissions] == [None, "1"]
    assert math.isclose(s.result.knp, K_8760 + K_4000, rel_tol=1e-12)
    s.undo()
    assert math.isclose(s.result.knp, 2 * K_4000, rel_tol=1e-12)
    s.undo()
    s.undo()
    assert [e.source_id for e in s.emissions] == [None, None]
    assert math.isclose(s.result.knp, 2 * K_8760, rel_tol=1e-12)
    s.redo()
    assert [e.source_id for e in s.emissions] == [None, "1"]


def test_assign_to_an_unknown_source_is_refused():
    s = session([Source("1")], [no2()])
    with pytest.raises(EditRefused) as e:
        s.set_emission_source([0], "5")
    assert e.value.key == "src.error.unknown" and "5" in e.value.message()
    assert s.emissions[0].source_id is None and not s.can_undo()


def test_assigning_the_same_source_again_is_no_edit():
    s = session([Source("1")], [no2(source_id="1")])
    s.set_emission_source([0], "1")
    assert not s.can_undo()


# ------------------------------------------------------------------ delete
def test_delete_keeps_the_rows_and_their_knp():
    s = session([Source("1", hours_per_year=4000.0), Source("2")],
                [no2(source_id="1"), no2(source_id="1", hours_per_year=8760), no2(source_id="2")])
    knp = K_4000 + K_8760 + K_8760
    assert math.isclose(s.result.knp, knp, rel_tol=1e-12)
    events = counter(s.events.sources)
    s.delete_sources(["1"])
    assert [x.id for x in s.profile.sources] == ["2"]
    assert [(e.source_id, e.hours_per_year) for e in s.emissions] == [(None, 4000.0), (None, 8760), ("2", None)]
    assert math.isclose(s.result.knp, knp, rel_tol=1e-12)
    assert len(events) == 1 and s.undo_key() == "src.cmd.delete"
    s.undo()
    assert [x.id for x in s.profile.sources] == ["1", "2"]
    assert [(e.source_id, e.hours_per_year) for e in s.emissions] == [("1", None), ("1", 8760), ("2", None)]
    assert math.isclose(s.result.knp, knp, rel_tol=1e-12)
    s.redo()
    assert [x.id for x in s.profile.sources] == ["2"]
    s.delete_sources(["2", "nope"])
    assert s.profile.sources == [] and s.emissions[2].source_id is None


def test_delete_nothing_known_is_no_edit():
    s = session([Source("1")])
    s.delete_sources(["9"])
    assert not s.can_undo()


# ------------------------------------------------------------------ field edits
@pytest.mark.parametrize("field, text, stored", [
    ("height_m", "45,5", 45.5),               # decimal comma
    ("height_m", "1000", 1000.0),
    ("diameter_m", "1.2", 1.2),
    ("velocity_m_s", "0", 0.0),
    ("volume_m3_s", "12 500", 12500.0),         # thousands separator
    ("temp_c", "-100", -100.0),
    ("temp_c", "2000", 2000.0),
    ("cleaning_efficiency", "85", 0.85),        # typed in %, stored as 85/100
    ("cleaning_efficiency", "100", 1.0),
    ("hours_per_year", "8784", 8784.0),
    ("lat", "49,2331", 49.2331),
    ("lon", "-180", -180.0),
    ("height_m", "", None),                     # an empty cell clears the value
    ("name", "  Котельня ", "Котельня"),
    ("gas_cleaning", "ЦН-15", "ЦН-15"),
    ("kind", "area", "area"),
])
def test_field_edits_are_stored_and_undoable(field, text, stored):
    s = session([Source("1", height_m=30.0)])
    before = getattr(s.profile.source("1"), field)
    s.set_source_field("1", field, text)
    assert getattr(s.profile.source("1"), field) == stored
    s.undo()
    assert getattr(s.profile.source("1"), field) == before


@pytest.mark.parametrize("field, text, key", [
    ("height_m", "1000,5", "src.error.range"),
    ("height_m", "-1", "src.error.range"),
    ("height_m", "висока", "src.error.not_number"),
    ("height_m", "1,2.3", "src.error.not_number"),
    ("height_m", "nan", "src.error.not_number"),
    ("height_m", "inf", "src.error.not_number"),
    ("diameter_m", "100,1", "src.error.range"),
    ("velocity_m_s", "1001", "src.error.range"),
    ("volume_m3_s", "-0,5", "src.error.range"),
    ("volume_m3_s", "100000,5", "src.error.range"),
    ("temp_c", "-101", "src.error.range"),
    ("temp_c", "2001", "src.error.range"),
    ("cleaning_efficiency", "101", "src.error.range"),
    ("cleaning_efficiency", "-1", "src.error.range"),
    ("hours_per_year", "0", "src.error.hours"),
    ("hours_per_year", "8785", "src.error.hours"),
    ("lat", "90,5", "src.error.range"),
    ("lon", "181", "src.error.range"),
    ("kind", "tower", "src.error.kind"),
])
def test_refused_values_change_nothing(field, text, key):
    s = session([Source("1", height_m=30.0)])
    events = counter(s.events.sources)
    with pytest.raises(EditRefused) as e:
        s.set_source_field("1", field, text)
    assert e.value.key == key
    assert s.profile.source("1").height_m == 30.0 and not s.can_undo() and events == []
    assert "1" in e.value.message() and text.strip() in e.value.message()


def test_refusal_messages_name_the_field_in_both_languages():
    s = session([Source("К-3")])
    with pytest.raises(EditRefused) as e:
        s.set_source_field("К-3", "height_m", "1200")
    assert e.value.message() == "Джерело К-3, «Висота, м»: 1200 поза межами 0…1000."
    translator.set_language("en")
    with pytest.raises(EditRefused) as e:
        s.set_source_field("К-3", "hours_per_year", "9000")
    assert e.value.message() == ("Source К-3, “Operating hours per year”: 9000 must be more than 0 and at most "
                                 "8784 (the hours of a leap year).")
    with pytest.raises(EditRefused) as e:
        s.set_source_field("К-3", "temp_c", "x")
    assert e.value.message() == "Source К-3, “Gas temperature, °C”: “x” is not a number."


def test_unchanged_value_is_no_edit():
    s = session([Source("1", height_m=30.0)])
    s.set_source_field("1", "height_m", "30,0")
    assert not s.can_undo()


def test_rename_takes_the_rows_along_and_must_be_unique():
    s = session([Source("1", hours_per_year=4000.0), Source("2")], [no2(source_id="1"), no2()])
    s.set_source_field("1", "id", " Т-1 ")
    assert [x.id for x in s.profile.sources] == ["Т-1", "2"]
    assert [e.source_id for e in s.emissions] == ["Т-1", None]
    assert math.isclose(s.result.knp, K_4000 + K_8760, rel_tol=1e-12)
    for bad, key in (("2", "src.error.id_taken"), ("  ", "src.error.id_empty")):
        with pytest.raises(EditRefused) as e:
            s.set_source_field("Т-1", "id", bad)
        assert e.value.key == key
    s.undo()
    assert [x.id for x in s.profile.sources] == ["1", "2"]
    assert [e.source_id for e in s.emissions] == ["1", None]


def test_edit_of_an_unknown_source_is_refused():
    s = session()
    with pytest.raises(EditRefused) as e:
        s.set_source_field("4", "height_m", "10")
    assert e.value.key == "src.error.unknown"


# ------------------------------------------------------------------ the map
def test_a_move_on_the_map_tells_the_inventory():
    """A drag on the map (set_source_points) is an edit of the inventory: the sources
    table must hear of it (it did not: only ``enterprise`` was emitted)."""
    s = session([Source("1", name="Труба", lat=49.0, lon=28.0)])
    events = counter(s.events.sources)
    s.set_source_points([{"id": "1", "name": "Труба", "lat": 49.001, "lon": 28.002}])
    assert (s.profile.source("1").lat, s.profile.source("1").lon) == (49.001, 28.002)
    assert len(events) == 1
    s.undo()
    assert (s.profile.source("1").lat, s.profile.source("1").lon) == (49.0, 28.0)
    assert len(events) == 2


# ------------------------------------------------------------------ what the profile file accepts
def test_values_the_profile_file_refuses_are_refused_here(tmp_path):
    """The profile schema (docs/schemas/profile.schema.json, sources) bounds the flow at
    100000 m³/s, the id at 100 characters and texts at 2000: an edit the file could not
    hold would make the saved project unopenable."""
    s = session([Source("1")])
    for field, text, key in (("volume_m3_s", "100001", "src.error.range"),
                             ("id", "x" * 101, "src.error.too_long"),
                             ("name", "н" * 2001, "src.error.too_long"),
                             ("gas_cleaning", "г" * 2001, "src.error.too_long")):
        with pytest.raises(EditRefused) as e:
            s.set_source_field("1", field, text)
        assert e.value.key == key, field
    assert not s.can_undo()


def test_edits_at_the_bounds_save_and_reopen(tmp_path):
    from ecologis.io.profile import load_profile, save_profile

    s = session([Source("1")], [no2(source_id="1")])
    for field, text in (("volume_m3_s", "100000"), ("hours_per_year", "8784"), ("temp_c", "2000"),
                        ("cleaning_efficiency", "100"), ("height_m", "1000"), ("diameter_m", "100"),
                        ("velocity_m_s", "1000"), ("lat", "-90"), ("lon", "180"), ("kind", "volume"),
                        ("name", "н" * 2000), ("id", "x" * 100)):
        s.set_source_field(s.profile.sources[0].id, field, text)
    path = tmp_path / "p.json"
    save_profile(s.profile, path)
    back = load_profile(path)
    src = back.sources[0]
    assert (src.id, src.volume_m3_s, src.hours_per_year, src.cleaning_efficiency, src.kind) == \
        ("x" * 100, 100000.0, 8784.0, 1.0, "volume")
    assert back.emissions[0].source_id == "x" * 100
