"""Numbers as users type them (decimal comma, thousands spaces), for every input path.

Used by the emissions table, the dictionary editor, the background series, the
dispersion inputs and the GUI fields, so that "8,27", "8.27" and "1 234,5" mean the
same everywhere.
"""

from __future__ import annotations

import numpy as np


class NumberProblem(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_number(value) -> tuple[float, bool]:
    """Parse a number as users type it.  Returns ``(value, used_decimal_comma)``.

    Accepts numbers, "8.27", "8,27" (decimal comma), spaces or no-break spaces as
    thousands separators ("1 234,5").  Text mixing "," and "." is refused as
    ambiguous.  Raises :class:`NumberProblem` with code "missing" or "not_number".
    """
    if value is None:
        raise NumberProblem("missing")
    if isinstance(value, bool):
        raise NumberProblem("not_number")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value), False
    s = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if s == "":
        raise NumberProblem("missing")
    comma = False
    if "," in s:
        if "." in s or s.count(",") > 1:
            raise NumberProblem("not_number")
        s = s.replace(",", ".")
        comma = True
    low = s.lower()
    if low in ("nan", "+nan", "-nan"):
        return float("nan"), comma
    if low in ("inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"):
        return float(low.replace("inity", "")), comma
    try:
        return float(s), comma
    except ValueError:
        raise NumberProblem("not_number") from None
