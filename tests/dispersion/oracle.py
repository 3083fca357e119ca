"""Test oracle: a straightforward per-point pure-Python implementation of the field formulas.

An independent cross-check of the vectorised field code in the tests (not product
code).  ``benchmarks/bench_dispersion.py`` also times it as the "naive" reference; its
fair baseline is written there.  Same OND-86 formulas (2.18)–(2.27) written with ``math`` only, one
point, one direction, one term at a time.
"""

from __future__ import annotations

import math


def r_coef(q: float) -> float:
    """OND-86 (2.19) (UNVERIFIED)."""
    if q <= 1:
        return 0.67 * q + 1.67 * q * q - 1.34 * q ** 3
    return 3 * q / (2 * q * q - q + 2)


def p_coef(q: float) -> float:
    """OND-86 (2.21) (UNVERIFIED)."""
    if q <= 0.25:
        return 3.0
    if q <= 1:
        return 8.43 * (1 - q) ** 5 + 1
    return 0.32 * q + 0.68


def s1(t: float, F: float, H: float) -> float:
    """OND-86 (2.23а–г), (2.24)."""
    if t <= 0:
        return 0.0
    if t <= 1:
        s = 3 * t ** 4 - 8 * t ** 3 + 6 * t ** 2
    elif t <= 8:
        s = 1.13 / (0.13 * t * t + 1)
    elif F <= 1.5:
        s = t / (3.58 * t * t - 35.2 * t + 120)
    else:
        s = 1 / (0.1 * t * t + 2.47 * t - 17.8)
    if t < 1 and H < 10:
        s = 0.125 * (10 - H) + 0.125 * (H - 2) * s
    return s


def s2(ty: float) -> float:
    """OND-86 (2.27) (UNVERIFIED)."""
    return 1.0 / (1 + 5 * ty + 12.8 * ty ** 2 + 17 * ty ** 3 + 45.1 * ty ** 4) ** 2


def point_concentration(px, py, terms, direction_deg, u) -> float:
    """Σ over terms of the concentration at (px, py); terms: list of dicts x, y, c_m, x_m, u_m, F, H."""
    a = math.radians(direction_deg)
    ex, ey = -math.sin(a), -math.cos(a)
    total = 0.0
    for tm in terms:
        dx, dy = px - tm["x"], py - tm["y"]
        x = dx * ex + dy * ey
        if x <= 0:
            continue
        y = dy * ex - dx * ey
        q = u / tm["u_m"]
        c_mu = r_coef(q) * tm["c_m"]
        x_mu = p_coef(q) * tm["x_m"]
        ty = min(u, 5.0) * y * y / (x * x)
        try:
            s2v = s2(ty)
        except OverflowError:
            s2v = 0.0
        total += c_mu * s1(x / x_mu, tm["F"], tm["H"]) * s2v
    return total


def max_field_python(points, terms, directions_deg, wind_speeds) -> list[float]:
    """Maximum over directions and speeds at each point (list of (x, y))."""
    out = []
    for px, py in points:
        best = 0.0
        for u in wind_speeds:
            for d in directions_deg:
                c = point_concentration(px, py, terms, d, u)
                if c > best:
                    best = c
        out.append(best)
    return out
