"""Import rules shared by the GUI preview and the CLI (ecologis.io.import_rules)."""

import hashlib
import json

import pytest

from ecologis.cli import main as cli
from ecologis.io.import_rules import ImportRefused, add_substance, finalize, import_into_profile, plan_import
from ecologis.io.profile import load_profile


def _sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


TABLE = "Речовина;Маса\nАзоту діоксид;1,5\nАзоту діоксид;2,5\nЩось невідоме;1\n"


@pytest.fixture
def table(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text(TABLE, "utf-8")
    return f


def test_unknown_and_duplicates_block_until_resolved(table, dictionary):
    plan = plan_import(table, dictionary)
    assert plan.unknown == {"Щось невідоме": [4]}
    assert plan.duplicate_groups == [[2, 3]]
    with pytest.raises(ImportRefused) as ei:
        finalize(plan, None)
    keys = [p.key for p in ei.value.reasons]
    assert "io.import.refused.unknown" in keys and "io.import.refused.duplicates" in keys
    plan2 = plan.remap({"Щось невідоме": "Метан"}, dictionary)
    assert not plan2.unknown and not plan2.errors
    with pytest.raises(ImportRefused):
        finalize(plan2, None)            # duplicates still need a choice
    rows = finalize(plan2, "sum")
    assert [e.mass for e in rows] == [1.5, 2.5, 1.0]
    assert rows[2].substance == dictionary.lookup("Метан").id


def test_add_substance_validated(table, dictionary):
    from ecologis.io.reference_data import load_dictionary

    d = load_dictionary(user_path=False)
    bad = add_substance(d, {"id": "x", "name_uk": "Щось", "name_en": "Something", "gdk_sd": -1, "cas": "50-00-1"})
    assert {p.field for p in bad} == {"gdk_sd", "cas"}   # 50-00-0 is formaldehyde; …-1 fails the CAS check
    assert d.get("x") is None
    assert add_substance(d, {"id": "x", "name_uk": "Щось невідоме", "name_en": "Something", "gdk_sd": 0.5,
                             "hazard_class": 3}) == []
    plan = plan_import(table, d)
    assert not plan.unknown


def test_cli_import_refuses_and_leaves_profile_unchanged(table, demo_path, capsys):
    before = _sha(demo_path)
    rc = cli(["--lang", "en", "import", str(table), "--profile", str(demo_path)])
    assert rc == 2
    err = capsys.readouterr().err
    assert "Щось невідоме" in err and "t.csv, row 4" in err and "rows 2, 3" in err
    assert _sha(demo_path) == before
    assert not (demo_path.parent / (demo_path.name + ".bak")).exists()


def test_cli_import_writes_with_mapping_and_choice(table, demo_path, capsys):
    rc = cli(["import", str(table), "--profile", str(demo_path), "--map", "Щось невідоме=Метан", "--duplicates", "keep"])
    assert rc == 0, capsys.readouterr().err
    p = load_profile(demo_path)
    assert p.duplicates == "keep" and [e.mass for e in p.emissions] == [1.5, 2.5, 1.0]
    assert (demo_path.parent / (demo_path.name + ".bak")).exists()


def test_cli_import_dry_run_writes_nothing(table, tmp_path):
    target = tmp_path / "new.json"
    rc = cli(["import", str(table), "--profile", str(target), "--map", "Щось невідоме=Метан", "--duplicates", "sum",
              "--dry-run"])
    assert rc == 0 and not target.exists()


def test_import_into_new_profile_and_append(table, tmp_path, dictionary):
    target = tmp_path / "new.json"
    import_into_profile(table, target, dictionary, {"Щось невідоме": "Метан"}, "sum")
    import_into_profile(table, target, dictionary, {"Щось невідоме": "Метан"}, "sum", append=True)
    p = load_profile(target)
    assert len(p.emissions) == 6 and [e.row for e in p.emissions] == [1, 2, 3, 4, 5, 6]
    doc = json.loads(target.read_text("utf-8"))
    assert doc["schema_version"] == 3      # the current profile schema
