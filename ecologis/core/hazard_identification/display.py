"""Numbers of the ОПН result for display (CLI text, panel, note): one formatting rule."""

from __future__ import annotations

import math

from ecologis.i18n import format_significant


def fmt(x) -> str:
    """A float with 6 significant digits; "—" for missing, NaN or infinite; anything
    else (integers, text) as text.  Display only: stored values are never rounded."""
    if x is None:
        return "—"
    if isinstance(x, float):
        return format_significant(x, 6) if math.isfinite(x) else "—"
    return str(x)
