"""Rejections: wrong CA, expired client certificate, no client certificate, a 400 with
a message (dead letter), 429 with Retry-After (waits), 500 (retries)."""

import random

import pytest

from ecologis.i18n import t
from ecologis.sender import model
from ecologis.sender.outbox import Outbox
from ecologis.sender.sender import FakeClock, Sender
from ecologis.sender.tls import TransportError, load_identity

from sender_testlib import PASSWORD, measurement_rows, transport_for


def _queue(ob, n, now):
    for i, row in enumerate(measurement_rows(n)):
        ob.enqueue("measurement", model.make_measurement(row, i + 1, "t.csv"), now)


@pytest.mark.parametrize("case,kind", [
    ("wrong_ca", "wrong_ca"),
    ("expired", "client_cert_expired"),
    ("no_cert", "client_cert_missing"),
    ("foreign", "client_cert_rejected"),
])
def test_tls_rejections_keep_records_and_explain(case, kind, receiver, cfg_for, pki):
    kw = {"wrong_ca": dict(ca_file=str(pki.wrong_ca)), "expired": dict(client_cert=str(pki.expired_p12)),
          "no_cert": dict(client_cert=""), "foreign": dict(client_cert=str(pki.foreign_p12))}[case]
    cfg = cfg_for(receiver.url, **kw)
    ob = Outbox(cfg.outbox_path())
    clock = FakeClock()
    _queue(ob, 3, clock.now())
    tr = transport_for(cfg)
    try:
        res = Sender(cfg, ob, tr, clock).drain(give_up_after=0)
    finally:
        tr.close()
    assert res.acked == 0 and res.remaining == 3
    att = res.attempts[0]
    assert att.error_kind == kind
    # the whole translated text around the {detail} placeholder (the detail itself comes
    # from OpenSSL and differs between versions)
    expected = t(f"sender.error.{kind}", url=receiver.url + cfg.path_for("batch"), detail="\0")
    if "\0" in expected:
        before, after = expected.split("\0")
        assert att.error.startswith(before) and att.error.endswith(after)
        assert len(att.error) > len(before) + len(after)     # some detail is given
    else:
        assert att.error == expected
    assert not att.error.startswith("sender.")       # a translated text, not a key
    assert ob.counts()["pending"] == 3               # nothing lost, nothing dead-lettered
    # the server was reached: the 24-hour window runs (it is not an outage)
    from ecologis.sender.sender import deadline_status
    assert deadline_status(ob, cfg, clock.now())["deadline_state"] == "ok"
    assert receiver.store.count() == 0
    ob.close()


def test_expired_client_certificate_is_detected_locally(pki):
    ident = load_identity(pki.expired_p12, password=PASSWORD)
    assert ident.validity_problem() == "expired"
    assert load_identity(pki.client_p12, password=PASSWORD).validity_problem() is None


def test_400_goes_to_dead_letter_with_server_message(receiver, cfg_for):
    cfg = cfg_for(receiver.url, batch_size=1)
    ob = Outbox(cfg.outbox_path())
    clock = FakeClock()
    good = model.make_measurement(measurement_rows(1)[0], 1, "t.csv")
    bad = dict(good, record_id="not-a-uuid-but-valid-string", value="12")   # value must be a number
    bad.pop("unit")
    ob.enqueue("measurement", bad, clock.now())
    ob.enqueue("measurement", good, clock.now())
    tr = transport_for(cfg)
    try:
        res = Sender(cfg, ob, tr, clock).drain(give_up_after=0)
    finally:
        tr.close()
    assert ob.counts() == {"pending": 0, "sent": 0, "acknowledged": 1, "dead_letter": 1}
    dead = ob.rows("dead_letter")[0]
    assert dead.last_status == 400
    assert "'unit' is a required property" in dead.last_error      # the server's own message
    assert receiver.store.count() == 1
    assert res.dead == 1
    ob.close()


def test_batch_with_one_bad_record(receiver, cfg_for):
    cfg = cfg_for(receiver.url, batch_size=10)
    ob = Outbox(cfg.outbox_path())
    clock = FakeClock()
    recs = [model.make_measurement(r, i + 1, "t.csv") for i, r in enumerate(measurement_rows(3))]
    recs[1] = dict(recs[1], status="unknown-status")
    for r in recs:
        ob.enqueue("measurement", r, clock.now())
    tr = transport_for(cfg)
    try:
        Sender(cfg, ob, tr, clock).drain(give_up_after=0)
    finally:
        tr.close()
    assert ob.counts()["acknowledged"] == 2 and ob.counts()["dead_letter"] == 1
    assert "unknown-status" in ob.rows("dead_letter")[0].last_error
    ob.close()


def test_429_retry_after_is_honoured(receiver, cfg_for):
    cfg = cfg_for(receiver.url, backoff_base_s=1.0)
    ob = Outbox(cfg.outbox_path())
    clock = FakeClock()
    _queue(ob, 5, clock.now())
    receiver.faults.set("429", count=1, retry_after=7)
    tr = transport_for(cfg)
    t0 = clock.now()
    try:
        res = Sender(cfg, ob, tr, clock, random.Random(1)).drain(give_up_after=3600)
    finally:
        tr.close()
    assert res.remaining == 0 and res.acked == 5
    assert [a.http_status for a in res.attempts] == [429, 200]
    assert res.attempts[0].retry_after == 7.0
    # the sender waited exactly the server's 7 s (fake clock: no real sleep), not its own back-off
    assert clock.slept == [7.0] and clock.now() - t0 == 7.0
    statuses = [a["http_status"] for a in ob.audit_rows()]
    assert statuses == [429] * 5 + [200] * 5
    assert receiver.store.deliveries() == {"accepted": 5}
    ob.close()


def test_500_is_retried_with_backoff(receiver, cfg_for):
    cfg = cfg_for(receiver.url, backoff_base_s=2.0, backoff_cap_s=600.0)
    ob = Outbox(cfg.outbox_path())
    clock = FakeClock()
    _queue(ob, 4, clock.now())
    receiver.faults.set("500", count=3)
    tr = transport_for(cfg)
    try:
        res = Sender(cfg, ob, tr, clock, random.Random(7)).drain(give_up_after=3600)
    finally:
        tr.close()
    assert [a.http_status for a in res.attempts] == [500, 500, 500, 200]
    assert res.acked == 4 and ob.counts()["acknowledged"] == 4
    # equal-jitter back-off: attempt n waits in [d/2, d], d = 2 s · 2^(n-1) → [1,2], [2,4], [4,8]
    assert len(clock.slept) == 3
    for n, s in enumerate(clock.slept, start=1):
        d = 2.0 * 2 ** (n - 1)
        assert d / 2 <= s <= d
    assert receiver.store.count() == 4
    ob.close()


def test_unreachable_server(cfg_for, pki):
    # nobody listens on this port: bind a socket, note its port, close it
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    cfg = cfg_for(f"https://127.0.0.1:{port}")
    tr = transport_for(cfg)
    with pytest.raises(TransportError) as ei:
        tr.request("GET", "/api/v1/health")
    assert ei.value.kind == "unreachable"
    assert f"127.0.0.1:{port}" in ei.value.message()
