"""The report's figures are rasterised on the Agg canvas directly (pdf_report._png): the
pixels must be those matplotlib's own ``savefig`` gives for the same figure and dpi."""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from ecologis.io.profile import assess_project, load_profile
from ecologis.paths import DEMO_PROFILE
from ecologis.report.pdf_report import _png, fallback_site_map_figure


def _savefig_pixels(fig, dpi=150):
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor=fig.get_facecolor())
    buf.seek(0)
    return np.asarray(Image.open(buf).convert("RGBA"))


@pytest.fixture(scope="module")
def result():
    return assess_project(load_profile(DEMO_PROFILE), dispersion=False).result


@pytest.mark.parametrize("which", ["chart_uk", "chart_en", "fallback_map"])
def test_report_figure_pixels_equal_savefig(which, result):
    from ecologis.plots.contributions import contributions_figure

    def make():
        if which == "fallback_map":
            return fallback_site_map_figure(None, 300.0, "uk")
        return contributions_figure(result, which[-2:])

    expected = _savefig_pixels(make())
    buf = _png(make())
    img = Image.open(buf)
    assert img.mode == "RGB"                                   # opaque figure: no alpha channel stored
    got = np.asarray(img.convert("RGBA"))
    assert got.shape == expected.shape and np.array_equal(got, expected)
