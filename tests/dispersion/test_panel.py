"""DispersionPanel (pytest-qt, offscreen): worker thread, progress, Cancel, errors, resultReady; with a
profile: set_context pre-fills sources, rates in g/s and the stored backgrounds; state()/load_state()
keep only what the profile does not already hold."""

import datetime as dt

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt

QCoreApplication.setAttribute(Qt.AA_ShareOpenGLContexts)
try:  # QtWebEngine must be loaded before the QApplication exists (other GUI tests need it)
    import PySide6.QtWebEngineWidgets  # noqa: E402,F401
except ImportError:  # pragma: no cover
    pass

from ecologis.gui.panels.dispersion_panel import COLUMNS, DispersionPanel  # noqa: E402
from ecologis.i18n import translator  # noqa: E402
from ecologis.io.reference_data import background_reference

_spec = importlib.util.spec_from_file_location("_disp_helpers", Path(__file__).with_name("_helpers.py"))
_h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_h)

EX1 = {"A": 200, "eta": 1, "ambient_temp_c": 25, "directions": 8, "grid": {"step_m": 50},
       "sources": [{"id": "S1", "lat": 49.23, "lon": 28.47, "height_m": 35, "diameter_m": 1.4,
                    "velocity_m_s": 7, "temp_c": 125,
                    "emissions": [{"substance": "so2-test", "rate_g_s": 12, "F": 1, "gdk_mr_mg_m3": 0.5},
                                  {"substance": "ash-test", "rate_g_s": 2.6, "F": 3, "gdk_mr_mg_m3": 0.5}]}]}


@pytest.fixture
def panel(qtbot):
    w = DispersionPanel()
    qtbot.addWidget(w)
    yield w
    w.shutdown()


def test_run_in_worker_emits_result_ready(qtbot, panel):
    panel.set_input(EX1)
    assert panel.table.rowCount() == 2
    data = panel.input_data()
    assert len(data["sources"]) == 1 and len(data["sources"][0]["emissions"]) == 2
    with qtbot.waitSignal(panel.resultReady, timeout=60000) as blocker:
        panel.run_btn.click()
        assert panel.is_running() and not panel.run_btn.isEnabled() and panel.cancel_btn.isEnabled()
    layers = blocker.args[0]
    assert set(layers) >= {"isolines", "szz_contour", "field_max", "receptors", "result", "target"}
    assert layers["isolines"]["type"] == "FeatureCollection"
    rows = {r["substance"]: r for r in layers["result"]["sources"]}
    _h.assert_printed(rows["so2-test"]["c_m_mg_m3"], "0,19")     # OND-86 Example 1
    _h.assert_printed(rows["ash-test"]["x_m_m"], "215")
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10000)
    assert panel.progress.value() == 1000
    assert panel.results.rowCount() == 2
    assert panel.results.item(0, 0).text() == "S1"
    assert not panel.notice.isHidden()                           # unverified formulas listed
    assert panel.run_btn.isEnabled()


def test_cancel_stops_the_worker(qtbot, panel):
    data = dict(EX1, directions=360, grid={"step_m": 5, "half_extent_m": 2500})   # slow: ~1000² nodes
    panel.set_input(data)
    with qtbot.waitSignal(panel.runCancelled, timeout=60000):
        panel.run()
        qtbot.wait(50)
        panel.cancel_btn.click()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10000)
    assert panel.result is None
    assert panel.status.text() == "Розрахунок скасовано."


def test_invalid_input_shows_translated_errors(qtbot, panel):
    panel.set_input(EX1)
    panel.table.item(0, COLUMNS.index("height_m")).setText("0")
    translator.set_language("en")
    with qtbot.waitSignal(panel.runFailed, timeout=30000) as blocker:
        panel.run()
    msgs = blocker.args[0]
    assert any("S1" in m and "height_m" in m for m in msgs)
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10000)
    assert not panel.errors.isHidden() and "height_m" in panel.errors.text()


def test_retranslate(qtbot, panel):
    assert panel.run_btn.text() == "Розрахувати"
    translator.set_language("en")
    assert panel.run_btn.text() == "Calculate"
    assert panel.table.horizontalHeaderItem(COLUMNS.index("height_m")).text() == "H, m"


