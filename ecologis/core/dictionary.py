"""The substance dictionary: hygiene standards (ГДК) with the source of every value.

The shipped dictionary is ``pollutants.json`` (schema ``docs/schemas/pollutants.schema.json``).
A user's additions, edits and deletions live in the user data folder
(``user_pollutants.json``) and are merged over the shipped file, which is never written.
This module is pure: the files are read and written by
:mod:`ecologis.io.reference_data`, which hands the loaded documents to
:func:`parse_entries` and :func:`merge_overlay`.

Look-ups accept a dictionary id, a CAS number, an inventory code, or a name in
Ukrainian or English (also aliases), case-insensitively and ignoring apostrophe
variants (' ’ ʼ ` ´) and repeated spaces.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from typing import Iterable

from ecologis.core.cas import is_valid_cas, looks_like_cas
from ecologis.core.numbers import NumberProblem, parse_number
from ecologis.core.validation import Terms
from ecologis.i18n import TranslatedError
from ecologis.model.problems import Problem

APOSTROPHES = "'’ʼ`´‘ʹ"
_APOS_RE = re.compile(f"[{re.escape(APOSTROPHES)}]")
_SPACE_RE = re.compile(r"\s+")

GROUPS = (
    "nitrogen_oxides", "sulphur_compounds", "carbon_monoxide", "acids", "ammonia", "halogens",
    "oxidants", "dust", "heavy_metals", "voc", "pah", "methane", "ozone_depleting", "other",
)
VALUE_FIELDS = ("hazard_class", "gdk_mr", "gdk_sd", "obrv", "gdk_rz")


def normalize_name(text: str) -> str:
    """Key for name matching: NFC, lower case, apostrophes removed, spaces collapsed."""
    s = unicodedata.normalize("NFC", str(text)).strip().casefold()
    s = _APOS_RE.sub("", s)
    s = s.replace("₂", "2").replace("₃", "3").replace("₄", "4")
    return _SPACE_RE.sub(" ", s)


@dataclass(frozen=True)
class Substance:
    """One dictionary entry.  Concentrations in mg/m³; ``None`` means "not set"."""

    id: str
    name_uk: str
    name_en: str
    code: str | None = None
    cas: str | None = None
    aliases: tuple[str, ...] = ()
    hazard_class: int | None = None
    gdk_mr: float | None = None
    gdk_sd: float | None = None
    obrv: float | None = None
    gdk_rz: float | None = None
    group: str = "other"
    sources: dict = field(default_factory=dict, hash=False, compare=False)
    note_uk: str = ""
    note_en: str = ""
    origin: str = "shipped"  # "shipped", "user" (added), "edited" (shipped entry edited by user)

    def name(self, lang: str = "uk") -> str:
        return self.name_en if lang == "en" else self.name_uk

    def note(self, lang: str = "uk") -> str:
        return self.note_en if lang == "en" else self.note_uk

    def to_json(self) -> dict:
        d = asdict(self)
        d["aliases"] = list(self.aliases)
        d.pop("origin")
        for k in ("note_uk", "note_en"):
            if not d[k]:
                d.pop(k)
        return d

    @classmethod
    def from_json(cls, d: dict, origin: str = "shipped") -> "Substance":
        def f(key):
            v = d.get(key)
            return None if v is None else float(v)

        hc = d.get("hazard_class")
        return cls(
            id=str(d["id"]),
            name_uk=str(d.get("name_uk") or d.get("name_en") or d["id"]),
            name_en=str(d.get("name_en") or d.get("name_uk") or d["id"]),
            code=d.get("code") or None,
            cas=d.get("cas") or None,
            aliases=tuple(d.get("aliases") or ()),
            hazard_class=None if hc is None else int(hc),
            gdk_mr=f("gdk_mr"),
            gdk_sd=f("gdk_sd"),
            obrv=f("obrv"),
            gdk_rz=f("gdk_rz"),
            group=d.get("group") or "other",
            sources=dict(d.get("sources") or {}),
            note_uk=d.get("note_uk") or "",
            note_en=d.get("note_en") or "",
            origin=origin,
        )


def validate_substance_record(d: dict) -> list[Problem]:
    """Check one entry before it is accepted into the dictionary (editor, import).

    ГДК values must be positive finite numbers, the class 1–4, the CAS number must
    have a correct check digit, the names must not be empty.
    """
    problems: list[Problem] = []
    if not str(d.get("id") or "").strip():
        problems.append(Problem("dict.err.empty", field="id"))
    for name_field in ("name_uk", "name_en"):
        if not str(d.get(name_field) or "").strip():
            problems.append(Problem("dict.err.empty", field=name_field))
    cas = d.get("cas")
    if cas not in (None, ""):
        if not looks_like_cas(str(cas)):
            problems.append(Problem("dict.err.cas_format", {"value": cas}, field="cas"))
        elif not is_valid_cas(str(cas)):
            problems.append(Problem("dict.err.cas_check", {"value": cas}, field="cas"))
    hc = d.get("hazard_class")
    if hc not in (None, ""):
        try:
            hci = int(hc)
            if hci != float(hc) or not 1 <= hci <= 4:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(Problem("dict.err.class", {"value": hc}, field="hazard_class"))
    for key in ("gdk_mr", "gdk_sd", "obrv", "gdk_rz"):
        v = d.get(key)
        if v in (None, ""):
            continue
        try:
            x, _ = parse_number(v)
        except NumberProblem:
            problems.append(Problem("dict.err.number", {"value": v}, field=key))
            continue
        if not math.isfinite(x) or x <= 0:
            problems.append(Problem("dict.err.positive", {"value": v}, field=key))
    group = d.get("group")
    if group not in (None, "") and group not in GROUPS:
        problems.append(Problem("dict.err.group", {"value": group}, field="group"))
    return problems


class DictionaryError(TranslatedError, ValueError):
    """The dictionary file is unreadable or invalid; ``path`` names it and ``detail``
    is the translated reason (entry number, field and rule)."""

    def __init__(self, path, key: str, **params):
        TranslatedError.__init__(self, str(path), key, **params)
        self.path = path   # the file's path or name as the reader gave it

    @property
    def detail(self) -> str:
        return self.message()


class Dictionary:
    """The merged dictionary: shipped entries with the user's overlay applied."""

    def __init__(self, substances: Iterable[Substance], sources: dict | None = None,
                 shipped: dict[str, Substance] | None = None):
        self._by_id: dict[str, Substance] = {}
        self.sources = dict(sources or {})
        self._shipped = dict(shipped or {})
        self.version = 0  # bumped on every change, so callers can cache resolutions
        for s in substances:
            self._by_id[s.id] = s
        self._reindex()

    # -- indexing -------------------------------------------------------------------
    def _reindex(self) -> None:
        idx: dict[str, str] = {}
        for s in self._by_id.values():
            keys = [s.id, s.name_uk, s.name_en, *s.aliases]
            if s.cas:
                keys.append(s.cas)
            if s.code:
                keys.append(s.code)
            for k in keys:
                nk = normalize_name(k)
                if nk and nk not in idx:
                    idx[nk] = s.id
        self._index = idx
        self._search_rows = [
            (s.id, " | ".join(normalize_name(x) for x in (s.name_uk, s.name_en, s.cas or "", s.code or "", s.id, *s.aliases)))
            for s in self._by_id.values()
        ]
        self.version += 1

    # -- access ---------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self):
        return iter(self._by_id.values())

    def __contains__(self, sid: str) -> bool:
        return sid in self._by_id

    def get(self, sid: str) -> Substance | None:
        return self._by_id.get(sid)

    def lookup(self, ref: str | None) -> Substance | None:
        """Find a substance by id, CAS, code, or uk/en name or alias."""
        if ref is None:
            return None
        sid = self._index.get(normalize_name(ref))
        return self._by_id.get(sid) if sid else None

    def search(self, text: str, limit: int | None = None) -> list[Substance]:
        """Substances whose names, CAS, code or aliases contain ``text`` (normalised)."""
        q = normalize_name(text)
        out = [self._by_id[sid] for sid, hay in self._search_rows if q in hay]
        out.sort(key=lambda s: (normalize_name(s.name_uk) != q and normalize_name(s.name_en) != q, s.name_uk))
        return out[:limit] if limit else out

    def is_shipped(self, sid: str) -> bool:
        return sid in self._shipped

    def shipped_entry(self, sid: str) -> Substance | None:
        return self._shipped.get(sid)

    def source_title(self, source_id: str) -> str:
        src = self.sources.get(source_id)
        return src.get("title", source_id) if src else source_id

    # -- edits (the GUI editor and dictionary import use these) ----------------------
    def put(self, substance: Substance) -> None:
        """Add or replace an entry (validated by the caller with validate_substance_record)."""
        self.put_many([substance])

    def put_many(self, substances: Iterable[Substance]) -> None:
        """Add or replace several entries, re-indexing once (dictionary import)."""
        for s in substances:
            origin = "edited" if s.id in self._shipped else "user"
            self._by_id[s.id] = replace(s, origin=origin)
        self._reindex()

    def delete(self, sid: str) -> Substance | None:
        s = self._by_id.pop(sid, None)
        self._reindex()
        return s

    def restore(self, sid: str) -> Substance | None:
        """Bring back the shipped version of an entry (after an edit or a delete)."""
        s = self._shipped.get(sid)
        if s is not None:
            self._by_id[sid] = s
            self._reindex()
        return s

    def overlay(self) -> dict:
        """The user's differences from the shipped file, in the dictionary file shape."""
        subs = [s.to_json() for s in self._by_id.values() if s.origin in ("user", "edited")]
        deleted = sorted(sid for sid in self._shipped if sid not in self._by_id)
        return {"schema_version": 1, "substances": subs, "deleted": deleted}


