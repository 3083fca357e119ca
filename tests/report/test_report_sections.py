"""PDF report sections that appear only when their data exist: receptors in the СЗЗ
(conflicts), the OND-86 dispersion and the background concentrations used."""

from dataclasses import replace
import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from ecologis.core.background import calculated
from ecologis.core.background.store import store_result
from ecologis.model import Receptor, Source
from ecologis.io.profile import assess_project, load_profile
from ecologis.io.reference_data import background_reference
from ecologis.paths import DEMO_PROFILE
from ecologis.report.pdf_report import build_report

LAT, LON = 49.2331, 28.4682          # the demo enterprise
M_PER_DEG_LAT = 111_250.0            # WGS84 meridian arc per degree near 49.2° N (≈ 111.25 km)


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def _squash(s: str) -> str:
    return re.sub(r"[\s\u202f\u00a0]+", "", s)


def _receptor(name, north_m, kind="school"):
    return Receptor.from_dict({"type": "Feature", "properties": {"name": name, "kind": kind},
                               "geometry": {"type": "Point", "coordinates": [LON, LAT + north_m / M_PER_DEG_LAT]}})


@pytest.fixture(scope="module")
def full():
    p = load_profile(DEMO_PROFILE)
    p.site = None                     # the demo has a site boundary; this scenario is the circle around the point
    # Category III → СЗЗ 300 m around the enterprise point (no site polygon): 250 m inside, 350 m outside.
    p.receptors = [_receptor("Школа <b>№1</b>", 250), _receptor("Лікарня", 350, "hospital")]
    p.sources = [Source(id="T1", lat=LAT, lon=LON, height_m=35, diameter_m=1.4)]
    p.set_section("dispersion", {
        "A": 200, "ambient_temp_c": 25, "directions": 8, "grid": {"step_m": 100},
        "sources": [{"id": "T1", "velocity_m_s": 7, "temp_c": 125,
                     "emissions": [{"substance": "7446-09-5", "rate_g_s": 12, "gdk_mr_mg_m3": 0.5}]}]})
    # §4 with the own contribution excluded: reconstructed (pieces exclude_own_4_1_4_2)
    store_result(p, calculated(0.5, substance="7446-09-5", c_own=0.1, date=dt.date(2025, 6, 1), refdata=background_reference()))
    r = assess_project(p, dispersion=False).result
    return p, r


def test_sections_present_with_data(full):
    p, r = full
    pdf = build_report(assess_project(p, on=dt.date(2026, 1, 1)), lang="uk")
    text = _text(pdf)
    flat = _squash(text)
    # numbered in print order after the sanitary zones (6.1)
    for h in ("6.1. Санітарно-захисні зони", "6.2. Чутливі об'єкти та СЗЗ", "6.3. Розсіювання викидів за ОНД-86",
              "6.4. Фонові концентрації"):
        assert _squash(h) in flat, h
    # conflicts: the school (250 m) is inside the 300 m zone, the hospital (350 m) is not
    assert _squash("Конфлікти: 1 об'єкт(ів) у межах СЗЗ 300 м") in flat
    assert "Школа<b>№1</b>" in flat                              # escaped, printed as text
    # OND-86 example 1 stack: C_m printed 0,19 mg/m³, x_m 430 m → shown with 6 significant digits
    assert re.search(r"0,186\d*", flat) and re.search(r"430,\d+", flat)
    # background 0.4·0.5 − 0.4·0.1 = 0.16 mg/m³, reconstructed, valid until 2028-06-01 (+3 years)
    assert "0,16" in flat and "2028-06-01" in flat
    assert "реконструйованийметод" in flat
    # The reconstructed and unverified pieces are listed by their names (locales/uk.bg.json,
    # locales/uk.disp.json), never by their internal ids (correction: these lines used to
    # assert that the raw ids "exclude_own_4_1_4_2" and "ond86.2.16.u_m" were printed).
    assert _squash("виключення вкладу підприємства (4.1), (4.2)") in flat
    assert _squash("небезпечна швидкість вітру u_m для нагрітих викидів (2.16)") in flat
    assert "exclude_own_4_1_4_2" not in flat and "ond86.2.16.u_m" not in flat


def test_sections_absent_without_data():
    p = load_profile(DEMO_PROFILE)
    p.sources, p.receptors = [], []   # the demo has sources and receptors: take them away
    for i, e in enumerate(p.emissions):
        p.emissions[i] = replace(e, source_id=None)
    text = _squash(_text(build_report(assess_project(p), lang="en")))
    assert "6.1.Sanitaryprotectionzones" in text          # the zones are always shown
    for h in ("6.2.", "6.3.", "6.4."):
        assert h not in text


def test_invalid_dispersion_input_is_reported_not_fatal(full):
    p, r = full
    import copy

    q = copy.deepcopy(p)
    q.sources[0].velocity_m_s = None
    text = _squash(_text(build_report(assess_project(q, on=dt.date(2026, 1, 1)), lang="en")))
    assert _squash("The profile's dispersion input is incomplete or invalid") in text
    assert "T1" in text


def test_cli_report_with_date(full, tmp_path, capsys):
    from ecologis.cli import main
    from ecologis.io.profile import save_profile

    p, _ = full
    path = tmp_path / "plant.json"
    save_profile(p, path)
    out = tmp_path / "r.pdf"
    assert main(["report", str(path), "--out", str(out), "--lang", "en", "--date", "2026-01-01"]) == 0
    flat = _squash(_text(out.read_bytes()))
    assert "reconstructedmethod" in flat and "2028-06-01" in flat
    # after the three years the stored background is no longer offered
    assert main(["report", str(path), "--out", str(out), "--lang", "en", "--date", "2028-06-01"]) == 0
    assert "2028-06-01" not in _squash(_text(out.read_bytes()))
    assert main(["report", str(path), "--out", str(out), "--date", "01.01.2026"]) == 2
    assert "01.01.2026" in capsys.readouterr().err
