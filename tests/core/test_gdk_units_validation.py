"""ГДК fallback chain with provenance, units, and every validation code with its row."""

import math

import numpy as np
import pytest

from ecologis.core.assess import compute, prepare
from ecologis.core.dictionary import Dictionary, Substance
from ecologis.core.gdk import KIND_MR, KIND_NONE, KIND_OBRV, KIND_RZ, KIND_SD, effective_gdk
from ecologis.model import Emission
from ecologis.core.units import UnitError, convert, parse_unit, to_t_per_year
from ecologis.io.reference_data import get_preset, load_dictionary, recommendation_rules


def test_effective_gdk_chain_vectorised():
    nan = np.nan
    v, k = effective_gdk([0.05, nan, nan, nan, nan, 0.0], [0.5, 0.2, nan, nan, nan, nan],
                         [nan, 9.0, 50.0, nan, nan, nan], [nan, nan, 7.0, 2.0, nan, nan])
    assert k.tolist() == [KIND_SD, KIND_MR, KIND_OBRV, KIND_RZ, KIND_NONE, KIND_NONE]
    assert v[:4].tolist() == [0.05, 0.2, 50.0, pytest.approx(0.2)]
    assert math.isnan(v[4]) and math.isnan(v[5])


def _dict():
    return Dictionary([
        Substance("a", "Речовина А", "Substance A", hazard_class=2, gdk_sd=0.1, gdk_mr=0.5),
        Substance("b", "Речовина Б", "Substance B", hazard_class=3, gdk_mr=0.2),
        Substance("c", "Речовина В", "Substance C", hazard_class=4, obrv=2.0),
        Substance("d", "Речовина Г", "Substance D", hazard_class=3, gdk_rz=5.0),
        Substance("e", "Речовина Ґ", "Substance E", hazard_class=3),
        Substance("f", "Речовина Д без класу", "Substance F", gdk_sd=1.0),
    ])


def test_fallback_provenance_and_excluded_substance_warning():
    d = _dict()
    ems = [Emission("a", 1.0), Emission("b", 1.0), Emission("c", 1.0), Emission("d", 1.0), Emission("e", 1.0)]
    r = compute(prepare(ems, d), get_preset("ecologis-2025"), rules=recommendation_rules())
    by_id = {c["substance_id"]: c for c in r.contributions}
    assert by_id["a"]["gdk_kind"] == "sd" and by_id["a"]["gdk_mg_m3"] == 0.1
    assert by_id["b"]["gdk_kind"] == "mr" and by_id["b"]["gdk_mg_m3"] == 0.2
    assert by_id["c"]["gdk_kind"] == "obrv" and by_id["c"]["gdk_mg_m3"] == 2.0
    assert by_id["d"]["gdk_kind"] == "0.1rz" and by_id["d"]["gdk_mg_m3"] == pytest.approx(0.5)
    assert "e" not in by_id
    w = [i for i in r.journal if i.code == "W_GDK_MISSING"]
    assert len(w) == 1 and w[0].row == 5
    # hand: a 1.3·1/0.1 = 13; b 1.0·1/0.2 = 5; c 0.9·1/2 = 0.45; d 1.0·1/0.5 = 2  → 20.45
    assert r.knp == pytest.approx(20.45, abs=1e-12)
    fallbacks = sorted(i.row for i in r.journal if i.code == "I_GDK_FALLBACK")
    assert fallbacks == [2, 3, 4]
    # the standard used is named in the user's language, not by its identifier
    note = [i for i in r.journal if i.code == "I_GDK_FALLBACK" and i.row == 2][0]
    assert "м.р." in note.message("uk") and "one-time" in note.message("en")
    assert " mr " not in note.message("uk") + note.message("en")


