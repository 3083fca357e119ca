"""Typed dataclasses of one plant (the thesis, §2.3: enterprise, sources, emissions).

Masses are kept exactly as entered (value and unit); the t/yr value used by the
calculation is derived, never stored rounded.  Every ``from_dict`` keeps the keys it does
not know (in ``extra`` / ``extensions``) so that a file written by a newer version, or
holding a feature area's own data, loses nothing on a round trip.
"""

from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

from ecologis.model.emissions import DEFAULT_UNIT, Emission, EmissionTable  # noqa: F401  (re-exported)

#: Where an emission value comes from.
ORIGINS = ("inventory", "measurement", "calculation")
#: Kinds of emission source: a point source (stack, vent), an area (fugitive) or a volume source.
SOURCE_KINDS = ("point", "area", "volume")
#: Operating hours per year when neither the emission nor its source gives them.
DEFAULT_HOURS_PER_YEAR = 8760.0
#: The methodology preset of a new project (the thesis, §3.3, K = a·M/ГДК).
DEFAULT_PRESET_ID = "ecologis-2025"
#: Version of the profile file layout that :meth:`Project.to_json` writes.
SCHEMA_VERSION = 3
PROFILE_KIND = "ecologis-profile"


def _known(cls) -> set[str]:
    return {f.name for f in fields(cls)}


def _hashable_in(v, d: dict) -> bool:
    try:
        return v in d
    except TypeError:
        return False


@dataclass
class Source:
    """An emission source of the plant's inventory (OND-86 parameters where known).

    Geometry: ``lat``/``lon`` (WGS84), ``height_m`` H and ``diameter_m`` D of the mouth;
    gas: exit velocity ``velocity_m_s`` w0 or flow ``volume_m3_s`` V1, temperature
    ``temp_c`` T_г; ``gas_cleaning`` with its ``cleaning_efficiency`` (0…1);
    ``hours_per_year`` of operation.  ``own`` is False for a neighbour's source that is
    only part of the dispersion picture.  ``extra`` keeps what the model does not type
    (e.g. per-substance rates typed for the dispersion calculation: ``extra["emissions"]``).
    """

    id: str
    name: str = ""
    kind: str = "point"
    lat: float | None = None
    lon: float | None = None
    height_m: float | None = None
    diameter_m: float | None = None
    velocity_m_s: float | None = None
    volume_m3_s: float | None = None
    temp_c: float | None = None
    gas_cleaning: str = ""
    cleaning_efficiency: float | None = None  # 0..1
    hours_per_year: float | None = None
    own: bool = True
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        d = {k: v for k, v in d.items() if v not in (None, "") and not (k == "own" and v is True)
             and not (k == "kind" and v == "point")}
        d["id"] = self.id
        for k, v in self.extra.items():
            d.setdefault(k, copy.deepcopy(v))
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Source":
        known = _known(cls) - {"extra"}
        d = dict(d)
        if "kind" not in d and "type" in d:            # profile schema 1–2 called it "type"
            d["kind"] = d.pop("type")
        typed = {k: copy.deepcopy(v) for k, v in d.items() if k in known}
        extra = {k: copy.deepcopy(v) for k, v in d.items() if k not in known}
        if typed.get("own") is None:
            typed.pop("own", None)
        return cls(**typed, extra=extra)


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
    katottg: str = ""

    def to_json(self) -> dict:
        d = asdict(self)
        if not d["katottg"]:
            d.pop("katottg")
        return d

    @classmethod
    def from_json(cls, d: dict | None) -> "Enterprise":
        d = d or {}
        known = _known(cls)
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class Sanitary:
    """The plant's sanitary classification (ДСП 173-96, annex 4) and zone settings.

    ``activity_id``: the annex-4 activity picked from the list (``ecologis.io.szz_classes``),
    or None when the class is given directly; ``sanitary_class``: "I" … "V" (stored under
    the key ``class``); ``wind_rose``: ``{rhumb: percent}`` of the year the wind blows FROM
    each of 8 or 16 rhumbs; ``justification``: the user's statement that allows the
    wind-rose corrected zone to be smaller than the normative one.  Unknown keys are kept.
    """

    activity_id: str | None = None
    sanitary_class: str | None = None
    wind_rose: dict | None = None
    justification: str = ""
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        d = {"activity_id": self.activity_id, "class": self.sanitary_class,
             "wind_rose": copy.deepcopy(self.wind_rose), "justification": self.justification}
        d = {k: v for k, v in d.items() if v not in (None, "")}
        for k, v in self.extra.items():
            d.setdefault(k, copy.deepcopy(v))
        return d

    @classmethod
    def from_json(cls, d: dict | None) -> "Sanitary | None":
        if d is None:
            return None
        d = copy.deepcopy(dict(d))
        return cls(activity_id=d.pop("activity_id", None), sanitary_class=d.pop("class", None),
                   wind_rose=d.pop("wind_rose", None), justification=d.pop("justification", None) or "",
                   extra=d)


