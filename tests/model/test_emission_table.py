"""The emissions table held column-wise (issue 18): an ``EmissionTable`` behaves as a list of
``Emission`` — every MutableSequence operation gives what the same operation gives on a
plain list, and every row reads back equal to what was stored, field by field and type by
type (raw cells such as "12,5", ints, bools and ``None`` included: ``prepare`` reports bad
cells from them).  Rows are immutable; the project file is unchanged."""

import copy
import dataclasses
import json
import math
import pickle
import random

import numpy as np
import pytest

from ecologis.model import Emission, EmissionTable, Project
from ecologis.model.emissions import FIELDS
from ecologis.paths import DEMO_PROFILE


def exact(rows) -> list[tuple]:
    """Rows as (type, repr) of every field: tells 1 from 1.0 from True, 0.0 from -0.0, and
    reads NaN as NaN."""
    return [tuple((type(getattr(e, f)), repr(getattr(e, f))) for f in FIELDS) for e in rows]


# raw values a table cell can hold (what the readers and the GUI store)
_SUBSTANCES = ["Азоту діоксид", "10102-44-0", "nmvoc", "", "  Сірки діоксид ", None, 301, 1, True, 1.0]
_MASSES = [1.5, 0.0, -0.0, -3.0, 7, True, False, "12,5", "1 234,5", "abc", "", None, math.inf, math.nan,
           np.float64(2.5), 10**30]
_UNITS = ["t/yr", "kg/yr", "g/s", "т/рік", None, "", 5]
_HOURS = [None, None, 8760.0, 4000, "4000", "", True, 0.0, math.nan]
_SOURCES = [None, "1", "2", "", 7]
_OVERRIDES = [None, None, None, 0.05, "0,3", -1, 0, True, "x"]
_CLASSES = [None, None, None, 2, "3", 4.0, 1.5, True]
_ROWS = [None, 1, 2, 7, 0, -1, 2**63 - 1, -2**63, 2**70, True, "3"]


def random_row(rng: random.Random) -> Emission:
    return Emission(
        rng.choice(_SUBSTANCES), rng.choice(_MASSES) if rng.random() < 0.5 else round(rng.uniform(0.001, 50), 6),
        rng.choice(_UNITS), hours_per_year=rng.choice(_HOURS), source_id=rng.choice(_SOURCES),
        origin=rng.choice(["inventory", "measurement", "calculation", ""]),
        date=rng.choice([None, None, "2025-03-01", ""]), note=rng.choice(["", "", "", "н", None]),
        gdk_sd=rng.choice(_OVERRIDES), gdk_mr=rng.choice(_OVERRIDES), hazard_class=rng.choice(_CLASSES),
        row=rng.choice(_ROWS))


def random_rows(rng, k):
    return [random_row(rng) for _ in range(k)]


