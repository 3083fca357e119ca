"""Every language has the same keys, no key is defined twice, every code has a message."""

import json
import re

from ecologis.core.validation import CODES
from ecologis.i18n import LANGUAGES, load_language, locale_files
from ecologis.paths import RESOURCES_DIR


def test_same_keys_in_every_language_and_no_duplicates():
    langs = {lang: load_language(lang) for lang in LANGUAGES}  # raises on a duplicate key
    assert set(langs["uk"]) == set(langs["en"]), set(langs["uk"]) ^ set(langs["en"])


def test_each_area_file_has_its_counterpart():
    uk = {f.name[3:] for f in locale_files("uk")}
    en = {f.name[3:] for f in locale_files("en")}
    assert uk == en


def test_placeholders_match_between_languages():
    uk, en = load_language("uk"), load_language("en")
    ph = re.compile(r"{(\w+)}")
    bad = [k for k in uk if set(ph.findall(uk[k])) - {"substance", "substance_en"} != set(ph.findall(en[k])) - {"substance", "substance_en"}]
    assert bad == []


def test_every_validation_code_and_recommendation_has_text():
    uk = load_language("uk")
    assert [c for c in CODES if "val." + c not in uk] == []
    rules = json.loads((RESOURCES_DIR / "recommendations.json").read_text(encoding="utf-8"))["rules"]
    assert [r["key"] for r in rules if r["key"] not in uk] == []


def test_ukrainian_strings_are_ukrainian():
    uk, en = load_language("uk"), load_language("en")
    cyr = re.compile("[А-Яа-яІіЇїЄєҐґ]")
    # English texts use English terms (MPC, KNP, SPZ, ASEL); Cyrillic appears only where
    # a message quotes what users type (header names, the ambiguous unit «т/год»).
    allowed = re.compile("речовина|маса|масса|вещество|год")
    # the language menu names each language in that language ("Українська")
    own_names = {"gui.lang.uk"}
    leaks = [k for k, v in en.items() if k not in own_names and cyr.search(allowed.sub("", v))]
    assert leaks == []
    assert sum(1 for k in uk if cyr.search(uk[k])) > 0.8 * len(uk)
