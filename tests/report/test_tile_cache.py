"""The persistent tile cache: tiles fetched from a tile server on 127.0.0.1 are stored in
one MBTiles file (WAL), and the report's map draws them after the server has stopped."""

from __future__ import annotations

import io
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from PIL import Image

from ecologis.io.profile import assess_project, load_profile
from ecologis.io.tile_cache import TileCache, TileSources, default_cache_path
from ecologis.paths import DEMO_PROFILE

MAGENTA = (255, 0, 255)


def _png(color) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (256, 256), color).save(buf, format="PNG")
    return buf.getvalue()


class _Tiles(BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):  # noqa: N802 - http.server API
        type(self).hits.append(self.path)
        body = _png(MAGENTA)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    srv.timeout = 5
    th = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    th.start()
    _Tiles.hits = []
    yield srv
    srv.shutdown()
    srv.server_close()


def _demo_tiles(zooms=(13, 14, 15)):
    """XYZ tiles around the demo plant (49.2331 N, 28.4682 E), ±0.02° (≈ ±2 km)."""
    import mercantile

    return [(t.z, t.x, t.y) for z in zooms for t in mercantile.tiles(28.4482, 49.2131, 28.4882, 49.2531, z)]


def test_cache_file_is_mbtiles_in_wal_mode(tmp_path):
    c = TileCache(tmp_path / "t.mbtiles")
    c.put(15, 18975, 11091, b"x")
    assert c.get(15, 18975, 11091) == b"x"
    c.close()
    db = sqlite3.connect(tmp_path / "t.mbtiles")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # MBTiles stores TMS rows: y_tms = 2^z − 1 − y = 32768 − 1 − 11091 = 21676
    assert db.execute("SELECT tile_row FROM tiles").fetchone()[0] == 21676
    assert dict(db.execute("SELECT name, value FROM metadata"))["format"] == "png"


def test_fetched_tiles_are_cached_and_the_report_map_uses_them_offline(server):
    from ecologis.report.pdf_report import site_map_png

    url = f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    cache = TileCache()                                   # the user's cache file (isolated user folder)
    assert cache.path == default_cache_path()
    wanted = _demo_tiles()
    for z, x, y in wanted:
        assert cache.fetch(z, x, y, url) is not None
    assert len(_Tiles.hits) == len(wanted)
    for z, x, y in wanted[:3]:                            # a second request is served from the cache
        cache.fetch(z, x, y, url)
    assert len(_Tiles.hits) == len(wanted)
    cache.close()
    server.shutdown()
    server.server_close()                                 # offline from here on

    p = load_profile(DEMO_PROFILE)
    a = assess_project(p)
    png, who, base = site_map_png(p, a.result, "en", with_info=True, site=a.site)
    assert who == "site_map" and base is not None and base["kind"] == "tiles"
    assert base["attribution"] == "© OpenStreetMap contributors"
    img = np.asarray(Image.open(png).convert("RGB"))
    magenta = np.all(img == MAGENTA, axis=-1).mean()
    assert magenta > 0.05                                 # the cached tiles are visible under the layers

    from ecologis.report.pdf_report import build_report
    from pypdf import PdfReader

    text = "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(build_report(a, "en"))).pages)
    assert "No base map was available offline" not in text


def test_without_tiles_the_map_says_so_and_still_draws_the_layers(tmp_path):
    from ecologis.report.pdf_report import build_report, site_map_png
    from pypdf import PdfReader

    p = load_profile(DEMO_PROFILE)
    a = assess_project(p)
    empty = TileSources([TileCache(tmp_path / "empty.mbtiles")])
    png, who, base = site_map_png(p, a.result, "en", tiles=empty, with_info=True, site=a.site)
    assert who == "site_map" and base is None
    text = " ".join(pg.extract_text() for pg in PdfReader(io.BytesIO(build_report(a, "en", tiles=empty))).pages)
    assert "No base map was available offline" in " ".join(text.split())


def test_unreachable_server_gives_no_tile(tmp_path):
    c = TileCache(tmp_path / "t.mbtiles")
    # port 9 (discard) on 127.0.0.1: nothing listens in the test environment
    assert c.fetch(15, 1, 1, "http://127.0.0.1:9/{z}/{x}/{y}.png", timeout=1) is None
    assert c.count() == 0


def test_underlay_image_is_drawn(tmp_path):
    from ecologis.io.underlay import read_underlay
    from ecologis.report.pdf_report import site_map_png

    plan = tmp_path / "plan.png"
    plan.write_bytes(_png((0, 255, 255)))
    p = load_profile(DEMO_PROFILE)
    # a plan covering ±0.01° around the plant
    p.extensions["basemap"] = {"image": str(plan), "bounds": [28.4582, 49.2231, 28.4782, 49.2431]}
    assert read_underlay(plan, p.extensions["basemap"]["bounds"]) is not None
    a = assess_project(p)
    png, who, base = site_map_png(p, a.result, "uk", tiles=None, with_info=True, site=a.site)
    assert base == {"kind": "underlay"}
    img = np.asarray(Image.open(png).convert("RGB"))
    assert np.all(img == (0, 255, 255), axis=-1).mean() > 0.05


def test_gui_map_reads_tiles_through_the_cache(server, qtbot, monkeypatch):
    """The map page's tile URL (default, no explicit tile_url) is the local cache server:
    a tile fetched through it lands in the cache file the report reads."""
    from ecologis.gui.map.map_view import cached_tile_url
    from ecologis.io.tile_proxy import stop_shared
    import httpx as requests        # the same get(url, timeout=) API

    upstream = f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    try:
        url = cached_tile_url(upstream)
        assert url.startswith("http://127.0.0.1:") and url != upstream
        r = requests.get(url.format(z=15, x=18975, y=11091), timeout=5)
        assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
        assert TileCache(readonly=True).get(15, 18975, 11091) == r.content
        assert requests.get(url.replace("{z}/{x}/{y}.png", "etc/passwd"), timeout=5).status_code == 404
        assert cached_tile_url("") == ""                  # offline stays offline
    finally:
        stop_shared()
