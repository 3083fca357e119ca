"""Reading and validating the dispersion input (``docs/dispersion/sources.schema.json``).

Every problem found becomes a :class:`~ecologis.model.problems.Problem` (translation key + fields such
as the source id and the field name); :func:`parse_input` collects all of them and
raises one :class:`DispersionInputError`.  Messages are translated only when shown
(``disp.err.*`` keys in ``locales/*.disp.json``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ecologis.core.dispersion import formulas as fm
from ecologis.core.units import G_PER_S, from_t_per_year
from ecologis.model.problems import WARNING, Problem

ALLOWED_DIRECTIONS = (8, 36, 360)
# Upper bounds of the input that no real source reaches (the tallest stacks are ~420 m);
# beyond them the calculation overflows (a 1e308 m stack gives an infinite grid).
MAX_HEIGHT_M = 1000.0
MAX_DIAMETER_M = 100.0
MAX_VELOCITY_M_S = 1000.0
MAX_VOLUME_M3_S = 1e7
MAX_TEMP_C = 5000.0
MAX_RATE_G_S = 1e9
MAX_GRID_STEP_M = 1000.0          # with the default extent (≥ 2 km each side) at least 2 nodes per side
MAX_GRID_HALF_EXTENT_M = 1e6
DEFAULT_ISOLINE_LEVELS = (0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0)


class DispersionInputError(ValueError):
    """Invalid dispersion input; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.key} {p.params}" for p in self.problems))

    def messages(self, lang: str | None = None) -> list[str]:
        return [p.message(lang) for p in self.problems]


@dataclass
class SourceEmission:
    substance: str          # canonical key (CAS when the dictionary knows it)
    given_as: str           # what the input said
    rate_g_s: float
    F: float
    F_from_cleaning: bool = False
    gdk_mr_mg_m3: float | None = None
    name: str | None = None


@dataclass
class StackInput:
    id: str
    lat: float
    lon: float
    height_m: float
    diameter_m: float
    velocity_m_s: float
    volume_m3_s: float
    temp_c: float | None
    delta_t_c: float
    cold: bool
    emissions: list[SourceEmission]


@dataclass
class DispersionInput:
    A: float
    eta: float
    ambient_temp_c: float | None
    sources: list[StackInput]
    gdk: dict[str, float]                    # substance -> ГДК м.р., mg/m³
    names: dict[str, str]                    # substance -> display name
    background: dict[str, float]             # substance -> c_ф, mg/m³
    groups: list[dict]                       # {"id", "substances": [...]} (canonical keys)
    directions: int = 36
    grid_step_m: float | None = None
    grid_half_extent_m: float | None = None
    grid_center: tuple[float, float] | None = None   # (lat, lon)
    wind_speeds: list[float] = field(default_factory=list)
    include_source_dangerous_speeds: bool = False
    u_star_m_s: float | None = None                  # wind speed exceeded in 5 % of cases (climatic)
    speed_scan: str = "full"                         # "full" (OND-86 scan) or "weighted" (u_mс only)
    direction_search: str = "exact"                  # "exact" (per-node worst direction) or "scan"
    default_summation_groups: bool = True
    disabled_summation_groups: list[str] = field(default_factory=list)
    receptors: list[dict] = field(default_factory=list)
    isoline_levels: tuple[float, ...] = DEFAULT_ISOLINE_LEVELS
    warnings: list[Problem] = field(default_factory=list)
    background_provenance: dict[str, dict] = field(default_factory=dict)   # substance -> origin, method …


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def substance_lookup(dictionary):
    """A lookup over a loaded substance dictionary (an object with ``lookup(name)`` giving
    entries with .gdk_mr, .name_uk, .name_en, .cas), memoised per name.  No dictionary
    (``None``) gives a lookup that knows nothing.  The dictionary is loaded by the caller
    (:func:`ecologis.io.reference_data.dispersion_references`); this module reads no file."""
    if dictionary is None:
        return lambda name: None
    cache: dict = {}

    def lookup(name):
        if name not in cache:
            try:
                cache[name] = dictionary.lookup(name)
            except Exception:
                cache[name] = None
        return cache[name]

    return lookup


