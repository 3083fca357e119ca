"""Background concentrations by the Ministry's procedure (Order No. 286 of 30.07.2001).

Pure Python + numpy/pandas (never Qt).  Modules:

* :mod:`.formulas` – one function per formula; candidates say "reconstructed, not
  confirmed" and are listed in :data:`RECONSTRUCTED`;
* :mod:`.data` – :class:`BackgroundReference`: methodology choices and curve tables of
  ``resources/background/`` (read by :mod:`ecologis.io.reference_data`, passed to every
  calculation as ``refdata``);
* :mod:`.default` – §4.8 table 4.1 and 0.4 · ГДК м.р.;
* :mod:`.series` – validating observation series (read by :mod:`ecologis.io.background_series`);
* :mod:`.posts` – §2: gradations, statistics, significance, sufficiency, summation;
* :mod:`.spatial` – §2.6: interpolation (2.11) and extrapolation (2.12);
* :mod:`.subplume` – §3 sub-plume observations and §4 calculation from a given C_max (the
  OND-86 field comes in through :mod:`ecologis.pipeline.background_by_calculation`);
* :mod:`.result` – :class:`BackgroundResult` (method, inputs, date, validity, provenance).

Sources: the Order's text (without its formula images) and
the method specification «OND-86 and Order No. 286 from public sources», part B.
"""

import importlib

#: Public name → submodule.  Loaded on first use (PEP 562): reading stored backgrounds
#: (:mod:`.store`) must not import pandas, which :mod:`.posts` and :mod:`.series` need.
_WHERE = {
    "BackgroundReference": "data", "find_offices": "data",
    "default_background": "default", "population_band": "default",
    "BackgroundError": "errors", "SeriesError": "errors", "series_problem": "errors",
    "RECONSTRUCTED": "formulas",
    "GRADATIONS": "posts", "posts_background": "posts", "summation_background": "posts",
    "BackgroundResult": "result", "validity_end": "result",
    "Series": "series", "series_from_table": "series",
    "background_at": "spatial", "parse_posts": "spatial",
    "calculated": "subplume", "exclude_own": "subplume", "subplume_background": "subplume",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    mod = _WHERE.get(name)
    if mod is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{mod}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_WHERE))
