"""Data of the background procedure (Order No. 286), shipped in ``resources/background/``.

Pure: :func:`ecologis.io.reference_data.background_reference` reads the files and
returns a :class:`BackgroundReference`, which every calculation receives as
``refdata``.  The files:

* ``method.json`` – methodology choices (thresholds, shares, gradations, candidates);
* ``table_4_1.json`` – §4.8 table 4.1 typed from the Order's text;
* ``transition_function.csv`` (F(V), figure 1), ``range_coefficient.csv`` (K(n),
  figure 2), ``maximum_coefficient.csv`` (a(V), figure 3) – curve tables.  A file of the
  same name in ``<user data>/background/`` replaces the shipped one (an administrator's
  digitised curve).  A ``# status: official`` comment line marks a table as the
  normative curve; anything else counts as reconstructed;
* ``hydromet_offices.json`` – annex 7.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np

from ecologis.core.background.errors import BackgroundError
from ecologis.i18n import TranslatedError

CURVES = {
    "transition_function": ("transition_function.csv", "V", "F"),
    "range_coefficient": ("range_coefficient.csv", "n", "K"),
    "maximum_coefficient": ("maximum_coefficient.csv", "V", "a"),
}


class CurveTableError(BackgroundError):
    """A curve table that cannot be used (bad header, non-numeric or unsorted rows).

    A :class:`BackgroundError`, so every command and panel that reports background
    errors reports it too; the message names the file first (``bg.err.curve_file``)."""

    prefix_key = "bg.err.curve_file"

    def __init__(self, file: str, key: str, **params):
        TranslatedError.__init__(self, file, key, **params)


@dataclass(frozen=True)
class CurveTable:
    name: str
    x: np.ndarray
    y: np.ndarray
    status: str          # "official" or "reconstructed"
    path: str
    source: str

    @property
    def reconstructed(self) -> bool:
        return self.status != "official"


def parse_curve(text: str, name: str, xcol: str, ycol: str, path: str = "?") -> CurveTable:
    status, source = "reconstructed", ""
    body = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#"):
            low = s[1:].strip()
            if low.lower().startswith("status:"):
                status = low.split(":", 1)[1].strip().lower()
            elif low.lower().startswith("source:"):
                source = low.split(":", 1)[1].strip()
            continue
        if s:
            body.append(line)
    rows = list(csv.reader(io.StringIO("\n".join(body))))
    if not rows or [c.strip() for c in rows[0]][:2] != [xcol, ycol]:
        raise CurveTableError(path, "bg.err.curve_header", expected=f"{xcol},{ycol}")
    xs, ys = [], []
    for i, r in enumerate(rows[1:], start=2):
        try:
            xs.append(float(r[0]))
            ys.append(float(r[1]))
        except (ValueError, IndexError):
            raise CurveTableError(path, "bg.err.curve_row", row=i) from None
    x = np.array(xs)
    if x.size < 2 or np.any(np.diff(x) <= 0):
        raise CurveTableError(path, "bg.err.curve_sorted")
    return CurveTable(name, x, np.array(ys), "official" if status == "official" else "reconstructed", path, source)


@dataclass(frozen=True)
class BackgroundReference:
    """The loaded data of the procedure: ``method.json``, ``table_4_1.json``,
    ``hydromet_offices.json`` (decoded) and the curve tables by name (:data:`CURVES`)."""

    method: dict
    table_4_1: dict
    offices: dict
    curves: dict = field(default_factory=dict)

    def curve(self, name: str) -> CurveTable:
        return self.curves[name]

    @property
    def validity_years(self) -> int:
        """Values are issued for this many years (Order 286 §5.7)."""
        return int(self.method["validity_years"])


def _norm_city(s: str) -> str:
    from ecologis.core.dictionary import normalize_name

    s = normalize_name(s)
    for prefix in ("м. ", "м.", "місто "):
        if s.startswith(prefix):
            s = s[len(prefix):].strip()
    return s


def find_offices(city: str, *, refdata: BackgroundReference) -> list[dict]:
    """Annex 7 rows whose city names contain ``city`` (case- and apostrophe-insensitive).
    Each hit: organisation, address, the matching city and its number of posts."""
    q = _norm_city(city)
    out = []
    for off in refdata.offices["offices"]:
        for c in off["cities"]:
            if q and q in _norm_city(c["city"]):
                out.append({"no": off["no"], "city": c["city"], "posts": c["posts"],
                            "organisation": off["organisation"], "address": off["address"]})
    return out
