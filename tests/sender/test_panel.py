"""Sender panel (pytest-qt, offscreen): configure, test the connection, register the
АСВ, send the current assessment, watch the queue, switch language."""

import pytest

pytest.importorskip("pytestqt")

from ecologis.i18n import t, translator  # noqa: E402
from ecologis.sender.config import SenderConfig, save_config  # noqa: E402

from sender_testlib import PASSWORD  # noqa: E402

ASSESSMENT = {"knp": 1386.1866552, "category": "III", "szz_m": 300, "method": "thesis_linear",
              "contributions": [{"substance": "nitrogen dioxide", "value": 1130.509}],
              "enterprise": {"name": "Demo"}}


@pytest.fixture
def panel(qtbot, receiver, pki, tmp_path, monkeypatch):
    monkeypatch.setenv("SENDER_PW", PASSWORD)
    save_config(SenderConfig(endpoint=receiver.url, ca_file=str(pki.ca), client_cert=str(pki.client_p12),
                             password_env="SENDER_PW", outbox=str(tmp_path / "panel_outbox.sqlite3")))
    from ecologis.gui.panels.sender_panel import SenderPanel

    current = {"a": dict(ASSESSMENT)}
    w = SenderPanel(lambda: current["a"])
    w.current = current
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def _wait_idle(qtbot, w):
    qtbot.waitUntil(lambda: not w._busy, timeout=20000)


def test_panel_configuration_and_connection_test(panel, qtbot, receiver):
    assert panel.endpoint.text() == receiver.url
    assert not panel.verify_warning.isVisible() or panel.verify_warning.text() == ""
    panel.test_btn.click()
    _wait_idle(qtbot, panel)
    assert panel.last_result.startswith(t("sender.test.ok", url=receiver.url + "/api/v1/health",
                                          version="X", ms=0)[:20])
    # switching verification off shows the warning
    panel.verify.setChecked(False)
    assert panel.verify_warning.text() == t("sender.warning.verify_off")


def test_panel_sends_assessment_and_registration(panel, qtbot, receiver):
    assert panel.send_assessment() is True
    _wait_idle(qtbot, panel)
    qtbot.waitUntil(lambda: panel.outbox().counts()["acknowledged"] == 1, timeout=20000)
    # the same assessment again is not queued twice
    panel.send_assessment()
    _wait_idle(qtbot, panel)
    assert panel.last_result == t("sender.gui.already_queued", kind=t("sender.gui.kind.assessment"))

    panel.asv_id.setText("ASV-1")
    panel.edrpou.setText("12345678")
    panel.operator_name.setText("ТОВ «Приклад»")
    panel.installation_name.setText("Котельня №1")
    panel.permit.setText("ІДД-42")
    panel.cert_serial.setText("")
    panel._fill_serial()
    assert panel.cert_serial.text() != ""
    assert panel.register_asv() is True
    _wait_idle(qtbot, panel)
    qtbot.waitUntil(lambda: panel.outbox().counts()["acknowledged"] == 2, timeout=20000)
    kinds = sorted(k for (k,) in receiver.store.db.execute("SELECT kind FROM records"))
    assert kinds == ["assessment", "asv"]
    panel.refresh()
    assert panel.queue_table.rowCount() == 2
    assert panel.counts_label.text() == t("sender.status.counts", pending=0, sent=0, acknowledged=2, dead=0)


def test_panel_invalid_registration_and_no_assessment(panel, qtbot):
    panel.edrpou.setText("123")          # not 8 digits
    assert panel.register_asv() is False
    assert "edrpou" in panel.last_result
    panel.current["a"] = None
    assert panel.send_assessment() is False
    assert panel.last_result == t("sender.gui.no_assessment")


def test_panel_queue_during_outage_and_retry(panel, qtbot, receiver):
    receiver.faults.set("500")
    panel.send_assessment()
    _wait_idle(qtbot, panel)
    assert panel.outbox().counts()["pending"] == 1
    panel.refresh()
    assert "500" in panel.last_error_label.text()
    assert panel.deadline_state == "ok"
    receiver.faults.clear()
    panel.retry_now()
    _wait_idle(qtbot, panel)
    assert panel.outbox().counts()["acknowledged"] == 1


def test_panel_retranslate(panel):
    translator.set_language("en")
    assert panel.tabs.tabText(2) == "Queue"
    assert panel.send_assessment_btn.text() == "Send current assessment"
    translator.set_language("uk")
    assert panel.tabs.tabText(2) == t("sender.gui.tab.queue")


def test_panel_deadline_countdown_with_injected_clock(qtbot, receiver, pki, tmp_path, monkeypatch):
    from ecologis.gui.panels.sender_panel import SenderPanel
    from ecologis.sender.sender import FakeClock

    monkeypatch.setenv("SENDER_PW", PASSWORD)
    save_config(SenderConfig(endpoint=receiver.url, ca_file=str(pki.ca), client_cert=str(pki.client_p12),
                             password_env="SENDER_PW", outbox=str(tmp_path / "o.sqlite3"), warn_hours=2))
    clock = FakeClock(1_800_000_000.0)
    w = SenderPanel(lambda: dict(ASSESSMENT), clock=clock)
    qtbot.addWidget(w)
    receiver.faults.set("500")               # the server answers, but does not accept
    w.send_assessment()
    _wait_idle(qtbot, w)
    w.refresh()
    assert w.deadline_state == "ok"
    # queued at T0, link up: deadline T0 + 24 h; 22 h 30 min later 1 h 30 min are left (< 2 h)
    clock.advance(22.5 * 3600)
    w.refresh()
    assert w.deadline_state == "warning"
    assert t("sender.duration.hm", h=1, m="30") in w.deadline_label.text()     # "1 год 30 хв"
    clock.advance(2 * 3600)
    w.refresh()
    assert w.deadline_state == "missed"
    w.close()


def test_panel_keeps_one_transport_until_a_connection_field_changes(panel, qtbot, receiver):
    panel.send_now()
    _wait_idle(qtbot, panel)
    first = panel._transport
    assert first is not None
    assert panel.send_assessment() is True          # a send (and its drain) reuses the transport
    _wait_idle(qtbot, panel)
    qtbot.waitUntil(lambda: panel.outbox().counts()["acknowledged"] == 1, timeout=20000)
    assert panel._transport is first
    panel.batch_size.setValue(7)                     # not a connection setting
    panel.send_now()
    _wait_idle(qtbot, panel)
    assert panel._transport is first
    panel.endpoint.setText(receiver.url + "/")       # a connection setting: a new transport
    panel.send_now()
    _wait_idle(qtbot, panel)
    assert panel._transport is not None and panel._transport is not first
    panel.close()
    assert panel._transport is None