def check_document(data, label) -> dict:
    """``data`` (a decoded JSON document) has the dictionary file shape: an object with a
    ``substances`` list.  ``label`` names the file in the error."""
    if not isinstance(data, dict) or not isinstance(data.get("substances"), list):
        raise DictionaryError(label, "dict.error.no_list")
    return data


def parse_entries(label, data: dict, origin: str) -> list[Substance]:
    """The validated entries of a dictionary document; the first invalid one raises
    :class:`DictionaryError` naming ``label``, the entry number, the field and the rule."""
    out = []
    for i, d in enumerate(data["substances"], start=1):
        if not isinstance(d, dict):
            raise DictionaryError(label, "dict.error.not_object", n=i)
        problems = validate_substance_record(d)
        if problems:
            p = problems[0]
            raise DictionaryError(label, "dict.error.entry", n=i, id=str(d.get("id") or "—"),
                                  field=Terms("field.", [p.field]), reason=p)
        out.append(Substance.from_json(d, origin=origin))
    return out


def merge_overlay(shipped: list[Substance], sources: dict, overlay: dict | None = None,
                  label="") -> Dictionary:
    """The dictionary of the ``shipped`` entries with the user's ``overlay`` document
    (additions, edits, ``deleted`` ids, extra ``sources``) applied; ``label`` names the
    overlay file in errors."""
    shipped_map = {s.id: s for s in shipped}
    merged = dict(shipped_map)
    sources = dict(sources)
    if overlay is not None:
        check_document(overlay, label)
        for s in parse_entries(label, overlay, "user"):
            merged[s.id] = replace(s, origin="edited" if s.id in shipped_map else "user")
        for sid in overlay.get("deleted") or ():
            merged.pop(sid, None)
        sources.update(overlay.get("sources") or {})
    return Dictionary(merged.values(), sources, shipped_map)
