"""Compiled inner loop of the exact-direction search (numba).

:func:`sum_terms` is the same arithmetic as :meth:`ecologis.core.dispersion.field.ExactField.evaluate`
(OND-86 (2.22)–(2.27), term by term, node by node) compiled to machine code: upwind terms
(x ≤ 0) and unused s1 branches are skipped per element, which numpy's whole-array operations
cannot do.  Compiled on first use (a few seconds) and, when ``NUMBA_CACHE_DIR`` names a
folder, cached there: later processes load the machine code.  The entry points set it to
the user's cache folder (:func:`ecologis.paths.use_user_compile_cache`); without it
nothing is written (never beside the package).
"""

from __future__ import annotations

import math
import os

import numba
import numpy as np

#: Cache the machine code only where the entry points said (``NUMBA_CACHE_DIR``, the
#: user's cache folder): without it numba would write beside this file, into the package.
_CACHE = bool(os.environ.get("NUMBA_CACHE_DIR"))


@numba.njit(cache=_CACHE, nogil=True, error_model="numpy", inline="always")
def _s1(t, gas, low, ka, kb):
    """s1(t) of OND-86 (2.23а–г) with the (2.24) correction of a low source (``low``,
    ka = 0.125·(10 − H), kb = 0.125·(H − 2)), every branch computed and one chosen
    (branch-free: the calling loops vectorise)."""
    t2 = t * t
    near = t2 * (3.0 * t2 - 8.0 * t + 6.0)                       # (2.23а)
    if low:
        near = ka + kb * near if t < 1.0 else near                # (2.24)
    mid = 1.13 / (0.13 * t2 + 1.0)                                 # (2.23б)
    if gas:
        far = t / (3.58 * t2 - 35.2 * t + 120.0)                   # (2.23в)
    else:
        far = 1.0 / (0.1 * t2 + 2.47 * t - 17.8)                  # (2.23г)
    return near if t <= 1.0 else (mid if t <= 8.0 else far)


@numba.njit(cache=_CACHE, nogil=True, error_model="numpy")
def _add_term(out, dx, dy, r2, ex, ey, cm, inv, gas, low, h, u_eff):
    """out += one term's concentration at every node (branch-free inner loop: vectorisable)."""
    ka = 0.125 * (10.0 - h)
    kb = 0.125 * (h - 2.0)
    for j in range(out.shape[0]):
        x = dx[j] * ex[j] + dy[j] * ey[j]
        down = x > 0.0
        xs = x if down else 1.0
        s = _s1(xs * inv, gas, low, ka, kb)
        ty = (r2[j] / (xs * xs) - 1.0) * u_eff                     # (2.26)
        poly = 1.0 + ty * (5.0 + ty * (12.8 + ty * (17.0 + 45.1 * ty)))   # (2.27)
        c = s * cm / (poly * poly)
        out[j] += c if down else 0.0


@numba.njit(cache=_CACHE, nogil=True)
def sum_terms(dxp, dyp, r2p, pos_of_term, ex, ey, c_mu, inv_x_mu, gas, h, u_eff, out):
    """out[j] = Σ_i c_i at node j for the plume unit vector (ex[j], ey[j])."""
    out[:] = 0.0
    for i in range(pos_of_term.shape[0]):
        p = pos_of_term[i]
        _add_term(out, dxp[p], dyp[p], r2p[p], ex, ey, c_mu[i], inv_x_mu[i], gas[i], h[i] < 10.0, h[i], u_eff)
    return out


@numba.njit(cache=_CACHE, nogil=True, error_model="numpy")
def _axial_row(out, r2, cm, inv, gas, low, h):
    ka = 0.125 * (10.0 - h)
    kb = 0.125 * (h - 2.0)
    for j in range(out.shape[0]):
        t = math.sqrt(r2[j]) * inv
        s = _s1(t, gas, low, ka, kb)
        out[j] = cm * s if t > 0.0 else 0.0


@numba.njit(cache=_CACHE, nogil=True)
def axial_terms(r2p, pos_of_term, c_mu, inv_x_mu, gas, h, out):
    """out[i, j] = c_mu,i·s1(r_ij/x_mu,i): term i's value at node j on its plume axis (s2 = 1)."""
    for i in range(pos_of_term.shape[0]):
        _axial_row(out[i], r2p[pos_of_term[i]], c_mu[i], inv_x_mu[i], gas[i], h[i] < 10.0, h[i])
    return out


def warm_up() -> None:
    """Compile once (tests and the GUI call it implicitly on first use)."""
    z = np.zeros((1, 1))
    sum_terms(z, z, z, np.zeros(1, np.int64), np.zeros(1), np.zeros(1), np.zeros(1), np.ones(1),
              np.zeros(1, np.bool_), np.ones(1), 1.0, np.zeros(1))
    axial_terms(z, np.zeros(1, np.int64), np.zeros(1), np.ones(1), np.zeros(1, np.bool_), np.ones(1), np.zeros((1, 1)))
