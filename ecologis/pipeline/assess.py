"""``assess(project, options) -> Assessment``: the one calculation every consumer uses.

The GUI's results panel and map, ``ecologis-cli`` (every command), the PDF report, the
exports and the batch run take their numbers from one :class:`Assessment`, so the screen,
the report and an export cannot disagree.  Steps, each only when the project has what it
needs:

1. ГДК resolution and КНП (:func:`ecologis.core.assess.prepare`/``compute``), category and
   the КНП zone of the methodology preset;
2. site and receptor analysis (:func:`site_analysis`, the only caller of
   :func:`ecologis.core.geometry.analyse_site`): the zone
   polygon around the site boundary (else around the enterprise point) and the receptors
   inside it;
3. OND-86 dispersion of the sources inventory (:func:`ecologis.core.dispersion.calculate`
   on :func:`ecologis.pipeline.dispersion_input.input_from_profile`) when a source has a
   height; the stored backgrounds valid on the date are part of its input.

Results are cached by the hash of their inputs (the project's calculation inputs, the
dictionary's identity and version, the preset's definition and the options): a second
consumer of the same state gets the same object without recomputing.  The pipeline reads
no file: the dictionary and presets are given (``ecologis.io`` loads them).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from ecologis.model import Project

#: How many assessments the cache keeps (one per recently seen state).
CACHE_SIZE = 16
_cache: "OrderedDict[str, Assessment]" = OrderedDict()
_cache_lock = threading.Lock()          # a view may assess in a worker thread


@dataclass(frozen=True)
class AssessOptions:
    """What the calculation needs besides the project.

    ``dictionary`` (:class:`ecologis.core.dictionary.Dictionary`), ``presets`` (id →
    :class:`ecologis.core.presets.Preset`) and ``rules`` (the recommendation rules) are
    required; ``on`` is the date on which stored
    backgrounds must be valid (default today); ``file`` names the input in the journal's
    locations; ``dispersion`` False skips step 3 (a quick КНП-only run);
    ``summation_groups`` are the shipped summation groups the dispersion assesses
    (:func:`ecologis.io.reference_data.summation_groups`; the dispersion resolves substances
    through ``dictionary``).
    """

    dictionary: object
    presets: dict
    rules: object
    on: _dt.date | None = None
    file: str | None = None
    dispersion: bool = True
    szz_activities: object = None       # ecologis.io.szz_classes.ActivityList (names of annex-4 activities)
    summation_groups: tuple = ()


@dataclass
class Assessment:
    """Everything computed for one state of a project."""

    project: Project
    result: object                      # ecologis.core.assess.AssessmentResult
    site: object | None                 # ecologis.core.geometry.SiteAnalysis (None without geometry)
    site_problem: object | None         # the GeometryError that prevented the site analysis
    dispersion: dict | None             # calculate() result, {"error": [messages]}, or None (no stacks)
    key: str
    on: _dt.date
    extras: dict = field(default_factory=dict)

    # the numbers every view shows
    @property
    def knp(self) -> float:
        return self.result.knp

    @property
    def category(self) -> str:
        return self.result.category

    @property
    def szz_m(self) -> float:
        return self.result.szz_m

    def receptors_inside(self) -> list:
        """Receptors inside the КНП zone, nearest first."""
        return [] if self.site is None else self.site.conflicts

    def dispersion_maxima(self) -> list[dict]:
        """Per dispersion target (substance or summation group): the field maximum."""
        disp = self.dispersion
        if not disp or "targets" not in disp:
            return []
        out = []
        for tg in disp["targets"]:
            fm = tg.get("field_max") or {}
            out.append({"target": tg.get("id"), "value_mg_m3": fm.get("value_mg_m3"),
                        "share_gdk_with_background": fm.get("share_gdk_with_background"),
                        "lat": fm.get("lat"), "lon": fm.get("lon")})
        return out

    def zones(self, lang: str = "uk") -> dict:
        """The sanitary zones side by side (:func:`ecologis.pipeline.zones.zones_of`):
        ``normative``, ``knp_estimate``, ``calculated``, ``binding``."""
        key = ("zones", lang)
        if key not in self.extras:
            from ecologis.pipeline.zones import zones_of

            self.extras[key] = zones_of(self.project, self.result, self.dispersion,
                                        self.extras.get("szz_activities"), lang, site=self.site)
        return self.extras[key]

    def to_json(self, lang: str = "uk") -> dict:
        """The КНП result (``AssessmentResult.to_json``) with the zones, the receptors and
        the dispersion maxima of the same state."""
        doc = self.result.to_json(lang)
        doc["zones"] = self.zones(lang)
        if self.site_problem is not None:     # the site or a receptor cannot be used: said, not hidden
            doc["site_problem"] = self.site_problem.message(lang)
        if self.site is not None:
            doc["site"] = self.site.to_json()
            doc["receptors_inside"] = [{"name": r.name, "kind": r.kind, "distance_m": r.distance_m}
                                       for r in self.receptors_inside()]
        if self.dispersion is not None:
            if "error" in self.dispersion:
                doc["dispersion"] = {"errors": list(self.dispersion["error"])}
            else:
                doc["dispersion"] = {"maxima": self.dispersion_maxima()}
        return doc


def _calculation_inputs(project: Project) -> dict:
    """What the calculation reads from the project (not its history, notes or dates); the
    emission rows as the digest of their columns (:meth:`ecologis.model.EmissionTable.digest`,
    the rows' row numbers left out as the saved profile leaves them out)."""
    doc = project.to_json(emissions=False)
    doc["emissions"] = project.emissions.digest(exclude=("row",))
    for k in ("app_version", "history", "notes", "hazard_identification"):
        doc.pop(k, None)
    return doc


def input_key(project: Project, options: AssessOptions) -> str:
    preset = options.presets.get(project.preset)
    body = {
        "project": _calculation_inputs(project),
        "dictionary": [id(options.dictionary), getattr(options.dictionary, "version", None)],
        "preset": preset.to_json() if preset is not None else project.preset,
        "rules": id(options.rules),
        "on": (options.on or _dt.date.today()).isoformat(),
        "file": options.file,
        "dispersion": options.dispersion,
        "summation_groups": [g.get("id") for g in options.summation_groups],
        "szz_activities": (options.szz_activities.signature() if hasattr(options.szz_activities, "signature")
                           else None),
    }
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def centre_of(project: Project) -> tuple[float, float] | None:
    """(lat, lon) the zone is drawn around without a site polygon: the enterprise point,
    else the centre of the sources with coordinates."""
    ent = project.enterprise
    if ent.lat is not None and ent.lon is not None:
        return float(ent.lat), float(ent.lon)
    pts = [(s.lat, s.lon) for s in project.sources if s.lat is not None and s.lon is not None]
    if pts:
        return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
    return None


def assess_knp(project: Project, options: AssessOptions):
    """Step 1 alone: the :class:`~ecologis.core.assess.AssessmentResult` of the project's
    emissions with its preset and duplicate rule.  ``KeyError`` for an unknown preset
    (callers that take user input check ``project.preset in presets`` first)."""
    from ecologis.core.assess import compute, prepare

    preset = options.presets[project.preset]
    result = compute(prepare(project.effective_emissions(), options.dictionary), preset, project.duplicates,
                     rules=options.rules)
    if options.file:
        result.journal[:] = result.journal.with_file(options.file)
    return result


def site_analysis(radius_m: float, site=None, receptors=(), center: tuple[float, float] | None = None):
    """The site and receptor analysis (:class:`ecologis.core.geometry.SiteAnalysis`) of
    given layers: the zone of ``radius_m`` around the ``site`` polygon (GeoJSON, lon/lat),
    else the circle around ``center`` = (lat, lon), and the ``receptors`` (GeoJSON features
    or dicts) with their distance and whether they lie inside.  The one place the rule
    runs: :func:`assess` uses it for a project (step 2), ``ecologis-cli site`` for GIS
    layers given without a project.  Raises :class:`ecologis.core.geometry.GeometryError`."""
    from ecologis.core.geometry import analyse_site

    return analyse_site(radius_m, site or None, receptors, center=center)


def analyse(project: Project, radius_m: float):
    """Step 2: (SiteAnalysis or None, GeometryError or None)."""
    from ecologis.core.geometry import GeometryError

    centre = centre_of(project)
    if not project.site and centre is None:
        return None, None
    try:
        return site_analysis(float(radius_m), project.site or None, project.receptor_dicts(), center=centre), None
    except GeometryError as e:
        return None, e


def disperse(project: Project, on: _dt.date | None = None, dictionary=None, summation_groups: tuple = (),
             progress=None, cancel=None) -> dict | None:
    """Step 3: the OND-86 result of the project's sources inventory, ``None`` without any
    stack, ``{"error": [messages]}`` when the input is invalid.  Substances are resolved
    through ``dictionary``; ``summation_groups`` are the shipped groups (both given by the
    caller: the pipeline loads nothing).  ``progress(fraction)`` and ``cancel() -> bool``
    go to the calculation (a cancelled one raises
    :class:`ecologis.core.dispersion.Cancelled`)."""
    if not any(s.height_m for s in project.sources):
        return None
    from ecologis.core.dispersion import DispersionInputError, calculate
    from ecologis.core.dispersion.inputs import substance_lookup
    from ecologis.pipeline.dispersion_input import input_from_profile

    lookup = substance_lookup(dictionary)
    try:
        return calculate(input_from_profile(project, on=on, lookup=lookup), lookup=lookup,
                         shipped_groups=summation_groups, progress=progress, cancel=cancel)
    except DispersionInputError as exc:
        return {"error": exc.messages()}


def cached(project: Project, options: AssessOptions) -> Assessment | None:
    """The :class:`Assessment` of this state of ``project`` if one was already made, else
    ``None``: nothing is calculated (a view asks whether it can show results)."""
    key = input_key(project, options)
    with _cache_lock:
        return _cache.get(key)


def assess(project: Project, options: AssessOptions, progress=None, cancel=None) -> Assessment:
    """The :class:`Assessment` of ``project`` (from the cache when its inputs are unchanged).

    ``progress`` and ``cancel`` follow the dispersion step (the long one), e.g. when a view
    runs the assessment in a worker thread; the project must then be one the other threads
    do not change (a copy).  A cancelled run raises :class:`ecologis.core.dispersion.Cancelled`
    and caches nothing."""
    key = input_key(project, options)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    on = options.on or _dt.date.today()
    result = assess_knp(project, options)
    site, problem = analyse(project, result.szz_m)
    dispersion = (disperse(project, on, options.dictionary, options.summation_groups, progress, cancel)
                  if options.dispersion else None)
    out = Assessment(project=project, result=result, site=site, site_problem=problem, dispersion=dispersion,
                     key=key, on=on, extras={"szz_activities": options.szz_activities})
    with _cache_lock:
        _cache[key] = out
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return out


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
