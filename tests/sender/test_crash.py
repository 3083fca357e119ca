"""Crash safety: SIGKILL the sender process (`run --once`) at random points while it
drains, at least 30 times, and the receiver process at least 5 times in the middle of
the traffic → no record lost, none duplicated at the receiver.

Marked ``slow`` (about 20–40 s) but it runs by default, in CI too."""

import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import pytest

from ecologis.io.atomic import atomic_write_text
from ecologis.paths import REPO_ROOT
from ecologis.sender import model
from ecologis.sender.config import save_config
from ecologis.sender.outbox import Outbox
from ecologis.sender.sender import Sender

from sender_testlib import PASSWORD, measurement_rows, transport_for

N = 1500
SENDER_KILLS = 30
RECEIVER_KILLS = 5

pytestmark = [pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)"),
              pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _ReceiverProcess:
    """`ecologis-sender receiver` as a child process on a fixed port (restarted after a kill)."""

    def __init__(self, pki, db, faults, port, env):
        self.cmd = [sys.executable, "-m", "ecologis.sender.cli", "receiver", "--port", str(port), "--db", str(db),
                    "--ca", str(pki.ca), "--cert", str(pki.server_cert), "--key", str(pki.server_key),
                    "--faults", str(faults)]
        self.port = port
        self.env = env
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(self.cmd, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "the receiver did not start"
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.02)
        raise AssertionError("the receiver does not listen")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def test_sigkill_of_sender_and_receiver_loses_and_duplicates_nothing(pki, cfg_for, tmp_path):
    port = _free_port()
    cfg = cfg_for(f"https://127.0.0.1:{port}", batch_size=10, backoff_base_s=0.05, backoff_cap_s=0.2)
    ob = Outbox(cfg.outbox_path())
    expected = {}
    for i, row in enumerate(measurement_rows(N)):
        rec = model.make_measurement(row, i + 1, "crash.csv")
        ob.enqueue("measurement", rec, time.time())
        expected[rec["record_id"]] = rec
    ob.close()
    cfg_file = tmp_path / "sender.json"
    save_config(cfg, cfg_file)
    env = dict(os.environ, PW=PASSWORD, PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    faults = tmp_path / "faults.json"
    atomic_write_text(faults, json.dumps({"mode": "delay", "delay_s": 0.004}))   # kills land mid-drain
    db = tmp_path / "receiver.sqlite3"
    receiver = _ReceiverProcess(pki, db, faults, port, env)
    receiver.start()
    watch = sqlite3.connect(str(db), timeout=30)            # progress: the receiver's deliveries

    def delivered() -> int:
        return watch.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0]

    def wait_progress(proc, n):
        target = delivered() + n
        deadline = time.monotonic() + 30
        while delivered() < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)

    cmd = [sys.executable, "-m", "ecologis.sender.cli", "run", "--once", "--config", str(cfg_file),
           "--client-cert-password-env", "PW", "--give-up-after", "60", "--settle", "0"]
    rng = random.Random(20261206)
    sender_kills = receiver_kills = runs = 0
    try:
        while (sender_kills < SENDER_KILLS or receiver_kills < RECEIVER_KILLS) and runs < 3 * SENDER_KILLS:
            runs += 1
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    cwd=str(tmp_path))
            try:
                wait_progress(proc, rng.randint(0, 40))
                time.sleep(rng.uniform(0, 0.01))
                if receiver_kills < RECEIVER_KILLS and runs % 6 == 3:
                    # the receiver dies in the middle of the traffic, and comes back
                    receiver.kill()
                    receiver_kills += 1
                    time.sleep(rng.uniform(0, 0.3))
                    receiver.start()
                    wait_progress(proc, rng.randint(0, 20))
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    sender_kills += 1
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.wait(timeout=30)
        assert sender_kills >= SENDER_KILLS and receiver_kills >= RECEIVER_KILLS

        # a last, undisturbed run drains what is left
        atomic_write_text(faults, json.dumps({"mode": None}))
        ob = Outbox(cfg.outbox_path())
        tr = transport_for(cfg)
        try:
            res = Sender(cfg, ob, tr).drain(give_up_after=60)
        finally:
            tr.close()
        counts = ob.counts()
        ob.close()
        rows = watch.execute("SELECT idem_key, payload FROM records").fetchall()
        deliveries = dict(watch.execute("SELECT outcome, COUNT(*) FROM deliveries GROUP BY outcome").fetchall())
    finally:
        watch.close()
        receiver.stop()

    payloads = [json.loads(p) for _k, p in rows]
    ids = [p["record_id"] for p in payloads]
    lost = len(set(expected) - set(ids))
    duplicated = len(ids) - len(set(ids))
    print(f"records={N} sender_kills={sender_kills} receiver_kills={receiver_kills} runs={runs} "
          f"lost={lost} duplicated={duplicated} "
          f"duplicate deliveries dropped by the receiver={deliveries.get('duplicate', 0)}")
    assert res.remaining == 0
    assert counts == {"pending": 0, "sent": 0, "acknowledged": N, "dead_letter": 0}
    assert lost == 0                            # nothing lost …
    assert duplicated == 0                      # … nothing stored twice (stable record ids)
    assert len(rows) == N and set(ids) == set(expected)
    for p in payloads:
        assert p == expected[p["record_id"]]    # identical content
    assert deliveries["accepted"] == N