def canonical_key(name: str, lookup=None) -> str:
    """The one key a substance is stored under in the dispersion input, result and stored
    backgrounds: its CAS number when the dictionary knows one, else the dictionary id
    (e.g. ``particulate-matter-pm10``), else the name as given."""
    sub = lookup(name) if lookup else None
    if sub is None:
        return name
    return getattr(sub, "cas", None) or getattr(sub, "id", None) or name


def parse_input(data: dict, *, lookup=None, lang: str | None = None) -> DispersionInput:
    """Validate ``data`` and return a :class:`DispersionInput` or raise :class:`DispersionInputError`.

    ``lookup(name)`` resolves substance names (ГДК м.р., names, CAS); ``None``: no dictionary."""
    probs: list[Problem] = []
    warns: list[Problem] = []

    def bad(key, **kw):
        probs.append(Problem(key, kw, field=kw.get("field")))

    if not isinstance(data, dict):
        raise DispersionInputError([Problem("disp.err.not_object", {})])

    def top_num(name, default, lo=None, lo_incl=True):
        v = data.get(name, default)
        if v is None:
            if default is not None:            # an explicit null where a number is required
                bad("disp.err.top_field", field=name, value="null")
            return default
        if not _num(v) or (lo is not None and (v < lo if lo_incl else v <= lo)):
            bad("disp.err.top_field", field=name, value=v)
            return default
        return float(v)

    a = top_num("A", 200.0, 0.0, lo_incl=False)
    eta = top_num("eta", 1.0, 1.0)
    ambient = top_num("ambient_temp_c", None, -90.0)
    directions = data.get("directions", 36)
    if directions not in ALLOWED_DIRECTIONS:
        bad("disp.err.directions", value=directions)
        directions = 36

    substances_meta = data.get("substances") or {}
    if not isinstance(substances_meta, dict):
        bad("disp.err.top_field", field="substances", value="…")
        substances_meta = {}
    gdk: dict[str, float] = {}
    names: dict[str, str] = {}
    background: dict[str, float] = {}
    canon_cache: dict[str, str] = {}

    def canon(s: str) -> str:
        if s in canon_cache:
            return canon_cache[s]
        sub = lookup(s) if lookup else None
        key = canonical_key(s, lookup)
        if sub is not None:
            gd = getattr(sub, "gdk_mr", None)
            if _num(gd) and gd > 0 and key not in gdk:
                gdk[key] = float(gd)
            nm = getattr(sub, "name_en" if lang == "en" else "name_uk", None)
            if nm:
                names.setdefault(key, nm)
        canon_cache[s] = key
        return key

    for s, meta in substances_meta.items():
        key = canon(s)
        if isinstance(meta, dict):
            if "gdk_mr_mg_m3" in meta:
                v = meta["gdk_mr_mg_m3"]
                if not _num(v) or v <= 0:
                    bad("disp.err.substance_field", substance=s, field="gdk_mr_mg_m3", value=v)
                else:
                    gdk[key] = float(v)
            if "background_mg_m3" in meta:
                v = meta["background_mg_m3"]
                if not _num(v) or v < 0:
                    bad("disp.err.substance_field", substance=s, field="background_mg_m3", value=v)
                else:
                    background[key] = float(v)
            if isinstance(meta.get("name"), str):
                names[key] = meta["name"]
    raw_bg = data.get("background") or {}
    if not isinstance(raw_bg, dict):
        bad("disp.err.top_field", field="background", value="…")
        raw_bg = {}
    for s, v in raw_bg.items():
        if not _num(v) or v < 0:
            bad("disp.err.substance_field", substance=s, field="background", value=v)
        else:
            background[canon(s)] = float(v)
    provenance: dict[str, dict] = {}
    raw_prov = data.get("background_provenance") or {}
    if isinstance(raw_prov, dict):
        for s, pv in raw_prov.items():
            if isinstance(pv, dict):
                provenance[canon(s)] = dict(pv, given_as=s)
    unassigned = data.get("unassigned_emissions") or []
    if isinstance(unassigned, list) and unassigned:
        warns.append(Problem("disp.warn.unassigned_emissions",
                                  {"rows": ", ".join(str(r) for r in unassigned)}, severity=WARNING))

    sources: list[StackInput] = []
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        bad("disp.err.no_sources")
        raw_sources = []
    seen_ids: set[str] = set()
    for idx, rs in enumerate(raw_sources, start=1):
        if not isinstance(rs, dict):
            bad("disp.err.source_not_object", index=idx)
            continue
        sid = rs.get("id")
        if not isinstance(sid, str) or not sid.strip():
            bad("disp.err.source_id", index=idx)
            sid = f"#{idx}"
        elif sid in seen_ids:
            bad("disp.err.source_id_duplicate", source=sid)
        seen_ids.add(sid)
        n_before = len(probs)

        def sbad(key, fld, value=None, **kw):
            bad(key, source=sid, field=fld, value=value, **kw)

        def req(fld, lo=None, hi=None, lo_incl=True, missing_key="disp.err.missing"):
            v = rs.get(fld)
            if v is None:
                sbad(missing_key, fld)
                return None
            if not _num(v):
                sbad("disp.err.not_number", fld, v)
                return None
            if lo is not None and (v < lo if lo_incl else v <= lo):
                sbad("disp.err.too_small", fld, v, limit=lo)
                return None
            if hi is not None and v > hi:
                sbad("disp.err.too_large", fld, v, limit=hi)
                return None
            return float(v)

        lat = req("lat", -90, 90)
        lon = req("lon", -180, 180)
        h = rs.get("height_m")
        if _num(h) and 0 < h < 2:
            sbad("disp.err.height_below_2", "height_m", h)
            h = None
        else:
            h = req("height_m", 0, MAX_HEIGHT_M, lo_incl=False)
        dia = req("diameter_m", 0, MAX_DIAMETER_M, lo_incl=False)
        w0 = rs.get("velocity_m_s")
        v1 = rs.get("volume_m3_s")
        if w0 is None and v1 is None:
            sbad("disp.err.need_velocity_or_volume", "velocity_m_s")
        for fld, v, hi in (("velocity_m_s", w0, MAX_VELOCITY_M_S), ("volume_m3_s", v1, MAX_VOLUME_M3_S)):
            if v is not None and (not _num(v) or v < 0):
                sbad("disp.err.negative" if _num(v) else "disp.err.not_number", fld, v)
            elif v is not None and v > hi:
                sbad("disp.err.too_large", fld, v, limit=hi)
        cold = rs.get("cold", False)
        if not isinstance(cold, bool):
            sbad("disp.err.not_boolean", "cold", cold)
            cold = False
        temp = rs.get("temp_c")
        if temp is not None and not _num(temp):
            sbad("disp.err.not_number", "temp_c", temp)
            temp = None
        elif temp is not None and abs(temp) > MAX_TEMP_C:
            sbad("disp.err.too_large", "temp_c", temp, limit=MAX_TEMP_C)
            temp = None
        if temp is not None and ambient is None:
            sbad("disp.err.ambient_required", "temp_c", temp)
        dt = 0.0
        if temp is not None and ambient is not None:
            dt = float(temp) - ambient
            if dt < 0 and not cold:
                sbad("disp.err.negative_delta_t", "temp_c", temp, ambient=ambient)
        hours_src = rs.get("hours_per_year")

        emissions: list[SourceEmission] = []
        raw_em = rs.get("emissions")
        if not isinstance(raw_em, list) or not raw_em:
            sbad("disp.err.no_emissions", "emissions")
            raw_em = []
        for j, re_ in enumerate(raw_em, start=1):
            fldp = f"emissions[{j}]"
            if not isinstance(re_, dict):
                sbad("disp.err.not_object_field", fldp)
                continue
            sub = re_.get("substance")
            if not isinstance(sub, str) or not sub.strip():
                sbad("disp.err.missing", f"{fldp}.substance")
                continue
            rate = re_.get("rate_g_s")
            mass = re_.get("mass_t_per_year")
            hours = re_.get("hours_per_year", hours_src)
            if rate is not None:
                if not _num(rate) or rate < 0:
                    sbad("disp.err.negative", f"{fldp}.rate_g_s", rate)
                    continue
                if rate > MAX_RATE_G_S:
                    sbad("disp.err.too_large", f"{fldp}.rate_g_s", rate, limit=MAX_RATE_G_S)
                    continue
                rate = float(rate)
            elif mass is not None:
                if not _num(mass) or mass < 0:
                    sbad("disp.err.negative", f"{fldp}.mass_t_per_year", mass)
                    continue
                if hours is None:
                    sbad("disp.err.hours_required", f"{fldp}.hours_per_year")
                    continue
                if not _num(hours) or hours <= 0 or hours > 8784:
                    sbad("disp.err.hours_range", f"{fldp}.hours_per_year", hours)
                    continue
                rate = float(from_t_per_year(mass, G_PER_S, hours))
                if rate > MAX_RATE_G_S:
                    sbad("disp.err.too_large", f"{fldp}.mass_t_per_year", mass, limit=MAX_RATE_G_S)
                    continue
            else:
                sbad("disp.err.need_rate", f"{fldp}.rate_g_s")
                continue
            F = re_.get("F")
            eff = re_.get("cleaning_efficiency_pct")
            from_cleaning = False
            if F is not None:
                if not _num(F) or not (1 <= F <= 3):
                    sbad("disp.err.F_range", f"{fldp}.F", F)
                    continue
                F = float(F)
            elif eff is not None:
                if not _num(eff) or not (0 <= eff <= 100):
                    sbad("disp.err.efficiency_range", f"{fldp}.cleaning_efficiency_pct", eff)
                    continue
                F = float(fm.f_settling_from_cleaning(eff))
                from_cleaning = True
            else:
                F = 1.0
            key = canon(sub)
            g = re_.get("gdk_mr_mg_m3")
            if g is not None:
                if not _num(g) or g <= 0:
                    sbad("disp.err.too_small", f"{fldp}.gdk_mr_mg_m3", g, limit=0)
                    continue
                if key in gdk and abs(gdk[key] - g) > 1e-12 and key in _explicit_gdk(substances_meta, canon):
                    sbad("disp.err.conflict", f"{fldp}.gdk_mr_mg_m3", g, substance=sub)
                gdk[key] = float(g)
            bg = re_.get("background_mg_m3")
            if bg is not None:
                if not _num(bg) or bg < 0:
                    sbad("disp.err.negative", f"{fldp}.background_mg_m3", bg)
                    continue
                if key in background and abs(background[key] - bg) > 1e-12:
                    sbad("disp.err.conflict", f"{fldp}.background_mg_m3", bg, substance=sub)
                background[key] = float(bg)
            emissions.append(SourceEmission(key, sub, rate, F, from_cleaning, None, None))
        if len(probs) > n_before:
            continue
        if w0 is not None:
            w0 = float(w0)
            v1_calc = float(fm.volume_flow(dia, w0))
            if v1 is not None and v1_calc > 0 and abs(v1 - v1_calc) / v1_calc > 0.05:
                warns.append(Problem("disp.warn.velocity_volume_mismatch",
                                          {"source": sid, "v1": v1, "v1_calc": round(v1_calc, 3)}, severity=WARNING))
            v1 = float(v1) if v1 is not None else v1_calc
        else:
            v1 = float(v1)
            w0 = float(fm.exit_velocity(dia, v1))
        sources.append(StackInput(sid, lat, lon, h, dia, w0, v1, None if temp is None else float(temp),
                              max(dt, 0.0) if cold else dt, bool(cold) or temp is None, emissions))

    for key in {e.substance for s in sources for e in s.emissions}:
        if key not in names:
            names[key] = key

    groups = []
    raw_groups = data.get("summation_groups") or []
    if not isinstance(raw_groups, list):
        bad("disp.err.top_field", field="summation_groups", value="…")
        raw_groups = []
    for gi, g in enumerate(raw_groups, start=1):
        subs = g.get("substances") if isinstance(g, dict) else None
        gid = g.get("id", f"group{gi}") if isinstance(g, dict) else f"group{gi}"
        if not isinstance(subs, list) or len(subs) < 2 or not all(isinstance(s, str) for s in subs):
            bad("disp.err.group", group=gid)
            continue
        keys = [canon(s) for s in subs]
        missing = [s for s, k in zip(subs, keys) if k not in gdk]
        if missing:
            bad("disp.err.group_gdk", group=gid, substance=", ".join(missing))
            continue
        kkd = g.get("kkd", 1.0)
        if not _num(kkd) or kkd <= 0:
            bad("disp.err.group", group=gid)
            continue
        groups.append({"id": str(gid), "substances": keys, "kkd": float(kkd)})

    grid = data.get("grid") or {}
    if not isinstance(grid, dict):
        bad("disp.err.top_field", field="grid", value="…")
        grid = {}
    step = grid.get("step_m")
    half = grid.get("half_extent_m")
    for fld, v, hi in (("grid.step_m", step, MAX_GRID_STEP_M), ("grid.half_extent_m", half, MAX_GRID_HALF_EXTENT_M)):
        if v is not None and (not _num(v) or v <= 0 or v > hi):
            bad("disp.err.top_field", field=fld, value=v)
    if _num(step) and _num(half) and 0 < half < step:
        bad("disp.err.top_field", field="grid.step_m", value=step)
    center = grid.get("center")
    c = None
    if center is not None:
        if isinstance(center, dict) and _num(center.get("lat")) and _num(center.get("lon")):
            c = (float(center["lat"]), float(center["lon"]))
        else:
            bad("disp.err.top_field", field="grid.center", value="…")
    speeds = data.get("wind_speeds") or []
    if not isinstance(speeds, list) or not all(_num(u) and u > 0 for u in speeds):
        bad("disp.err.top_field", field="wind_speeds", value=speeds)
        speeds = []
    receptors = []
    raw_receptors = data.get("receptors") or []
    if not isinstance(raw_receptors, list):
        bad("disp.err.top_field", field="receptors", value="…")
        raw_receptors = []
    for ri, r in enumerate(raw_receptors, start=1):
        if not (isinstance(r, dict) and _num(r.get("lat")) and _num(r.get("lon"))):
            bad("disp.err.receptor", index=ri)
            continue
        receptors.append({"id": str(r.get("id", f"R{ri}")), "lat": float(r["lat"]), "lon": float(r["lon"]),
                          "name": r.get("name")})
    u_star = data.get("u_star_m_s")
    if u_star is not None and not (_num(u_star) and u_star >= 0.5):
        bad("disp.err.top_field", field="u_star_m_s", value=u_star)
        u_star = None
    modes = {}
    for fld, allowed, default in (("speed_scan", ("full", "weighted"), "full"),
                                  ("direction_search", ("exact", "scan"), "exact")):
        v = data.get(fld, default)
        if v not in allowed:
            bad("disp.err.top_field", field=fld, value=v)
            v = default
        modes[fld] = v
    dflt_groups = data.get("default_summation_groups", True)
    if not isinstance(dflt_groups, bool):
        bad("disp.err.top_field", field="default_summation_groups", value=dflt_groups)
        dflt_groups = True
    disabled = data.get("disabled_summation_groups") or []
    if not isinstance(disabled, list) or not all(isinstance(v, str) for v in disabled):
        bad("disp.err.top_field", field="disabled_summation_groups", value="…")
        disabled = []
    levels = data.get("isoline_levels") or DEFAULT_ISOLINE_LEVELS
    if not isinstance(levels, (list, tuple)) or not all(_num(v) and v > 0 for v in levels):
        bad("disp.err.top_field", field="isoline_levels", value=levels)
        levels = DEFAULT_ISOLINE_LEVELS

    if probs:
        raise DispersionInputError(probs)
    return DispersionInput(
        A=a, eta=eta, ambient_temp_c=ambient, sources=sources, gdk=gdk, names=names,
        background=background, groups=groups, directions=int(directions),
        grid_step_m=None if step is None else float(step),
        grid_half_extent_m=None if half is None else float(half), grid_center=c,
        wind_speeds=[float(u) for u in speeds],
        include_source_dangerous_speeds=bool(data.get("include_source_dangerous_speeds", False)),
        u_star_m_s=None if u_star is None else float(u_star), speed_scan=modes["speed_scan"],
        direction_search=modes["direction_search"], default_summation_groups=dflt_groups,
        disabled_summation_groups=list(disabled),
        receptors=receptors, isoline_levels=tuple(sorted(float(v) for v in levels)), warnings=warns,
        background_provenance=provenance)


def _explicit_gdk(meta: dict, canon) -> set[str]:
    return {canon(s) for s, m in meta.items() if isinstance(m, dict) and "gdk_mr_mg_m3" in m}
