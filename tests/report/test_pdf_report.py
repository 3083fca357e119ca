"""The PDF report: text content (pypdf), page 1 rendered with pdftoppm, escaping, fonts."""

import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from ecologis.io.profile import assess_project, load_profile
from ecologis.paths import DEMO_PROFILE
from ecologis.report.pdf_report import build_report, fallback_site_map_figure


# The thesis's worked example (§4.2–4.3): КНП = 1386.1866552 → printed 1386.187 (3 decimals), category III,
# СЗЗ 300 m (implemented scale: III for [10^3, 10^4)).


def _text(pdf: bytes) -> tuple[str, PdfReader]:
    import io

    r = PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() for p in r.pages), r


def _squash(s: str) -> str:
    # a word hyphenated at the end of a table line ("суспендова-\nних") is read as one word
    return re.sub(r"[\s\u202f\u00a0]+", "", re.sub(r"(?<=[^\W\d_])-\n(?=[^\W\d_])", "", s))


@pytest.fixture(scope="module")
def demo():
    p = load_profile(DEMO_PROFILE)
    p.enterprise.name = "ПрАТ <b>«РОШЕН»</b> & <font size=40>Ко</font>"
    p.enterprise.edrpou = "14360570"
    return p, assess_project(p, dispersion=False).result


@pytest.fixture(scope="module")
def pdf_uk(demo):
    return build_report(assess_project(demo[0]), lang="uk")


def test_uk_report_contains_results_and_every_substance(demo, pdf_uk):
    p, r = demo
    text, reader = _text(pdf_uk)
    flat = _squash(text)
    assert "1386,187" in flat                          # КНП, uk digit grouping removed by _squash
    assert "КатегоріянебезпекипідприємстваIII" in flat
    assert "300м" in flat
    for c in r.contributions:                          # every substance, in Cyrillic
        assert re.search("[А-Яа-яІіЇїЄєҐґ]", c["substance"])
        assert _squash(c["substance"]) in flat, c["substance"]
    assert len(r.contributions) == 10
    n = len(reader.pages)
    assert f"Сторінка 1 з {n}" in text and f"Сторінка {n} з {n}" in text
    for heading in ("Методика розрахунку", "Вхідні дані", "Рекомендації", "Примітки щодо даних", "Підписи"):
        assert heading in text
    assert "K_i = a(c_i) · M_i / ГДК_i" in text        # the formula of the preset used
    # The preset by its name, not its internal id "ecologis-2025" (the id is no text for a client).
    assert _squash("EcologIS 2025 (дипломна робота): K = a·M/ГДК") in flat
    assert "Дипломна робота (ВНТУ, 2025)" in text      # the preset's source, in the report's language


def test_en_report(demo):
    text, _ = _text(build_report(assess_project(demo[0]), lang="en"))
    assert "1,386.187" in text
    assert "Hazard category of the enterprise" in text and "III" in text and "300 m" in text
    assert "Nitrogen dioxide" in text and "Page 1 of" in text


def test_user_markup_is_printed_as_text(pdf_uk):
    text, _ = _text(pdf_uk)
    assert "<b>«РОШЕН»</b> & <font size=40>Ко</font>" in text


def test_fonts_are_embedded(pdf_uk):
    """Every font used for text is DejaVu with its TrueType program embedded.  (reportlab
    lists the standard Helvetica as /F1 and selects it in an empty page preamble
    ``BT /F1 12 Tf 14.4 TL ET``; it must never be selected anywhere else.)"""
    _, reader = _text(pdf_uk)
    names = set()
    for page in reader.pages:
        content = page.get_contents().get_data().replace(b"BT /F1 12 Tf 14.4 TL ET", b"")
        for key, f in page["/Resources"]["/Font"].items():
            f = f.get_object()
            used = (str(key).encode() + b" ") in content
            if str(f["/BaseFont"]) == "/Helvetica":
                assert not used
                continue
            desc = f.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in f:
                desc = f["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in desc.get_object(), f["/BaseFont"]   # TrueType program embedded
            names.add(str(f["/BaseFont"]))
    assert any(n.endswith("+DejaVuSans") for n in names) and any(n.endswith("+DejaVuSans-Bold") for n in names)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_page_one_renders_non_blank(pdf_uk, tmp_path):
    from PIL import Image

    f = tmp_path / "r.pdf"
    f.write_bytes(pdf_uk)
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(f), str(tmp_path / "pg")], check=True,
                   timeout=60)
    png = next(tmp_path.glob("pg*.png"))
    im = Image.open(png).convert("L")
    px = list(im.tobytes())
    dark = sum(1 for v in px if v < 200)
    assert dark / len(px) > 0.01                     # text and the result box are on the page
    assert min(px) < 60


def test_errors_and_fallbacks_listed_in_validation_notes(tmp_path):
    from ecologis.model import Emission, Enterprise
    from ecologis.io.profile import Project

    p = Project(enterprise=Enterprise(name="Тест"), emissions=[
        Emission("Азоту діоксид", 4.0, "t/yr"),
        Emission("Невідома речовина", 1.0, "t/yr"),
        Emission("Метан", 2.0, "t/yr"),              # no ГДК с.д. in the dictionary → fallback
        Emission("Вуглецю оксид", "abc", "t/yr"),
    ])
    text, _ = _text(build_report(assess_project(p), lang="en"))
    flat = _squash(text)
    assert _squash("Rows with errors, not counted in KNP (2)") in flat
    assert "Невідома" in text and "row 4" in text
    assert "Fallback MPC used" in text


@pytest.mark.parametrize("lang,bar,north", [("en", "100 m", "N"), ("uk", "100 м", "Пн")])
def test_fallback_map_figure_has_scale_bar(lang, bar, north):
    fig = fallback_site_map_figure(None, 300.0, lang)
    texts = [t.get_text() for t in fig.axes[0].texts]
    # width 2·1.25·300 = 750 m; the shared scale bar is the largest 1/2/5·10^k ≤ 750/4 = 187.5 → 100 m
    assert bar in texts and "0" in texts
    assert north in texts                             # the translated north letter (geo.plot.north)


def test_map_uses_the_map_engineers_figure_or_the_fallback(demo):
    from ecologis.report.pdf_report import site_map_png

    p, r = demo
    _, who = site_map_png(p, r, site=assess_project(p, dispersion=False).site)
    assert who == "site_map"                          # ecologis.plots.site_map (map engineer)
    from dataclasses import replace

    from ecologis.io.profile import Project

    q = Project(enterprise=replace(p.enterprise, lat=None, lon=None), emissions=p.emissions)
    buf, who = site_map_png(q, r, site=assess_project(q, dispersion=False).site)
    assert who == "fallback" and buf.getvalue().startswith(b"\x89PNG")
    # no enterprise point but a site polygon: the site map centred on the site
    site = {"type": "Polygon", "coordinates": [[[28.46, 49.23], [28.47, 49.23], [28.47, 49.235], [28.46, 49.235],
                                                [28.46, 49.23]]]}
    q2 = Project(enterprise=replace(p.enterprise, lat=None, lon=None), emissions=p.emissions, site=site)
    _, who = site_map_png(q2, r, site=assess_project(q2, dispersion=False).site)
    assert who == "site_map"
