"""The assessment report (PDF, reportlab) a consultant hands to a client.

Contents (the thesis, §2.1 item 6: the methodology parameters, the input data, the
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

import numpy as np

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (BaseDocTemplate, Frame, Image, KeepTogether, PageTemplate, Paragraph, Spacer, Table,
                                TableStyle)
from reportlab.platypus.tableofcontents import TableOfContents

from ecologis.i18n import format_fixed, format_significant_lang, t_lang
from ecologis.io.atomic import atomic_write_bytes
from ecologis.report.common import FONT, FONT_BOLD, e as _e, numbered_canvas, paragraph_styles
from ecologis.report.common import register_fonts as _register_fonts
from ecologis.report.common import table as _common_table


#: reportlab hyphenation (pyphen dictionaries) per report language: a word too long for
#: its column breaks at a syllable with a hyphen, never at an arbitrary letter.
HYPHENATION = {"uk": "uk_UA", "en": "en_US"}


def _styles(lang: str = "uk"):
    st = paragraph_styles("rep", 9.5, 12.5, 7.5, 9)
    base = st["p"]
    st.update({
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20, alignment=TA_CENTER, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=14, alignment=TA_CENTER, spaceAfter=8),
        "h": ParagraphStyle("h", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4),
        "tocH": ParagraphStyle("tocH", parent=base, fontName=FONT_BOLD, fontSize=10, leading=13, spaceAfter=2),
        "big": ParagraphStyle("big", parent=base, fontName=FONT_BOLD, fontSize=13, leading=17),
        "warn": ParagraphStyle("warn", parent=base, fontName=FONT_BOLD, textColor=colors.HexColor("#a00000"),
                               spaceBefore=4, spaceAfter=3),
    })
    hy = HYPHENATION.get(lang, "en_US")
    for k in ("cell", "cellb"):              # running text wraps at spaces; narrow cells need syllables
        st[k].hyphenationLang = hy
        st[k].embeddedHyphenation = 1
        st[k].uriWasteReduce = 0.3
    return st


def _fmt(x, digits: int = 3, lang: str = "uk") -> str:
    """Fixed decimals in the report's language, escaped for a Paragraph."""
    return _e(format_fixed(x, digits, lang))


def _g(x, lang: str = "uk") -> str:
    """A stored number shown with up to 6 significant digits (display only, never stored)."""
    return _e(format_significant_lang(x, 6, lang))


