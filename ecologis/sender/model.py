"""Sender data model: АСВ registration (the draft transfer procedure (2025), p. 6.1), measuring equipment with
verification records (p. 6.2), monitoring results (p. 6.3) and EcologIS assessment
results, plus the measurement-file reader used by the inbox and ``enqueue``.

Records are plain dicts that validate against ``docs/sender/<kind>.schema.json``.
Timestamps are stored and sent in UTC (``...Z``) and shown in local time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ecologis.core.cas import is_valid_cas, looks_like_cas
from ecologis.i18n import KeyedError, t
from ecologis.sender import schemas

# Namespace for deterministic record ids (uuid5); fixed forever, changing it would
# change every record id and defeat de-duplication of re-sends.
RECORD_NS = uuid.UUID("6b2f1f7e-9a0c-5c7e-8f7e-3d1c2a4b5e60")

MEASUREMENT_FIELDS = ("equipment_id", "substance", "value", "unit", "period_start", "period_end", "averaging", "status")
OPTIONAL_FIELDS = ("asv_id", "source_id", "revision", "value_kind", "record_id")
STATUSES = ("valid", "maintenance", "calibration", "fault", "plant_stopped", "manual",
            "over_range", "comm_loss", "substituted", "unverified_equipment")
_DUR = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


class RecordError(KeyedError, ValueError):
    """A measurement file or record does not fit: ``RecordError(key, **params)``."""


def canonical_json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_key(kind: str, payload: dict) -> str:
    """Idempotency key derived from content: the same record always has the same key."""
    if kind == "measurement":
        return f"m:{payload['record_id']}:r{payload['revision']}"
    h = hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()[:32]
    return f"{kind[0]}:{h}"


def utc_iso(dt: datetime) -> str:
    dt = dt.astimezone(timezone.utc)
    s = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if dt.microsecond:
        s += f".{dt.microsecond:06d}".rstrip("0")
    return s + "Z"


def parse_ts(text: str) -> datetime:
    """ISO 8601 timestamp with an explicit offset; a naive timestamp is an error."""
    s = str(text).strip()
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    dt = datetime.fromisoformat(s)
    if dt.tzinfo is None:
        raise ValueError("no offset")
    return dt


def to_local_text(iso: str) -> str:
    """UTC timestamp shown in the computer's local time."""
    return parse_ts(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def duration_seconds(text: str) -> int:
    m = _DUR.match(str(text).strip())
    if not m or not any(m.groups()):
        raise ValueError(text)
    d, h, mi, s = (int(g or 0) for g in m.groups())
    return ((d * 24 + h) * 60 + mi) * 60 + s


_DICTIONARY = None


def _dictionary():
    """The substance dictionary, loaded once per process."""
    global _DICTIONARY
    if _DICTIONARY is None:
        from ecologis.io.reference_data import load_dictionary

        _DICTIONARY = load_dictionary()
    return _DICTIONARY


def resolve_substance(text: str) -> str | None:
    """The wire identifier of a substance given by CAS number or by dictionary name.

    A CAS number with a correct check digit is used as it is (it need not be in the
    dictionary); a name is looked up in the EcologIS dictionary (uk/en names, aliases,
    codes; case and apostrophes ignored) and replaced by its CAS number, or by its
    dictionary id when it has none.  ``None`` when the name is unknown.
    """
    if looks_like_cas(text):
        return text if is_valid_cas(text) else None
    sub = _dictionary().lookup(text)
    if sub is None:
        return None
    return sub.cas or sub.id


def measurement_record_id(equipment_id: str, substance: str, period_start_utc: str, averaging: str,
                          value_kind: str = "") -> str:
    return str(uuid.uuid5(RECORD_NS, "|".join((equipment_id, substance, period_start_utc, averaging, value_kind))))


def make_measurement(raw: dict, row: int, source: str) -> dict:
    """Build a schema-valid measurement record from one file row (dict of strings or JSON values).

    Raises :class:`RecordError` naming the file, row and field.
    """
    def fail(field, reason_key, **kw):
        raise RecordError("sender.file.bad_field", file=source, row=row, field=field,
                          reason=t(reason_key, **kw))

    for f in MEASUREMENT_FIELDS:
        v = raw.get(f)
        if v is None or (isinstance(v, str) and not v.strip()):
            fail(f, "sender.file.reason.missing")
    equipment_id = str(raw["equipment_id"]).strip()
    if not re.match(r"^[A-Za-z0-9._:-]{1,64}$", equipment_id):
        fail("equipment_id", "sender.file.reason.bad_id")
    given = str(raw["substance"]).strip()
    substance = resolve_substance(given)
    if substance is None:
        if looks_like_cas(given):
            fail("substance", "sender.file.reason.bad_cas", value=given)
        fail("substance", "sender.file.reason.unknown_substance", value=given)
    v = raw["value"]
    try:
        if isinstance(v, bool):
            raise ValueError
        value = float(str(v).strip().replace(" ", "")) if isinstance(v, str) else float(v)
    except (TypeError, ValueError):
        fail("value", "sender.file.reason.not_number", value=v)
    if not math.isfinite(value):
        fail("value", "sender.file.reason.not_number", value=v)
    unit = str(raw["unit"]).strip()
    averaging = str(raw["averaging"]).strip().upper()
    try:
        avg_s = duration_seconds(averaging)
    except ValueError:
        fail("averaging", "sender.file.reason.bad_duration", value=raw["averaging"])
    times = {}
    for f in ("period_start", "period_end"):
        try:
            times[f] = parse_ts(raw[f])
        except (TypeError, ValueError):
            fail(f, "sender.file.reason.bad_time", value=raw[f])
    span = (times["period_end"] - times["period_start"]).total_seconds()
    if span <= 0:
        fail("period_end", "sender.file.reason.end_before_start")
    if span != avg_s:
        fail("averaging", "sender.file.reason.span_mismatch", span=int(span), averaging=averaging)
    status = str(raw["status"]).strip().lower()
    if status not in STATUSES:
        fail("status", "sender.file.reason.bad_status", value=raw["status"], allowed=", ".join(STATUSES))
    revision = raw.get("revision")
    if revision in (None, ""):
        revision = 0
    try:
        revision = int(revision)
        if revision < 0:
            raise ValueError
    except (TypeError, ValueError):
        fail("revision", "sender.file.reason.bad_revision", value=raw.get("revision"))
    value_kind = str(raw.get("value_kind") or "").strip()
    start = utc_iso(times["period_start"])
    rec = {
        "schema": "ecologis.measurement/1",
        "record_id": measurement_record_id(equipment_id, substance, start, averaging, value_kind),
        "revision": revision,
        "equipment_id": equipment_id,
        "substance": substance,
        "value": value,
        "unit": unit,
        "averaging": averaging,
        "period_start": start,
        "period_end": utc_iso(times["period_end"]),
        "status": status,
    }
    for f in ("asv_id", "source_id"):
        if raw.get(f) not in (None, ""):
            rec[f] = str(raw[f]).strip()
    if value_kind:
        rec["value_kind"] = value_kind
    errs = schemas.errors("measurement", rec)
    if errs:
        fail(errs[0].split(":", 1)[0], "sender.file.reason.schema", detail=errs[0])
    return rec


# The csv module refuses fields longer than csv.field_size_limit() (131072 characters by
# default) with an exception that names neither the row nor the column.  The file is read
# with a higher limit and every field is then checked against this one, so the message
# can name both.  No field of a measurement comes anywhere near it.
MAX_FIELD_CHARS = 131072
# Deepest JSON nesting accepted in a measurement file (a file needs 3: list, record,
# value).  Checked before decoding: the json module would hit the recursion limit.
MAX_JSON_DEPTH = 64
_csv_limit_lock = threading.Lock()


def _csv_rows(text: str):
    """All rows of ``text`` as lists, read with a field limit high enough for any field."""
    with _csv_limit_lock:
        old = csv.field_size_limit()
        csv.field_size_limit(max(old, len(text) + 1))
        try:
            return list(csv.reader(io.StringIO(text, newline="")))
        finally:
            csv.field_size_limit(old)


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{},\n]', re.S)