def test_random_operations_match_a_list():
    rng = random.Random(18)
    for trial in range(20):
        start = random_rows(rng, rng.choice([0, 1, 5, 40]))
        ref, table = list(start), EmissionTable(start)
        for step in range(60):
            n = len(ref)
            op = rng.choice(["append", "insert", "set", "set_slice", "set_ext_slice", "del", "del_slice",
                             "del_ext_slice", "pop", "extend", "splice", "reverse", "clear", "iadd", "remove"])
            if op == "append":
                e = random_row(rng)
                ref.append(e)
                table.append(e)
            elif op == "insert":
                i, e = rng.randint(-n - 3, n + 3), random_row(rng)
                ref.insert(i, e)
                table.insert(i, e)
            elif op == "set" and n:
                i, e = rng.randint(-n, n - 1), random_row(rng)
                ref[i] = e
                table[i] = e
            elif op == "set_slice":
                a, b = rng.randint(-n - 2, n + 2), rng.randint(-n - 2, n + 2)
                new = random_rows(rng, rng.randint(0, 4))
                ref[a:b] = new
                table[a:b] = new
            elif op == "set_ext_slice" and n:
                s = slice(rng.randint(-n, n), rng.choice([None, rng.randint(-n, n)]), rng.choice([2, 3, -1, -2]))
                new = random_rows(rng, len(range(*s.indices(n))))
                ref[s] = new
                table[s] = new
            elif op == "del" and n:
                i = rng.randint(-n, n - 1)
                del ref[i]
                del table[i]
            elif op == "del_slice":
                a, b = rng.randint(-n - 2, n + 2), rng.randint(-n - 2, n + 2)
                del ref[a:b]
                del table[a:b]
            elif op == "del_ext_slice":
                s = slice(rng.choice([None, rng.randint(-n - 1, n + 1)]), rng.choice([None, rng.randint(-n, n)]),
                          rng.choice([2, 3, -1, -3]))
                del ref[s]
                del table[s]
            elif op == "pop" and n:
                i = rng.choice([-1, rng.randint(-n, n - 1)])
                assert exact([table.pop(i)]) == exact([ref.pop(i)])
            elif op == "extend":
                new = random_rows(rng, rng.randint(0, 5))
                ref.extend(new)
                table.extend(rng.choice([new, EmissionTable(new), iter(new)]))
            elif op == "splice":                # t[a:a] = rows: an insertion, as the session's
                a = rng.randint(0, n)
                new = random_rows(rng, rng.randint(1, 4))
                ref[a:a] = new
                table[a:a] = EmissionTable(new) if rng.random() < 0.5 else new
            elif op == "reverse":
                ref.reverse()
                table.reverse()
            elif op == "clear" and rng.random() < 0.2:
                ref.clear()
                table.clear()
            elif op == "iadd":
                new = random_rows(rng, 2)
                ref += new
                table += new
            elif op == "remove" and n:
                e = ref[rng.randrange(n)]
                if not any(v != v for v in dataclasses.astuple(e)):   # NaN is never == itself
                    ref.remove(e)
                    table.remove(e)
            assert len(table) == len(ref)
            assert exact(table) == exact(ref), (trial, step, op)
            # reads: indices, negative indices, slices (a new table), columns
            if ref:
                i = rng.randint(-len(ref), len(ref) - 1)
                assert exact([table[i]]) == exact([ref[i]])
            s = slice(rng.choice([None, rng.randint(-n - 2, n + 2)]), rng.choice([None, rng.randint(-n - 2, n + 2)]),
                      rng.choice([None, 1, 2, -1, -2]))
            part = table[s]
            assert isinstance(part, EmissionTable) and exact(part) == exact(ref[s])
        for name in FIELDS:
            assert [(type(v), repr(v)) for v in table.column(name)] == \
                [(type(getattr(e, name)), repr(getattr(e, name))) for e in ref]
        assert exact(reversed(table)) == exact(reversed(ref))


def test_rows_read_back_exactly_with_raw_cells_and_row_values():
    rows = [
        Emission("Азоту діоксид", "12,5", "kg/yr", hours_per_year="4000", source_id="1", row=3),
        Emission("Сірки діоксид", 7, "g/s", hours_per_year=4000, gdk_sd="0,3", gdk_mr=0.5, hazard_class="2",
                 note="власний ГДК", origin="measurement", date="2025-03-01", row=None),
        Emission("nmvoc", True, None, hours_per_year=True, hazard_class=4.0, row=True),
        Emission(None, None, "", hours_per_year="", source_id="", note=None, row="7"),
        Emission(301, -0.0, 5, hours_per_year=math.nan, gdk_sd=-1, row=2**70),
        Emission("x", 10**30, "t/yr", row=-2**63),
    ]
    table = EmissionTable(rows)
    assert exact(table) == exact(rows)
    assert exact([table[-1], table[-6], table[2]]) == exact([rows[-1], rows[0], rows[2]])
    # the raw cells as the validation reads them
    assert table.column("mass")[:4] == ["12,5", 7, True, None]
    assert type(table.column("mass")[2]) is bool and type(table.column("mass")[1]) is int
    assert table.column("hours_per_year")[:4] == ["4000", 4000, True, ""]
    assert table.column("row")[:3] == [3, None, True] and type(table.column("row")[2]) is bool
    assert table.sparse("gdk_sd") == {1: "0,3", 4: -1} and table.sparse("note") == {1: "власний ГДК", 3: None}
    values, codes = table.codes("substance")
    assert [values[c] for c in codes.tolist()] == ["Азоту діоксид", "Сірки діоксид", "nmvoc", None, 301, "x"]
    mass, none, others = table.float_column("mass")
    assert none.tolist() == [False, False, False, True, False, False]
    assert others == {0: "12,5", 1: 7, 2: True, 5: 10**30}
    assert mass[4] == 0.0 and math.copysign(1.0, mass[4]) == -1.0 and np.isnan(mass[[0, 1, 2, 3, 5]]).all()


