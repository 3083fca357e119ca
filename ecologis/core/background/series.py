"""Validating observation series for the background by post observations (the CSV/XLSX
file is read by :func:`ecologis.io.background_series.read_series`).

Columns (header row; uk/en synonyms accepted, case-insensitive): ``timestamp``,
``post``, ``substance``, ``concentration`` (mg/m³), ``wind_speed`` (m/s),
``wind_direction`` (degrees, where the wind blows from; may be blank for calm, i.e. a
speed in the calm gradation).  Row numbers are the file's own (the header is row 1).

Validation rejects the whole file (nothing partial) with translated messages naming the
file, row and field: missing or unreadable cells, missing wind, negative
concentrations or wind speeds, directions outside 0-360°, unknown substances (neither in
the dictionary nor one of the table 4.1 names).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ecologis.core.background._lazy import pd

from ecologis.core.background.data import BackgroundReference
from ecologis.core.background.errors import SeriesError, series_problem
from ecologis.core.numbers import NumberProblem, parse_number

COLUMNS = ("timestamp", "post", "substance", "concentration", "wind_speed", "wind_direction")

SYNONYMS = {
    "timestamp": ("timestamp", "time", "datetime", "date_time", "date", "дата", "час", "дата_час", "дата_і_час",
                  "термін", "строк"),
    "post": ("post", "station", "post_id", "пост", "номер_поста", "пост_спостережень"),
    "substance": ("substance", "pollutant", "речовина", "забруднювальна_речовина", "домішка"),
    "concentration": ("concentration", "conc", "value", "c", "mg_m3", "концентрація", "значення"),
    "wind_speed": ("wind_speed", "speed", "u", "швидкість_вітру", "швидкість"),
    "wind_direction": ("wind_direction", "direction", "wind_dir", "напрям_вітру", "напрямок_вітру", "напрям",
                       "напрямок"),
}

MAX_LISTED_ISSUES = 100


def _norm_header(h) -> str:
    s = str(h or "").strip().lower()
    if "(" in s:
        s = s.split("(", 1)[0].strip()
    if "," in s:
        s = s.split(",", 1)[0].strip()
    for ch in (" ", "-", "."):
        s = s.replace(ch, "_")
    while "__" in s:
        s = s.replace("__", "_")
    return s.strip("_")


@dataclass
class Series:
    """A validated observation series.  ``frame`` columns: timestamp (datetime64),
    post (str), substance (the file's text), key (canonical substance key: dictionary id
    or ``table:<key>``), concentration, wind_speed, wind_direction (float, NaN for a
    calm without direction), row (int)."""

    file: str
    frame: pd.DataFrame
    names: dict = field(default_factory=dict)     # key -> {"uk": .., "en": .., "gdk_mr": ..}

    def __len__(self) -> int:
        return len(self.frame)


class _Col:
    """One column as (codes, unique stripped texts) so that checks run per unique value."""

    def __init__(self, col: pd.Series):
        self._empty = None
        self.numeric = col.dtype.kind in "fiu"
        if self.numeric:
            self.values = col.to_numpy(dtype=float)
            self.missing = np.isnan(self.values)
            self.bad = np.zeros(len(col), dtype=bool)
            return
        if isinstance(col.dtype, pd.CategoricalDtype):
            # already numbered by the reader (missing cells: −1)
            codes, uniq = col.cat.codes.to_numpy(), col.cat.categories
        else:
            codes, uniq = pd.factorize(col, use_na_sentinel=True)
        uniq = np.asarray(uniq, dtype=object)
        texts = np.array(["" if u is None or u is pd.NA else str(u).strip() for u in uniq.tolist()] + [""],
                         dtype=object)
        self.codes = np.where(codes < 0, len(texts) - 1, codes)
        self.texts = texts

    def text(self, i: int) -> str:
        if self.numeric:
            return "" if self.missing[i] else repr(float(self.values[i]))
        return self.texts[self.codes[i]]

    @property
    def empty(self) -> np.ndarray:
        if self.numeric:
            return self.missing
        if self._empty is None:                 # asked for several times: made once
            self._empty = (self.texts == "")[self.codes]
        return self._empty

    def as_numbers(self) -> np.ndarray:
        """Float per row (NaN where empty or not a number); decimal comma accepted."""
        if self.numeric:
            return self.values
        return np.array([_number_or_nan(t) for t in self.texts], dtype=float)[self.codes]

    def as_codes(self) -> tuple[np.ndarray, np.ndarray]:
        """``(texts, codes)``: :meth:`as_texts` is ``texts[codes]``."""
        if self.numeric:
            texts = self.as_texts()
            return texts, np.arange(len(texts))
        return self.texts, self.codes

    def as_texts(self) -> np.ndarray:
        if self.numeric:
            return np.array([self.text(i) for i in range(len(self.values))], dtype=object)
        return self.texts[self.codes]


def _categorical(texts_codes: tuple[np.ndarray, np.ndarray], keep: np.ndarray) -> pd.Categorical:
    """The rows ``keep`` of the column ``texts[codes]`` as a categorical of its distinct texts."""
    texts, codes = texts_codes
    cats, inv = np.unique(np.asarray(texts, dtype=str), return_inverse=True)
    return pd.Categorical.from_codes(inv.reshape(-1)[codes[keep]], categories=pd.Index(cats, dtype=object))


def _number_or_nan(text) -> float:
    try:
        return parse_number(text)[0]
    except NumberProblem:
        return float("nan")


def _parse_timestamps(texts: np.ndarray) -> np.ndarray:
    """datetime64[ns] per unique text (NaT when unreadable): ISO first, then mixed formats."""
    s = pd.Series(texts, dtype=object)
    out = pd.to_datetime(s, errors="coerce", format="ISO8601")
    bad = out.isna() & (s != "")
    if bad.any():
        out[bad] = pd.to_datetime(s[bad], errors="coerce", format="mixed", dayfirst=True)
    return out.to_numpy(dtype="datetime64[ns]")


def _resolve_substances(names: np.ndarray, dictionary, refdata: BackgroundReference) -> dict:
    """Unique substance texts -> (key, names) or None when unknown."""
    from ecologis.core.background.default import table_substance

    tab = refdata.table_4_1["substances"]
    out = {}
    for n in names:
        if not n.strip():
            out[n] = None
            continue
        sub = dictionary.lookup(n)
        if sub is not None:
            out[n] = (sub.id, {"uk": sub.name_uk, "en": sub.name_en, "gdk_mr": sub.gdk_mr})
            continue
        key = table_substance(n, None, refdata=refdata)
        out[n] = ((f"table:{key}", {"uk": tab[key]["name_uk"], "en": tab[key]["name_en"], "gdk_mr": None})
                  if key else None)
    return out


def series_from_table(name: str, header: list[str], df: pd.DataFrame, first_row: int, dictionary, *,
                      refdata: BackgroundReference) -> Series:
    """Validate a series already read into ``df`` (columns named by ``header``; the first
    data row is the file's row ``first_row``); raise :class:`SeriesError` listing the
    problems (at most ``MAX_LISTED_ISSUES`` listed, the total counted).  ``name`` names the
    file in messages; substances are resolved through ``dictionary`` and table 4.1."""
    mapping = {}
    for h in header:
        nh = _norm_header(h)
        for canon, syn in SYNONYMS.items():
            if nh in syn and canon not in mapping:
                mapping[canon] = h
    missing_cols = [c for c in COLUMNS if c not in mapping]
    if missing_cols:
        raise SeriesError(name, [series_problem(name, 1, c, "bg.err.missing_column") for c in missing_cols])
    df = df[[mapping[c] for c in COLUMNS]]
    cols = {c: _Col(df.iloc[:, i]) for i, c in enumerate(COLUMNS)}
    rows = np.arange(len(df), dtype=np.int64) + first_row
    blank = np.logical_and.reduce([cols[c].empty for c in COLUMNS])
    keep = ~blank
    if not keep.any():
        raise SeriesError(name, [series_problem(name, None, None, "bg.err.empty")])

    issues: list[tuple[int, str, str, dict]] = []
    total = 0

    def flag(mask: np.ndarray, fld: str, key: str, params_fn=None):
        nonlocal total
        idx = np.flatnonzero(mask & keep)
        total += idx.size
        for i in idx[:MAX_LISTED_ISSUES]:
            issues.append((int(rows[i]), fld, key, params_fn(int(i)) if params_fn else {}))

    tc = cols["timestamp"]
    if tc.numeric:
        flag(np.ones(len(rows), dtype=bool), "timestamp", "bg.err.bad_timestamp", lambda i: {"value": tc.text(i)})
        ts = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[ns]")
    else:
        ts = _parse_timestamps(tc.texts)[tc.codes]
        flag(tc.empty, "timestamp", "bg.err.missing_value")
        flag(np.isnat(ts) & ~tc.empty, "timestamp", "bg.err.bad_timestamp", lambda i: {"value": tc.text(i)})
    flag(cols["post"].empty, "post", "bg.err.missing_value")

    sc = cols["substance"]
    if sc.numeric:
        uniq, inv = np.unique(sc.as_texts().astype(str), return_inverse=True)
    else:
        uniq, inv = sc.texts, sc.codes
    resolved = _resolve_substances(uniq, dictionary, refdata)
    known = np.array([resolved[u] is not None for u in uniq], dtype=bool)[inv]
    s_missing = sc.empty
    flag(s_missing, "substance", "bg.err.missing_value")
    flag(~known & ~s_missing, "substance", "bg.err.unknown_substance", lambda i: {"substance": uniq[inv[i]]})

    numbers = {}
    for c in ("concentration", "wind_speed", "wind_direction"):
        col = cols[c]
        v = col.as_numbers()
        numbers[c] = v
        flag(~col.empty & np.isnan(v), c, "bg.err.not_number", lambda i, col=col: {"value": col.text(i)})
    conc, spd, dr = numbers["concentration"], numbers["wind_speed"], numbers["wind_direction"]
    flag(cols["concentration"].empty, "concentration", "bg.err.missing_value")
    flag(conc < 0, "concentration", "bg.err.negative", lambda i: {"value": conc[i]})
    flag(cols["wind_speed"].empty, "wind_speed", "bg.err.missing_wind")
    flag(spd < 0, "wind_speed", "bg.err.negative", lambda i: {"value": spd[i]})
    calm_max = refdata.method["posts"]["calm_max_speed_m_s"]
    needs_dir = ~np.isnan(spd) & (spd > calm_max)
    flag(cols["wind_direction"].empty & needs_dir, "wind_direction", "bg.err.missing_wind_direction",
         lambda i: {"speed": spd[i], "calm": calm_max})
    flag((dr < 0) | (dr > 360), "wind_direction", "bg.err.direction_range", lambda i: {"value": dr[i]})

    if total:
        issues.sort(key=lambda x: (x[0], COLUMNS.index(x[1])))
        raise SeriesError(name, [series_problem(name, r, f, k, prm) for r, f, k, prm in issues[:MAX_LISTED_ISSUES]],
                          total=total)

    names = {resolved[u][0]: resolved[u][1] for u in uniq if resolved[u]}
    u_keys = [resolved[u][0] if resolved[u] else "" for u in uniq]
    frame = pd.DataFrame({
        "timestamp": ts[keep],
        # the text columns as categories: a few distinct values, a small number per row
        "post": _categorical(cols["post"].as_codes(), keep),
        "substance": _categorical((np.asarray(uniq, dtype=object), inv), keep),
        "key": _categorical((np.asarray(u_keys, dtype=object), inv), keep),
        "concentration": conc[keep],
        "wind_speed": spd[keep],
        "wind_direction": np.where(dr == 360, 0.0, dr)[keep],
        "row": rows[keep],
    }, copy=False)                 # the columns are new arrays made here: kept as they are, not copied
    return Series(name, frame, names)

