"""The map widget: a QWebEngineView showing the local Leaflet page ``resources/map/``.

Leaflet (and the geoman drawing tools) are vendored in ``resources/vendor/``; nothing
is fetched from a CDN.  OpenStreetMap tiles are used when they load; otherwise the page
switches by itself to a plain offline background with a coordinate grid (no dialog).

Python → page: :meth:`MapView.run_js` on ``window.ecologisMap`` (queued until the page
is ready).  Page → Python: a QWebChannel object ``bridge`` whose slots re-emit Qt
signals (:attr:`MapView.markerMoved`, :attr:`MapView.pageReady`, ...).

The tile URL defaults to OpenStreetMap; ``ECOLOGIS_TILE_URL`` overrides it (an empty
value means "offline, do not request tiles at all"), and so does the ``tile_url``
constructor argument (tests point it at a closed local port).  Without the argument the
page reads the tiles through the local tile-cache server (:func:`cached_tile_url`).
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Callable

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ecologis.i18n import translator
from ecologis.paths import RESOURCES_DIR
from ecologis.core.receptors import RECEPTOR_KINDS

log = logging.getLogger(__name__)

MAP_PAGE = RESOURCES_DIR / "map" / "index.html"
OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_CENTER = (50.4501, 30.5234)   # Kyiv: the map (and a new profile) before coordinates are set


def map_strings(lang: str | None = None) -> dict[str, str]:
    """All ``map.*`` strings of ``lang`` (current language by default) for the page."""
    strings = translator.strings(lang or translator.lang)
    return {k: v for k, v in strings.items() if k.startswith("map.")}


def _js(value: Any) -> str:
    """A Python value as a JavaScript literal (JSON is valid JavaScript here)."""
    return json.dumps(value, ensure_ascii=False)


class _Bridge(QObject):
    """The QWebChannel object the page calls (``channel.objects.bridge``)."""

    pageReadyJs = Signal()
    markerMovedJs = Signal(float, float)
    siteEditedJs = Signal(str)
    receptorsEditedJs = Signal(str)
    sourcesEditedJs = Signal(str)
    searchJs = Signal(str)
    pointPickedJs = Signal(float, float)

    @Slot()
    def pageReady(self) -> None:
        self.pageReadyJs.emit()

    @Slot(float, float)
    def markerMoved(self, lat: float, lon: float) -> None:
        self.markerMovedJs.emit(float(lat), float(lon))

    @Slot(str)
    def siteEdited(self, geojson_text: str) -> None:
        self.siteEditedJs.emit(geojson_text)

    @Slot(str)
    def receptorsEdited(self, json_text: str) -> None:
        self.receptorsEditedJs.emit(json_text)

    @Slot(str)
    def sourcesEdited(self, json_text: str) -> None:
        self.sourcesEditedJs.emit(json_text)

    @Slot(str)
    def searchCoordinates(self, text: str) -> None:
        self.searchJs.emit(text)

    @Slot(float, float)
    def pointPicked(self, lat: float, lon: float) -> None:
        self.pointPickedJs.emit(float(lat), float(lon))

    @Slot(str)
    def log(self, message: str) -> None:
        log.debug("map page: %s", message)


class _Page(QWebEnginePage):
    """Keeps the view on the map page: no JS dialogs, external links open outside."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.alerts: list[str] = []
        self.console: list[tuple[int, str, int, str]] = []

    def javaScriptAlert(self, origin, msg):  # noqa: N802 (Qt name)
        self.alerts.append(msg)
        log.warning("map page alert suppressed: %s", msg)

    def javaScriptConfirm(self, origin, msg):  # noqa: N802
        self.alerts.append(msg)
        return False

    def javaScriptPrompt(self, origin, msg, default):  # noqa: N802
        self.alerts.append(msg)
        return False, ""

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802
        self.console.append((int(level.value) if hasattr(level, "value") else int(level), message, line, source))
        log.debug("map page console: %s (%s:%s)", message, source, line)

    def acceptNavigationRequest(self, url, nav_type, is_main_frame):  # noqa: N802
        if nav_type == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            if url.scheme() in ("http", "https"):
                QDesktopServices.openUrl(url)
            return False
        return super().acceptNavigationRequest(url, nav_type, is_main_frame)

    def createWindow(self, window_type):  # noqa: N802
        return None


