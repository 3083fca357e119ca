"""The sending engine: drains the outbox oldest first, in batches, over mutual TLS.

* transient failures (no response, 5xx, 408, 429) → back to ``pending`` with exponential
  back-off and jitter; 429 honours ``Retry-After``;
* permanent rejections (other 4xx) → ``dead_letter`` with the server's message
  (a rejected batch is split and its records are sent one by one, so one bad record
  does not take good ones with it); 401/403 are authorisation problems of the whole
  client, not of a record: the records stay pending;
* every attempt goes to the audit journal;
* the clock is injectable (tests advance it instead of sleeping).
"""

from __future__ import annotations

import email.utils
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ecologis.i18n import t
from ecologis.sender import model
from ecologis.sender.config import SenderConfig
from ecologis.sender.outbox import Outbox, Row
from ecologis.sender.tls import HttpResponse, TransportError


MAX_BATCH = 1000   # batch.schema.json maxItems
# no successful exchange in the sense of the draft transfer procedure (2025), p. 13 (a TLS refusal is an answer)
LINK_DOWN_KINDS = ("unreachable", "timeout", "connection_closed")


class Clock:
    """Wall clock; tests pass a fake with the same two methods."""

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class FakeClock(Clock):
    """Manual clock: ``sleep`` advances time instantly."""

    def __init__(self, start: float = 1_800_000_000.0):
        self.t = float(start)
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        self.t += seconds


def rename_fields(obj, mapping: dict):
    """Rename dict keys at any depth (our name → wire name)."""
    if not mapping:
        return obj
    if isinstance(obj, dict):
        return {mapping.get(k, k): rename_fields(v, mapping) for k, v in obj.items()}
    if isinstance(obj, list):
        return [rename_fields(v, mapping) for v in obj]
    return obj


