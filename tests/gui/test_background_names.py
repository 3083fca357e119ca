"""Background results name their substances in the UI language (the dictionary's name),
on every tab and in the list of results stored in the project.

The example posts document (docs/background/example_posts.json) names its substances in
Ukrainian ("Азоту діоксид", "Вуглецю оксид"); the dictionary (pollutants.json) gives
"Nitrogen dioxide" (CAS 10102-44-0) and "Carbon monoxide" (CAS 630-08-0) in English.
"""

from ecologis.gui.panels.background_panel import BackgroundPanel
from ecologis.i18n import translator
from ecologis.paths import DOCS_DIR

POSTS = DOCS_DIR / "background" / "example_posts.json"
SERIES = DOCS_DIR / "background" / "example_series.csv"
CYRILLIC = set("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ")


def _column(table, j):
    return [table.item(i, j).text() for i in range(table.rowCount())]


def _has_cyrillic(text: str) -> bool:
    return any(c in CYRILLIC for c in text)


def test_point_tab_names_substances_in_english(qtbot):
    translator.set_language("en")
    w = BackgroundPanel()
    qtbot.addWidget(w)
    w.compute_point(str(POSTS), 49.233, 28.46)
    names = set(_column(w.table, 0))
    assert names == {"Nitrogen dioxide", "Carbon monoxide"}
    translator.set_language("uk")
    assert set(_column(w.table, 0)) == {"Азоту діоксид", "Вуглецю оксид"}


def test_stored_results_list_names_substances_in_english(qtbot):
    translator.set_language("en")
    w = BackgroundPanel()
    qtbot.addWidget(w)
    w.compute_point(str(POSTS), 49.233, 28.46)
    w.set_stored([w.result.to_json()])
    (text,) = w.stored_texts()
    assert "Nitrogen dioxide" in text and "Carbon monoxide" in text
    assert not _has_cyrillic(text), text
    translator.set_language("uk")
    (text,) = w.stored_texts()
    assert "Азоту діоксид" in text


def test_posts_tab_names_substances_in_english(qtbot):
    translator.set_language("en")
    w = BackgroundPanel()
    qtbot.addWidget(w)
    w.compute_posts(str(SERIES))
    names = set(_column(w.table, 1))
    assert names and not any(_has_cyrillic(n) for n in names), names
    w.set_stored([w.result.to_json()])
    (text,) = w.stored_texts()
    assert "Nitrogen dioxide" in text and not _has_cyrillic(text), text
    assert "10102-44-0" not in text           # a CAS number is no name for a user


def test_english_background_form_names_interpolated_substances_in_english():
    """The annex 2 form of an interpolation between posts (§2.6) in English."""
    import io

    from pypdf import PdfReader

    from ecologis.core.background import background_at
    from ecologis.io.reference_data import background_reference, load_posts
    from ecologis.report.background_forms import build_form

    posts, suburban = load_posts(POSTS)
    res = background_at(posts, suburban, 49.233, 28.46, refdata=background_reference()).to_json("en")
    pdf = build_form("annex2", result=res, lang="en")
    text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Nitrogen dioxide" in text and "Carbon monoxide" in text
    assert "Азоту" not in text and "Вуглецю" not in text
