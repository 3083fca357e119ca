"""Sources, data and tests cite documents as documents ("Order No. 286, §2.3", "the thesis
(VNTU, 2025), formula (3.1)", "the draft transfer procedure (2025), p. 13"), never by the
working name the project's reading copies had while it was built, nor by line numbers of
those copies: neither means anything to a reader of the repository.

The same word names the starting value of random generators (``default_rng(...)``, a
keyword argument, a parametrised test argument); those uses are code, not citations, and
are spared."""

import re

from ._repository import tracked_text_files

# (Written in pieces so that this file does not match itself.)
_WORD = "se" + "ed"
WORKING_WORD = re.compile(r"\b" + _WORD + r"\b(?!\s*=)", re.I)
# A line that uses the word for a random generator: an rng/random/hypothesis call, a
# parameter or argument ("seed: int", "f(seed)", "seed + 1", "seed % 2"), a loop
# or a parametrised name ("for seed in", '"seed"').
RANDOM_CONTEXT = re.compile(r"\b(?:rng|random|Random|default_rng|hypothesis)\b|"
                            r"\b" + _WORD + r"\s*(?:[:%+,)\]]|\bin\b)|"
                            r"\"" + _WORD + r"\"|\bfixed " + _WORD + r"\b", re.I)
# Checks that the word never reaches a user (the forbidden word is the point of the line).
FORBIDDEN_WORD_CHECKS = {
    ("tests/report/test_client_output.py", '"internal_word": re.compile('),
}

def _offends(name: str, line: str) -> bool:
    if not WORKING_WORD.search(line) or RANDOM_CONTEXT.search(line):
        return False
    return not any(name == f and s in line for f, s in FORBIDDEN_WORD_CHECKS)


def test_the_pattern_catches_working_names_and_spares_random_generators():
    for bad in (_WORD + " thesis §4.2", "(" + _WORD + " 000 p. 13)", _WORD + " document 002",
                "Order 286 §2.1 (" + _WORD + " line 95)", _WORD.capitalize() + " README: КНП 1386.187",
                "typed from the " + _WORD + " text", "the " + _WORD + " requires"):
        assert _offends("x.py", bad), bad
    for fine in ("rng = np.random.default_rng(" + _WORD + ")", "make_sources(10, " + _WORD + "=4)",
                 "def make_data(n: int, " + _WORD + ": int = 11):", '@pytest.mark.parametrize("' + _WORD
                 + '", range(8))', "for " + _WORD + " in range(12):", "From a fixed " + _WORD + ", 2,000 inputs",
                 "Order No. 286, §2.3", "the thesis (VNTU, 2025), formula (3.1)", "seeded generator",
                 '"' + _WORD + '_lines": "483-499"'):
        assert not _offends("x.py", fine), fine


def test_no_tracked_file_cites_a_document_by_its_working_name():
    found = []
    for name, text in tracked_text_files():
        for n, line in enumerate(text.splitlines(), start=1):
            if _offends(name, line):
                found.append(f"{name}:{n}: {line.strip()[:120]}")
    assert not found, "working names of documents in tracked files:\n" + "\n".join(found)
