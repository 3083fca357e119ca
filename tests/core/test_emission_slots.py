"""An emission row holds only its fields (no per-object attribute dictionary): a table of a
million rows is held in about 60 MB less memory (see benchmarks/bench_memory.py)."""

import copy
import dataclasses
import pickle

import pytest

from ecologis.model import Emission


def test_rows_have_no_attribute_dictionary():
    e = Emission("Азоту діоксид", 1.5, "t/yr", row=3)
    assert not hasattr(e, "__dict__")
    with pytest.raises(AttributeError):
        e.unexpected = 1


def test_rows_still_copy_compare_and_serialise():
    e = Emission("Азоту діоксид", "1,5", "kg/yr", hours_per_year=4000, gdk_sd=0.04, note="н", row=3)
    assert copy.deepcopy(e) == e and pickle.loads(pickle.dumps(e)) == e
    assert dataclasses.replace(e, mass=2.0).mass == 2.0
    assert Emission.from_json(e.to_json()) == e
