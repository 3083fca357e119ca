"""The assessment report (PDF, reportlab) a consultant hands to a client.

Contents (seed thesis §2.1 item 6: the methodology parameters, the input data, the
contributions table, the category, the recommendations and the date of analysis):
title page with the enterprise details and the date; the methodology (preset, formula,
a(c), category thresholds and СЗЗ radii, the preset's source, the ГДК fallback rule);
the input table with the ГДК used and its kind; the contributions table sorted with
shares; КНП, category and СЗЗ; the contributions chart
(:func:`ecologis.plots.contributions.contributions_figure`); a map figure of the
enterprise and the СЗЗ drawn offline; the recommendations; validation notes (fallback
ГДК, excluded rows, rows using their own values, other warnings); a signature block;
«page N of M» on every page.

DejaVu Sans (Cyrillic) is embedded from ``resources/fonts/``.  All strings come from
``locales/*.report.json`` (``report.*``) in the requested language; all user text is
XML-escaped before it goes into a Paragraph.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ecologis.i18n import format_fixed, format_significant_lang, t_lang
from ecologis.io.atomic import atomic_write_bytes
from ecologis.report.common import FONT, FONT_BOLD, e as _e, numbered_canvas, paragraph_styles
from ecologis.report.common import register_fonts as _register_fonts
from ecologis.report.common import table as _common_table


def _styles():
    st = paragraph_styles("rep", 9.5, 12.5, 7.5, 9)
    base = st["p"]
    st.update({
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=17, leading=22, alignment=TA_CENTER, spaceAfter=10),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=14, alignment=TA_CENTER, spaceAfter=18),
        "h": ParagraphStyle("h", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=5),
        "big": ParagraphStyle("big", parent=base, fontName=FONT_BOLD, fontSize=13, leading=17),
        "warn": ParagraphStyle("warn", parent=base, fontName=FONT_BOLD, textColor=colors.HexColor("#a00000"),
                               spaceBefore=4, spaceAfter=3),
    })
    return st


def _fmt(x, digits: int = 3, lang: str = "uk") -> str:
    """Fixed decimals in the report's language, escaped for a Paragraph."""
    return _e(format_fixed(x, digits, lang))


def _g(x, lang: str = "uk") -> str:
    """A stored number shown with up to 6 significant digits (display only, never stored)."""
    return _e(format_significant_lang(x, 6, lang))


def _png(fig, dpi: int = 150) -> io.BytesIO:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor=fig.get_facecolor())
    buf.seek(0)
    return buf


def _image(buf: io.BytesIO, width_mm: float) -> Image:
    from reportlab.lib.utils import ImageReader

    ir = ImageReader(buf)
    w, h = ir.getSize()
    buf.seek(0)
    width = width_mm * mm
    return Image(buf, width=width, height=width * h / w)


def fallback_site_map_figure(center_latlon, radius_m: float, lang: str = "uk"):
    """A schematic drawing for a profile without coordinates (or whose site geometry could
    not be drawn): the СЗЗ circle around the enterprise in metres, with the scale bar and
    north arrow of :mod:`ecologis.plots.site_map`."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle

    from ecologis.plots.site_map import north_arrow, scale_bar

    fig = Figure(figsize=(6.0, 5.0), dpi=100)
    fig.set_facecolor("#ffffff")
    ax = fig.add_subplot(111)
    ax.set_facecolor("#f4f6f2")
    r = float(radius_m)
    ax.add_patch(Circle((0, 0), r, facecolor="#d8553b22", edgecolor="#d8553b", linewidth=1.8,
                        label=t_lang(lang, "report.map.szz", radius=f"{r:g}")))
    ax.plot([0], [0], marker="^", color="#1f4e9c", markersize=9, linestyle="none",
            label=t_lang(lang, "report.map.enterprise"))
    extent = r * 1.25
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    scale_bar(ax, "#000000", lang)
    north_arrow(ax, "#000000", lang)
    if center_latlon is not None:
        ax.set_title(t_lang(lang, "report.map.title", lat=f"{center_latlon[0]:.5f}", lon=f"{center_latlon[1]:.5f}"),
                     fontsize=9)
    else:
        ax.set_title(t_lang(lang, "report.map.no_coordinates"), fontsize=9)
    ax.legend(loc="upper left", fontsize=7, framealpha=0.9)
    fig.tight_layout()
    return fig


def _map_center(profile):
    """(lat, lon) of the enterprise, else of the site polygon's centroid, else None."""
    ent = profile.enterprise
    if ent.lat is not None and ent.lon is not None:
        return (ent.lat, ent.lon)
    if profile.site:
        try:
            from shapely.geometry import shape

            c = shape(profile.site).centroid
            if not c.is_empty:
                return (c.y, c.x)
        except Exception:  # noqa: BLE001 - a broken site: no centre from it
            return None
    return None


