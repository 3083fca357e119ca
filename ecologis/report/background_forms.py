"""PDF forms of Order No. 286: the request for background values (annex 4) prefilled from a
profile, and the issued values (annexes 2, 3, 5, 6) from a background result.

The published Order gives the titles of annexes 2, 3, 5 and 6 but not their tables;
the table columns here are ours and say so in a footnote.  Each form
follows its own clause (:data:`FORM_METHODS`): annex 2 establishes observed values per post
and gradation with the data sufficiency, annex 5 issues only the values given out, annex 3
establishes values set by calculation or taken from table 4.1 with the basis of each, annex
6 issues calculated values; a result is refused on a form not meant for it.  Annex 4 follows its six printed items
and signature block.  A result that used a reconstructed piece
prints the "reconstructed method, not normative" notice and the list of pieces.

Fonts: DejaVu Sans (Cyrillic), embedded.  All user text is XML-escaped.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from ecologis.core.background.result import ref_text
from ecologis.i18n import KeyedError, t_lang
from ecologis.io.atomic import atomic_write_bytes
from ecologis.report.common import FONT_BOLD, e as _e, num, numbered_canvas, paragraph_styles, table
from ecologis.report.common import register_fonts as _register_fonts
FORMS = ("request", "annex2", "annex3", "annex5", "annex6")
GRADS = ("calm", "N", "E", "S", "W")


class FormError(KeyedError, ValueError):
    """A form that cannot be produced; ``key``/``params`` give the translated reason."""


def _styles():
    st = paragraph_styles("bg", 10, 13, 8, 10)
    base = st["p"]
    st.update({
        "annex": ParagraphStyle("bgannex", parent=base, fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
        "title": ParagraphStyle("bgtitle", parent=base, fontName=FONT_BOLD, fontSize=13, leading=17,
                                alignment=TA_CENTER, spaceBefore=6),
        "subtitle": ParagraphStyle("bgsub", parent=base, alignment=TA_CENTER, spaceAfter=8),
        "h": ParagraphStyle("bgh", parent=base, fontName=FONT_BOLD, spaceBefore=6, spaceAfter=2),
        "warn": ParagraphStyle("bgwarn", parent=base, fontName=FONT_BOLD, textColor=colors.HexColor("#a00000"),
                               spaceBefore=6, spaceAfter=4),
        "small": ParagraphStyle("bgsmall", parent=base, fontSize=7.5, leading=9.5),
    })
    return st


def _n(x) -> str:
    return num(x, 4)


def _table(rows, widths, st):
    data = [[Paragraph(_e(c), st["cellb"] if i == 0 else st["cell"]) for c in r] for i, r in enumerate(rows)]
    return table(data, widths, grid=0.4, grid_color="#808080", header_bg="#eeeeee", valign="TOP")


def reconstructed_block(result: dict, T, st) -> list:
    """The "reconstructed method, not normative" notice and the list of pieces (empty when
    the result used none).  ``st`` needs the styles ``warn`` and ``small``."""
    return _reconstructed_block(result, T, st)


def _reconstructed_block(result: dict, T, st) -> list:
    if not result.get("reconstructed"):
        return []
    out = [Paragraph(_e(T("bg.warn.reconstructed")), st["warn"])]
    for p in result.get("reconstructed_pieces") or []:
        pid = p["id"] if isinstance(p, dict) else str(p)
        out.append(Paragraph(_e("• " + T("bg.piece." + pid)), st["small"]))
    return out


def _request_story(profile, T, st) -> list:
    ent = profile.enterprise if profile is not None else None
    subs = []
    if profile is not None:
        seen = set()
        for e in profile.emissions:
            if e.substance not in seen:
                seen.add(e.substance)
                subs.append(e.substance)
    coords = ""
    if ent is not None and ent.lat is not None and ent.lon is not None:
        coords = T("bg.form.coords", lat=f"{ent.lat:.5f}", lon=f"{ent.lon:.5f}")
    org = ", ".join(x for x in ((ent.name, T("bg.form.edrpou", code=ent.edrpou) if ent.edrpou else "",
                                 ent.address, ent.contacts) if ent else ()) if x)
    items = [
        (T("bg.form.req.1"), org),
        (T("bg.form.req.2"), ent.address if ent else ""),
        (T("bg.form.req.3"), ", ".join(x for x in ((ent.name, ent.activity) if ent else ()) if x)),
        (T("bg.form.req.4"), "; ".join(x for x in ((ent.address if ent else ""), coords) if x)),
        (T("bg.form.req.5"), "; ".join(subs)),
        (T("bg.form.req.6"), ""),
    ]
    story = [Paragraph(_e(T("bg.form.annex_head", n=4, clause="5.5")), st["annex"]),
             Paragraph(_e(T("bg.form.request.title")), st["title"]),
             Paragraph(_e(T("bg.form.request.subtitle")), st["subtitle"])]
    blank = "_" * 60
    for i, (label, value) in enumerate(items, start=1):
        story.append(Paragraph(f"<b>{i}.</b> {_e(label)}", st["p"]))
        story.append(Paragraph(_e(value) if value else blank, st["cell"] if value else st["small"]))
        story.append(Spacer(1, 4))
    story += [Spacer(1, 14), Paragraph(_e(T("bg.form.req.signatory")), st["p"]), Spacer(1, 16),
              _table([[T("bg.form.sign.position"), T("bg.form.sign.signature"), T("bg.form.sign.name")],
                      ["", "", ""]], [55 * mm, 45 * mm, 70 * mm], st)]
    return story


#: Which results each values form is meant for (Order 286): annexes 2 and 5 carry values
#: determined from observations (§5.2 posts, §5.3 under-plume; annex 5 is the issued copy,
#: §5.6), annex 3 values set by the regional administration (§5.4, calculation method; a
#: value taken from table 4.1 under §4.8 is neither observed nor calculated and goes on this
#: form, whose title has no qualifier), annex 6 the issued values determined by calculation.
FORM_METHODS = {
    "annex2": ("posts", "summation", "interpolation", "extrapolation", "subplume"),
    "annex5": ("posts", "summation", "interpolation", "extrapolation", "subplume"),
    "annex3": ("default", "calculated", "exclude_own"),
    "annex6": ("calculated", "exclude_own"),
}
_CLAUSE = {2: "5.2, 5.3", 3: "5.4", 5: "5.6", 6: "5.6"}


def form_for(result: dict, issued: bool = False) -> str:
    """The values form meant for ``result``: the establishing form (annex 2 or 3) or, with
    ``issued``, the form the values are issued on (annex 5 or 6; a table-4.1 value: annex 3)."""
    method = result.get("method")
    if method in FORM_METHODS["annex2"]:
        return "annex5" if issued else "annex2"
    if method in FORM_METHODS["annex6"] and issued:
        return "annex6"
    return "annex3"


def _ref(obj: dict, name: str, T, lang: str) -> str:
    """A reference as a document citation (table 4.1 with its population band)."""
    if obj.get(name + "_key") == "bg.ref.table_4_1_band":
        return T("report.form.ref.table_4_1", band=(obj.get(name + "_params") or {}).get("band", "—"))
    return ref_text(obj, name, lang) or ""


def _name(r: dict, T) -> str:
    """The row's name in the form's language, else the dictionary's (a result between
    posts stores only the name the posts document used)."""
    lang = "uk" if T("bg.lang") == "uk" else "en"
    own = r.get("name_uk") if lang == "uk" else r.get("name_en")
    if own:
        return own
    if not r.get("substance"):
        return ""
    from ecologis.report.pdf_report import substance_name

    return substance_name(r["substance"], lang)


def _signatures(rows, st) -> list:
    """Signature lines: one (role, blank position, signature, name) per role."""
    out = [Spacer(1, 12)]
    for role in rows:
        out.append(Paragraph(_e(role), st["p"]))
        out.append(Spacer(1, 12))
    return out


def _values_story(form: str, result: dict, T, st, lang: str = "uk") -> list:
    n = int(form[-1])
    method = result.get("method")
    if method not in FORM_METHODS[form]:
        raise FormError("report.form.wrong_form", form=T(f"report.form.name.{form}"),
                        right=T(f"report.form.name.{form_for(result, issued=n in (5, 6))}"))
    subtitle = {2: "bg.form.values.observed", 5: "bg.form.values.observed", 6: "bg.form.values.calculated",
                3: "bg.form.values.plain"}[n]
    story = [Paragraph(_e(T("bg.form.annex_head", n=n, clause=_CLAUSE[n])), st["annex"]),
             Paragraph(_e(T("bg.form.values.title")), st["title"]),
             Paragraph(_e(T(subtitle)), st["subtitle"])]
    story.append(Paragraph(_e(T(f"report.form.purpose.{form}")), st["small"]))
    story.append(Spacer(1, 4))
    story.append(Paragraph(_e(T("report.form.method", ref=_ref(result, "method_ref", T, lang) or "—")), st["p"]))
    story.append(Paragraph(_e(T("report.form.dates", date=result.get("date", "—"),
                                valid_until=result.get("valid_until", "—"))), st["p"]))
    story.append(Spacer(1, 6))
    values = result.get("values") or []
    if n == 2 and method in ("posts", "summation"):
        # establishing form: every gradation of every post, with the data sufficiency (§2.3)
        head = [T("bg.form.col.post"), T("bg.form.col.substance")] + [T("bg.grad." + g) for g in GRADS] + \
               [T("bg.form.col.sufficient")]
        rows = [head]
        for r in values:
            grads = {g["gradation"]: g.get("background_mg_m3") for g in r.get("gradations") or []}
            suff = (r.get("sufficiency") or {}).get("sufficient")
            rows.append([r.get("post", ""), _name(r, T)] + [_n(grads.get(g)) for g in GRADS]
                        + [T("bg.out.sufficient") if suff else T("bg.out.insufficient")])
        widths = [14 * mm, 40 * mm] + [18 * mm] * 5 + [26 * mm]
    elif n == 5 and method in ("posts", "summation"):
        # issued form: only the values issued to the requester
        rows = [[T("bg.form.col.post"), T("bg.form.col.substance"), T("bg.form.col.gradation"), T("bg.form.col.issued")]]
        for r in values:
            for i in r.get("issued") or []:
                rows.append([r.get("post", ""), _name(r, T), T("bg.grad." + i["gradation"]), _n(i.get("value_mg_m3"))])
        widths = [20 * mm, 80 * mm, 40 * mm, 40 * mm]
    elif method in ("interpolation", "extrapolation", "subplume"):
        rows = [[T("bg.form.col.substance"), T("bg.form.col.gradation"), T("bg.form.col.value")]]
        rows += [[_name(r, T), T("bg.grad." + r.get("gradation", "any")) if r.get("gradation") else "—",
                  _n(r.get("value_mg_m3"))] for r in values]
        widths = [90 * mm, 45 * mm, 45 * mm]
    elif n == 6:
        rows = [[T("bg.form.col.substance"), T("bg.form.col.value")]]
        rows += [[_name(r, T), _n(r.get("value_mg_m3"))] for r in values]
        widths = [120 * mm, 60 * mm]
    else:
        # annex 3: the value, its share of the one-time ГДК and the basis of each value
        rows = [[T("bg.form.col.substance"), T("bg.form.col.value"), T("bg.form.col.share"), T("report.form.col.basis")]]
        for r in values:
            extra = r.get("rhumb") or ""
            rows.append([_name(r, T) + (f" ({extra})" if extra else ""), _n(r.get("value_mg_m3")),
                         _n(r.get("share_gdk_mr")),
                         r.get("gdk_source_title") or _ref(r, "source_ref", T, lang) or _ref(result, "method_ref", T, lang)])
        widths = [55 * mm, 25 * mm, 25 * mm, 75 * mm]
    story.append(_table(rows, widths, st))
    story += _reconstructed_block(result, T, st)
    for w in result.get("warnings") or []:
        story.append(Paragraph(_e(T("bg.out.warning", message=w.get("message", ""))), st["small"]))
    story += _signatures([T(f"report.form.sign.{form}")] +
                         ([T("report.form.sign.agreed")] if n in (2, 3) else []), st)
    story += [Spacer(1, 8), Paragraph(_e(T("bg.form.layout_note")), st["small"])]
    return story


def build_form(form: str, profile=None, result: dict | None = None, lang: str = "uk") -> bytes:
    """PDF bytes of ``form`` (``request`` = annex 4; ``annex2|3|5|6`` need ``result``, the
    JSON of a :class:`~ecologis.core.background.BackgroundResult`)."""
    if form not in FORMS:
        raise FormError("bg.err.form_unknown", form=form)
    T = lambda key, **kw: t_lang(lang, key, **kw)  # noqa: E731
    _register_fonts()
    st = _styles()
    if form == "request":
        story = _request_story(profile, T, st)
    else:
        if not isinstance(result, dict) or "values" not in result:
            raise FormError("bg.err.form_needs_result", form=form)
        story = _values_story(form, result, T, st, lang)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=T("bg.form.request.title" if form == "request"
                                                          else "bg.form.values.title"), author="EcologIS")
    doc.build(story, canvasmaker=numbered_canvas(T("report.page", page="{page}", total="{total}"),
                                                 margin_x=15 * mm))
    return buf.getvalue()


def write_form(form: str, path, profile=None, result: dict | None = None, lang: str = "uk") -> None:
    """Build the form and write it atomically (nothing is written if building fails)."""
    atomic_write_bytes(path, build_form(form, profile=profile, result=result, lang=lang))