def test_row_override_is_input_and_nonpositive_is_excluded():
    d = _dict()
    r = compute(prepare([Emission("a", 1.0, gdk_sd=0.2), Emission("b", 1.0, gdk_sd=0), Emission("c", 2.0, gdk_mr="-1")], d),
                get_preset("ecologis-2025"), rules=recommendation_rules())
    by_id = {c["substance_id"]: c for c in r.contributions}
    assert by_id["a"]["gdk_kind"] == "input" and by_id["a"]["gdk_mg_m3"] == 0.2
    # b: row ГДК с.д. 0 is unusable → warned; the dictionary's м.р. 0.2 remains → still counted as м.р.
    assert by_id["b"]["gdk_kind"] == "mr"
    assert [(i.code, i.row, i.field) for i in r.journal if i.code == "W_GDK_NONPOSITIVE"] == [
        ("W_GDK_NONPOSITIVE", 2, "gdk_sd"), ("W_GDK_NONPOSITIVE", 3, "gdk_mr")]
    # c has ОБРВ 2.0 in the dictionary: counted with ОБРВ
    assert by_id["c"]["gdk_kind"] == "obrv"


def test_class_missing_assumed_with_warning():
    d = _dict()
    r = compute(prepare([Emission("f", 3.0)], d), get_preset("ecologis-2025"), rules=recommendation_rules())
    assert [(i.code, i.row) for i in r.journal if i.code == "W_CLASS_ASSUMED"] == [("W_CLASS_ASSUMED", 1)]
    assert r.knp == pytest.approx(3.0)  # class 3 → a = 1.0; 1.0·3/1.0


@pytest.mark.parametrize("text,unit", [("t/yr", "t/yr"), ("т/рік", "t/yr"), ("кг/рік", "kg/yr"), ("kg/yr", "kg/yr"),
                                       ("г/с", "g/s"), ("g/s", "g/s"), ("", "t/yr"), (" Т/РІК ", "t/yr")])
def test_units_parse(text, unit):
    assert parse_unit(text) == unit


@pytest.mark.parametrize("text,kind", [("т/год", "ambiguous"), ("кг/год", "ambiguous"), ("lb/yr", "unknown"), ("т", "unknown")])
def test_units_refused(text, kind):
    with pytest.raises(UnitError) as e:
        parse_unit(text)
    assert e.value.kind == kind


def test_unit_conversions_by_hand():
    # 1 g/s for 8760 h: 1·3600·8760/1e6 = 31.536 t/yr; for 2000 h: 7.2 t/yr
    out = to_t_per_year([1500.0, 1.0, 1.0, 8.27394], ["kg/yr", "g/s", "g/s", "t/yr"], [8760, 8760, 2000, 8760])
    assert out[0] == 1.5
    assert out[1] == pytest.approx(31.536, rel=1e-15)
    assert out[2] == pytest.approx(7.2, rel=1e-15)
    assert out[3] == 8.27394  # t/yr values are untouched
    assert convert(8.27394, "t/yr", "t/yr") == 8.27394


ROW_CASES = [
    (Emission("Азоту діоксид", "-1"), "E_MASS_NEGATIVE", "mass"),
    (Emission("Азоту діоксид", 0), "E_MASS_ZERO", "mass"),
    (Emission("Азоту діоксид", "abc"), "E_MASS_NOT_NUMBER", "mass"),
    (Emission("Азоту діоксид", float("nan")), "E_MASS_NAN", "mass"),
    (Emission("Азоту діоксид", "inf"), "E_MASS_INFINITE", "mass"),
    (Emission("Азоту діоксид", ""), "E_MASS_MISSING", "mass"),
    (Emission("Азоту діоксид", "8,27"), "W_MASS_DECIMAL_COMMA", "mass"),
    (Emission("Унобтаній", 1.0), "E_SUBSTANCE_UNKNOWN", "substance"),
    (Emission("", 1.0), "E_SUBSTANCE_MISSING", "substance"),
    (Emission("Азоту діоксид", 1.0, unit="bbl/day"), "E_UNIT_UNKNOWN", "unit"),
    (Emission("Азоту діоксид", 1.0, unit="т/год"), "E_UNIT_AMBIGUOUS", "unit"),
    (Emission("Азоту діоксид", 1.0, hazard_class=5), "E_CLASS_RANGE", "hazard_class"),
    (Emission("Азоту діоксид", 1.0, hazard_class="2.5"), "E_CLASS_RANGE", "hazard_class"),
    (Emission("Азоту діоксид", 1.0, hazard_class=0), "E_CLASS_RANGE", "hazard_class"),
    (Emission("Азоту діоксид", 1.0, gdk_sd="x"), "E_GDK_NOT_NUMBER", "gdk_sd"),
    (Emission("Азоту діоксид", 1.0, unit="g/s", hours_per_year=0), "E_HOURS_INVALID", "hours_per_year"),
]