def json_depth_problem(text: str, limit: int = MAX_JSON_DEPTH):
    """Where ``text`` nests JSON containers deeper than ``limit``: (line, path) with the
    path as the list of keys/indexes from the root, or None.  A scan of the structural
    characters only (no decoding, no recursion); strings are skipped whole."""
    stack: list[list] = []      # per open container: [kind, current key or index]
    line = 1
    expect_key = False
    for m in _JSON_TOKENS.finditer(text):
        tok = m.group()
        c = tok[0]
        if c == '"':
            line += tok.count("\n")
            if expect_key and stack:
                try:
                    stack[-1][1] = json.loads(tok)
                except ValueError:
                    stack[-1][1] = tok.strip('"')
            expect_key = False
        elif c == "\n":
            line += 1
        elif c in "[{":
            stack.append(["list", 0] if c == "[" else ["obj", None])
            expect_key = c == "{"
            if len(stack) > limit:
                return line, [e[1] for e in stack[:-1]]
        elif c in "]}":
            if stack:
                stack.pop()
            expect_key = False
        elif stack:             # ","
            if stack[-1][0] == "list":
                stack[-1][1] += 1
            else:
                expect_key = True
    return None


@dataclass
class ParsedFile:
    sha256: str
    records: list[dict]
    keys: list[str]       # idempotency key of each record (same order)