def test_all_panel_strings_translated(qtbot, panel):
    from PySide6.QtWidgets import QLabel, QPushButton

    for lang in ("uk", "en"):
        translator.set_language(lang)
        texts = [b.text() for b in panel.findChildren(QPushButton)] + \
                [lab.text() for lab in panel.findChildren(QLabel)] + \
                [panel.table.horizontalHeaderItem(j).text() for j in range(panel.table.columnCount())] + \
                [panel.results.horizontalHeaderItem(j).text() for j in range(panel.results.columnCount())]
        assert not [x for x in texts if x.startswith("disp.")]


# ---------------------------------------------------------------- with a profile
from ecologis.core.background import calculated  # noqa: E402
from ecologis.core.background.store import store_result  # noqa: E402

_pspec = importlib.util.spec_from_file_location("_disp_profile", Path(__file__).with_name("test_profile_input.py"))
_p = importlib.util.module_from_spec(_pspec)
_pspec.loader.exec_module(_p)

TODAY = dt.date.today()


def _profile():
    p = _p.make_profile(grid={"step_m": 100})
    # §4 stored today: C_ф = 0.4·0.5 = 0.2, C_own 0.1 ≤ 0.4 → (4.1) 0.2 − 0.04 = 0.16 mg/m³ (reconstructed)
    store_result(p, calculated(0.5, substance="7446-09-5", c_own=0.1, date=TODAY, refdata=background_reference()))
    return p


def cell(panel, r, c):
    return panel.table.item(r, COLUMNS.index(c))


def test_set_context_prefills_from_profile(panel):
    panel.set_context(_profile())
    assert panel.table.rowCount() == 1
    assert cell(panel, 0, "id").text() == "S1"
    assert float(cell(panel, 0, "height_m").text()) == 35
    assert not (cell(panel, 0, "lat").flags() & Qt.ItemIsEditable)        # the profile's geometry
    assert float(cell(panel, 0, "velocity_m_s").text()) == 7                # from the extension
    # 378.432 t/yr over 8760 h = 12 g/s
    assert float(cell(panel, 0, "rate_g_s").text()) == pytest.approx(12.0)
    bg = cell(panel, 0, "background_mg_m3")
    assert float(bg.text()) == pytest.approx(0.16)
    assert "calculated" in bg.toolTip() and "exclude_own_4_1_4_2" in bg.toolTip()


def test_state_keeps_only_what_the_profile_lacks(panel):
    panel.set_context(_profile())
    st = panel.state()
    (s,) = st["sources"]
    assert s["id"] == "S1" and s["velocity_m_s"] == 7 and s["temp_c"] == 125
    assert not {"lat", "lon", "height_m", "diameter_m", "emissions"} & set(s)
    assert "background" not in st and "receptors" not in st
    # the run input is complete and names the stored background's provenance
    data = panel.input_data()
    assert data["sources"][0]["emissions"][0]["rate_g_s"] == pytest.approx(12.0)
    assert data["background_provenance"]["7446-09-5"]["method"] == "calculated"
    assert data["receptors"][0]["name"] == "School <b>1</b>"


def test_user_background_and_rate_go_to_state(panel):
    panel.set_context(_profile())
    cell(panel, 0, "background_mg_m3").setText("0.3")
    cell(panel, 0, "rate_g_s").setText("10")
    st = panel.state()
    assert st["background"] == {"7446-09-5": 0.3}
    assert st["sources"][0]["emissions"] == [{"substance": "7446-09-5", "rate_g_s": 10.0, "gdk_mr_mg_m3": 0.5}]
    data = panel.input_data()
    assert data["background_provenance"]["7446-09-5"]["origin"] == "user"


def test_load_state_round_trip(qtbot, panel):
    prof = _profile()
    panel.set_context(prof)
    cell(panel, 0, "temp_c").setText("150")
    st = panel.state()
    other = DispersionPanel()
    qtbot.addWidget(other)
    other.set_context(prof)
    other.load_state(st)
    assert other.state() == st
    assert float(cell(other, 0, "temp_c").text()) == 150


