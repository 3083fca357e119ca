"""The examples of docs/background/formats.md are read by the code they document."""

import json

from ecologis.core.background import background_at, posts_background
from ecologis.io.background_series import read_series
from ecologis.io.reference_data import background_reference, load_posts
from ecologis.paths import DOCS_DIR

DOC = DOCS_DIR / "background"


def test_series_example_reads():
    s = read_series(DOC / "example_series.csv")
    assert len(s) == 7                                  # seven data rows in the file
    res = posts_background(s, refdata=background_reference()).to_json()
    assert {(v["post"], v["substance"]) for v in res["values"]} == {("1", "10102-44-0"), ("2", "630-08-0")}
    # 5 and 2 samples: far below the §2.3 minimum of 600 → insufficient, and said so
    assert all(v["sufficiency"]["sufficient"] is False for v in res["values"])
    for key in ("method", "method_ref", "units", "date", "valid_until", "inputs", "values", "reconstructed",
                "reconstructed_pieces", "normative", "notice", "warnings"):
        assert key in res


def test_posts_example_reads_and_interpolates_at_a_post():
    posts, suburban = load_posts(DOC / "example_posts.json")
    assert [p["post"] for p in posts] == ["1", "2", "3"] and set(suburban) == {"Азоту діоксид", "Вуглецю оксид"}
    res = background_at(posts, suburban, 49.233, 28.45, refdata=background_reference()).to_json()
    got = {(v["substance"], v["gradation"]): v["value_mg_m3"] for v in res["values"]}
    # at post 1 the interpolated value is the post's own (the doc's example numbers)
    assert got[("Азоту діоксид", "calm")] == 0.05 and got[("Азоту діоксид", "N")] == 0.04


def test_doc_mentions_every_result_key():
    text = (DOC / "formats.md").read_text(encoding="utf-8")
    for key in ("valid_until", "reconstructed_pieces", "method_ref", "backgrounds_used", "--store"):
        assert key in text
    json.loads((DOC / "example_posts.json").read_text(encoding="utf-8"))