def test_values_equal_across_types_keep_their_types():
    # 1 == 1.0 == True and 0.0 == -0.0: a shared code would lose the type or the sign
    rows = [Emission(v, 1.0, v) for v in (1, 1.0, True, 0.0, -0.0, "1")]
    assert exact(EmissionTable(rows)) == exact(rows)
    values, codes = EmissionTable(rows).codes("unit")
    assert len(set(codes.tolist())) == 6
    # a whole column of one type given at once: the same
    signs = [0.0] * 100 + [-0.0]
    t = EmissionTable.from_columns(["a"] * 101, [1.0] * 101, unit=signs)
    assert [math.copysign(1.0, u) for u in t.column("unit")] == [1.0] * 100 + [-1.0]


def test_nan_bit_pattern_of_none_is_kept_as_a_float():
    # a float whose bits are those the table uses for None is still that float, not None
    from ecologis.model.emissions import _NONE_FLOAT

    odd = float(_NONE_FLOAT)
    table = EmissionTable([Emission("a", odd, hours_per_year=odd)])
    assert type(table[0].mass) is float and math.isnan(table[0].mass)
    assert table[0].hours_per_year is not None
    table2 = EmissionTable.from_columns(["a"], np.array([odd]), hours_per_year=np.array([odd]))
    assert table2[0].mass is not None and table2[0].hours_per_year is not None


def test_empty_table():
    t = EmissionTable()
    assert len(t) == 0 and t == [] and [] == t and list(t) == [] and t[:] == []
    with pytest.raises(IndexError):
        t[0]
    with pytest.raises(IndexError):
        t[-1]
    with pytest.raises(IndexError):
        t.pop()
    with pytest.raises(IndexError):
        t[0] = Emission("a", 1.0)
    del t[:]
    t[0:0] = []
    t.extend([])
    assert len(t) == 0 and t.column("mass") == [] and t.codes("unit")[1].tolist() == []
    t.insert(-5, Emission("a", 1.0))
    assert t == [Emission("a", 1.0)]


def test_equality_with_lists_and_tables():
    rows = [Emission("a", 1.0, row=1), Emission("b", "2,5", "g/s", row=2)]
    t = EmissionTable(rows)
    assert t == rows and rows == t and t == tuple(rows) and t == EmissionTable(rows)
    assert t != rows[:1] and t != [rows[1], rows[0]] and t != EmissionTable(rows[:1])
    assert t != [Emission("a", 1.0, row=1), Emission("b", "2,5", "g/s", row=3)]
    assert Emission("b", "2,5", "g/s", row=2) in t and t.index(rows[1]) == 1 and t.count(rows[0]) == 1
    assert (t == "ab") is False


def test_only_emission_rows():
    t = EmissionTable()
    with pytest.raises(TypeError):
        t.append({"substance": "a", "mass": 1.0})
    with pytest.raises(TypeError):
        EmissionTable([("a", 1.0)])
    with pytest.raises(TypeError):
        t["0"]
    with pytest.raises(ValueError):
        EmissionTable([Emission("a", 1.0)] * 3)[::2] = [Emission("b", 1.0)]
    assert len(t) == 0


