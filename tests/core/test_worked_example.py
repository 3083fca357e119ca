"""The worked example of the thesis (VNTU, 2025), §4.2–4.3.

Expected numbers are computed by hand from the thesis's tables 4.1/4.2, not by the code:

ecologis-2025, K = a·M/ГДК with a = 1.7/1.3/1.0/0.9:
  NMVOC   1.0 · 16.23192 / 1.0   =   16.23192
  SO2     1.0 ·  8.27394 / 0.05  =  165.4788
  NO2     1.3 · 34.78490 / 0.04  = 1130.50925
  CO      0.9 · 27.27720 / 3.0   =    8.18316
  TSP     1.0 ·  8.66370 / 0.15  =   57.758
  CH4     0.9 ·  1.96890 / 50.0  =    0.0354402
  soot    1.0 ·  1.02830 / 0.15  =    6.855333…
  HNO3    1.3 ·  0.10829 / 0.2   =    0.703885
  ether   1.0 ·  0.01120 / 0.6   =    0.018666…
  freon   0.9 ·  0.6870  / 1.5   =    0.4122
  Σ = 1386.1866552  → category III (10^3 ≤ КНП < 10^4), СЗЗ 300 m.

knp-power, K = (M/ГДК)^a: Σ = 6878.782, category III, 300 m
  (by hand, same rows: NO2 (34.78490/0.04)^1.3 = 6624.148, SO2 165.479, TSP 57.758,
  NMVOC 16.232, CO (27.27720/3.0)^0.9 = 7.291, soot 6.855, freon 0.495, HNO3 0.450,
  CH4 0.054, ether 0.019).
"""

import json

import pytest

from ecologis.model import Emission
from ecologis.io.reference_data import assess
from ecologis.paths import DEMO_PROFILE

THESIS_ROWS = [
    # name as the thesis writes it (table 4.1) resolved through dictionary aliases, M, ГДК с.д., class
    ("НМЛОС", 16.23192, 1.0, 3),
    ("Діоксид сірки", 8.27394, 0.05, 3),
    ("Діоксид азоту", 34.78490, 0.04, 2),
    ("Оксид вуглецю", 27.27720, 3.0, 4),
    ("Пил зважений", 8.66370, 0.15, 3),
    ("Метан", 1.96890, 50.0, 4),
    ("Сажа", 1.02830, 0.15, 3),
    ("Азотна кислота", 0.10829, 0.2, 2),
    ("Діетиловий ефір", 0.01120, 0.6, 3),
    ("Фреон-12", 0.6870, 1.5, 4),
]


def thesis_emissions():
    return [Emission(substance=n, mass=m, gdk_sd=g, hazard_class=c) for n, m, g, c in THESIS_ROWS]


def test_linear_preset_reproduces_thesis():
    r = assess(thesis_emissions(), preset="ecologis-2025")
    assert not r.errors, [i.located_message("en") for i in r.errors]
    assert len(r.contributions) == 10
    assert r.knp == pytest.approx(1386.187, abs=0.001)
    assert r.knp == pytest.approx(1386.1866552, abs=1e-9)
    assert r.category == "III"
    assert r.szz_m == 300
    top = r.contributions[0]
    assert top["cas"] == "10102-44-0"
    assert top["contribution"] == pytest.approx(1130.50925, abs=1e-9)
    assert [s.cas for s in r.dominant_substances()] == ["10102-44-0"]
    assert all(c["gdk_kind"] == "input" for c in r.contributions)


def test_power_preset_reproduces_normative_value():
    r = assess(thesis_emissions(), preset="knp-power")
    assert r.knp == pytest.approx(6878.782, abs=0.001)
    assert r.category == "III"
    assert r.szz_m == 300


def test_masses_are_not_rounded():
    # The thesis screenshot shows 1386.129 because masses were stored as 3-decimal text.
    r = assess(thesis_emissions())
    assert r.knp != pytest.approx(1386.129, abs=0.01)
    masses = {c["cas"]: c["mass_t_per_year"] for c in r.contributions if c["cas"]}
    assert masses["10102-44-0"] == 34.78490
    assert masses["7446-09-5"] == 8.27394


def test_demo_profile_reproduces_thesis_and_says_rows_use_own_values():
    prof = json.loads(DEMO_PROFILE.read_text(encoding="utf-8"))
    r = assess([Emission.from_json(e) for e in prof["emissions"]], preset=prof["preset"])
    assert r.knp == pytest.approx(1386.187, abs=0.001)
    assert r.category == "III" and r.szz_m == 300
    assert r.journal.codes().count("I_ROW_VALUES") == 10


def test_thesis_recommendations_for_category_iii_no2():
    # The thesis, fig. 4.4 and the §4.2 text that follows it.
    r = assess(thesis_emissions())
    keys = [x.key for x in r.recommendations()]
    for k in ("rec.dominant", "rec.filters_maintenance", "rec.local_aspiration", "rec.inventory_update",
              "rec.szz_green", "rec.raw_substitution", "rec.clean_dirty_lines", "rec.adverse_weather_plan"):
        assert k in keys
    texts = [x.text("uk") for x in r.recommendations()]
    assert texts[0].startswith("Домінує: Азоту діоксид (клас 2)")
    assert "СЗЗ ~300 м, зелені бар'єри." in texts
    assert "Регламентне ТО фільтрів, періодичні заміри." in texts
    assert any("NOx" in x for x in texts)
