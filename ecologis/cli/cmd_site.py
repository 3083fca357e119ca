"""``ecologis-cli site [PROFILE] [--site SITE.geojson] [--radius METRES] [--receptors FILE] [--export FILE] [--json]``.

The СЗЗ as the buffer of the industrial site polygon by the category radius (or, with
no polygon, the circle around the enterprise point) and the sensitive receptors with
their distance to the site boundary and whether they lie inside.

* ``site --site SITE.geojson --radius 300 [--receptors R.geojson] --json``
* ``site PROFILE.json --json``: the profile's ``site`` (WGS84 GeoJSON geometry), its
  receptors (``extensions["receptors"]``) and sources; the radius is the profile's
  КНП result (``--radius`` overrides it).

JSON: ``szz_area_m2``, ``szz`` (GeoJSON geometry), ``radius_m``, ``method``
(``buffer``/``circle``), ``site_area_m2``, ``center``, ``receptors``: a list of
{``name``, ``kind``, ``distance_m``, ``inside``, ``on_site``}.  Exit 0, or 2 on bad input.
"""

from __future__ import annotations

import json
import sys

from ecologis.i18n import t, translator


def register(subparsers) -> None:
    p = subparsers.add_parser("site", help=t("geo.cli.help"), description=t("geo.cli.help"))
    p.add_argument("profile", nargs="?", default=None, metavar="PROFILE", help=t("geo.cli.profile"))
    p.add_argument("--site", default=None, metavar="SITE.geojson", help=t("geo.cli.site"))
    p.add_argument("--radius", type=float, default=None, metavar="METRES", help=t("geo.cli.radius"))
    p.add_argument("--receptors", default=None, metavar="RECEPTORS.geojson", help=t("geo.cli.receptors"))
    p.add_argument("--export", default=None, metavar="FILE", help=t("geo.cli.export"))
    p.add_argument("--json", action="store_true", help=t("geo.cli.json"))
    p.set_defaults(func=run)


def _fail(args, message: str) -> int:
    if args.json:
        print(json.dumps({"valid": False, "errors": [{"message": message}]}, ensure_ascii=False))
    else:
        print(message, file=sys.stderr)
    return 2


def _profile_radius(profile) -> float | None:
    """The СЗЗ radius of the profile's own КНП assessment (core), or None."""
    from ecologis.core.assess import compute, prepare
    from ecologis.core.dictionary import load_dictionary
    from ecologis.core.presets import load_presets

    if not profile.emissions:
        return None
    presets = load_presets()
    preset = presets.get(profile.preset) or presets.get("ecologis-2025")
    res = compute(prepare(profile.emissions, load_dictionary()), preset)
    if res.errors:
        return None
    return float(res.szz_m) if res.szz_m is not None else None


def run(args) -> int:
    from ecologis.core.geometry import GeometryError, analyse_site
    from ecologis.io.gis import GisError, GisLayers, read_receptors, read_site, write_layers
    from ecologis.io.profile import ProfileError, load_profile

    lang = translator.lang
    site = None
    receptors: list = []
    sources: list = []
    center = None
    radius = args.radius
    name = ""
    try:
        if args.profile:
            prof = load_profile(args.profile)
            site = prof.site or None
            name = prof.enterprise.name
            if prof.enterprise.lat is not None and prof.enterprise.lon is not None:
                center = (prof.enterprise.lat, prof.enterprise.lon)
            receptors.extend(prof.extensions.get("receptors") or [])
            sources = [{"id": s.id, "name": s.name, "lat": s.lat, "lon": s.lon}
                       for s in prof.sources if s.lat is not None and s.lon is not None]
            if radius is None:
                radius = _profile_radius(prof)
        if args.site:
            site = read_site(args.site)
        if args.receptors:
            receptors.extend(read_receptors(args.receptors))
        if site is None and center is None:
            return _fail(args, t("geo.cli.need_input"))
        if radius is None:
            return _fail(args, t("geo.cli.need_radius"))
        analysis = analyse_site(radius, site, receptors, center=center)
    except ProfileError as e:
        return _fail(args, e.message())
    except GisError as e:
        return _fail(args, e.message())
    except GeometryError as e:
        return _fail(args, e.message())

    doc = analysis.to_json()
    doc["receptors"] = [{"name": r.name, "kind": r.kind, "distance_m": round(r.distance_m, 2), "inside": r.inside,
                         "on_site": r.on_site} for r in analysis.receptors]
    if args.export:
        layers = GisLayers(site=site, szz=analysis.szz, sources=sources, name=name,
                           receptors=[{**r.to_json(), "distance_m": round(r.distance_m, 2)} for r in analysis.receptors])
        try:
            write_layers(args.export, layers, lang)
        except GisError as e:
            return _fail(args, e.message())
        except OSError as e:
            return _fail(args, t("geo.gis.error.prefix", file=args.export) + " " + t("geo.gis.error.os", detail=str(e)))
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return 0
    print(f"{t('geo.cli.method')}: {t('geo.method.' + analysis.method)}")
    print(t("geo.cli.radius_line", radius=f"{analysis.radius_m:g}"))
    print(t("geo.cli.area", area=f"{analysis.szz_area_m2:,.0f}".replace(",", "\u202f" if lang == "uk" else ",")))
    for r in analysis.receptors:
        print(t("geo.cli.receptor_line", name=r.name or t("geo.unnamed"), distance=f"{r.distance_m:.1f}",
                status=t("geo.cli.inside" if r.inside else "geo.cli.outside")))
    if args.export:
        print(t("geo.cli.exported", file=args.export))
    return 0