class _Section:
    """A section of the profile typed by its known keys; ``extra`` keeps the keys it does not
    know, and the keys' order is kept, so ``to_dict(from_dict(d)) == d`` and the saved JSON
    does not change.  A known key that is absent is ``None`` (an explicit ``null`` stays)."""

    _KNOWN: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: dict | None):
        d = copy.deepcopy(dict(d or {}))
        obj = cls(**{k: d[k] for k in cls._KNOWN if k in d},
                  extra={k: v for k, v in d.items() if k not in cls._KNOWN})
        obj._order = list(d)
        return obj

    def to_dict(self) -> dict:
        present = {k: getattr(self, k) for k in self._KNOWN if getattr(self, k) is not None or k in self._order}
        present.update(copy.deepcopy(self.extra))
        order = [k for k in self._order if k in present] + [k for k in present if k not in self._order]
        return {k: copy.deepcopy(present[k]) for k in order}


@dataclass
class DispersionSettings(_Section):
    """OND-86 settings of the project (the top-level keys of the dispersion input,
    ``docs/dispersion/sources.schema.json``): stratification coefficient A, relief η, air
    temperature, wind directions and speeds, grid, summation groups, isoline levels and the
    backgrounds the user typed (substance → mg/m³).  Absent settings are ``None`` (the
    calculation's defaults apply).  The sources' parameters live in :attr:`Project.sources`."""

    A: float | None = None
    eta: float | None = None
    ambient_temp_c: float | None = None
    directions: int | None = None
    wind_speeds: list | None = None
    include_source_dangerous_speeds: bool | None = None
    u_star_m_s: float | None = None
    speed_scan: str | None = None
    direction_search: str | None = None
    default_summation_groups: bool | None = None
    disabled_summation_groups: list | None = None
    summation_groups: list | None = None
    substances: dict | None = None
    background: dict | None = None          # substance -> C_ф typed by the user, mg/m³
    grid: dict | None = None                # {"step_m", "half_extent_m", "center": {"lat", "lon"}}
    isoline_levels: list | None = None
    extra: dict = field(default_factory=dict)
    _order: list = field(default_factory=list, repr=False, compare=False)

    _KNOWN = ("A", "eta", "ambient_temp_c", "directions", "wind_speeds", "include_source_dangerous_speeds",
              "u_star_m_s", "speed_scan", "direction_search", "default_summation_groups",
              "disabled_summation_groups", "summation_groups", "substances", "background", "grid",
              "isoline_levels")


@dataclass
class BackgroundSection(_Section):
    """The background results kept in the project (Order No. 286; the JSON of each
    :class:`~ecologis.core.background.BackgroundResult`, see :mod:`ecologis.core.background.store`)."""

    results: list | None = None
    extra: dict = field(default_factory=dict)
    _order: list = field(default_factory=list, repr=False, compare=False)

    _KNOWN = ("results",)