def site_map_png(profile, result, lang: str = "uk") -> tuple[io.BytesIO, str]:
    """PNG bytes of the map and which renderer drew it ("site_map" or "fallback").

    :func:`ecologis.plots.site_map.site_map_figure` whenever there is a centre (the
    enterprise point, or the site centroid); the schematic fallback without one, or if
    the geometry cannot be drawn."""
    from ecologis.plots.site_map import site_map_figure

    center = _map_center(profile)
    if center is not None:
        sources = [{"id": s.id, "name": s.name or s.id, "lat": s.lat, "lon": s.lon}
                   for s in profile.sources if s.lat is not None and s.lon is not None]
        try:
            fig = site_map_figure(center, float(result.szz_m), site_geojson=profile.site or None,
                                  sources=sources, lang=lang,
                                  receptors=profile.receptors or None)
            return _png(fig), "site_map"
        except Exception:  # noqa: BLE001 - a broken site geometry must not stop the report
            pass
    fig = fallback_site_map_figure(center, float(result.szz_m), lang)
    return _png(fig), "fallback"


def _table(data, widths, header_rows: int = 1, align_right_from: int | None = None, zebra: bool = True):
    return _common_table(data, widths, header_rows, align_right_from=align_right_from, zebra=zebra, font_size=7.5,
                         padding={"top": 2, "bottom": 2})