def test_a_row_object_is_immutable_and_the_table_unchanged():
    t = EmissionTable([Emission("Азоту діоксид", 1.5, "t/yr", row=1)])
    e = t[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.mass = 3.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.unexpected = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        del e.mass
    assert t[0].mass == 1.5
    # the way to change a row: replace it and assign it back
    t[0] = dataclasses.replace(e, mass=3.0)
    assert t[0].mass == 3.0 and t[0].row == 1


def test_builders_make_no_row_objects_and_give_the_same_rows():
    subs = ["Азоту діоксид", "Сірки діоксид", "nmvoc"]
    rows = [Emission(subs[i % 3], float(i) + 0.5, ("t/yr", "g/s")[i % 2], row=i + 1) for i in range(10)]
    t = EmissionTable.from_columns([e.substance for e in rows], np.array([e.mass for e in rows]),
                                   unit=[e.unit for e in rows], row=range(1, 11))
    assert exact(t) == exact(rows)
    t2 = EmissionTable()
    t2.extend_columns(substance=[e.substance for e in rows[:4]], mass=[e.mass for e in rows[:4]],
                      unit=[e.unit for e in rows[:4]], row=[1, 2, 3, 4])
    for e in rows[4:]:
        t2.append_values(e.substance, e.mass, unit=e.unit, row=e.row)
    assert exact(t2) == exact(rows)
    with pytest.raises(ValueError):
        EmissionTable.from_columns(["a", "b"], [1.0])
    with pytest.raises(TypeError):
        EmissionTable.from_columns(["a"], [1.0], colour=["red"])


def test_renumber_with_values_and_row_ids():
    t = EmissionTable([Emission("a", 1.0, row=9), Emission("b", None, hours_per_year=""), Emission("c", 2.0)])
    ids = t.row_ids()
    t.renumber()
    assert t.column("row") == [1, 2, 3]
    u = t.with_values("hours_per_year", {1: 4000.0, -1: 2000})
    assert u.column("hours_per_year") == [None, 4000.0, 2000] and t.column("hours_per_year") == [None, "", None]
    t[1] = dataclasses.replace(t[1], mass=2.0)
    after = t.row_ids()
    # a replaced row gets a new id; the other rows keep theirs; no row of another table shares one
    assert (after != ids).tolist() == [False, True, False]
    assert not set(u.row_ids().tolist()) & set(after.tolist())
    t.insert(0, Emission("z", 1.0))
    assert t.row_ids()[1:].tolist() == after.tolist()


def test_copies_and_pickles():
    rng = random.Random(5)
    rows = random_rows(rng, 30)
    t = EmissionTable(rows)
    for other in (t.copy(), copy.copy(t), copy.deepcopy(t), pickle.loads(pickle.dumps(t))):
        assert exact(other) == exact(rows)
    c = t.copy()
    c[0] = Emission("changed", 1.0)
    assert exact(t) == exact(rows)


def test_appending_row_by_row_keeps_room():
    # appended rows go into spare room (amortised growth, as a list's): the arrays are not
    # re-made at every append
    t = EmissionTable()
    grown = 0
    last = None
    for i in range(2000):
        t.append(Emission("a", float(i), row=i + 1))
        arr = t._floats["mass"]
        if arr is not last:
            grown += 1
            last = arr
    assert grown < 40 and t.column("mass") == [float(i) for i in range(2000)]


def test_project_takes_a_list_and_holds_a_table():
    rows = [Emission("a", 1.0), Emission("b", "2,5", "g/s")]
    p = Project(emissions=rows)
    assert isinstance(p.emissions, EmissionTable) and p.emissions == rows
    p.emissions = [Emission("c", 3.0)]
    assert isinstance(p.emissions, EmissionTable) and p.emissions == [Emission("c", 3.0)]
    t = EmissionTable(rows)
    p.emissions = t
    assert p.emissions is t                       # a table assigned is shared, as a list was
    assert Project().emissions == [] and isinstance(Project().emissions, EmissionTable)
    assert dataclasses.replace(p, notes="x").emissions == rows
    assert copy.deepcopy(p) == p


def test_project_json_round_trip_is_byte_for_byte():
    # the shipped demo profile: its emissions section reads into the table and writes back
    # exactly as the file has it (rows hold no "row" key in the file)
    doc = json.loads(DEMO_PROFILE.read_text(encoding="utf-8"))
    p = Project.from_json(doc)
    assert isinstance(p.emissions, EmissionTable)
    assert p.emissions.column("row") == list(range(1, len(doc["emissions"]) + 1))
    out = p.to_json()
    assert out["emissions"] == doc["emissions"]
    assert [exact([Emission(**d)]) for d in out["emissions"]] == [exact([Emission(**d)]) for d in doc["emissions"]]
    again = Project.from_json(json.loads(json.dumps(out, ensure_ascii=False)))
    assert json.dumps(again.to_json(), ensure_ascii=False) == json.dumps(out, ensure_ascii=False)


def test_project_json_of_raw_cells():
    # written by hand: the keys the file keeps (blank and None values left out, except
    # substance, mass and unit), in field order, raw cells unchanged
    p = Project(emissions=[Emission("Азоту діоксид", "12,5", "kg/yr", hours_per_year=4000, source_id="1", row=5),
                           Emission("nmvoc", None, "", gdk_sd="0,3", hazard_class=2, note="н", row=6)])
    assert json.dumps(p.to_json()["emissions"], ensure_ascii=False) == (
        '[{"substance": "Азоту діоксид", "mass": "12,5", "unit": "kg/yr", "hours_per_year": 4000, "source_id": "1", '
        '"origin": "inventory"}, '
        '{"substance": "nmvoc", "mass": null, "unit": "", "origin": "inventory", "note": "н", "gdk_sd": "0,3", '
        '"hazard_class": 2}]')
    back = Project.from_json(p.to_json())
    assert exact(back.emissions) == exact([dataclasses.replace(e, row=i) for i, e in enumerate(p.emissions, 1)])


def test_effective_emissions_fill_hours_from_sources_without_touching_the_rows():
    from ecologis.model import Source

    rows = [Emission("a", 1.0, "g/s", source_id="1"), Emission("b", 1.0, "g/s", hours_per_year="", source_id="1"),
            Emission("c", 1.0, "g/s", hours_per_year=2000.0, source_id="1"), Emission("d", 1.0, "g/s", source_id="2"),
            Emission("e", 1.0, "g/s")]
    p = Project(sources=[Source(id="1", hours_per_year=4000.0), Source(id="2")], emissions=rows)
    eff = p.effective_emissions()
    assert [e.hours_per_year for e in eff] == [4000.0, 4000.0, 2000.0, None, None]
    assert exact(p.emissions) == exact(rows)
    # a source's hours as the file gave them (an int stays an int, as the row-by-row fill kept it)
    p.sources[0].hours_per_year = 4000
    assert [(type(e.hours_per_year), e.hours_per_year) for e in p.effective_emissions()][:3] == \
        [(int, 4000), (int, 4000), (float, 2000.0)]
    # nothing to fill in: the rows themselves
    assert Project(emissions=rows).effective_emissions() == rows


def test_json_rows_are_the_rows_to_json():
    rng = random.Random(7)
    rows = random_rows(rng, 200)
    t = EmissionTable(rows)
    # the table's rows as the file writes them: what Emission.to_json gives, "row" left out
    expected = [{k: v for k, v in e.to_json().items() if k != "row"} for e in rows]
    got = t.to_json_rows()
    assert [list(d) for d in got] == [list(d) for d in expected]           # same keys, same order
    assert [[(type(v), repr(v)) for v in d.values()] for d in got] == \
        [[(type(v), repr(v)) for v in d.values()] for d in expected]
    def typed(ds):
        return [[(k, type(v), repr(v)) for k, v in d.items()] for d in ds]

    assert typed(t.to_json_rows(exclude=())) == typed(e.to_json() for e in rows)


# ---------------------------------------------------------------- the content digest
def test_equal_tables_have_equal_digests_whatever_their_history():
    rng = random.Random(21)
    rows = [random_row(rng) for _ in range(300)]
    a = EmissionTable(rows)
    b = EmissionTable.from_records([dataclasses.asdict(e) for e in rows])
    c = EmissionTable()
    # a substance seen first, then gone again: c numbers its distinct values otherwise
    c.append(Emission("a substance no other row names", 1.0))
    for e in reversed(rows):
        c.insert(1, e)
    del c[0]
    assert exact(c) == exact(rows)
    assert a.digest() == b.digest() == c.digest()
    assert a[10:20].digest() == EmissionTable(rows[10:20]).digest()


@pytest.mark.parametrize("field, value", [
    ("substance", "Сірки діоксид "), ("mass", 1), ("mass", True), ("mass", "1"), ("mass", -0.0),
    ("mass", None), ("unit", "kg/yr"), ("hours_per_year", 8760), ("source_id", "S2"), ("origin", "measured"),
    ("date", "2026-01-01"), ("note", "checked"), ("note", None), ("gdk_sd", 0.05), ("gdk_mr", "0,3"),
    ("hazard_class", 2), ("hazard_class", 2.0)])
def test_any_change_of_a_calculated_field_changes_the_digest(field, value):
    # the row: Сірки діоксид, 1.0 t/yr (float), no hours, no source, origin "inventory", no date,
    # note "", no overrides; each case changes one field, or only the type of its value
    base = [Emission("Сірки діоксид", 1.0, "t/yr"), Emission("Азоту діоксид", 0.0, "t/yr")]
    t = EmissionTable(base)
    changed = EmissionTable(base)
    changed[0] = dataclasses.replace(base[0], **{field: value})
    assert changed.digest() != t.digest()


def test_row_numbers_are_left_out_unless_asked():
    a = EmissionTable([Emission("x", 1.0, row=1)])
    b = EmissionTable([Emission("x", 1.0, row=5)])
    assert a.digest() == b.digest() and a.digest(exclude=()) != b.digest(exclude=())