def _png(fig, dpi: int = 150) -> io.BytesIO:
    """The figure as an RGB PNG at ``dpi``, drawn once on an Agg canvas.

    A figure laid out by ``tight_layout`` keeps a placeholder layout engine, for which
    ``savefig`` lays the text out once more before drawing; the layout is already done, so
    it is dropped (same picture).  An opaque figure (every report figure) is stored without
    its alpha channel: the same pixels, and no transparency mask for the PDF to carry.  The
    PNG is compressed lightly: reportlab unpacks it and compresses the pixels itself."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.layout_engine import PlaceHolderLayoutEngine
    from PIL import Image as PILImage

    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)
    canvas = FigureCanvasAgg(fig)
    old_dpi = fig.dpi
    fig.set_dpi(dpi)
    try:
        canvas.draw()
        rgba = np.asarray(canvas.buffer_rgba())
    finally:
        fig.set_dpi(old_dpi)
    opaque = bool((rgba[..., 3] == 255).all())
    img = PILImage.fromarray(np.ascontiguousarray(rgba[..., :3]) if opaque else np.array(rgba))
    buf = io.BytesIO()
    img.save(buf, format="png", dpi=(dpi, dpi), compress_level=1)   # lossless; the PDF compresses it again
    buf.seek(0)
    return buf


def _image(buf: io.BytesIO, width_mm: float) -> Image:
    from reportlab.lib.utils import ImageReader

    ir = ImageReader(buf)
    w, h = ir.getSize()
    buf.seek(0)
    width = width_mm * mm
    img = Image(buf, width=width, height=width * h / w)
    img.png_bytes = buf.getvalue()          # the Word report embeds the same picture
    return img


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


def site_map_png(profile, result, lang: str = "uk", overlays: dict | None = None, tiles="default",
                 with_info: bool = False, zones: dict | None = None, *, site):
    """PNG bytes of the map and which renderer drew it ("site_map" or "fallback"); with
    ``with_info`` also the base map drawn under it (None: no tiles, no underlay).

    :func:`ecologis.plots.site_map.site_map_figure` whenever there is a centre (the
    enterprise point, or the site centroid), over the project's underlay (a georeferenced
    image) or the cached tiles (``tiles``: default the user's offline base map and the
    tile cache, read offline; None: no base map); the schematic fallback without a centre,
    or if the geometry cannot be drawn.  ``overlays``: a dispersion target (isolines).
    ``zones``: the zones side by side (``Assessment.zones``), so the normative zone is
    drawn beside the КНП and the calculated zones.  ``site``: the pipeline's site analysis
    (``Assessment.site``, the zone and the receptors inside it); None (the site could not
    be analysed) draws the schematic fallback."""
    from ecologis.plots.site_map import site_map_figure

    if isinstance(tiles, str) and tiles == "default":
        tiles = default_tiles(profile)
    center = _map_center(profile)
    if center is not None and site is not None:
        sources = [{"id": s.id, "name": s.name or s.id, "lat": s.lat, "lon": s.lon}
                   for s in profile.sources if s.lat is not None and s.lon is not None]
        try:
            fig = site_map_figure(center, float(result.szz_m), site_geojson=profile.site or None,
                                  sources=sources, lang=lang, analysis=site,
                                  overlays=overlays, tiles=tiles, underlay=underlay_of(profile), zones=zones)
            out = (_png(fig), "site_map")
            return out + (fig.basemap,) if with_info else out
        except Exception:  # noqa: BLE001 - a broken site geometry must not stop the report
            pass
    fig = fallback_site_map_figure(center, float(result.szz_m), lang)
    out = (_png(fig), "fallback")
    return out + (None,) if with_info else out


def default_tiles(profile):
    """The tiles the report's map reads offline: the project's offline base map (an
    MBTiles file named in the project's ``basemap`` section), then the user's tile cache."""
    from ecologis.io.tile_cache import TileSources

    section = (getattr(profile, "extensions", None) or {}).get("basemap") or {}
    mbtiles = section.get("mbtiles") if isinstance(section, dict) else None
    return TileSources.default(mbtiles)


def underlay_of(profile) -> dict | None:
    """The project's georeferenced underlay (``basemap`` section: ``image`` path,
    ``bounds`` west, south, east, north and ``rotation_deg``; a GeoTIFF may omit them), read for drawing;
    None when there is none or it cannot be read."""
    from ecologis.io.underlay import read_underlay

    section = (getattr(profile, "extensions", None) or {}).get("basemap") or {}
    if not isinstance(section, dict) or not section.get("image"):
        return None
    return read_underlay(section["image"], section.get("bounds"), section.get("rotation_deg"))


def _table(data, widths, header_rows: int = 1, align_right_from: int | None = None, zebra: bool = True):
    return _common_table(data, widths, header_rows, align_right_from=align_right_from, zebra=zebra, font_size=7.5,
                         padding={"top": 2, "bottom": 2, "left": 3, "right": 3})


_UNIT_KEYS = {"t/yr": "report.unit.t_yr", "kg/yr": "report.unit.kg_yr", "g/s": "report.unit.g_s"}


def unit_text(unit, lang: str) -> str:
    """A mass unit in the report's language ("t/yr" → "т/рік"); a unit we do not know is
    printed as the user wrote it."""
    from ecologis.core.units import UnitError, parse_unit

    try:
        key = _UNIT_KEYS.get(parse_unit(unit))
    except (UnitError, TypeError, ValueError):
        key = None
    return t_lang(lang, key) if key else ("" if unit is None else str(unit))


def as_entered(x, lang: str) -> str:
    """A number with every digit the user entered (16.23192 → "16,23192" in Ukrainian):
    the shortest text that reads back as the same float; text is printed as it is."""
    import math

    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return "—" if x is None else str(x)
    if not math.isfinite(x):
        return "—"
    import numpy as np

    s = np.format_float_positional(float(x), trim="-") if abs(x) >= 1e-4 or x == 0 else repr(float(x))
    return s.replace(".", ",") if lang == "uk" else s


class _Doc(BaseDocTemplate):
    """A4 with one frame; headings of style ``h`` go into the table of contents."""

    def __init__(self, buf, **kw):
        super().__init__(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                         bottomMargin=18 * mm, **kw)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def afterFlowable(self, flowable):  # noqa: N802 - reportlab API
        if isinstance(flowable, Paragraph) and flowable.style.name == "h":
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page))


#: A table of contents is printed when the report has more sections than this.
TOC_AFTER = 4


def report_story(assessment, lang: str = "uk", when: datetime | None = None, tiles="default") -> list:
    """The report's content as reportlab flowables; :func:`build_report` lays it out as
    PDF and :func:`ecologis.report.docx_report.build_docx` converts the same list to Word,
    so the two documents cannot differ.  ``tiles``: where the map takes its base map from
    (default: the user's offline base map and the tile cache, read offline)."""
    profile, result = assessment.project, assessment.result
    dispersion, on = assessment.dispersion, assessment.on
    from ecologis import __version__
    from ecologis.core.gdk import GDK_KINDS

    _register_fonts()
    S = _styles(lang)

    def T(key, **kw):
        return t_lang(lang, key, **kw)

    when = when or datetime.now().astimezone()
    ent = profile.enterprise
    preset = result.preset
    pname = T(preset.name_key) if preset.name_key else (preset.name or preset.id)
    story = []

    # -- title block --------------------------------------------------------------------
    story += [Spacer(1, 4 * mm), Paragraph(_e(T("report.title")), S["title"]),
              Paragraph(_e(ent.name or T("report.unnamed")), S["subtitle"])]
    details = [
        (T("report.ent.edrpou"), ent.edrpou or "—"),
        (T("report.ent.kved"), ", ".join(ent.kved) or "—"),
        (T("report.ent.address"), ent.address or "—"),
        (T("report.ent.coordinates"), "—" if ent.lat is None or ent.lon is None
         else f"{_fmt(ent.lat, 6, lang)}; {_fmt(ent.lon, 6, lang)}"),
        (T("report.ent.activity"), ent.activity or "—"),
        (T("report.ent.sources"), str(len(profile.sources))),
        (T("report.date"), when.strftime("%d.%m.%Y %H:%M")),
        (T("report.app"), f"EcologIS {__version__}"),
    ]
    if ent.contacts:
        details.insert(5, (T("report.ent.contacts"), ent.contacts))
    story.append(_table([[Paragraph(_e(k), S["cellb"]), Paragraph(_e(v), S["cell"])] for k, v in details],
                        [50 * mm, 124 * mm], header_rows=0, zebra=False))
    story.append(Spacer(1, 4 * mm))
    box = [[Paragraph(_e(T("report.result.knp")), S["p"]), Paragraph(_fmt(result.knp, 3, lang), S["big"])],
           [Paragraph(_e(T("report.result.category")), S["p"]), Paragraph(_e(result.category), S["big"])],
           [Paragraph(_e(T("report.result.szz")), S["p"]),
            Paragraph(_e(T("report.result.szz_value", radius=_fmt(result.szz_m, 0, lang))), S["big"])],
           [Paragraph(_e(T("report.method.preset")), S["p"]), Paragraph(_e(pname), S["p"])]]
    bt = Table(box, colWidths=[64 * mm, 110 * mm])
    bt.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9), ("BOX", (0, 0), (-1, -1), 1.0, colors.HexColor("#1f4e9c")),
                            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef3fb")),
                            ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(bt)
    toc_at = len(story)

    # -- 1. methodology -------------------------------------------------------------
    story.append(Paragraph(_e(T("report.h.method")), S["h"]))
    story.append(Paragraph(_e(T("report.method.preset")) + ": <b>" + _e(pname) + "</b>", S["p"]))
    story.append(Paragraph(_e(T("report.method.formula")) + ": " + _e(T("formula." + preset.formula))
                           + "; " + _e(T("report.method.total")), S["p"]))
    story.append(Paragraph(_e(T("report.method.formula_" + preset.formula)), S["small"]))
    story.append(Spacer(1, 2 * mm))
    a_rows = [[T("report.col.class"), "1", "2", "3", "4"],
              [T("report.col.a")] + [_g(preset.a[c], lang) for c in (1, 2, 3, 4)]]
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
    pair = Table([[_table(a_rows, [28 * mm] + [12 * mm] * 4, align_right_from=1),
                   _table(cat_rows, [20 * mm, 52 * mm, 22 * mm], align_right_from=2)]],
                 colWidths=[80 * mm, 94 * mm])
    pair.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 7.5), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(pair)
    story.append(Spacer(1, 2 * mm))
    notes = []
    if preset.assumed_class_when_missing:
        notes.append(T("report.method.assumed_class", cls=preset.assumed_class_when_missing))
    notes.append(T("report.method.gdk_rule"))
    notes.append(T("report.method.duplicates." + result.duplicates))
    story.append(Paragraph(_e(" ".join(notes)), S["small"]))
    if preset.source_text(lang):
        story.append(Paragraph(_e(T("report.method.source")) + ": " + _e(preset.source_text(lang)), S["small"]))

    # -- 2. inputs -------------------------------------------------------------------
    prep = result.prepared
    story.append(Paragraph(_e(T("report.h.inputs")), S["h"]))
    hdr = [T("report.col.row"), T("report.col.substance"), T("report.col.cas"), T("report.col.mass"),
           T("report.col.mass_t"), T("report.col.gdk"), T("report.col.gdk_kind"), T("report.col.class_short"),
           T("report.col.source_no")]
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
        sid = getattr(e, "source_id", None)
        data.append([
            str(prep.rows[i]), Paragraph(_e(name), S["cell"]), Paragraph(_e((s.cas if s else "") or "—"), S["cell"]),
            Paragraph(_e(f"{as_entered(e.mass, lang)} {unit_text(e.unit, lang)}"), S["cell"]),
            as_entered(float(prep.mass_t[i]), lang), _g(prep.gdk[i], lang), Paragraph(_e(kind_text), S["cell"]),
            str(klass) if klass else "—", Paragraph(_e(sid or "—"), S["cell"]),
        ])
    story.append(_table(data, [10 * mm, 46 * mm, 20 * mm, 24 * mm, 17 * mm, 14 * mm, 17 * mm, 11 * mm, 15 * mm],
                        align_right_from=None))
    story.append(Paragraph(_e(T("report.inputs.note")), S["small"]))

    # -- 3. contributions ------------------------------------------------------------
    story.append(Paragraph(_e(T("report.h.contributions")), S["h"]))
    hdr = [T("report.col.rank"), T("report.col.substance"), T("report.col.mass_t"), T("report.col.gdk"),
           T("report.col.class_short"), T("report.col.a"), T("report.col.contribution"), T("report.col.share")]
    data = [[Paragraph(_e(h), S["cellb"]) for h in hdr]]
    for k, c in enumerate(result.contributions, start=1):
        name = c["substance"] if lang == "uk" else c["substance_en"]
        data.append([str(k), Paragraph(_e(name), S["cell"]), as_entered(c["mass_t_per_year"], lang),
                     _g(c["gdk_mg_m3"], lang),
                     str(c["hazard_class"]) + ("*" if c["class_assumed"] else ""), _g(c["a"], lang),
                     _fmt(c["contribution"], 3, lang), _fmt(100 * c["share"], 2, lang)])
    data.append(["", Paragraph("<b>" + _e(T("report.col.total")) + "</b>", S["cell"]), "", "", "", "",
                 _fmt(result.knp, 3, lang), _fmt(100.0 if result.knp > 0 else 0.0, 2, lang)])
    story.append(_table(data, [9 * mm, 62 * mm, 20 * mm, 17 * mm, 13 * mm, 11 * mm, 25 * mm, 17 * mm], align_right_from=2))
    if any(c["class_assumed"] for c in result.contributions):
        story.append(Paragraph(_e(T("report.contrib.assumed")), S["small"]))

    # -- 4. result and 5. chart ------------------------------------------------------
    story.append(Paragraph(_e(T("report.h.result")), S["h"]))
    dom = ", ".join(s.name(lang) for s in result.dominant_substances()) or "—"
    story.append(Paragraph(_e(T("report.result.knp")) + ": <b>" + _fmt(result.knp, 3, lang) + "</b>; "
                           + _e(T("report.result.category")) + ": <b>" + _e(result.category) + "</b>; "
                           + _e(T("report.result.szz")) + ": <b>"
                           + _e(T("report.result.szz_value", radius=_fmt(result.szz_m, 0, lang))) + "</b>", S["p"]))
    story.append(Paragraph(_e(T("report.result.dominant")) + ": " + _e(dom), S["p"]))
    from ecologis.plots.contributions import contributions_figure

    chart = _image(_png(contributions_figure(result, lang)), 95)
    story.append(KeepTogether([Paragraph(_e(T("report.h.chart")), S["h"]), chart]))

    # -- 6. map and zones ------------------------------------------------------------
    sel = None
    if dispersion and "targets" in dispersion:
        sel = next((tg for tg in dispersion["targets"] if tg["id"] == dispersion.get("selected_target")), None)
    zones = assessment.zones(lang)
    map_png, renderer, base = site_map_png(profile, result, lang, overlays=sel, tiles=tiles, with_info=True,
                                           zones=zones, site=assessment.site)
    norm = zones.get("normative") or {}
    if norm.get("geometry") and renderer == "site_map":
        caption = [T("report.map.caption_zones", cls=norm.get("class") or "—",
                     size=_fmt(float(norm.get("size_m") or 0), 0, lang), radius=_fmt(result.szz_m, 0, lang))]
    else:
        caption = [T("report.map.caption2", radius=_fmt(result.szz_m, 0, lang))]
    if sel is not None:
        caption.append(T("report.map.isolines_of", target=target_namer(result, lang)(sel)))
    if base is None:
        caption.append(T("report.map.no_basemap_caption"))
    story.append(KeepTogether([Paragraph(_e(T("report.h.map")), S["h"]), _image(map_png, 96),
                               Paragraph(_e(" ".join(caption)), S["small"])]))
    from ecologis.report.zones_section import zones_story    # the sanitary zones side by side

    # -- 6.1–6.4 zones, receptors, dispersion, backgrounds (the last three only when the data
    # exist), numbered in the order they are printed ------------------------------------
    parts = [zones_story(assessment, T, S, lang),
             receptors_story(profile, result, assessment.site if profile.receptors else None, T, S, lang),
             dispersion_story(profile, result, dispersion, T, S, lang),
             backgrounds_story(profile, dispersion, on, T, S, lang)]
    for no, part in enumerate((p for p in parts if p), start=1):
        head = part[0]                          # each part starts with its heading
        part[0] = Paragraph(f"6.{no}. " + head.text, head.style)
        story += part

    # -- 7. recommendations ----------------------------------------------------------
    story.append(Paragraph(_e(T("report.h.recommendations")), S["h"]))
    recs = result.recommendations()
    for r in recs:
        story.append(Paragraph("• " + _e(r.text(lang)), S["small"]))
    if not recs:
        story.append(Paragraph(_e(T("report.none")), S["p"]))

    # -- 8. validation notes ---------------------------------------------------------
    from ecologis.report.notes import grouped_notes

    last = [Paragraph(_e(T("report.h.validation")), S["h"])]
    groups = grouped_notes(result.journal, lang)
    for title, lines in groups:
        last.append(Paragraph("<b>" + _e(title) + "</b>", S["p"]))
        for line in lines:
            last.append(Paragraph("– " + _e(line), S["small"]))
    if not groups:
        last.append(Paragraph(_e(T("report.val.none")), S["p"]))

    # -- signature block (kept with the notes: never alone on a page) -----------------
    sig = [[T("report.sig.prepared"), "_" * 22, "_" * 28, "_" * 14],
           ["", T("report.sig.signature"), T("report.sig.name"), T("report.sig.date")],
           [T("report.sig.checked"), "_" * 22, "_" * 28, "_" * 14],
           ["", T("report.sig.signature"), T("report.sig.name"), T("report.sig.date")]]
    st = Table(sig, colWidths=[40 * mm, 45 * mm, 55 * mm, 30 * mm])
    st.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8.5), ("FONT", (0, 1), (-1, 1), FONT, 6.5),
                            ("FONT", (0, 3), (-1, 3), FONT, 6.5), ("TEXTCOLOR", (0, 1), (-1, 1), colors.grey),
                            ("TEXTCOLOR", (0, 3), (-1, 3), colors.grey), ("TOPPADDING", (0, 0), (-1, 0), 12),
                            ("TOPPADDING", (0, 2), (-1, 2), 12)]))
    sig_block = [Spacer(1, 3 * mm), Paragraph("<b>" + _e(T("report.h.signature")) + "</b>", S["p"]), st]
    tail_n = min(len(last), 4)
    story += last[:-tail_n]
    story.append(KeepTogether(last[-tail_n:] + sig_block))

    # -- table of contents (more than TOC_AFTER sections) ----------------------------
    n_sections = sum(1 for f in story if isinstance(f, Paragraph) and f.style.name == "h") + sum(
        1 for f in story if isinstance(f, KeepTogether) for g in f._content
        if isinstance(g, Paragraph) and g.style.name == "h")
    if n_sections > TOC_AFTER:
        toc = TableOfContents()
        toc.levelStyles = [ParagraphStyle("toc0", fontName=FONT, fontSize=8, leading=9.5, leftIndent=4 * mm)]
        toc.dotsMinLevel = 0
        toc.tableStyle = TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                     ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                     ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])
        story[toc_at:toc_at] = [Spacer(1, 3 * mm), Paragraph(_e(T("report.toc")), S["tocH"]), toc]
    return story


