"""The effective ГДК of a substance and which standard it came from.

Source: the thesis (VNTU, 2025), §3.4 UI note "За відсутності ГДКсд: макс. разова ГДК
або 1/10 ГДК роб. зони", and the 1987 recommendations on enterprise hazard categories:
when the average daily ГДК (с.д.) is missing, use the one-time ГДК (м.р.), else the
approximate safe exposure level ОБРВ, else one tenth of the working-zone ГДК (р.з.).

Kinds (``GDK_KINDS``): "sd", "mr", "obrv", "0.1rz", "input" (a value given on the
emissions row), "none" (no usable value: the substance is excluded and warned about).
"""

from __future__ import annotations

import numpy as np

GDK_KINDS = ("sd", "mr", "obrv", "0.1rz", "input", "none")
KIND_SD, KIND_MR, KIND_OBRV, KIND_RZ, KIND_INPUT, KIND_NONE = range(6)


def _usable(x: np.ndarray) -> np.ndarray:
    return np.isfinite(x) & (x > 0)


def effective_gdk(gdk_sd, gdk_mr, obrv, gdk_rz):
    """Effective ГДК, mg/m³, and its kind code, vectorised.

    Parameters are arrays (mg/m³) with ``nan`` where a value is absent.  Returns
    ``(value, kind)``: ``value`` is ``nan`` and ``kind`` is ``KIND_NONE`` where no
    positive finite value exists in the chain с.д. → м.р. → ОБРВ → 0.1·р.з.
    """
    sd, mr, ob, rz = (np.asarray(a, dtype=float) for a in (gdk_sd, gdk_mr, obrv, gdk_rz))
    value = np.full(np.broadcast(sd, mr, ob, rz).shape, np.nan)
    kind = np.full(value.shape, KIND_NONE, dtype=np.int8)
    for arr, k, scale in ((rz, KIND_RZ, 0.1), (ob, KIND_OBRV, 1.0), (mr, KIND_MR, 1.0), (sd, KIND_SD, 1.0)):
        ok = _usable(arr)
        value = np.where(ok, arr * scale, value)
        kind = np.where(ok, k, kind).astype(np.int8)
    return value, kind
