"""Crash safety: SIGKILL the sender process at random points while it drains, at least
20 times → no record lost, none duplicated at the receiver."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from ecologis.paths import REPO_ROOT
from ecologis.sender import model
from ecologis.sender.config import save_config
from ecologis.sender.outbox import Outbox
from ecologis.sender.sender import Sender

from sender_testlib import PASSWORD, measurement_rows, transport_for

N = 1500
KILLS = 20

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


def test_sigkill_while_draining_loses_and_duplicates_nothing(receiver, cfg_for, tmp_path):
    cfg = cfg_for(receiver.url, batch_size=10, backoff_base_s=0.05, backoff_cap_s=0.2)
    ob = Outbox(cfg.outbox_path())
    expected = {}
    for i, row in enumerate(measurement_rows(N)):
        rec = model.make_measurement(row, i + 1, "crash.csv")
        ob.enqueue("measurement", rec, time.time())
        expected[rec["record_id"]] = rec
    ob.close()
    cfg_file = tmp_path / "sender.json"
    save_config(cfg, cfg_file)
    receiver.faults.set("delay", delay_s=0.004)   # a few ms per request: kills land mid-drain
    env = dict(os.environ, PW=PASSWORD, PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable, "-m", "ecologis.sender.cli", "run", "--once", "--config", str(cfg_file),
           "--client-cert-password-env", "PW", "--give-up-after", "60", "--settle", "0"]
    rng = random.Random(20261121)
    kills = 0
    runs = 0
    while kills < KILLS and runs < 3 * KILLS:
        runs += 1
        before = receiver.server.requests
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=str(tmp_path))
        try:
            # wait for a random number of requests (0-5) of this run, plus a random pause
            target = before + rng.randint(0, 5)
            deadline = time.monotonic() + 30
            while receiver.server.requests <= target and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.01))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
            proc.stderr.close()
    assert kills >= KILLS
    receiver.faults.clear()

    # a last, undisturbed run drains what is left
    ob = Outbox(cfg.outbox_path())
    tr = transport_for(cfg)
    try:
        res = Sender(cfg, ob, tr).drain(give_up_after=60)
    finally:
        tr.close()
    assert res.remaining == 0
    assert ob.counts() == {"pending": 0, "sent": 0, "acknowledged": N, "dead_letter": 0}
    ob.close()

    rows = receiver.store.db.execute("SELECT idem_key, payload FROM records").fetchall()
    payloads = [json.loads(p) for _k, p in rows]
    ids = [p["record_id"] for p in payloads]
    assert len(rows) == N                       # nothing lost …
    assert len(set(ids)) == N                   # … nothing stored twice (stable record ids)
    assert set(ids) == set(expected)
    for p in payloads:
        assert p == expected[p["record_id"]]    # identical content
    deliveries = receiver.store.deliveries()
    assert deliveries["accepted"] == N
    print(f"kills={kills} runs={runs} duplicate deliveries dropped by the receiver={deliveries.get('duplicate', 0)}")