def build_report(assessment, lang: str = "uk", dictionary=None, when: datetime | None = None, tiles="default") -> bytes:
    """The report of an :class:`ecologis.pipeline.Assessment` as PDF bytes (nothing is
    written); every number comes from that one assessment.

    Sections that appear only when their data exist: 6.1 receptors inside the СЗЗ (the
    project's receptors), 6.2 the OND-86 dispersion of the sources inventory and 6.3 the
    background concentrations used (stored Order 286 results valid on the assessment's
    date, and those the dispersion added), each labelled "reconstructed method" when a
    candidate formula was used."""
    story = report_story(assessment, lang, when, tiles)
    ent = assessment.project.enterprise

    def T(key, **kw):
        return t_lang(lang, key, **kw)

    # Image streams in binary (Flate) form, as PDF allows, instead of reportlab's default ASCII85
    # text form (done in pure Python here, and a quarter larger): the same images and pages.
    rl_config.useA85 = 0
    buf = io.BytesIO()
    doc = _Doc(buf, title=T("report.title") + " — " + (ent.name or ""), author="EcologIS",
               subject=T("report.title"), lang=lang)
    doc.multiBuild(story, canvasmaker=numbered_canvas(T("report.page", page="{page}", total="{total}"),
                                                      (ent.name or "") + (f" · {ent.edrpou}" if ent.edrpou else "")))
    return buf.getvalue()


