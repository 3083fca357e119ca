"""The sanitary classification list (ДСП 173-96, annex 4) and the user's own activities.

* Shipped: ``resources/szz/dsp173_annex4.csv`` — each row with its class, zone size, the
  source it was read from and whether its class was printed, inferred or taken from a
  secondary table (see ``resources/szz/README.md``).
* User overlay: ``szz_activities.json`` in the user data folder, ``{"activities": [{id,
  class, activity_uk, activity_en, group_uk, note}]}`` — activities the list lacks (their
  ``document`` is "user"); written atomically.
* КВЕД hints: ``resources/szz/kved_hints.csv``, EcologIS's own correspondence (no
  official source maps КВЕД to annex 4), returned only as labelled suggestions.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

from ecologis.core.sanitary_zone import CLASS_SIZES_M, normalize_class
from ecologis.i18n import KeyedError
from ecologis.io.atomic import atomic_write_text
from ecologis.paths import RESOURCES_DIR, user_data_dir

ANNEX4_FILE = RESOURCES_DIR / "szz" / "dsp173_annex4.csv"
KVED_HINTS_FILE = RESOURCES_DIR / "szz" / "kved_hints.csv"
USER_FILE_NAME = "szz_activities.json"


class SzzClassesError(KeyedError):
    """A list that cannot be read or an activity that cannot be added (``szz.list.error.*``)."""


@dataclass(frozen=True)
class Activity:
    id: str
    sanitary_class: str
    size_m: float
    activity_uk: str
    activity_en: str = ""
    group_uk: str = ""
    item_no: str = ""
    document: str = "ДСП 173-96, annex 4"
    class_evidence: str = "printed"        # printed | inferred | secondary | user
    source_url: str = ""
    note: str = ""
    origin: str = "shipped"                # shipped | user

    def name(self, lang: str = "uk") -> str:
        return (self.activity_en or self.activity_uk) if lang == "en" else (self.activity_uk or self.activity_en)

    def to_json(self) -> dict:
        d = asdict(self)
        d["class"] = d.pop("sanitary_class")
        return d


def _fold(text: str) -> str:
    """Case-, accent- and apostrophe-insensitive form for searching."""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    for ch in "'’ʼ`\"«»":
        s = s.replace(ch, "")
    return s.replace("ё", "е")


class ActivityList:
    """Shipped annex-4 rows with the user's activities after them."""

    def __init__(self, activities: list[Activity], kved_hints: dict[str, list[str]] | None = None,
                 user_path: Path | None = None):
        self.activities = list(activities)
        self.kved_hints = dict(kved_hints or {})
        self.user_path = user_path
        self._by_id = {a.id: a for a in self.activities}

    def __len__(self) -> int:
        return len(self.activities)

    def signature(self) -> str:
        """A digest of every activity's id, class and names: equal lists give equal
        signatures (the assessment cache key uses it, not the object's identity)."""
        import hashlib

        text = "\n".join(f"{a.id}\t{a.sanitary_class}\t{a.activity_uk}\t{a.activity_en}" for a in self.activities)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, activity_id: str | None) -> Activity | None:
        return self._by_id.get(activity_id) if activity_id else None

    def search(self, text: str, sanitary_class: str | None = None) -> list[Activity]:
        """Activities whose Ukrainian or English wording (or id, group) contains every word
        of ``text`` (case-, apostrophe-insensitive); optionally of one class."""
        words = [w for w in _fold(text).split() if w]
        cls = normalize_class(sanitary_class) if sanitary_class else None
        out = []
        for a in self.activities:
            if cls and a.sanitary_class != cls:
                continue
            hay = _fold(" ".join((a.id, a.activity_uk, a.activity_en, a.group_uk)))
            if all(w in hay for w in words):
                out.append(a)
        return out

    def suggest_for_kved(self, codes) -> list[Activity]:
        """Candidates for the profile's КВЕД codes from EcologIS's own correspondence table
        (empty where it has none: the caller says so rather than guessing)."""
        out = []
        for code in codes or ():
            for aid in self.kved_hints.get(str(code).strip(), ()):
                a = self.get(aid)
                if a is not None and a not in out:
                    out.append(a)
        return out

    # -- the user's own activities -------------------------------------------------
    def user_activities(self) -> list[Activity]:
        return [a for a in self.activities if a.origin == "user"]

    def add_user_activity(self, activity_uk: str, sanitary_class: str, activity_en: str = "", group_uk: str = "",
                          note: str = "", save: bool = True) -> Activity:
        """Add an activity of the user's own (saved atomically to the overlay file)."""
        cls = normalize_class(sanitary_class)
        if cls is None:
            raise SzzClassesError("szz.error.class", value=sanitary_class)
        if not str(activity_uk or activity_en).strip():
            raise SzzClassesError("szz.list.error.no_name")
        n = 1
        while f"user-{n}" in self._by_id:
            n += 1
        a = Activity(id=f"user-{n}", sanitary_class=cls, size_m=CLASS_SIZES_M[cls],
                     activity_uk=str(activity_uk).strip(), activity_en=str(activity_en).strip(),
                     group_uk=str(group_uk).strip(), document="user", class_evidence="user", note=str(note),
                     origin="user")
        self.activities.append(a)
        self._by_id[a.id] = a
        if save:
            self.save_user_overlay()
        return a

    def save_user_overlay(self, path: Path | None = None) -> Path:
        path = Path(path or self.user_path or (user_data_dir() / USER_FILE_NAME))
        doc = {"activities": [{k: v for k, v in a.to_json().items()
                               if k in ("id", "class", "activity_uk", "activity_en", "group_uk", "note")}
                              for a in self.user_activities()]}
        atomic_write_text(path, json.dumps(doc, ensure_ascii=False, indent=1))
        return path


