"""The sanitary zones panel in the main window: class picked from the list, zones side by side,
map layers, the section saved in the project."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402

QCoreApplication.setAttribute(Qt.AA_ShareOpenGLContexts)
import PySide6.QtWebEngineWidgets  # noqa: E402,F401

from ecologis.i18n import translator  # noqa: E402


def _answer(kind, **kw):
    return {"recover": True, "unsaved": "discard"}.get(kind)


@pytest.fixture
def window(qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from ecologis.gui.main_window import MainWindow

    translator.set_language("en")
    w = MainWindow(demo=True, restore=False, prompt=_answer)
    qtbot.addWidget(w)
    w.show()
    yield w
    w._prompt = _answer
    w.close()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    QApplication.processEvents()
    translator.set_language("uk")


def _table(panel):
    tb = panel.zones_table
    return [[tb.item(r, c).text() for c in range(tb.columnCount())] for r in range(tb.rowCount())]


def test_demo_zones_side_by_side_and_saved(window, tmp_path, qtbot):
    panel = window.open_panel("ZonesPanel")
    # the demo profile already says: dairy, class V (ДСП 173-96 annex 4, food industry item 13)
    assert panel.class_combo.currentData() == "V"
    assert "Dairy" in panel.activity_label.text() and "50 m" in panel.activity_label.text()
    assert "class V" in panel.kved_hint.text()          # КВЕД 10.51 → the dairy row, labelled as our own
    assert "not a normative" in panel.kved_hint.text()
    panel.compute(dispersion=False)
    rows = _table(panel)
    assert rows[0][0] == "Normative (class V)" and rows[0][1] == "50"
    assert rows[1][0].startswith("KNP estimate") and rows[1][1] == "300"
    assert "normative, 50 m" in panel.binding_label.text()
    layers = panel.map_layers()
    assert layers["szz_normative"]["type"] == "Polygon" and layers["szz_knp_estimate"]["type"] == "Polygon"
    assert layers["szz_calculated"] is None

    # pick another class directly and a wind rose; save: the project keeps the section
    panel.class_combo.setCurrentIndex(panel.class_combo.findData("III"))
    for i in range(8):
        panel.rose_table.item(i, 1).setText("12.5")
    path = tmp_path / "p.json"
    assert window.save_to(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["sanitary"]["class"] == "III" and "activity_id" not in doc["sanitary"]
    assert doc["sanitary"]["wind_rose"]["N"] == 12.5


def test_search_pick_and_bad_rose_message(window, qtbot, tmp_path):
    panel = window.open_panel("ZonesPanel")
    panel.search.setText("cement")
    assert panel.activity_list.count() >= 2
    item = panel.activity_list.item(0)
    panel._pick_item(item)
    assert panel.class_combo.currentData() in ("I", "II")
    assert panel.state()["activity_id"] == item.data(Qt.UserRole)
    panel.rose_table.item(0, 1).setText("90")
    for i in range(1, 8):
        panel.rose_table.item(i, 1).setText("5")
    assert panel.compute(dispersion=False) is None
    assert "125" in panel.message.text()                # the rose adds up to 125 %, not 100
    csv = tmp_path / "rose.csv"
    csv.write_text("rhumb;percent\nN;20\nNE;10\nE;10\nSE;10\nS;10\nSW;10\nW;15\nNW;15\n", encoding="utf-8")
    assert panel.import_rose(str(csv))
    assert panel.rose_values()["W"] == 15


def test_zone_layers_reach_the_map_page(window, qtbot):
    if not window.map.is_ready():
        with qtbot.waitSignal(window.map.pageReady, timeout=20000):
            pass
    panel = window.open_panel("ZonesPanel")
    panel.compute(dispersion=False)
    out = {}

    def read():
        window.map.read_overlays(lambda v: out.update(v=v))

    def drawn() -> bool:
        if "szz_normative" in (out.get("v") or {}):
            return True
        read()                           # ask again: the page draws asynchronously
        return False

    read()
    qtbot.waitUntil(drawn, timeout=10000)
    ov = out["v"]
    assert ov["szz_normative"]["features"] == 1 and ov["szz_knp_estimate"]["features"] == 1
    assert ov["szz_normative"]["legend"] == "Normative SPZ (DSP 173-96)"
    assert "szz_calculated" not in ov                 # no dispersion: nothing drawn for it
