"""The persistent map tile cache and offline base maps (MBTiles).

One file, ``tiles.mbtiles`` in :func:`ecologis.paths.user_data_dir`: an MBTiles 1.3
SQLite database (tables ``metadata`` and ``tiles``, rows in the TMS numbering) opened in
WAL mode, so the GUI map can store tiles while a report reads them.  The map fills it
while online (:meth:`TileCache.fetch`: from the cache, else downloaded and stored); the
map and the report read it offline (:meth:`TileCache.get`).

A user's own offline base map is any MBTiles file with raster tiles (PNG/JPEG/WebP);
:class:`TileCache` opens it read-only with ``readonly=True``.  Tile numbers are the
usual XYZ (slippy map) numbers everywhere in the API; the flip to TMS rows is internal.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

#: The base layer the map shows and the cache stores (OpenStreetMap standard tiles).
DEFAULT_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_ATTRIBUTION = "© OpenStreetMap contributors"
CACHE_FILE = "tiles.mbtiles"
USER_AGENT = "EcologIS (desktop; tile cache)"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS metadata (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles (zoom_level, tile_column, tile_row);
"""


def default_cache_path() -> Path:
    from ecologis.paths import user_data_dir

    return user_data_dir() / CACHE_FILE


def _tms_row(z: int, y: int) -> int:
    return (1 << z) - 1 - y


class TileCache:
    """An MBTiles file used as a tile store (thread-safe; one connection per instance)."""

    def __init__(self, path: str | Path | None = None, readonly: bool = False):
        self.path = Path(path) if path is not None else default_cache_path()
        self.readonly = readonly
        self._lock = threading.Lock()
        if readonly:
            uri = self.path.resolve().as_uri() + "?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=10)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            with self._db:
                for k, v in (("name", "EcologIS tile cache"), ("format", "png"), ("type", "baselayer"),
                             ("version", "1.3"), ("attribution", DEFAULT_ATTRIBUTION)):
                    self._db.execute("INSERT OR IGNORE INTO metadata (name, value) VALUES (?, ?)", (k, v))

    # -- reading -------------------------------------------------------------------
    def get(self, z: int, x: int, y: int) -> bytes | None:
        """The tile (XYZ numbers) or None."""
        with self._lock:
            row = self._db.execute("SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                                   (int(z), int(x), _tms_row(int(z), int(y)))).fetchone()
        return bytes(row[0]) if row else None

    def metadata(self) -> dict:
        with self._lock:
            try:
                return dict(self._db.execute("SELECT name, value FROM metadata").fetchall())
            except sqlite3.DatabaseError:
                return {}

    @property
    def attribution(self) -> str:
        return self.metadata().get("attribution") or ""

    def zooms(self) -> list[int]:
        """The zoom levels that have at least one tile."""
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT DISTINCT zoom_level FROM tiles ORDER BY zoom_level")]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM tiles").fetchone()[0])

    # -- writing -------------------------------------------------------------------
    def put(self, z: int, x: int, y: int, data: bytes) -> None:
        """Store a tile (XYZ numbers); replaces an older copy."""
        if self.readonly:
            raise PermissionError(str(self.path))
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data) "
                             "VALUES (?, ?, ?, ?)", (int(z), int(x), _tms_row(int(z), int(y)), sqlite3.Binary(data)))

    def fetch(self, z: int, x: int, y: int, url_template: str = DEFAULT_URL, timeout: float = 10.0,
              session=None) -> bytes | None:
        """The tile from the cache, else downloaded from ``url_template`` (``{z}/{x}/{y}``)
        and stored; None when it is neither cached nor reachable."""
        data = self.get(z, x, y)
        if data is not None:
            return data
        import httpx

        getter = session or httpx            # an httpx.Client keeps its connection between tiles
        try:
            resp = getter.get(url_template.format(z=z, x=x, y=y), timeout=timeout,
                              headers={"User-Agent": USER_AGENT}, follow_redirects=True)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError):
            return None
        ctype = resp.headers.get("Content-Type", "")
        if resp.status_code != 200 or not resp.content or not ctype.startswith("image/"):
            return None
        if not self.readonly:
            self.put(z, x, y, resp.content)
        return resp.content

    def close(self) -> None:
        with self._lock:
            self._db.close()


class TileSources:
    """Where a drawing takes its tiles from, in order: the user's offline base map (an
    MBTiles file), then the persistent cache.  ``get`` returns (bytes, attribution)."""

    def __init__(self, stores: list[TileCache]):
        self.stores = stores

    @classmethod
    def default(cls, offline_basemap: str | Path | None = None) -> "TileSources":
        stores = []
        if offline_basemap:
            try:
                stores.append(TileCache(offline_basemap, readonly=True))
            except sqlite3.Error:
                pass
        path = default_cache_path()
        if path.exists():
            try:
                stores.append(TileCache(path, readonly=True))
            except sqlite3.Error:
                pass
        return cls(stores)

    def get(self, z: int, x: int, y: int) -> tuple[bytes | None, str]:
        for s in self.stores:
            try:
                data = s.get(z, x, y)
            except sqlite3.Error:
                continue
            if data is not None:
                return data, s.attribution
        return None, ""


def inspect_mbtiles(path) -> dict:
    """What a user's offline base map holds: ``{"name", "attribution", "format", "tiles",
    "minzoom", "maxzoom", "bounds"}`` (bounds west, south, east, north or None);
    :class:`ecologis.io.underlay.UnderlayError` naming the file when it is no MBTiles file
    with raster tiles."""
    from ecologis.io.underlay import UnderlayError

    p = Path(path)
    if not p.is_file():
        raise UnderlayError(str(p), "underlay.error.unreadable", detail="—")
    try:
        store = TileCache(p, readonly=True)
    except sqlite3.Error:
        raise UnderlayError(str(p), "underlay.error.not_mbtiles") from None
    try:
        meta = store.metadata()
        count = store.count()
        zooms = store.zooms()
    except sqlite3.Error:
        raise UnderlayError(str(p), "underlay.error.not_mbtiles") from None
    finally:
        store.close()
    fmt = str(meta.get("format") or "png").lower()
    if fmt not in ("png", "jpg", "jpeg", "webp"):
        raise UnderlayError(str(p), "underlay.error.mbtiles_vector", format=fmt)
    if count == 0:
        raise UnderlayError(str(p), "underlay.error.mbtiles_empty")
    bounds = None
    try:
        b = [float(v) for v in str(meta.get("bounds") or "").split(",")]
        if len(b) == 4 and b[0] < b[2] and b[1] < b[3]:
            bounds = tuple(b)
    except ValueError:
        bounds = None
    return {"name": meta.get("name") or p.stem, "attribution": meta.get("attribution") or "", "format": fmt,
            "tiles": count, "minzoom": min(zooms) if zooms else None, "maxzoom": max(zooms) if zooms else None,
            "bounds": bounds}
