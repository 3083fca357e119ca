"""Shared helpers for the dispersion tests (not a test module)."""

from __future__ import annotations

import math


def assert_printed(value: float, printed: str) -> None:
    """``value`` reproduces the printed number to its printed precision.

    ``printed`` is typed as in the source (decimal comma allowed); the check is
    |value − printed| ≤ half a unit of the last printed digit."""
    p = printed.replace(",", ".")
    decimals = len(p.split(".")[1]) if "." in p else 0
    tol = 0.5 * 10 ** (-decimals) + 1e-12
    assert math.isfinite(value) and abs(value - float(p)) <= tol, \
        f"{value!r} does not reproduce printed {printed} (±{tol:g})"


def no_lookup(_name):
    """Substance lookup stub: tests do not depend on the substance dictionary's data."""
    return None
