"""The 24-hour window per record (the draft transfer procedure (2025), p. 13): "протягом 24 годин після відновлення
зв'язку передає ... результати ..., отримані у період відсутності зв'язку".

* a record created while the link is up keeps its own clock: created_at + 24 h;
* a record created during an outage [s, e) is due at e + 24 h;
* while that outage is still open its clock is paused;
* an outage is "no successful exchange for N minutes" (sender.json ``outage_minutes``,
  default 15): a single failed attempt (a blip) is not an outage.

All times are hand-computed offsets from T0 (a FakeClock-style number, no network).
"""

import json

from ecologis.i18n import t, translator
from ecologis.sender.config import SenderConfig, load_config
from ecologis.sender.outbox import Outbox
from ecologis.sender import sender as S
from ecologis.sender.sender import deadline_message, deadline_status

from sender_testlib import measurement_rows
from ecologis.sender import model

T0 = 1_800_000_000.0
H = 3600.0
M = 60.0


def _add(ob, n_from, created_at, day):
    rec = model.make_measurement(measurement_rows(1, day=day)[0], 1, "t.csv")
    ob.enqueue("measurement", rec, created_at)


def test_blip_does_not_reset_the_window(tmp_path):
    cfg = SenderConfig()                      # outage_minutes = 15 by default
    ob = Outbox(tmp_path / "o.sqlite3")
    try:
        _add(ob, 0, T0, 1)                    # created while the link is up
        ob.link_down(T0 + 1 * H, "timeout")   # one failed attempt …
        ob.link_up(T0 + 1 * H + 30)           # … and 30 s later the server answers
        st = deadline_status(ob, cfg, T0 + 2 * H)
        # own clock: T0 + 24 h; now = T0 + 2 h → 22 h left (not 23 h 00 min 30 s)
        assert st["deadline_state"] == "ok"
        assert st["time_left_s"] == 22 * H
        assert ob.outages() == []             # a blip is not an outage
    finally:
        ob.close()


def test_record_created_before_an_outage_keeps_its_own_clock(tmp_path):
    cfg = SenderConfig()
    ob = Outbox(tmp_path / "o.sqlite3")
    try:
        _add(ob, 0, T0, 1)                    # link up at T0
        ob.link_down(T0 + 1 * H, "unreachable")
        ob.link_down(T0 + 2 * H, "unreachable")
        _add(ob, 1, T0 + 2 * H, 2)            # created during the outage
        ob.link_up(T0 + 3 * H)                # outage [T0+1h, T0+3h): 2 h ≥ 15 min
        assert [(o["from"], o["restored_at"]) for o in ob.outages()] == [(T0 + 1 * H, T0 + 3 * H)]
        # record 1: T0 + 24 h; record 2: restoration T0 + 3 h + 24 h = T0 + 27 h
        assert S.record_deadline(ob, cfg, T0, T0 + 4 * H) == ("ok", T0 + 24 * H)
        assert S.record_deadline(ob, cfg, T0 + 2 * H, T0 + 4 * H) == ("ok", T0 + 27 * H)
        st = deadline_status(ob, cfg, T0 + 4 * H)   # the oldest unsent record is record 1
        assert st["time_left_s"] == 20 * H
    finally:
        ob.close()


def test_open_outage_pauses_only_records_created_during_it(tmp_path):
    cfg = SenderConfig(outage_minutes=10)
    ob = Outbox(tmp_path / "o.sqlite3")
    try:
        ob.link_down(T0, "unreachable")       # first failure at T0
        _add(ob, 0, T0 + 1 * M, 1)
        # 5 min after the first failure: not yet an outage (< 10 min), the clock runs
        st = deadline_status(ob, cfg, T0 + 5 * M)
        assert st["deadline_state"] == "ok" and st["link"]["up"] is True
        # 12 min after it, still no answer: an outage since T0, paused
        ob.link_down(T0 + 12 * M, "unreachable")
        st = deadline_status(ob, cfg, T0 + 12 * M)
        assert st["deadline_state"] == "paused" and st["link"]["up"] is False
        assert S.record_deadline(ob, cfg, T0 + 1 * M, T0 + 12 * M) == ("paused", None)
        # a record created before the outage runs on: T0 - 1 h + 24 h
        assert S.record_deadline(ob, cfg, T0 - 1 * H, T0 + 12 * M) == ("ok", T0 + 23 * H)
        # durable: another process sees the same
        ob2 = Outbox(tmp_path / "o.sqlite3")
        assert deadline_status(ob2, cfg, T0 + 12 * M)["deadline_state"] == "paused"
        ob2.close()
    finally:
        ob.close()


def test_outage_minutes_in_sender_json(tmp_path):
    p = tmp_path / "sender.json"
    p.write_text(json.dumps({"outage_minutes": 5}), encoding="utf-8")
    assert load_config(p).outage_minutes == 5
    assert SenderConfig().outage_minutes == 15


def test_messages_read_naturally_in_both_languages(tmp_path):
    cfg = SenderConfig()
    ob = Outbox(tmp_path / "o.sqlite3")
    try:
        _add(ob, 0, T0, 1)
        try:
            for lang, left, over in (("en", "23 h 59 min", "1 h 00 min"), ("uk", "23 год 59 хв", "1 год 00 хв")):
                translator.set_language(lang)
                # 1 s after creation: 23 h 59 min 59 s left → "23 h 59 min" (whole minutes, rounded down)
                st = deadline_status(ob, cfg, T0 + 1)
                assert deadline_message(st) == t("sender.deadline.ok", left=left,
                                                  deadline=model.to_local_text(st["deadline"]))
                # 25 h 00 min 17 s after creation: overdue by 1 h 00 min 17 s → "1 h 00 min"
                st = deadline_status(ob, cfg, T0 + 25 * H + 17)
                msg = deadline_message(st)
                assert msg == t("sender.deadline.missed", left=over, deadline=model.to_local_text(st["deadline"]))
                assert "-" + "1:00:17" not in msg
        finally:
            translator.set_language("uk")
    finally:
        ob.close()
