"""ЄДРПОУ (EDRPOU) identification code of a legal entity: the 8-digit control digit.

The algorithm is the one published with the State Statistics Service's
ЄДРПОУ classifier methodology and used by every Ukrainian accounting package
(e.g. the open-source ``python-stdnum`` module ``stdnum.ua.edrpou``):

1. Take the first seven digits d1..d7.
2. Weights are 1,2,3,4,5,6,7; if the code is in [30 000 000, 60 000 000) (first
   digit 3, 4 or 5) the weights are 7,1,2,3,4,5,6 instead.
3. r = Σ d_i·w_i mod 11.  If r == 10, repeat with every weight increased by 2
   (3..9, or 9,3,4,5,6,7,8); if the second remainder is 10 again the control digit is 0.
4. The eighth digit must equal r.
"""

from __future__ import annotations

WEIGHTS = (1, 2, 3, 4, 5, 6, 7)
WEIGHTS_SHIFTED = (7, 1, 2, 3, 4, 5, 6)


def edrpou_check_digit(first7: str) -> int:
    """Control digit for the first seven digits (see the module docstring)."""
    if len(first7) != 7 or not first7.isdigit() or not first7.isascii():
        raise ValueError("seven ASCII digits expected")
    digits = [int(c) for c in first7]
    weights = WEIGHTS_SHIFTED if first7[0] in "345" else WEIGHTS
    r = sum(d * w for d, w in zip(digits, weights)) % 11
    if r == 10:
        r = sum(d * (w + 2) for d, w in zip(digits, weights)) % 11
        if r == 10:
            r = 0
    return r


def edrpou_problem(code: str) -> str | None:
    """``None`` if ``code`` is a valid ЄДРПОУ; else ``"format"`` or ``"check"``."""
    s = str(code).strip()
    if len(s) != 8 or not s.isdigit() or not s.isascii():
        return "format"
    return None if edrpou_check_digit(s[:7]) == int(s[7]) else "check"


def is_valid_edrpou(code: str) -> bool:
    return edrpou_problem(code) is None
