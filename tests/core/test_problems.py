"""One problem type for every finding about the user's input (issue 13, item 8): the
validation journal, the dispersion input, the ОПН inventory, the background series, presets
and the substance dictionary all report :class:`ecologis.model.problems.Problem`.

The expected texts are the locale strings (``locales/en*.json``) filled in by hand."""

from __future__ import annotations

import ast
import json
from collections import Counter
from pathlib import Path

import pytest

from ecologis.model.problems import ERROR, WARNING, Problem

PKG = Path(__file__).resolve().parents[2] / "ecologis"


def test_journal_entry_keeps_code_severity_and_location():
    from ecologis.core.validation import CODES, Journal

    j = Journal()
    p = j.add("E_MASS_NEGATIVE", 3, "mass", value="-1")
    assert isinstance(p, Problem)
    assert (p.code, p.key, p.severity, p.row, p.field) == ("E_MASS_NEGATIVE", "val.E_MASS_NEGATIVE", ERROR, 3, "mass")
    assert CODES["W_MASS_DECIMAL_COMMA"] == WARNING and j.add("W_MASS_DECIMAL_COMMA", 1, "mass").severity == WARNING
    # en.json: val.E_MASS_NEGATIVE = 'Mass "{value}" is negative; …'; val.loc.row, val.loc.field, field.mass
    assert p.message("en") == 'Mass "-1" is negative; an emission mass must be greater than zero.'
    located = j.with_file("a.csv")[0].located_message("en")
    assert located == 'a.csv, row 3, field "mass": Mass "-1" is negative; an emission mass must be greater than zero.'
    doc = p.to_json("en")
    assert doc["code"] == "E_MASS_NEGATIVE" and doc["severity"] == "error" and doc["row"] == 3
    assert doc["field"] == "mass" and doc["message"] == p.message("en") and doc["params"] == {"value": "-1"}
    json.dumps(doc)


def test_series_problem_message_starts_with_its_place():
    from ecologis.core.background.errors import series_problem

    p = series_problem("bad.csv", 4, "wind_speed", "bg.err.negative", {"value": -2.0})
    # en.bg.json: bg.err.where '{file}, row {row}, field “{field}”:', bg.field.wind_speed, bg.err.negative
    assert p.message("en") == "bad.csv, row 4, field “wind speed”: negative value -2.0"
    assert p.to_json("en")["message"] == p.message("en")


def test_inventory_problem_names_file_row_field_value():
    from ecologis.core.hazard_identification.inventory import problem

    p = problem("opn.error.bad_cas", "inv.csv", 5, "cas", "123")
    assert p.message("en") == ('File "inv.csv", row 5, field "cas": "123" is not a CAS number '
                               "(form NNNNNNN-NN-N with a check digit)")


def test_to_json_is_json_safe():
    import numpy as np

    p = Problem("disp.warn.no_gdk", {"substance": "x", "v": np.float64("nan"), "n": np.int64(2)}, severity=WARNING)
    doc = p.to_json("en")
    assert doc["params"] == {"substance": "x", "v": None, "n": 2}
    json.dumps(doc)


def _classes() -> Counter:
    names: Counter = Counter()
    for f in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names[node.name] += 1
    return names


@pytest.mark.parametrize("old", ["Issue", "InputProblem", "SeriesIssue", "PresetProblem", "FieldProblem", "Warning_"])
def test_no_other_problem_types_left(old):
    assert _classes()[old] == 0


@pytest.mark.parametrize("name", ["Problem", "Enterprise", "Emission", "Source", "Receptor"])
def test_one_class_per_concept(name):
    assert _classes()[name] <= 1


def test_dictionary_import_problems_are_problems(tmp_path):
    from ecologis.io.export import DictionaryImportError, read_dictionary_file

    f = tmp_path / "bad.json"
    f.write_text(json.dumps({"substances": [
        {"id": "ok-1", "name_uk": "Добра", "name_en": "Good", "gdk_sd": 1.0},
        {"id": "bad-1", "name_uk": "Погана", "name_en": "Bad", "hazard_class": 9},
        {"id": "ok-1", "name_uk": "Знову", "name_en": "Again"},
    ]}), "utf-8")
    with pytest.raises(DictionaryImportError) as ei:
        read_dictionary_file(f)
    probs = ei.value.problems
    assert all(isinstance(p, Problem) for p in probs)
    assert [(p.file, p.row, p.field, p.key) for p in probs] == [("bad.json", 2, "hazard_class", "dict.err.class"),
                                                                ("bad.json", 3, "id", "io.dict.duplicate_id")]