def build_report(assessment, lang: str = "uk", dictionary=None, when: datetime | None = None) -> bytes:
    """The report of an :class:`ecologis.pipeline.Assessment` as PDF bytes (nothing is
    written); every number comes from that one assessment.

    Sections that appear only when their data exist: 6.1 receptors inside the СЗЗ (the
    project's receptors), 6.2 the OND-86 dispersion of the sources inventory and 6.3 the
    background concentrations used (stored Order 286 results valid on the assessment's
    date, and those the dispersion added), each labelled "reconstructed method" when a
    candidate formula was used."""
    profile, result = assessment.project, assessment.result
    dispersion, on = assessment.dispersion, assessment.on
    from ecologis import __version__
    from ecologis.core.gdk import GDK_KINDS

    _register_fonts()
    S = _styles()

    def T(key, **kw):
        return t_lang(lang, key, **kw)

    when = when or datetime.now().astimezone()
    ent = profile.enterprise
    preset = result.preset
    pname = T(preset.name_key) if preset.name_key else (preset.name or preset.id)
    story = []

    # -- title page -----------------------------------------------------------------
    story += [Spacer(1, 30 * mm), Paragraph(_e(T("report.title")), S["title"]),
              Paragraph(_e(ent.name or T("report.unnamed")), S["subtitle"])]
    details = [
        (T("report.ent.name"), ent.name),
        (T("report.ent.edrpou"), ent.edrpou or "—"),
        (T("report.ent.kved"), ", ".join(ent.kved) or "—"),
        (T("report.ent.address"), ent.address or "—"),
        (T("report.ent.coordinates"), "—" if ent.lat is None or ent.lon is None else f"{ent.lat:.6f}, {ent.lon:.6f}"),
        (T("report.ent.activity"), ent.activity or "—"),
        (T("report.ent.contacts"), ent.contacts or "—"),
        (T("report.ent.sources"), str(len(profile.sources))),
        (T("report.date"), when.strftime("%d.%m.%Y %H:%M")),
        (T("report.app"), f"EcologIS {__version__}"),
    ]
    story.append(_table([[Paragraph(_e(k), S["cellb"]), Paragraph(_e(v), S["cell"])] for k, v in details],
                        [50 * mm, 120 * mm], header_rows=0, zebra=False))
    story.append(Spacer(1, 12 * mm))
    box = [[Paragraph(_e(T("report.result.knp")), S["p"]), Paragraph(_fmt(result.knp, 3, lang), S["big"])],
           [Paragraph(_e(T("report.result.category")), S["p"]), Paragraph(_e(result.category), S["big"])],
           [Paragraph(_e(T("report.result.szz")), S["p"]),
            Paragraph(_e(T("report.result.szz_value", radius=_fmt(result.szz_m, 0, lang))), S["big"])],
           [Paragraph(_e(T("report.method.preset")), S["p"]), Paragraph(_e(f"{preset.id} — {pname}"), S["p"])]]
    bt = Table(box, colWidths=[60 * mm, 110 * mm])
    bt.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9), ("BOX", (0, 0), (-1, -1), 1.0, colors.HexColor("#1f4e9c")),
                            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef3fb")),
                            ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [bt, PageBreak()]

    # -- 1. methodology -------------------------------------------------------------
    story.append(Paragraph(_e(T("report.h.method")), S["h"]))
    story.append(Paragraph(_e(T("report.method.preset")) + ": <b>" + _e(f"{preset.id} — {pname}") + "</b>", S["p"]))
    story.append(Paragraph(_e(T("report.method.formula")) + ": " + _e(T("formula." + preset.formula))
                           + "; " + _e(T("report.method.total")), S["p"]))
    story.append(Paragraph(_e(T("report.method.formula_" + preset.formula)), S["small"]))
    story.append(Spacer(1, 3 * mm))
    a_rows = [[T("report.col.class"), "1", "2", "3", "4"],
              [T("report.col.a")] + [_g(preset.a[c], lang) for c in (1, 2, 3, 4)]]
    story.append(_table(a_rows, [40 * mm] + [20 * mm] * 4, align_right_from=1))
    story.append(Spacer(1, 3 * mm))
    cat_rows = [[T("report.col.category"), T("report.col.knp_range"), T("report.col.radius")]]
    prev_min = None
    for c in preset.categories:
        if c.min is None:
            rng = T("report.range.below", hi=_fmt(prev_min, 0, lang))
        elif prev_min is None:
            rng = T("report.range.at_least", lo=_fmt(c.min, 0, lang))
        else:
            rng = T("report.range.between", lo=_fmt(c.min, 0, lang), hi=_fmt(prev_min, 0, lang))
        cat_rows.append([c.label, rng, _fmt(c.radius_m, 0, lang)])
        prev_min = c.min
    story.append(_table(cat_rows, [30 * mm, 70 * mm, 40 * mm], align_right_from=2))
    story.append(Spacer(1, 3 * mm))
    if preset.assumed_class_when_missing:
        story.append(Paragraph(_e(T("report.method.assumed_class", cls=preset.assumed_class_when_missing)), S["small"]))
    story.append(Paragraph(_e(T("report.method.gdk_rule")), S["small"]))
    story.append(Paragraph(_e(T("report.method.duplicates." + result.duplicates)), S["small"]))
    if preset.source_text(lang):
        story.append(Paragraph(_e(T("report.method.source")) + ": " + _e(preset.source_text(lang)), S["small"]))

    # -- 2. inputs -------------------------------------------------------------------
    prep = result.prepared
    story.append(Paragraph(_e(T("report.h.inputs")), S["h"]))
    hdr = [T("report.col.row"), T("report.col.substance"), T("report.col.cas"), T("report.col.mass"),
           T("report.col.mass_t"), T("report.col.gdk"), T("report.col.gdk_kind"), T("report.col.class_short"),
           T("report.col.origin")]
    data = [[Paragraph(_e(h), S["cellb"]) for h in hdr]]
    for i in range(prep.n):
        e = prep.emissions[i]
        s = prep.substances[i]
        name = s.name(lang) if s else str(e.substance or "")
        kind = GDK_KINDS[int(prep.gdk_kind[i])]
        kind_text = T("gdk_kind." + kind)
        if kind == "input":
            kind_text += " (" + T("gdk_kind." + GDK_KINDS[int(prep.gdk_basis[i])]) + ")"
        klass = int(prep.hazard_class[i])
        data.append([
            str(prep.rows[i]), Paragraph(_e(name), S["cell"]), _e((s.cas if s else "") or "—"),
            Paragraph(_e(f"{_g(e.mass, lang)} {e.unit or ''}"), S["cell"]),
            _g(prep.mass_t[i], lang), _g(prep.gdk[i], lang), Paragraph(_e(kind_text), S["cell"]),
            str(klass) if klass else "—", Paragraph(_e(T("report.origin." + e.origin) if e.origin in
                                                       ("inventory", "measurement", "calculation") else e.origin), S["cell"]),
        ])
    story.append(_table(data, [9 * mm, 41 * mm, 19 * mm, 22 * mm, 17 * mm, 15 * mm, 22 * mm, 13 * mm, 16 * mm],
                        align_right_from=None))
    story.append(Paragraph(_e(T("report.inputs.note")), S["small"]))

    # -- 3. contributions ------------------------------------------------------------
    story.append(Paragraph(_e(T("report.h.contributions")), S["h"]))
    hdr = [T("report.col.rank"), T("report.col.substance"), T("report.col.mass_t"), T("report.col.gdk"),
           T("report.col.class_short"), T("report.col.a"), T("report.col.contribution"), T("report.col.share")]
    data = [[Paragraph(_e(h), S["cellb"]) for h in hdr]]
    for k, c in enumerate(result.contributions, start=1):
        name = c["substance"] if lang == "uk" else c["substance_en"]
        data.append([str(k), Paragraph(_e(name), S["cell"]), _g(c["mass_t_per_year"], lang), _g(c["gdk_mg_m3"], lang),
                     str(c["hazard_class"]) + ("*" if c["class_assumed"] else ""), _g(c["a"], lang),
                     _fmt(c["contribution"], 3, lang), _fmt(100 * c["share"], 2, lang)])
    data.append(["", Paragraph("<b>" + _e(T("report.col.total")) + "</b>", S["cell"]), "", "", "", "",
                 _fmt(result.knp, 3, lang), _fmt(100.0 if result.knp > 0 else 0.0, 2, lang)])
    story.append(_table(data, [9 * mm, 58 * mm, 19 * mm, 16 * mm, 14 * mm, 11 * mm, 28 * mm, 17 * mm], align_right_from=2))
    if any(c["class_assumed"] for c in result.contributions):
        story.append(Paragraph(_e(T("report.contrib.assumed")), S["small"]))

    # -- 4. result -------------------------------------------------------------------
    story.append(Paragraph(_e(T("report.h.result")), S["h"]))
    story.append(Paragraph(_e(T("report.result.knp")) + ": <b>" + _fmt(result.knp, 3, lang) + "</b>", S["p"]))
    story.append(Paragraph(_e(T("report.result.category")) + ": <b>" + _e(result.category) + "</b>", S["p"]))
    story.append(Paragraph(_e(T("report.result.szz")) + ": <b>" + _e(T("report.result.szz_value",
                                                                       radius=_fmt(result.szz_m, 0, lang))) + "</b>", S["p"]))
    dom = ", ".join(s.name(lang) for s in result.dominant_substances()) or "—"
    story.append(Paragraph(_e(T("report.result.dominant")) + ": " + _e(dom), S["p"]))
    from ecologis.report.zones_section import zones_story    # 4.1 the sanitary zones side by side

    story += zones_story(assessment, T, S, lang)

    # -- 5. chart --------------------------------------------------------------------
    from ecologis.plots.contributions import contributions_figure

    chart = _image(_png(contributions_figure(result, lang)), 170)
    story.append(KeepTogether([Paragraph(_e(T("report.h.chart")), S["h"]), chart]))

    # -- 6. map ----------------------------------------------------------------------
    map_png, _renderer = site_map_png(profile, result, lang)
    story.append(KeepTogether([Paragraph(_e(T("report.h.map")), S["h"]), _image(map_png, 125),
                               Paragraph(_e(T("report.map.caption", radius=_fmt(result.szz_m, 0, lang))), S["small"])]))

    # -- 6.1–6.3 receptors, dispersion, backgrounds (only when the data exist) --------
    story += receptors_story(profile, result, assessment.site if profile.receptors else None, T, S, lang)
    story += dispersion_story(profile, result, dispersion, T, S, lang)
    story += backgrounds_story(profile, dispersion, on, T, S, lang)

    # -- 7. recommendations ----------------------------------------------------------
    story.append(Paragraph(_e(T("report.h.recommendations")), S["h"]))
    recs = result.recommendations()
    for r in recs:
        story.append(Paragraph("• " + _e(r.text(lang)), S["p"]))
    if not recs:
        story.append(Paragraph(_e(T("report.none")), S["p"]))

    # -- 8. validation notes ---------------------------------------------------------
    story.append(Paragraph(_e(T("report.h.validation")), S["h"]))
    groups = [("report.val.fallback", {"I_GDK_FALLBACK", "W_GDK_NONPOSITIVE"}),
              ("report.val.excluded", {"W_GDK_MISSING", "W_GDK_NONPOSITIVE_EXCLUDED", "W_CLASS_MISSING"}),
              ("report.val.errors", None),
              ("report.val.row_values", {"I_ROW_VALUES"}),
              ("report.val.other", "other")]
    used = set()
    any_note = False
    for title_key, codes in groups:
        if codes is None:
            items = [i for i in result.journal if i.is_error]
        elif codes == "other":
            items = [i for i in result.journal if id(i) not in used]
        else:
            items = [i for i in result.journal if i.code in codes]
        for i in items:
            used.add(id(i))
        if not items:
            continue
        any_note = True
        story.append(Paragraph("<b>" + _e(T(title_key, count=len(items))) + "</b>", S["p"]))
        for i in items[:300]:
            story.append(Paragraph("– " + _e(i.located_message(lang)), S["small"]))
        if len(items) > 300:
            story.append(Paragraph(_e(T("report.val.more", count=len(items) - 300)), S["small"]))
    if not any_note:
        story.append(Paragraph(_e(T("report.val.none")), S["p"]))

    # -- signature block -------------------------------------------------------------
    sig = [[T("report.sig.prepared"), "_" * 22, "_" * 28, "_" * 14],
           ["", T("report.sig.signature"), T("report.sig.name"), T("report.sig.date")],
           [T("report.sig.checked"), "_" * 22, "_" * 28, "_" * 14],
           ["", T("report.sig.signature"), T("report.sig.name"), T("report.sig.date")]]
    st = Table(sig, colWidths=[40 * mm, 45 * mm, 55 * mm, 30 * mm])
    st.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8.5), ("FONT", (0, 1), (-1, 1), FONT, 6.5),
                            ("FONT", (0, 3), (-1, 3), FONT, 6.5), ("TEXTCOLOR", (0, 1), (-1, 1), colors.grey),
                            ("TEXTCOLOR", (0, 3), (-1, 3), colors.grey), ("TOPPADDING", (0, 0), (-1, 0), 14),
                            ("TOPPADDING", (0, 2), (-1, 2), 14)]))
    story.append(KeepTogether([Paragraph(_e(T("report.h.signature")), S["h"]), st]))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=T("report.title") + " — " + (ent.name or ""),
                            author="EcologIS", subject=T("report.title"), lang=lang)

    doc.build(story, canvasmaker=numbered_canvas(T("report.page", page="{page}", total="{total}"),
                                                 (ent.name or "") + (f" · {ent.edrpou}" if ent.edrpou else "")))
    return buf.getvalue()


