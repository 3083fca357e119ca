"""Report section "Sanitary protection zones": the normative zone (ДСП 173-96 annex 4), the
КНП estimate, the calculated zone with its wind-rose correction and the binding one, side
by side, with the receptors inside each (from ``Assessment.zones``).  Reportlab flowables;
every text from ``locales/*.szz.json``; user text escaped."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ecologis.i18n import format_significant_lang
from ecologis.report.common import e as _e
from ecologis.report.common import table as _common_table


def _g(x, lang: str) -> str:
    return _e(format_significant_lang(x, 5, lang)) if x is not None else "—"


def _preset_name(assessment, T) -> str:
    """The methodology preset by its name in the report's language (never its id)."""
    p = assessment.result.preset
    return T(p.name_key) if p.name_key else (p.name or p.id)


def zones_story(assessment, T, S, lang: str) -> list:
    """The flowables of the section (empty when the assessment has no zones)."""
    out = [Paragraph(_e(T("szz.report.h")), S["h"])]
    try:
        zones = assessment.zones(lang)
    except ValueError as exc:            # a site geometry that cannot be used: said, not hidden
        text = exc.message(lang) if hasattr(exc, "message") else str(exc)
        return out + [Paragraph(_e(T("szz.report.error", detail=text)), S["warn"] if "warn" in S else S["p"])]
    n, k, c, b = zones.get("normative"), zones["knp_estimate"], zones.get("calculated"), zones["binding"]
    head = [Paragraph(_e(T(key)), S["cellb"]) for key in ("szz.gui.col.zone", "szz.report.col.basis",
                                                          "szz.gui.col.size", "szz.gui.col.from")]
    rows = [head]

    def frm(z):
        return T("szz.from." + z["measured_from"]) if z and z.get("measured_from") else "—"

    if n:
        act = (n.get("activity") or {}).get("name")
        basis = T("szz.report.basis.normative", cls=n["class"]) + (f" — {act}" if act else "")
        rows.append([Paragraph(_e(T("szz.kind.normative")), S["cell"]), Paragraph(_e(basis), S["cell"]),
                     _g(n["size_m"], lang), Paragraph(_e(frm(n)), S["cell"])])
    else:
        rows.append([Paragraph(_e(T("szz.kind.normative")), S["cell"]),
                     Paragraph(_e(T("szz.out.no_class")), S["cell"]), "—", "—"])
    rows.append([Paragraph(_e(T("szz.kind.knp")), S["cell"]),
                 Paragraph(_e(T("szz.report.basis.knp", preset=_preset_name(assessment, T))), S["cell"]),
                 _g(k["size_m"], lang), Paragraph(_e(frm(k)), S["cell"])])
    if c:
        basis = T("szz.report.basis.corrected") if c.get("wind_rose") else T("szz.report.basis.calculated")
        rows.append([Paragraph(_e(T("szz.kind.calculated")), S["cell"]), Paragraph(_e(basis), S["cell"]),
                     _g(c["max_distance_m"], lang), Paragraph(_e(T("szz.gui.from_centre")), S["cell"])])
    out.append(_common_table(rows, [34 * mm, 76 * mm, 22 * mm, 38 * mm], 1, align_right_from=2, zebra=True,
                             font_size=7.5, padding={"top": 2, "bottom": 2}))
    out.append(Paragraph("<b>" + _e(T("szz.out.binding", kind=T("szz.kind." + b["kind"]), size=_g(b["size_m"], lang),
                                        reason=T("szz.reason." + b["reason"]))) + "</b>", S["p"]))
    if c and any((r.get("l0_m") or 0) > 0 for r in c["by_direction"]):
        # the bearings across (one column each) keep the table to four lines
        dirs = c["by_direction"]
        labels = ("szz.report.col.bearing", "szz.report.col.l0", "szz.report.col.p", "szz.report.col.l")
        drows = [[Paragraph(_e(T(labels[0])), S["cellb"])] + [_g(r["direction_deg"], lang) for r in dirs],
                 [Paragraph(_e(T(labels[1])), S["cellb"])] + [_g(r["l0_m"], lang) for r in dirs],
                 [Paragraph(_e(T(labels[2])), S["cellb"])] + [_g(r["p_pct"], lang) if r["p_pct"] is not None else "—"
                                                            for r in dirs],
                 [Paragraph(_e(T(labels[3])), S["cellb"])] + [_g(r["l_m"], lang) for r in dirs]]
        col = (170 - 30) / max(len(dirs), 1)
        out.append(_common_table(drows, [30 * mm] + [col * mm] * len(dirs), 1, align_right_from=1, zebra=True,
                                 font_size=6.5, padding={"top": 1, "bottom": 1}))
        if c.get("wind_rose"):
            out.append(Paragraph(_e(T("szz.out.rule_reconstructed").strip()), S["small"]))
    for key, kind in (("normative", "normative"), ("knp_estimate", "knp"), ("calculated", "calculated")):
        for r in (zones.get(key) or {}).get("receptors_inside") or []:
            out.append(Paragraph("• " + _e(T("szz.out.receptor", zone=T("szz.kind." + kind),
                                             name=r["name"] or T("geo.unnamed"), kind=T("geo.kind." + r["kind"]),
                                             distance=format_significant_lang(r["distance_m"], 5, lang))).strip(),
                                 S["p"]))
    out.append(Paragraph(_e(T("szz.report.note")), S["small"]))
    return out
