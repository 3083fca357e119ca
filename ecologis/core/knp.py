"""КНП — the complex hazard index of an enterprise (комплексний показник небезпеки).

Formulas (all vectorised over numpy arrays; masses in t/yr, ГДК in mg/m³; the result
is dimensionless by convention of the methods):

* :func:`contribution_linear` — the thesis (VNTU, 2025), formula (2.1)/(3.1)/(4.1):
  K_i = a(c_i) · M_i / ГДК_i.
* :func:`contribution_power` — normative method (1987 recommendations on enterprise
  hazard categories; Ukrainian textbooks): K_i = (M_i / ГДК_i)^a(c_i).
* :func:`knp_total` — thesis formula (2.2)/(3.2): КНП = Σ K_i.
* :func:`classify` — thesis formula (2.4) with the scale of §3.3 fig. 3.4: the first
  category whose lower bound the КНП reaches.
"""

from __future__ import annotations

import numpy as np


def contribution_linear(mass_t_per_year, gdk_mg_m3, a):
    """K = a · M / ГДК.  The thesis (VNTU, 2025), formula (3.1).  M in t/yr, ГДК in mg/m³."""
    m = np.asarray(mass_t_per_year, dtype=float)
    g = np.asarray(gdk_mg_m3, dtype=float)
    return np.asarray(a, dtype=float) * (m / g)


def contribution_power(mass_t_per_year, gdk_mg_m3, a):
    """K = (M / ГДК)^a.  1987 recommendations, КОП formula.  M in t/yr, ГДК in mg/m³."""
    m = np.asarray(mass_t_per_year, dtype=float)
    g = np.asarray(gdk_mg_m3, dtype=float)
    return np.power(m / g, np.asarray(a, dtype=float))


FORMULAS = {
    "linear": contribution_linear,
    "power": contribution_power,
}
FORMULA_TEXT = {
    "linear": "K_i = a(c_i) · M_i / ГДК_i",
    "power": "K_i = (M_i / ГДК_i)^a(c_i)",
}


def knp_total(contributions) -> float:
    """КНП = Σ K_i (thesis formula (3.2)), summed with ``math.fsum`` for exactness."""
    import math

    c = np.asarray(contributions, dtype=float)
    return math.fsum(c.tolist()) if c.size < 4096 else float(np.sum(c, dtype=np.float64))


def classify(knp, lower_bounds, labels):
    """Category index for КНП values.

    ``lower_bounds`` are the categories' lower bounds from the most hazardous down
    (strictly decreasing; the last category has no bound: ``-inf``).  A КНП equal to a
    bound belongs to that (more hazardous) category.  Returns the index into ``labels``.
    """
    bounds = np.asarray(lower_bounds, dtype=float)
    k = np.asarray(knp, dtype=float)
    # ascending bounds for searchsorted; side="right" puts k == bound into the upper bin
    asc = bounds[::-1]
    pos = np.searchsorted(asc, k, side="right")  # 1..n for k >= -inf
    return len(labels) - pos