def _center(profile):
    ent = profile.enterprise
    return (ent.lat, ent.lon) if ent.lat is not None and ent.lon is not None else None


def receptors_story(profile, result, an, T, S, lang: str) -> list:
    """6.1: receptors inside the СЗЗ as conflicts (issue 6), all receptors with distances."""
    if an is None:
        return []
    out = [Paragraph(_e(T("report.h.receptors")), S["h"])]
    conflicts = an.conflicts
    if conflicts:
        out.append(Paragraph(_e(T("report.rec.conflicts", count=len(conflicts), radius=_fmt(an.radius_m, 0, lang))),
                             S["warn"]))
        for line in an.conflict_lines(lang):
            out.append(Paragraph("• " + _e(line), S["p"]))
    else:
        out.append(Paragraph(_e(T("report.rec.no_conflicts", radius=_fmt(an.radius_m, 0, lang))), S["p"]))
    rows = [[Paragraph(_e(T(k)), S["cellb"]) for k in ("report.rec.col.name", "report.rec.col.kind",
                                                         "report.rec.col.distance", "report.rec.col.inside")]]
    for r in sorted(an.receptors, key=lambda r: r.distance_m):
        rows.append([Paragraph(_e(r.name or T("geo.unnamed")), S["cell"]), Paragraph(_e(T("geo.kind." + r.kind)), S["cell"]),
                     _fmt(r.distance_m, 0, lang), T("report.yes") if r.inside else T("report.no")])
    out.append(_table(rows, [62 * mm, 40 * mm, 30 * mm, 30 * mm], align_right_from=2))
    out.append(Paragraph(_e(T("report.rec.method." + an.method)), S["small"]))
    return out


