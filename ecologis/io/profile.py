"""Enterprise profiles: the saved state of one plant's assessment.

A profile is the file of one :class:`ecologis.model.Project`: JSON with
``schema_version`` (now 3) and the published schema ``docs/schemas/profile.schema.json``.
It holds the enterprise (name, ЄДРПОУ with its control digit checked, КВЕД codes,
address, coordinates, activity, contacts), the optional site boundary polygon, the
sources inventory (stack parameters, gas cleaning, operating hours), the emissions (with
source, data origin, date and note), the receptors, the stored backgrounds, the
dispersion settings, the hazard-identification inventory, the methodology preset, the
duplicate rule and the history of assessments (the thesis, §2.3).

* Opening never modifies the file.  A profile that fails validation is refused with a
  :class:`ProfileFieldError` naming the field (``emissions[3].mass``, 1-based).
* Version 1 and 2 files are migrated in memory on open (``Project.migrated_from``).
* A newer, unknown version opens read-only with a message (``Project.notice``).
* Saving validates first, then writes atomically (temporary file, fsync, rename) after
  copying the previous file, also atomically, to ``<name>.bak``.
* :func:`record_assessment` appends a history entry; :func:`reassess` recomputes a
  loaded profile and reports whether the last stored result is reproduced exactly and,
  if not, the old and new КНП / category and which inputs (emissions, preset,
  dictionary) changed — history is never silently replaced.

Keys of ``extensions`` that no version of EcologIS types are preserved as they are.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from ecologis.model import DEFAULT_PRESET_ID, PROFILE_KIND, SCHEMA_VERSION, Emission, Project
from ecologis.i18n import KeyedError, TranslatedError
from ecologis.io.atomic import BackupReadError, atomic_write_bytes
from ecologis.io.edrpou import edrpou_problem

MAX_PROFILE_BYTES = 64 * 1024 * 1024
TOP_CONTRIBUTORS = 5


class ProfileError(TranslatedError):
    """A profile that cannot be opened; ``key``/``params`` give the translated reason."""

    prefix_key = "io.error.prefix"


class ProfileFieldError(ProfileError):
    """Validation failed at ``field`` (a path such as ``emissions[3].mass``, 1-based)."""

    def __init__(self, file: str, field_path: str, reason: str, **params):
        super().__init__(file, "io.profile.invalid_field", field=field_path, reason=reason, **params)
        self.field = field_path
        self.reason = reason
        self.reason_params = params

    def message_params(self, tr, lang):
        return {"field": self.field, "reason": tr("io.profile.reason." + self.reason, **self.reason_params)}


def is_shipped_file(path: str | Path) -> bool:
    """Whether ``path`` is one of the files shipped with EcologIS (the demo profile …)."""
    from ecologis.paths import RESOURCES_DIR

    try:
        return Path(path).resolve().is_relative_to(RESOURCES_DIR.resolve())
    except OSError:
        return False


def project_from_json(d: dict, file: str = "?", strict: bool = True, shipped: bool = False) -> Project:
    """Validate (after migrating older versions) and build a project.

    Raises :class:`ProfileError` / :class:`ProfileFieldError`; ``d`` is not modified.
    ``strict=False`` (session restore of work in progress) checks the structure and
    types only, not the ЄДРПОУ control digit, coordinate pairs or closed rings.
    ``shipped``: a file shipped with EcologIS (:func:`is_shipped_file`), checked against the
    JSON schema by the tests (tests/io/test_shipped_profiles.py), so not again at every
    opening (jsonschema costs ~100 ms of a command's start); the other checks still run.
    """
    try:
        return _project_from_json(d, file, strict, shipped)
    except RecursionError:
        # free-form parts (history, extensions) nested deeper than copying allows
        raise ProfileError(file, "io.file.too_deep") from None


def _project_from_json(d: dict, file: str, strict: bool, shipped: bool = False) -> Project:
    if not isinstance(d, dict):
        raise ProfileError(file, "profile.error.not_object")
    ver = d.get("schema_version")
    if not isinstance(ver, int) or isinstance(ver, bool):
        raise ProfileError(file, "profile.error.no_version")
    if ver < 1:
        raise ProfileFieldError(file, "schema_version", "version_unknown", value=ver)
    if ver > SCHEMA_VERSION:
        return _from_newer(d, file, ver)
    migrated_from = None
    if ver < SCHEMA_VERSION:
        doc = migrate(d, file)       # a migrated copy; ``d`` is not modified
        migrated_from = ver
    else:
        doc = d                      # only read from here on
    validate_profile_doc(doc, file, semantic=strict, schema=not shipped)
    p = Project.from_json(doc)
    p.migrated_from = migrated_from
    if migrated_from is not None:
        p.notice = ("io.profile.migrated", {"old": migrated_from, "new": SCHEMA_VERSION})
    return p


def _from_newer(d: dict, file: str, ver: int) -> Project:
    """A newer schema: read what we understand, read-only, with a notice."""
    doc = copy.deepcopy(d)
    for key, typ in (("enterprise", dict), ("emissions", list), ("sources", list), ("history", list), ("extensions", dict)):
        if key in doc and doc[key] is not None and not isinstance(doc[key], typ):
            raise ProfileFieldError(file, key, "type", expected=typ.__name__)
    for i, e in enumerate(doc.get("emissions") or [], start=1):
        if not isinstance(e, dict) or not isinstance(e.get("substance"), str):
            raise ProfileFieldError(file, f"emissions[{i}].substance", "required")
    for i, s in enumerate(doc.get("sources") or [], start=1):
        if not isinstance(s, dict) or not isinstance(s.get("id"), str) or not s.get("id"):
            raise ProfileFieldError(file, f"sources[{i}].id", "required")
    if doc.get("duplicates") not in ("sum", "keep"):
        doc["duplicates"] = "sum"
    try:
        p = Project.from_json(doc)
    except (TypeError, ValueError) as e:
        raise ProfileError(file, "io.profile.newer_unreadable", version=ver, detail=str(e)[:200]) from None
    p.read_only = True
    p.notice = ("io.profile.newer", {"version": ver, "supported": SCHEMA_VERSION})
    return p


# ---------------------------------------------------------------------------------
# migration
# ---------------------------------------------------------------------------------
def migrate(doc: dict, file: str = "?") -> dict:
    """Bring an older document up to :data:`SCHEMA_VERSION` (in memory; returns a new dict).

    Version 2 → 3: see :func:`_v2_to_v3`.

    Version 1 → 2: ``duplicates`` added ("sum", the rule v1 always applied); ``kved``
    given as one string ("10.51, 10.89") becomes a list; numeric ЄДРПОУ becomes text
    (zero-padded); history entries from v1 (free-form) keep what matches the v2 entry
    and get empty hashes; ``null`` lists become empty lists.
    """
    doc = copy.deepcopy(doc)
    ver = doc.get("schema_version")
    if ver == 1:
        ent = doc.get("enterprise")
        if ent is None:
            ent = doc["enterprise"] = {}
        if isinstance(ent, dict):
            kv = ent.get("kved")
            if isinstance(kv, str):
                ent["kved"] = [k.strip() for k in kv.replace(";", ",").split(",") if k.strip()]
            elif kv is None:
                ent["kved"] = []
            ed = ent.get("edrpou")
            if isinstance(ed, int) and not isinstance(ed, bool) and 0 <= ed < 10**8:
                ent["edrpou"] = f"{ed:08d}"
            elif ed is None:
                ent["edrpou"] = ""
            if ent.get("name") is None:
                ent["name"] = ""
        for key in ("sources", "emissions", "history"):
            if doc.get(key) is None:
                doc[key] = []
        hist = []
        old_history = doc.get("history")
        if not isinstance(old_history, list):
            raise ProfileFieldError(file, "history", "type", expected="array")
        for h in old_history:
            if isinstance(h, dict):
                h = dict(h)
                h.setdefault("inputs_hash", "")
                h.setdefault("preset", doc.get("preset") or DEFAULT_PRESET_ID)
                if "timestamp" not in h and "date" in h:
                    h["timestamp"] = str(h.pop("date"))
                if "szz_m" not in h and "szz" in h:
                    h["szz_m"] = h.pop("szz")
            hist.append(h)
        doc["history"] = hist
        doc.setdefault("duplicates", "sum")
        doc.setdefault("extensions", {})
        doc.setdefault("notes", "")
        if doc.get("extensions") is None:
            doc["extensions"] = {}
        if doc.get("notes") is None:
            doc["notes"] = ""
        doc["schema_version"] = 2
    if doc.get("schema_version") == 2:
        doc = _v2_to_v3(doc)
    return doc


#: Stack parameters that schema 2 kept in ``extensions["dispersion"]["sources"]``.
_V2_STACK_KEYS = ("velocity_m_s", "volume_m3_s", "temp_c", "cold", "hours_per_year", "emissions", "own")
_V2_GEOMETRY = ("lat", "lon", "height_m", "diameter_m")


def _v2_to_v3(doc: dict) -> dict:
    """Version 2 → 3: the sections feature areas kept under ``extensions`` become the
    project's own.  The dispersion panel's stack parameters join the sources inventory
    (the profile's geometry wins where both give it, as the calculation did); a source
    known only to the dispersion input (a neighbour's stack) joins the inventory as it
    was; ``receptors``, ``background``, ``hazard_identification`` and the dispersion
    settings move to the top level; other extension keys stay in ``extensions``."""
    ext = doc.get("extensions")
    ext = dict(ext) if isinstance(ext, dict) else {}
    disp = ext.pop("dispersion", None)
    disp = dict(disp) if isinstance(disp, dict) else {}
    disp_sources = disp.pop("sources", None)
    by_id = {}
    if isinstance(disp_sources, list):
        for d in disp_sources:
            if isinstance(d, dict) and isinstance(d.get("id"), str) and d.get("id"):
                by_id.setdefault(d["id"], d)
    sources = []
    for src in doc.get("sources") or []:
        if not isinstance(src, dict):
            sources.append(src)               # left for validation to name
            continue
        src = dict(src)
        if "type" in src and "kind" not in src:
            src["kind"] = src.pop("type")
        extra = by_id.pop(src.get("id"), None) or {}
        for k, v in extra.items():
            if k in _V2_GEOMETRY:
                if src.get(k) is None and v is not None:
                    src[k] = v
            elif k != "id":
                src.setdefault(k, v)
        sources.append(src)
    for sid, d in by_id.items():                 # sources known only to the dispersion input
        sources.append(dict(d))
    doc["sources"] = sources
    for key in ("background_provenance", "unassigned_emissions", "receptors", "result"):
        disp.pop(key, None)                     # derived from the profile, never input
    doc["dispersion"] = disp
    receptors = ext.pop("receptors", None)
    doc["receptors"] = list(receptors) if isinstance(receptors, list) else []
    bg = ext.pop("background", None)
    doc["background"] = dict(bg) if isinstance(bg, dict) else {}
    hi = ext.pop("hazard_identification", None)
    doc["hazard_identification"] = hi if isinstance(hi, dict) else None
    doc["extensions"] = ext
    doc["schema_version"] = 3
    return doc


# ---------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _schema() -> dict:
    from ecologis.paths import DOCS_DIR

    return json.loads((DOCS_DIR / "schemas" / "profile.schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    # The shipped schema itself is checked by the tests (tests/io/test_profile.py), not
    # here: check_schema costs ~200 ms of every start.  Profiles are still validated.
    schema = _schema()
    cls = jsonschema.validators.validator_for(schema)
    return cls(_inline_refs(schema, schema.get("$defs", {})))


# ---- the emission rows, column-wise ------------------------------------------------
# A profile may hold 100,000 rows; jsonschema validates them one by one (~0.1 ms each).
# The rows' schema is simple (an object, required keys, per-key JSON types and string
# lengths), so the same rules are checked a column at a time; jsonschema keeps the rest
# of the document.  Both give the same first problem (see validate_profile_doc).
_JSON_TYPES = {"number": (int, float), "integer": (int,), "string": (str,), "null": (type(None),),
               "object": (dict,), "array": (list,), "boolean": (bool,)}
_MISSING = object()


@dataclass(frozen=True)
class _RowRules:
    required: tuple[str, ...]
    fields: tuple[tuple[str, str, frozenset, int | None, bool], ...]   # name, expected, types, maxLength, int-only
    max_items: int | None


@lru_cache(maxsize=1)
def _row_rules() -> _RowRules | None:
    """The emission-row rules of the shipped schema, or None if the schema uses a keyword
    the column-wise check does not implement (then jsonschema checks the rows)."""
    schema = _schema()
    arr = (schema.get("properties") or {}).get("emissions") or {}
    if set(arr) - {"type", "maxItems", "items", "description"} or arr.get("type") != "array":
        return None
    item = arr.get("items") or {}
    ref = item.get("$ref", "")
    if ref.startswith("#/$defs/") and len(item) == 1:
        item = schema.get("$defs", {}).get(ref[len("#/$defs/"):], {})
    if set(item) - {"type", "required", "properties", "description"} or item.get("type") != "object":
        return None
    fields = []
    for name, prop in (item.get("properties") or {}).items():
        if set(prop) - {"type", "maxLength", "description"} or "type" not in prop:
            return None
        types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
        if any(t not in _JSON_TYPES for t in types):
            return None
        allowed = frozenset(c for t in types for c in _JSON_TYPES[t])
        int_only = "integer" in types and "number" not in types    # 2.0 is an integer, 2.5 is not
        max_len = prop.get("maxLength") if "string" in types else None
        fields.append((name, " | ".join(types), allowed, max_len, int_only))
    return _RowRules(tuple(item.get("required") or ()), tuple(fields), arr.get("maxItems"))


def _columns(rows: list[dict], names: list[str]) -> dict[str, list]:
    """The values of ``names`` in every row (``_MISSING`` where a row lacks the key).
    Rows written by EcologIS share one key order: those are transposed in one C-level
    ``zip``; otherwise key by key."""
    key_orders = set(map(tuple, rows))
    if len(key_orders) == 1:
        (keys,) = key_orders
        cols = dict(zip(keys, zip(*map(dict.values, rows))))
        n = len(rows)
        return {name: cols[name] if name in cols else [_MISSING] * n for name in names}
    return {name: [r.get(name, _MISSING) for r in rows] for name in names}


def _row_problems(rows: list, rules: _RowRules) -> list[tuple[tuple, str, dict]]:
    """Every schema problem of the emission rows as (path, reason, params), paths as
    jsonschema gives them (``("emissions", 0, "mass")``, 0-based), in its order for equal paths."""
    out: list[tuple[tuple, str, dict]] = []
    if rules.max_items is not None and len(rows) > rules.max_items:
        out.append((("emissions",), "too_long", {"limit": rules.max_items}))
    kinds = set(map(type, rows))
    if kinds == {dict}:
        idx = None
        drows = rows
    else:
        for i, r in enumerate(rows):
            if type(r) is not dict:
                out.append((("emissions", i), "type", {"expected": "object"}))
        idx = [i for i, r in enumerate(rows) if type(r) is dict]
        drows = [rows[i] for i in idx]
    names = list(dict.fromkeys([*rules.required, *(f[0] for f in rules.fields)]))
    columns = _columns(drows, names)

    def where(k: int) -> int:
        return k if idx is None else idx[k]

    for name in rules.required:
        col = columns[name]
        if _MISSING in col:
            out.extend(((("emissions", where(k)), "required", {"_field": name}) for k, v in enumerate(col)
                        if v is _MISSING))
    for name, expected, allowed, max_len, int_only in rules.fields:
        col = columns[name]
        seen = set(map(type, col))
        seen.discard(object)                         # _MISSING: absent keys are not checked
        bad_type = bool(seen - allowed) or (int_only and float in seen)
        too_long = max_len is not None and str in seen and \
            max(map(len, col if seen == {str} and _MISSING not in col else (v for v in col if type(v) is str)),
                default=0) > max_len
        if not (bad_type or too_long):
            continue
        for k, v in enumerate(col):
            if v is _MISSING:
                continue
            tv = type(v)
            if tv not in allowed or (int_only and tv is float and not v.is_integer()):
                out.append((("emissions", where(k), name), "type", {"expected": expected}))
            elif max_len is not None and tv is str and len(v) > max_len:
                out.append((("emissions", where(k), name), "too_long", {"limit": max_len}))
    return out


def _inline_refs(node, defs: dict):
    """The schema with local ``#/$defs/...`` references replaced by their targets (the
    profile schema has no recursive definitions): same meaning, faster validation."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
            return _inline_refs(defs[ref[len("#/$defs/"):]], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def _path_text(path) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p + 1}]"
        else:
            out += ("." if out else "") + str(p)
    return out or "/"


def _schema_reason(err) -> tuple[str, dict]:
    v = err.validator
    if v == "type":
        return "type", {"expected": " | ".join(err.validator_value if isinstance(err.validator_value, list) else [err.validator_value])}
    if v == "required":
        return "required", {}
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return "range", {"value": str(err.instance)[:60]}
    if v in ("enum", "const"):
        allowed = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        return "enum", {"allowed": ", ".join(str(a) for a in allowed)}
    if v in ("maxLength", "maxItems"):
        return "too_long", {"limit": err.validator_value}
    if v in ("minLength", "minItems"):
        return "too_short", {"limit": err.validator_value}
    if v == "pattern":
        return "pattern", {"value": str(err.instance)[:60]}
    return "other", {"detail": err.message[:200]}


def _required_field_path(err) -> str:
    base = list(err.absolute_path)
    if err.validator == "required":
        import re

        m = re.match(r"'([^']+)' is a required property", err.message)
        if m:
            base.append(m.group(1))
    return _path_text(base)


def _path_key(path) -> tuple:
    """The order in which problems are reported: the shallowest, then the first in
    document order — the most useful to a user."""
    return (len(path), [str(x) if not isinstance(x, int) else f"{x:09d}" for x in path])


def _check_schema(doc, file: str, per_row_schema: bool = False) -> None:
    """The JSON schema check; :class:`ProfileFieldError` at the first problem.

    The emission rows are checked column-wise (:func:`_row_problems`) and the rest of the
    document by jsonschema; ``per_row_schema`` checks everything with jsonschema (the
    former way, kept as the reference for the tests and the benchmark)."""
    v = _validator()
    rows = doc.get("emissions") if isinstance(doc, dict) else None
    rules = None if per_row_schema or not isinstance(rows, list) else _row_rules()
    if rules is None:
        errors = list(v.iter_errors(doc))
        row_problems = []
    else:
        reduced = dict(doc)
        reduced["emissions"] = []
        errors = list(v.iter_errors(reduced))
        row_problems = _row_problems(rows, rules)
    if not errors and not row_problems:
        return
    best_row = min(row_problems, key=lambda p: _path_key(p[0])) if row_problems else None
    err = min(errors, key=lambda e: _path_key(e.absolute_path)) if errors else None
    if best_row is not None and (err is None or _path_key(best_row[0]) < _path_key(err.absolute_path)):
        path, reason, params = best_row
        params = dict(params)
        name = params.pop("_field", None)
        raise ProfileFieldError(file, _path_text([*path, name] if name else path), reason, **params)
    if err.validator == "oneOf" and err.context:
        err = min(err.context, key=lambda e: (-len(e.absolute_path), str(e.absolute_path)))
    reason, params = _schema_reason(err)
    raise ProfileFieldError(file, _required_field_path(err), reason, **params)


def validate_profile_doc(doc: dict, file: str = "?", semantic: bool = True, per_row_schema: bool = False,
                         schema: bool = True) -> None:
    """Check a current-version document; raise :class:`ProfileFieldError` at the first problem.

    The JSON schema first (types, ranges, required fields; the emission rows column-wise,
    see :func:`_check_schema`), then with ``semantic`` the rules a schema cannot express:
    ЄДРПОУ control digit, lat/lon given together, closed polygon rings, unique source ids.
    ``schema=False`` skips the JSON schema (shipped files only, see :func:`project_from_json`)."""
    if schema:
        _check_schema(doc, file, per_row_schema)
    if not semantic:
        return
    ent = doc["enterprise"]
    ed = ent.get("edrpou") or ""
    if ed:
        prob = edrpou_problem(ed)
        if prob:
            raise ProfileFieldError(file, "enterprise.edrpou", "edrpou_" + prob, value=ed)
    if (ent.get("lat") is None) != (ent.get("lon") is None):
        raise ProfileFieldError(file, "enterprise.lat" if ent.get("lat") is None else "enterprise.lon", "coord_pair")
    site = doc.get("site")
    if site:
        polys = [site["coordinates"]] if site["type"] == "Polygon" else site["coordinates"]
        for pi, poly in enumerate(polys):
            for ri, ring in enumerate(poly):
                if list(ring[0][:2]) != list(ring[-1][:2]):
                    path = f"site.coordinates[{ri + 1}]" if site["type"] == "Polygon" else f"site.coordinates[{pi + 1}][{ri + 1}]"
                    raise ProfileFieldError(file, path, "ring_not_closed")
        from ecologis.core.geometry import GeometryError, validate_site  # the map engineer's rules

        try:
            validate_site(site)
        except GeometryError as e:
            raise ProfileFieldError(file, "site", "geometry", detail=e.message()) from None
    seen = set()
    for i, s in enumerate(doc.get("sources") or [], start=1):
        if s["id"] in seen:
            raise ProfileFieldError(file, f"sources[{i}].id", "duplicate_id", value=s["id"])
        seen.add(s["id"])


# ---------------------------------------------------------------------------------
# reading and writing
# ---------------------------------------------------------------------------------
def _number_hooks(bad: list):
    """``json.loads`` hooks that keep every number as Python reads it and note in ``bad``
    the text of each non-finite or out-of-range one (NaN, Infinity, 1e999, 10**400)."""
    def parse_float(s: str) -> float:
        x = float(s)
        if not math.isfinite(x):
            bad.append(s)
        return x

    def parse_int(s: str) -> int:     # only used when the text has a run of 309+ digits
        if len(s) > 400:             # beyond any float (and Python's limit for int(str))
            bad.append(s)
            return float("-inf") if s.startswith("-") else float("inf")
        x = int(s)
        if abs(x) > 2**1023:
            bad.append(s)
        return x

    def parse_constant(s: str) -> float:
        bad.append(s)
        return float(s)

    return {"parse_float": parse_float, "parse_int": parse_int, "parse_constant": parse_constant}


#: ``kind`` of the JSON export of an assessment: the profile plus its results.
ASSESSMENT_KIND = "ecologis-assessment"
_LONG_DIGITS = re.compile(r"\d{309}")
# the json module's messages (English) -> translated ones
_JSON_PROBLEMS = (("Expecting value", "io.json.value"), ("Expecting ',' delimiter", "io.json.comma"),
                  ("Expecting ':' delimiter", "io.json.colon"), ("Expecting property name", "io.json.name"),
                  ("Unterminated string", "io.json.string"), ("Invalid control character", "io.json.control"),
                  ("Invalid \\escape", "io.json.escape"), ("Invalid \\u", "io.json.escape"),
                  ("Extra data", "io.json.extra"))


def _json_problem_key(msg: str) -> str:
    return next((key for start, key in _JSON_PROBLEMS if msg.startswith(start)), "io.json.syntax")


@dataclass
class JsonDocument:
    """A JSON file parsed once: the document and the non-finite numbers it held."""

    doc: object
    not_finite: list[str]

    @property
    def profile_doc(self) -> object:
        """The profile document: the file itself, or the profile inside an assessment
        export (``ecologis-cli export --format json``), which therefore opens as a profile."""
        d = self.doc
        if isinstance(d, dict) and d.get("kind") == ASSESSMENT_KIND and isinstance(d.get("profile"), dict):
            return d["profile"]
        return d

    def is_profile(self) -> bool:
        d = self.profile_doc
        return isinstance(d, dict) and d.get("kind") == PROFILE_KIND

    def profile(self, file: str = "?", shipped: bool = False, folder: str | Path | None = None) -> Project:
        """The validated profile (refused if it held a non-finite number); ``shipped``: see
        :func:`project_from_json`; ``folder``: the profile file's folder, against which the
        paths of its linked files are read (:func:`linked_files_absolute`)."""
        if self.not_finite:
            raise ProfileError(file, "io.profile.not_finite", value=self.not_finite[0][:40])
        project = project_from_json(self.profile_doc, file, shipped=shipped)
        if folder is not None:
            linked_files_absolute(project, folder)
        return project


# ---------------------------------------------------------------------------------
# files a project links to (its offline base map and site plan)
# ---------------------------------------------------------------------------------
#: ``extensions["basemap"]`` keys that name a file (:mod:`ecologis.session.underlay`)
LINKED_FILE_KEYS = ("mbtiles", "image")


def _linked_files(doc_extensions: dict | None, convert) -> None:
    section = (doc_extensions or {}).get("basemap")
    if isinstance(section, dict):
        for key in LINKED_FILE_KEYS:
            value = section.get(key)
            if isinstance(value, str) and value:
                section[key] = convert(value)


def linked_files_relative(doc: dict, folder: str | Path) -> None:
    """In a profile document about to be written into ``folder``: the linked files that lie
    in that folder or below it are named relative to it (with ``/``), so the project folder
    can be moved or handed over whole; files elsewhere keep their absolute path."""
    base = Path(folder).resolve()

    def convert(value: str) -> str:
        p = Path(value)
        if not p.is_absolute():
            return value
        try:
            return p.resolve().relative_to(base).as_posix()
        except ValueError:              # elsewhere, or on another drive
            return value

    _linked_files(doc.get("extensions"), convert)


def linked_files_absolute(project: Project, folder: str | Path) -> None:
    """In a project read from a file in ``folder``: relative paths of linked files made
    absolute against that folder (the program works with absolute paths only)."""
    base = Path(folder).resolve()

    def convert(value: str) -> str:
        p = Path(value)
        return value if p.is_absolute() else str((base / p).resolve())

    _linked_files(project.extensions, convert)


def parse_json_bytes(data: bytes, file: str = "?") -> JsonDocument:
    """Decode (UTF-8, a BOM allowed) and parse JSON once; ``ProfileError`` if it is not
    UTF-8 or not JSON.  Non-finite numbers are kept and listed, for the caller to refuse
    (profiles) or to leave to the validation journal (plain lists of rows)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ProfileError(file, "io.profile.not_utf8", position=e.start) from None
    bad: list[str] = []
    hooks = _number_hooks(bad)
    if not _LONG_DIGITS.search(text):
        # no integer can exceed a float (or Python's int(str) limit): Python parses them
        hooks.pop("parse_int")
    try:
        doc = json.loads(text, **hooks)
    except json.JSONDecodeError as e:
        where = KeyedError("io.file.json_position", detail=KeyedError(_json_problem_key(e.msg)), line=e.lineno,
                           column=e.colno)
        raise ProfileError(file, "io.error.json", detail=where) from None
    except RecursionError:
        raise ProfileError(file, "io.file.too_deep") from None
    except ValueError as e:
        raise ProfileError(file, "io.error.json", detail=str(e)[:200] or type(e).__name__) from None
    return JsonDocument(doc, bad)


def parse_profile_bytes(data: bytes, file: str = "?") -> Project:
    """Parse and validate profile bytes (nothing is written anywhere)."""
    if len(data) > MAX_PROFILE_BYTES:
        raise ProfileError(file, "io.profile.too_large", limit_mb=MAX_PROFILE_BYTES // (1024 * 1024))
    return parse_json_bytes(data, file).profile(file)


def read_json_file_bytes(path: str | Path) -> bytes:
    """The bytes of a JSON input file (profile or other document) of at most
    :data:`MAX_PROFILE_BYTES`; a :class:`ProfileError` naming the file otherwise."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_PROFILE_BYTES:
            raise ProfileError(p.name, "io.profile.too_large", limit_mb=MAX_PROFILE_BYTES // (1024 * 1024))
        return p.read_bytes()
    except FileNotFoundError:
        raise ProfileError(p.name, "io.error.not_found") from None
    except IsADirectoryError:
        raise ProfileError(p.name, "io.file.is_directory") from None
    except OSError as e:
        raise ProfileError(p.name, "io.error.os", detail=e.strerror or str(e)) from None


def load_profile(path: str | Path) -> Project:
    """Open a profile read-only from disk (the file is never modified by opening); a file
    shipped with EcologIS (the demo) is trusted to match the schema (checked by the tests)."""
    p = Path(path)
    return parse_json_bytes(read_json_file_bytes(p), p.name).profile(p.name, shipped=is_shipped_file(p),
                                                                     folder=p.parent)


def json_default(o, lenient: bool = False):
    """``json.dumps(default=...)`` for the values our documents hold: numpy scalars,
    sets and tuples.  Strict (profiles): anything else is a ``TypeError`` and a non-finite
    number is left for ``allow_nan=False`` to refuse.  ``lenient`` (exports of results):
    non-finite numbers become ``null`` and other objects their text."""
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        x = float(o)
        return None if lenient and not math.isfinite(x) else x
    if isinstance(o, (set, tuple)):
        return list(o)
    if lenient:
        return str(o)
    raise TypeError(type(o).__name__)


def profile_bytes(profile: Project, file: str = "?", folder: str | Path | None = None) -> bytes:
    """The bytes :func:`save_profile` writes, after validating the document; written into
    ``folder``, linked files in it are named relative to it (:func:`linked_files_relative`)."""
    doc = profile.to_json()
    if folder is not None:
        linked_files_relative(doc, folder)
    doc["saved_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        text = json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False, default=json_default)
    except ValueError:
        raise ProfileError(file, "io.profile.not_finite", value="NaN/Infinity") from None
    # the saved file must open again: validate the exact text we are about to write
    validate_profile_doc(json.loads(text), file)
    return text.encode("utf-8")


def save_profile(profile: Project, path: str | Path) -> None:
    """Validate, then save atomically (temp file, fsync, rename) keeping ``<name>.bak``.

    The backup is the previous file, itself written atomically before the new file
    replaces the old one; any failure leaves the previous profile intact.
    """
    path = Path(path)
    if profile.read_only:
        raise ProfileError(path.name, "profile.error.read_only")
    data = profile_bytes(profile, path.name, folder=path.parent)
    try:
        atomic_write_bytes(path, data, backup=True)
    except BackupReadError as e:
        raise ProfileError(path.name, "io.error.os", detail=e.strerror or str(e)) from None


# ---------------------------------------------------------------------------------
# history and re-assessment
# ---------------------------------------------------------------------------------
_CALC_FIELDS = ("substance", "mass", "unit", "hours_per_year", "gdk_sd", "gdk_mr", "hazard_class")


def _sha(obj) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def inputs_hash(emissions: list[Emission], preset_id: str, duplicates: str) -> str:
    """Hash of what the user entered that the calculation reads (not notes or dates)."""
    if hasattr(emissions, "column"):            # an EmissionTable: its columns, no row objects
        rows = [list(r) for r in zip(*(emissions.column(f) for f in _CALC_FIELDS))] if len(emissions) else []
    else:
        rows = [[getattr(e, f) for f in _CALC_FIELDS] for e in emissions]
    return _sha({"rows": rows, "preset": preset_id, "duplicates": duplicates})


def preset_hash(preset) -> str:
    d = preset.to_json()
    return _sha({k: d[k] for k in ("formula", "a", "categories", "assumed_class_when_missing", "dominant_cumulative_share")})


def dictionary_hash(result) -> str:
    """Hash of the dictionary values the rows resolved to (id, class, ГДК levels)."""
    subs = []
    for s in result.prepared.substances:
        subs.append(None if s is None else [s.id, s.hazard_class, s.gdk_sd, s.gdk_mr, s.obrv, s.gdk_rz])
    return _sha(subs)


def history_entry(profile: Project, result, when: datetime | None = None) -> dict:
    """A history entry for ``result`` (an AssessmentResult of ``profile``'s emissions)."""
    from ecologis import __version__

    when = when or datetime.now(timezone.utc)
    top = []
    for c in result.contributions[:TOP_CONTRIBUTORS]:
        top.append({"substance_id": c["substance_id"], "substance": c["substance"], "substance_en": c["substance_en"],
                    "contribution": c["contribution"], "share": c["share"]})
    return {
        "timestamp": when.isoformat(timespec="seconds"),
        "inputs_hash": inputs_hash(profile.emissions, result.preset.id, result.duplicates),
        "preset_hash": preset_hash(result.preset),
        "dictionary_hash": dictionary_hash(result),
        "knp": float(result.knp),
        "category": result.category,
        "szz_m": float(result.szz_m),
        "preset": result.preset.id,
        "duplicates": result.duplicates,
        "top": top,
        "app_version": __version__,
    }


def record_assessment(profile: Project, result, when: datetime | None = None) -> dict:
    """Append a history entry for ``result`` (never replaces earlier entries)."""
    if profile.read_only:
        raise ProfileError("?", "profile.error.read_only")
    entry = history_entry(profile, result, when)
    profile.history.append(entry)
    return entry


@dataclass
class Reassessment:
    """Outcome of :func:`reassess`: the new result compared with the last history entry."""

    result: object
    previous: dict | None
    entry: dict                       # the entry the new result would add
    reproduced: bool                  # same КНП (exactly), category and СЗЗ as ``previous``
    inputs_changed: bool = False
    preset_changed: bool = False
    dictionary_changed: bool = False

    @property
    def changed(self) -> bool:
        return self.previous is not None and not self.reproduced

    def diff(self) -> dict | None:
        if not self.changed:
            return None
        return {"knp_old": self.previous.get("knp"), "knp_new": self.entry["knp"],
                "category_old": self.previous.get("category"), "category_new": self.entry["category"],
                "szz_old": self.previous.get("szz_m"), "szz_new": self.entry["szz_m"]}

    def message(self, lang: str | None = None) -> str:
        from ecologis.i18n import translator_for

        tr = translator_for(lang)
        if self.previous is None:
            return tr("io.history.first")
        if self.reproduced:
            return tr("io.history.reproduced", knp=f"{self.entry['knp']:.3f}", category=self.entry["category"])
        d = self.diff()
        reasons = [tr("io.history.reason." + r) for r, on in (("inputs", self.inputs_changed), ("preset", self.preset_changed),
                                                               ("dictionary", self.dictionary_changed)) if on]
        if not reasons:
            reasons = [tr("io.history.reason.unknown")]
        old = d["knp_old"]
        return tr("io.history.changed", knp_old=f"{old:.3f}" if isinstance(old, (int, float)) else str(old),
                  knp_new=f"{d['knp_new']:.3f}", category_old=d["category_old"], category_new=d["category_new"],
                  reasons=", ".join(reasons))


def assessment_options(dictionary=None, presets: dict | None = None, **kw):
    """:class:`ecologis.pipeline.AssessOptions` with the loaded dictionary and presets
    (the user's overlays included) where none are given; ``kw``: ``on``, ``file``,
    ``dispersion``."""
    from ecologis.io.reference_data import load_dictionary, load_presets, recommendation_rules, summation_groups
    from ecologis.pipeline import AssessOptions

    if "szz_activities" not in kw:
        from ecologis.io.szz_classes import SzzClassesError, load_activities

        try:
            kw["szz_activities"] = load_activities()
        except SzzClassesError:                  # a broken user list: the shipped one
            kw["szz_activities"] = load_activities(user_path=False)
    kw.setdefault("summation_groups", summation_groups())
    return AssessOptions(dictionary if dictionary is not None else load_dictionary(),
                         presets if presets is not None else load_presets(), recommendation_rules(), **kw)


def assess_project(profile: Project, dictionary=None, presets: dict | None = None, **kw):
    """The :class:`ecologis.pipeline.Assessment` of ``profile`` (see :func:`assessment_options`).
    Raises ``KeyError`` if the profile's preset is unknown — callers that take user input
    check ``profile.preset in presets`` first and refuse with a translated message."""
    from ecologis.pipeline import assess

    return assess(profile, assessment_options(dictionary, presets, **kw))


def reassess(profile: Project, dictionary=None, presets: dict | None = None) -> Reassessment:
    """Assess ``profile`` again and compare with its last history entry.

    The history is not modified: the caller decides (after showing
    :meth:`Reassessment.message`) whether to :func:`record_assessment`.
    Raises ``KeyError`` if the profile's preset is unknown.
    """
    result = assess_project(profile, dictionary, presets, dispersion=False).result
    entry = history_entry(profile, result)
    prev = profile.history[-1] if profile.history else None
    if prev is None:
        return Reassessment(result, None, entry, False)
    reproduced = (prev.get("knp") == entry["knp"] and prev.get("category") == entry["category"]
                  and prev.get("szz_m") == entry["szz_m"])
    return Reassessment(
        result, prev, entry, reproduced,
        inputs_changed=bool(prev.get("inputs_hash")) and prev.get("inputs_hash") != entry["inputs_hash"],
        preset_changed=(prev.get("preset") != entry["preset"]) or (bool(prev.get("preset_hash")) and prev.get("preset_hash") != entry["preset_hash"]),
        dictionary_changed=bool(prev.get("dictionary_hash")) and prev.get("dictionary_hash") != entry["dictionary_hash"],
    )
