"""The report prints the contributions to the worst maximum and the permissible emissions
(ГДВ) with the reduction each source needs."""

import io
import re

from pypdf import PdfReader

from ecologis.io.profile import assess_project, load_profile
from ecologis.model import DispersionSettings, Enterprise, Project, Source
from ecologis.paths import DEMO_PROFILE
from ecologis.report.pdf_report import build_report

LAT, LON = 49.23, 28.47


def _text(pdf: bytes) -> str:
    t = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"[\s\u202f\u00a0]+", "", re.sub(r"(?<=[^\W\d_])-\n(?=[^\W\d_])", "", t))


def test_demo_report_says_no_source_must_reduce():
    a = assess_project(load_profile(DEMO_PROFILE))
    assert all((g["reduction_pct"] or 0) == 0 for g in a.dispersion["gdv"])
    uk, en = _text(build_report(a, "uk", tiles=None)), _text(build_report(a, "en", tiles=None))
    assert "жоднеджерелонемусить" in uk and "nosourcehastoreduce" in en
    assert "Внескивмаксимум" in uk and "Contributionstothemaximum" in en


def test_a_stack_above_the_mpc_gets_its_reduction_in_the_report():
    # OND-86 worked example 1's stack: c_m = 0.18642 mg/m³ for M = 12 g/s of SO2 (hand derivation in
    # tests/dispersion).  With ГДК м.р. set to half of c_m, 0.09321, and no background:
    # ГДВ = M · ГДК / c_m = 12 · 0.09321 / 0.18642 = 6.0 g/s → reduction 50 %.
    p = Project(enterprise=Enterprise(name="W1", lat=LAT, lon=LON),
                sources=[Source(id="S1", lat=LAT, lon=LON, height_m=35, diameter_m=1.4, velocity_m_s=7, temp_c=125,
                                extra={"emissions": [{"substance": "7446-09-5", "rate_g_s": 12, "F": 1,
                                                      "gdk_mr_mg_m3": 0.09321}]})],
                dispersion=DispersionSettings.from_dict({"A": 200, "eta": 1, "ambient_temp_c": 25, "grid": {"step_m": 50}}))
    a = assess_project(p)
    (g,) = a.dispersion["gdv"]
    assert abs(g["gdv_g_s"] - 6.0) < 6.0 * 2e-3 and abs(g["reduction_pct"] - 50.0) < 0.2
    text = _text(build_report(a, "uk", tiles=None))
    assert "джерела,якімаютьзнизитивикид" in text
    # the row: source S1, the substance by name, M 12 g/s, ГДВ ≈ 6 g/s, reduction 50,0 %
    assert re.search(r"S1Сірки\S{0,40}?12(5,99\d*|6(,0\d*)?)50,0", text), text[text.find("знизити"):][:300]
