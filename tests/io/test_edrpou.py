"""ЄДРПОУ control digit (ecologis.io.edrpou).

Valid codes are public codes of well-known legal entities, each checked by hand:
* 14360570 (JSC CB «PrivatBank», printed on its statements): weights 1..7 (first digit 1):
  1·1+4·2+3·3+6·4+0·5+5·6+7·7 = 121; 121 mod 11 = 0 → control digit 0. ✓
* 00032129 (JSC «Oschadbank»): 0+0+0+3·4+2·5+1·6+2·7 = 42; 42 mod 11 = 9 → 9. ✓
* 40075815 (JSC «Ukrzaliznytsia», first digit 4 → weights 7,1,2,3,4,5,6):
  4·7+0+0+7·3+5·4+8·5+1·6 = 115; 115 mod 11 = 5 → 5. ✓
* 32855961 (the example in python-stdnum's stdnum/ua/edrpou.py docstring; weights 7,1..6):
  3·7+2·1+8·2+5·3+5·4+9·5+6·6 = 155; 155 mod 11 = 1 → 1. ✓
Second pass (+2 to every weight), constructed by hand:
* 0000200?: first pass 2·5 = 10 → second pass 2·7 = 14; 14 mod 11 = 3 → 00002003.
* 0000281?: first pass 2·5+8·6+1·7 = 65; 65 mod 11 = 10 → second pass 2·7+8·8+1·9 = 87;
  87 mod 11 = 10 → control digit 0 → 00002810.
"""

import pytest

from ecologis.io.edrpou import edrpou_check_digit, edrpou_problem, is_valid_edrpou


@pytest.mark.parametrize("code", ["14360570", "00032129", "40075815", "32855961", "00002003", "00002810"])
def test_valid_codes(code):
    assert is_valid_edrpou(code)
    assert edrpou_problem(code) is None


@pytest.mark.parametrize("code,expected", [
    ("14360571", "check"),   # last digit changed
    ("00032128", "check"),
    ("40075814", "check"),
    ("32855968", "check"),   # stdnum's invalid example
    ("00002000", "check"),   # first-pass remainder 10 taken literally would be wrong
    ("00002813", "check"),
    ("1436057", "format"),
    ("143605700", "format"),
    ("1436O570", "format"),  # letter O
    ("１４３６０５７０", "format"),  # full-width digits are not ASCII
    ("", "format"),
])
def test_invalid_codes(code, expected):
    assert edrpou_problem(code) == expected
    assert not is_valid_edrpou(code)


def test_check_digit_function():
    assert edrpou_check_digit("1436057") == 0
    assert edrpou_check_digit("0000281") == 0
    assert edrpou_check_digit("0000200") == 3
    with pytest.raises(ValueError):
        edrpou_check_digit("123")
