"""Helpers for the background tests: small series written as CSV."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

HEADER = "timestamp,post,substance,concentration,wind_speed,wind_direction\n"

# speed / direction of each gradation used by the tests (Order 286 §2.1)
GRAD_WIND = {"calm": (1, ""), "N": (5, 0), "E": (5, 90), "S": (5, 180), "W": (5, 270)}


def write_rows(path: Path, rows: list[tuple]) -> Path:
    path.write_text(HEADER + "".join(",".join(str(c) for c in r) + "\n" for r in rows), encoding="utf-8")
    return path


def gradation_rows(post: str, substance: str, values_by_gradation: dict, start=datetime(2023, 1, 1)) -> list[tuple]:
    """One hourly row per value, gradations one after another."""
    rows = []
    t = start
    for g, values in values_by_gradation.items():
        spd, d = GRAD_WIND[g]
        for v in values:
            rows.append((t.strftime("%Y-%m-%d %H:%M"), post, substance, v, spd, d))
            t += timedelta(hours=1)
    return rows
