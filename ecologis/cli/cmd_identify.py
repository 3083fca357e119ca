"""``ecologis-cli identify INVENTORY [--json] [--lang uk|en] [--pdf OUT.pdf]``.

Identification of a high-hazard object (ОПН, CMU resolution No. 1030) from an inventory
file.  Prints ``class`` (null, "2" or "1"), ``deciding_group`` (H, P, E, O or "named"),
``deciding_substance`` and the calculation table.  Exit 0 on success, 2 on invalid input.
"""

from __future__ import annotations

import argparse
import json
import sys

from ecologis.cli.errors import CliError
from ecologis.core.hazard_identification.display import fmt
from ecologis.i18n import LANGUAGES, t_lang, translator


def register(subparsers) -> None:
    p = subparsers.add_parser("identify", help=translator.translate("opn.cli.help"), description=translator.translate("opn.cli.help"))
    p.add_argument("inventory", metavar="INVENTORY", help=translator.translate("opn.cli.help.inventory"))
    p.add_argument("--json", action="store_true", help=translator.translate("opn.cli.help.json"))
    p.add_argument("--lang", dest="opn_lang", choices=LANGUAGES, default=None, help=translator.translate("opn.cli.help.lang"))
    p.add_argument("--pdf", metavar="OUT.pdf", default=None, help=translator.translate("opn.cli.help.pdf"))
    p.set_defaults(func=run)


_fmt = fmt


def format_text(result, lang: str) -> str:
    """Human-readable result (all labels translated)."""
    T = lambda key, **kw: t_lang(lang, key, **kw)  # noqa: E731
    d = result.to_dict()
    lines = []
    cls = d["class"]
    lines.append(T("opn.result.class_label") + ": " + (T("opn.result.class_n", klass=cls) if cls else T("opn.result.not_opn")))
    lines.append(T("opn.result.deciding_group") + ": " + (T(f"opn.group.{d['deciding_group']}") if d["deciding_group"] else "—"))
    lines.append(T("opn.result.deciding_substance") + ": " + (d["deciding_substance"] or "—"))
    lines.append(T("opn.result.deciding_rule") + ": " + (T(f"opn.rule.{d['deciding_rule']}") if d["deciding_rule"] else "—"))
    lines.append("")
    lines.append(T("opn.table.title"))
    head = [
        T("opn.table.row"), T("opn.table.name"), T("opn.table.cas"), T("opn.table.categories"), T("opn.table.named_entry"),
        T("opn.table.quantity"), T("opn.table.excluded"), T("opn.table.q2"), T("opn.table.q1"), T("opn.table.r2"), T("opn.table.r1"),
    ]
    for g in ("H", "P", "E", "O"):
        head += [f"{g} {T('opn.table.r2')}", f"{g} {T('opn.table.r1')}"]
    lines.append("\t".join(head))
    for r in d["table"]:
        cells = [
            r["row"], r["name"], r["cas"] or "—", ";".join(r["categories"]) or "—", r["named_entry"] or "—",
            _fmt(r["quantity_t"]), T("opn.yes") if r["excluded"] else T("opn.no"),
            _fmt(r["threshold_class2_t"]), _fmt(r["threshold_class1_t"]), _fmt(r["ratio_class2"]), _fmt(r["ratio_class1"]),
        ]
        for g in ("H", "P", "E", "O"):
            gd = r["groups"].get(g)
            cells += [_fmt(gd["ratio_class2"]), _fmt(gd["ratio_class1"])] if gd else ["—", "—"]
        lines.append("\t".join(str(c) for c in cells))
    lines.append("")
    for g in ("H", "P", "E"):
        s = d["sums"][g]
        lines.append(T("opn.result.sum_line", group=g, s2=_fmt(s["class2"]), s1=_fmt(s["class1"])))
    o = d["section_o"]
    lines.append(
        T("opn.result.section_o_line", mass=_fmt(o["total_mass_t"]), q2=_fmt(o["threshold_class2_t"]), q1=_fmt(o["threshold_class1_t"]),
          s2=_fmt(o["ratio_class2"]), s1=_fmt(o["ratio_class1"]))
    )
    lines.append("")
    lines.append(T("opn.result.assumptions_note"))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from ecologis.core.hazard_identification.engine import identify
    from ecologis.core.hazard_identification.inventory import InventoryError
    from ecologis.io.inventory_table import read_inventory
    from ecologis.io.reference_data import threshold_tables

    lang = getattr(args, "opn_lang", None) or getattr(args, "lang", None) or translator.lang
    try:
        items = read_inventory(args.inventory)
    except InventoryError as exc:
        msgs = exc.messages(lang) or [t_lang(lang, "io.cli.unexpected", file=str(args.inventory))]
        raise CliError(msgs[0], file=str(args.inventory), details=msgs[1:]) from None
    result = identify(items, tables=threshold_tables())
    if args.json:
        d = result.to_dict()
        out = {"class": d["class"], "deciding_group": d["deciding_group"], "deciding_substance": d["deciding_substance"]}
        out.update({k: v for k, v in d.items() if k not in out})
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(format_text(result, lang))
    if getattr(args, "pdf", None):
        from ecologis.core.hazard_identification.model import RegisteredEnterprise, HazardObject
        from ecologis.report.hazard_identification_note import write_note

        try:
            write_note(args.pdf, HazardObject(), RegisteredEnterprise(), items, result, lang=lang, inventory_label=str(args.inventory))
        except OSError as exc:
            raise CliError(t_lang(lang, "opn.error.write_failed", file=args.pdf, value=str(exc)), file=args.pdf,
                           code="E_WRITE") from None
        print(t_lang(lang, "opn.cli.pdf_written", file=args.pdf), file=sys.stderr if args.json else sys.stdout)
    return 0
