"""PDF forms: annex 4 request prefilled from a profile (user text escaped), annexes 2/3/5/6
from results, reconstructed notice printed, atomic write, CLI."""

import io
import json

import pytest
from pypdf import PdfReader

from ecologis.cli import main
from ecologis.core.background import calculated, default_background
from ecologis.model import Emission, Enterprise
from ecologis.io.profile import Project, load_profile, save_profile
from ecologis.io.reference_data import background_reference, load_dictionary
from ecologis.paths import DEMO_PROFILE
from ecologis.report.background_forms import FormError, build_form, write_form


def _text(pdf: bytes) -> str:
    return " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", " ")


def test_request_prefilled_from_profile_and_escaped():
    prof = Project(enterprise=Enterprise(name="ТОВ <b>&«Тест»", address="м. Вінниця, вул. Х, 1", lat=49.2, lon=28.4),
                   emissions=[Emission(substance="Азоту діоксид", mass=1.0, unit="t/yr"),
                              Emission(substance="Аміак", mass=1.0, unit="t/yr")])
    txt = _text(build_form("request", profile=prof, lang="uk"))
    assert "ЗАПИТ" in txt and "Додаток 4" in txt
    assert "ТОВ <b>&«Тест»" in txt                      # escaped, printed literally
    assert "Азоту діоксид; Аміак" in txt and "49.20000" in txt
    assert "(прізвище, ініціали)" in txt


def test_values_forms_carry_reconstructed_notice_only_when_used():
    rec = calculated(0.25, substance="NO2", c_own=0.05, refdata=background_reference()).to_json("en")
    txt = _text(build_form("annex6", result=rec, lang="en"))
    assert "VALUES" in txt and "by calculation" in txt and "RECONSTRUCTED METHOD" in txt and "0.08" in txt
    plain = default_background(100_000, ["CO"], refdata=background_reference(), dictionary=load_dictionary()).to_json("uk")
    txt = _text(build_form("annex3", result=plain, lang="uk"))
    assert "0.8" in txt and "РЕКОНСТРУЙОВАНИЙ" not in txt


def test_form_errors_and_atomic_write(tmp_path):
    with pytest.raises(FormError):
        build_form("annex2")
    out = tmp_path / "a.pdf"
    with pytest.raises(FormError):
        write_form("annex5", out, result=None)
    assert not out.exists()


def test_cli_forms(tmp_path, capsys):
    p = tmp_path / "prof.json"
    save_profile(load_profile(DEMO_PROFILE), p)
    out = tmp_path / "req.pdf"
    assert main(["background", "forms", "request", "--profile", str(p), "--out", str(out)]) == 0
    assert "РОШЕН" in _text(out.read_bytes())
    r = tmp_path / "r.json"
    r.write_text(json.dumps(default_background(30_000, ["SO2"], refdata=background_reference(), dictionary=load_dictionary()).to_json()), encoding="utf-8")
    # A table-4.1 default goes on annex 3 (correction: this used to print it on annex 5,
    # whose title says "determined from observations"); annex 5 refuses it, exit code 2.
    out3 = tmp_path / "a3.pdf"
    assert main(["background", "forms", "annex3", "--result", str(r), "--out", str(out3)]) == 0
    assert out3.read_bytes()[:5] == b"%PDF-"
    out5 = tmp_path / "a5.pdf"
    assert main(["background", "forms", "annex5", "--result", str(r), "--out", str(out5)]) == 2
    assert not out5.exists() and "додатка 3" in capsys.readouterr().err
    capsys.readouterr()
    assert main(["background", "forms", "annex2", "--out", str(tmp_path / "x.pdf")]) == 2


def _posts_result():
    from ecologis.core.background import posts_background
    from ecologis.io.background_series import read_series
    from ecologis.paths import DOCS_DIR

    return posts_background(read_series(DOCS_DIR / "background" / "example_series.csv"), refdata=background_reference()).to_json()


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_each_values_form_follows_its_own_annex(lang):
    res = _posts_result()
    a2 = _text(build_form("annex2", result=res, lang=lang))
    a5 = _text(build_form("annex5", result=res, lang=lang))
    assert a2 != a5
    # annex 2 establishes the values: every gradation and the data sufficiency (§2.3), and the
    # agreement line of §5.2; annex 5 is the copy issued under §5.6: issued values only
    suff = {"uk": "Дані достатні", "en": "Data sufficient"}[lang]
    agreed = {"uk": "Погоджено", "en": "Agreed"}[lang]
    assert suff in a2 and agreed in a2
    assert suff not in a5 and agreed not in a5
    assert {"uk": "Додаток 2", "en": "Annex 2"}[lang] in a2 and {"uk": "Додаток 5", "en": "Annex 5"}[lang] in a5


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_table_4_1_default_is_printed_on_its_own_form_in_plain_words(lang):
    # Order 286 §4.8: population 100 000 → band 50–125 thousand, CO 0.8 mg/m³ (table 4.1)
    res = default_background(100_000, ["CO"], load_dictionary(), refdata=background_reference()).to_json(lang)
    for form in ("annex2", "annex5", "annex6"):
        with pytest.raises(FormError):
            build_form(form, result=res, lang=lang)
    txt = _text(build_form("annex3", result=res, lang=lang))
    assert "0.8" in txt
    assert {"uk": "табл. 4.1", "en": "table 4.1"}[lang] in txt
    assert {"uk": "за даними спостережень", "en": "from observations"}[lang] not in txt
    for bad in ("default", "seed", "рядки джерела", "465-481"):
        assert bad not in txt, bad