def receptors_story(profile, result, an, T, S, lang: str) -> list:
    """6.1: receptors inside the СЗЗ as conflicts (issue 6), all receptors with distances."""
    if an is None:
        return []
    out = [Paragraph(_e(T("report.h.receptors")), S["h"])]
    conflicts = an.conflicts
    if conflicts:
        out.append(Paragraph(_e(T("report.rec.conflicts", count=len(conflicts), radius=_fmt(an.radius_m, 0, lang))),
                             S["warn"]))
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


def target_namer(result, lang: str):
    """A function giving a dispersion target (substance) its name in the report's language
    from the dictionary entry of the same row, else the name the user wrote."""
    prep = result.prepared
    names: dict = {}
    for i in range(prep.n):
        sub = prep.substances[i]
        if sub is None:
            continue
        for k in (str(prep.emissions[i].substance), sub.cas, sub.id):
            if k:
                names.setdefault(k, sub.name(lang))

    def name(tg: dict) -> str:
        if tg.get("kind") == "group":
            # a summation group by its emitted members, in the report's language
            members = " + ".join(names.get(k) or str(k) for k in tg.get("substances") or [])
            return t_lang(lang, "report.disp.group_name", members=members)
        return names.get(tg.get("id")) or names.get(tg.get("name")) or str(tg.get("name") or "")
    return name


