"""MapView on the real Leaflet page in a real QWebEngineView (offscreen, no network)."""

import json

import pytest

from ecologis.i18n import t_lang, translator
from ecologis.paths import LOCALES_DIR, RESOURCES_DIR

XSS = "<img src=x onerror=alert(1)>"


def test_vendored_leaflet_no_cdn():
    vendor = RESOURCES_DIR / "vendor" / "leaflet"
    for f in ("leaflet.js", "leaflet.css", "LICENSE", "images/marker-icon.png"):
        assert (vendor / f).is_file(), f
    html = (RESOURCES_DIR / "map" / "index.html").read_text(encoding="utf-8")
    js = (RESOURCES_DIR / "map" / "map.js").read_text(encoding="utf-8")
    # Only local files and Qt's own resource; the sole remote URL is the default tile server (Python side).
    assert "http" not in html
    assert "unpkg" not in js and "cdn" not in js.lower()
    assert "innerHTML" not in js


def test_map_locales_same_keys_and_prefix():
    uk = json.loads((LOCALES_DIR / "uk.map.json").read_text(encoding="utf-8"))
    en = json.loads((LOCALES_DIR / "en.map.json").read_text(encoding="utf-8"))
    assert uk.keys() == en.keys()
    assert all(k.startswith("map.") for k in uk)


def test_page_loads_offline_with_marker_circle_scale_grid(make_map):
    view, page = make_map()
    assert view.is_ready()
    assert page.js("window.ecologisMap.ready") is True
    # The tile server is unreachable: the page falls back to the plain layer by itself.
    page.wait_js("window.ecologisMap.getBaseLayer() === 'offline'")
    assert page.js("window.ecologisMap.getOfflineReason()") == "tileerror"
    grid = page.js("window.ecologisMap.getGrid()")
    assert grid["visible"] and grid["lines"] >= 2
    assert page.js("window.ecologisMap.hasScale()") is True
    assert page.js("window.ecologisMap.scaleText()").endswith((" м", " км"))
    assert page.js("!!document.querySelector('.leaflet-marker-icon')") is True
    # No dialog of any kind; the notice is a passive label in the page.
    assert view.page.alerts == []
    assert page.js("window.ecologisMap.getNotice()") == t_lang("uk", "map.notice.offline")


def test_no_tile_url_means_offline_from_start(make_map):
    view, page = make_map(tile_url="")
    assert page.js("window.ecologisMap.getBaseLayer()") == "offline"
    assert page.js("window.ecologisMap.getOfflineReason()") == "config"
    assert page.js("window.ecologisMap.getTileStats().errors") == 0
    assert page.js("window.ecologisMap.getNotice()") == ""


def test_set_radius_updates_circle_every_call(make_map):
    view, page = make_map()
    view.set_radius(300)
    c = page.js("window.ecologisMap.getCircle()")
    assert c["radius"] == 300 and c["visible"] is True
    view.set_radius(1000)
    assert page.js("window.ecologisMap.getCircle().radius") == 1000
    # Leaflet's own circle object carries the radius too (not only our bookkeeping).
    assert page.js("window.ecologisMap.circle.getRadius()") == 1000
    view.set_radius(0)
    assert page.js("window.ecologisMap.getCircle().visible") is False


def test_set_enterprise_moves_marker_and_circle(make_map):
    view, page = make_map()
    view.set_radius(500)
    view.set_enterprise(48.4647, 35.0462, "Завод")
    m = page.js("window.ecologisMap.getMarker()")
    assert (m["lat"], m["lng"], m["name"]) == (48.4647, 35.0462, "Завод")
    c = page.js("window.ecologisMap.getCircle()")
    assert (c["lat"], c["lng"], c["radius"]) == (48.4647, 35.0462, 500)
    assert page.js("window.ecologisMap.labelText()") == "Завод"


def test_calls_before_ready_are_queued(make_map):
    view, page = make_map(wait=False)
    view.set_enterprise(49.0, 32.0, "A")
    view.set_radius(300)
    got = []
    view.run_js("window.ecologisMap.getCircle().radius", got.append)
    page.qtbot.waitUntil(lambda: bool(got), timeout=30000)
    assert got == [300]
    assert view.is_ready()
    assert page.js("window.ecologisMap.getMarker().lat") == 49.0


