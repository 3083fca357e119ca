"""What a consultant hands to a client: the demo report as PDF and Word, in both
languages, with the demo's numbers, no developer text, at most four pages."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from ecologis.io.reference_data import background_reference, load_dictionary

from ecologis.io.profile import assess_project, load_profile
from ecologis.paths import DEMO_PROFILE

LANGS = ("uk", "en")

# Developer text a client must never see (issue: "every user-visible text is written for the user").
FORBIDDEN = {
    "url": re.compile(r"https?://|www\.[a-z]", re.I),
    "path": re.compile(r"shared/reference|/w[o]rk/|[\w-]+\.(?:py|json|csv|mbtiles)\b|[A-Za-z]:\\\\"),
    "code": re.compile(r"\b[A-Za-z_]+\.[a-z_]+\(|\b[A-Z]{2,}_[A-Z_]+\b|\b(?:None|True|False|null)\b"),
    # snake_case ids such as threshold_class2_t, exclude_own_4_1_4_2 (formula symbols K_i, C_m have one letter)
    "snake_id": re.compile(r"\b[a-z]{2,}_[a-z0-9]+(?:_[a-z0-9]+)*\b"),
    # dotted ids such as ond86.2.16.u_m, bg.ref.default, gdk_kind.sd
    "dotted_id": re.compile(r"\b[a-z][a-z0-9]*\.[a-z0-9_]+\.[a-z0-9_.]+\b|\b[a-z]+_[a-z]+\.[a-z]+\b"),
    "internal_word": re.compile(r"\b(?:seed|default|ecologis-2025)\b", re.I),
}
CYRILLIC_WORD = re.compile(r"[А-Яа-яІіЇїЄєҐґ'’]{2,}")


def _pdf_text(data: bytes) -> tuple[str, int]:
    r = PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() for p in r.pages), len(r.pages)


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def _squash(s: str) -> str:
    return re.sub(r"[\s\u202f\u00a0]+", "", s)


def _user_data(project) -> list[str]:
    """Text the user typed (names, address, activity): printed as written, in any script."""
    ent = project.enterprise
    out = [ent.name, ent.address, ent.activity]
    out += [s.name for s in project.sources]
    for r in project.receptors:
        out.append(r.name)
    return [x for x in out if x]


@pytest.fixture(scope="module")
def demo():
    p = load_profile(DEMO_PROFILE)
    return p, assess_project(p)


@pytest.fixture(scope="module")
def outputs(demo):
    from ecologis.report.docx_report import build_docx
    from ecologis.report.pdf_report import build_report

    _, a = demo
    return {lang: {"pdf": build_report(a, lang, tiles=None), "docx": build_docx(a, lang, tiles=None)}
            for lang in LANGS}


def _texts(outputs, lang):
    pdf_text, _ = _pdf_text(outputs[lang]["pdf"])
    return {"pdf": pdf_text, "docx": _docx_text(outputs[lang]["docx"])}


@pytest.mark.parametrize("lang", LANGS)
def test_demo_report_has_the_results_in_pdf_and_word(outputs, lang):
    # The thesis's worked example (§4.2–4.3): КНП 1386.1866552 → 1386.187 (3 decimals), category III, КНП zone 300 m.
    # Receptors of the demo (no site boundary: the zone is the 300 m circle around the enterprise
    # point): the house 260 m north, 40 m east is √(260² + 40²) ≈ 263 m away (inside), the school
    # 150 m south, 480 m west is √(150² + 480²) ≈ 503 m away (outside) → one conflict.
    knp = {"uk": "1386,187", "en": "1,386.187"}[lang]
    zone = {"uk": "300м", "en": "300m"}[lang]
    category = {"uk": "Категоріянебезпекипідприємства", "en": "Hazardcategoryoftheenterprise"}[lang]
    conflict = {"uk": "Конфлікти:1об'єкт(ів)умежахСЗЗ300м", "en": "Conflicts:1receptor(s)insidethe300mSPZ"}[lang]
    for kind, text in _texts(outputs, lang).items():
        flat = _squash(text)
        assert knp in flat, kind
        assert category in flat and "III" in flat, kind
        assert zone in flat, kind
        assert conflict in flat, kind
        assert "Житловийбудинок" in flat and "Школа" in flat, kind
        # 6.1 the sanitary zones, 6.2 the receptors, 6.3 the dispersion (numbered in print order)
        heading = {"uk": "6.3.Розсіюваннявикидів", "en": "6.3.Dispersionofemissions"}[lang]
        assert heading in flat, kind


@pytest.mark.parametrize("lang", LANGS)
def test_demo_report_fits_four_pages(outputs, lang):
    _, pages = _pdf_text(outputs[lang]["pdf"])
    assert pages <= 4


@pytest.mark.parametrize("lang", LANGS)
def test_no_developer_text(outputs, demo, lang):
    project, _ = demo
    for kind, text in _texts(outputs, lang).items():
        for name, rx in FORBIDDEN.items():
            m = rx.search(text)
            assert m is None, f"{kind}/{lang}: {name}: …{text[max(0, m.start() - 60):m.end() + 60]}…"
        if lang == "en":
            clean = text
            for s in sorted(_user_data(project), key=len, reverse=True):
                clean = clean.replace(s, " ")
            words = CYRILLIC_WORD.findall(clean)
            assert not words, f"{kind}: Cyrillic words in the English report: {words[:10]}"


@pytest.mark.parametrize("lang", LANGS)
def test_units_translated_and_masses_as_entered(outputs, lang):
    flat = _squash(_texts(outputs, lang)["pdf"])
    # roshen_demo.json row 1: 16.23192 t/yr, printed with all its digits
    assert {"uk": "16,23192т/рік", "en": "16.23192t/yr"}[lang] in flat
    if lang == "uk":
        assert "t/yr" not in flat


def test_repeated_notes_are_grouped(outputs):
    # all ten demo rows carry their own ГДК and class: one line "rows 1–10", not ten lines
    for lang, rows in (("uk", "рядки1–10"), ("en", "rows1–10")):
        flat = _squash(_texts(outputs, lang)["pdf"])
        assert rows in flat
        assert flat.count({"uk": "замістьдовідникових", "en": "insteadofthedictionary"}[lang]) == 1


def test_word_report_has_real_tables_and_headings(outputs):
    from docx import Document

    doc = Document(io.BytesIO(outputs["uk"]["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert "1. Методика розрахунку" in headings and "8. Примітки щодо даних" in headings
    # the contributions table: header + 10 substances + total
    contrib = [t for t in doc.tables if any(c.text.startswith("Внесок") for c in t.rows[0].cells)]
    assert contrib and len(contrib[0].rows) == 12
    assert len(doc.inline_shapes) >= 2                       # the chart and the map


def test_cli_chooses_word_by_extension(tmp_path):
    from ecologis.cli import main

    out = tmp_path / "report.docx"
    assert main(["report", str(DEMO_PROFILE), "--out", str(out), "--lang", "en"]) == 0
    assert out.read_bytes()[:2] == b"PK"                     # a .docx is a ZIP package
    assert "1,386.187" in _docx_text(out.read_bytes())


def test_no_signature_alone_on_the_last_page(outputs):
    for lang in LANGS:
        r = PdfReader(io.BytesIO(outputs[lang]["pdf"]))
        last = _squash(r.pages[-1].extract_text())
        sig = {"uk": "Підписи", "en": "Signatures"}[lang]
        assert sig in last
        # the page has more than the signatures: the validation notes precede them
        assert {"uk": "Приміткищододаних", "en": "Datavalidationnotes"}[lang] in last


def _other_pdfs(lang):
    """Every other PDF a client receives: the ОПН calculation note and the Order 286 forms."""
    from ecologis.core.background import calculated, default_background, posts_background
    from ecologis.core.hazard_identification import RegisteredEnterprise, HazardObject, identify
    from ecologis.io.background_series import read_series
    from ecologis.io.inventory_table import read_inventory
    from ecologis.io.reference_data import threshold_tables
    from ecologis.paths import DOCS_DIR, RESOURCES_DIR
    from ecologis.report.background_forms import build_form
    from ecologis.report.hazard_identification_note import build_note

    items = read_inventory(RESOURCES_DIR / "hazard_identification" / "example_inventory.csv")
    note = build_note(HazardObject(name="Склад", address="Київ"), RegisteredEnterprise(name="ТОВ Тест"), items,
                      identify(items, threshold_tables()), lang=lang)
    posts = posts_background(read_series(DOCS_DIR / "background" / "example_series.csv"), refdata=background_reference()).to_json(lang)
    out = {"note": note,
           "request": build_form("request", profile=load_profile(DEMO_PROFILE), lang=lang),
           "annex2": build_form("annex2", result=posts, lang=lang),
           "annex5": build_form("annex5", result=posts, lang=lang),
           "annex3": build_form("annex3", result=default_background(100_000, ["CO", "SO2"], load_dictionary(), refdata=background_reference()).to_json(lang), lang=lang),
           "annex6": build_form("annex6", result=calculated(0.25, substance="NO2", c_own=0.05, refdata=background_reference()).to_json(lang),
                                lang=lang)}
    return out, [i.name for i in items]


@pytest.mark.parametrize("lang", LANGS)
def test_note_and_forms_have_no_developer_text(lang, demo):
    pdfs, names = _other_pdfs(lang)
    # what the user typed: the demo's names, address, activity and substances as entered
    user = _user_data(demo[0]) + [e.substance for e in demo[0].emissions] + names + ["Склад", "ТОВ Тест", "Київ"]
    for kind, data in pdfs.items():
        text, _ = _pdf_text(data)
        for name, rx in FORBIDDEN.items():
            m = rx.search(text)
            assert m is None, f"{kind}/{lang}: {name}: …{text[max(0, m.start() - 60):m.end() + 60]}…"
        if lang == "en":
            clean = " ".join(text.split())
            for s in sorted(user, key=len, reverse=True):
                clean = clean.replace(" ".join(s.split()), " ")
            words = CYRILLIC_WORD.findall(clean)
            assert not words, f"{kind}: Cyrillic words in the English document: {words[:10]}"


def test_gui_export_report_offers_pdf_and_word(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from ecologis.gui.panels import file_actions
    from ecologis.i18n import t

    a = assess_project(load_profile(DEMO_PROFILE))
    seen = {}

    def fake(parent, title, folder, filters):
        seen["filters"] = filters
        return str(tmp_path / "client"), filters.split(";;")[1]      # the user picks Word, no extension

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    out = file_actions.report_dialog(None, a, lang="en")
    assert "*.pdf" in seen["filters"] and "*.docx" in seen["filters"]
    assert out == tmp_path / "client.docx" and out.read_bytes()[:2] == b"PK"
    assert "1,386.187" in _docx_text(out.read_bytes())
    assert t("report.gui.menu")                                       # the menu entry has its text


def test_background_panel_names_the_method_by_its_clause(qtbot):
    """The stored results list shows the Order's clause, not the method id "default", and
    the table-4.1 source without line numbers of our copy of the Order."""
    from ecologis.core.background import default_background
    from ecologis.gui.panels.background_panel import BackgroundPanel
    from ecologis.i18n import translator

    translator.set_language("uk")
    panel = BackgroundPanel()
    qtbot.addWidget(panel)
    res = default_background(100_000, ["CO"], load_dictionary(), refdata=background_reference()).to_json("uk")
    panel.set_stored([res])
    (text,) = panel.stored_texts()
    assert "default" not in text and text.startswith("Наказ 286 §4.8, таблиця 4.1")
    assert "рядки" not in res["values"][0]["source_ref"] and "465" not in res["values"][0]["source_ref"]
