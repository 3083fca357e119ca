"""``ecologis-cli site [PROFILE] [--site SITE.geojson] [--radius METRES] [--receptors FILE] [--export FILE] [--json]``.

The СЗЗ as the buffer of the industrial site polygon by the category radius (or, with
no polygon, the circle around the enterprise point) and the sensitive receptors with
their distance to the site boundary and whether they lie inside.

* ``site --site SITE.geojson --radius 300 [--receptors R.geojson] --json``
* ``site PROFILE.json --json``: the profile's ``site`` (WGS84 GeoJSON geometry), its
  receptors (``receptors``) and sources; the radius is the profile's
  КНП result (``--radius`` overrides it).

JSON: ``szz_area_m2``, ``szz`` (GeoJSON geometry), ``radius_m``, ``method``
(``buffer``/``circle``), ``site_area_m2``, ``center``, ``receptors``: a list of
{``name``, ``kind``, ``distance_m``, ``inside``, ``on_site``}.  Exit 0, or 2 on bad input.
"""

from __future__ import annotations

import json
import math

from ecologis.cli.errors import CliError
from ecologis.i18n import format_fixed, format_significant_lang, t, translator


def register(subparsers) -> None:
    p = subparsers.add_parser("site", help=t("geo.cli.help"), description=t("geo.cli.help"))
    p.add_argument("profile", nargs="?", default=None, metavar="PROFILE", help=t("geo.cli.profile"))
    p.add_argument("--site", default=None, metavar="SITE.geojson", help=t("geo.cli.site"))
    p.add_argument("--radius", type=float, default=None, metavar="METRES", help=t("geo.cli.radius"))
    p.add_argument("--receptors", default=None, metavar="RECEPTORS.geojson", help=t("geo.cli.receptors"))
    p.add_argument("--export", default=None, metavar="FILE", help=t("geo.cli.export"))
    p.add_argument("--json", action="store_true", help=t("geo.cli.json"))
    p.set_defaults(func=run, json_errors=True)


MAX_RADIUS_M = 100_000.0     # 100 km: far beyond any СЗЗ (the largest are 3 km); a larger buffer is not a site


def _profile_assessment(profile):
    """The profile's own :class:`ecologis.pipeline.Assessment` (without dispersion), or None
    if it has no valid КНП result (no emissions, rows with errors, no zone radius).
    Raises :class:`CliError` for a broken dictionary or an unknown preset."""
    from ecologis.cli.common import check_preset, load_reference_data
    from ecologis.io.profile import assess_project

    if not profile.emissions:
        return None
    dictionary, presets = load_reference_data()
    check_preset(profile.preset, presets)
    assessment = assess_project(profile, dictionary, presets, dispersion=False)
    if assessment.result.errors or assessment.result.szz_m is None:
        return None
    return assessment


def run(args) -> int:
    from ecologis.core.geometry import GeometryError
    from ecologis.io.gis import GisError, GisLayers, layers_from_profile, read_receptors, read_site, write_layers
    from ecologis.io.profile import ProfileError, load_profile
    from ecologis.pipeline import site_analysis

    lang = translator.lang
    layers = GisLayers()
    center = None
    assessment = None
    radius = args.radius
    if radius is not None and not (math.isfinite(radius) and 0 < radius <= MAX_RADIUS_M):
        raise CliError(t("io.cli.site.radius", value=format_significant_lang(radius, 6, lang),
                         limit=format_significant_lang(MAX_RADIUS_M, 6, lang)), field="--radius")
    try:
        if args.profile:
            prof = load_profile(args.profile)
            layers = layers_from_profile(prof)
            if prof.enterprise.lat is not None and prof.enterprise.lon is not None:
                center = (prof.enterprise.lat, prof.enterprise.lon)
            if radius is None:
                assessment = _profile_assessment(prof)
                radius = float(assessment.result.szz_m) if assessment is not None else None
        if args.site:
            layers.site = read_site(args.site)
        if args.receptors:
            layers.receptors.extend(read_receptors(args.receptors))
        if layers.site is None and center is None:
            raise CliError(t("geo.cli.need_input"), field="--site")
        if radius is None:
            raise CliError(t("geo.cli.need_radius"), field="--radius")
        if assessment is not None and assessment.site is not None and not args.site and not args.receptors:
            # the project as it is: its assessment's site analysis (the same the report shows)
            analysis = assessment.site
        elif assessment is not None and assessment.site_problem is not None and not args.site:
            raise assessment.site_problem
        else:
            # layers given on the command line (alone or over the project's): the same rule
            analysis = site_analysis(radius, layers.site, layers.receptors, center=center)
    except (ProfileError, GisError, GeometryError) as e:
        raise CliError.from_error(e) from None

    doc = analysis.to_json()
    doc["receptors"] = [{"name": r.name, "kind": r.kind, "distance_m": round(r.distance_m, 2), "inside": r.inside,
                         "on_site": r.on_site} for r in analysis.receptors]
    if args.export:
        layers.szz = analysis.szz
        layers.receptors = [{**r.to_json(), "distance_m": round(r.distance_m, 2)} for r in analysis.receptors]
        try:
            write_layers(args.export, layers, lang)
        except GisError as e:
            raise CliError.from_error(e) from None
        except OSError as e:
            raise CliError(t("geo.gis.error.prefix", file=args.export) + " " + t("geo.gis.error.os", detail=str(e)),
                           file=args.export, code="E_WRITE") from None
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return 0
    print(f"{t('geo.cli.method')}: {t('geo.method.' + analysis.method)}")
    print(t("geo.cli.radius_line", radius=format_significant_lang(analysis.radius_m, 6, lang)))
    print(t("geo.cli.area", area=format_fixed(analysis.szz_area_m2, 0, lang)))
    for r in analysis.receptors:
        print(t("geo.cli.receptor_line", name=r.name or t("geo.unnamed"), distance=format_fixed(r.distance_m, 1, lang),
                status=t("geo.cli.inside" if r.inside else "geo.cli.outside")))
    if args.export:
        print(t("geo.cli.exported", file=args.export))
    return 0