#: Kinds of sensitive receptor (houses, schools, hospitals …; ``other`` when not given).
RECEPTOR_KINDS_DEFAULT = "other"


@dataclass
class Receptor:
    """A sensitive receptor near the plant (a house, a school, a hospital …).

    A point has ``lat``/``lon`` (WGS84); another shape (a Polygon of a housing estate) is
    kept in ``geometry`` (GeoJSON, lon/lat) with ``lat``/``lon`` None.  ``form`` is how the
    profile stores it — ``"feature"`` (a GeoJSON Feature), ``"geometry"`` (an object with
    a ``geometry``) or ``"point"`` (an object with ``lat``/``lon``) — so it is written back
    the same way; ``extra`` keeps unknown keys (of ``properties`` for a Feature) and
    ``outer`` the unknown top-level keys of a Feature.  ``id``, ``name`` and ``kind`` are
    ``None`` when the file does not give them.  Checking the geometry is
    :meth:`ecologis.core.geometry.ParsedReceptor.from_any`'s job, on :meth:`to_dict`.
    """

    id: str | None = None
    name: str | None = None
    kind: str | None = None
    lat: float | None = None
    lon: float | None = None
    geometry: dict | None = None
    extra: dict = field(default_factory=dict)
    form: str = "point"
    outer: dict = field(default_factory=dict)
    _order: list = field(default_factory=list, repr=False, compare=False)
    _props_order: list = field(default_factory=list, repr=False, compare=False)

    _PROPS = ("id", "name", "kind")

    @staticmethod
    def _simple_point(g) -> tuple[float, float] | None:
        if (isinstance(g, dict) and set(g) == {"type", "coordinates"} and g["type"] == "Point"
                and isinstance(g["coordinates"], list) and len(g["coordinates"]) == 2
                and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in g["coordinates"])):
            return g["coordinates"][1], g["coordinates"][0]
        return None

    @classmethod
    def from_dict(cls, d) -> "Receptor":
        if not isinstance(d, dict):
            return cls(form="raw", extra={"value": copy.deepcopy(d)})
        d = copy.deepcopy(d)
        if d.get("type") == "Feature":
            props = d.get("properties")
            outer = {k: v for k, v in d.items() if k not in ("type", "properties", "geometry")}
            obj = cls._from_flat(props if isinstance(props, dict) else {}, d.get("geometry"), "feature")
            obj.outer = outer
            if not isinstance(props, dict):
                obj.outer["properties"] = props
            obj._order = list(d)
            return obj
        if "geometry" in d:
            geom = d.pop("geometry")
            obj = cls._from_flat(d, geom, "geometry")
        else:
            obj = cls._from_flat(d, None, "point")
        return obj

    @classmethod
    def _from_flat(cls, d: dict, geom, form: str) -> "Receptor":
        typed = {k: d[k] for k in cls._PROPS if k in d}
        rest = {k: v for k, v in d.items() if k not in cls._PROPS}
        obj = cls(**typed, form=form)
        if form == "point":
            obj.lat, obj.lon = rest.pop("lat", None), rest.pop("lon", None)
        else:
            pt = cls._simple_point(geom)
            if pt is not None:
                obj.lat, obj.lon = pt
            else:
                obj.geometry = geom
        obj.extra = rest
        obj._props_order = list(d)
        return obj

    def _flat(self, with_latlon: bool) -> dict:
        out = {k: getattr(self, k) for k in self._PROPS if getattr(self, k) is not None}
        if with_latlon:
            order = self._props_order
            out.update({k: getattr(self, k) for k in ("lat", "lon") if getattr(self, k) is not None or k in order})
        out.update(copy.deepcopy(self.extra))
        order = self._props_order
        keys = [k for k in order if k in out] + [k for k in out if k not in order]
        return {k: out[k] for k in keys}

    def geometry_json(self) -> dict | None:
        """The GeoJSON geometry (lon/lat): a Point from ``lat``/``lon`` or the kept shape."""
        if self.geometry is not None:
            return copy.deepcopy(self.geometry)
        if self.lat is None and self.lon is None:
            return None
        return {"type": "Point", "coordinates": [self.lon, self.lat]}

    def to_dict(self):
        if self.form == "raw":
            return copy.deepcopy(self.extra.get("value"))
        if self.form == "feature":
            outer = copy.deepcopy(self.outer)
            props = outer.pop("properties") if "properties" in outer else self._flat(False)
            whole = {"type": "Feature", "properties": props, "geometry": self.geometry_json(), **outer}
            order = [k for k in self._order if k in whole] + [k for k in whole if k not in self._order]
            return {k: whole[k] for k in order}
        if self.form == "geometry":
            d = self._flat(False)
            d["geometry"] = self.geometry_json()
            return d
        return self._flat(True)


