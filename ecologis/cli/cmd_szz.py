"""``ecologis-cli szz-classes search TEXT [--class V] [--json]`` — activities of ДСП 173-96
annex 4 (and the user's own) with their sanitary class and zone;
``ecologis-cli szz-classes kved CODE…`` — candidates suggested by EcologIS's own КВЕД
correspondence (labelled as such; none where it has none);
``ecologis-cli szz-classes add NAME --class V [--en NAME]`` — add an activity of one's own;
``ecologis-cli szz-zones PROJECT [--out FILE.geojson|FILE.kml] [--json]`` — the sanitary
zones of a project side by side (normative, КНП estimate, calculated, binding) and their
GIS layers.  Exit 0 on success, 2 on invalid input.
"""

from __future__ import annotations

import json

from ecologis.cli.errors import CliError
from ecologis.i18n import format_significant, t, translator


def register(subparsers) -> None:
    p = subparsers.add_parser("szz-classes", help=t("szz.cli.classes.help"), description=t("szz.cli.classes.help"))
    sub = p.add_subparsers(dest="szz_action", required=True, metavar="search|kved|add")
    s = sub.add_parser("search", help=t("szz.cli.search.help"))
    s.add_argument("text", nargs="*", help=t("szz.cli.search.text"))
    s.add_argument("--class", dest="sanitary_class", default=None, help=t("szz.cli.search.class"))
    s.add_argument("--json", action="store_true", help=t("szz.cli.json"))
    s.set_defaults(func=run_search)
    k = sub.add_parser("kved", help=t("szz.cli.kved.help"))
    k.add_argument("codes", nargs="+", help=t("szz.cli.kved.codes"))
    k.add_argument("--json", action="store_true", help=t("szz.cli.json"))
    k.set_defaults(func=run_kved)
    a = sub.add_parser("add", help=t("szz.cli.add.help"))
    a.add_argument("name", help=t("szz.cli.add.name"))
    a.add_argument("--class", dest="sanitary_class", required=True, help=t("szz.cli.search.class"))
    a.add_argument("--en", default="", help=t("szz.cli.add.en"))
    a.set_defaults(func=run_add)

    z = subparsers.add_parser("szz-zones", help=t("szz.cli.zones.help"), description=t("szz.cli.zones.help"))
    z.add_argument("project", help=t("szz.cli.zones.project"))
    z.add_argument("--out", default=None, metavar="FILE.geojson|FILE.kml", help=t("szz.cli.zones.out"))
    z.add_argument("--json", action="store_true", help=t("szz.cli.json"))
    z.set_defaults(func=run_zones)


def _load():
    from ecologis.io.szz_classes import SzzClassesError, load_activities

    try:
        return load_activities()
    except SzzClassesError as exc:
        raise CliError(exc.message(translator.lang)) from None


def _evidence(a) -> str:
    return t("szz.evidence." + a.class_evidence)


def _line(a, lang: str) -> str:
    return t("szz.cli.row", cls=a.sanitary_class, size=format_significant(a.size_m), name=a.name(lang),
             evidence=_evidence(a), document=_document(a))


def _document(a) -> str:
    if a.origin != "shipped":
        return t("szz.evidence.user")
    return t("szz.doc.annex4") if a.document == "ДСП 173-96, annex 4" else a.document


def run_search(args) -> int:
    from ecologis.core.sanitary_zone import normalize_class

    if args.sanitary_class is not None and normalize_class(args.sanitary_class) is None:
        raise CliError(t("szz.error.class", value=args.sanitary_class))
    acts = _load()
    found = acts.search(" ".join(args.text), args.sanitary_class)
    lang = translator.lang
    if args.json:
        print(json.dumps([a.to_json() for a in found], ensure_ascii=False, indent=1))
        return 0
    if not found:
        print(t("szz.cli.nothing_found"))
        return 0
    for a in found:
        print(_line(a, lang))
    print(t("szz.cli.found", count=len(found)))
    return 0


def run_kved(args) -> int:
    acts = _load()
    found = acts.suggest_for_kved(args.codes)
    if args.json:
        print(json.dumps({"basis": "ecologis_own_correspondence", "candidates": [a.to_json() for a in found]},
                         ensure_ascii=False, indent=1))
        return 0
    if not found:
        print(t("szz.kved.none", codes=", ".join(args.codes)))
        return 0
    print(t("szz.kved.basis"))
    for a in found:
        print(_line(a, translator.lang))
    return 0