def test_out_of_range_coordinates_refused(make_map):
    view, page = make_map()
    with pytest.raises(ValueError):
        view.set_enterprise(91.0, 30.0, "x")
    with pytest.raises(ValueError):
        view.set_enterprise(50.0, -181.0, "x")
    assert page.js("window.ecologisMap.getMarker().lat") != 91.0


def test_drag_emits_marker_moved(make_map, qtbot):
    view, page = make_map()
    view.set_enterprise(50.0, 30.0, "A")
    view.set_radius(300)
    page.js("1")   # the calls above have run
    with qtbot.waitSignal(view.markerMoved, timeout=10000) as blocker:
        view.run_js("var m = window.ecologisMap.marker; m.setLatLng([50.01, 30.02]); m.fire('dragend');")
    assert blocker.args == [pytest.approx(50.01), pytest.approx(30.02)]
    assert view.enterprise()[:2] == (pytest.approx(50.01), pytest.approx(30.02))
    c = page.js("window.ecologisMap.getCircle()")
    assert (c["lat"], c["lng"]) == (pytest.approx(50.01), pytest.approx(30.02))


def test_xss_name_shown_as_text(make_map):
    view, page = make_map()
    view.set_enterprise(50.0, 30.0, XSS)
    view.set_radius(300)
    text = page.js("window.ecologisMap.openPopup()")
    assert text.startswith(XSS)
    assert page.js("window.ecologisMap.popupElement().querySelectorAll('img').length") == 0
    assert page.js("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert page.js("window.ecologisMap.labelText()") == XSS
    assert page.js("document.querySelector('.leaflet-tooltip').querySelectorAll('img').length") == 0
    assert view.page.alerts == []


def test_szz_geojson_replaces_circle(make_map):
    view, page = make_map()
    view.set_enterprise(50.0, 30.0, "A")
    view.set_radius(300)
    poly = {"type": "Polygon", "coordinates": [[[30.0, 50.0], [30.01, 50.0], [30.01, 50.01], [30.0, 50.0]]]}
    view.set_szz_geojson(poly)
    assert page.js("window.ecologisMap.getCircle().visible") is False
    assert page.js("window.ecologisMap.getSzz().type") == "Polygon"
    view.set_szz_geojson(None)
    assert page.js("window.ecologisMap.getCircle().visible") is True


def test_retranslate_switches_page_strings(make_map):
    view, page = make_map()
    view.set_enterprise(50.0, 30.0, "A")
    assert t_lang("uk", "map.layer.offline") in page.js("window.ecologisMap.layerNames()")
    translator.set_language("en")   # the view is subscribed and calls retranslate()
    names = page.js("window.ecologisMap.layerNames()")
    assert t_lang("en", "map.layer.offline") in names and t_lang("en", "map.layer.grid") in names
    assert t_lang("en", "map.popup.lat") in page.js("window.ecologisMap.openPopup()")
    assert page.js("window.ecologisMap.scaleText()").endswith((" m", " km"))
    translator.set_language("uk")
    assert t_lang("uk", "map.popup.lat") in page.js("window.ecologisMap.openPopup()")


def _png_1x1() -> bytes:
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"\x00\xcc\xdd\xcc"   # one RGB pixel, filter byte 0
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def tile_server():
    """A tile server on 127.0.0.1 answering every request with a 1×1 PNG (stops itself)."""
    import http.server
    import threading

    png = _png_1x1()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    th = threading.Thread(target=srv.serve_forever, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    srv.shutdown()
    srv.server_close()


def test_tiles_used_when_they_load_and_base_switch(make_map, tile_server):
    view, page = make_map(tile_url=tile_server)
    page.wait_js("window.ecologisMap.getTileStats().loaded > 0")
    assert page.js("window.ecologisMap.getBaseLayer()") == "osm"
    assert page.js("window.ecologisMap.getTileStats().errors") == 0
    assert page.js("window.ecologisMap.getNotice()") == ""
    assert page.js("!!document.querySelector('.leaflet-control-attribution a[href*=\"openstreetmap.org/copyright\"]')")
    # The base-layer switch both ways.
    assert page.js("window.ecologisMap.setBaseLayer('offline')") == "offline"
    assert page.js("window.ecologisMap.getGrid().visible") is True
    assert page.js("window.ecologisMap.setBaseLayer('osm')") == "osm"
    assert page.js("window.ecologisMap.getGrid().visible") is True   # the grid stays until the user hides it


def test_cursor_coordinates_shown(make_map):
    view, page = make_map()
    page.js("(window.ecologisMap.map.fire('mousemove', {latlng: L.latLng(50.123456, 30.654321)}), 0)")
    text = page.js("window.ecologisMap.cursorText()")
    # Ukrainian writes a decimal comma, so the two numbers are separated by "; "
    assert text == t_lang("uk", "map.cursor") + ": 50,12346; 30,65432"
    from ecologis.i18n import translator

    translator.set_language("en")
    page.wait_js("window.ecologisMap.lang === 'en'")
    page.js("(window.ecologisMap.map.fire('mousemove', {latlng: L.latLng(50.123456, 30.654321)}), 0)")
    assert page.js("window.ecologisMap.cursorText()") == t_lang("en", "map.cursor") + ": 50.12346; 30.65432"


def test_page_numbers_one_formatter(make_map):
    """api.num: the UI language's decimal separator; popups and overlays use it."""
    view, page = make_map()
    assert page.js("window.ecologisMap.num(1234.5678, 2)") == "1234,57"
    assert page.js("window.ecologisMap.num(0.1 + 0.2)") == "0,3"          # up to 3 decimals
    assert page.js("window.ecologisMap.num(NaN)") == ""
    assert page.js("typeof window.ecologisMap.fmt") == "undefined"
    view.set_radius(312.5)
    assert t_lang("uk", "map.popup.radius") + ": 312,5" in page.js("window.ecologisMap.openPopup()")
    # an overlay without a legend key: a translated generic name, not the layer id
    view.set_overlay("layer_internal_id", {"type": "Point", "coordinates": [30.52, 50.45]}, {})
    legend = page.js("window.ecologisMap.legendText()")
    assert "layer_internal_id" not in legend and t_lang("uk", "map.overlay.unnamed") in legend


def test_unchanged_values_send_nothing_and_do_not_reanalyse(make_map):
    """Mass edits that leave the СЗЗ radius as it was must not re-run the site analysis
    nor call the page; the same site, receptors, sources and marker are no-ops too."""
    view, page = make_map()
    # a receptor 0.01° east of the marker: ≈ 725 m at 50.45° N (111.32 km · cos 50.45° · 0.01)
    lat, lon = 50.4501, 30.5234
    view.set_enterprise(lat, lon, "A")
    receptors = [{"id": "r1", "name": "School", "kind": "school", "lat": lat, "lon": lon + 0.01}]
    view.set_receptors(receptors)
    view.set_sources([{"id": "S1", "name": "Stack", "lat": lat, "lon": lon}])
    analyses, calls = [], []
    view.analysisChanged.connect(analyses.append)
    view.set_radius(1000)               # 1000 m > 725 m: the receptor is inside
    assert len(analyses) == 1 and analyses[0].receptors[0].inside
    sent = view.run_js
    view.run_js = lambda code, cb=None: (calls.append(code), sent(code, cb))
    view.set_radius(1000)
    view.set_radius(1000.0)
    view.set_receptors([dict(r) for r in receptors])
    view.set_sources([{"id": "S1", "name": "Stack", "lat": lat, "lon": lon}])
    view.set_enterprise(lat, lon, "A")
    view.set_site(None)
    view.set_szz_geojson(None)
    assert len(analyses) == 1 and calls == []
    view.set_radius(500)                # changed: one page call, one new analysis (now outside)
    assert len(analyses) == 2 and not analyses[1].receptors[0].inside
    assert any("setRadius(500.0)" in c for c in calls)
    assert page.js("window.ecologisMap.getCircle().radius") == 500
