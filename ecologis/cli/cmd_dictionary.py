"""``ecologis-cli dictionary search TEXT``."""

from __future__ import annotations

import json

from ecologis.cli.common import load_reference_data
from ecologis.i18n import t, translator


def register(sub) -> None:
    p = sub.add_parser("dictionary", help=t("cli.dictionary.help"))
    dsub = p.add_subparsers(dest="dict_command", metavar="ACTION")
    s = dsub.add_parser("search", help=t("cli.dictionary.search.help"))
    s.add_argument("text", help=t("cli.dictionary.search.text"))
    s.add_argument("--json", action="store_true", help=t("cli.assess.json"))
    s.set_defaults(func=run_search)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def run_search(args) -> int:

    d = load_reference_data()[0]
    lang = translator.lang
    found = d.search(args.text)
    if args.json:
        out = []
        for s in found:
            j = s.to_json()
            j["origin"] = s.origin
            j["source_titles"] = {k: d.source_title(v) for k, v in s.sources.items()}
            out.append(j)
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    if not found:
        print(t("cli.dictionary.none", text=args.text))
        return 0
    for s in found:
        std = []
        for fld, col in (("gdk_sd", "col.gdk_sd"), ("gdk_mr", "col.gdk_mr"), ("obrv", "col.obrv"), ("gdk_rz", "col.gdk_rz")):
            v = getattr(s, fld)
            if v is not None:
                std.append(f"{t(col)} {v:g}")
        cls = f"{t('col.class')} {s.hazard_class}" if s.hazard_class else f"{t('col.class')} —"
        print(f"{s.name(lang)}  [{s.cas or s.code or s.id}]  {cls};  {'; '.join(std)} {t('cli.result.unit_mg')}")
        srcs = sorted(set(s.sources.values()))
        if srcs:
            print(f"    {t('cli.dictionary.sources')}: " + "; ".join(d.source_title(x) for x in srcs))
        note = s.note(lang)
        if note:
            print(f"    {note}")
    return 0
