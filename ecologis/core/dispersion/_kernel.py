"""Compiled inner loop of the exact-direction search (numba).

:func:`sum_terms` is the same arithmetic as :meth:`ecologis.core.dispersion.field.ExactField.evaluate`
(OND-86 (2.22)–(2.27), term by term, node by node) compiled to machine code: upwind terms
(x ≤ 0) and unused s1 branches are skipped per element, which numpy's whole-array operations
cannot do.  Compiled on first use (a few seconds, once per process).
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=False, nogil=True)
def _s1(t, gas, h):
    if t <= 0.0:
        return 0.0
    t2 = t * t
    if t <= 1.0:
        s = t2 * (3.0 * t2 - 8.0 * t + 6.0)                       # (2.23а)
        if t < 1.0 and h < 10.0:
            s = 0.125 * (10.0 - h) + 0.125 * (h - 2.0) * s        # (2.24)
        return s
    if t <= 8.0:
        return 1.13 / (0.13 * t2 + 1.0)                           # (2.23б)
    if gas:
        return t / (3.58 * t2 - 35.2 * t + 120.0)                 # (2.23в)
    return 1.0 / (0.1 * t2 + 2.47 * t - 17.8)                     # (2.23г)


@numba.njit(cache=False, nogil=True)
def sum_terms(dxp, dyp, r2p, pos_of_term, ex, ey, c_mu, inv_x_mu, gas, h, u_eff, out):
    """out[j] = Σ_i c_i at node j for the plume unit vector (ex[j], ey[j])."""
    n = dxp.shape[1]
    T = pos_of_term.shape[0]
    for j in range(n):
        out[j] = 0.0
    for i in range(T):                      # term-outer: rows of dxp, dyp, r2p read contiguously
        p = pos_of_term[i]
        cm = c_mu[i]
        inv = inv_x_mu[i]
        g = gas[i]
        hh = h[i]
        for j in range(n):
            x = dxp[p, j] * ex[j] + dyp[p, j] * ey[j]
            if not x > 0.0:
                continue
            s = _s1(x * inv, g, hh)
            ty = (r2p[p, j] / (x * x) - 1.0) * u_eff                 # (2.26)
            poly = 1.0 + ty * (5.0 + ty * (12.8 + ty * (17.0 + 45.1 * ty)))   # (2.27)
            out[j] += s * cm / (poly * poly)
    return out


def warm_up() -> None:
    """Compile once (tests and the GUI call it implicitly on first use)."""
    z = np.zeros((1, 1))
    sum_terms(z, z, z, np.zeros(1, np.int64), np.zeros(1), np.zeros(1), np.zeros(1), np.ones(1),
              np.zeros(1, np.bool_), np.ones(1), 1.0, np.zeros(1))
