"""File ▸ Load offline base map… / Load site plan…: stored in the project through the
session (undoable, saved), shown on the map page, drawn on the report's map; a bad file
gives a translated message naming it and changes nothing."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PIL.TiffImagePlugin import ImageFileDirectory_v2

from ecologis.i18n import t

from .._plans import turned_geotiff

CYAN = (0, 255, 255)
# the demo plant is at 49.2331 N, 28.4682 E; a plan covering ±0.01° around it
BOUNDS = [28.4582, 49.2231, 28.4782, 49.2431]


def _png(color, size=(256, 256), fmt="PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt)
    return buf.getvalue()


def _mbtiles(path: Path) -> Path:
    """An MBTiles file with the zoom-14 tile of the demo plant (x, y from mercantile)."""
    import mercantile

    from ecologis.io.tile_cache import TileCache

    c = TileCache(path)
    tile = mercantile.tile(28.4682, 49.2331, 14)
    c.put(14, tile.x, tile.y, _png((255, 0, 255)))
    c.close()
    return path


def _geotiff(path: Path, west, north, sx, sy, size=(200, 100)) -> Path:
    """A north-up GeoTIFF: ModelTiepoint (raster 0,0 → west, north) and ModelPixelScale."""
    ifd = ImageFileDirectory_v2()
    ifd[33922] = (0.0, 0.0, 0.0, west, north, 0.0)
    ifd.tagtype[33922] = 12                   # DOUBLE
    ifd[33550] = (sx, sy, 0.0)
    ifd.tagtype[33550] = 12
    Image.new("RGB", size, CYAN).save(path, format="TIFF", tiffinfo=ifd)
    return path


def _window(make_window, answers=None):
    def prompt(kind, **kw):
        if answers and kind in answers:
            return answers[kind](**kw) if callable(answers[kind]) else answers[kind]
        return {"recover": True, "unsaved": "discard"}.get(kind)
    errors = []

    def record(kind, **kw):
        if kind == "error":
            errors.append(kw.get("text", ""))
        return prompt(kind, **kw)
    w = make_window(prompt=record)
    w.errors = errors
    return w


def test_site_plan_png_with_corners_is_stored_shown_and_undoable(make_window, qtbot, h, tmp_path):
    plan = tmp_path / "plan.png"
    plan.write_bytes(_png(CYAN))
    asked = []
    w = _window(make_window, {"underlay_corners": lambda file: asked.append(file) or tuple(BOUNDS)})
    h.wait_map(w)
    assert w.load_site_plan(plan) is True
    assert asked == ["plan.png"]
    sec = w.wb.profile.extensions["basemap"]
    assert sec == {"image": str(plan.resolve()), "bounds": BOUNDS}
    assert w.wb.dirty and w.wb.undo_key() == "underlay.cmd.site_plan"
    qtbot.waitUntil(lambda: (h.run_js(w, "JSON.stringify(window.ecologisMap.getUnderlay())") or "null") != "null")
    shown = json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getUnderlay())"))
    assert shown["bounds"] == pytest.approx(BOUNDS) and shown["shown"] is True
    qtbot.waitUntil(lambda: json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getUnderlay())"))["loaded"])
    assert t("map.layer.site_plan") in h.run_js(w, "window.ecologisMap.layerNames().join('|')")
    # undo removes it from the project and the map; redo brings it back
    w.act_undo.trigger()
    assert "basemap" not in w.wb.profile.extensions
    qtbot.waitUntil(lambda: h.run_js(w, "JSON.stringify(window.ecologisMap.getUnderlay())") == "null")
    w.act_redo.trigger()
    assert w.wb.profile.extensions["basemap"]["image"] == str(plan.resolve())


def test_site_plan_saved_with_the_project_and_drawn_in_the_report(make_window, qtbot, h, tmp_path):
    from ecologis.io.profile import assess_project, load_profile
    from ecologis.report.pdf_report import site_map_png

    plan = tmp_path / "plan.png"
    plan.write_bytes(_png(CYAN))
    w = _window(make_window, {"underlay_corners": tuple(BOUNDS)})
    assert w.load_site_plan(plan)
    out = tmp_path / "p.json"
    assert w.save_to(out)
    prof = load_profile(out)
    assert prof.extensions["basemap"]["bounds"] == BOUNDS
    a = assess_project(prof)
    png, who, base = site_map_png(prof, a.result, "en", tiles=None, with_info=True, site=a.site)
    assert base == {"kind": "underlay"}
    img = np.asarray(Image.open(io.BytesIO(png) if isinstance(png, bytes) else png).convert("RGB"))
    assert np.all(img == CYAN, axis=-1).mean() > 0.05


def test_geotiff_site_plan_needs_no_corners(make_window, h, tmp_path):
    # 200 × 100 px at 0.0001° per pixel from (28.4582 W, 49.2381 N): east = 28.4582 + 0.02,
    # south = 49.2381 − 0.01
    tif = _geotiff(tmp_path / "ortho.tif", 28.4582, 49.2381, 0.0001, 0.0001)
    w = _window(make_window, {"underlay_corners": lambda file: pytest.fail("asked for corners")})
    assert w.load_site_plan(tif) is True
    assert w.wb.profile.extensions["basemap"]["bounds"] == pytest.approx([28.4582, 49.2281, 28.4782, 49.2381])


def test_turned_geotiff_site_plan_keeps_its_turn(make_window, h, tmp_path):
    # its transformation matrix turns it 30° clockwise: no corners asked, the turn kept
    tif = tmp_path / "plan.tif"
    tif.write_bytes(turned_geotiff(30.0))
    w = _window(make_window, {"underlay_corners": lambda file: pytest.fail("asked for corners")})
    assert w.load_site_plan(tif) is True
    assert w.wb.profile.extensions["basemap"]["rotation_deg"] == pytest.approx(30.0)


def test_offline_basemap_is_stored_and_shown(make_window, qtbot, h, tmp_path):
    mb = _mbtiles(tmp_path / "town.mbtiles")
    w = _window(make_window)
    h.wait_map(w)
    assert w.load_offline_basemap(mb) is True
    assert w.wb.profile.extensions["basemap"] == {"mbtiles": str(mb.resolve())}
    assert w.wb.undo_key() == "underlay.cmd.basemap"
    qtbot.waitUntil(lambda: h.run_js(w, "window.ecologisMap.getBaseLayer()") == "user")
    url = json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.getUserBaseMap())"))["url"]
    assert url.startswith("http://127.0.0.1:")
    # the local server answers the plant's tile from the file
    import httpx
    import mercantile

    tile = mercantile.tile(28.4682, 49.2331, 14)
    r = httpx.get(url.format(z=14, x=tile.x, y=tile.y), timeout=5)
    assert r.status_code == 200 and r.content[:4] == b"\x89PNG"
    # and the report's map reads the same file
    from ecologis.report.pdf_report import default_tiles

    data, _attr = default_tiles(w.wb.profile).get(14, tile.x, tile.y)
    assert data == r.content
    w.act_undo.trigger()
    qtbot.waitUntil(lambda: h.run_js(w, "window.ecologisMap.getBaseLayer()") != "user")


@pytest.mark.parametrize("content, key", [
    (b"not a picture at all", "underlay.error.not_image"),
    (_png(CYAN, fmt="GIF"), "underlay.error.not_image"),
])
def test_bad_site_plan_named_in_a_translated_message_nothing_changed(make_window, tmp_path, content, key):
    bad = tmp_path / "bad plan.png"
    bad.write_bytes(content)
    w = _window(make_window, {"underlay_corners": tuple(BOUNDS)})
    before = json.dumps(w.wb.profile.extensions, sort_keys=True)
    undo_before = w.wb.undo_key()
    assert w.load_site_plan(bad) is False
    (msg,) = w.errors
    assert str(bad.resolve()) in msg or "bad plan.png" in msg
    assert t(key) in msg
    assert json.dumps(w.wb.profile.extensions, sort_keys=True) == before and w.wb.undo_key() == undo_before


@pytest.mark.parametrize("bounds, key", [
    ((28.47, 49.22, 28.46, 49.24), "underlay.error.corners_order"),
    ((28.46, 49.22, 28.47, 95.0), "underlay.error.corners_range"),
])
def test_bad_corners_refused(make_window, tmp_path, bounds, key):
    plan = tmp_path / "plan.jpg"
    plan.write_bytes(_png(CYAN, fmt="JPEG"))
    w = _window(make_window, {"underlay_corners": bounds})
    assert w.load_site_plan(plan) is False
    (msg,) = w.errors
    assert "plan.jpg" in msg and t(key) in msg
    assert "basemap" not in w.wb.profile.extensions


def test_cancelled_corners_change_nothing(make_window, tmp_path):
    plan = tmp_path / "plan.png"
    plan.write_bytes(_png(CYAN))
    w = _window(make_window, {"underlay_corners": None})
    assert w.load_site_plan(plan) is False
    assert w.errors == [] and "basemap" not in w.wb.profile.extensions


@pytest.mark.parametrize("kind", ["text", "empty", "vector"])
def test_bad_mbtiles_refused(make_window, tmp_path, kind):
    import sqlite3

    bad = tmp_path / f"{kind}.mbtiles"
    if kind == "text":
        bad.write_text("hello", encoding="utf-8")
        key = "underlay.error.not_mbtiles"
    else:
        from ecologis.io.tile_cache import TileCache

        TileCache(bad).close()
        key = "underlay.error.mbtiles_empty"
        if kind == "vector":
            db = sqlite3.connect(bad)
            with db:
                db.execute("UPDATE metadata SET value='pbf' WHERE name='format'")
            db.close()
            key = "underlay.error.mbtiles_vector"
    w = _window(make_window)
    assert w.load_offline_basemap(bad) is False
    (msg,) = w.errors
    assert bad.name in msg and t(key, format="pbf") in msg
    assert "basemap" not in w.wb.profile.extensions


def test_menu_entries_translated(make_window):
    from ecologis.i18n import translator

    w = _window(make_window)
    assert w.act_load_basemap.text() == t("underlay.menu.basemap")
    assert w.act_load_site_plan in w.menu_file.actions()
    translator.set_language("en")
    assert w.act_load_site_plan.text() == "Load site plan…"
    assert not w.act_remove_site_plan.isEnabled()


def test_a_turned_site_plan_is_stored_turned_on_the_map_and_framed_whole(make_window, qtbot, h, tmp_path):
    # A plan 0.02° × 0.02° (about 1,452 m east–west × 2,224 m north–south at 49.23° N: one degree of
    # longitude is cos 49.23° = 0.6531 of a degree of latitude) turned 90° clockwise about its
    # centre lies 2,224 m east–west and 1,452 m north–south: its corners span 0.02 / 0.6531 =
    # 0.0306° of longitude and 0.02 · 0.6531 = 0.01306° of latitude.
    plan = tmp_path / "plan.png"
    plan.write_bytes(_png(CYAN, size=(300, 200)))
    w = _window(make_window, {"underlay_corners": (tuple(BOUNDS), 90.0)})
    h.wait_map(w)
    assert w.load_site_plan(plan) is True
    assert w.wb.profile.extensions["basemap"] == {"image": str(plan.resolve()), "bounds": BOUNDS, "rotation_deg": 90.0}
    get = "JSON.stringify(window.ecologisMap.getUnderlay())"
    qtbot.waitUntil(lambda: json.loads(h.run_js(w, get) or "null") is not None)
    shown = json.loads(h.run_js(w, get))
    assert shown["rotation"] == 90 and shown["bounds"] == pytest.approx(BOUNDS)
    lons, lats = [c[0] for c in shown["corners"]], [c[1] for c in shown["corners"]]
    k = math.cos(math.radians((BOUNDS[1] + BOUNDS[3]) / 2))
    assert max(lons) - min(lons) == pytest.approx(0.02 / k, rel=0.01)
    assert max(lats) - min(lats) == pytest.approx(0.02 * k, rel=0.01)
    # on the page: the picture's box on screen is as wide as it was high (turned a quarter)
    box = json.loads(h.run_js(w, "(function () { var r = document.querySelector('.leaflet-image-layer')"
                                 ".getBoundingClientRect(), i = document.querySelector('.leaflet-image-layer');"
                                 " return JSON.stringify([r.width, r.height, i.offsetWidth, i.offsetHeight]); })()"))
    assert box[0] == pytest.approx(box[3], rel=0.02) and box[1] == pytest.approx(box[2], rel=0.02)
    # framing the plan shows its turned corners whole
    h.run_js(w, "window.ecologisMap.fitUnderlay()")
    view = json.loads(h.run_js(w, "JSON.stringify(window.ecologisMap.map.getBounds().toBBoxString().split(',').map(Number))"))
    assert view[0] <= min(lons) and view[2] >= max(lons) and view[1] <= min(lats) and view[3] >= max(lats)
    # undo: back to no plan; a plan loaded north-up keeps no turn in the project
    w.act_undo.trigger()
    assert "basemap" not in w.wb.profile.extensions
