"""CAS registry numbers: format and check digit.

Source: CAS, "CAS Registry Number" check-digit rule — the last digit equals the sum of
the other digits, each multiplied by its position counted from the right (starting at
1), modulo 10.
"""

from __future__ import annotations

import re

_CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def cas_check_digit(body: str) -> int:
    """Check digit for the digits before it (``"773255"`` for 7732-18-5 → 5)."""
    digits = [int(c) for c in body if c.isdigit()]
    return sum(i * d for i, d in enumerate(reversed(digits), start=1)) % 10


def is_valid_cas(text: str | None) -> bool:
    """True when ``text`` has the CAS form NNNNNNN-NN-N and a correct check digit."""
    if not text:
        return False
    m = _CAS_RE.match(text.strip())
    if not m:
        return False
    return cas_check_digit(m.group(1) + m.group(2)) == int(m.group(3))


def looks_like_cas(text: str) -> bool:
    return bool(_CAS_RE.match(text.strip()))
