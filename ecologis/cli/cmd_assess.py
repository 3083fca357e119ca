"""``ecologis-cli assess (FILE | --demo) [--method PRESET] [--json]``."""

from __future__ import annotations

import json

from ecologis.cli.common import check_preset, load_reference_data
from ecologis.cli.errors import CliError
from ecologis.i18n import format_fixed, format_significant_lang, t, translator


def register(sub) -> None:
    p = sub.add_parser("assess", help=t("cli.assess.help"))
    p.add_argument("file", nargs="?", default=None, help=t("cli.assess.file"))
    p.add_argument("--demo", action="store_true", help=t("cli.assess.demo"))
    p.add_argument("--method", default=None, help=t("cli.assess.method"))
    p.add_argument("--json", action="store_true", help=t("cli.assess.json"))
    p.add_argument("--duplicates", choices=("sum", "keep"), default=None, help=t("cli.assess.duplicates"))
    p.set_defaults(func=run, assess_parser=p, json_errors=True)


def run(args) -> int:
    from ecologis.core.presets import DEFAULT_PRESET_ID
    from ecologis.io.emissions_table import TableReadError, read_emissions
    from ecologis.io.profile import Project, assess_project
    from ecologis.paths import DEMO_PROFILE

    lang = translator.lang
    if not args.demo and args.file is None:
        args.assess_parser.error(t("argparse.required") % "file")  # exit code 2
    if args.demo and args.file is not None:
        args.assess_parser.error(t("cli.assess.file_or_demo"))
    if args.demo:
        args.file = str(DEMO_PROFILE)
    label = DEMO_PROFILE.name if args.demo else args.file  # the demo is named, not our folder
    dictionary, presets = load_reference_data()
    try:
        table = read_emissions(args.file, dictionary)
    except TableReadError as e:
        raise CliError.from_error(e) from None
    method = args.method
    prof_obj = table.meta.get("profile_obj")
    if method is None:
        prof = table.meta.get("profile") or {}
        method = prof.get("preset") if isinstance(prof, dict) else None
    method = method or DEFAULT_PRESET_ID
    check_preset(method, presets)
    if prof_obj is not None:
        # a profile: the whole project (sources, site, receptors) is assessed, not only its table
        project = prof_obj
        project.emissions = table.emissions
        project.preset = method
        if args.duplicates:
            project.duplicates = args.duplicates
    else:
        project = Project(emissions=table.emissions, preset=method, duplicates=args.duplicates or "sum")
    assessment = assess_project(project, dictionary, presets, file=label)
    result = assessment.result
    doc = assessment.to_json(lang)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=1))
        return 2 if result.errors else 0
    if result.errors:
        raise CliError(t("cli.errors_header", count=len(result.errors)), file=args.file, code="E_ROWS",
                       details=[i.located_message() for i in result.errors])
    _print_human(result, lang)
    return 0


def _print_human(result, lang: str) -> None:
    from ecologis.i18n import t

    p = result.preset
    name = t(p.name_key) if p.name_key else (p.name or p.id)
    print(f"{t('cli.result.method')}: {name}")          # the methodology's name (its id is for --method)
    cols = [t("col.substance"), t("col.mass_t"), t("col.gdk"), t("col.gdk_kind"), t("col.class"), t("col.a"),
            t("col.contribution"), t("col.share")]
    rows = []
    for c in result.contributions:
        rows.append([c["substance"] if lang == "uk" else c["substance_en"], format_fixed(c["mass_t_per_year"], 5, lang),
                     format_significant_lang(c["gdk_mg_m3"], 6, lang), t("gdk_kind." + c["gdk_kind"]),
                     str(c["hazard_class"]), format_significant_lang(c["a"], 6, lang),
                     format_fixed(c["contribution"], 3, lang), format_fixed(100 * c["share"], 2, lang)])
    widths = [min(48, max(len(cols[j]), *(len(r[j]) for r in rows))) if rows else len(cols[j]) for j in range(len(cols))]

    def line(cells):
        out = []
        for j, c in enumerate(cells):
            c = c if len(c) <= widths[j] else c[: widths[j] - 1] + "…"
            out.append(c.ljust(widths[j]) if j == 0 else c.rjust(widths[j]))
        return "  ".join(out)

    print(line(cols))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))
    print()
    print(f"{t('cli.result.knp')}: {format_fixed(result.knp, 3, lang)}")
    print(f"{t('cli.result.category')}: {result.category}")
    print(f"{t('cli.result.szz')}: {format_significant_lang(result.szz_m, 6, lang)} {t('cli.result.m')}")
    dom = ", ".join(s.name(lang) for s in result.dominant_substances())
    print(f"{t('cli.result.dominant')}: {dom}")
    print(f"{t('cli.result.recommendations')}:")
    for r in result.recommendations():
        print(f"  • {r.text(lang)}")
    if result.warnings:
        print()
        from ecologis.report.notes import group_lines

        print(t("cli.warnings_header", count=len(result.warnings)))
        # the same note about several rows is one line naming the rows
        for sev in ("warning", "info"):
            items = [i for i in result.warnings if i.severity == sev]
            for line in group_lines(items, lang):
                print(f"  [{t('severity.' + sev)}] {line}")
