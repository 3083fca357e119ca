"""§4.8 default background: table 4.1 values typed from the Order's text, bands, 0.4 × ГДК м.р.,
validity dates (§5.7)."""

import datetime as dt

import pytest

from ecologis.core.background import BackgroundError, default_background, population_band
from ecologis.core.background.result import validity_end
from ecologis.io.reference_data import background_reference, load_dictionary

# Table 4.1 typed by hand from Order No. 286 §4.8 (not from the
# resource file under test): band -> substance -> (mg/m³, share of ГДК м.р.)
#   "125-250": 0,2 0,4 | 0,03 0,35 | 1,5 0,3 | 0,1 0,2
#   "50-125":  0,1 0,2 | 0,015 0,17 | 0,8 0,16 | 0,05 0,1
#   "< 50":    0,05 0,1 | 0,008 0,09 | 0,4 0,08 | 0,02 0,04
SEED_TABLE = {
    "<50": {"Пил": (0.05, 0.1), "Діоксид азоту": (0.008, 0.09), "Оксид вуглецю": (0.4, 0.08),
            "Діоксид сірки": (0.02, 0.04)},
    "50-125": {"Пил": (0.1, 0.2), "Діоксид азоту": (0.015, 0.17), "Оксид вуглецю": (0.8, 0.16),
               "Діоксид сірки": (0.05, 0.1)},
    "125-250": {"Пил": (0.2, 0.4), "Діоксид азоту": (0.03, 0.35), "Оксид вуглецю": (1.5, 0.3),
                "Діоксид сірки": (0.1, 0.2)},
}
POPULATION = {"<50": 30_000, "50-125": 100_000, "125-250": 200_000}


@pytest.mark.parametrize("band", list(SEED_TABLE))
def test_table_4_1_values_per_band(band):
    res = default_background(POPULATION[band], list(SEED_TABLE[band]), refdata=background_reference(), dictionary=load_dictionary())
    assert res.inputs["population_band_thousands"] == band
    for row in res.values:
        mg, share = SEED_TABLE[band][row["substance"]]
        assert row["value_mg_m3"] == pytest.approx(mg, abs=1e-12)
        assert row["share_gdk_mr"] == pytest.approx(share, abs=1e-12)
        assert row["source"] == "table_4_1"
    assert not res.reconstructed
    assert res.to_json()["reconstructed"] is False


def test_table_substances_by_other_names_and_cas():
    # NO2 by formula and by the dictionary's name, SO2 by CAS, CO by formula
    res = default_background(100_000, ["NO2", "Азоту діоксид", "7446-09-5", "CO"], refdata=background_reference(), dictionary=load_dictionary())
    assert [r["value_mg_m3"] for r in res.values] == [0.015, 0.015, 0.05, 0.8]


@pytest.mark.parametrize("population,band", [(0, "<50"), (49_999, "<50"), (50_000, "50-125"), (124_999, "50-125"),
                                             (125_000, "125-250"), (250_000, "125-250")])
def test_band_boundaries(population, band):
    assert population_band(population, refdata=background_reference())["band"] == band


def test_above_250_thousand_refused():
    with pytest.raises(BackgroundError) as e:
        population_band(250_001, refdata=background_reference())
    assert e.value.key == "bg.err.population_over"
    assert "250" in e.value.message("en")


def test_other_substance_is_0_4_gdk_mr_with_source():
    d = load_dictionary()
    ammonia = d.lookup("Аміак")
    res = default_background(100_000, ["Аміак"], dictionary=d, refdata=background_reference())
    row = res.values[0]
    assert row["source"] == "gdk_mr"
    # §4.8: 0.4 × ГДК м.р.
    assert row["value_mg_m3"] == pytest.approx(0.4 * ammonia.gdk_mr)
    assert row["gdk_source_id"] == ammonia.sources["gdk_mr"]
    assert row["gdk_source_title"]


def test_substance_without_gdk_or_unknown_is_refused():
    with pytest.raises(BackgroundError) as e:
        default_background(100_000, ["Пил абразивний"], refdata=background_reference(), dictionary=load_dictionary())     # no ГДК м.р. in the dictionary
    assert e.value.key == "bg.err.no_gdk_mr"
    with pytest.raises(BackgroundError) as e:
        default_background(100_000, ["унобтаній"], refdata=background_reference(), dictionary=load_dictionary())
    assert e.value.key == "bg.err.unknown_substance"


def test_validity_three_years():
    # §5.7: issued for three years
    assert validity_end(dt.date(2026, 11, 21), background_reference().validity_years) == dt.date(2029, 11, 21)
    assert validity_end(dt.date(2028, 2, 29), background_reference().validity_years) == dt.date(2031, 2, 28)
    res = default_background(10_000, ["CO"], date=dt.date(2025, 3, 1), refdata=background_reference(), dictionary=load_dictionary())
    j = res.to_json()
    assert j["date"] == "2025-03-01" and j["valid_until"] == "2028-03-01"
    assert j["method"] == "default" and j["inputs"]["population"] == 10_000


def test_results_stored_in_profile_with_validity(tmp_path):
    from ecologis.core.background.store import store_result, valid_backgrounds
    from ecologis.io.profile import Project, load_profile, save_profile

    prof = Project()
    store_result(prof, default_background(100_000, ["CO"], date=dt.date(2020, 1, 10), refdata=background_reference(), dictionary=load_dictionary()))   # valid to 2023-01-10
    store_result(prof, default_background(100_000, ["SO2"], date=dt.date(2024, 5, 1), refdata=background_reference(), dictionary=load_dictionary()))   # valid to 2027-05-01
    p = tmp_path / "p.json"
    save_profile(prof, p)
    back = load_profile(p)
    on_2025 = valid_backgrounds(back, dt.date(2025, 1, 1))
    assert [(r["substance"], r["value_mg_m3"]) for r in on_2025] == [("SO2", 0.05)]
    assert valid_backgrounds(back, dt.date(2022, 12, 31))[0]["substance"] == "CO"
    assert valid_backgrounds(back, dt.date(2027, 5, 1)) == []          # expired on the end date


def test_method_and_source_references_follow_the_language():
    res = default_background(30_000, ["CO"], date=dt.date(2025, 1, 1), refdata=background_reference(), dictionary=load_dictionary())
    uk, en = res.to_json("uk"), res.to_json("en")
    assert uk["method_ref"] == "Наказ 286 §4.8, таблиця 4.1" and en["method_ref"] == "Order 286 §4.8, table 4.1"
    assert uk["method_ref_key"] == en["method_ref_key"] == "bg.ref.default"
    assert uk["values"][0]["source_ref"].startswith("Наказ 286 §4.8, таблиця 4.1, діапазон <50")
    assert en["values"][0]["source_ref"].startswith("Order 286 §4.8, table 4.1, band <50")
