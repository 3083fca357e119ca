"""Reference receiver: the EcologIS contract served over HTTPS with mandatory client
certificates, for tests, demos and the operator's 10-working-day test period (the draft
transfer procedure (2025), p. 8).  It validates payloads against ``docs/sender/*.schema.json`` (measurements and
batches through the fast path of :mod:`ecologis.sender.schemas`, with the same verdicts
and the same reasons), stores records in
SQLite, drops duplicates by idempotency key and offers fault injection switchable at
run time (in process via :class:`Faults`, or through a JSON control file).
"""

from __future__ import annotations

import json
import select
import socket
import sqlite3
import ssl
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ecologis.sender import schemas
from ecologis.sender.config import DEFAULT_PATHS
from ecologis.sender.model import utc_iso


def _now_iso() -> str:
    return utc_iso(datetime.now(timezone.utc))


class Faults:
    """Fault injection. mode: None | 'refuse' | '500' | '429' | 'delay'.

    ``count``: how many requests are affected before the fault switches itself off
    (None = until changed).  With ``control_file`` the settings are re-read whenever
    that JSON file changes: {"mode": "429", "retry_after": 2, "delay_s": 0.5, "count": 3}.
    """

    def __init__(self, control_file: str | Path | None = None):
        self._lock = threading.Lock()
        self.mode = None
        self.count = None
        self.retry_after = 1.0
        self.delay_s = 0.0
        self.control_file = Path(control_file) if control_file else None
        self._mtime = None

    def set(self, mode=None, count=None, retry_after=1.0, delay_s=0.0) -> None:
        with self._lock:
            self.mode, self.count, self.retry_after, self.delay_s = mode, count, retry_after, delay_s

    def clear(self) -> None:
        self.set(None)

    def _reload(self) -> None:
        if not self.control_file:
            return
        try:
            m = self.control_file.stat().st_mtime_ns
        except FileNotFoundError:
            return
        if m == self._mtime:
            return
        self._mtime = m
        try:
            d = json.loads(self.control_file.read_text(encoding="utf-8") or "{}")
        except (OSError, json.JSONDecodeError):
            return
        self.set(d.get("mode"), d.get("count"), float(d.get("retry_after", 1.0)), float(d.get("delay_s", 0.0)))

    def take(self, refuse: bool = False):
        """The fault to apply (mode, retry_after, delay_s) or None; one use is counted.

        ``refuse=False``: for a request (every mode but 'refuse'); ``refuse=True``: for a
        new connection (only 'refuse', which drops connections before TLS).
        """
        self._reload()
        with self._lock:
            if not self.mode or (self.mode == "refuse") != refuse:
                return None
            if self.count is not None:
                if self.count <= 0:
                    self.mode = None
                    return None
                self.count -= 1
            return self.mode, self.retry_after, self.delay_s


