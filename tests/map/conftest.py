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


@pytest.fixture
def make_map(qtbot, dead_tile_url):
    from PySide6.QtCore import QCoreApplication, QEvent

    from ecologis.gui.map import MapView

    views = []

    def make(tile_url=None, wait=True):
        view = MapView(tile_url=dead_tile_url if tile_url is None else tile_url, animate=False)
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
