"""The journal offers to add a substance the dictionary lacks, with its row's values."""

import pytest

from ecologis.model import Emission
from ecologis.io.profile import Project


def test_journal_offers_to_add_the_row_substance(make_window):
    asked = []

    def prompt(kind, **kw):
        asked.append((kind, kw))
        return kind == "add_row_substance"

    w = make_window(prompt=prompt)
    w.wb.load(Project(emissions=[Emission("7439-96-5", 0.5, gdk_sd=0.001, hazard_class=2, row=1)]))
    # 1.3 · 0.5 / 0.001 = 650 (class 2 → a 1.3), assessed with the row's values
    assert w.wb.result.knp == pytest.approx(650.0)
    issues = w.journal_model.issues
    k = next(i for i, x in enumerate(issues) if x.code == "W_SUBSTANCE_FROM_ROW")
    w._on_journal_click(w.journal_model.index(k))
    assert asked and asked[-1][0] == "add_row_substance" and asked[-1][1]["name"] == "7439-96-5"
    s = w.wb.dictionary.lookup("7439-96-5")
    assert s is not None and s.gdk_sd == 0.001 and s.hazard_class == 2 and s.origin == "user"
    # now a dictionary substance: no warning left, the same КНП
    assert not [x for x in w.journal_model.issues if x.code == "W_SUBSTANCE_FROM_ROW"]
    assert w.wb.result.knp == pytest.approx(650.0)
    w.wb.undo()
    assert w.wb.dictionary.lookup("7439-96-5") is None
