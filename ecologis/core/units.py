"""Mass-emission units.  The canonical unit is tonnes per year (t/yr).

* kg/yr → t/yr: divide by 1000 (t/yr = kg/yr / 1000; i.e. kg/yr = t/yr × 1000).
* g/s → t/yr: M[t/yr] = q[g/s] · 3600 [s/h] · T[h/yr] / 10⁶ [g/t], with T the source's
  operating hours per year (8760 by default, configurable per emission).

Russian «т/год» means tonnes per *year* while Ukrainian «год» means *hours*; such
spellings are refused as ambiguous rather than guessed.
"""

from __future__ import annotations

import numpy as np
from ecologis.model import DEFAULT_HOURS_PER_YEAR  # noqa: F401  (re-exported: the model names the default)

T_PER_YEAR = "t/yr"
KG_PER_YEAR = "kg/yr"
G_PER_S = "g/s"
UNITS = (T_PER_YEAR, KG_PER_YEAR, G_PER_S)

_ALIASES = {
    T_PER_YEAR: ["t/yr", "t/y", "t/year", "t/a", "tpy", "t per year", "т/рік", "т/р", "т/рiк", "тонн/рік", "т на рік"],
    KG_PER_YEAR: ["kg/yr", "kg/y", "kg/year", "kg/a", "кг/рік", "кг/р", "кг/рiк", "кг на рік"],
    G_PER_S: ["g/s", "g/sec", "г/с", "г/сек", "g s-1"],
}
_AMBIGUOUS = ["т/год", "кг/год", "т/г", "кг/г", "t/god"]


class UnitError(ValueError):
    """``kind`` is "unknown" or "ambiguous"."""

    def __init__(self, text: str, kind: str):
        super().__init__(f"{kind} unit {text!r}")
        self.text = text
        self.kind = kind


def _norm(text: str) -> str:
    return " ".join(str(text).strip().casefold().replace(".", "").split())


_LOOKUP = {_norm(a): unit for unit, aliases in _ALIASES.items() for a in aliases}
_AMBIG = {_norm(a) for a in _AMBIGUOUS}


def parse_unit(text: str | None, default: str = T_PER_YEAR) -> str:
    """Canonical unit id for a spelling users write; empty → ``default``."""
    if text is None or str(text).strip() == "":
        return default
    n = _norm(text)
    if n in _AMBIG:
        raise UnitError(str(text), "ambiguous")
    try:
        return _LOOKUP[n]
    except KeyError:
        raise UnitError(str(text), "unknown") from None


def factor_to_t_per_year(unit: str, hours_per_year=DEFAULT_HOURS_PER_YEAR):
    """Multiplier converting a mass in ``unit`` to t/yr (vectorised over hours)."""
    if unit == T_PER_YEAR:
        return np.ones_like(np.asarray(hours_per_year, dtype=float))
    if unit == KG_PER_YEAR:
        return np.full_like(np.asarray(hours_per_year, dtype=float), 1e-3)
    if unit == G_PER_S:
        return np.asarray(hours_per_year, dtype=float) * 3600.0 / 1e6
    raise UnitError(unit, "unknown")


def to_t_per_year(mass, unit, hours_per_year=DEFAULT_HOURS_PER_YEAR):
    """Convert masses to t/yr.  ``unit`` may be one id or an array of ids per row.

    t/yr values are returned unchanged (bit-identical): no rounding is ever applied.
    """
    m = np.asarray(mass, dtype=float)
    h = np.broadcast_to(np.asarray(hours_per_year, dtype=float), m.shape)
    u = np.broadcast_to(np.asarray(unit, dtype=object), m.shape)
    out = m.copy()
    kg = u == KG_PER_YEAR
    gs = u == G_PER_S
    out[kg] = m[kg] / 1000.0
    out[gs] = m[gs] * 3600.0 * h[gs] / 1e6
    bad = ~((u == T_PER_YEAR) | kg | gs)
    if bad.any():
        raise UnitError(str(u[bad][0]), "unknown")
    return out


def unit_index_to_t_per_year(mass, unit_index, hours_per_year):
    """:func:`to_t_per_year` with each row's unit given as its position in :data:`UNITS` (an
    integer array): the same arithmetic, bit for bit, without comparing unit strings."""
    m = np.asarray(mass, dtype=float)
    h = np.broadcast_to(np.asarray(hours_per_year, dtype=float), m.shape)
    u = np.asarray(unit_index)
    if u.size and (u.min() < 0 or u.max() >= len(UNITS)):
        bad = u[(u < 0) | (u >= len(UNITS))][0]
        raise UnitError(str(bad), "unknown")
    out = m.copy()
    kg = u == UNITS.index(KG_PER_YEAR)
    gs = u == UNITS.index(G_PER_S)
    out[kg] = m[kg] / 1000.0
    out[gs] = m[gs] * 3600.0 * h[gs] / 1e6
    return out


def from_t_per_year(mass_t, unit, hours_per_year=DEFAULT_HOURS_PER_YEAR):
    """Convert t/yr to ``unit`` (display only; stored values are never replaced)."""
    m = np.asarray(mass_t, dtype=float)
    if unit == T_PER_YEAR:
        return m.copy()
    if unit == KG_PER_YEAR:
        return m * 1000.0
    if unit == G_PER_S:
        return m * 1e6 / (3600.0 * np.asarray(hours_per_year, dtype=float))
    raise UnitError(unit, "unknown")


def convert(value: float, from_unit: str, to_unit: str, hours_per_year: float = DEFAULT_HOURS_PER_YEAR) -> float:
    """Convert one mass between units; identity conversions return the value itself."""
    if from_unit == to_unit:
        return value
    t = float(to_t_per_year([value], from_unit, hours_per_year)[0])
    return float(from_t_per_year(t, to_unit, hours_per_year))
