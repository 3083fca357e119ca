"""The result of a background determination: method, inputs, values, dates, provenance.

Every result carries ``method``, ``inputs``, ``date`` and ``valid_until`` (three years
later, Order 286 §5.7; the number of years from ``method.json``) and ``reconstructed`` with the list of reconstructed pieces
(:data:`ecologis.core.background.formulas.RECONSTRUCTED`) whenever one was used.  A
reconstructed value is never the normative value: the JSON says so and every view
(CLI, GUI, PDF) prints the warning ``bg.warn.reconstructed``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from ecologis.core.background.formulas import RECONSTRUCTED
from ecologis.i18n import translator_for
from ecologis.model.problems import Problem, json_safe


def ref_text(obj: dict, name: str, lang: str | None = None) -> str | None:
    """The reference ``name`` (``method_ref`` of a result, ``source_ref`` of a value row)
    in ``lang``: translated from ``<name>_key``/``<name>_params`` when present, else the
    stored text (results saved before references were translated)."""
    key = obj.get(name + "_key")
    if key:
        return translator_for(lang)(key, **(obj.get(name + "_params") or {}))
    return obj.get(name)


def add_years(d: _dt.date, years: int) -> _dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def validity_end(d: _dt.date, years: int) -> _dt.date:
    """The end of validity of values issued on ``d`` for ``years`` years (three by
    ``method.json``: Order 286 §5.7)."""
    return add_years(d, int(years))


@dataclass
class BackgroundResult:
    method: str                       # default_table_4_1, default_gdk, posts, summation, interpolation, subplume, calculated, exclude_own
    method_ref: str                   # locale key of the Order's section / formula, e.g. "bg.ref.default"
    inputs: dict
    values: list[dict]                # rows with value_mg_m3 (and more per method)
    pieces: list[str] = field(default_factory=list)   # reconstructed pieces used
    warnings: list[Problem] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    date: _dt.date = field(default_factory=_dt.date.today)
    method_ref_params: dict = field(default_factory=dict)
    validity_years: int | None = None  # from method.json (BackgroundReference.validity_years)

    def method_ref_text(self, lang: str | None = None) -> str:
        """The Order's section / formula of the method in ``lang``."""
        return translator_for(lang)(self.method_ref, **self.method_ref_params)

    def values_json(self, lang: str | None = None) -> list[dict]:
        """The value rows with ``source_ref`` rendered in ``lang`` where a row has one."""
        return [dict(r, source_ref=ref_text(r, "source_ref", lang)) if r.get("source_ref_key") else r
                for r in self.values]

    @property
    def reconstructed(self) -> bool:
        return bool(self.pieces)

    @property
    def valid_until(self) -> _dt.date:
        if self.validity_years is None:
            raise ValueError("BackgroundResult without validity_years (made outside the background procedure)")
        return validity_end(self.date, self.validity_years)

    def use(self, piece: str) -> None:
        if piece not in RECONSTRUCTED:
            raise KeyError(piece)
        if piece not in self.pieces:
            self.pieces.append(piece)

    def to_json(self, lang: str | None = None) -> dict:
        tr = translator_for(lang)
        return json_safe({
            "method": self.method,
            "method_ref": self.method_ref_text(lang),
            "method_ref_key": self.method_ref,
            "method_ref_params": self.method_ref_params,
            "units": "mg/m3",
            "date": self.date.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "inputs": self.inputs,
            "values": self.values_json(lang),
            "reconstructed": self.reconstructed,
            "reconstructed_pieces": [
                {"id": p, "reference": RECONSTRUCTED[p], "description": tr("bg.piece." + p)} for p in self.pieces],
            "normative": not self.reconstructed,
            "notice": tr("bg.warn.reconstructed") if self.reconstructed else None,
            "warnings": [w.to_json(lang) for w in self.warnings],
            **self.details,
        })