def parse_retry_after(value: str | None, now: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        dt = email.utils.parsedate_to_datetime(value)
        return max(0.0, dt.timestamp() - now)
    except (TypeError, ValueError):
        return None


def iso(ts: float) -> str:
    return model.utc_iso(datetime.fromtimestamp(ts, timezone.utc))


@dataclass
class Attempt:
    """What one request did (for logs and the GUI)."""
    endpoint: str
    records: int
    acked: int = 0
    retried: int = 0
    dead: int = 0
    http_status: int | None = None
    error: str | None = None
    error_kind: str | None = None
    retry_after: float | None = None


@dataclass
class DrainResult:
    attempts: list = field(default_factory=list)
    acked: int = 0
    dead: int = 0
    remaining: int = 0
    gave_up: bool = False


class Sender:
    def __init__(self, cfg: SenderConfig, outbox: Outbox, transport, clock: Clock | None = None,
                 rng: random.Random | None = None):
        self.cfg = cfg
        self.outbox = outbox
        self.transport = transport
        self.clock = clock or Clock()
        self.rng = rng or random.Random()
        self._pruned_at: float | None = None

    # ---- retention --------------------------------------------------------------------
    def prune(self) -> int:
        """Delete delivered records older than ``retention_days`` (0 or less: keep all)."""
        self._pruned_at = self.clock.now()
        days = float(self.cfg.retention_days)
        if days <= 0:
            return 0
        return self.outbox.prune(self._pruned_at, days * 86400.0)

    def maybe_prune(self, every_s: float = 3600.0) -> int:
        """:meth:`prune`, at most once per ``every_s`` (remembered in the outbox, so the
        GUI's many short drains do not repeat it)."""
        last = self._pruned_at if self._pruned_at is not None else self.outbox.get_meta("pruned_at")
        if last is not None and 0 <= self.clock.now() - last < every_s:
            return 0
        return self.prune()

    # ---- helpers ----------------------------------------------------------------------
    def backoff(self, attempts: int) -> float:
        """Exponential back-off with 'equal jitter': d/2 + U(0, d/2), d = base·2^(n-1) capped."""
        d = min(self.cfg.backoff_cap_s, self.cfg.backoff_base_s * (2 ** max(0, attempts - 1)))
        return d / 2 + self.rng.uniform(0, d / 2)

    def _headers(self, key: str) -> dict:
        return {self.cfg.idempotency_header: key}

    def _body(self, obj) -> bytes:
        return json.dumps(rename_fields(obj, self.cfg.field_names), ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")

    def _response_json(self, resp: HttpResponse):
        doc = resp.json()
        inverse = {v: k for k, v in (self.cfg.field_names or {}).items()}
        return rename_fields(doc, inverse)

    # ---- one request ------------------------------------------------------------------
    def send_due(self) -> Attempt | None:
        """Send one request with the oldest due records; None if nothing is due."""
        now = self.clock.now()
        meta = self.outbox.get_metas("not_before")
        not_before = meta.get("not_before")
        if not_before and not_before > now:
            return None
        size = min(MAX_BATCH, max(1, int(self.cfg.batch_size)))
        rows = self.outbox.due(now, size)
        if not rows:
            return None
        if size == 1:
            return self._send_single(rows[0])
        return self._send_batch(rows)

    def _transient(self, rows, now, status, error, retry_after=None):
        """One retry time for the whole request, so the queue keeps its order."""
        wait = retry_after if retry_after is not None else self.backoff(max(r.attempts for r in rows) + 1)
        return [(r.id, now + wait, status, error) for r in rows]

    def _on_transport_error(self, rows, endpoint, e: TransportError, batch_id, now) -> Attempt:
        link_down = e.kind in LINK_DOWN_KINDS
        if link_down:
            self.outbox.link_down(now, e.kind)
        # otherwise (a TLS refusal) the server was reached: the link is up and the
        # 24-hour window runs; the problem (certificate, CA) is on our side
        msg = e.message()
        self.outbox.finish(retry=self._transient(rows, now, None, msg), now=now, link_up=not link_down,
                           audit=[(r.idem_key, batch_id, endpoint, None, "error:" + e.kind, msg) for r in rows])
        return Attempt(endpoint, len(rows), retried=len(rows), error=msg, error_kind=e.kind)

    def _on_http_failure(self, rows, endpoint, resp: HttpResponse, batch_id, now) -> Attempt:
        """Non-2xx answer for the whole request."""
        st = resp.status
        server_msg = resp.server_message()
        if st == 429 or st == 408 or st >= 500 or st in (401, 403):
            ra = parse_retry_after(resp.headers.get("retry-after"), now) if st in (429, 503) else None
            if st == 429:
                key = "sender.error.throttled"
            elif st in (401, 403):
                key = "sender.error.unauthorised"
            else:
                key = "sender.error.server"
            msg = t(key, status=st, message=server_msg, url=self.transport.url(endpoint))
            if ra is not None:
                self.outbox.set_meta("not_before", now + ra)
            self.outbox.finish(retry=self._transient(rows, now, st, msg, ra), now=now, link_up=True,
                               audit=[(r.idem_key, batch_id, endpoint, st, "retry", msg) for r in rows])
            return Attempt(endpoint, len(rows), retried=len(rows), http_status=st, error=msg, retry_after=ra)
        msg = t("sender.error.rejected", status=st, message=server_msg, url=self.transport.url(endpoint))
        if len(rows) > 1:
            # A whole batch refused: send its records one by one to isolate the bad one.
            self.outbox.finish(retry=[(r.id, 0.0, st, msg) for r in rows], now=now, link_up=True,
                               audit=[(r.idem_key, batch_id, endpoint, st, "split", msg) for r in rows])
            att = Attempt(endpoint, len(rows), http_status=st, error=msg)
            for r in rows:
                sub = self._send_single(r)
                att.acked += sub.acked
                att.dead += sub.dead
                att.retried += sub.retried
            return att
        self.outbox.finish(dead=[(r.id, st, msg) for r in rows], now=now, link_up=True,
                           audit=[(r.idem_key, batch_id, endpoint, st, "dead_letter", msg) for r in rows])
        return Attempt(endpoint, len(rows), dead=len(rows), http_status=st, error=msg)

    def _send_single(self, row: Row) -> Attempt:
        endpoint = self.cfg.path_for(row.kind)
        now = self.clock.now()
        self.outbox.mark_sent([row.id], now)
        try:
            resp = self.transport.request("POST", endpoint, self._body(row.payload), self._headers(row.idem_key))
        except TransportError as e:
            return self._on_transport_error([row], endpoint, e, None, self.clock.now())
        now = self.clock.now()
        if not 200 <= resp.status < 300:
            return self._on_http_failure([row], endpoint, resp, None, now)
        doc = self._response_json(resp)
        doc = doc if isinstance(doc, dict) else {}
        # a single-record answer without a recognised outcome means the record was taken
        outcome = doc.get("outcome", "accepted")
        if outcome not in ("rejected", "duplicate"):
            outcome = "accepted"
        return self._finish_results([row], endpoint, resp.status, {row.idem_key: dict(doc, outcome=outcome)},
                                    None, now)

    def _send_batch(self, rows: list[Row]) -> Attempt:
        """One batch request ("backfill" when its first record was created during an outage)."""
        endpoint = self.cfg.path_for("batch")
        now = self.clock.now()
        batch_id = str(uuid.uuid4())
        in_outage = self.outbox.outage_at(rows[0].created_at, now, outage_seconds(self.cfg))
        mode = "backfill" if in_outage else "realtime"
        body = {"schema": "ecologis.batch/1", "batch_id": batch_id, "sent_at": iso(now), "mode": mode,
                "records": [{"kind": r.kind, "idempotency_key": r.idem_key, "payload": r.payload} for r in rows]}
        self.outbox.mark_sent([r.id for r in rows], now)
        try:
            resp = self.transport.request("POST", endpoint, self._body(body), self._headers(batch_id))
        except TransportError as e:
            return self._on_transport_error(rows, endpoint, e, batch_id, self.clock.now())
        now = self.clock.now()
        if not 200 <= resp.status < 300:
            return self._on_http_failure(rows, endpoint, resp, batch_id, now)
        doc = self._response_json(resp)
        results = {}
        if isinstance(doc, dict) and isinstance(doc.get("results"), list):
            for res in doc["results"]:
                if isinstance(res, dict) and "idempotency_key" in res:
                    results[res["idempotency_key"]] = res
        return self._finish_results(rows, endpoint, resp.status, results, batch_id, now)

    def _finish_results(self, rows, endpoint, status, results: dict, batch_id, now) -> Attempt:
        """Apply the per-record outcomes of a 2xx answer (``results``: idempotency key →
        result object).  Records without a result are retried, all at one retry time."""
        acked, dead, missing, audit = [], [], [], []
        for r in rows:
            res = results.get(r.idem_key)
            outcome = res.get("outcome") if res else None
            if outcome in ("accepted", "duplicate"):
                acked.append(r.id)
                audit.append((r.idem_key, batch_id, endpoint, status, outcome, None))
            elif outcome == "rejected":
                err = res.get("error") or {}
                msg = t("sender.error.rejected", status=status, message=err.get("message", ""),
                        url=self.transport.url(endpoint))
                dead.append((r.id, status, msg))
                audit.append((r.idem_key, batch_id, endpoint, status, "dead_letter", msg))
            else:
                missing.append(r)
        retry = []
        if missing:
            msg = t("sender.error.no_result", url=self.transport.url(endpoint))
            retry = self._transient(missing, now, status, msg)
            audit += [(r.idem_key, batch_id, endpoint, status, "retry", msg) for r in missing]
        self.outbox.finish(acked=acked, dead=dead, retry=retry, audit=audit, now=now, link_up=True)
        if retry:
            error = retry[0][3]
        elif dead and batch_id is None:
            error = dead[0][2]      # a single record refused: its message is the request's error
        else:
            error = None
        return Attempt(endpoint, len(rows), acked=len(acked), dead=len(dead), retried=len(retry),
                       http_status=status, error=error)

    # ---- loops ------------------------------------------------------------------------
    def drain(self, give_up_after: float | None = None, on_attempt=None) -> DrainResult:
        """Send until nothing is unsent; wait (clock.sleep) for back-off/Retry-After.

        Gives up after ``give_up_after`` seconds of clock time (None = never).
        """
        res = DrainResult()
        start = self.clock.now()
        self.maybe_prune()
        while True:
            att = self.send_due()
            if att is not None:
                res.attempts.append(att)
                res.acked += att.acked
                res.dead += att.dead
                if on_attempt:
                    on_attempt(att)
                continue
            remaining, next_due, not_before = self.outbox.queue_head()
            if remaining == 0:
                break
            now = self.clock.now()
            if give_up_after is not None and now - start >= give_up_after:
                res.gave_up = True
                break
            nxt = max(next_due or now, not_before or 0)
            wait = max(0.0, nxt - now)
            if give_up_after is not None:
                wait = min(wait, max(0.0, start + give_up_after - now))
            self.clock.sleep(max(wait, 0.001))
        res.remaining = self.outbox.unsent_count()
        return res


# --------------------------------------------------------------------------------------
def _plain(x):
    """90.0 → 90 (for messages and JSON); other numbers unchanged."""
    return int(x) if isinstance(x, float) and x.is_integer() else x


def outage_seconds(cfg: SenderConfig) -> float:
    return max(0.0, float(cfg.outage_minutes)) * 60.0


def record_deadline(outbox: Outbox, cfg: SenderConfig, created_at: float, now: float):
    """(state, deadline) of one record's 24-hour window (the draft transfer procedure (2025), p. 13).

    A record created while the link was up is due ``created_at + 24 h``; one created
    during an outage [s, e) is due ``e + 24 h``; while that outage is still open its
    clock is paused: ("paused", None).  state: ok | warning | missed | paused.
    """
    window = cfg.deadline_hours * 3600.0
    outage = outbox.outage_at(created_at, now, outage_seconds(cfg))
    if outage is None:
        deadline = created_at + window
    elif outage[1] is None:
        return "paused", None
    else:
        deadline = outage[1] + window
    left = deadline - now
    if left < 0:
        state = "missed"
    elif left < cfg.warn_hours * 3600.0:
        state = "warning"
    else:
        state = "ok"
    return state, deadline


def deadline_status(outbox: Outbox, cfg: SenderConfig, now: float) -> dict:
    """The 24-hour window of the oldest unsent record (the draft transfer procedure (2025), p. 13), see
    :func:`record_deadline`.  Windows never end earlier for a newer record, so the
    oldest unsent record is the one due first.  state: none | ok | warning | missed | paused.

    ``link.up`` is False during an outage (no successful exchange for
    ``outage_minutes``); ``link.failing_since`` is set from the first failed attempt.
    """
    counts = outbox.counts()
    oldest = outbox.oldest_unsent()
    meta = outbox.get_metas("link_down_since", "link_restored_at")
    failing = meta.get("link_down_since")
    restored = meta.get("link_restored_at")
    in_outage = failing is not None and now - failing >= outage_seconds(cfg)
    out = {"counts": counts, "oldest_pending_created_at": None, "oldest_pending_age_s": None,
           "deadline": None, "time_left_s": None, "deadline_state": "none",
           "link": {"up": not in_outage, "down_since": iso(failing) if in_outage else None,
                    "failing_since": iso(failing) if failing is not None else None,
                    "restored_at": iso(restored) if restored else None,
                    "outage_minutes": cfg.outage_minutes},
           "last_error": outbox.last_error(), "inbox": outbox.file_problems(),
           "retention": {"days": _plain(cfg.retention_days), "pruned": outbox.get_meta("pruned_total", 0)}}
    if out["last_error"]:
        out["last_error"]["at"] = iso(out["last_error"]["at"])
    for p in out["inbox"]["latest"]:
        p["at"] = iso(p["at"])
    if oldest is None:
        return out
    out["oldest_pending_created_at"] = iso(oldest.created_at)
    out["oldest_pending_age_s"] = round(now - oldest.created_at, 3)
    state, deadline = record_deadline(outbox, cfg, oldest.created_at, now)
    out["deadline_state"] = state
    if deadline is not None:
        out["deadline"] = iso(deadline)
        out["time_left_s"] = round(deadline - now, 3)
    return out


def format_left(seconds: float | None) -> str:
    """A time span for people: whole hours and minutes ("23 h 59 min", "1 h 00 min"),
    rounded down to the minute; the sign is left to the sentence ("overdue by …")."""
    if seconds is None:
        return "—"
    s = int(abs(seconds))
    return t("sender.duration.hm", h=s // 3600, m=f"{s % 3600 // 60:02d}")


def inbox_message(st: dict) -> str:
    """The inbox files set aside (rejected / quarantined), or "" when there are none."""
    ib = st.get("inbox") or {}
    if not ib.get("rejected") and not ib.get("quarantined"):
        return ""
    latest = ib["latest"][0]["reason"] if ib.get("latest") else ""
    return t("sender.status.inbox_problems", rejected=ib["rejected"], quarantined=ib["quarantined"], latest=latest)


def deadline_message(st: dict) -> str:
    state = st["deadline_state"]
    if state == "none":
        return t("sender.deadline.none")
    if state == "paused":
        since = st["link"]["down_since"] or st["link"].get("failing_since")
        return t("sender.deadline.paused", since=model.to_local_text(since) if since else "")
    return t(f"sender.deadline.{state}", left=format_left(st["time_left_s"]),
             deadline=model.to_local_text(st["deadline"]))
