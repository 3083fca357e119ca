"""One function per formula of Order No. 286 (background concentrations).

Source texts: the Order as published (its formula images are
missing) and the reconstruction in the method specification «OND-86 and Order No. 286 from public sources»,
part B.  Every function whose formula is
not printed in a source we could read says **"reconstructed, not confirmed"** in its
docstring and is listed in :data:`RECONSTRUCTED`; a result that used one of them carries
``reconstructed: true`` and the list of piece ids.

Units: concentrations in mg/m³, distances in metres, wind speed in m/s, directions in
degrees (where the wind blows from).  Functions are vectorised over numpy arrays.
"""

from __future__ import annotations

import numpy as np

#: Reconstructed pieces: id -> reference section.  The ids are also translation keys
#: ``bg.piece.<id>`` (human description) in ``locales/*.bg.json``.
RECONSTRUCTED = {
    "f_transition_2_4": "ond86_and_background.md B.2",
    "background_2_5": "ond86_and_background.md B.2",
    "significance_2_8_2_9": "ond86_and_background.md B.3",
    "reduced_concentration_2_10": "ond86_and_background.md B.4, A.14",
    "interpolation_2_11": "ond86_and_background.md B.5",
    "extrapolation_2_12": "ond86_and_background.md B.5 (no candidate offered; own construction)",
    "sigma_range_3_2": "ond86_and_background.md B.6",
    "maximum_98_3_4": "ond86_and_background.md B.6",
    "background_rose_3_5": "ond86_and_background.md B.6",
    "exclude_own_4_1_4_2": "ond86_and_background.md B.7, A.15",
    "ond86_unverified": "ond86_and_background.md part A (the dispersion engine's unverified formulas)",
}


# --------------------------------------------------------------------------------------
# Stated in the Order's text
# --------------------------------------------------------------------------------------
def n_excluded(n, share: float, rounding: str = "floor"):
    """Number of the largest values to exclude from ``n`` values.

    Order 286 §2.2 (5 %) and §3.3 a) (2 %).  Rounding (``floor`` by default) is a choice
    kept in ``resources/background/method.json``.
    """
    x = np.asarray(n, dtype=float) * share
    if rounding == "round":
        k = np.floor(x + 0.5)
    elif rounding == "ceil":
        k = np.ceil(x - 1e-12)
    else:
        k = np.floor(x + 1e-12)
    return k.astype(np.int64)


def mean_concentration(values):
    """Mean multi-year concentration q̄ = Σq / n, mg/m³.  Order 286 (2.1), (3.1).

    The text (§2.3) describes a mean of one-time concentrations; the
    pooled arithmetic mean is used [T] (the per-year weighting hinted by N_m is not
    printed).
    """
    v = np.asarray(values, dtype=float)
    return float(v.mean()) if v.size else float("nan")


def std_deviation(values, ddof: int = 1):
    """Standard deviation σ = √(Σ(q − q̄)² / (n − ddof)), mg/m³.  Order 286 (2.2) [T];
    n or n − 1 not found (reference B.1), ``ddof`` from ``method.json``."""
    v = np.asarray(values, dtype=float)
    if v.size - ddof <= 0:
        return float("nan")
    return float(v.std(ddof=ddof))


def variation(sigma, mean):
    """Coefficient of variation V = σ / q̄ (dimensionless).  Order 286 (2.3), (3.3)."""
    sigma = np.asarray(sigma, dtype=float)
    mean = np.asarray(mean, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mean > 0, sigma / np.where(mean > 0, mean, 1.0), np.nan)


def calculated_background(c_max, factor: float = 0.4):
    """Background by calculation C_ф = 0.4 · C_max, mg/m³.  Order 286 §1.3
    and §4.4; C_max is the maximum calculated (OND-86) concentration."""
    return np.asarray(c_max, dtype=float) * factor


def default_other_substance(gdk_mr, factor: float = 0.4):
    """Default background of a substance not in table 4.1: 0.4 · ГДК м.р., mg/m³.
    Order 286 §4.8."""
    return np.asarray(gdk_mr, dtype=float) * factor


def centre_of_gravity(x, y):
    """Centre of gravity of the post network: arithmetic mean of the post coordinates.
    Order 286 §2.6."""
    return float(np.mean(x)), float(np.mean(y))


def circle_radius(x, y, factor: float = 1.1):
    """Radius 1.1·R of the interpolation circle, R = distance from the centre of gravity
    to the farthest post, m.  Order 286 §2.6."""
    cx, cy = centre_of_gravity(x, y)
    r = np.hypot(np.asarray(x, float) - cx, np.asarray(y, float) - cy)
    return factor * float(r.max())


# --------------------------------------------------------------------------------------
# Reconstructed, not confirmed
# --------------------------------------------------------------------------------------
def table_interp(x, xs, ys):
    """Linear interpolation in a data table; values outside the table take the end value.
    Returns (values, out_of_range mask)."""
    x = np.asarray(x, dtype=float)
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    out = (x < xs[0]) | (x > xs[-1])
    return np.interp(x, xs, ys), out


def transition_function(V, table):
    """Transition function F(V) from the mean to the background.  Order 286 (2.4), figure 1.

    **Reconstructed, not confirmed**: figure 1 is missing from the published Order; the
    shipped table ``resources/background/transition_function.csv`` is the log-normal
    candidate of the method specification, part B.2 (replaceable by
    the digitised curve).  Returns (F, out_of_range mask).
    """
    return table_interp(V, table.x, table.y)


