"""Sanitary protection zone (СЗЗ) rules: class → size, the binding zone, the wind-rose
correction of a calculated zone, bearings.

Pure functions (no file I/O, no Qt).  Distances are metres, bearings degrees clockwise
from north (0 = north, 90 = east), wind-rose frequencies percent of the year.

Sources:

* ДСП 173-96 «Державні санітарні правила планування та забудови населених пунктів»
  (MOZ order No. 173 of 19.06.1996), annex 4 «Санітарна класифікація підприємств,
  виробництв та споруд і розміри санітарно-захисних зон для них»: five sanitary classes
  with zones of 1000 / 500 / 300 / 100 / 50 m (class headings "Клас I. Санітарно-захисна
  зона 1000 м" … "Клас V. Санітарно-захисна зона 50 м").
* ДСП 173-96 § 5 (п. 5.7, 5.9 — known only from paraphrases): the zone may be changed
  only when calculations of dispersion (and measurements) justify it; hence the binding
  rule of :func:`binding_zone`.
* OND-86 (Госкомгидромет СССР, 1986) § 8 — the wind-rose correction of the zone,
  l = L0 · P / P0 (L0 the calculated zone without correction, P the annual frequency of
  winds of the rhumb, P0 = 100 % / number of rhumbs, the frequency of a circular rose).
  The OND-86 text itself was not available to this project: the formula is
  **reconstructed** from a secondary description, http://www.ecologyside.ru/ecosids-601-1.html
  ("Разработка санитарно-защитной зоны с учетом розы ветров": L0 — the calculated zone
  without the winds; P — the mean annual frequency of the rhumb's wind direction, %;
  P0 — the frequency of one rhumb for a circular rose), cited in the reference notes
  szz_sanitary_classification.md § 3; see :data:`WIND_ROSE_RULE`.  Which way the zone
  grows is this module's reading: P of a bearing is the frequency of the wind blowing
  TOWARDS it (from the opposite rhumb), so the zone stretches downwind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from ecologis.i18n import KeyedError

#: ДСП 173-96, annex 4: sanitary class → zone size, metres.
CLASS_SIZES_M: dict[str, float] = {"I": 1000.0, "II": 500.0, "III": 300.0, "IV": 100.0, "V": 50.0}
SANITARY_CLASSES: tuple[str, ...] = tuple(CLASS_SIZES_M)

#: Where the wind-rose rule comes from and how sure we are of it (shown with the result).
WIND_ROSE_RULE = {
    "document": "OND-86",
    "section": "§ 8",
    "formula": "l = L0 · P / P0",
    "reconstructed": True,
    "secondary_source": "http://www.ecologyside.ru/ecosids-601-1.html",
}

#: Rhumb names of an 8- and a 16-point rose, clockwise from north (English and Ukrainian).
RHUMBS_8 = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
RHUMBS_16 = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")
_UK_8 = ("ПН", "ПНС", "С", "ПДС", "ПД", "ПДЗ", "З", "ПНЗ")
#: The sum of a rose's frequencies must be 100 % within this many percent.
ROSE_SUM_TOLERANCE_PCT = 1.0


class SanitaryZoneError(KeyedError, ValueError):
    """Refused input; ``key``/``params`` give the translated message (``szz.error.*``)."""


# ------------------------------------------------------------------ class → size
def normative_size_m(sanitary_class: str) -> float:
    """Zone size (m) of a sanitary class — ДСП 173-96, annex 4 (I 1000, II 500, III 300,
    IV 100, V 50 m).  ``SanitaryZoneError`` for anything else."""
    key = normalize_class(sanitary_class)
    if key is None:
        raise SanitaryZoneError("szz.error.class", value=sanitary_class)
    return CLASS_SIZES_M[key]


def normalize_class(value) -> str | None:
    """"I"…"V" from a class as users write it ("v", "5", " III "), else None."""
    if value is None:
        return None
    s = str(value).strip().upper().replace("І", "I")   # Cyrillic І → Latin I
    arabic = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}
    s = arabic.get(s, s)
    return s if s in CLASS_SIZES_M else None


# ------------------------------------------------------------------ binding rule
@dataclass(frozen=True)
class Binding:
    kind: str          # "normative" | "calculated" | "none"
    size_m: float | None
    reason: str        # a key suffix: why this one binds


def binding_zone(normative_m: float | None, calculated_m: float | None) -> Binding:
    """Which zone binds (ДСП 173-96 § 5: the annex-4 size, changed only when
    calculations justify it): the normative zone, unless the calculated one is larger.

    ``calculated_m`` is the largest distance of the calculated zone (wind-rose corrected
    when a rose is given).  Without a class the calculated zone binds when there is one.
    """
    if normative_m is None and calculated_m is None:
        return Binding("none", None, "nothing")
    if normative_m is None:
        return Binding("calculated", float(calculated_m), "no_class")
    if calculated_m is not None and float(calculated_m) > float(normative_m):
        return Binding("calculated", float(calculated_m), "calculated_larger")
    return Binding("normative", float(normative_m), "normative_not_exceeded" if calculated_m is not None
                   else "no_calculation")


# ------------------------------------------------------------------ wind rose
def rhumb_names(n: int) -> tuple[str, ...]:
    if n == 8:
        return RHUMBS_8
    if n == 16:
        return RHUMBS_16
    raise SanitaryZoneError("szz.error.rose_count", count=n)


def rhumb_bearing(name: str, n: int) -> float:
    """Bearing (degrees) of a rhumb of an ``n``-point rose."""
    return rhumb_names(n).index(name) * 360.0 / n


def parse_wind_rose(rose: Mapping | Sequence, where: str = "") -> dict[str, float]:
    """Validate a wind rose: 8 or 16 rhumbs, percent of the year the wind blows FROM each.

    Accepts ``{"N": 20, "NE": 10, …}`` (English or, for 8 rhumbs, Ukrainian letters Пн,
    ПнС, С, ПдС, Пд, ПдЗ, З, ПнЗ) or a list of 8/16 numbers clockwise from north.
    Returns ``{rhumb: percent}`` in English names, clockwise from north.  Every rhumb must
    be given, each ≥ 0, their sum 100 % ± :data:`ROSE_SUM_TOLERANCE_PCT`."""
    if isinstance(rose, Mapping):
        items = {str(k).strip().upper(): v for k, v in rose.items()}
        n = len(items)
        if n not in (8, 16):
            raise SanitaryZoneError("szz.error.rose_count", count=n, where=where)
        names = rhumb_names(n)
        if n == 8 and all(k in _UK_8 for k in items):
            items = {RHUMBS_8[_UK_8.index(k)]: v for k, v in items.items()}
        unknown = [k for k in items if k not in names]
        if unknown:
            raise SanitaryZoneError("szz.error.rose_rhumb", rhumb=unknown[0], expected=", ".join(names), where=where)
        values = [items[k] for k in names]
    else:
        values = list(rose)
        n = len(values)
        names = rhumb_names(n) if n in (8, 16) else ()
        if not names:
            raise SanitaryZoneError("szz.error.rose_count", count=n, where=where)
    out = {}
    for name, v in zip(names, values):
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise SanitaryZoneError("szz.error.rose_value", rhumb=name, value=v, where=where) from None
        if not math.isfinite(f) or f < 0:
            raise SanitaryZoneError("szz.error.rose_value", rhumb=name, value=v, where=where)
        out[name] = f
    total = sum(out.values())
    if abs(total - 100.0) > ROSE_SUM_TOLERANCE_PCT:
        raise SanitaryZoneError("szz.error.rose_sum", total=f"{total:g}", where=where)
    return out


def downwind_bearing(from_bearing_deg: float) -> float:
    """The bearing the wind blows TO, given the bearing it blows FROM (degrees)."""
    return (float(from_bearing_deg) + 180.0) % 360.0


def share_towards(rose: Mapping[str, float]) -> list[tuple[float, float]]:
    """Per rhumb bearing (clockwise from north), the percent of the year the wind blows
    TOWARDS that bearing: the frequency of the wind FROM the opposite rhumb."""
    n = len(rose)
    names = rhumb_names(n)
    out = []
    for i in range(n):
        opposite = names[(i + n // 2) % n]
        out.append((i * 360.0 / n, float(rose[opposite])))
    return out


def wind_rose_distance(l0_m, p_pct, n_rhumbs: int):
    """l = L0 · P / P0, P0 = 100 % / n (OND-86 § 8, reconstructed — see
    :data:`WIND_ROSE_RULE`).  ``l0_m`` metres, ``p_pct`` percent; works on numbers and
    numpy arrays alike."""
    p0 = 100.0 / float(n_rhumbs)
    return l0_m * (p_pct / p0)


def corrected_by_direction(l0_by_bearing: Mapping[float, float], rose: Mapping[str, float]) -> list[dict]:
    """The wind-rose correction of a calculated zone, one row per rhumb bearing:
    ``{direction_deg, l0_m, p_pct, l_m}``.  ``direction_deg`` is the bearing from the
    plant to the zone boundary; ``p_pct`` the frequency of the wind blowing towards it
    (from the opposite rhumb); ``l0_by_bearing`` maps each rhumb bearing to L0."""
    n = len(rose)
    rows = []
    for bearing, p in share_towards(rose):
        l0 = _lookup_bearing(l0_by_bearing, bearing)
        rows.append({"direction_deg": bearing, "l0_m": l0, "p_pct": p, "l_m": wind_rose_distance(l0, p, n)})
    return rows


def _lookup_bearing(mapping: Mapping[float, float], bearing: float) -> float:
    for k, v in mapping.items():
        if abs(((float(k) - bearing) + 180.0) % 360.0 - 180.0) < 1e-6:
            return float(v)
    raise KeyError(bearing)


def bearings(n: int) -> list[float]:
    """``n`` bearings clockwise from north, evenly spaced (degrees)."""
    return [i * 360.0 / n for i in range(n)]


def bearing_unit(bearing_deg: float) -> tuple[float, float]:
    """(east, north) unit vector of a bearing (0 = north, 90 = east)."""
    a = math.radians(bearing_deg)
    return math.sin(a), math.cos(a)


# ------------------------------------------------------------------ geometry (local metres)
def distance_along_bearing(zone_local, origin_xy: tuple[float, float], bearing_deg: float,
                           reach_m: float | None = None) -> float:
    """How far (m) the zone reaches from ``origin_xy`` along a bearing: the farthest point
    of the ray that lies in ``zone_local`` (a shapely geometry in a local metric frame,
    x east, y north).  0 when the ray does not meet the zone."""
    from shapely.geometry import LineString

    if zone_local is None or zone_local.is_empty:
        return 0.0
    ox, oy = float(origin_xy[0]), float(origin_xy[1])
    if reach_m is None:
        minx, miny, maxx, maxy = zone_local.bounds
        reach_m = 2.0 * (math.hypot(maxx - minx, maxy - miny) + math.hypot(ox - minx, oy - miny)) + 1.0
    ex, ny = bearing_unit(bearing_deg)
    ray = LineString([(ox, oy), (ox + ex * reach_m, oy + ny * reach_m)])
    inter = zone_local.intersection(ray)
    if inter.is_empty:
        return 0.0
    import shapely

    coords = shapely.get_coordinates(inter)
    return float(max(math.hypot(x - ox, y - oy) for x, y in coords))


def distances_by_bearing(zone_local, origin_xy, bearing_list: Iterable[float]) -> dict[float, float]:
    """:func:`distance_along_bearing` for each bearing."""
    return {float(b): distance_along_bearing(zone_local, origin_xy, b) for b in bearing_list}


def star_polygon(origin_xy, rows: Sequence[tuple[float, float]]):
    """The polygon through the points at distance ``d`` along bearing ``b`` for each
    ``(b, d)`` of ``rows`` (ordered clockwise), in local metres.  Rhumbs with ``d`` = 0
    pull the boundary to the origin."""
    from shapely.geometry import Polygon

    ox, oy = float(origin_xy[0]), float(origin_xy[1])
    pts = []
    for b, d in rows:
        ex, ny = bearing_unit(b)
        pts.append((ox + ex * d, oy + ny * d))
    poly = Polygon(pts)
    return poly if poly.is_valid else poly.buffer(0)


def corrected_zone(origin_xy, rows: Sequence[dict], normative_local=None, justified: bool = False):
    """The wind-rose corrected zone (local metres): the star polygon of ``l_m`` per
    bearing, united with the normative zone unless the user gave a justification — the
    corrected zone is never smaller than the normative one without it (ДСП 173-96 § 5:
    the zone is reduced only on justified calculations and measurements).  Returns
    ``(polygon, rows)`` where each row gains ``final_m``: the corrected zone's reach
    along its bearing."""
    poly = star_polygon(origin_xy, [(r["direction_deg"], r["l_m"]) for r in rows])
    if normative_local is not None and not normative_local.is_empty and not justified:
        poly = poly.union(normative_local)
    out = []
    for r in rows:
        out.append(dict(r, final_m=distance_along_bearing(poly, origin_xy, r["direction_deg"])))
    return poly, out


def binding_by_direction(normative_m: float | None, normative_reach: Mapping[float, float] | None,
                         calculated_rows: Sequence[dict] | None) -> Binding:
    """:func:`binding_zone` with the calculated zone compared bearing by bearing: it binds
    when along some bearing it reaches farther (``l_m``) than the normative zone does
    from the same centre (``normative_reach``: bearing → metres).  Without those reaches
    the sizes are compared (:func:`binding_zone`)."""
    rows = [r for r in (calculated_rows or ()) if r.get("l_m") is not None]
    calc_max = max((float(r["l_m"]) for r in rows), default=0.0) or None
    if normative_m is None or normative_reach is None or not rows:
        return binding_zone(normative_m, calc_max)
    exceeds = any(float(r["l_m"]) > _lookup_bearing(normative_reach, r["direction_deg"]) + 1e-6 for r in rows)
    if exceeds:
        return Binding("calculated", float(calc_max), "calculated_larger")
    return Binding("normative", float(normative_m), "normative_not_exceeded")