def read_measurement_file(path: str | Path) -> ParsedFile:
    """Read a CSV (UTF-8, comma) or JSON measurement file; reject it whole on the first bad row."""
    path = Path(path)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    name = path.name
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecordError("sender.file.not_utf8", file=name)
    suffix = path.suffix.lower()
    rows: list[tuple[int, dict]] = []
    if suffix == ".json":
        deep = json_depth_problem(text)
        if deep is not None:
            line, where = deep
            if where and where[0] == "records":
                where = where[1:]
            row = where[0] + 1 if where and isinstance(where[0], int) else "—"
            field = str(where[1]) if len(where) > 1 and where[1] is not None else "(row)"
            raise RecordError("sender.file.bad_field", file=name, row=row, field=field,
                              reason=t("sender.file.reason.too_deep", limit=MAX_JSON_DEPTH, line=line))
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise RecordError("sender.file.bad_json", file=name, line=e.lineno, detail=e.msg)
        except RecursionError:      # not reached after the depth check; kept as a safety net
            raise RecordError("sender.file.bad_field", file=name, row="—", field="(row)",
                              reason=t("sender.file.reason.too_deep", limit=MAX_JSON_DEPTH, line="—"))
        if isinstance(doc, dict) and isinstance(doc.get("records"), list):
            doc = doc["records"]
        if not isinstance(doc, list):
            raise RecordError("sender.file.json_not_list", file=name)
        for i, obj in enumerate(doc, start=1):
            if not isinstance(obj, dict):
                raise RecordError("sender.file.bad_field", file=name, row=i, field="(row)",
                                  reason=t("sender.file.reason.not_object"))
            rows.append((i, obj))
    elif suffix == ".csv":
        try:
            table = _csv_rows(text)
        except csv.Error as e:
            raise RecordError("sender.file.unreadable", file=name, detail=str(e))
        header = [h.strip() for h in (table[0] if table else [])]
        for j, h in enumerate(header):
            if len(h) > MAX_FIELD_CHARS:
                raise RecordError("sender.file.bad_field", file=name, row=0, field=f"#{j + 1}",
                                  reason=t("sender.file.reason.too_long", limit=MAX_FIELD_CHARS))
        missing = [f for f in MEASUREMENT_FIELDS if f not in header]
        if missing:
            raise RecordError("sender.file.missing_columns", file=name, columns=", ".join(missing))
        data_rows = [r for r in table[1:] if r]       # csv.DictReader skips empty lines too
        for i, cells in enumerate(data_rows, start=1):  # row 1 = first data row (line 2)
            for j, v in enumerate(cells):
                if len(v) > MAX_FIELD_CHARS:
                    field = header[j] if j < len(header) else f"#{j + 1}"
                    raise RecordError("sender.file.bad_field", file=name, row=i, field=field,
                                      reason=t("sender.file.reason.too_long", limit=MAX_FIELD_CHARS))
            if len(cells) > len(header):
                raise RecordError("sender.file.bad_field", file=name, row=i, field="(row)",
                                  reason=t("sender.file.reason.extra_cells"))
            obj = dict(zip(header, cells))
            for h in header[len(cells):]:
                obj[h] = None                           # as csv.DictReader: missing cells are None
            rows.append((i, obj))
    else:
        raise RecordError("sender.file.bad_type", file=name)
    if not rows:
        raise RecordError("sender.file.empty", file=name)
    records = []
    seen: dict[str, int] = {}
    for i, obj in rows:
        rec = make_measurement(obj, i, name)
        key = content_key("measurement", rec)
        if key in seen:
            raise RecordError("sender.file.duplicate_row", file=name, row=i, other=seen[key])
        seen[key] = i
        records.append(rec)
    return ParsedFile(sha, records, list(seen))


def make_asv(**fields) -> dict:
    rec = {"schema": "ecologis.asv/1"}
    rec.update({k: v for k, v in fields.items() if v not in (None, "")})
    return rec


def make_equipment(**fields) -> dict:
    rec = {"schema": "ecologis.equipment/1", "verifications": []}
    rec.update({k: v for k, v in fields.items() if v not in (None, "")})
    return rec


def make_assessment(assessment: dict, now: datetime | None = None) -> dict:
    """Assessment-result message from the GUI's assessment dict.

    The id is derived from the content, so sending the same assessment twice is
    de-duplicated; ``created_at`` is not part of that content.
    """
    body = {
        "knp": float(assessment["knp"]),
        "category": assessment["category"],
        "szz_m": float(assessment["szz_m"]),
        "method": str(assessment["method"]),
        "contributions": list(assessment.get("contributions") or []),
        "enterprise": dict(assessment.get("enterprise") or {}),
    }
    if assessment.get("preset") is not None:
        body["preset"] = str(assessment["preset"])
    aid = str(uuid.uuid5(RECORD_NS, "assessment|" + canonical_json(body)))
    rec = {"schema": "ecologis.assessment/1", "assessment_id": aid,
           "created_at": utc_iso(now or datetime.now(timezone.utc))}
    rec.update(body)
    return rec


def assessment_key(rec: dict) -> str:
    return f"a:{rec['assessment_id']}"


def key_for(kind: str, payload: dict) -> str:
    if kind == "assessment":
        return assessment_key(payload)
    return content_key(kind, payload)


def plus_hours(iso: str, hours: float) -> str:
    return utc_iso(parse_ts(iso) + timedelta(hours=hours))
