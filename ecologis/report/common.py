"""What the PDF modules share: the embedded DejaVu fonts, XML escaping of user text,
number display, the «page N of M» canvas and table styles (reportlab).

Used by :mod:`.pdf_report`, :mod:`.background_forms` and
:mod:`.hazard_identification_note`.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Table, TableStyle

from ecologis.paths import RESOURCES_DIR

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique) once; they are embedded in every PDF."""
    fonts = RESOURCES_DIR / "fonts"
    registered = pdfmetrics.getRegisteredFontNames()
    for name, fn in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf"),
                     (FONT_ITALIC, "DejaVuSans-Oblique.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(fonts / fn)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD)


def e(text) -> str:
    """XML-escape user text for a reportlab Paragraph (markup prints as text)."""
    return escape("" if text is None else str(text))


def num(x, digits: int = 6, decimal_comma: bool = False) -> str:
    """A number with ``digits`` significant digits ("—" for None / non-finite); other values as text."""
    from ecologis.i18n import format_significant_lang

    return format_significant_lang(x, digits, "uk" if decimal_comma else "en")


def paragraph_styles(prefix: str, size: float, leading: float, cell_size: float, cell_leading: float) -> dict:
    """The base styles every report uses: ``p``, ``h``, ``small``, ``cell``, ``cellb``."""
    base = ParagraphStyle(prefix + "base", fontName=FONT, fontSize=size, leading=leading)
    return {
        "p": base,
        "h": ParagraphStyle(prefix + "h", parent=base, fontName=FONT_BOLD, fontSize=size + 2, leading=leading + 2.5,
                            spaceBefore=8, spaceAfter=4),
        "small": ParagraphStyle(prefix + "small", parent=base, fontSize=min(size, 8), leading=min(leading, 10)),
        "cell": ParagraphStyle(prefix + "cell", parent=base, fontSize=cell_size, leading=cell_leading),
        "cellb": ParagraphStyle(prefix + "cellb", parent=base, fontName=FONT_BOLD, fontSize=cell_size,
                                leading=cell_leading),
    }


class NumberedCanvas(rl_canvas.Canvas):
    """Writes the page label (``label`` with ``{page}`` and ``{total}``) on every page once
    the total is known, and an optional ``footer`` on the left."""

    label = "{page} / {total}"
    footer = ""
    font_size = 7.5
    margin_x = 18 * mm
    margin_y = 9 * mm
    color = "#555555"

    def __init__(self, *a, **kw):
        kw.setdefault("initialFontName", FONT)   # no unembedded Helvetica resource
        super().__init__(*a, **kw)
        self._saved = []

    def showPage(self):  # noqa: N802 - reportlab API
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            w, _ = self._pagesize
            self.setFont(FONT, self.font_size)
            self.setFillColor(colors.HexColor(self.color))
            self.drawRightString(w - self.margin_x, self.margin_y, self.label.format(page=self._pageNumber, total=total))
            if self.footer:
                self.drawString(self.margin_x, self.margin_y, self.footer[:110])
            super().showPage()
        super().save()


def numbered_canvas(label: str, footer: str = "", **attrs) -> type:
    """A :class:`NumberedCanvas` subclass with its label (and footer, font size, margins)."""
    return type("_Canvas", (NumberedCanvas,), {"label": label, "footer": footer, **attrs})


def table(data, widths, header_rows: int = 1, *, grid: float = 0.3, grid_color: str = "#999999",
          header_bg: str = "#dde6f3", valign: str = "MIDDLE", padding: dict | None = None,
          align_right_from: int | None = None, zebra: bool = False, font_size: float | None = None) -> Table:
    """A table with a grid, a shaded header (repeated on every page), optional zebra rows and
    right-aligned number columns from ``align_right_from``."""
    tbl = Table(data, colWidths=widths, repeatRows=header_rows)
    style = [("GRID", (0, 0), (-1, -1), grid, colors.HexColor(grid_color)),
             ("VALIGN", (0, 0), (-1, -1), valign)]
    if font_size is not None:
        style.insert(0, ("FONT", (0, 0), (-1, -1), FONT, font_size))
    if header_rows:
        style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor(header_bg)))
    for side, v in (padding or {}).items():
        style.append((side.upper() + "PADDING", (0, 0), (-1, -1), v))
    if align_right_from is not None:
        style.append(("ALIGN", (align_right_from, header_rows), (-1, -1), "RIGHT"))
    if zebra:
        for r in range(header_rows, len(data)):
            if (r - header_rows) % 2 == 1:
                style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f5f7fa")))
    tbl.setStyle(TableStyle(style))
    return tbl
