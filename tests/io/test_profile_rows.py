"""The emission rows of a profile are validated column-wise with the rules of the JSON
schema; the refusals (field path and message) are the same as with jsonschema row by
row (``validate_profile_doc(per_row_schema=True)``, the former way)."""

import json
import random

import pytest

from ecologis.io.profile import (ProfileFieldError, _row_problems, _row_rules, _RowRules, load_profile,
                                 save_profile, validate_profile_doc)

SEED = 4242


@pytest.fixture(scope="module")
def base_doc(tmp_path_factory):
    from ecologis.paths import DEMO_PROFILE

    p = load_profile(DEMO_PROFILE)
    out = tmp_path_factory.mktemp("rows") / "p.json"
    save_profile(p, out)
    return json.loads(out.read_text("utf-8"))


def _outcome(doc, **kw):
    try:
        validate_profile_doc(doc, "p.json", **kw)
    except ProfileFieldError as e:
        return e.field, e.reason, e.message("uk"), e.message("en")
    return None


# hand-derived from docs/schemas/profile.schema.json ($defs.emission): required
# substance and mass; mass/gdk: number | string | null; unit: string, at most 50 chars
HAND_CASES = [
    ("mass a list", lambda rows: rows[2].__setitem__("mass", [1]), "emissions[3].mass", "type",
     "number | string | null"),
    ("substance and mass missing", lambda rows: rows[1].clear(), "emissions[2].substance", "required", None),
    ("mass missing", lambda rows: rows[1].pop("mass"), "emissions[2].mass", "required", None),
    ("unit too long", lambda rows: rows[4].__setitem__("unit", "t" * 51), "emissions[5].unit", "too_long", None),
    ("bool is not a number", lambda rows: rows[0].__setitem__("gdk_sd", True), "emissions[1].gdk_sd", "type",
     "number | string | null"),
    # shallowest first: a row that is not an object (depth 2) before a bad field of row 1 (depth 3)
    ("row not an object", lambda rows: (rows[0].__setitem__("mass", {}), rows.__setitem__(3, "x")),
     "emissions[4]", "type", "object"),
    # equal depth: in document order (row 2 before row 7), field names alphabetically within a row
    ("two rows", lambda rows: (rows[6].__setitem__("note", 5), rows[1].__setitem__("unit", 5),
                               rows[1].__setitem__("date", 5)), "emissions[2].date", "type", "string | null"),
]


@pytest.mark.parametrize("name,mutate,field,reason,expected", HAND_CASES, ids=[c[0] for c in HAND_CASES])
def test_hand_cases(base_doc, name, mutate, field, reason, expected):
    doc = json.loads(json.dumps(base_doc))
    mutate(doc["emissions"])
    got = _outcome(doc)
    assert got is not None and got[0] == field and got[1] == reason
    if expected:
        assert expected in got[3]
    assert got == _outcome(doc, per_row_schema=True)


JUNK = [None, True, False, 0, -1.5, 2.0, 10 ** 30, "", "x", "t" * 51, "n" * 201, "z" * 1001, [], [1], {}, {"a": 1}]
FIELDS = ["substance", "mass", "unit", "hours_per_year", "source_id", "origin", "date", "note", "gdk_sd", "gdk_mr",
          "hazard_class", "extra"]


def _mutations(rng, base_doc, n):
    for _ in range(n):
        doc = json.loads(json.dumps(base_doc))
        rows = doc["emissions"]
        rows.extend(json.loads(json.dumps(rows)) * rng.randrange(0, 15))       # up to ~150 rows
        for _ in range(rng.randrange(0, 6)):
            k = rng.randrange(len(rows))
            op = rng.randrange(10)
            if op == 0:
                rows[k] = rng.choice([None, 5, "row", [], [rows[k]]])
            elif op in (1, 2) and isinstance(rows[k], dict) and rows[k]:
                rows[k].pop(rng.choice(list(rows[k])))
            elif isinstance(rows[k], dict):
                rows[k][rng.choice(FIELDS)] = rng.choice(JUNK)
        if rng.random() < 0.15:            # a problem outside the rows competes for "first"
            target, key = rng.choice([(doc["enterprise"], "name"), (doc, "notes"), (doc, "history"),
                                      (doc, "preset"), (doc, "sources")])
            target[key] = rng.choice(JUNK)
        yield doc


def test_same_refusals_as_row_by_row_jsonschema(base_doc):
    rng = random.Random(SEED)
    refused = 0
    for doc in _mutations(rng, base_doc, 300):
        new, old = _outcome(doc), _outcome(doc, per_row_schema=True)
        assert new == old
        refused += new is not None
    assert refused > 180                  # most mutations are refused, some stay valid


def test_too_many_rows_is_the_first_problem():
    # maxItems is reported at depth 1, before any row problem (depth >= 2)
    rules = _row_rules()
    small = _RowRules(rules.required, rules.fields, 3)
    probs = _row_problems([{"substance": "a", "mass": 1}] * 3 + [{"mass": []}], small)
    assert probs[0] == (("emissions",), "too_long", {"limit": 3})
    assert (("emissions", 3), "required", {"_field": "substance"}) in probs
    assert (("emissions", 3, "mass"), "type", {"expected": "number | string | null"}) in probs


def test_schema_rules_are_read_from_the_schema():
    rules = _row_rules()
    assert rules is not None and rules.required == ("substance", "mass") and rules.max_items == 100000
    fields = {f[0]: f for f in rules.fields}
    assert fields["unit"][1:] == ("string", frozenset({str}), 50, False)
    assert fields["hazard_class"][1] == "integer | number | string | null"
