"""A tile server on 127.0.0.1 in front of the tile cache, for the GUI map.

The Leaflet page asks ``http://127.0.0.1:<port>/{z}/{x}/{y}.png``; the server answers from
the persistent cache (:class:`ecologis.io.tile_cache.TileCache`), else fetches the tile from
the upstream URL, stores it and answers; a tile neither cached nor reachable is a 404, and
the page switches to its plain offline layer as before.  So the map fills the cache while
online and shows what it holds offline, and the report reads the same file.

One server per process, started on first use (:func:`shared_proxy`), a daemon thread that
ends with the application.  Only ``/<z>/<x>/<y>.png`` paths with valid tile numbers are
served; the port listens on the loopback interface only.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ecologis.io.tile_cache import DEFAULT_URL, TileCache

_PATH = re.compile(r"^/(\d{1,2})/(\d{1,7})/(\d{1,7})\.png$")


class TileProxy:
    """Serve tiles of ``upstream`` through ``cache`` on 127.0.0.1 (port chosen by the system)."""

    def __init__(self, upstream: str = DEFAULT_URL, cache: TileCache | None = None, timeout: float = 10.0):
        self.upstream = upstream
        self.cache = cache or TileCache()
        self.timeout = timeout
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server API
                m = _PATH.match(self.path.split("?", 1)[0])
                data = None
                if m:
                    z, x, y = (int(v) for v in m.groups())
                    if z <= 22 and x < (1 << z) and y < (1 << z):
                        data = proxy.cache.fetch(z, x, y, proxy.upstream, timeout=proxy.timeout) if proxy.upstream \
                            else proxy.cache.get(z, x, y)
                if data is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "max-age=86400")
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2},
                                       name="ecologis-tile-proxy", daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The tile URL template the map uses."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


_shared: dict[str, TileProxy] = {}
_lock = threading.Lock()


def shared_proxy(upstream: str = DEFAULT_URL) -> TileProxy:
    """The process's proxy for ``upstream`` (started on first use)."""
    with _lock:
        p = _shared.get(upstream)
        if p is None:
            p = _shared[upstream] = TileProxy(upstream)
        return p


def mbtiles_proxy(path) -> TileProxy:
    """The process's server of a user's offline base map (an MBTiles file, read-only, no
    upstream): the map page shows it as a tile layer."""
    from pathlib import Path

    key = "mbtiles:" + str(Path(path).resolve())
    with _lock:
        p = _shared.get(key)
        if p is None:
            p = _shared[key] = TileProxy("", cache=TileCache(path, readonly=True))
        return p


def stop_shared() -> None:
    """Stop every shared proxy (tests; the application lets the daemon threads end)."""
    with _lock:
        for p in _shared.values():
            p.stop()
        _shared.clear()