def cached_tile_url(upstream: str) -> str:
    """The tile URL the page uses for ``upstream``: the local server in front of the
    persistent tile cache (:mod:`ecologis.io.tile_proxy`), so tiles seen online are kept
    for the map and the report offline; "" (offline) stays "".  The upstream itself if the
    local server cannot start."""
    if not upstream:
        return ""
    try:
        from ecologis.io.tile_proxy import shared_proxy

        return shared_proxy(upstream).url
    except (OSError, ImportError) as exc:  # no loopback socket or no SQLite: tiles without a cache
        log.warning("tile cache unavailable: %s", exc)
        return upstream


class MapView(QWidget):
    """Leaflet map of the enterprise, its СЗЗ and (issue 6) the site and receptors.

    Signals: ``markerMoved(lat, lon)`` after the user drags the enterprise marker;
    ``pageReady()`` once the page is loaded and connected (calls made earlier are
    queued and replayed); ``siteEdited(dict)`` with the GeoJSON geometry of the site
    polygon drawn/edited on the map (``{}`` when deleted); ``receptorsEdited(list)``
    and ``sourcesEdited(list)`` with the lists placed on the map.

    With a ``session`` (the main window's), the map shows the session's project and keeps
    no copy of it: :meth:`site`, :meth:`receptors` and :meth:`sources` are the project's,
    the page is given them again after a reload, and the site analysis it shows (the СЗЗ
    polygon, receptors inside or outside) is the pipeline's
    (``session.site_analysis()``, the pipeline's site step) — the map runs no analysis of its own.
    Edits made on the page are only emitted (the window turns them into undoable session
    commands).  Without a session the map is a plain display of what it is given, with no
    analysis (:meth:`set_analysis` shows one computed elsewhere).
    """

    markerMoved = Signal(float, float)
    pageReady = Signal()
    siteEdited = Signal(dict)
    receptorsEdited = Signal(list)
    sourcesEdited = Signal(list)
    analysisChanged = Signal(object)
    geometryError = Signal(str)
    pointPicked = Signal(float, float)

    def __init__(self, parent: QWidget | None = None, tile_url: str | None = None,
                 animate: bool = True, session=None):
        super().__init__(parent)
        self.session = session
        if tile_url is None:
            tile_url = cached_tile_url(os.environ.get("ECOLOGIS_TILE_URL", OSM_TILE_URL))
        self._tile_url = tile_url
        self._animate = animate
        self._ready = False
        self._queue: list[tuple[str, Callable | None]] = []
        self._lat, self._lon = DEFAULT_CENTER
        self._name = ""
        self._radius = 0.0
        self._szz: dict | None = None
        self._extra_state: dict[str, str] = {}   # name -> JS call replayed on reload
        # what the page shows (its cache, for no-op detection; with a session the project is the session's)
        self._shown: dict[str, Any] = {"site": None, "sources": [], "receptors": []}
        self._analysis = None                    # the site analysis shown (the pipeline's)
        self._theme = "light"

        self.view = QWebEngineView(self)
        self.page = _Page(self.view)
        self.view.setPage(self.page)
        s = self.page.settings()
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True)
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        s.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)

        self.bridge = _Bridge(self)
        self.channel = QWebChannel(self)
        self.channel.registerObject("bridge", self.bridge)
        self.page.setWebChannel(self.channel)
        self.bridge.pageReadyJs.connect(self._on_page_ready)
        self.bridge.markerMovedJs.connect(self._on_marker_moved)
        self.bridge.siteEditedJs.connect(self._on_site_edited)
        self.bridge.receptorsEditedJs.connect(self._on_receptors_edited)
        self.bridge.sourcesEditedJs.connect(self._on_sources_edited)
        self.bridge.searchJs.connect(self._on_search)
        self.bridge.pointPickedJs.connect(self.pointPicked)
        self.page.loadStarted.connect(self._on_load_started)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)

        self._install_init_script()
        translator.subscribe(self._on_language)
        self.destroyed.connect(lambda *_: translator.unsubscribe(self._on_language))
        self.view.load(QUrl.fromLocalFile(str(MAP_PAGE)))

    # ------------------------------------------------------------------ plumbing
    def _config(self) -> dict:
        return {"tileUrl": self._tile_url, "lat": self._lat, "lon": self._lon,
                "name": self._name, "radius": self._radius, "zoom": 14,
                "noAnimation": not self._animate, "lang": translator.lang, "theme": self._theme,
                "defaultCenter": list(DEFAULT_CENTER), "receptorKinds": list(RECEPTOR_KINDS)}

    def _install_init_script(self) -> None:
        """(Re)define the script that gives the page its config and strings first."""
        scripts = self.page.scripts()
        for old in scripts.find("ecologis-init"):
            scripts.remove(old)
        sc = QWebEngineScript()
        sc.setName("ecologis-init")
        sc.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        sc.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        sc.setRunsOnSubFrames(False)
        sc.setSourceCode("window.ECOLOGIS_CONFIG = %s;\nwindow.ECOLOGIS_STRINGS = %s;\n"
                         % (_js(self._config()), _js(map_strings())))
        scripts.insert(sc)

    def _on_load_started(self) -> None:
        self._ready = False
        self._install_init_script()

    def _on_page_ready(self) -> None:
        # Replay the current state, then the calls made while loading, in order.
        self.page.runJavaScript(self._state_js(), 0)
        for js in self._extra_state.values():
            self.page.runJavaScript(js, 0)
        self._ready = True
        queue, self._queue = self._queue, []
        for code, cb in queue:
            self._run_now(code, cb)
        self.pageReady.emit()

    def _state_js(self) -> str:
        return ("(function(m){m.setTheme(%s);m.setStrings(%s,%s);m.setEnterprise(%s,%s,%s);m.setRadius(%s);m.setSzz(%s);"
                "m.setSite(%s);m.setSources(%s);m.setReceptors(%s);})(window.ecologisMap);"
                % (_js(self._theme), _js(map_strings()), _js(translator.lang), _js(self._lat), _js(self._lon), _js(self._name),
                   _js(self._radius), _js(self._szz), _js(self.site()), _js(self.sources()),
                   _js(self._receptors_for_page())))

    def _run_now(self, code: str, callback: Callable | None) -> None:
        if callback is None:
            self.page.runJavaScript(code, 0)
        else:
            self.page.runJavaScript(code, 0, callback)

    def _on_marker_moved(self, lat: float, lon: float) -> None:
        self._lat, self._lon = lat, lon
        self.markerMoved.emit(lat, lon)
        if self.site() is None:
            self._analyse()

    def _on_site_edited(self, text: str) -> None:
        try:
            geom = json.loads(text) if text else {}
        except json.JSONDecodeError:
            log.warning("map page sent invalid site JSON")
            return
        self._shown["site"] = geom or None
        self.siteEdited.emit(geom or {})
        self._analyse()

    def _on_receptors_edited(self, text: str) -> None:
        try:
            items = json.loads(text) if text else []
        except json.JSONDecodeError:
            log.warning("map page sent invalid receptors JSON")
            return
        self._shown["receptors"] = [dict(r) for r in items]
        self.receptorsEdited.emit(list(items))
        self._analyse()

    def _on_sources_edited(self, text: str) -> None:
        try:
            items = json.loads(text) if text else []
        except json.JSONDecodeError:
            log.warning("map page sent invalid sources JSON")
            return
        self._shown["sources"] = [dict(s) for s in items]
        self.sourcesEdited.emit(list(items))

    def _on_search(self, text: str) -> None:
        from ecologis.core.geometry import GeometryError, parse_coordinates

        try:
            lat, lon = parse_coordinates(text)
        except GeometryError as e:
            self._call("searchError", e.message())
            return
        self._call("goTo", lat, lon)

    @staticmethod
    def _page_receptors(receptors) -> list[dict]:
        """Receptors in the page's form (GeoJSON ``geometry``, an ``id`` for each: ``r<k>``
        when it has none).  Invalid ones raise GeometryError."""
        from ecologis.core.geometry import ParsedReceptor

        out = []
        for i, r in enumerate(receptors or [], start=1):
            rec = r if isinstance(r, ParsedReceptor) else ParsedReceptor.from_any(r, where=f"#{i}")
            d = rec.to_json()
            d["id"] = rec.id or f"r{i}"
            out.append(d)
        return out

    @staticmethod
    def _page_sources(sources=None) -> list[dict]:
        out = []
        for s in sources or []:
            get = s.get if isinstance(s, dict) else (lambda k, _s=s: getattr(_s, k, None))
            if get("lat") is None or get("lon") is None:
                continue
            out.append({"id": str(get("id") or ""), "name": str(get("name") or ""),
                        "lat": float(get("lat")), "lon": float(get("lon"))})
        return out

    def _receptors_for_page(self) -> list[dict]:
        """Receptors with the analysis results (distance, inside) merged in, in order (the
        analysis lists the receptors it was given in the same order)."""
        shown = self.receptors()
        results = list(self._analysis.receptors) if self._analysis is not None else []
        out = []
        for k, r in enumerate(shown):
            d = dict(r)
            if len(results) == len(shown):
                d["distance_m"], d["inside"] = results[k].distance_m, results[k].inside
            out.append(d)
        return out

    def _analyse(self) -> None:
        """Show the site analysis of the session's project: the pipeline's site step
        (:meth:`ecologis.session.Session.site_analysis`).  The map computes nothing; without a
        session there is nothing to show."""
        if self.session is None:
            return
        if self.site() is None and not self.session.profile.receptors:
            self.set_analysis(None)
            return
        site, problem = self.session.site_analysis()
        if problem is not None:
            self.geometryError.emit(problem.message())
            return
        self.set_analysis(site)

    def set_analysis(self, analysis) -> None:
        """Show a :class:`ecologis.core.geometry.SiteAnalysis` (the pipeline's): the СЗЗ
        polygon of a site and the receptors' distances; ``None`` clears it."""
        if analysis is None:
            if self._analysis is not None:
                self._analysis = None
                self.set_szz_geojson(None)
                self.analysisChanged.emit(None)
            return
        self._analysis = analysis
        self.set_szz_geojson(analysis.szz if analysis.method == "buffer" else None)
        shown = self.receptors()
        if self._ready and len(shown) == len(analysis.receptors):
            self._call("updateReceptorResults",
                       [{"id": d.get("id"), "distance_m": r.distance_m, "inside": r.inside}
                        for d, r in zip(shown, analysis.receptors)])
        self.analysisChanged.emit(analysis)

    def _on_language(self, lang: str) -> None:
        self.retranslate()

    def _call(self, name: str, *args, remember: str | None = None) -> None:
        code = "window.ecologisMap.%s(%s);" % (name, ", ".join(_js(a) for a in args))
        if remember:
            self._extra_state[remember] = code
        self.run_js(code)

    # ------------------------------------------------------------------ public API
    def is_ready(self) -> bool:
        """True once the page has loaded, connected its channel and received the state."""
        return self._ready

    def run_js(self, code: str, callback: Callable[[Any], None] | None = None) -> None:
        """Run ``code`` in the page (queued until :meth:`is_ready`); ``callback(result)``."""
        if self._ready:
            self._run_now(code, callback)
        else:
            self._queue.append((code, callback))

    def set_enterprise(self, lat: float, lon: float, name: str = "", pan: bool = True) -> None:
        """Move the enterprise marker (and the circle) to ``lat``, ``lon`` (WGS84 degrees);
        ``pan`` also centres the view on it.  Nothing happens when nothing changes."""
        lat, lon = float(lat), float(lon)
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise ValueError(f"coordinates out of range: {lat}, {lon}")
        name = "" if name is None else str(name)
        if (lat, lon, name) == (self._lat, self._lon, self._name):
            return
        moved = (lat, lon) != (self._lat, self._lon)
        self._lat, self._lon, self._name = lat, lon, name
        if self._ready:
            self._call("setEnterprise", self._lat, self._lon, self._name, bool(pan))
        if moved and self.site() is None:
            self._analyse()

    def center_on_enterprise(self) -> None:
        """Pan the view to the enterprise marker (a newly opened profile).  A page still
        loading centres itself on the state it receives when ready."""
        if self._ready:
            self._run_now("window.ecologisMap.setEnterprise(%s, %s, %s, true);"
                          % (_js(self._lat), _js(self._lon), _js(self._name)), None)

    def set_radius(self, metres: float | None) -> None:
        """Radius of the СЗЗ circle around the marker, metres (0/None hides it).
        An unchanged radius does nothing (no page call, no new analysis)."""
        radius = float(metres or 0.0)
        if radius == self._radius:
            return
        self._radius = radius
        if self._ready:
            self._call("setRadius", self._radius)
        self._analyse()

    def set_szz_geojson(self, geojson: dict | None) -> None:
        """Draw the СЗЗ as this GeoJSON (the site buffer); ``None`` shows the circle again."""
        geojson = geojson or None
        if geojson == self._szz:
            return
        self._szz = geojson
        if self._ready:
            self._call("setSzz", self._szz)

    def set_theme(self, name: str) -> None:
        """Draw the map in the application's ``"light"`` or ``"dark"`` theme: controls,
        popups, labels, legend and the coordinate box in the theme's colours, the base map
        through a darkening filter (kept across page reloads)."""
        name = "dark" if name == "dark" else "light"
        if name == self._theme:
            return
        self._theme = name
        if self._ready:
            self._call("setTheme", name)

    def theme(self) -> str:
        return self._theme

    def retranslate(self) -> None:
        """Send the current language's ``map.*`` strings to the page."""
        if self._ready:
            self._call("setStrings", map_strings(), translator.lang)

    def set_site(self, geojson: dict | None) -> None:
        """Show the industrial site polygon (GeoJSON geometry, WGS84); ``None`` removes it.

        Raises :class:`ecologis.core.geometry.GeometryError` for an invalid polygon."""
        geojson = geojson or None
        if geojson == self._shown["site"]:
            return
        if geojson:
            from ecologis.core.geometry import validate_site

            validate_site(geojson)
        self._shown["site"] = geojson
        if self._ready:
            self._call("setSite", geojson)
        self._analyse()

    def site(self) -> dict | None:
        """The site polygon shown: the session's project's (else the one given)."""
        if self.session is not None:
            return self.session.profile.site or None
        return self._shown["site"]

    def set_sources(self, sources: list) -> None:
        """Emission sources as points: dicts (or Source objects) with ``id``,
        ``name``, ``lat``, ``lon``; those without coordinates are skipped."""
        out = self._page_sources(sources)
        if out == self._shown["sources"]:
            return
        self._shown["sources"] = out
        if self._ready:
            self._call("setSources", out)

    def sources(self) -> list[dict]:
        """The sources shown: the session's project's (else the ones given)."""
        if self.session is not None:
            return self._page_sources(self.session.profile.sources)
        return list(self._shown["sources"])

    def highlight_source(self, source_id: str | None) -> None:
        """Highlight the source ``source_id`` (selected in the sources table) and pan to
        it when it is outside the view; ``None`` clears the highlight.  Kept across
        redraws of the sources and page reloads."""
        self._call("highlightSource", None if source_id in (None, "") else str(source_id), remember="highlight")

    def set_receptors(self, receptors: list) -> None:
        """Sensitive receptors: GeoJSON features or dicts (``name``, ``kind``, ``geometry``
        or ``lat``/``lon``, optional ``id``).  Invalid ones raise GeometryError."""
        out = self._page_receptors(receptors)
        if out == self._shown["receptors"]:
            return
        self._shown["receptors"] = out
        self._analysis = None
        self._analyse()
        if self._ready:
            self._call("setReceptors", self._receptors_for_page())

    def receptors(self) -> list[dict]:
        """The receptors shown (the page's form): the session's project's (else the ones given)."""
        if self.session is not None:
            try:
                return self._page_receptors(self.session.profile.receptor_dicts())
            except Exception:  # noqa: BLE001 - a broken receptor: the window reports it
                return list(self._shown["receptors"])
        return list(self._shown["receptors"])

    def analysis(self):
        """The last :class:`ecologis.core.geometry.SiteAnalysis` (None without site/receptors)."""
        return self._analysis

    def conflict_lines(self, lang: str | None = None) -> list[str]:
        """Receptors inside the СЗЗ as translated lines for the results panel."""
        return self._analysis.conflict_lines(lang) if self._analysis is not None else []

    # ------------------------------------------------------------------ overlays
    def set_overlay(self, layer_id: str, geojson: dict | None, style: dict | None = None) -> None:
        """Show a GeoJSON layer (Feature, FeatureCollection or geometry) named
        ``layer_id`` above the map; ``None`` removes it.

        ``style``: Leaflet path options (``color``, ``weight``, ``dashArray``,
        ``fillOpacity``), ``point`` (draw points as circle markers), and translation keys
        of ``locales/*.map.json``: ``legend`` (legend entry), ``label`` (permanent label
        per feature) and ``popup`` (popup text); ``{property}`` placeholders in those
        strings are filled from the feature's properties.  Property values reach the
        page only as text (escaped)."""
        layer_id = str(layer_id)
        style = dict(style or {})
        self._call("setOverlay", layer_id, geojson or None, style, remember="overlay:" + layer_id)
        if not geojson:
            self._extra_state.pop("overlay:" + layer_id, None)

    def read_overlays(self, callback: Callable[[dict], None]) -> None:
        """Ask the page which overlays it draws: ``callback({id: {"features": n,
        "labels": [...], "legend": text}})`` (for tests and diagnostics)."""
        self.run_js("JSON.stringify(window.ecologisMap.getOverlays())",
                    lambda v: callback(json.loads(v) if v else {}))

    # ------------------------------------------------------------------ base map, site plan
    def set_user_basemap(self, spec: dict | None) -> None:
        """Show the project's offline base map as the base layer: ``{"url": tile URL of
        the local server (``{z}/{x}/{y}``), "attribution", "minzoom", "maxzoom"}``; None
        goes back to the usual base layer.  Kept across page reloads."""
        spec = dict(spec) if spec else None
        self._call("setUserBaseMap", spec, remember="basemap")
        if spec is None:
            self._extra_state.pop("basemap", None)

    def set_underlay(self, spec: dict | None) -> None:
        """Show the project's site plan: ``{"url": a data: URL of the picture, "bounds":
        [west, south, east, north]`` (WGS84 degrees, its edges turned back north-up),
        ``"rotation"``: degrees clockwise about its centre``}`` above the base map; None removes it."""
        spec = dict(spec) if spec else None
        self._call("setUnderlay", spec, remember="underlay")
        if spec is None:
            self._extra_state.pop("underlay", None)

    def start_pick(self) -> None:
        """The next click on the map emits :attr:`pointPicked` (lat, lon) instead of
        doing anything else; Esc cancels."""
        self._call("startPick")

    def fit_all(self) -> None:
        """Zoom so that the marker, the СЗЗ and the site objects are all visible."""
        self.run_js("window.ecologisMap.fitAll();")

    def enterprise(self) -> tuple[float, float, str]:
        return self._lat, self._lon, self._name

    def radius(self) -> float:
        return self._radius
