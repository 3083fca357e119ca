"""``ecologis-cli site`` runs the site analysis where every other consumer does: a project's
site is its Assessment's (``Assessment.site``), loose GIS layers go through
:func:`ecologis.pipeline.site_analysis` — never a second copy of the rule in the CLI."""

import json
import sys
from pathlib import Path

import pytest

import ecologis.core.geometry as geometry
from ecologis.cli import main
from ecologis.io.profile import assess_project, load_profile
from ecologis.paths import DEMO_PROFILE
from ecologis.pipeline import clear_cache

from .conftest import demo_with_site, square_site


@pytest.fixture
def callers(monkeypatch):
    """The file of every caller of ``core.geometry.analyse_site`` (which still runs)."""
    seen = []
    real = geometry.analyse_site

    def spy(*args, **kw):
        seen.append(Path(sys._getframe(1).f_code.co_filename).as_posix())
        return real(*args, **kw)

    monkeypatch.setattr(geometry, "analyse_site", spy)
    clear_cache()
    yield seen
    clear_cache()


def _project(tmp_path):
    # the demo plant with a 200 m square site and a kindergarten 250 m east of its boundary
    return demo_with_site(tmp_path / "p.json")


def test_site_of_a_project_is_its_assessments(tmp_path, capsys, callers):
    path = _project(tmp_path)
    assert main(["site", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # one analysis, the pipeline's (the assessment that gives the radius also gives the zone)
    assert len(callers) == 1 and callers[0].endswith("ecologis/pipeline/assess.py")
    a = assess_project(load_profile(path), dispersion=False)
    assert doc["szz"] == a.site.szz and doc["szz_area_m2"] == round(a.site.szz_area_m2, 1)


def test_loose_layers_are_analysed_by_the_pipeline(tmp_path, capsys, callers):
    site = tmp_path / "site.geojson"
    site.write_text(json.dumps(square_site()), encoding="utf-8")
    assert main(["site", "--site", str(site), "--radius", "300", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "buffer"
    assert callers and all(c.endswith("ecologis/pipeline/assess.py") for c in callers)


def test_project_with_a_radius_given_is_analysed_by_the_pipeline(capsys, callers):
    assert main(["site", str(DEMO_PROFILE), "--radius", "500", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "circle"
    assert callers and all(c.endswith("ecologis/pipeline/assess.py") for c in callers)
