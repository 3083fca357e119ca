"""A row's own ГДК: a non-positive value is ignored and the chain goes on; a substance the
dictionary lacks is assessed with the row's own ГДК and class."""

import pytest

from ecologis.core.assess import compute, prepare
from ecologis.model import Emission
from ecologis.io.reference_data import get_preset, load_dictionary, recommendation_rules

PRESET = "ecologis-2025"   # K = a(class)·M/ГДК, a = 1.7 / 1.3 / 1.0 / 0.9 for classes 1–4


def _run(rows):
    d = load_dictionary()
    return compute(prepare(rows, d), get_preset(PRESET), rules=recommendation_rules())


def _codes(r):
    return [(i.code, i.row, i.field) for i in r.journal if i.code.startswith(("W_", "E_", "I_GDK"))]


@pytest.mark.parametrize("bad", [0, -0.04, "0"])
def test_nonpositive_daily_mpc_is_ignored_and_the_one_time_used(bad):
    # NO2 (dictionary: ГДК с.д. 0.04, м.р. 0.2 mg/m³, class 3 → a 1.0); the row's с.д. is unusable,
    # so the chain goes on to the dictionary's м.р.: K = 1.0 · 34.7849 / 0.2 = 173.9245
    r = _run([Emission("Азоту діоксид", 34.7849, gdk_sd=bad, row=1)])
    assert r.knp == pytest.approx(173.9245, rel=1e-12)
    assert r.contributions[0]["gdk_kind"] == "mr"
    assert _codes(r) == [("W_GDK_NONPOSITIVE", 1, "gdk_sd")]
    w = [i for i in r.journal if i.code == "W_GDK_NONPOSITIVE"][0]
    # the warning says which value was used instead, and never that the row is excluded
    assert "0.2" in w.message("en") and "one-time" in w.message("en") and "excluded" not in w.message("en")
    assert "0,2" in w.message("uk") or "0.2" in w.message("uk")
    assert "м.р." in w.message("uk") and "виключено" not in w.message("uk")


def test_nothing_usable_left_excludes_and_says_so():
    # NO2 with both own values unusable; the dictionary has no ОБРВ and no р.з. ГДК → excluded.
    # SO2 with its own с.д. 0.05 and class 3 (a 1.0): 8.27394 / 0.05 = 165.4788 = КНП
    r = _run([Emission("Азоту діоксид", 34.7849, gdk_sd=-1, gdk_mr=0, row=1),
              Emission("Сірки діоксид (ангідрид сірчистий)", 8.27394, gdk_sd=0.05, hazard_class=3, row=2)])
    assert r.knp == pytest.approx(165.4788, rel=1e-12)
    assert len(r.contributions) == 1
    excl = [i for i in r.journal if i.code == "W_GDK_NONPOSITIVE_EXCLUDED"]
    assert [(i.row, i.field) for i in excl] == [(1, "gdk_sd"), (1, "gdk_mr")]
    assert "excluded" in excl[0].message("en") and "виключено" in excl[0].message("uk")
    assert not [i for i in r.journal if i.code in ("W_GDK_NONPOSITIVE", "W_GDK_MISSING")]


def test_unknown_substance_with_its_own_values_is_assessed():
    # Manganese by CAS 7439-96-5: the dictionary holds "manganese and its compounds" without a CAS.
    # Own ГДК с.д. 0.001 mg/m³ and class 2 (a 1.3): K = 1.3 · 0.5 / 0.001 = 650
    r = _run([Emission("7439-96-5", 0.5, gdk_sd=0.001, hazard_class=2, row=1)])
    assert r.knp == pytest.approx(650.0, rel=1e-12)
    c = r.contributions[0]
    assert c["gdk_kind"] == "input" and c["gdk_mg_m3"] == 0.001
    assert _codes(r) == [("W_SUBSTANCE_FROM_ROW", 1, "substance")]
    w = r.journal.warnings[0]
    assert "7439-96-5" in w.message("en") and "not in the dictionary" in w.message("en")
    assert not r.errors


@pytest.mark.parametrize("row", [
    Emission("7439-96-5", 0.5, row=1),                               # no values at all
    Emission("7439-96-5", 0.5, gdk_sd=0.001, row=1),                 # no class
    Emission("7439-96-5", 0.5, hazard_class=2, row=1),               # no ГДК
    Emission("7439-96-5", 0.5, gdk_sd=0, hazard_class=2, row=1),     # no usable ГДК
])
def test_unknown_substance_without_usable_values_stays_an_error(row):
    r = _run([row])
    assert ("E_SUBSTANCE_UNKNOWN", 1, "substance") in _codes(r)
    assert r.knp == 0