def run_add(args) -> int:
    from ecologis.io.szz_classes import SzzClassesError

    acts = _load()
    try:
        a = acts.add_user_activity(args.name, args.sanitary_class, args.en)
    except SzzClassesError as exc:
        raise CliError(exc.message(translator.lang)) from None
    except OSError as exc:
        raise CliError(t("szz.list.error.file", file=str(acts.user_path), detail=exc.strerror or exc)) from None
    print(t("szz.cli.added", name=a.name(translator.lang), cls=a.sanitary_class))
    return 0


# ---------------------------------------------------------------- zones
def format_calculated_zone(cz: dict) -> str:
    """The calculated zone per bearing, translated (CLI text output)."""
    g = format_significant
    lines = [t("szz.out.calculated", target=cz.get("target") or "—", max=g(cz["max_distance_m"]))]
    for r in cz["by_direction"]:
        lines.append(t("szz.out.direction", bearing=g(r["direction_deg"]), l0=g(r["l0_m"]),
                       p="—" if r["p_pct"] is None else g(r["p_pct"], 3), l=g(r["l_m"])))
    lines.append(t("szz.out.rule_reconstructed"))
    if cz.get("cut_by_grid"):
        lines.append(t("szz.out.cut_by_grid"))
    return "\n".join(lines)


def format_zones(zones: dict, preset_name: str | None = None) -> str:
    """The four zones side by side, translated."""
    g = format_significant
    lines = []
    n = zones.get("normative")
    if n:
        act = (n.get("activity") or {}).get("name")
        lines.append(t("szz.out.normative", cls=n["class"], size=g(n["size_m"]),
                       frm=t("szz.from." + n["measured_from"]) if n.get("measured_from") else "—"))
        if act:
            lines.append(t("szz.out.activity", name=act, evidence=t("szz.evidence." + n["activity"].get(
                "class_evidence", "user")) if n["activity"].get("class_evidence") else "—"))
    else:
        lines.append(t("szz.out.no_class"))
    k = zones["knp_estimate"]
    lines.append(t("szz.out.knp", size=g(k["size_m"]), preset=preset_name or k["preset"]))
    c = zones.get("calculated")
    if c and not (c.get("max_distance_m") or 0) > 0:
        lines.append(t("szz.out.calculated_none"))          # c + c_ф stays below 1 ГДК everywhere
    elif c:
        lines.append(format_calculated_zone(dict(c, target=", ".join(c.get("targets") or []) or "—")))
    else:
        lines.append(t("szz.out.no_calculation"))
    b = zones["binding"]
    lines.append(t("szz.out.binding", kind=t("szz.kind." + b["kind"]), size=g(b["size_m"]),
                   reason=t("szz.reason." + b["reason"])))
    for key in ("normative", "knp_estimate", "calculated"):
        z = zones.get(key)
        for r in (z or {}).get("receptors_inside") or []:
            lines.append(t("szz.out.receptor", zone=t("szz.kind." + ("normative" if key == "normative" else
                                                                   "knp" if key == "knp_estimate" else "calculated")),
                           name=r["name"] or t("geo.unnamed"), kind=t("geo.kind." + r["kind"]),
                           distance=g(r["distance_m"])))
    return "\n".join(lines)


def run_zones(args) -> int:
    from ecologis.cli.common import load_reference_data
    from ecologis.io.profile import ProfileError, assess_project, load_profile

    try:
        project = load_profile(args.project)
    except ProfileError as exc:
        raise CliError(exc.message(translator.lang)) from None
    except OSError as exc:
        raise CliError(t("szz.list.error.file", file=args.project, detail=exc.strerror or exc)) from None
    loaded = load_reference_data()
    acts = _load()
    if project.preset not in loaded[1]:
        raise CliError(t("cli.error.method", method=project.preset, available=", ".join(loaded[1])))
    assessment = assess_project(project, loaded[0], loaded[1], file=args.project, szz_activities=acts)
    zones = assessment.zones(translator.lang)
    if args.out:
        from ecologis.io.zones_gis import write_zones

        try:
            write_zones(args.out, assessment, translator.lang)
        except ValueError:
            raise CliError(t("szz.cli.out_format", path=args.out))
        except OSError as exc:
            raise CliError(t("szz.list.error.file", file=args.out, detail=exc.strerror or exc)) from None
    if args.json:
        print(json.dumps(zones, ensure_ascii=False, indent=1, allow_nan=False))
    else:
        p = assessment.result.preset
        print(format_zones(zones, t(p.name_key) if p.name_key else (p.name or p.id)))
    return 0
