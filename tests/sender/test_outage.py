"""Outage: receiver down → records accumulate → receiver up → every record delivered
once; the 24-hour window (the draft transfer procedure (2025), p. 13) is tracked with an injectable clock."""


from ecologis.i18n import t
from ecologis.sender.inbox import enqueue_file
from ecologis.sender.model import to_local_text
from ecologis.sender.outbox import Outbox
from ecologis.sender.receiver import Receiver
from ecologis.sender.sender import FakeClock, Sender, deadline_message, deadline_status

from sender_testlib import measurement_rows, transport_for, write_csv

H = 3600.0


def test_outage_backfill_and_deadline_warning(pki, cfg_for, tmp_path):
    clock = FakeClock(1_800_000_000.0)
    r1 = Receiver(tmp_path / "recv.sqlite3", pki.ca, pki.server_cert, pki.server_key).start()
    port = r1.port
    url = r1.url
    r1.stop()                                   # the receiver is down from here
    cfg = cfg_for(url, batch_size=20, warn_hours=2.0, deadline_hours=24.0)
    ob = Outbox(cfg.outbox_path())
    tr = transport_for(cfg)
    sender = Sender(cfg, ob, tr, clock)
    try:
        # records accumulate during the outage: 30 at T0, 30 more one hour later
        enqueue_file(write_csv(tmp_path / "a.csv", measurement_rows(30, day=1)), ob, clock.now())
        res = sender.drain(give_up_after=0)
        assert res.acked == 0 and res.remaining == 30
        assert res.attempts[0].error_kind == "unreachable"
        # a single failed attempt is not an outage yet (outage_minutes, default 15)
        st = deadline_status(ob, cfg, clock.now())
        assert st["deadline_state"] == "ok" and st["link"]["up"] is True
        clock.advance(1 * H)
        enqueue_file(write_csv(tmp_path / "b.csv", measurement_rows(30, day=5)), ob, clock.now())
        clock.advance(2 * H)                    # T0 + 3 h
        assert sender.drain(give_up_after=0).acked == 0
        assert ob.counts()["pending"] == 60
        # 3 h without a successful exchange: an outage since T0; the records are paused
        st = deadline_status(ob, cfg, clock.now())
        assert st["deadline_state"] == "paused" and st["link"]["up"] is False
        assert deadline_message(st) == t("sender.deadline.paused", since=to_local_text(st["link"]["down_since"]))

        # the receiver comes back on the same port, but answers 500 for a while:
        # the link is up (the server answers), so the 24-hour window starts now (T1)
        r2 = Receiver(tmp_path / "recv.sqlite3", pki.ca, pki.server_cert, pki.server_key, port=port).start()
        try:
            r2.faults.set("500")
            clock.advance(4 * H)                # T1 = T0 + 7 h; all back-offs (≤ 60 s) have passed
            t1 = clock.now()
            res = sender.drain(give_up_after=0)
            assert res.acked == 0 and res.attempts[0].http_status == 500
            st = deadline_status(ob, cfg, clock.now())
            # window = T1 + 24 h, measured from the restoration, not from T0
            assert st["link"]["up"] is True
            assert st["deadline_state"] == "ok"
            assert st["time_left_s"] == 24 * H
            assert st["oldest_pending_age_s"] == 7 * H
            # 22.5 h later only 1.5 h are left (< warn_hours = 2 h): warning
            clock.advance(22.5 * H)
            st = deadline_status(ob, cfg, clock.now())
            assert st["deadline_state"] == "warning"
            assert st["time_left_s"] == 1.5 * H
            assert deadline_message(st).startswith("УВАГА")
            # 2 h more: missed
            clock.advance(2 * H)
            st = deadline_status(ob, cfg, clock.now())
            assert st["deadline_state"] == "missed" and st["time_left_s"] == -0.5 * H
            clock.t = t1 + 22.5 * H
            # the server recovers: the backlog goes out oldest first, each record once
            r2.faults.clear()
            res = sender.drain(give_up_after=10 * 60)
            assert res.remaining == 0 and res.acked == 60
            assert r2.store.count() == 60
            assert r2.store.deliveries() == {"accepted": 60}
            stored = r2.store.db.execute("SELECT payload FROM records ORDER BY seq").fetchall()
            import json
            starts = [json.loads(p)["period_start"] for (p,) in stored]
            # oldest first: the 30 records of file a (March 1) before those of file b (March 5)
            assert all(s.startswith(("2026-02-28", "2026-03-01")) for s in starts[:30])
            assert all(s.startswith(("2026-03-04", "2026-03-05")) for s in starts[30:])
            # sent in batches: 60 records / 20 per batch = 3 batches
            batches = {b for (b,) in r2.store.db.execute("SELECT DISTINCT batch_id FROM records")}
            assert len(batches) == 3
            assert deadline_status(ob, cfg, clock.now())["deadline_state"] == "none"
            out = ob.outages()
            assert len(out) == 1 and out[0]["from"] == 1_800_000_000.0 and out[0]["restored_at"] == t1
        finally:
            r2.stop()
    finally:
        tr.close()
        ob.close()