def background_from_mean(mean, F):
    """Background of a gradation C_фij = q̄ij · F(Vij), mg/m³.  Order 286 (2.5).

    **Reconstructed, not confirmed**: formula image missing; form from
    the method specification, part B.2.
    """
    return np.asarray(mean, dtype=float) * np.asarray(F, dtype=float)


def significance_relative_range(values, mean, threshold: float = 0.2):
    """Condition of (2.8) (five gradations) or (2.9) (the four directions):
    (max − min) / mean ≤ threshold.

    **Reconstructed, not confirmed**: (2.8)/(2.9) were not found in any source
    (the method specification, part B.3, which mentions relative
    thresholds of about 20 % as vague Russian practice).  The threshold lives in
    ``method.json``.
    """
    v = np.asarray(values, dtype=float)
    if v.size == 0 or not np.all(np.isfinite(v)) or not (mean > 0):
        return False
    return bool((v.max() - v.min()) / mean <= threshold)


def reduced_concentration(concentrations, gdk_mr, reference_index: int = 0):
    """Reduced concentration of a summation group q = q1 + Σ q_k · ГДК1 / ГДК_k, mg/m³ of
    substance 1.  Order 286 (2.10).

    **Reconstructed, not confirmed**: the formula image is missing; the text (§2.5)
    says the concentrations are reduced by ОНД-86 to the most widespread
    substance using the ГДК м.р.; the form is the OND-86 rule of
    the method specification, parts B.4 and A.14.
    ``concentrations``: array (n_substances, n_times).
    """
    c = np.asarray(concentrations, dtype=float)
    g = np.asarray(gdk_mr, dtype=float)
    w = g[reference_index] / g
    return np.tensordot(w, c, axes=(0, 0))


def idw(values, distances, power: float = 1.0):
    """Interpolation inside the circle C_ф = Σ(C_фk / r_k^p) / Σ(1 / r_k^p).  Order 286 (2.11).

    **Reconstructed, not confirmed**: (2.11) not found; inverse-distance candidate of
    the method specification, part B.5 (exponent p = 1 unverified).
    At a post (r_k = 0) the post's value is returned.
    """
    v = np.asarray(values, dtype=float)
    r = np.asarray(distances, dtype=float)
    zero = r <= 1e-9
    if zero.any():
        return float(v[zero][0])
    w = 1.0 / r ** power
    return float(np.sum(w * v) / np.sum(w))


def extrapolate(c_circle, suburban, r, r_circle, power: float = 1.0):
    """Extrapolation outside the circle C_ф = C_s + (C_0 − C_s) · (R1 / r)^p.  Order 286 (2.12).

    **Reconstructed, not confirmed**: (2.12) not found and the reference
    (the method specification, part B.5) offers no candidate.  Own
    construction from the symbols §2.6 names: C_0 is (2.11) at the
    point where the line from the centre of gravity meets the circle (distances r_0k),
    r is the distance to the centre of gravity, C_s the "suburban background".  It is
    continuous on the circle (r = R1) and tends to C_s far away.
    """
    return float(suburban + (c_circle - suburban) * (r_circle / r) ** power)


def sigma_from_range(c_max, c_min, K):
    """σ = (C_max − C_min) / K(n), mg/m³.  Order 286 (3.2), figure 2.

    **Reconstructed, not confirmed**: (3.2) not found (reference part B.6); the text
    names C_max, C_min, K from figure 2 against the number of analyses n.  The range
    estimator σ = R / d2(n) is assumed; K(n) table in ``range_coefficient.csv``.
    """
    return (np.asarray(c_max, float) - np.asarray(c_min, float)) / np.asarray(K, float)


def maximum_98(mean, a):
    """98 % maximum concentration q_m = a(V) · C̄, mg/m³.  Order 286 (3.4), figure 3.

    **Reconstructed, not confirmed**: (3.4) not found (reference part B.6); a from
    ``maximum_coefficient.csv`` (log-normal 98 % candidate).
    """
    return np.asarray(mean, float) * np.asarray(a, float)


def background_by_rose(repeatability, q_m):
    """Background at a distance C_ф = P_d · q_m, mg/m³ (P_d wind repeatability of the
    rhumb carrying the plume to the point, fraction).  Order 286 (3.5); other rhumbs 0
    (§3.5).

    **Reconstructed, not confirmed**: (3.5) not found (reference part B.6); the product
    form is a candidate.
    """
    return np.asarray(repeatability, float) * np.asarray(q_m, float)


def exclude_own_contribution(c_f, c_own):
    """Background without the enterprise's own contribution, mg/m³.  Order 286 (4.1)/(4.2):
    C'_ф = C_ф · (1 − 0.4 · C / C_ф) for C ≤ 2 C_ф, otherwise C'_ф = 0.2 · C_ф.

    **Reconstructed, not confirmed**: (4.1)/(4.2) not found in the Order; the OND-86 §7
    correction of the method specification, parts B.7 and A.15
    ("most probably"); the branches meet at C = 2 C_ф.
    """
    cf = np.asarray(c_f, float)
    c = np.asarray(c_own, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c <= 2 * cf, cf - 0.4 * c, 0.2 * cf)
