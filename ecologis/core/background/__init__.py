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

Sources: the Order's text (seed document 002, without its formula images) and
the method specification «OND-86 and Order No. 286 from public sources», part B.
"""

from ecologis.core.background.data import BackgroundReference, find_offices
from ecologis.core.background.default import default_background, population_band
from ecologis.core.background.errors import BackgroundError, SeriesError, series_problem
from ecologis.core.background.formulas import RECONSTRUCTED
from ecologis.core.background.posts import GRADATIONS, posts_background, summation_background
from ecologis.core.background.result import BackgroundResult, validity_end
from ecologis.core.background.series import Series, series_from_table
from ecologis.core.background.spatial import background_at, parse_posts
from ecologis.core.background.subplume import calculated, exclude_own, subplume_background

__all__ = ["BackgroundError", "BackgroundReference", "BackgroundResult", "GRADATIONS", "RECONSTRUCTED", "Series", "SeriesError",
           "series_problem", "background_at", "calculated", "default_background", "exclude_own", "find_offices",
           "parse_posts", "population_band", "posts_background", "series_from_table",
           "subplume_background", "summation_background", "validity_end"]