def test_run_with_context_reports_background(qtbot, panel):
    panel.set_context(_profile())
    with qtbot.waitSignal(panel.resultReady, timeout=60000) as blocker:
        panel.run()
    layers = blocker.args[0]
    (b,) = layers["background"]
    assert b["value_mg_m3"] == pytest.approx(0.16) and b["reconstructed"] is True
    assert layers["receptors"][0]["name"] == "School <b>1</b>"
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10000)
    assert "exclude_own_4_1_4_2" in panel.notice.text()


def test_receptor_concentrations_are_listed(qtbot, panel):
    # Two receptors: one 430 m downwind of the OND-86 Example 1 stack (x_m for SO2, where the
    # ground-level maximum C_m = 0.19 mg/m³ is reached on the axis), and one 20 km away.
    import math
    from pyproj import Geod

    lon1, lat1, _ = Geod(ellps="WGS84").fwd(28.47, 49.23, 90, 430.4)
    lon2, lat2, _ = Geod(ellps="WGS84").fwd(28.47, 49.23, 90, 20000)
    data = dict(EX1, receptors=[{"id": "R1", "name": "Школа <b>№1</b>", "lat": lat1, "lon": lon1},
                                {"id": "R2", "name": "Далеко", "lat": lat2, "lon": lon2}])
    data["sources"] = [dict(EX1["sources"][0], emissions=[EX1["sources"][0]["emissions"][0]])]
    panel.set_input(data)
    with qtbot.waitSignal(panel.resultReady, timeout=60000) as blocker:
        panel.run_btn.click()
    recs = {r["id"]: r for r in blocker.args[0]["receptors"]}
    # at x_m on the plume axis, with the worst direction searched, the value is C_m (0,19 printed)
    _h.assert_printed(recs["R1"]["value_mg_m3"], "0,19")
    assert recs["R2"]["value_mg_m3"] < 0.05 * recs["R1"]["value_mg_m3"]
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10000)
    text = panel.notice.text()
    assert "Школа <b>№1</b>" in text and "Далеко" in text
    assert panel.notice.textFormat() == Qt.PlainText          # the name shows as text, not markup
    assert not math.isnan(recs["R1"]["value_with_background_mg_m3"])


def test_contributions_and_gdv_tables(qtbot, panel):
    # One hot stack (OND-86 Example 1), SO2 12 g/s, ГДК 0.1 mg/m³: c_m = 0.1864243 mg/m³, so
    # ГДВ = M·ГДК/c_m = 12·0.1/0.1864243 = 6.436929 g/s, reduction 5.563071 g/s = 46.3589 %;
    # the only source contributes all of the maximum (100 %).
    data = {"A": 200, "eta": 1, "ambient_temp_c": 25, "grid": {"step_m": 200},
            "sources": [{"id": "S1", "lat": 49.23, "lon": 28.47, "height_m": 35, "diameter_m": 1.4,
                         "velocity_m_s": 7, "temp_c": 125,
                         "emissions": [{"substance": "so2-test", "rate_g_s": 12, "F": 1, "gdk_mr_mg_m3": 0.1}]}]}
    panel.set_input(data)
    with qtbot.waitSignal(panel.resultReady, timeout=60000):
        panel.run_btn.click()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=10000)

    def num(table, r, c):
        return float(table.item(r, c).text().replace(",", ".").replace("\u202f", "").replace(" ", ""))

    assert panel.contributions.rowCount() == 1
    assert panel.contributions.item(0, 0).text() == "S1"
    assert num(panel.contributions, 0, 2) == pytest.approx(0.1864243, rel=1e-3)
    assert num(panel.contributions, 0, 3) == pytest.approx(100.0)
    assert panel.gdv.rowCount() == 1
    assert num(panel.gdv, 0, 2) == pytest.approx(12.0)
    assert num(panel.gdv, 0, 3) == pytest.approx(6.436929, rel=1e-3)
    assert num(panel.gdv, 0, 4) == pytest.approx(5.563071, rel=1e-3)
    assert num(panel.gdv, 0, 5) == pytest.approx(46.3589, rel=1e-3)
