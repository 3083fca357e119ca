"""The PDF map figure: offline matplotlib drawing with scale bar and north arrow."""

import io

import pytest

from ecologis.pipeline import site_analysis
from ecologis.plots.site_map import _nice_length, site_map_figure

from .conftest import LAT0, LON0, east_of_boundary, square_site


@pytest.mark.parametrize("span, expected", [(1000, 200), (2400, 500), (90, 20), (12000, 2000)])
def test_nice_scale_length(span, expected):
    # Largest 1-2-5 length not above a quarter of the span: 250→200, 600→500, 22.5→20, 3000→2000.
    assert _nice_length(span) == expected


def test_site_map_figure_draws_everything():
    lat, lon = east_of_boundary(250.0)
    lat2, lon2 = east_of_boundary(350.0)
    recs = [{"name": "$x$ <b>", "kind": "school", "lat": lat, "lon": lon},
            {"name": "Дім", "kind": "residential", "lat": lat2, "lon": lon2}]
    analysis = site_analysis(300, square_site(), recs, center=(LAT0, LON0))   # the figure analyses nothing
    fig = site_map_figure((LAT0, LON0), 300, site_geojson=square_site(), analysis=analysis,
                          sources=[{"id": "1", "name": "ДВ-1", "lat": LAT0, "lon": LON0}], lang="en")
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "N" in texts                              # north arrow label
    assert any(t.endswith(" m") for t in texts)      # scale bar label
    assert " $x$ <b>" in texts                        # names drawn literally (no mathtext)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Receptor inside the SPZ" in legend and "Receptor outside the SPZ" in legend
    assert "SPZ (300 m)" in legend and "Industrial site" in legend
    # The view holds the whole zone: 100 + 300 m each side of the centre.
    x0, x1 = ax.get_xlim()
    assert x0 < -400 and x1 > 400
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue()[:4] == b"\x89PNG"


def test_site_map_figure_circle_only_uk():
    fig = site_map_figure((LAT0, LON0), 1000, lang="uk", analysis=site_analysis(1000, center=(LAT0, LON0)))
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "Пн" in texts and any(t.endswith(" км") or t.endswith(" м") for t in texts)
    x0, x1 = ax.get_xlim()
    assert x0 < -1000 and x1 > 1000