#: A substance or group whose ground-level maximum (with background) stays below this share
#: of its ГДК м.р. is listed by name only in the report (the grid extent rule uses the same 0.05).
SMALL_SHARE = 0.05


def contributions_and_gdv_story(res: dict, tname, substance_label, T, S, lang: str) -> list:
    """What «Эколог» calls the contribution table (each source's and substance's part of
    the worst target's maximum, for the worst wind) and the permissible emissions (ГДВ):
    the sources that must reduce, with how much, or one line that none must."""
    out = []
    sel = next((tg for tg in res["targets"] if tg["id"] == res.get("selected_target")), None)
    contrib = res.get("contributions") or []
    if sel is not None and contrib:
        out.append(Paragraph(_e(T("report.disp.contrib_title", target=tname(sel))), S["small"]))
        rows = [[Paragraph(_e(T(h)), S["cellb"]) for h in ("report.col.source_no", "report.col.substance",
                                                            "report.disp.col.contribution", "report.col.share")]]
        for c in sorted((c for c in contrib if (c.get("share") or 0.0) >= 0.01), key=lambda c: -c["share"]):
            rows.append([Paragraph(_e(str(c["source"])), S["cell"]), Paragraph(_e(substance_label(c["substance"])), S["cell"]),
                         _g(c["value_mg_m3"], lang), _fmt(100 * (c.get("share") or 0.0), 1, lang)])
        out.append(_table(rows, [20 * mm, 90 * mm, 32 * mm, 25 * mm], align_right_from=2))
    gdv = res.get("gdv") or []
    if gdv:
        cut = [g for g in gdv if (g.get("reduction_pct") or 0.0) > 0]
        if not cut:
            out.append(Paragraph(_e(T("report.disp.gdv_none")), S["small"]))
        else:
            out.append(Paragraph(_e(T("report.disp.gdv_title")), S["p"]))
            rows = [[Paragraph(_e(T(h)), S["cellb"]) for h in ("report.col.source_no", "report.col.substance",
                                                                "report.disp.col.m", "report.disp.col.gdv",
                                                                "report.disp.col.reduction")]]
            for g in sorted(cut, key=lambda g: -(g.get("reduction_pct") or 0.0)):
                rows.append([Paragraph(_e(str(g["source"])), S["cell"]),
                             Paragraph(_e(substance_label(g["substance"])), S["cell"]),
                             _g(g["m_g_s"], lang), _g(g["gdv_g_s"], lang), _fmt(g["reduction_pct"], 1, lang)])
            out.append(_table(rows, [20 * mm, 70 * mm, 26 * mm, 26 * mm, 25 * mm], align_right_from=2))
            out.append(Paragraph(_e(T("report.disp.gdv_rule")), S["small"]))
    return out