@dataclass
class Project:
    """One plant: everything an assessment needs and what its history keeps.

    Sections: ``enterprise``; ``sources`` (the inventory); ``emissions`` (the КНП
    table, rows optionally linked to sources: an :class:`EmissionTable`; a list of
    :class:`Emission` given or assigned is converted); ``site`` (GeoJSON Polygon/MultiPolygon,
    WGS84); ``receptors`` (:class:`Receptor`: houses, schools, hospitals …);
    ``background`` (:class:`BackgroundSection`: stored order-286 results, see
    :mod:`ecologis.core.background.store`); ``dispersion`` (:class:`DispersionSettings`: OND-86 settings and values entered for the calculation: A, η, grid,
    directions, wind speeds, summation groups, backgrounds typed by the user);
    ``hazard_identification`` (the ОПН inventory and its form); ``sanitary`` (the
    sanitary class of ДСП 173-96 and the zone settings, :class:`Sanitary`); ``preset`` (methodology
    id); ``duplicates`` (rule for repeated substances); ``history`` (assessments);
    ``extensions`` (anything else a file holds, kept as is).
    """

    enterprise: Enterprise = field(default_factory=Enterprise)
    sources: list[Source] = field(default_factory=list)
    emissions: EmissionTable = field(default_factory=EmissionTable)   # a list assigned is converted
    preset: str = DEFAULT_PRESET_ID
    site: dict | None = None
    receptors: list[Receptor] = field(default_factory=list)
    background: BackgroundSection = field(default_factory=BackgroundSection)
    dispersion: DispersionSettings = field(default_factory=DispersionSettings)
    hazard_identification: dict | None = None
    sanitary: Sanitary | None = None
    history: list[dict] = field(default_factory=list)
    extensions: dict = field(default_factory=dict)
    notes: str = ""
    duplicates: str = "sum"             # rule for rows of the same substance: "sum" | "keep"
    # how the file was opened (not saved)
    read_only: bool = False             # opened from a newer schema version
    migrated_from: int | None = None    # schema version of the file before migration on open
    notice: tuple[str, dict] | None = None  # (message key, params) to show after opening

    def receptor_dicts(self) -> list:
        """The receptors as the profile stores them (what the geometry functions read)."""
        return [r.to_dict() for r in self.receptors]

    def source(self, sid: str) -> Source | None:
        return next((s for s in self.sources if s.id == sid), None)

    def hours_of(self, e: Emission):
        """Operating hours that convert ``e`` between g/s and t/yr: the row's own, else its
        source's, else :data:`DEFAULT_HOURS_PER_YEAR`."""
        if e.hours_per_year not in (None, ""):
            return e.hours_per_year
        src = self.source(e.source_id) if e.source_id else None
        if src is not None and src.hours_per_year is not None:
            return src.hours_per_year
        return DEFAULT_HOURS_PER_YEAR

    def effective_emissions(self) -> EmissionTable:
        """The emission rows as the calculation reads them: hours filled in from the source
        (:meth:`hours_of`) where the row gives none; the rows themselves are not changed."""
        by_id = {s.id: s for s in self.sources if s.hours_per_year is not None}
        if not by_id:
            return self.emissions                # nothing to fill in: the rows themselves
        table = self.emissions
        values, codes = table.codes("source_id")
        linked = {k for k, v in enumerate(values) if _hashable_in(v, by_id)}
        if not linked:
            return table
        rows = np.flatnonzero(np.isin(codes, list(linked)))
        if not len(rows):
            return table
        _, none, others = table.float_column("hours_per_year")
        blank = none
        for i, v in others.items():                # hours typed as an empty cell
            if v == "":
                blank[i] = True
        rows = rows[blank[rows]]
        if not len(rows):
            return table
        hours = [by_id[values[k]].hours_per_year if k in linked else None for k in range(len(values))]
        if all(type(h) is float for h in hours if h is not None):
            lut = np.array([math.nan if h is None else h for h in hours], dtype=np.float64)
            return table.with_floats("hours_per_year", rows, lut[codes[rows]])
        return table.with_values("hours_per_year", {i: hours[k] for i, k in zip(rows.tolist(), codes[rows].tolist())})

    def emissions_of(self, sid: str) -> list[Emission]:
        """The emission rows linked to source ``sid``."""
        return [e for e in self.emissions if e.source_id == sid]

    def to_json(self, emissions: bool = True) -> dict:
        """The profile document (current :data:`SCHEMA_VERSION`), without validation;
        ``emissions`` False leaves the rows out (a caller that reads them from the table)."""
        from ecologis import __version__

        return {
            "schema_version": SCHEMA_VERSION,
            "kind": PROFILE_KIND,
            "app_version": __version__,
            "enterprise": self.enterprise.to_json(),
            "site": copy.deepcopy(self.site),
            "sources": [s.to_json() for s in self.sources],
            "emissions": self.emissions.to_json_rows(exclude=("row",)) if emissions else [],
            "receptors": self.receptor_dicts(),
            "background": self.background.to_dict(),
            "dispersion": self.dispersion.to_dict(),
            "hazard_identification": copy.deepcopy(self.hazard_identification),
            **({"sanitary": self.sanitary.to_json()} if self.sanitary is not None else {}),
            "preset": self.preset,
            "duplicates": self.duplicates,
            "history": copy.deepcopy(self.history),
            "extensions": copy.deepcopy(self.extensions),
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, doc: dict) -> "Project":
        """Build from a current-version document that :mod:`ecologis.io.profile` has
        migrated and validated; nothing of ``doc`` is shared with the project."""
        emissions = EmissionTable.from_records(doc.get("emissions") or [], number_rows=True)
        return cls(
            enterprise=Enterprise.from_json(copy.deepcopy(doc.get("enterprise") or {})),
            sources=[Source.from_json(s) for s in doc.get("sources") or []],
            emissions=emissions,
            preset=doc.get("preset") or DEFAULT_PRESET_ID,
            site=copy.deepcopy(doc.get("site")),
            receptors=[Receptor.from_dict(r) for r in doc.get("receptors") or []],
            background=BackgroundSection.from_dict(doc.get("background")),
            dispersion=DispersionSettings.from_dict(doc.get("dispersion")),
            hazard_identification=copy.deepcopy(doc.get("hazard_identification")),
            sanitary=Sanitary.from_json(doc.get("sanitary")),
            history=copy.deepcopy(list(doc.get("history") or [])),
            extensions=copy.deepcopy(dict(doc.get("extensions") or {})),
            notes=doc.get("notes") or "",
            duplicates=doc.get("duplicates") or "sum",
        )

    # -- the sections that feature panels edit, in the shape their editors use ---------
    #: Source fields the dispersion editor shows and edits (the geometry is the inventory's).
    DISPERSION_SOURCE_FIELDS = ("velocity_m_s", "volume_m3_s", "temp_c", "hours_per_year")
    GEOMETRY_FIELDS = ("lat", "lon", "height_m", "diameter_m")

    def dispersion_input_state(self) -> dict:
        """The dispersion settings with the sources' OND-86 parameters as the dispersion
        input lists them (``sources``: id plus the gas parameters and per-substance rates;
        the geometry stays the inventory's)."""
        state = self.dispersion.to_dict()
        sources = []
        for s in self.sources:
            d = {k: getattr(s, k) for k in self.DISPERSION_SOURCE_FIELDS if getattr(s, k) is not None}
            d.update(copy.deepcopy(s.extra))
            if not s.own:
                d["own"] = False
                d.update({k: getattr(s, k) for k in self.GEOMETRY_FIELDS if getattr(s, k) is not None})
            if d:
                sources.append({"id": s.id, **d})
        state["sources"] = sources
        return state

    def set_dispersion_input_state(self, state: dict) -> None:
        """Take back what :meth:`dispersion_input_state` gives, as edited: each listed
        source's gas parameters and extra keys go to the inventory's source with that id
        (a new id adds a source, e.g. a neighbour's stack); the rest are the settings."""
        state = copy.deepcopy(dict(state or {}))
        listed = state.pop("sources", None) or []
        for d in listed:
            if not isinstance(d, dict) or not isinstance(d.get("id"), str) or not d["id"]:
                continue
            src = self.source(d["id"])
            if src is None:
                src = Source.from_json(d)
                self.sources.append(src)
                continue
            for k, v in d.items():
                if k == "id" or (k in self.GEOMETRY_FIELDS and src.own):
                    continue
                if k in self.DISPERSION_SOURCE_FIELDS or k in self.GEOMETRY_FIELDS:
                    setattr(src, k, v)
                elif k == "own":
                    src.own = bool(v)
                else:
                    src.extra[k] = v
        self.dispersion = DispersionSettings.from_dict(state)

    def section(self, key: str):
        """A feature panel's saved state: ``"dispersion"``, ``"hazard_identification"`` or
        ``"sanitary"`` (:meth:`Sanitary.to_json`)."""
        if key == "dispersion":
            return self.dispersion_input_state()
        if key == "hazard_identification":
            state = copy.deepcopy(self.hazard_identification) or {}
            if not any((state.get("enterprise") or {}).values()):
                # the register's record of the enterprise starts from the project's enterprise
                e = self.enterprise
                state["enterprise"] = {"name": e.name, "legal_address": e.address, "edrpou": e.edrpou,
                                       "kved": list(e.kved)}
            return state
        if key == "sanitary":
            return self.sanitary.to_json() if self.sanitary is not None else None
        return copy.deepcopy(self.extensions.get(key))

    def set_section(self, key: str, value) -> None:
        if key == "dispersion":
            self.set_dispersion_input_state(value or {})
        elif key == "hazard_identification":
            self.hazard_identification = copy.deepcopy(value)
        elif key == "sanitary":
            self.sanitary = Sanitary.from_json(value) if value else None
        else:
            self.extensions[key] = copy.deepcopy(value)

    def notice_message(self, lang: str | None = None) -> str | None:
        if not self.notice:
            return None
        from ecologis.i18n import t, t_lang

        key, params = self.notice
        return t_lang(lang, key, **params) if lang else t(key, **params)


def _get_emissions(self: Project) -> EmissionTable:
    return self._emissions


def _set_emissions(self: Project, rows) -> None:
    self._emissions = rows if isinstance(rows, EmissionTable) else EmissionTable(rows)


# The emissions table is held column-wise (EmissionTable); a list of Emission assigned to
# it, or given to the constructor, is converted (an EmissionTable assigned is shared).
Project.emissions = property(_get_emissions, _set_emissions,
                             doc="The emission rows (an EmissionTable; a list assigned is converted).")
