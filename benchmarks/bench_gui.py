"""GUI workbench benchmarks (issue 3).

1. Edit-to-display latency at 1,000 rows: a mass edited through the table model
   (``setData``, as the in-place editor commits) → workbench recalculation → table
   model update → results panel text → map ``set_radius`` → a JavaScript round trip
   to the page confirming the circle (calls run in order, so the answer arrives after
   the circle was updated) and the paint of what the edit invalidated, as the event loop
   does it (an edit counts only if the table viewport and the results panel's КНП label
   received a paint event; no forced full-window ``repaint()``, which the application
   never does).
   Baseline, same run: the core work of that same edit, as the session does it (the
   edited row prepared alone, its t/yr put into the prepared arrays, ``compute`` on the
   1,000 rows), alternated with the edits and taken warm (the second of two runs); a full
   ``prepare`` + ``compute`` is printed for context only.  Goals: ≤ 10× and ≤ 16 ms.
2. Start-up until the zone is drawn (the page's circle has the demo's 300 m radius),
   each in a fresh process running what ``ecologis --demo`` runs (``ecologis.gui.app.start``), against a bare ``QWebEngineView`` drawing the same map: the
   same page with the same configuration and strings injected, waiting for the same
   circle, alternated in the same run.  Both run as an installed program does, with
   compiled bytecode (one warm-up run of each writes it first).

``python -m benchmarks gui`` (offscreen works: QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
for _f in ("--no-sandbox", "--disable-gpu"):
    if _f not in _flags:
        _flags = (_flags + " " + _f).strip()
os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = _flags

N_ROWS = 1000
N_EDITS = 30
N_STARTS = 5          # medians of ≥ 5 alternating runs (the machine is shared and noisy)

#: the page's circle and whether the map shows it whole and at least 60 px across (a map
#: zoomed out to the world, or framed at a wrong size, does not count as the zone drawn)
ZONE_DRAWN_JS = ("JSON.stringify((function () { var a = window.ecologisMap; if (!a || !a.map) { return null; }"
                 " var c = a.getCircle(), m = a.map, ci = a.circle; c.framed = false;"
                 " if (m.hasLayer(ci)) { var b = ci.getBounds();"
                 " var px = m.latLngToContainerPoint(b.getNorthEast()).x - m.latLngToContainerPoint(b.getSouthWest()).x;"
                 " c.framed = m.getBounds().contains(b) && px >= 60; }"
                 " return c; })())")

_WINDOW_START = r"""
import time; t0 = time.perf_counter()
import sys
ZONE_DRAWN_JS = %r
# what `ecologis --demo` runs (ecologis.gui.app.main without its event loop)
from ecologis.gui.app import start
app, w, _ = start(["--demo"])
w._prompt = lambda k, **kw: {"recover": False, "unsaved": "discard"}.get(k)
def done():
    print("ELAPSED", time.perf_counter() - t0, "MPL" if "matplotlib" in sys.modules else "",
          "PANDAS" if "pandas" in sys.modules else "", "REPORTLAB" if "reportlab" in sys.modules else "", flush=True)
    w._closing_done = True
    app.quit()
def poll():
    # the zone is drawn: the page's circle has the category radius (300 m for the demo) and
    # the map shows it whole, at least 60 px across
    w.map.run_js(ZONE_DRAWN_JS,
                 lambda v: done() if v and '"radius":300' in str(v).replace(" ", "") and '"framed":true' in str(v)
                 else QTimer.singleShot(5, poll))
from PySide6.QtCore import QTimer
if w.map.is_ready():
    poll()
else:
    w.map.pageReady.connect(poll)
app.exec()
"""

_BARE_START = r"""
import time; t0 = time.perf_counter()
import json
ZONE_DRAWN_JS = %r
from PySide6.QtCore import QCoreApplication, Qt, QTimer, QUrl
QCoreApplication.setAttribute(Qt.AA_ShareOpenGLContexts)
from PySide6.QtWebEngineCore import QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication
app = QApplication([])
# the same page with the same configuration and strings the window gives it (the demo's
# enterprise point and its 300 m zone), so that it draws the same map
CONFIG = %s
STRINGS = %s
v = QWebEngineView()
v.resize(640, 560)
sc = QWebEngineScript()
sc.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
sc.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
sc.setSourceCode("window.ECOLOGIS_CONFIG = %%s;\nwindow.ECOLOGIS_STRINGS = %%s;\n" %% (json.dumps(CONFIG), json.dumps(STRINGS)))
v.page().scripts().insert(sc)
def done():
    print("ELAPSED", time.perf_counter() - t0, flush=True)
    app.quit()
