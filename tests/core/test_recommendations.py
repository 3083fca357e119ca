"""Recommendations for every category and by dominant-substance group (rules are data)."""

import pytest

from ecologis.core.assess import compute, prepare
from ecologis.model import Emission
from ecologis.core.presets import preset_from_dict
from ecologis.core.recommendations import select
from ecologis.io.reference_data import get_preset, load_dictionary, recommendation_rules

D = load_dictionary(user_path=False)


def _result(substance, mass, preset="ecologis-2025"):
    p = preset if not isinstance(preset, str) else get_preset(preset)
    return compute(prepare([Emission(substance, mass)], D), p, rules=recommendation_rules())


# SO2: class 3, ГДК с.д. 0.05 → K = 20·M (linear).  M chosen to land in each category:
# 5e6 t → 1e8 (I); 5000 t → 1e5 (II); 100 t → 2000 (III); 1 t → 20 (IV).
@pytest.mark.parametrize("mass,cat,must,must_not", [
    (5e6, "I", {"rec.cat1.modernise", "rec.cat1.widen_szz", "rec.cat1.authorities", "rec.cat12.continuous_monitoring"}, {"rec.cat4.periodic_review"}),
    (5000, "II", {"rec.cat2.gas_cleaning_audit", "rec.cat12.continuous_monitoring"}, {"rec.cat1.modernise"}),
    (100, "III", {"rec.local_aspiration", "rec.adverse_weather_plan"}, {"rec.cat1.modernise", "rec.cat4.periodic_review"}),
    (1, "IV", {"rec.cat4.periodic_review", "rec.cat4.keep_records", "rec.inventory_update"}, {"rec.cat1.modernise", "rec.adverse_weather_plan"}),
])
def test_every_category_gets_its_own_list(mass, cat, must, must_not):
    r = _result("7446-09-5", mass)
    assert r.category == cat
    keys = {x.key for x in r.recommendations()}
    assert must <= keys and not (must_not & keys)
    assert "rec.group.sulphur_compounds" in keys and "rec.szz_green" in keys
    assert all(x.text("uk") and x.text("en") and x.text("uk") != x.text("en") for x in r.recommendations())


def test_category_v_of_a_custom_preset():
    p = preset_from_dict({"id": "v", "formula": "linear", "a": {"1": 1.7, "2": 1.3, "3": 1.0, "4": 0.9},
                          "categories": [{"label": "I", "min": 1e4, "radius_m": 1000}, {"label": "II", "min": 1e3, "radius_m": 500},
                                         {"label": "III", "min": 500, "radius_m": 300}, {"label": "IV", "min": 100, "radius_m": 100},
                                         {"label": "V", "min": None, "radius_m": 50}]})
    r = _result("7446-09-5", 1, p)  # 20 < 100 → V
    assert r.category == "V" and r.szz_m == 50
    texts = [x.text("uk") for x in r.recommendations()]
    assert "СЗЗ ~50 м, зелені бар'єри." in texts
    assert "rec.cat4.periodic_review" in {x.key for x in r.recommendations()}


@pytest.mark.parametrize("cas,group_key", [("7439-92-1", "rec.group.heavy_metals"), ("71-43-2", "rec.group.voc"),
                                           ("7664-93-9", "rec.group.acids"), ("75-71-8", "rec.group.ozone_depleting")])
def test_dominant_group_selects_measures(cas, group_key):
    keys = {x.key for x in _result(cas, 1.0).recommendations()}
    assert group_key in keys


def test_rules_are_data():
    rules = [{"key": "rec.szz_green", "categories": ["IV"]}, {"key": "rec.group.dust", "groups": ["dust"]}]
    out = select("IV", [{"name_uk": "x", "name_en": "x", "group": "voc", "hazard_class": 3}], 100, rules)
    assert [r.key for r in out] == ["rec.szz_green"]
