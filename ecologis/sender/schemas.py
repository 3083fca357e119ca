"""JSON schemas of the sender contract (``docs/sender/*.schema.json``) and validation."""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import re
import threading
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from ecologis.paths import DOCS_DIR

SCHEMA_DIR: Path = DOCS_DIR / "sender"
KINDS = ("asv", "equipment", "measurement", "assessment")
_BASE = "https://ecologis.example/schemas/sender/"
_lock = threading.Lock()


@lru_cache(maxsize=None)
def _registry() -> Registry:
    resources = []
    for f in sorted(SCHEMA_DIR.glob("*.schema.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        resources.append((doc.get("$id", _BASE + f.name), Resource.from_contents(doc)))
    return Registry().with_resources(resources)


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    """Validator for ``docs/sender/<name>.schema.json`` (name: asv, measurement, batch …)."""
    with _lock:
        doc = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
        return Draft202012Validator(doc, registry=_registry(), format_checker=FormatChecker())


def errors(name: str, instance) -> list[str]:
    """Human-readable validation errors ("path: message"), empty when valid."""
    out = []
    for e in sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in e.absolute_path) or "(root)"
        out.append(f"{path}: {e.message}")
    return out


def is_valid(name: str, instance) -> bool:
    return validator(name).is_valid(instance)


# --------------------------------------------------------------------------------------
# Fast path (reference receiver): hand-written checks of the two schemas on its hot path,
# measurement and batch.  They are at least as strict as the JSON-schema rules: an
# instance they accept is valid for the JSON-schema validator too; anything else goes to
# that validator, which gives the verdict and the reasons, so refused records are refused
# with exactly the same messages.  Each check is tied to the schema file it was written
# for (SHA-256 of its canonical JSON): if the file changes, the fast path switches itself
# off until the check is brought up to date.

_ASCII = re.ASCII
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", _ASCII)
_EQUIPMENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}", _ASCII)
_DURATION = re.compile(r"P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?", _ASCII)
# common.schema.json#/$defs/datetime (pattern) ∩ RFC 3339 date-time (format), ASCII only
_DATETIME = re.compile(r"(\d{4})-(0[1-9]|1[0-2])-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?"
                       r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)", _ASCII)
_STATUSES = frozenset(("valid", "maintenance", "calibration", "fault", "plant_stopped", "manual",
                       "over_range", "comm_loss", "substituted", "unverified_equipment"))
_M_REQUIRED = frozenset(("schema", "record_id", "revision", "equipment_id", "substance", "value", "unit",
                         "averaging", "period_start", "period_end", "status"))
_M_OPTIONAL_TEXT = ("asv_id", "source_id", "value_kind")
_M_KNOWN = _M_REQUIRED | frozenset(_M_OPTIONAL_TEXT)
_KINDS = frozenset(("asv", "equipment", "measurement", "assessment"))


def _datetime_ok(v) -> bool:
    if type(v) is not str:
        return False
    m = _DATETIME.fullmatch(v)
    if m is None:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return year != 0 and 1 <= day <= calendar.monthrange(year, month)[1]


def _text(v, min_len: int = 0) -> bool:
    return type(v) is str and len(v) >= min_len


def _measurement_ok(d) -> bool:
    if type(d) is not dict or not _M_REQUIRED.issubset(d) or not _M_KNOWN.issuperset(d):
        return False
    rev = d["revision"]
    value = d["value"]
    return (d["schema"] == "ecologis.measurement/1" and type(d["schema"]) is str
            and type(d["record_id"]) is str and _UUID.fullmatch(d["record_id"]) is not None
            and type(rev) is int and rev >= 0
            and type(d["equipment_id"]) is str and _EQUIPMENT_ID.fullmatch(d["equipment_id"]) is not None
            and _text(d["substance"], 1)
            and type(value) in (int, float)
            and _text(d["unit"], 1)
            and type(d["averaging"]) is str and _DURATION.fullmatch(d["averaging"]) is not None
            and _datetime_ok(d["period_start"]) and _datetime_ok(d["period_end"])
            and type(d["status"]) is str and d["status"] in _STATUSES
            and all(type(d[k]) is str for k in _M_OPTIONAL_TEXT if k in d))


_B_KEYS = frozenset(("schema", "batch_id", "sent_at", "mode", "records"))
_B_ITEM_KEYS = frozenset(("kind", "idempotency_key", "payload"))


def _batch_ok(d) -> bool:
    if type(d) is not dict or d.keys() != _B_KEYS:
        return False
    recs = d["records"]
    if not (d["schema"] == "ecologis.batch/1" and type(d["schema"]) is str and _text(d["batch_id"], 1)
            and _datetime_ok(d["sent_at"]) and type(d["mode"]) is str and d["mode"] in ("realtime", "backfill")
            and type(recs) is list and 1 <= len(recs) <= 1000):
        return False
    for it in recs:
        if type(it) is not dict or it.keys() != _B_ITEM_KEYS:
            return False
        k, key = it["kind"], it["idempotency_key"]
        if not (type(k) is str and k in _KINDS and type(key) is str and 1 <= len(key) <= 200
                and type(it["payload"]) is dict):
            return False
    return True


# the schema files each check was written for (SHA-256 of the canonical JSON)
_FAST = {
    "measurement": (_measurement_ok, {"measurement": "962b092f72168c303b5a1a703501c504bcc419cda4571c910c853e8a85795a7d",
                                      "common": "01b8ddbb7b42e375db6b6628bcb6208f85ed05aedd467ef3242d9f2e731adfa5"}),
    "batch": (_batch_ok, {"batch": "2a329b0ca70e26043d4c50f36bc85f449e30ad3bde370e62c08dfdafc9db99aa",
                          "common": "01b8ddbb7b42e375db6b6628bcb6208f85ed05aedd467ef3242d9f2e731adfa5"}),
}


def _schema_hash(name: str) -> str:
    doc = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


@lru_cache(maxsize=None)
def fast_path_enabled(name: str) -> bool:
    """True when the hand-written check of ``name`` matches the schema files it was written for
    (and the environment variable ECOLOGIS_FAST_VALIDATION is not "0": benchmark baseline)."""
    if os.environ.get("ECOLOGIS_FAST_VALIDATION") == "0":
        return False
    entry = _FAST.get(name)
    return entry is not None and all(_schema_hash(f) == h for f, h in entry[1].items())


def fast_valid(name: str, instance) -> bool:
    """True when the fast check accepts ``instance`` (then it is valid); False means
    "ask the JSON-schema validator", not necessarily invalid."""
    return fast_path_enabled(name) and _FAST[name][0](instance)


def fast_errors(name: str, instance) -> list[str]:
    """:func:`errors`, answered by the fast check when it accepts the instance."""
    if fast_valid(name, instance):
        return []
    return errors(name, instance)
