"""DispersionPanel with a profile: set_context pre-fills sources, rates in g/s and the stored
backgrounds; state()/load_state() keep only what the profile does not already hold."""

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

from ecologis.core.background import calculated  # noqa: E402
from ecologis.core.background.store import store_result  # noqa: E402
from ecologis.gui.panels.dispersion_panel import COLUMNS, DispersionPanel  # noqa: E402

_spec = importlib.util.spec_from_file_location("_disp_profile", Path(__file__).with_name("test_profile_input.py"))
_p = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_p)

TODAY = dt.date.today()


def _profile():
    p = _p.make_profile(grid={"step_m": 100})
    # §4 stored today: C_ф = 0.4·0.5 = 0.2, C_own 0.1 ≤ 0.4 → (4.1) 0.2 − 0.04 = 0.16 mg/m³ (reconstructed)
    store_result(p, calculated(0.5, substance="7446-09-5", c_own=0.1, date=TODAY))
    return p


@pytest.fixture
def panel(qtbot):
    w = DispersionPanel()
    qtbot.addWidget(w)
    yield w
    w.shutdown()


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