def dispersion_story(profile, result, res: dict | None, T, S, lang: str) -> list:
    """6.2: per-source C_m, x_m, u_m; field maxima; receptors; map with isolines and the
    calculated СЗЗ beside the normative zone; the unverified OND-86 pieces."""
    if not res:
        return []
    out = [Paragraph(_e(T("report.h.dispersion")), S["h"])]
    if "error" in res:
        out.append(Paragraph(_e(T("report.disp.invalid")), S["warn"]))
        out += [Paragraph("– " + _e(m), S["small"]) for m in res["error"][:50]]
        return out
    out.append(Paragraph(_e(T("report.disp.params", A=_g(res["A"], lang), eta=_g(res["eta"], lang),
                                directions=res["directions"], step=_g(res["grid"]["step_m"], lang))), S["p"]))
    hdr = ["report.disp.col.source", "report.col.substance", "report.disp.col.rate", "report.disp.col.c_m",
           "report.disp.col.share", "report.disp.col.x_m", "report.disp.col.u_m"]
    rows = [[Paragraph(_e(T(h)), S["cellb"]) for h in hdr]]
    for r in res["sources"]:
        rows.append([Paragraph(_e(r["id"]), S["cell"]), Paragraph(_e(r["substance_name"]), S["cell"]),
                     _g(r["rate_g_s"], lang), _g(r["c_m_mg_m3"], lang), _g(r["c_m_share_gdk"], lang),
                     _g(r["x_m_m"], lang), _g(r["u_m_m_s"], lang)])
    out.append(_table(rows, [20 * mm, 50 * mm, 18 * mm, 22 * mm, 18 * mm, 20 * mm, 20 * mm], align_right_from=2))
    out.append(Spacer(1, 2 * mm))
    hdr = ["report.col.substance", "report.disp.col.max", "report.disp.col.bg", "report.disp.col.max_bg",
           "report.disp.col.share_bg", "report.disp.col.where"]
    rows = [[Paragraph(_e(T(h)), S["cellb"]) for h in hdr]]
    for tg in res["targets"]:
        fm = tg["field_max"]
        rows.append([Paragraph(_e(tg["name"]), S["cell"]), _g(fm["value_mg_m3"], lang), _g(tg["background_mg_m3"], lang),
                     _g(fm["value_with_background_mg_m3"], lang), _g(fm["share_gdk_with_background"], lang),
                     Paragraph(_e(f"{fm['lat']:.5f}, {fm['lon']:.5f}"), S["cell"])])
    out.append(KeepTogether([Paragraph(_e(T("report.disp.targets")), S["p"]),
                             _table(rows, [52 * mm, 22 * mm, 20 * mm, 24 * mm, 22 * mm, 34 * mm], align_right_from=1)]))
    recs = [(tg, r) for tg in res["targets"] for r in tg["receptors"]]
    if recs:
        hdr = ["report.rec.col.name", "report.col.substance", "report.disp.col.rec_value", "report.disp.col.share_bg"]
        rows = [[Paragraph(_e(T(h)), S["cellb"]) for h in hdr]]
        for tg, r in recs:
            rows.append([Paragraph(_e(r.get("name") or r["id"]), S["cell"]), Paragraph(_e(tg["name"]), S["cell"]),
                         _g(r["value_with_background_mg_m3"], lang), _g(r["share_gdk_with_background"], lang)])
        out.append(Spacer(1, 2 * mm))
        out.append(KeepTogether([Paragraph(_e(T("report.disp.receptors")), S["p"]),
                                 _table(rows, [55 * mm, 55 * mm, 32 * mm, 28 * mm], align_right_from=2)]))
    center = _center(profile)
    sel = next((tg for tg in res["targets"] if tg["id"] == res.get("selected_target")), None)
    if center is not None and sel is not None:
        try:
            from ecologis.plots.site_map import site_map_figure

            recs_geo = profile.receptors or None
            fig = site_map_figure(center, float(result.szz_m), site_geojson=profile.site or None, receptors=recs_geo,
                                  sources=[{"id": s["id"], "lat": s["lat"], "lon": s["lon"]} for s in
                                           _dispersion_sources(profile, res)],
                                  lang=lang, overlays=sel)
            out.append(KeepTogether([Paragraph(_e(T("report.disp.map", target=sel["name"])), S["p"]),
                                     _image(_png(fig), 150),
                                     Paragraph(_e(T("report.disp.map_caption", radius=_fmt(result.szz_m, 0, lang))),
                                               S["small"])]))
        except Exception as exc:  # noqa: BLE001 - a drawing problem must not stop the report; say so
            out.append(Paragraph(_e(T("report.disp.map_failed", error=str(exc)[:200])), S["small"]))
    if res["unverified"]:
        out.append(Paragraph(_e(T("report.disp.unverified")), S["warn"]))
        for u in res["unverified"]:
            out.append(Paragraph("• " + _e(f"{u['id']}: {T('disp.unv.' + u['id'])}"), S["small"]))
    for w in res.get("warnings") or []:
        out.append(Paragraph("– " + _e(w.get("message") or w.get("key")), S["small"]))
    return out


