"""Durable outbox (SQLite, WAL): every message is stored here before any network call.

States: ``pending`` → ``sent`` (handed to the network, no answer yet) → ``acknowledged``;
permanent rejections go to ``dead_letter``.  A record left in ``sent`` by a crash is
simply sent again: its idempotency key lets the receiver drop the duplicate.

The outbox also keeps the audit journal of every attempt, the link state used for the
24-hour back-fill window (the draft transfer procedure (2025), p. 13), the outage log and the hashes of inbox files
already enqueued.

Link failures: the first failed attempt after a successful exchange opens a row in
``outages`` (``down_from``); the next successful exchange closes it (``restored_at``).
Only a failure period that lasted at least the configured outage length (no successful
exchange for N minutes) is an *outage*; shorter ones (blips) stay in the table as a
record of link failures but never move a deadline.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ecologis.sender import model

STATES = ("pending", "sent", "acknowledged", "dead_letter")
UNSENT = ("pending", "sent")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idem_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_attempt_at REAL,
    last_status INTEGER,
    last_error TEXT,
    sent_at REAL,
    acked_at REAL,
    source TEXT
);
CREATE INDEX IF NOT EXISTS ix_outbox_state ON outbox(state, id);
CREATE TABLE IF NOT EXISTS audit(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    idem_key TEXT NOT NULL,
    batch_id TEXT,
    endpoint TEXT NOT NULL,
    http_status INTEGER,
    outcome TEXT NOT NULL,
    error TEXT
);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS inbox_files(sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, at REAL NOT NULL,
                                       records INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS inbox_problems(id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL,
                                          name TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outages(id INTEGER PRIMARY KEY AUTOINCREMENT, down_from REAL NOT NULL,
                                   restored_at REAL, cause TEXT);
CREATE INDEX IF NOT EXISTS ix_outages_from ON outages(down_from);
"""

DEFAULT_OUTAGE_S = 15 * 60.0


