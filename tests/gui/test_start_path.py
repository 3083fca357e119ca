"""The start path of ``ecologis``: the map view is created first (its page loads while the
rest is imported in a thread) and is the window's map; the window shows the demo's
numbers and the page draws its zone.

Demo = thesis tables 4.1/4.2; the КНП by the hand formula K = Σ a·M/ГДК (thesis formula
3.1): a = 1.7/1.3/1.0/0.9 for classes 1–4.
"""

import json

from ecologis.gui import app as gui_app

A = {1: 1.7, 2: 1.3, 3: 1.0, 4: 0.9}
DEMO = [(16.23192, 1.0, 3), (8.27394, 0.05, 3), (34.7849, 0.04, 2), (27.2772, 3.0, 4), (8.6637, 0.15, 3),
        (1.9689, 50.0, 4), (1.0283, 0.15, 3), (0.10829, 0.2, 2), (0.0112, 0.6, 3), (0.687, 1.5, 4)]


#: the zone's circle lies wholly in the map's view and is at least 60 px across
FRAMED_JS = ("(function () { var a = window.ecologisMap, m = a.map, ci = a.circle;"
             " if (!m.hasLayer(ci)) { return false; } var b = ci.getBounds();"
             " var px = m.latLngToContainerPoint(b.getNorthEast()).x - m.latLngToContainerPoint(b.getSouthWest()).x;"
             " return m.getBounds().contains(b) && px >= 60; })()")


def test_start_uses_the_early_map_and_shows_the_demo(qtbot, monkeypatch, h):
    order = []
    real_map, real_imports = gui_app._early_map, gui_app._import_while_loading

    def early(app):
        view = real_map(app)
        order.append(("map", view))
        return view

    def imports(app):
        order.append(("imports", None))
        real_imports(app)

    monkeypatch.setattr(gui_app, "_early_map", early)
    monkeypatch.setattr(gui_app, "_import_while_loading", imports)
    app, w, _args = gui_app.start(["--demo"])
    qtbot.addWidget(w)
    try:
        assert [k for k, _ in order] == ["map", "imports"]     # the page loads before the imports
        assert w.map is order[0][1]
        assert w.map.parent() is not None and w.map.window() is w
        knp = sum(A[c] * m / g for m, g, c in DEMO)
        assert h.number(w.results.knp_value.text(), "uk") == round(knp, 3)
        h.wait_map(w)
        circle = json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getCircle())"))
        assert round(float(circle["radius"])) == round(w.wb.result.szz_m)
        # the page was laid out while its view was hidden: once shown, the map is framed on
        # the project (the whole zone in view, not the world or a stale size)
        qtbot.waitUntil(lambda: h.run_js(w, FRAMED_JS) is True, timeout=10000)
    finally:
        w._prompt = h.answer
        w._closing_done = True
        w.close()


def test_imports_while_loading_reports_nothing_and_returns(qtbot, monkeypatch):
    """A module that cannot be imported in the thread is left to the ordinary import (no
    exception from the helper, no hang)."""
    from PySide6.QtWidgets import QApplication

    monkeypatch.setattr(gui_app, "_WINDOW_MODULES", ("ecologis.no_such_module", "json"))
    monkeypatch.setattr(gui_app, "_LATER_MODULES", ("ecologis.no_such_module_either",))
    gui_app._import_while_loading(QApplication.instance())
