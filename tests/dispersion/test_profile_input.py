"""Dispersion from an enterprise profile: sources, t/yr → g/s, stored backgrounds with their
provenance, receptors, the CLI on a saved profile and the GeoJSON export."""

from dataclasses import replace
import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest

from ecologis.cli import main
from ecologis.core.background import calculated, default_background
from ecologis.core.background.store import store_result
from ecologis.core.dispersion import calculate as _calculate
from ecologis.io.reference_data import dispersion_references
from ecologis.pipeline.dispersion_input import input_from_profile as _input_from_profile


def input_from_profile(profile, **kw):
    """The pipeline's input with the dictionary the application gives it."""
    kw.setdefault("lookup", dispersion_references()["lookup"])
    return _input_from_profile(profile, **kw)


def calculate(doc, **kw):
    """The core calculation with the reference data the application gives it."""
    for k, v in dispersion_references().items():
        kw.setdefault(k, v)
    return _calculate(doc, **kw)
from ecologis.model import Emission, Enterprise, Receptor, Source
from ecologis.io.profile import Project, save_profile
from ecologis.io.reference_data import background_reference, load_dictionary

_spec = importlib.util.spec_from_file_location("_disp_helpers", Path(__file__).with_name("_helpers.py"))
_h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_h)

DAY = dt.date(2026, 1, 15)
# OND-86 example 1 stack; 12 g/s of SO2 all year: 12 g/s · 3600 s/h · 8760 h / 10⁶ = 378.432 t/yr.
SO2_T_PER_YEAR = 378.432


def make_profile(**ext) -> Project:
    p = Project(enterprise=Enterprise(name="Test", lat=49.23, lon=28.47))
    p.sources = [Source(id="S1", lat=49.23, lon=28.47, height_m=35, diameter_m=1.4, cleaning_efficiency=0.95)]
    p.emissions = [Emission(substance="7446-09-5", mass=SO2_T_PER_YEAR, unit="t/yr", source_id="S1",
                            gdk_mr=0.5)]
    p.set_section("dispersion", {"A": 200, "ambient_temp_c": 25, "directions": 8,
                                  "sources": [{"id": "S1", "velocity_m_s": 7, "temp_c": 125}], **ext})
    p.receptors = [Receptor.from_dict(
        {"type": "Feature", "properties": {"name": "School <b>1</b>", "kind": "school"},
         "geometry": {"type": "Point", "coordinates": [28.476, 49.23]}})]
    return p


def test_profile_sources_and_annual_mass_reproduce_example_1():
    doc = input_from_profile(make_profile(), on=DAY)
    (s,) = doc["sources"]
    assert (s["lat"], s["lon"], s["height_m"], s["diameter_m"]) == (49.23, 28.47, 35, 1.4)
    assert s["velocity_m_s"] == 7 and s["temp_c"] == 125           # from the extension
    res = calculate(doc, lookup=_h.no_lookup)
    (row,) = res["sources"]
    assert row["rate_g_s"] == pytest.approx(12.0, rel=1e-12)
    # OND-86 example 1 printed: C_m = 0,19 mg/m³ for SO2 at x_m = 430 m.
    _h.assert_printed(row["c_m_mg_m3"], "0,19")
    _h.assert_printed(row["x_m_m"], "430")


def test_operating_hours_used_for_annual_masses():
    p = make_profile()
    p.emissions[0] = replace(p.emissions[0], mass=100.0, hours_per_year=4000.0)
    doc = input_from_profile(p, on=DAY)
    res = calculate(doc, lookup=_h.no_lookup, grid_step_m=100)
    # 100 t/yr over 4000 h: 100·10⁶ g / (4000·3600 s) = 6.9444… g/s
    assert res["sources"][0]["rate_g_s"] == pytest.approx(100e6 / (4000 * 3600), rel=1e-12)


def test_particulate_gets_F_from_cleaning_efficiency():
    p = make_profile(sources=[{"id": "S1", "velocity_m_s": 7, "temp_c": 125,
                               "emissions": [{"substance": "ash", "rate_g_s": 2.6, "particulate": True,
                                              "gdk_mr_mg_m3": 0.5}]}])
    doc = input_from_profile(p, on=DAY)
    # cleaning efficiency 0.95 → 95 % ≥ 90 % → F = 2 (OND-86 п. 2.5)
    assert doc["sources"][0]["emissions"][0]["cleaning_efficiency_pct"] == pytest.approx(95.0)
    res = calculate(doc, lookup=_h.no_lookup, grid_step_m=100)
    assert res["sources"][0]["F"] == 2.0