def acquire_instance_lock(outbox_path: str | Path):
    """An exclusive lock next to the outbox (``<outbox>.lock``) so that only one process
    (the `run` service or the GUI panel) drains a queue at a time; released by the OS when
    the process ends, even by SIGKILL, or by closing the returned file.  Returns the open
    lock file, False if another holder has it, None where locking is unavailable."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory lock; idempotency keys still prevent duplicates
        return None
    outbox_path = Path(outbox_path)
    outbox_path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(str(outbox_path) + ".lock", "a+")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        return False
    return fh


class DuplicateFile(Exception):
    def __init__(self, name: str, first_name: str):
        super().__init__(name)
        self.name = name
        self.first_name = first_name


class ConflictingRecord(Exception):
    def __init__(self, index: int, key: str):
        super().__init__(key)
        self.index = index
        self.key = key


@dataclass
class Row:
    id: int
    idem_key: str
    kind: str
    payload: dict
    state: str
    created_at: float
    attempts: int
    next_attempt_at: float
    last_status: int | None
    last_error: str | None


class Outbox:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._synchronous = "NORMAL"    # switched only when a transaction needs the other mode
        self.db.execute("PRAGMA busy_timeout=30000")
        with self._lock:
            self.db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def __enter__(self) -> "Outbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- transactions ---------------------------------------------------------------
    @contextmanager
    def _tx(self, durable: bool = False):
        """A write transaction.  ``durable``: fsync on commit (synchronous=FULL), used when
        new records arrive, so a power cut cannot lose them.  State changes commit with
        synchronous=NORMAL: in WAL mode that survives any process crash (SIGKILL), and a
        state change lost to a power cut only means a record is sent again, which the
        idempotency key makes harmless.  The pragma is issued only when the mode changes,
        so the sending loop (state changes only) never repeats it."""
        with self._lock:
            mode = "FULL" if durable else "NORMAL"
            if mode != self._synchronous:
                self.db.execute("PRAGMA synchronous=" + mode)
                self._synchronous = mode
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    # ---- enqueue --------------------------------------------------------------------
    def enqueue(self, kind: str, payload: dict, now: float, source: str | None = None) -> bool:
        """Store one record; False if an identical record (same key) is already queued."""
        return self.enqueue_many([(kind, payload)], now, source=source)[0] == 1

    def enqueue_many(self, items, now: float, source: str | None = None, file_sha: str | None = None):
        """Store records in one transaction. Returns (inserted, already_present).

        ``items``: ``(kind, payload)`` or ``(kind, payload, idem_key)`` when the caller
        already has the key.  A record whose key is queued with *different* content
        raises ConflictingRecord (a correction must raise ``revision``).  With
        ``file_sha`` the file hash is recorded in the same transaction; a file seen
        before raises DuplicateFile.
        """
        inserted = present = 0
        with self._tx(durable=True) as db:
            if file_sha is not None:
                r = db.execute("SELECT name FROM inbox_files WHERE sha256=?", (file_sha,)).fetchone()
                if r:
                    raise DuplicateFile(source or "", r[0])
            for i, item in enumerate(items):
                kind, payload = item[0], item[1]
                key = item[2] if len(item) > 2 else model.key_for(kind, payload)
                text = model.canonical_json(payload)
                if db.execute("INSERT INTO outbox(idem_key, kind, payload, created_at, source) VALUES(?,?,?,?,?) "
                              "ON CONFLICT(idem_key) DO NOTHING", (key, kind, text, now, source)).rowcount == 1:
                    inserted += 1
                    continue
                if kind == "measurement":
                    r = db.execute("SELECT payload FROM outbox WHERE idem_key=?", (key,)).fetchone()
                    if r[0] != text:
                        raise ConflictingRecord(i, key)
                present += 1
            if file_sha is not None:
                db.execute("INSERT INTO inbox_files(sha256, name, at, records) VALUES(?,?,?,?)",
                           (file_sha, source or "", now, inserted))
        return inserted, present

    def note_file_problem(self, name: str, outcome: str, reason: str, now: float) -> None:
        """Record an inbox file set aside (outcome ``rejected`` or ``quarantined``)."""
        with self._tx() as db:
            db.execute("INSERT INTO inbox_problems(at, name, outcome, reason) VALUES(?,?,?,?)",
                       (now, name, outcome, reason))

    def file_problems(self, latest: int = 5) -> dict:
        """Counts of inbox files set aside per outcome and the latest ones (newest first)."""
        with self._lock:
            counts = dict(self.db.execute("SELECT outcome, COUNT(*) FROM inbox_problems GROUP BY outcome"))
            rows = self.db.execute("SELECT at, name, outcome, reason FROM inbox_problems ORDER BY id DESC LIMIT ?",
                                   (latest,)).fetchall()
        return {"rejected": counts.get("rejected", 0), "quarantined": counts.get("quarantined", 0),
                "latest": [{"at": a, "file": n, "outcome": o, "reason": r} for a, n, o, r in rows]}

    def file_seen(self, sha: str) -> str | None:
        with self._lock:
            r = self.db.execute("SELECT name FROM inbox_files WHERE sha256=?", (sha,)).fetchone()
        return r[0] if r else None

    # ---- reading --------------------------------------------------------------------
    def _rows(self, sql: str, args=()) -> list[Row]:
        with self._lock:
            cur = self.db.execute(
                "SELECT id, idem_key, kind, payload, state, created_at, attempts, next_attempt_at, "
                "last_status, last_error FROM outbox " + sql, args)
            return [Row(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6], r[7], r[8], r[9])
                    for r in cur.fetchall()]

    def due(self, now: float, limit: int) -> list[Row]:
        """The oldest unsent records, strictly in queue order: the leading run of those
        whose retry time has come (nothing overtakes a record that is still waiting)."""
        out = []
        for r in self._rows("WHERE state IN ('pending','sent') ORDER BY id LIMIT ?", (limit,)):
            if r.next_attempt_at > now:
                break
            out.append(r)
        return out

    def next_due_at(self) -> float | None:
        """When the head of the queue may be tried again."""
        with self._lock:
            r = self.db.execute("SELECT next_attempt_at FROM outbox WHERE state IN ('pending','sent') "
                                "ORDER BY id LIMIT 1").fetchone()
        return r[0] if r else None

    def oldest_unsent(self) -> Row | None:
        rows = self._rows("WHERE state IN ('pending','sent') ORDER BY id LIMIT 1")
        return rows[0] if rows else None

    def rows(self, state: str | None = None, limit: int = 500) -> list[Row]:
        if state:
            return self._rows("WHERE state=? ORDER BY id LIMIT ?", (state, limit))
        return self._rows("ORDER BY id LIMIT ?", (limit,))

    def counts(self) -> dict:
        out = {s: 0 for s in STATES}
        with self._lock:
            for state, n in self.db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state"):
                out[state] = n
        return out

    def unsent_count(self) -> int:
        with self._lock:
            return self.db.execute("SELECT COUNT(*) FROM outbox WHERE state IN ('pending','sent')").fetchone()[0]

    def queue_head(self) -> tuple[int, float | None, float | None]:
        """(unsent records, when the head of the queue may be tried, ``not_before``) in one query."""
        with self._lock:
            n, nxt, nb = self.db.execute(
                "SELECT COUNT(*), (SELECT next_attempt_at FROM outbox WHERE state IN ('pending','sent') "
                "ORDER BY id LIMIT 1), (SELECT value FROM meta WHERE key='not_before') "
                "FROM outbox WHERE state IN ('pending','sent')").fetchone()
        return n, nxt, (json.loads(nb) if nb is not None else None)

    def last_error(self) -> dict | None:
        with self._lock:
            r = self.db.execute("SELECT at, idem_key, endpoint, http_status, error FROM audit "
                                "ORDER BY id DESC LIMIT 1").fetchone()
        if not r or r[4] is None:   # only the error of the latest attempt is current
            return None
        return {"at": r[0], "idempotency_key": r[1], "endpoint": r[2], "http_status": r[3], "error": r[4]}

    def audit_rows(self, limit: int = 1000000) -> list[dict]:
        with self._lock:
            cur = self.db.execute("SELECT at, idem_key, batch_id, endpoint, http_status, outcome, error "
                                  "FROM audit ORDER BY id LIMIT ?", (limit,))
            return [dict(zip(("at", "idempotency_key", "batch_id", "endpoint", "http_status", "outcome",
                              "error"), r)) for r in cur.fetchall()]

    # ---- state changes --------------------------------------------------------------
    def mark_sent(self, ids, now: float) -> None:
        with self._tx() as db:
            db.executemany("UPDATE outbox SET state='sent', attempts=attempts+1, last_attempt_at=?, "
                           "sent_at=? WHERE id=? AND state IN ('pending','sent')",
                           [(now, now, i) for i in ids])

    def finish(self, *, acked=(), retry=(), dead=(), now: float, audit=(), link_up: bool = False) -> None:
        """Apply the outcome of one request atomically.

        acked: ids; retry: (id, next_attempt_at, status, error); dead: (id, status, error);
        audit: (idem_key, batch_id, endpoint, status, outcome, error); ``link_up``: the
        server answered (ends an outage, in the same transaction; see :meth:`link_up`).
        """
        with self._tx() as db:
            if link_up:
                self._link_up(db, now)
            db.executemany("UPDATE outbox SET state='acknowledged', acked_at=?, last_status=200, "
                           "last_error=NULL WHERE id=? AND state IN ('pending','sent')",
                           [(now, i) for i in acked])
            db.executemany("UPDATE outbox SET state='pending', next_attempt_at=?, last_status=?, "
                           "last_error=? WHERE id=? AND state IN ('pending','sent')",
                           [(nxt, st, err, i) for i, nxt, st, err in retry])
            db.executemany("UPDATE outbox SET state='dead_letter', last_status=?, last_error=? "
                           "WHERE id=? AND state IN ('pending','sent')",
                           [(st, err, i) for i, st, err in dead])
            db.executemany("INSERT INTO audit(at, idem_key, batch_id, endpoint, http_status, outcome, error) "
                           "VALUES(?,?,?,?,?,?,?)", [(now,) + tuple(a) for a in audit])

    def prune(self, now: float, keep_s: float) -> int:
        """Delete acknowledged records delivered more than ``keep_s`` seconds ago, audit
        rows of that age whose record is gone, and closed link failures and inbox notes of
        that age.  Unsent records and dead letters are never pruned.  Returns the number
        of records deleted (also added to meta ``pruned_total``)."""
        cutoff = now - keep_s
        with self._tx() as db:
            n = db.execute("DELETE FROM outbox WHERE state='acknowledged' AND acked_at < ?", (cutoff,)).rowcount
            db.execute("DELETE FROM audit WHERE at < ? AND NOT EXISTS "
                       "(SELECT 1 FROM outbox o WHERE o.idem_key = audit.idem_key)", (cutoff,))
            db.execute("DELETE FROM outages WHERE restored_at IS NOT NULL AND restored_at < ?", (cutoff,))
            db.execute("DELETE FROM inbox_problems WHERE at < ?", (cutoff,))
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('pruned_at', ?)", (json.dumps(now),))
            if n:
                r = db.execute("SELECT value FROM meta WHERE key='pruned_total'").fetchone()
                total = (json.loads(r[0]) if r else 0) + n
                db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('pruned_total', ?)", (json.dumps(total),))
        return n

    def retry_now(self, include_dead: bool = False) -> int:
        """Make every unsent record due at once (and, optionally, requeue dead letters)."""
        with self._tx() as db:
            n = db.execute("UPDATE outbox SET next_attempt_at=0 WHERE state IN ('pending','sent')").rowcount
            if include_dead:
                n += db.execute("UPDATE outbox SET state='pending', next_attempt_at=0 "
                                "WHERE state='dead_letter'").rowcount
            db.execute("DELETE FROM meta WHERE key='not_before'")
        return n

    # ---- meta / link state ------------------------------------------------------------
    def get_meta(self, key: str, default=None):
        return self.get_metas(key).get(key, default)

    def get_metas(self, *keys: str) -> dict:
        """Several meta values in one query (missing keys are left out)."""
        with self._lock:
            rows = self.db.execute(f"SELECT key, value FROM meta WHERE key IN ({','.join('?' * len(keys))})",
                                   keys).fetchall()
        return {k: json.loads(v) for k, v in rows}

    def set_meta(self, key: str, value) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                       (key, json.dumps(value)))

    def link_down(self, now: float, cause: str) -> None:
        with self._tx() as db:
            r = db.execute("SELECT value FROM meta WHERE key='link_down_since'").fetchone()
            if r is None or json.loads(r[0]) is None:
                db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('link_down_since', ?)", (json.dumps(now),))
                db.execute("INSERT INTO outages(down_from, cause) VALUES(?, ?)", (now, cause))

    def link_up(self, now: float) -> bool:
        """Record that the server answered; True if this ends an outage."""
        with self._tx() as db:
            return self._link_up(db, now)

    @staticmethod
    def _link_up(db, now: float) -> bool:
        # one UPDATE that changes nothing while the link is up (the usual case)
        if db.execute("UPDATE meta SET value='null' WHERE key='link_down_since' AND value<>'null'").rowcount == 0:
            return False
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('link_restored_at', ?)", (json.dumps(now),))
        db.execute("UPDATE outages SET restored_at=? WHERE restored_at IS NULL", (now,))
        return True

    def link_failures(self) -> list[dict]:
        """Every failure period, outages and blips alike (oldest first)."""
        with self._lock:
            return [{"from": a, "restored_at": b, "cause": c}
                    for a, b, c in self.db.execute("SELECT down_from, restored_at, cause FROM outages ORDER BY id")]

    def outages(self, min_s: float = DEFAULT_OUTAGE_S, now: float | None = None) -> list[dict]:
        """Outages: failure periods of at least ``min_s`` seconds without a successful
        exchange (an open one counts once ``now - from >= min_s``; without ``now`` open
        periods are listed as they are)."""
        def long_enough(o):
            if o["restored_at"] is not None:
                return o["restored_at"] - o["from"] >= min_s
            return now is None or now - o["from"] >= min_s
        return [o for o in self.link_failures() if long_enough(o)]

    def outage_at(self, ts: float, now: float, min_s: float = DEFAULT_OUTAGE_S) -> tuple[float, float | None] | None:
        """The outage (from, restored_at or None while open) that ``ts`` falls into,
        ``from <= ts < restored_at``; None if ``ts`` is not inside an outage."""
        with self._lock:
            r = self.db.execute("SELECT down_from, restored_at FROM outages WHERE down_from <= ? "
                                "AND (restored_at IS NULL OR restored_at > ?) ORDER BY down_from DESC LIMIT 1",
                                (ts, ts)).fetchone()
        if r is None:
            return None
        start, end = r
        if (end if end is not None else now) - start < min_s:
            return None         # a blip, or a failure not (yet) long enough to be an outage
        return start, end
