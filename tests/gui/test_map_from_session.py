"""The map shows the session's project and the pipeline's site analysis: it keeps no copy
of the site or the receptors and computes no analysis of its own; edits made on the map
are undoable session commands."""

import ast
import json
from pathlib import Path

import ecologis.gui.map.map_view as map_view_module


def _square(lat, lon, d=0.001):
    return {"type": "Polygon", "coordinates": [[[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d],
                                                [lon - d, lat + d], [lon - d, lat - d]]]}


def _same(a, b) -> bool:
    """Two site analyses agree: method, radius, zone and every receptor's distance and flag."""
    return (a.method, a.radius_m, a.szz) == (b.method, b.radius_m, b.szz) and \
        [(r.distance_m, r.inside) for r in a.receptors] == [(r.distance_m, r.inside) for r in b.receptors]


def test_map_view_module_runs_no_site_analysis():
    tree = ast.parse(Path(map_view_module.__file__).read_text(encoding="utf-8"))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | \
            {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)} | \
            {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert "analyse_site" not in names


def test_the_map_shows_the_session_project_and_its_assessment(make_window):
    w = make_window(demo=True, restore=False)
    wb = w.wb
    assert not hasattr(w.map, "_site") and not hasattr(w.map, "_receptors")
    e = wb.profile.enterprise
    assert _same(w.map.analysis(), wb.assessment(dispersion=False).site)     # the pipeline's site step
    wb.set_site(_square(e.lat, e.lon))                                    # a session command
    assert w.map.site() == wb.profile.site
    assert _same(w.map.analysis(), wb.assessment(dispersion=False).site)
    assert w.map.analysis().method == "buffer"
    wb.undo()
    assert w.map.site() is None and w.map.analysis().method == "circle"
    # the map's receptors are the project's
    assert [r["name"] for r in w.map.receptors()] == [r.name for r in wb.profile.receptors]


def test_a_receptor_added_on_the_map_is_an_undoable_command(make_window):
    w = make_window(demo=True, restore=False)
    wb = w.wb
    e = wb.profile.enterprise
    before = len(wb.profile.receptors)
    placed = w.map.receptors() + [{"name": "Лікарня", "kind": "hospital",
                                   "geometry": {"type": "Point", "coordinates": [e.lon + 0.002, e.lat]}}]
    w.map.bridge.receptorsEdited(json.dumps(placed))
    assert [r.name for r in wb.profile.receptors][-1] == "Лікарня" and wb.dirty
    assert len(w.map.analysis().receptors) == before + 1                   # analysed by the pipeline
    wb.undo()
    assert len(wb.profile.receptors) == before and len(w.map.receptors()) == before


def test_showing_the_site_does_not_calculate_the_knp_again(make_window, monkeypatch):
    """The map takes the zone of the КНП result the session holds: loading a project and
    editing its site run the pipeline's site step only, not the КНП of every row twice."""
    import importlib

    pipeline_assess = importlib.import_module("ecologis.pipeline.assess")     # the module, not the function
    from ecologis.io.profile import load_profile
    from ecologis.paths import DEMO_PROFILE

    w = make_window(restore=False)
    calls = []
    real = pipeline_assess.assess_knp
    monkeypatch.setattr(pipeline_assess, "assess_knp", lambda *a, **k: calls.append(1) or real(*a, **k))
    w.wb.load(load_profile(DEMO_PROFILE))
    e = w.wb.profile.enterprise
    w.wb.set_site(_square(e.lat, e.lon))
    assert w.map.analysis().method == "buffer" and w.map.analysis().radius_m == w.wb.result.szz_m
    assert calls == []