def test_stored_background_added_with_provenance():
    p = make_profile()
    # Table 4.1, band 50–125 thousand: SO2 0.05 mg/m³ (Order No. 286 §4.8, as in tests/background/test_default.py)
    store_result(p, default_background(100_000, ["SO2"], date=dt.date(2025, 5, 1), refdata=background_reference(), dictionary=load_dictionary()))
    res = calculate(input_from_profile(p, on=DAY), grid_step_m=100)
    (tg,) = res["targets"]
    assert tg["background_mg_m3"] == pytest.approx(0.05)
    (b,) = tg["background"]
    assert b["origin"] == "stored" and b["method"] == "default"
    assert b["date"] == "2025-05-01" and b["valid_until"] == "2028-05-01"      # + 3 years (§5.7)
    assert b["reconstructed"] is False
    assert b["inputs"]["population"] == 100_000                      # the method's inputs travel along
    fm = tg["field_max"]
    assert fm["value_with_background_mg_m3"] == pytest.approx(fm["value_mg_m3"] + 0.05)
    assert res["backgrounds_used"][0]["substance"] == "7446-09-5"


def test_reconstructed_background_is_flagged_in_the_dispersion_result():
    p = make_profile()
    # §4: C_ф = 0.4·0.5 = 0.2; C_own = 0.1 ≤ 2·0.2 → (4.1) C'_ф = 0.2 − 0.4·0.1 = 0.16 (reconstructed)
    store_result(p, calculated(0.5, substance="7446-09-5", c_own=0.1, date=dt.date(2025, 6, 1), refdata=background_reference()))
    res = calculate(input_from_profile(p, on=DAY), grid_step_m=100)
    (b,) = res["targets"][0]["background"]
    assert b["value_mg_m3"] == pytest.approx(0.16)
    assert b["reconstructed"] is True
    assert "exclude_own_4_1_4_2" in b["reconstructed_pieces"]


def test_expired_background_ignored_and_user_value_wins():
    p = make_profile()
    store_result(p, default_background(100_000, ["SO2"], date=dt.date(2020, 1, 1), refdata=background_reference(), dictionary=load_dictionary()))   # valid to 2023-01-01
    assert "background" not in input_from_profile(p, on=DAY)
    store_result(p, default_background(100_000, ["SO2"], date=dt.date(2025, 1, 1), refdata=background_reference(), dictionary=load_dictionary()))
    doc = input_from_profile(p, on=DAY, user_background={"7446-09-5": 0.3})
    assert doc["background"]["7446-09-5"] == 0.3
    assert doc["background_provenance"]["7446-09-5"]["origin"] == "user"


def test_receptors_from_profile_listed():
    res = calculate(input_from_profile(make_profile(background={"7446-09-5": 0.1}), on=DAY), grid_step_m=100)
    (r,) = res["receptors"]
    assert r["name"] == "School <b>1</b>"
    assert r["value_mg_m3"] > 0
    assert r["value_with_background_mg_m3"] == pytest.approx(r["value_mg_m3"] + 0.1)


def test_unassigned_emissions_reported():
    p = make_profile()
    p.sources.append(Source(id="S2", lat=49.231, lon=28.47, height_m=20, diameter_m=1.0))
    p.sources[-1].velocity_m_s = 5
    p.emissions.append(Emission(substance="7446-09-5", mass=1.0, unit="t/yr", row=2))
    p.emissions[0] = replace(p.emissions[0], row=1)
    doc = input_from_profile(p, on=DAY)
    assert doc["unassigned_emissions"] == [2]
    # S2 has no emissions → validation names it
    with pytest.raises(Exception) as ei:
        calculate(doc, lookup=_h.no_lookup)
    assert "S2" in str(ei.value)


