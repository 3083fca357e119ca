"""Emission sources on the real map page: dragged with the mouse (no drawing mode on),
highlighted when selected in the sources table."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest


def _source_pixel(page, i=0):
    p = page.js("(function(){var m = window.ecologisMap.layers.sources.getLayers()[%d];"
                "var pt = window.ecologisMap.map.latLngToContainerPoint(m.getLatLng());"
                "return [pt.x, pt.y];})()" % i)
    return QPoint(round(p[0]), round(p[1]))


def mouse_drag(qtbot, view, start: QPoint, end: QPoint, steps: int = 8) -> None:
    """Press, move in steps and release like a user, on the web view's input widget."""
    target = view.view.focusProxy() or view.view
    QTest.mouseMove(target, start)
    qtbot.wait(50)
    QTest.mousePress(target, Qt.LeftButton, Qt.NoModifier, start)
    for k in range(1, steps + 1):
        QTest.mouseMove(target, start + (end - start) * k / steps)
        qtbot.wait(20)
    QTest.mouseRelease(target, Qt.LeftButton, Qt.NoModifier, end)


def test_a_source_is_dragged_with_the_mouse(make_map, qtbot):
    view, page = make_map()
    view.set_sources([{"id": "1", "name": "Труба", "lat": 50.4501, "lon": 30.5234},
                      {"id": "2", "name": "Котельня", "lat": 50.4490, "lon": 30.5200}])
    page.wait_js("window.ecologisMap.getSources().length === 2")
    start = _source_pixel(page)
    # the icon's anchor is its bottom tip: grab the triangle a few pixels above it
    grab = start + QPoint(0, -5)
    with qtbot.waitSignal(view.sourcesEdited, timeout=10000) as blocker:
        mouse_drag(qtbot, view, grab, grab + QPoint(60, 40))
    moved = blocker.args[0]
    assert [s["id"] for s in moved] == ["1", "2"]
    # 60 px to the east and 40 px to the south: longitude grows, latitude falls
    assert moved[0]["lon"] > 30.5234 and moved[0]["lat"] < 50.4501
    assert (moved[1]["lat"], moved[1]["lon"]) == (50.4490, 30.5200)
    end = _source_pixel(page)
    assert (end.x() - start.x(), end.y() - start.y()) == (60, 40)


def test_selected_source_is_highlighted(make_map, qtbot):
    view, page = make_map()
    view.set_sources([{"id": "1", "name": "Труба", "lat": 50.4501, "lon": 30.5234},
                      {"id": "2", "name": "Котельня", "lat": 50.50, "lon": 30.60}])
    page.wait_js("window.ecologisMap.getSources().length === 2")
    view.highlight_source("2")
    page.wait_js("window.ecologisMap.highlightedSource() === '2'")
    # the view pans to it: the source is inside the visible bounds
    assert page.js("window.ecologisMap.map.getBounds().contains([50.50, 30.60])")
    assert page.js("document.querySelectorAll('.eco-source-selected').length") == 1
    # redrawn sources keep the highlight; another id moves it; None clears it
    view.set_sources([{"id": "1", "name": "Труба", "lat": 50.4501, "lon": 30.5234},
                      {"id": "2", "name": "Котельня", "lat": 50.5001, "lon": 30.60}])
    page.wait_js("window.ecologisMap.getSources()[1].lat === 50.5001")
    assert page.js("document.querySelectorAll('.eco-source-selected').length") == 1
    view.highlight_source(None)
    page.wait_js("window.ecologisMap.highlightedSource() === null")
    assert page.js("document.querySelectorAll('.eco-source-selected').length") == 0