def dispersion_story(profile, result, res: dict | None, T, S, lang: str) -> list:
    """6.2: per substance its source, rate, C_m, x_m and the field maximum with background;
    the receptors; the unverified OND-86 formulas by name (the isolines and the
    calculated СЗЗ are on the map of section 6)."""
    if not res:
        return []
    out = [Paragraph(_e(T("report.h.dispersion")), S["h"])]
    if "error" in res:
        out.append(Paragraph(_e(T("report.disp.invalid")), S["warn"]))
        out += [Paragraph("– " + _e(m), S["small"]) for m in res["error"][:50]]
        return out
    out.append(Paragraph(_e(T("report.disp.params", A=_g(res["A"], lang), eta=_g(res["eta"], lang),
                                directions=res["directions"], step=_g(res["grid"]["step_m"], lang))), S["small"]))
    tname = target_namer(result, lang)
    used_ids = {r["id"] for r in res["sources"]}
    hdr = ["report.col.source_no", "report.disp.col.source_name", "report.disp.col.h", "report.disp.col.d",
           "report.disp.col.w0", "report.disp.col.t", "report.disp.col.x_m", "report.disp.col.u_m"]
    rows = [[Paragraph(_e(T(h)), S["cellb"]) for h in hdr]]
    geo = {}
    for r in res["sources"]:
        geo.setdefault(r["id"], r)
    for s in profile.sources:
        if s.id not in used_ids:
            continue
        r = geo[s.id]
        rows.append([Paragraph(_e(s.id), S["cell"]), Paragraph(_e(s.name or "—"), S["cell"]), _g(s.height_m, lang),
                     _g(s.diameter_m, lang), _g(s.velocity_m_s, lang), _g(s.temp_c, lang),
                     _g(r["x_m_m"], lang), _g(r["u_m_m_s"], lang)])
    if len(rows) > 1:
        out.append(_table(rows, [16 * mm, 66 * mm, 14 * mm, 14 * mm, 16 * mm, 16 * mm, 16 * mm, 16 * mm],
                          align_right_from=2))
        out.append(Spacer(1, 2 * mm))
    by_name = {}
    for r in res["sources"]:
        by_name.setdefault(r["substance_name"], []).append(r)
    hdr = ["report.col.substance", "report.col.source_no", "report.disp.col.rate", "report.disp.col.c_m",
           "report.disp.col.x_m", "report.disp.col.max_bg", "report.disp.col.share_bg"]
    rows = [[Paragraph(_e(T(h)), S["cellb"]) for h in hdr]]
    # the substances and groups that matter first; those whose maximum stays below
    # SMALL_SHARE of the ГДК (or have no ГДК м.р.) are counted in one line
    def share(tg):
        return (tg.get("field_max") or {}).get("share_gdk_with_background")
    shown = sorted((tg for tg in res["targets"] if (share(tg) or 0.0) >= SMALL_SHARE), key=lambda tg: -share(tg))
    small = [tg for tg in res["targets"] if (share(tg) or 0.0) < SMALL_SHARE]
    for tg in shown:
        fm = tg["field_max"]
        srcs = by_name.get(tg["name"], [])
        rows.append([Paragraph(_e(tname(tg)), S["cell"]),
                     Paragraph(_e(", ".join(str(r["id"]) for r in srcs) or "—"), S["cell"]),
                     _g(sum(r["rate_g_s"] for r in srcs), lang) if srcs else "—",
                     _g(max(r["c_m_mg_m3"] for r in srcs), lang) if srcs else "—",
                     _g(min(r["x_m_m"] for r in srcs), lang) if srcs else "—",
                     _g(fm["value_with_background_mg_m3"], lang), _g(fm["share_gdk_with_background"], lang)])
    if small:
        rows.append([Paragraph(_e(T("report.disp.others", n=len(small), share=_g(SMALL_SHARE, lang))), S["cell"]),
                     "", "", "", "", "", ""])
    out.append(_table(rows, [60 * mm, 16 * mm, 17 * mm, 20 * mm, 13 * mm, 23 * mm, 25 * mm], align_right_from=2))
    out.append(Paragraph(_e(T("report.disp.table_note")), S["small"]))
    by_id = {tg["id"]: tg for tg in res["targets"]}
    out += contributions_and_gdv_story(res, tname, lambda key: tname(by_id.get(key) or {"id": key, "name": key}),
                                       T, S, lang)
    recs = [(tg, r) for tg in res["targets"] for r in tg["receptors"]
            if r.get("share_gdk_with_background") is not None]
    recs.sort(key=lambda p: -(p[1].get("share_gdk_with_background") or 0.0))
    if recs:
        hdr = ["report.rec.col.name", "report.col.substance", "report.disp.col.rec_value", "report.disp.col.share_bg"]
        rows = [[Paragraph(_e(T(h)), S["cellb"]) for h in hdr]]
        for tg, r in recs[:2]:            # the two highest (the map and section 6.1 show the rest)
            rows.append([Paragraph(_e(r.get("name") or T("geo.unnamed")), S["cell"]), Paragraph(_e(tname(tg)), S["cell"]),
                         _g(r["value_with_background_mg_m3"], lang), _g(r["share_gdk_with_background"], lang)])
        out.append(Spacer(1, 2 * mm))
        out.append(KeepTogether([Paragraph(_e(T("report.disp.receptors_top")), S["p"]),
                                 _table(rows, [55 * mm, 63 * mm, 28 * mm, 28 * mm], align_right_from=2)]))
    if res["unverified"]:
        names = "; ".join(T("disp.unv." + u["id"]) for u in res["unverified"])
        out.append(Paragraph("<b>" + _e(T("report.disp.unverified")) + "</b> " + _e(names), S["small"]))
    names = {tg["id"]: tname(tg) for tg in res["targets"]}
    for w in res.get("warnings") or []:
        params = dict(w.get("params") or {})
        if "substance" in params:
            params["substance"] = names.get(params["substance"], params["substance"])
        try:
            text = T(w["key"], **params)
        except (KeyError, IndexError):
            text = w.get("message") or ""
        out.append(Paragraph("– " + _e(text), S["small"]))
    return out


