"""Data model of an assessment: enterprise, emission sources, emissions.

Masses are kept exactly as entered (value and unit); the t/yr value used by the
calculation is derived, never stored rounded.  Seed thesis §2.3 lists these entities.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ecologis.core.units import DEFAULT_HOURS_PER_YEAR, T_PER_YEAR

ORIGINS = ("inventory", "measurement", "calculation")


@dataclass
class Emission:
    """One row of the emissions table.

    ``substance`` is the reference as the user gave it (name, CAS, code or dictionary
    id); ``mass`` may be a number or the raw text of a table cell (parsed and validated
    by :func:`ecologis.core.assess.prepare`).  ``gdk_sd``, ``gdk_mr`` and
    ``hazard_class`` override the dictionary for this row only.
    """

    substance: str
    mass: Any
    unit: str = T_PER_YEAR
    hours_per_year: float = DEFAULT_HOURS_PER_YEAR
    source_id: str | None = None
    origin: str = "inventory"
    date: str | None = None
    note: str = ""
    gdk_sd: Any = None
    gdk_mr: Any = None
    hazard_class: Any = None
    row: int | None = None  # 1-based row number in the file or table it came from

    def to_json(self) -> dict:
        d = asdict(self)
        return {k: v for k, v in d.items() if v not in (None, "") or k in ("substance", "mass", "unit")}

    @classmethod
    def from_json(cls, d: dict) -> "Emission":
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class EmissionSource:
    """A stack or other emission source (seed thesis §2.3)."""

    id: str
    name: str = ""
    type: str = "point"
    lat: float | None = None
    lon: float | None = None
    height_m: float | None = None
    diameter_m: float | None = None
    gas_cleaning: str = ""
    cleaning_efficiency: float | None = None  # 0..1

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


@dataclass
class Enterprise:
    name: str = ""
    edrpou: str = ""
    kved: list[str] = field(default_factory=list)
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    activity: str = ""
    contacts: str = ""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict | None) -> "Enterprise":
        d = d or {}
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in known})
