"""JSON schemas of the sender contract (``docs/sender/*.schema.json``) and validation."""

from __future__ import annotations

import json
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
