"""Fixtures for the map tests: a real MapView whose tile server is a closed local port."""

import json
import socket

import pytest


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def dead_tile_url():
    """A tile URL nothing listens on: every tile fails at once, as on a machine offline."""
    return f"http://127.0.0.1:{closed_port()}/{{z}}/{{x}}/{{y}}.png"


class PageHelper:
    def __init__(self, qtbot, view):
        self.qtbot = qtbot
        self.view = view

    def js(self, code: str, timeout: int = 10000):
        """Evaluate ``code`` in the page; JSON-encoded there, decoded here."""
        box = []
        self.view.run_js("JSON.stringify((function(){ var v = (%s); return v === undefined ? null : v; })())" % code,
                        box.append)
        self.qtbot.waitUntil(lambda: bool(box), timeout=timeout)
        return None if box[0] is None else json.loads(box[0])

    def wait_js(self, code: str, timeout: int = 15000):
        """Wait until ``code`` is truthy in the page."""
        self.qtbot.waitUntil(lambda: bool(self.js(code)), timeout=timeout)


class MapSession:
    """What the main window gives the map, for a map tested alone: the project it shows
    (site, receptors, enterprise point) and that project's assessment — the pipeline's
    site analysis step (:func:`ecologis.pipeline.assess.analyse`) with the radius the map
    is given (in the window, the assessment's own СЗЗ radius).  Edits made on the page and
    the test's ``set_site``/``set_receptors`` reach the project, as the window's session
    commands do."""

    def __init__(self):
        from ecologis.model import Project

        self.profile = Project()
        self.view = None

    def attach(self, view) -> None:
        from ecologis.model import Receptor

        self.view = view

        def take_site(geom):
            self.profile.site = geom or None

        def take_receptors(items):
            self.profile.receptors = [Receptor.from_dict(r) for r in items or []]

        def take_sources(items):
            from ecologis.model import Source

            self.profile.sources = [Source(id=str(d.get("id") or ""), name=str(d.get("name") or ""),
                                           lat=d.get("lat"), lon=d.get("lon")) for d in items or []]

        view.siteEdited.connect(take_site)
        view.receptorsEdited.connect(take_receptors)
        view.sourcesEdited.connect(take_sources)
        show_site, show_receptors, show_sources = view.set_site, view.set_receptors, view.set_sources

        def set_site(geojson):
            if geojson:
                from ecologis.core.geometry import validate_site

                validate_site(geojson)
            take_site(geojson)
            show_site(geojson)

        def set_receptors(items):
            take_receptors([dict(r) for r in items or []])
            show_receptors(items)

        def set_sources(items):
            take_sources([d if isinstance(d, dict) else vars(d) for d in items or []])
            show_sources(items)

        view.set_site, view.set_receptors, view.set_sources = set_site, set_receptors, set_sources

    def site_analysis(self):
        from ecologis.pipeline.assess import analyse

        lat, lon, _name = self.view.enterprise()
        self.profile.enterprise.lat, self.profile.enterprise.lon = lat, lon
        return analyse(self.profile, self.view.radius())


@pytest.fixture
def make_map(qtbot, dead_tile_url):
    from PySide6.QtCore import QCoreApplication, QEvent

    from ecologis.gui.map import MapView

    views = []

    def make(tile_url=None, wait=True, session=True):
        """A real map page; ``session`` (default) gives it a :class:`MapSession` (its project
        and the pipeline's site analysis), ``False`` shows it alone (no analysis)."""
        ms = MapSession() if session else None
        view = MapView(tile_url=dead_tile_url if tile_url is None else tile_url, animate=False, session=ms)
        if ms is not None:
            ms.attach(view)
        views.append(view)
        view.resize(800, 600)
        view.show()
        if wait:
            with qtbot.waitSignal(view.pageReady, timeout=30000):
                pass
        return view, PageHelper(qtbot, view)

    yield make
    # Delete the pages before the web engine profile goes away at exit.
    for view in views:
        view.close()
        view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
