"""The assessment report as a Word document (python-docx) with the same content as the PDF.

:func:`ecologis.report.pdf_report.report_story` builds the report once, as reportlab
flowables; this module walks that list and writes each piece as its Word counterpart:
headings as Word headings (so Word's navigation pane and table of contents work), text
as paragraphs in named styles, tables as real Word tables (header row repeated, cells
editable), figures as pictures.  A consultant edits it like any other Word report.
"""

from __future__ import annotations

import html
import io
import re
from datetime import datetime

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

_TAG = re.compile(r"(<b>|</b>|<i>|</i>|<br\s*/?>)")
NOTE_STYLE = "EcologIS Note"
CELL_STYLE = "EcologIS Table Text"


def _runs(par, markup: str, bold: bool = False, size: float | None = None) -> None:
    """Add reportlab mini-markup (``<b>``, ``<i>``, ``<br/>``, escaped text) as runs."""
    b, i = bold, False
    for part in _TAG.split(markup or ""):
        if part == "<b>":
            b = True
        elif part == "</b>":
            b = bold
        elif part == "<i>":
            i = True
        elif part == "</i>":
            i = False
        elif part.startswith("<br"):
            par.add_run().add_break()
        elif part:
            run = par.add_run(html.unescape(re.sub(r"<[^>]+>", "", part)))
            run.bold = b or None
            run.italic = i or None
            if size:
                run.font.size = Pt(size)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    normal = doc.styles["Normal"]
    normal.font.name = "DejaVu Sans"
    normal.font.size = Pt(9.5)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), "DejaVu Sans")
    for name, size in ((NOTE_STYLE, 8.0), (CELL_STYLE, 8.0)):
        st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        st.font.size = Pt(size)
        st.paragraph_format.space_after = Pt(1 if name == CELL_STYLE else 3)
        st.paragraph_format.space_before = Pt(0)


class _Writer:
    def __init__(self, lang: str):
        self.doc = Document()
        self.lang = lang
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.left_margin = sec.right_margin = Mm(18)
        sec.top_margin, sec.bottom_margin = Mm(16), Mm(18)
        _styles(self.doc)

    def flowable(self, f, target=None) -> None:
        from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer, Table
        from reportlab.platypus.tableofcontents import TableOfContents

        doc = target or self.doc
        if isinstance(f, KeepTogether):
            for g in f._content:
                self.flowable(g, target)
        elif isinstance(f, Paragraph):
            self.paragraph(doc, f)
        elif isinstance(f, Table):
            self.table(doc, f)
        elif isinstance(f, Image):
            self.image(doc, f)
        elif isinstance(f, TableOfContents):
            self.toc(doc)
        elif isinstance(f, Spacer):
            return

    def paragraph(self, doc, f) -> None:
        name = f.style.name
        text = f.text
        if name == "title":
            par = doc.add_paragraph(style="Title")
        elif name == "h":
            par = doc.add_paragraph(style="Heading 1")
        elif name in ("tocH",):
            par = doc.add_paragraph(style="Heading 2")
        elif name.endswith("small") or name.endswith("cell") or name.endswith("cellb"):
            par = doc.add_paragraph(style=NOTE_STYLE)
        else:
            par = doc.add_paragraph()
        if name == "subtitle":
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _runs(par, text, bold=name in ("warn", "big") or name.endswith("cellb"))
        if name == "warn":
            for r in par.runs:
                r.font.color.rgb = RGBColor(0xA0, 0x00, 0x00)

    def table(self, doc, f) -> None:
        from reportlab.platypus import Paragraph, Table

        cells = f._cellvalues
        nested = any(isinstance(c, Table) for row in cells for c in row)
        if nested:                                      # a row of side-by-side tables
            for row in cells:
                for c in row:
                    if isinstance(c, Table):
                        self.table(doc, c)
            return
        nrows, ncols = len(cells), max(len(r) for r in cells)
        tbl = doc.add_table(rows=nrows, cols=ncols)
        tbl.style = "Table Grid"
        tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = getattr(f, "repeatRows", 0) or 0
        widths = [w for w in (f._colWidths or [])]
        for r, row in enumerate(cells):
            for c, value in enumerate(row):
                cell = tbl.cell(r, c)
                par = cell.paragraphs[0]
                par.style = doc.styles[CELL_STYLE] if hasattr(doc, "styles") else self.doc.styles[CELL_STYLE]
                bold = r < header
                if isinstance(value, Paragraph):
                    _runs(par, value.text, bold=bold or value.style.name.endswith("cellb"))
                elif isinstance(value, (list, tuple)):
                    _runs(par, " ".join(v.text for v in value if isinstance(v, Paragraph)), bold=bold)
                elif value is not None:
                    _runs(par, str(value), bold=bold)
                if c < len(widths) and isinstance(widths[c], (int, float)):
                    cell.width = Mm(widths[c] / 72 * 25.4)
            if r < header:
                _repeat_header(tbl.rows[r])
        doc.add_paragraph(style=NOTE_STYLE)

    def image(self, doc, f) -> None:
        data = f.png_bytes
        width_mm = f.drawWidth / 72 * 25.4
        doc.add_picture(io.BytesIO(data), width=Mm(width_mm))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

    def toc(self, doc) -> None:
        """A Word table-of-contents field over the headings (Word fills in the page numbers)."""
        par = doc.add_paragraph()
        run = par.add_run()
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = 'TOC \\o "1-1" \\h \\z \\u'
        sep = OxmlElement("w:fldChar")
        sep.set(qn("w:fldCharType"), "separate")
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run._r.append(begin)
        run._r.append(instr)
        run._r.append(sep)
        from ecologis.i18n import t_lang

        hint = par.add_run(t_lang(self.lang, "report.docx.toc_hint"))
        hint.italic = True
        par.add_run()._r.append(end)

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def build_docx(assessment, lang: str = "uk", dictionary=None, when: datetime | None = None, tiles="default") -> bytes:
    """The report of ``assessment`` as .docx bytes (nothing is written)."""
    from ecologis.i18n import t_lang
    from ecologis.report.pdf_report import report_story

    story = report_story(assessment, lang, when, tiles)
    w = _Writer(lang)
    ent = assessment.project.enterprise
    props = w.doc.core_properties
    props.title = t_lang(lang, "report.title") + (" — " + ent.name if ent.name else "")
    props.author = "EcologIS"
    props.language = lang
    for f in story:
        w.flowable(f)
    return w.bytes()