def _dispersion_sources(profile, res) -> list[dict]:
    ids = {r["id"] for r in res["sources"]}
    return [{"id": s.id, "lat": s.lat, "lon": s.lon} for s in profile.sources
            if s.id in ids and s.lat is not None and s.lon is not None]


def backgrounds_story(profile, dispersion: dict | None, on, T, S, lang: str) -> list:
    """6.3: the background values used (dispersion) and stored (Order 286), each with its
    method, date, validity end and the "reconstructed method" label when it applies."""
    from ecologis.core.background.store import valid_backgrounds

    used = [] if not dispersion or "error" in dispersion else list(dispersion.get("backgrounds_used") or [])
    stored = valid_backgrounds(profile, on)
    if not used and not stored:
        return []
    out = [Paragraph(_e(T("report.h.backgrounds")), S["h"])]
    hdr = ["report.col.substance", "report.bg.col.value", "report.bg.col.origin", "report.bg.col.method",
           "report.bg.col.date", "report.bg.col.valid_until", "report.bg.col.status"]

    def row(b, name):
        status = T("report.bg.reconstructed") if b.get("reconstructed") else T("report.bg.normative")
        if b.get("origin") == "user":
            status = T("report.bg.user")
        return [Paragraph(_e(name), S["cell"]), _g(b["value_mg_m3"], lang),
                Paragraph(_e(T("report.bg.origin." + ("user" if b.get("origin") == "user" else
                                                      "input" if b.get("origin") == "input" else "stored"))), S["cell"]),
                Paragraph(_e(b.get("method_ref") or b.get("method") or "—"), S["cell"]),
                _e(b.get("date") or "—"), _e(b.get("valid_until") or "—"), Paragraph(_e(status), S["cell"])]

    pieces: set[str] = set()
    if used:
        rows = [[Paragraph(_e(T(h)), S["cellb"]) for h in hdr]]
        for b in used:
            rows.append(row(b, b.get("name") or b["substance"]))
            pieces |= set(b.get("reconstructed_pieces") or [])
        out.append(KeepTogether([Paragraph(_e(T("report.bg.used")), S["p"]),
                                 _table(rows, [38 * mm, 18 * mm, 24 * mm, 36 * mm, 18 * mm, 18 * mm, 22 * mm],
                                        align_right_from=None)]))
    if stored:
        rows = [[Paragraph(_e(T(h)), S["cellb"]) for h in hdr]]
        for b in stored:
            name = str(b.get("substance") or "")
            if b.get("post"):
                name += f" ({b['post']})"
            if b.get("gradation"):
                name += " · " + T("bg.grad." + b["gradation"]) if b["gradation"] in ("calm", "N", "E", "S", "W", "any",
                                                                                      "wind") else f" · {b['gradation']}"
            rows.append(row(dict(b, origin="stored"), name))
            pieces |= set(b.get("reconstructed_pieces") or [])
        out.append(Spacer(1, 2 * mm))
        out.append(KeepTogether([Paragraph(_e(T("report.bg.stored")), S["p"]),
                                 _table(rows, [38 * mm, 18 * mm, 24 * mm, 36 * mm, 18 * mm, 18 * mm, 22 * mm])]))
    if pieces:
        out.append(Paragraph(_e(T("bg.warn.reconstructed")), S["warn"]))
        for pid in sorted(pieces):
            out.append(Paragraph("• " + _e(f"{pid}: {T('bg.piece.' + pid)}"), S["small"]))
    return out


def write_report(path: str | Path, assessment, lang: str = "uk", **kw) -> Path:
    """Build the report of ``assessment`` and write it atomically."""
    data = build_report(assessment, lang, **kw)
    atomic_write_bytes(path, data)
    return Path(path)