_SHIPPED_CACHE: dict[tuple, list[Activity]] = {}


def _read_shipped(path: Path) -> list[Activity]:
    """The shipped rows (cached by path and modification time; the list is copied)."""
    key = (str(path), path.stat().st_mtime_ns)
    if key not in _SHIPPED_CACHE:
        _SHIPPED_CACHE[key] = _parse_shipped(path)
    return list(_SHIPPED_CACHE[key])


def _parse_shipped(path: Path) -> list[Activity]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        cls = normalize_class(r["class"])
        out.append(Activity(id=r["id"], sanitary_class=cls, size_m=CLASS_SIZES_M[cls], activity_uk=r["activity_uk"],
                            activity_en=r["activity_en"], group_uk=r["group_uk"], item_no=r["item_no"],
                            document=r["document"], class_evidence=r["class_evidence"],
                            source_url=r["source_url"], note=r["note"]))
    return out


def _read_hints(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if not path.exists():
        return out
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(r["kved"].strip(), []).append(r["activity_id"].strip())
    return out


def _read_user(path: Path, shipped_ids: set[str]) -> list[Activity]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise SzzClassesError("szz.list.error.file", file=path.name, detail=str(exc)) from None
    items = doc.get("activities") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise SzzClassesError("szz.list.error.field.activities", file=path.name, row="—")
    out = []
    for i, d in enumerate(items, start=1):
        if not isinstance(d, dict):
            raise SzzClassesError("szz.list.error.field.activities", file=path.name, row=i)
        cls = normalize_class(d.get("class"))
        if cls is None:
            raise SzzClassesError("szz.list.error.field.class", file=path.name, row=i)
        aid = str(d.get("id") or f"user-{i}")
        if aid in shipped_ids:
            raise SzzClassesError("szz.list.error.field.id", file=path.name, row=i)
        name_uk, name_en = str(d.get("activity_uk") or ""), str(d.get("activity_en") or "")
        if not (name_uk or name_en).strip():
            raise SzzClassesError("szz.list.error.field.activity_uk", file=path.name, row=i)
        out.append(Activity(id=aid, sanitary_class=cls, size_m=CLASS_SIZES_M[cls], activity_uk=name_uk,
                            activity_en=name_en, group_uk=str(d.get("group_uk") or ""), document="user",
                            class_evidence="user", note=str(d.get("note") or ""), origin="user"))
    return out


def load_activities(user_path: Path | None | bool = None) -> ActivityList:
    """The shipped annex-4 list plus the user's overlay (``user_path=False`` skips it).
    A broken overlay raises :class:`SzzClassesError` naming the file, row and field; it is
    never overwritten automatically."""
    shipped = _read_shipped(ANNEX4_FILE)
    up = None
    user: list[Activity] = []
    if user_path is not False:
        up = Path(user_path) if user_path else user_data_dir() / USER_FILE_NAME
        if up.exists():
            user = _read_user(up, {a.id for a in shipped})
    return ActivityList(shipped + user, _read_hints(KVED_HINTS_FILE), up)


def read_wind_rose_csv(path: str | Path) -> dict[str, float]:
    """A wind rose from a CSV file of two columns — rhumb (N, NE … or Пн, ПнС …) and the
    percent of the year the wind blows from it — with or without a header row, ``,`` or
    ``;``.  Returns the validated rose (:func:`ecologis.core.sanitary_zone.parse_wind_rose`);
    :class:`ecologis.core.sanitary_zone.SanitaryZoneError` names the file and row."""
    from ecologis.core.numbers import NumberProblem, parse_number
    from ecologis.core.sanitary_zone import SanitaryZoneError, parse_wind_rose

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SzzClassesError("szz.list.error.file", file=p.name, detail=str(exc)) from None
    delim = ";" if text.count(";") > text.count(",") else ","
    rose = {}
    for i, row in enumerate(csv.reader(text.splitlines(), delimiter=delim), start=1):
        cells = [c.strip() for c in row if c.strip()]
        if not cells:
            continue
        if len(cells) < 2:
            raise SanitaryZoneError("szz.error.rose_row", where=f"{p.name}, {i}: ", row=i)
        try:
            value = parse_number(cells[1])[0]
        except NumberProblem:
            if i == 1:
                continue                       # a header row
            raise SanitaryZoneError("szz.error.rose_value", rhumb=cells[0], value=cells[1],
                                    where=f"{p.name}, {i}: ") from None
        rose[cells[0]] = value
    return parse_wind_rose(rose, where=f"{p.name}: ")
