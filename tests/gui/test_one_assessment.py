"""The CLI, the GUI and the PDF report show the same КНП, category, zone, receptors inside
the zone and dispersion maxima: all from one pipeline Assessment of the same project."""

import io
import json
import re

import pytest
from pypdf import PdfReader

from ecologis.cli import main as cli
from ecologis.io.profile import load_profile, save_profile
from ecologis.model import DispersionSettings, Receptor, Source
from ecologis.paths import DEMO_PROFILE
from ecologis.pipeline import clear_cache

LAT, LON = 49.2331, 28.4682          # the demo enterprise
M_PER_DEG_LAT = 111_250.0            # WGS84 meridian arc per degree near 49.2° N


def _receptor(name, north_m, kind="school"):
    return Receptor.from_dict({"type": "Feature", "properties": {"name": name, "kind": kind},
                               "geometry": {"type": "Point", "coordinates": [LON, LAT + north_m / M_PER_DEG_LAT]}})


@pytest.fixture
def plant(tmp_path):
    p = load_profile(DEMO_PROFILE)
    # category III → КНП zone 300 m around the enterprise point: 250 m inside, 350 m outside
    p.receptors = [_receptor("Школа 250", 250), _receptor("Лікарня 350", 350, "hospital")]
    p.sources = [Source(id="T1", lat=LAT, lon=LON, height_m=35, diameter_m=1.4, velocity_m_s=7, temp_c=125,
                        extra={"emissions": [{"substance": "7446-09-5", "rate_g_s": 12, "gdk_mr_mg_m3": 0.5}]})]
    p.dispersion = DispersionSettings.from_dict({"A": 200, "ambient_temp_c": 25, "directions": 8, "grid": {"step_m": 100}})
    f = tmp_path / "plant.json"
    save_profile(p, f)
    return f


def test_cli_gui_and_report_agree(plant, make_window, capsys):
    clear_cache()
    # -- the command line
    assert cli(["assess", str(plant), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["knp"] == pytest.approx(1386.1866552, rel=1e-12)     # the thesis's worked example (§4.2–4.3)
    assert doc["category"] == "III" and doc["zones"]["knp_estimate"]["size_m"] == 300.0
    assert [r["name"] for r in doc["receptors_inside"]] == ["Школа 250"]
    maxima = doc["dispersion"]["maxima"]
    assert maxima and maxima[0]["value_mg_m3"] > 0

    # -- the desktop application, the same file
    w = make_window(open_file=str(plant), restore=False)
    assert w.wb.result.knp == doc["knp"]
    assert w.results.knp_value.text().replace("\u202f", "").replace("\xa0", "").replace(" ", "") == "1386,187"
    assert w.wb.result.category == doc["category"] and w.wb.result.szz_m == doc["szz_m"]
    a = w.wb.assessment()
    assert a.knp == doc["knp"] and a.category == doc["category"]
    assert [r.name for r in a.receptors_inside()] == ["Школа 250"]
    assert a.dispersion_maxima() == maxima                           # one calculation, not two
    assert any("Школа 250" in line for line in w.conflict_lines()) and not any(
        "Лікарня" in line for line in w.conflict_lines())

    # -- the report the window writes
    out = plant.with_suffix(".pdf")
    w.report_to(out)
    text = re.sub(r"[\s\u202f\u00a0]+", "", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages))
    assert "1386,187" in text and "III" in text and "300м" in text
    assert "Школа250" in text
    v = maxima[0]["value_mg_m3"]
    assert f"{v:.4g}".replace(".", ",") in text or f"{v:.3g}".replace(".", ",") in text