def test_cli_on_saved_profile_with_geojson(tmp_path, capsys):
    p = make_profile()
    store_result(p, default_background(100_000, ["SO2"], date=dt.date(2025, 5, 1), refdata=background_reference(), dictionary=load_dictionary()))
    path = tmp_path / "plant.json"
    save_profile(p, path)
    out_geo = tmp_path / "layers.geojson"
    # The user's background 0.4 mg/m³: max share (C + 0.4)/0.5 ≥ 0.4/0.5 + C_m share (0.19/0.5 = 0.38) > 1,
    # so a calculated СЗЗ exists.
    rc = main(["dispersion", str(path), "--json", "--grid", "50", "--date", "2026-01-15",
               "--background", "7446-09-5=0.4", "--geojson", str(out_geo)])
    res = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert res["backgrounds_used"][0]["origin"] == "user"
    assert res["receptors"][0]["name"] == "School <b>1</b>"
    geo = json.loads(out_geo.read_text(encoding="utf-8"))
    layers = {f["properties"]["layer"] for f in geo["features"]}
    assert {"isoline", "calculated_szz", "field_max", "receptor"} <= layers
    fmx = next(f for f in geo["features"] if f["properties"]["layer"] == "field_max")
    assert fmx["geometry"]["coordinates"] == [res["field_max"]["lon"], res["field_max"]["lat"]]


def test_cli_profile_stored_background_in_text(tmp_path, capsys):
    p = make_profile()
    store_result(p, calculated(0.5, substance="7446-09-5", c_own=0.1, date=dt.date(2025, 6, 1), refdata=background_reference()))
    path = tmp_path / "plant.json"
    save_profile(p, path)
    rc = main(["--lang", "en", "dispersion", str(path), "--grid", "100", "--date", "2026-01-15"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "reconstructed method" in out and "exclude_own_4_1_4_2" in out


def test_cli_bad_background_argument(tmp_path, capsys):
    path = tmp_path / "plant.json"
    save_profile(make_profile(), path)
    assert main(["dispersion", str(path), "--background", "SO2=-1"]) == 2
    assert "SO2=-1" in capsys.readouterr().err


def test_stored_background_of_substance_without_cas_reaches_its_emission():
    """A substance the dictionary knows without a CAS number (PM10, id
    ``particulate-matter-pm10``): the stored background (keyed by the id) and the emission
    (given by its Ukrainian name) must land on the same target.  The keys used to differ
    (id vs name), so the background was silently dropped."""
    p = make_profile()
    p.emissions = [Emission(substance="Тверді частинки PM10", mass=2.0, unit="g/s", source_id="S1")]
    # §4: C_ф = 0.4 · C_max = 0.4 · 0.3 = 0.12 mg/m³
    store_result(p, calculated(0.3, substance="particulate-matter-pm10", date=dt.date(2025, 6, 1), refdata=background_reference()))
    res = calculate(input_from_profile(p, on=DAY), grid_step_m=100)
    (tg,) = res["targets"]
    assert tg["id"] == "particulate-matter-pm10"
    assert tg["background_mg_m3"] == pytest.approx(0.12)
    assert res["backgrounds_used"][0]["substance"] == "particulate-matter-pm10"

    from ecologis.core.dispersion.inputs import canonical_key, substance_lookup

    lookup = substance_lookup(load_dictionary())
    for spelling in ("Тверді частинки PM10", "particulate-matter-pm10"):
        assert canonical_key(spelling, lookup) == "particulate-matter-pm10"
    assert canonical_key("Азоту діоксид", lookup) == "10102-44-0"      # CAS wins when known
    assert canonical_key("no such substance", lookup) == "no such substance"


def test_field_only_gives_the_same_maximum_without_contours():
    doc = input_from_profile(make_profile(), on=DAY)
    full = calculate(doc, lookup=_h.no_lookup, grid_step_m=100)
    lean = calculate(doc, lookup=_h.no_lookup, grid_step_m=100, field_only=True)
    assert lean["field_max"] == full["field_max"]
    assert full["isolines"] is not None and full["receptors"]
    assert lean["isolines"] is None and lean["szz_contour"] is None and lean["receptors"] == []


def test_dictionary_loaded_once_per_operation(monkeypatch):
    """Building the input and calculating look up every substance, background and group
    member; the dictionary is loaded once for each operation, not once per name."""
    import ecologis.io.reference_data as dictionary

    calls = []
    real = dictionary.load_dictionary

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(dictionary, "load_dictionary", counting)
    p = make_profile()
    p.emissions = [Emission(substance=s, mass=1.0, unit="g/s", source_id="S1")
                   for s in ("Тверді частинки PM10", "Азоту діоксид", "7446-09-5")]
    doc = input_from_profile(p, on=DAY, user_background={"Азоту діоксид": 0.01, "7446-09-5": 0.02})
    assert len(calls) == 1
    calculate(doc, grid_step_m=200)
    assert len(calls) == 2
