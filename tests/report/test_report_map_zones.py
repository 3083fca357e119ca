"""The report's map draws the normative zone (ДСП 173-96 class zone) beside the КНП zone
and the calculated zone, with its legend entry, in the PDF and the Word document.

The demo plant has the sanitary class V; ДСП 173-96 (annex 4) sets 50 m for class V.
Its КНП category III gives the 300 m estimate (thesis table 3.3)."""

from __future__ import annotations

import io

import pytest

from ecologis.i18n import t_lang
from ecologis.io.profile import assess_project, load_profile
from ecologis.paths import DEMO_PROFILE


@pytest.fixture(scope="module")
def demo():
    return assess_project(load_profile(DEMO_PROFILE))


@pytest.fixture
def figures(monkeypatch):
    """Every figure the report draws with site_map_figure, with the arguments it got."""
    import ecologis.plots.site_map as sm

    seen = []
    real = sm.site_map_figure

    def spy(*a, **kw):
        fig = real(*a, **kw)
        seen.append((kw, fig))
        return fig

    monkeypatch.setattr(sm, "site_map_figure", spy)
    return seen


def _legend(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_pdf_report_map_draws_the_normative_zone(demo, figures, lang):
    from ecologis.report.pdf_report import build_report

    build_report(demo, lang, tiles=None)
    ((kw, fig),) = figures
    norm = kw["zones"]["normative"]
    assert (norm["class"], norm["size_m"]) == ("V", 50.0)
    legend = _legend(fig)
    assert t_lang(lang, "report.map.szz_normative", cls="V", size="50") in legend
    assert t_lang(lang, "report.map.szz_knp", radius="300") in legend


def test_word_report_has_the_same_map(demo, figures, tmp_path):
    from docx import Document

    from ecologis.report.pdf_report import write_report

    out = write_report(tmp_path / "r.docx", demo, "en", tiles=None)
    ((kw, fig),) = figures
    assert kw["zones"]["normative"]["size_m"] == 50.0
    assert t_lang("en", "report.map.szz_normative", cls="V", size="50") in _legend(fig)
    doc = Document(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Solid line: the normative SPZ of class V (DSP 173-96, 50 m)" in text


def test_site_map_figure_draws_normative_and_calculated_zones(demo):
    """The figure itself: the normative ring (50 m around the site) and a calculated zone."""
    from shapely.geometry import shape

    from ecologis.plots.site_map import site_map_figure

    zones = demo.zones("en")
    prof = demo.project
    calc = {"geometry": {"type": "Polygon", "coordinates": [[[28.4672, 49.2326], [28.4692, 49.2326],
                                                              [28.4692, 49.2336], [28.4672, 49.2336],
                                                              [28.4672, 49.2326]]]}}
    fig = site_map_figure((prof.enterprise.lat, prof.enterprise.lon), 300.0, site_geojson=prof.site or None,
                          lang="en", zones=dict(zones, calculated=calc), analysis=demo.site)
    legend = _legend(fig)
    assert "Normative SPZ (DSP 173-96), class V: 50 m" in legend
    assert "Calculated SPZ" in legend
    assert "KNP estimate of the SPZ: 300 m" in legend
    # the normative zone reaches 50 m beyond the site: its area exceeds the site's
    if prof.site:
        assert shape(zones["normative"]["geometry"]).area > shape(prof.site).area
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue()[:4] == b"\x89PNG"


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_report_map_takes_the_site_analysis_from_the_assessment(demo, figures, monkeypatch, tmp_path, suffix):
    """The report's map analyses no site itself: the zone and the receptors' status are the
    Assessment's (the same ones the CLI, the export and the screen show)."""
    import ecologis.core.geometry as geometry
    from ecologis.report.pdf_report import write_report

    assert demo.site is not None and len(demo.site.receptors) > 0     # the demo: a zone and receptors
    monkeypatch.setattr(geometry, "analyse_site", lambda *args, **kw: pytest.fail("the report analysed the site"))
    write_report(tmp_path / ("r" + suffix), demo, "en", tiles=None)
    ((kw, fig),) = figures
    assert kw["analysis"] is demo.site