class ReceiverStore:
    def __init__(self, path: str | Path):
        self._lock = threading.Lock()
        self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        # FULL: every commit is fsynced before store() returns, so an acknowledgement
        # never promises a record that a power cut could still take away
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS records(
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                idem_key TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                received_at TEXT NOT NULL,
                client_subject TEXT,
                batch_id TEXT
            );
            CREATE TABLE IF NOT EXISTS deliveries(
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                idem_key TEXT NOT NULL,
                outcome TEXT NOT NULL,
                at TEXT NOT NULL
            );
        """)

    def store(self, items, client: str, batch_id: str | None) -> list[str]:
        """items: (kind, key, payload) → outcome per item ('accepted' | 'duplicate')."""
        out = []
        at = _now_iso()
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for kind, key, payload in items:
                    cur = self.db.execute(
                        "INSERT OR IGNORE INTO records(idem_key, kind, payload, received_at, client_subject, batch_id) "
                        "VALUES(?,?,?,?,?,?)",
                        (key, kind, json.dumps(payload, ensure_ascii=False, sort_keys=True), at, client, batch_id))
                    oc = "accepted" if cur.rowcount == 1 else "duplicate"
                    self.db.execute("INSERT INTO deliveries(idem_key, outcome, at) VALUES(?,?,?)", (key, oc, at))
                    out.append(oc)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return out

    def count(self) -> int:
        with self._lock:
            return self.db.execute("SELECT COUNT(*) FROM records").fetchone()[0]

    def deliveries(self) -> dict:
        with self._lock:
            return dict(self.db.execute("SELECT outcome, COUNT(*) FROM deliveries GROUP BY outcome").fetchall())

    def close(self) -> None:
        with self._lock:
            self.db.close()


def dump(db_path: str | Path) -> list[dict]:
    """Every stored record with its idempotency key (``receiver-dump``)."""
    db = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT idem_key, kind, payload, received_at, client_subject, batch_id "
                          "FROM records ORDER BY seq").fetchall()
    finally:
        db.close()
    return [{"idempotency_key": k, "kind": kind, "payload": json.loads(p), "received_at": at,
             "client_subject": c, "batch_id": b} for k, kind, p, at, c, b in rows]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "EcologIS-reference-receiver/1"
    disable_nagle_algorithm = True   # headers and body are separate writes: avoid the 40 ms delayed-ACK stall

    def setup(self):
        self.request.settimeout(30)
        try:
            self.request.do_handshake()
        except (ssl.SSLError, OSError):
            self.server.handshake_failures += 1
            # TLS 1.3: the client has finished its side and is already sending its
            # request.  Closing now (with its bytes unread) resets the connection and
            # can destroy the alert before the client reads it; drain briefly first.
            deadline = time.monotonic() + 2.0
            try:
                while time.monotonic() < deadline:
                    if not select.select([self.request], [], [], 0.2)[0]:
                        break               # the client has stopped sending
                    if not socket.socket.recv(self.request, 65536):
                        break               # the client closed
            except (OSError, ValueError):
                pass
            raise
        super().setup()

    def log_message(self, fmt, *args):  # quiet unless asked
        if self.server.verbose:
            super().log_message(fmt, *args)

    # ---- helpers ----
    def _send(self, status: int, doc, headers: dict | None = None):
        body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status, code, message, headers=None):
        self._send(status, {"error": {"code": code, "message": message}}, headers)

    def _client_subject(self) -> str:
        cert = self.request.getpeercert() or {}
        parts = []
        for rdn in cert.get("subject", ()):
            for k, v in rdn:
                parts.append(f"{k}={v}")
        return ",".join(parts)

    def _fault(self) -> bool:
        f = self.server.faults.take()
        if not f:
            return False
        mode, retry_after, delay = f
        if mode == "delay":
            time.sleep(delay)
            return False
        if mode == "500":
            self._error(500, "INJECTED", "injected server error")
            return True
        if mode == "429":
            self._error(429, "THROTTLED", "too many requests", {"Retry-After": f"{retry_after:g}"})
            return True
        return False

    def _read_json(self):
        raw = self._raw
        try:
            return json.loads(raw.decode("utf-8")), False
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            self._error(400, "BAD_JSON", f"body is not JSON: {e}")
            return None, True

    # ---- routes ----
    def do_GET(self):
        self.server.requests += 1
        if self._fault():
            return
        if self.path == self.server.paths["health"]:
            self._send(200, {"status": "ok", "time": _now_iso(), "client_subject": self._client_subject()})
        else:
            self._error(404, "NOT_FOUND", f"no such path {self.path}")

    def do_POST(self):
        self.server.requests += 1
        n = int(self.headers.get("Content-Length") or 0)
        if n > self.server.max_body:
            self.close_connection = True
            self._error(413, "TOO_LARGE", f"body larger than {self.server.max_body} bytes")
            return
        self._raw = self.rfile.read(n) if n else b""
        if self._fault():
            return
        paths = self.server.paths
        kind = next((k for k in schemas.KINDS if paths[k] == self.path), None)
        if kind is None and self.path != paths["batch"]:
            self._error(404, "NOT_FOUND", f"no such path {self.path}")
            return
        doc, failed = self._read_json()
        if failed:
            return
        client = self._client_subject()
        store = self.server.store
        if kind is not None:
            key = self.headers.get(self.server.idempotency_header)
            if not key:
                self._error(400, "NO_IDEMPOTENCY_KEY", f"header {self.server.idempotency_header} is required")
                return
            errs = schemas.fast_errors(kind, doc)
            if errs:
                self._error(400, "SCHEMA", "; ".join(errs[:5]))
                return
            outcome = store.store([(kind, key, doc)], client, None)[0]
            self._send(201 if outcome == "accepted" else 200,
                       {"idempotency_key": key, "outcome": outcome, "received_at": _now_iso()})
            return
        errs = schemas.fast_errors("batch", doc)
        if errs:
            self._error(400, "SCHEMA", "; ".join(errs[:5]))
            return
        results, good, idx = [], [], []
        for item in doc["records"]:
            errs = schemas.fast_errors(item["kind"], item["payload"])
            if errs:
                results.append({"idempotency_key": item["idempotency_key"], "outcome": "rejected",
                                "error": {"code": "SCHEMA", "message": "; ".join(errs[:5])}})
            else:
                results.append(None)
                idx.append(len(results) - 1)
                good.append((item["kind"], item["idempotency_key"], item["payload"]))
        outcomes = store.store(good, client, doc["batch_id"]) if good else []
        for i, oc, (_k, key, _p) in zip(idx, outcomes, good):
            results[i] = {"idempotency_key": key, "outcome": oc}
        self._send(200, {"batch_id": doc["batch_id"], "received_at": _now_iso(), "results": results})


class ReceiverServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr, context: ssl.SSLContext, store: ReceiverStore, faults: Faults | None = None,
                 paths: dict | None = None, idempotency_header: str = "Idempotency-Key", verbose=False):
        super().__init__(addr, _Handler)
        self.context = context
        self.store = store
        self.faults = faults or Faults()
        self.paths = dict(DEFAULT_PATHS, **(paths or {}))
        self.idempotency_header = idempotency_header
        self.verbose = verbose
        self.max_body = 20 * 1024 * 1024
        self.requests = 0
        self.handshake_failures = 0
        self._conns: set = set()
        self._conn_lock = threading.Lock()

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.faults.take(refuse=True):
            # Drop the connection before TLS: the client sees a reset, like a dead server.
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass
            sock.close()
            raise OSError("refused by fault injection")
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def process_request(self, request, client_address):
        with self._conn_lock:
            self._conns.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._conn_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def close_all_connections(self) -> None:
        """Cut every open keep-alive connection (a stopped receiver must look dead)."""
        with self._conn_lock:
            conns = list(self._conns)
            self._conns.clear()
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)

    @property
    def port(self) -> int:
        return self.server_address[1]


def server_context(ca_file, cert_file, key_file, key_password: str | None = None) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(cafile=str(ca_file))
    ctx.load_cert_chain(str(cert_file), str(key_file), password=key_password)
    return ctx


class Receiver:
    """A receiver running in a background thread (tests, benchmark, GUI demo)."""

    def __init__(self, db: str | Path, ca: str | Path, cert: str | Path, key: str | Path,
                 host: str = "127.0.0.1", port: int = 0, faults: Faults | None = None, **kw):
        self.store = ReceiverStore(db)
        self.faults = faults or Faults()
        self.server = ReceiverServer((host, port), server_context(ca, cert, key), self.store, self.faults, **kw)
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="ecologis-receiver", daemon=True)

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> "Receiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        try:
            self.server.shutdown()
            self.server.server_close()
            self.server.close_all_connections()
            self._thread.join(timeout=10)
        finally:
            self.store.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