def poll(*_):
    v.page().runJavaScript(ZONE_DRAWN_JS, 0,
                           lambda r: done() if r and '"radius":300' in str(r).replace(" ", "") and '"framed":true' in str(r)
                           else QTimer.singleShot(5, poll))
v.loadFinished.connect(poll)
v.load(QUrl.fromLocalFile(%s))
v.show()
app.exec()
"""


def _bare_code() -> str:
    """The bare page's script with the demo's map configuration (computed once, here)."""
    from ecologis.core.receptors import RECEPTOR_KINDS
    from ecologis.gui.map.map_view import DEFAULT_CENTER, MAP_PAGE, map_strings
    from ecologis.io.profile import load_profile
    from ecologis.paths import DEMO_PROFILE

    ent = load_profile(DEMO_PROFILE).enterprise
    config = {"tileUrl": "", "lat": ent.lat, "lon": ent.lon, "name": ent.name, "radius": 300.0, "zoom": 14,
              "noAnimation": True, "lang": "uk", "defaultCenter": list(DEFAULT_CENTER),
              "receptorKinds": list(RECEPTOR_KINDS)}
    return _BARE_START % (ZONE_DRAWN_JS, repr(config), repr(map_strings()), repr(str(MAP_PAGE)))


def _window_code() -> str:
    return _WINDOW_START % ZONE_DRAWN_JS


def _run_start(code: str, user_dir: str, base_env: dict) -> tuple[float, str]:
    env = dict(base_env, ECOLOGIS_USER_DIR=user_dir, ECOLOGIS_TILE_URL="")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=180)
    for line in r.stdout.splitlines():
        if line.startswith("ELAPSED"):
            parts = line.split()
            return float(parts[1]), " ".join(parts[2:])
    raise RuntimeError("start-up run failed: " + r.stderr[-2000:])


def bench_startup() -> dict:
    from benchmarks._common import installed_env

    win, bare, flags = [], [], set()
    bare_code = _bare_code()
    # both run as an installed program does: with compiled bytecode (written by the
    # warm-up runs into a temporary folder), whatever PYTHONDONTWRITEBYTECODE says
    env = installed_env()
    with tempfile.TemporaryDirectory() as d:
        _run_start(_window_code(), os.path.join(d, "warm-w"), env)
        _run_start(bare_code, os.path.join(d, "warm-b"), env)
        for i in range(N_STARTS):
            tw, extra = _run_start(_window_code(), os.path.join(d, f"w{i}"), env)
            win.append(tw)
            flags.update(extra.split())
            bare.append(_run_start(bare_code, os.path.join(d, f"b{i}"), env)[0])
    return {"window": statistics.median(win), "bare": statistics.median(bare), "heavy": sorted(flags),
            "window_all": win, "bare_all": bare}


def bench_edit() -> dict:
    tmp = tempfile.mkdtemp()
    os.environ["ECOLOGIS_USER_DIR"] = tmp
    os.environ["ECOLOGIS_TILE_URL"] = ""
    from PySide6.QtCore import QCoreApplication, Qt

    QCoreApplication.setAttribute(Qt.AA_ShareOpenGLContexts)
    import PySide6.QtWebEngineWidgets  # noqa: F401
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])

    from dataclasses import replace as dc_replace

    from ecologis.core.assess import compute, prepare
    from ecologis.io.reference_data import load_dictionary, recommendation_rules
    from ecologis.model import Emission, Enterprise, Receptor
    from ecologis.gui.main_window import MainWindow
    from ecologis.gui.models.emissions_model import COL
    from ecologis.io.profile import Project
    from ecologis.session import Session

    d = load_dictionary()
    subs = [s for s in d if s.gdk_sd or s.gdk_mr or s.obrv or s.gdk_rz]
    rows = [Emission(subs[i % len(subs)].name_uk, 0.5 + (i % 97) * 0.137, "t/yr") for i in range(N_ROWS)]
    prof = Project(enterprise=Enterprise(name="Bench", lat=49.2331, lon=28.4682), emissions=rows)
    # a 200 m × 200 m site around the enterprise and one receptor: mass edits then go
    # through the map's site analysis (СЗЗ = site buffer, receptor inside/outside)
    dlat, dlon = 0.0009, 0.00138      # ≈ 100 m at 49.23° N
    lat0, lon0 = 49.2331, 28.4682
    prof.site = {"type": "Polygon", "coordinates": [[[lon0 - dlon, lat0 - dlat], [lon0 + dlon, lat0 - dlat],
                                                     [lon0 + dlon, lat0 + dlat], [lon0 - dlon, lat0 + dlat],
                                                     [lon0 - dlon, lat0 - dlat]]]}
    prof.receptors = [Receptor.from_dict({"id": "r1", "name": "School", "kind": "school",
                                          "geometry": {"type": "Point", "coordinates": [lon0 + 0.005, lat0]}})]
    wb = Session(prof, dictionary=d)
    w = MainWindow(wb, restore=False, prompt=lambda k, **kw: {"recover": False, "unsaved": "discard"}.get(k),
                   autosave_delay_ms=10_000)
    w.resize(1400, 880)
    w.show()
    from PySide6.QtCore import QEventLoop, QTimer

    if not w.map.is_ready():
        loop = QEventLoop()
        w.map.pageReady.connect(loop.quit)
        QTimer.singleShot(60_000, loop.quit)
        loop.exec()
    if not w.map.is_ready():
        raise RuntimeError("map page did not load")
    loop = QEventLoop()

    from PySide6.QtCore import QEvent, QObject

    class _PaintCounter(QObject):
        """Counts the paint events of the widgets an edit must repaint."""

        def __init__(self):
            super().__init__()
            self.n: dict[int, int] = {}

        def eventFilter(self, obj, ev):
            if ev.type() == QEvent.Type.Paint:
                self.n[id(obj)] = self.n.get(id(obj), 0) + 1
            return False

    painted = _PaintCounter()
    # what an edit changes on screen: the edited table cells, the results panel's КНП label
    must_paint = (w.table.viewport(), w.results.knp_value)
    for widget in must_paint:
        widget.installEventFilter(painted)

    def flush_paint() -> None:
        # paint what the edit made dirty, as the event loop does (Qt paints only the
        # regions that were invalidated; no forced full-window repaint); two turns, as item
        # views (the recommendations list) lay out changed items in the turn after the change
        app.processEvents()
        app.processEvents()

    sync: list[float] = []

    def edit_once(i: int) -> float:
        row = (i * 37) % N_ROWS
        value = f"{1.0 + i * 0.25:.2f}"
        got = {}
        t0 = time.perf_counter()
        before = [painted.n.get(id(x), 0) for x in must_paint]
        t0 = time.perf_counter()
        ok = w.model.setData(w.model.index(row, COL["mass"]), value)
        assert ok
        sync.append(time.perf_counter() - t0)   # results panel text and table model updated
        w.map.run_js("JSON.stringify(window.ecologisMap.getCircle())", lambda v: (got.setdefault("v", v), loop.quit()))
        if "v" not in got:
            loop.exec()
        flush_paint()
        elapsed = time.perf_counter() - t0
        # an edit counts only when the table and the results panel were painted anew
        if any(painted.n.get(id(x), 0) == b for x, b in zip(must_paint, before)):
            raise RuntimeError("an edit was not painted (table or results panel)")
        return elapsed

    rules = recommendation_rules()
    ems = wb.emissions
    prep = prepare(ems, d)

    def core_edit_once(i: int) -> float:
        # the core work of one mass edit, as the session does it: the edited row prepared
        # alone and its t/yr put into the prepared arrays, then compute on the whole table
        row = (i * 37) % N_ROWS
        t0 = time.perf_counter()
        one = prepare([dc_replace(ems[row], mass=1.0 + i * 0.25)], d)
        mass_t = prep.mass_t.copy()
        mass_t[row] = one.mass_t[0]
        compute(dc_replace(prep, mass_t=mass_t), wb.preset, rules=rules)
        return time.perf_counter() - t0

    for i in range(3):
        edit_once(i)  # warm-up
        core_edit_once(i)
    sync.clear()
    # alternated (the machine is shared): the GUI edit, then the core work of the same edit
    # run twice, the second (warm) run kept, so the GUI's cache traffic does not slow the baseline
    edit, core_edit = [], []
    for i in range(3, 3 + N_EDITS):
        edit.append(edit_once(i))
        core_edit_once(i)
        core_edit.append(core_edit_once(i))
    expected_text = w.results.knp_value.text()

    def js_round_trip() -> float:
        got = {}
        t0 = time.perf_counter()
        w.map.run_js("JSON.stringify(window.ecologisMap.getCircle())", lambda v: (got.setdefault("v", v), loop.quit()))
        if "v" not in got:
            loop.exec()
        flush_paint()
        return time.perf_counter() - t0

    js = [js_round_trip() for _ in range(N_EDITS)]

    def forced_repaint() -> float:
        t0 = time.perf_counter()
        w.repaint()
        return time.perf_counter() - t0

    # context only (what an earlier version of this benchmark added to every edit)
    full_repaint = [forced_repaint() for _ in range(N_EDITS)]

    core_full, core_compute = [], []
    for i in range(N_EDITS):
        t0 = time.perf_counter()
        prep_all = prepare(ems, d)
        res = compute(prep_all, wb.preset, rules=rules)
        core_full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        compute(prep_all, wb.preset, rules=rules)
        core_compute.append(time.perf_counter() - t0)
    assert abs(res.knp - wb.result.knp) <= 1e-9 * max(1.0, res.knp)
    w._closing_done = True
    w.close()
    return {"edit": statistics.median(edit), "edit_p90": sorted(edit)[int(0.9 * len(edit)) - 1],
            "core_full": statistics.median(core_full), "core_compute": statistics.median(core_compute),
            "core_edit": statistics.median(core_edit),
            "shown": expected_text, "js": statistics.median(js), "sync": statistics.median(sync),
            "full_repaint": statistics.median(full_repaint)}


def main(argv=None) -> int:
    print(f"GUI benchmark — {N_ROWS} rows, {N_EDITS} edits; start-up × {N_STARTS} (offscreen: "
          f"{os.environ.get('QT_QPA_PLATFORM')})")
    e = bench_edit()
    print("\n1. Edit-to-display latency (table edit → results panel + map circle confirmed by JS + paint of the changed regions)")
    print(f"   measured  : {e['edit'] * 1e3:8.2f} ms median  (p90 {e['edit_p90'] * 1e3:.2f} ms), КНП shown {e['shown']}")
    print(f"               {e['sync'] * 1e3:8.2f} ms median  of which synchronous: edit → workbench → table model → results panel")
    print(f"   baseline  : {e['core_edit'] * 1e3:8.2f} ms median  the core work of the same edit (the row prepared,"
          f" compute on the {N_ROWS} rows)")
    print(f"               {e['core_full'] * 1e3:8.2f} ms median  (context) a full prepare+compute of the table")
    print(f"   context   : {e['js'] * 1e3:8.2f} ms median  map JS round trip + pending paints with no edit (Chromium IPC floor)")
    print(f"               {e['full_repaint'] * 1e3:8.2f} ms median  a forced full-window repaint() (not part of an edit;"
          f" earlier versions of this benchmark added it)")
    print(f"   ratio     : {e['edit'] / e['core_edit']:8.2f} × the core work of the edit (goal ≤ 10×, and ≤ 16 ms: "
          f"{'met' if e['edit'] <= 0.016 else 'NOT met'} absolute)")
    s = bench_startup()
    print("\n2. Start-up until the zone is drawn (fresh process each, demo profile)")
    print(f"   measured  : {s['window']:8.3f} s median  {['%.3f' % x for x in s['window_all']]}")
    print(f"   baseline  : {s['bare']:8.3f} s median  bare QWebEngineView drawing the same map (same config) "
          f"{['%.3f' % x for x in s['bare_all']]}")
    print(f"   ratio     : {s['window'] / s['bare']:8.2f} × (goal ≤ 1.2×)")
    from benchmarks._common import record

    # two goals: ≤ 10× the core work and ≤ 16 ms absolute; "met" only when both hold
    record("gui", "edit to display", N_ROWS, e["edit"], "the core work of the same edit", e["core_edit"], 10.0,
           "measured/baseline", max_seconds=0.016)
    record("gui", "start-up until the zone is drawn", 1, s["window"], "bare QWebEngineView drawing the same map",
           s["bare"], 1.2, "measured/baseline")
    heavy = [x for x in s["heavy"] if x]
    print(f"   heavy modules loaded at start-up (matplotlib/pandas/reportlab): {', '.join(heavy) if heavy else 'none'}")
    return 0 if not heavy else 1


if __name__ == "__main__":
    sys.exit(main())