@pytest.mark.parametrize("bad,code,field", ROW_CASES, ids=[c[1] + "-" + str(i) for i, c in enumerate(ROW_CASES)])
def test_validation_code_and_row(bad, code, field):
    d = load_dictionary()
    good = Emission("Сірки діоксид (ангідрид сірчистий)", 1.0)
    p = prepare([good, bad, good], d)
    hits = [i for i in p.journal if i.code == code]
    assert len(hits) == 1
    assert hits[0].row == 2 and hits[0].field == field
    assert hits[0].message("uk") and hits[0].message("en") and hits[0].message("uk") != hits[0].message("en")
    if hits[0].is_error:
        assert not p.valid[1]
    assert p.valid[0] and p.valid[2]


def test_decimal_comma_value_is_used():
    d = load_dictionary()
    r = compute(prepare([Emission("Сірки діоксид (ангідрид сірчистий)", "8,27")], d), get_preset("ecologis-2025"), rules=recommendation_rules())
    # SO2: class 3, ГДК с.д. 0.05 (SanPiN) → 1.0 · 8.27 / 0.05 = 165.4
    assert r.knp == pytest.approx(165.4, rel=1e-12)


def test_error_rows_do_not_block_others():
    d = load_dictionary()
    r = compute(prepare([Emission("Сірки діоксид (ангідрид сірчистий)", 1.0), Emission("Азоту діоксид", -5)], d),
                get_preset("ecologis-2025"), rules=recommendation_rules())
    assert r.knp == pytest.approx(20.0)  # 1.0·1/0.05
    assert [i.code for i in r.errors] == ["E_MASS_NEGATIVE"]


def test_duplicates_summed_or_kept():
    d = load_dictionary()
    # NO2 from the dictionary: class 3, ГДК с.д. 0.04.  Rows 1 and 3 duplicate.
    ems = [Emission("Азоту діоксид", 1.0), Emission("Вуглецю оксид", 3.0), Emission("NO2", 1.0)]
    s = compute(prepare(ems, d), get_preset("knp-power"), duplicates="sum", rules=recommendation_rules())
    k = compute(prepare(ems, d), get_preset("knp-power"), duplicates="keep", rules=recommendation_rules())
    w = [i for i in s.journal if i.code == "W_DUPLICATE_SUMMED"]
    assert len(w) == 1 and w[0].row == 1 and str(w[0].params["rows"]) == "1, 3"
    assert [i.row for i in k.journal if i.code == "W_DUPLICATE_KEPT"] == [1]
    # power, class 3 (a = 1): summed (2/0.04)^1 = 50; kept 25 + 25 = 50; CO (3/3)^0.9 = 1
    assert s.knp == pytest.approx(51.0) and k.knp == pytest.approx(51.0)
    # power with class 2 (a = 1.3) differs: (2/0.04)^1.3 vs 2·(1/0.04)^1.3
    ems2 = [Emission("Азоту діоксид", 1.0, hazard_class=2), Emission("NO2", 1.0, hazard_class=2)]
    s2 = compute(prepare(ems2, d), get_preset("knp-power"), "sum", rules=recommendation_rules())
    k2 = compute(prepare(ems2, d), get_preset("knp-power"), "keep", rules=recommendation_rules())
    assert s2.knp == pytest.approx(50.0 ** 1.3, rel=1e-13)
    assert k2.knp == pytest.approx(2 * 25.0 ** 1.3, rel=1e-13)
    assert len(s2.contributions) == 1 and s2.contributions[0]["rows"] == [1, 2]


def test_row_values_note_names_fields_in_the_users_language():
    d = load_dictionary()
    p = prepare([Emission("Азоту діоксид", 1.0, gdk_sd=0.04, hazard_class=2)], d)
    note = [i for i in p.journal if i.code == "I_ROW_VALUES"][0]
    assert "ГДК с.д., клас небезпеки" in note.message("uk")
    assert "daily MPC, hazard class" in note.message("en")
    assert "gdk_sd" not in note.message("uk") + note.message("en")
