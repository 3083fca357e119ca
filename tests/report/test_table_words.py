"""Table cells of the report never break inside a word: every word of a cell either fits
its column or has a syllable where reportlab's hyphenation may break it (issue: "column
widths and hyphenation that never break inside a word").  A CAS number or a number is one
word that must fit whole (a break at one of a CAS number's own hyphens splits the number).

The check measures each word with the cell's own font (reportlab's ``stringWidth``)
against the column width less the cell's padding, for every table of the demo report in
both languages."""

from __future__ import annotations

import re

import pyphen
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, Table

from ecologis.io.profile import assess_project, load_profile
from ecologis.paths import DEMO_PROFILE
from ecologis.report.pdf_report import HYPHENATION, report_story

CAS = re.compile(r"^\d{2,7}-\d{2}-\d$")
NUMBER = re.compile(r"^[\d\s.,\u202f\u00a0−-]+$")


def _tables(flowables):
    for f in flowables:
        if isinstance(f, Table):
            yield f
        elif isinstance(f, KeepTogether):
            yield from _tables(f._content)


def _plain(p: Paragraph) -> str:
    text = re.sub(r"<[^>]+>", "", p.text)
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", "\u00a0")


def _too_wide(story, lang):
    hy = pyphen.Pyphen(lang=HYPHENATION[lang])
    out = []
    for t in _tables(story):
        widths = t._colWidths
        for r, row in enumerate(t._cellvalues):
            for c, cell in enumerate(row):
                if not isinstance(cell, Paragraph) or widths[c] is None:
                    continue
                st = cell.style
                cs = t._cellStyles[r][c]                  # the cell's own padding
                room = widths[c] - cs.leftPadding - cs.rightPadding
                for word in _plain(cell).split():
                    w = stringWidth(word, st.fontName, st.fontSize)
                    if w <= room:
                        continue
                    whole = CAS.match(word) or NUMBER.match(word)
                    # the longest piece between hyphenation points (and a word's own hyphens) must fit
                    pieces = [word] if whole else re.split(r"-", hy.inserted(word, hyphen="-"))
                    widest = max(stringWidth(p + "-", st.fontName, st.fontSize) for p in pieces)
                    if whole or widest > room:
                        out.append((word, r, c, round(w, 1), round(room, 1)))
    return out


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_every_word_of_the_demo_report_tables_fits_or_hyphenates(lang):
    a = assess_project(load_profile(DEMO_PROFILE))
    story = report_story(a, lang, tiles=None)
    assert list(_tables(story)), "the report has tables"
    assert _too_wide(story, lang) == []
