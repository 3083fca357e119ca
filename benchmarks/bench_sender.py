"""Sender throughput benchmark (issue 5).

Measured: draining N queued monitoring results (default 10,000) from the SQLite outbox
to the local reference receiver over mutual TLS, with batching (default 100 records
per request, the shipped default).
Baseline, same run: the same N records sent one request per record (batch size 1),
over the same keep-alive mTLS connection, to a fresh receiver.

Both runs: fresh outbox and receiver database, records enqueued before the clock
starts, receiver in its own process (``ecologis-sender receiver``), schema validation
on the receiver, outbox in WAL mode (enqueue fsynced; each request's outcome committed
before the next request, synchronous=NORMAL — see ``ecologis/sender/outbox.py``).
The receiver commits every request with synchronous=FULL (an fsync before each
acknowledgement), which costs the one-per-record baseline one fsync per record and a
batch one per 100 records.

A third drain, batched, with the receiver's fast validation switched off
(ECOLOGIS_FAST_VALIDATION=0), shows what the fast path changes in the drain itself.

Second measurement: the receiver's validation of the same records, its fast path
(``schemas.fast_errors``: hand-written checks, falling back to the JSON-schema validator
for anything they do not accept) against the baseline ``schemas.errors``
(jsonschema Draft 2020-12 validator with FormatChecker, compiled once and reused).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ecologis.paths import REPO_ROOT


def _rows(n: int):
    import datetime as dt

    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    for i in range(n):
        s = start + dt.timedelta(minutes=30 * i)
        yield {"equipment_id": f"GA-{i % 4}", "substance": "7446-09-5", "value": 10 + (i % 97) * 0.5,
               "unit": "mg/m3", "period_start": s.isoformat(), "period_end": (s + dt.timedelta(minutes=30)).isoformat(),
               "averaging": "PT30M", "status": "valid"}


def _start_receiver(pki, db: Path, fast_validation: bool = True):
    cmd = [sys.executable, "-m", "ecologis.sender.cli", "--lang", "en", "receiver", "--host", "127.0.0.1",
           "--port", "0", "--db", str(db), "--ca", str(pki.ca), "--cert", str(pki.server_cert),
           "--key", str(pki.server_key)]
    env = dict(os.environ, ECOLOGIS_FAST_VALIDATION="1" if fast_validation else "0")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=str(REPO_ROOT), env=env)
    line = proc.stdout.readline()
    m = re.search(r"https://127\.0\.0\.1:(\d+)", line)
    if not m:
        proc.kill()
        raise RuntimeError(f"receiver did not start: {line!r}")
    return proc, f"https://127.0.0.1:{m.group(1)}"


def _run(pki, work: Path, name: str, n: int, batch_size: int, fast_validation: bool = True) -> tuple[float, int]:
    from ecologis.sender import model
    from ecologis.sender.config import SenderConfig
    from ecologis.sender.outbox import Outbox
    from ecologis.sender.receiver import dump
    from ecologis.sender.sender import Sender
    from ecologis.sender.tls import make_transport

    db = work / f"{name}_receiver.sqlite3"
    proc, url = _start_receiver(pki, db, fast_validation)
    try:
        cfg = SenderConfig(endpoint=url, ca_file=str(pki.ca), client_cert=str(pki.client_p12),
                           outbox=str(work / f"{name}_outbox.sqlite3"), batch_size=batch_size)
        ob = Outbox(cfg.outbox_path())
        items = [("measurement", model.make_measurement(r, i + 1, "bench")) for i, r in enumerate(_rows(n))]
        ob.enqueue_many(items, time.time())
        tr = make_transport(cfg, password=pki.password)
        t0 = time.perf_counter()
        res = Sender(cfg, ob, tr).drain(give_up_after=600)
        elapsed = time.perf_counter() - t0
        tr.close()
        ok = ob.counts()["acknowledged"]
        ob.close()
        if res.remaining or ok != n:
            raise RuntimeError(f"{name}: only {ok} of {n} acknowledged")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    stored = len(dump(db))
    if stored != n:
        raise RuntimeError(f"{name}: receiver stored {stored} of {n}")
    return elapsed, stored


def _validation(n: int) -> tuple[float, float]:
    """Seconds to validate n measurement records: (fast path, jsonschema baseline)."""
    from ecologis.sender import model, schemas

    recs = [model.make_measurement(r, i + 1, "bench") for i, r in enumerate(_rows(n))]
    schemas.errors("measurement", recs[0])          # build the validators outside the clock
    schemas.fast_errors("measurement", recs[0])
    t0 = time.perf_counter()
    bad_fast = sum(1 for r in recs if schemas.fast_errors("measurement", r))
    t_fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    bad_slow = sum(1 for r in recs if schemas.errors("measurement", r))
    t_slow = time.perf_counter() - t0
    if bad_fast or bad_slow:
        raise RuntimeError("benchmark records must be valid")
    return t_fast, t_slow


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="bench_sender")
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--batch-size", type=int, default=100)
    from benchmarks._common import record, strip_json

    args = ap.parse_args(strip_json(argv))
    from ecologis.sender.pki import make_test_pki

    with tempfile.TemporaryDirectory(prefix="ecologis-bench-sender-") as d:
        work = Path(d)
        os.environ.setdefault("ECOLOGIS_USER_DIR", str(work / "user"))
        pki = make_test_pki(work / "pki", "bench-password")
        n = args.records
        tb, _ = _run(pki, work, "batched", n, args.batch_size)
        ts, _ = _run(pki, work, "single", n, 1)
        tj, _ = _run(pki, work, "batched_jsonschema", n, args.batch_size, fast_validation=False)
    print(f"Sender drain of {n} queued records to the local reference receiver (mutual TLS, 127.0.0.1)")
    print(f"  measured: batches of {args.batch_size:<4d}  {tb:8.2f} s  {n / tb:9.0f} records/s")
    print(f"  baseline: one request per record  {ts:8.2f} s  {n / ts:9.0f} records/s")
    print(f"  ratio (batched / one-per-record throughput): {ts / tb:.1f}x")
    print(f"  for comparison: batches, receiver validating with jsonschema only  {tj:8.2f} s  {n / tj:9.0f} records/s"
          f"  (ratio to one-per-record: {ts / tj:.1f}x)")
    print("  every record acknowledged by the sender and stored exactly once by the receiver in every run")
    vf, vs = _validation(n)
    print(f"Receiver validation of {n} measurement records")
    print(f"  measured: fast path (hand-written checks)       {vf * 1e3 / n:8.4f} ms/record")
    print(f"  baseline: jsonschema Draft 2020-12 + formats    {vs * 1e3 / n:8.4f} ms/record")
    print(f"  ratio: {vs / vf:.1f}x")
    record("sender", f"drain, batches of {args.batch_size}", n, tb, "one request per record", ts, 10.0)
    record("sender", "receiver validation, fast path", n, vf, "jsonschema Draft 2020-12 + formats", vs, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
