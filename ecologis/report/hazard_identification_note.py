"""Calculation note (розрахунково-пояснювальна записка) of an ОПН identification, PDF.

Resolution No. 1030 p. 13 paragraph 2 (as amended by resolution No. 690/2023, «Зміни»
item 8(5)): the identification calculations are documented as a calculation note.
The note names the data sources and every assumption (read from
``resources/hazard_identification/rules.json``).  Fonts: DejaVu Sans (Cyrillic),
embedded.  All user text is XML-escaped before it goes into a Paragraph.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from ecologis.i18n import t_lang
from ecologis.io.atomic import atomic_write_bytes
from ecologis.report.common import FONT_BOLD, e as _e, num, numbered_canvas, paragraph_styles, table
from ecologis.report.common import register_fonts as _register_fonts

RULE_KEYS = (
    "named_precedence",
    "multiple_categories",
    "flammable_liquids",
    "exclusion",
    "single_substance",
    "named_entry_sum",
    "summation",
    "section_o",
    "tier_to_class",
    "missing_lower_threshold",
    "numerical_tolerance",
)


def _styles():
    st = paragraph_styles("opn", 9, 11.5, 7, 8.5)
    st["title"] = ParagraphStyle("opntitle", parent=st["p"], fontName=FONT_BOLD, fontSize=14, leading=18,
                                 alignment=TA_CENTER, spaceAfter=6)
    st["h"] = ParagraphStyle("opnh", parent=st["p"], fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=8,
                             spaceAfter=4)
    st["small"] = ParagraphStyle("opnsmall", parent=st["p"], fontSize=7.5, leading=9)
    return st


def _n(x) -> str:
    return num(x, 6) if isinstance(x, float) or x is None else str(x)


def build_note(obj, enterprise, items, result, lang: str = "uk", inventory_label: str = "", tables=None) -> bytes:
    """The calculation note as PDF bytes."""
    if tables is None:
        tables = result.tables
    rules = tables.rules
    _register_fonts()
    st = _styles()
    T = lambda key, **kw: t_lang(lang, key, **kw)  # noqa: E731
    story = [Paragraph(_e(T("opn.note.title")), st["title"])]

    # 1. enterprise and object ----------------------------------------------------------
    story.append(Paragraph(_e(T("opn.note.section.object")), st["h"]))
    fields = [
        (T("opn.field.enterprise_name"), enterprise.name),
        (T("opn.field.edrpou"), enterprise.edrpou or enterprise.rnokpp),
        (T("opn.field.legal_address"), enterprise.legal_address),
        (T("opn.field.object_name"), obj.name),
        (T("opn.field.address"), obj.address),
        (T("opn.field.commissioning_date"), obj.commissioning_date),
        (T("opn.field.area_m2"), _n(obj.area_m2) if obj.area_m2 is not None else ""),
        (T("opn.note.inventory_file"), inventory_label),
    ]
    data = [[Paragraph(_e(k), st["cellb"]), Paragraph(_e(v) or "—", st["cell"])] for k, v in fields]
    for s in obj.hazard_sources:
        desc = ", ".join(x for x in (s.kind, f"{_n(s.quantity)}" if s.quantity is not None else "", T("opn.unit.length_m", value=_n(s.length_m)) if s.length_m is not None else "", s.characteristics) if x)
        data.append([Paragraph(_e(T("opn.field.hazard_source")), st["cellb"]), Paragraph(_e(f"{s.name}: {desc}"), st["cell"])])
    story.append(_table(data, [70 * mm, 190 * mm]))

    # 2. result -------------------------------------------------------------------------------
    story.append(Paragraph(_e(T("opn.note.section.result")), st["h"]))
    cls = result.klass
    story.append(Paragraph("<b>" + _e(T("opn.result.class_label")) + ":</b> " + _e(T("opn.result.class_n", klass=cls) if cls else T("opn.result.not_opn")), st["p"]))
    story.append(Paragraph("<b>" + _e(T("opn.result.deciding_group")) + ":</b> " + _e(T(f"opn.group.{result.deciding_group}") if result.deciding_group else "—"), st["p"]))
    story.append(Paragraph("<b>" + _e(T("opn.result.deciding_substance")) + ":</b> " + _e(result.deciding_substance or "—"), st["p"]))
    story.append(Paragraph("<b>" + _e(T("opn.result.deciding_rule")) + ":</b> " + _e(T(f"opn.rule.{result.deciding_rule}") if result.deciding_rule else "—"), st["p"]))

    # 3. calculation table ----------------------------------------------------------------------
    story.append(Paragraph(_e(T("opn.table.title")), st["h"]))
    story.append(Paragraph(_e(T("opn.note.table_legend")), st["small"]))
    story.append(Spacer(1, 2 * mm))
    head = [T("opn.table.row"), T("opn.table.name"), T("opn.table.cas"), T("opn.table.categories"), T("opn.table.quantity"),
            T("opn.table.excluded"), T("opn.table.q2"), T("opn.table.q1"), T("opn.table.r2"), T("opn.table.r1"), "H", "P", "E", "O"]
    rows = [[Paragraph(_e(h), st["cellb"]) for h in head]]
    for r in result.table():
        cats = ";".join(r["categories"])
        if r["named_entry"]:
            cats = (cats + " " if cats else "") + T("opn.table.named_short", entry=r["named_entry"])
        cells = [r["row"], r["name"], r["cas"] or "—", cats or "—", _n(r["quantity_t"]), T("opn.yes") if r["excluded"] else T("opn.no"),
                 _n(r["threshold_class2_t"]), _n(r["threshold_class1_t"]), _n(r["ratio_class2"]), _n(r["ratio_class1"])]
        for g in ("H", "P", "E", "O"):
            gd = r["groups"].get(g)
            cells.append(f"{_n(gd['ratio_class2'])} / {_n(gd['ratio_class1'])}" if gd else "—")
        rows.append([Paragraph(_e(c), st["cell"]) for c in cells])
    widths = [12, 46, 20, 22, 17, 14, 16, 16, 16, 16, 18, 18, 18, 18]
    story.append(_table(rows, [w * mm for w in widths], header=True))

    story.append(Paragraph(_e(T("opn.note.section.sums")), st["h"]))
    sums = [[Paragraph(_e(x), st["cellb"]) for x in (T("opn.table.group"), T("opn.table.sum2"), T("opn.table.sum1"))]]
    for g in ("H", "P", "E"):
        sums.append([Paragraph(_e(T(f"opn.group.{g}")), st["cell"]), Paragraph(_n(result.sums[g]["class2"]), st["cell"]), Paragraph(_n(result.sums[g]["class1"]), st["cell"])])
    o = result.section_o
    sums.append([
        Paragraph(_e(T("opn.group.O") + " — " + T("opn.note.section_o_mass", mass=_n(o["total_mass_t"]), q2=_n(o["threshold_class2_t"]), q1=_n(o["threshold_class1_t"]))), st["cell"]),
        Paragraph(_n(o["ratio_class2"]), st["cell"]), Paragraph(_n(o["ratio_class1"]), st["cell"]),
    ])
    story.append(_table(sums, [150 * mm, 40 * mm, 40 * mm], header=True))

    # 4. method, assumptions and sources ------------------------------------------------------
    story.append(Paragraph(_e(T("opn.note.section.method")), st["h"]))
    for key in RULE_KEYS:
        rule = rules.get(key, {})
        label = T(f"opn.note.rule.{key}")
        if rule.get("status") == "assumption":
            label += " — " + T("opn.note.assumption")
        story.append(Paragraph("<b>" + _e(label) + ".</b> " + _e(T(f"report.opn.rule.{key}")), st["small"]))
        story.append(Spacer(1, 1.2 * mm))

    story.append(Paragraph(_e(T("opn.note.section.sources")), st["h"]))
    story.append(Paragraph(_e(T("report.opn.tables")), st["small"]))
    for d in cited_documents(tables, lang):
        story.append(Paragraph("• " + _e(d), st["small"]))
    story.append(Paragraph("• " + _e(T("opn.note.seed_source")), st["small"]))

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=14 * mm,
                            title=T("opn.note.title"), author="EcologIS")

    doc.build(story, canvasmaker=numbered_canvas(T("opn.note.page", page="{page}", total="{total}"),
                                                 font_size=8, margin_x=15 * mm, margin_y=8 * mm, color="#000000"))
    return buf.getvalue()


def cited_documents(tables, lang: str = "en") -> list[str]:
    """The documents the threshold tables come from, cited as documents in ``lang``:
    without the note of where the project transcribed them and without web addresses."""
    import re

    out = set()
    for c in list(tables.categories) + list(tables.named):
        d = re.sub(r",?\s*transcribed in .*$", "", c.source_document or "").strip()
        d = re.sub(r"\s*\([^()]*(?:German list|not seen)[^()]*\)", "", d)
        if d and lang == "uk":
            d = re.sub(r"Directive (\d{4}/\d+)/EU", r"Директива \1/ЄС", d)
            d = re.sub(r"Annex I Part (\d)", r"додаток I, частина \1", d)
        if d:
            out.add(d)
    return sorted(out)


def _table(data, widths, header: bool = False):
    return table(data, widths, header_rows=1 if header else 0, grid_color="#808080", header_bg="#e8eef4",
                 valign="TOP", padding={"left": 2, "right": 2})


def write_note(path, obj, enterprise, items, result, lang: str = "uk", inventory_label: str = "", tables=None) -> Path:
    """Build the note and write it atomically to ``path``."""
    data = build_note(obj, enterprise, items, result, lang=lang, inventory_label=inventory_label, tables=tables)
    atomic_write_bytes(path, data)
    return Path(path)