def _dispersion_sources(profile, res) -> list[dict]:
    ids = {r["id"] for r in res["sources"]}
    return [{"id": s.id, "lat": s.lat, "lon": s.lon} for s in profile.sources
            if s.id in ids and s.lat is not None and s.lon is not None]


def substance_name(key, lang: str) -> str:
    """A substance stored by its key (CAS number or dictionary id) by its name in ``lang``
    (the key itself when the dictionary does not know it)."""
    from ecologis.io.reference_data import dispersion_lookup

    try:
        sub = dispersion_lookup()(str(key))
    except Exception:  # noqa: BLE001 - no dictionary: the stored key
        sub = None
    if sub is None:
        return "" if key is None else str(key)
    return (getattr(sub, "name_en", None) if lang == "en" else getattr(sub, "name_uk", None)) or str(key)


def backgrounds_story(profile, dispersion: dict | None, on, T, S, lang: str) -> list:
    """6.3: the background values used (dispersion) and stored (Order 286), each with its
    method, date, validity end and the "reconstructed method" label when it applies."""
    from ecologis.core.background.result import ref_text
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
                Paragraph(_e(ref_text(b, "method_ref", lang) or T("report.bg.method_unknown")), S["cell"]),
                _e(b.get("date") or "—"), _e(b.get("valid_until") or "—"), Paragraph(_e(status), S["cell"])]

    pieces: set[str] = set()
    if used:
        rows = [[Paragraph(_e(T(h)), S["cellb"]) for h in hdr]]
        for b in used:
            rows.append(row(b, substance_name(b.get("substance"), lang) if b.get("substance") else b.get("name")))
            pieces |= set(b.get("reconstructed_pieces") or [])
        out.append(KeepTogether([Paragraph(_e(T("report.bg.used")), S["p"]),
                                 _table(rows, [30 * mm, 16 * mm, 22 * mm, 38 * mm, 18 * mm, 18 * mm, 32 * mm],
                                        align_right_from=None)]))
    if stored:
        rows = [[Paragraph(_e(T(h)), S["cellb"]) for h in hdr]]
        for b in stored:
            name = substance_name(b.get("substance"), lang)
            if b.get("post"):
                name += f" ({b['post']})"
            if b.get("gradation"):
                name += " · " + T("bg.grad." + b["gradation"]) if b["gradation"] in ("calm", "N", "E", "S", "W", "any",
                                                                                      "wind") else f" · {b['gradation']}"
            rows.append(row(dict(b, origin="stored"), name))
            pieces |= set(b.get("reconstructed_pieces") or [])
        out.append(Spacer(1, 2 * mm))
        out.append(KeepTogether([Paragraph(_e(T("report.bg.stored")), S["p"]),
                                 _table(rows, [30 * mm, 16 * mm, 22 * mm, 38 * mm, 18 * mm, 18 * mm, 32 * mm])]))
    if pieces:
        out.append(Paragraph(_e(T("bg.warn.reconstructed")), S["warn"]))
        for pid in sorted(pieces):
            out.append(Paragraph("• " + _e(T("bg.piece." + pid)), S["small"]))
    return out


def write_report(path: str | Path, assessment, lang: str = "uk", **kw) -> Path:
    """Build the report of ``assessment`` and write it atomically: Word for a ``.docx``
    name, PDF otherwise."""
    if str(path).lower().endswith(".docx"):
        from ecologis.report.docx_report import build_docx

        data = build_docx(assessment, lang, **kw)
    else:
        data = build_report(assessment, lang, **kw)
    atomic_write_bytes(path, data)
    return Path(path)
