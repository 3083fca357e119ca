"""Background concentrations by the Ministry's procedure (Order No. 286 of 30.07.2001).

Pure Python + numpy/pandas (never Qt).  Modules:

* :mod:`.formulas` – one function per formula; candidates say "reconstructed, not
  confirmed" and are listed in :data:`RECONSTRUCTED`;
* :mod:`.data` – methodology choices and curve tables from ``resources/background/``;
* :mod:`.default` – §4.8 table 4.1 and 0.4 · ГДК м.р.;
* :mod:`.series` – reading and validating observation series (CSV/XLSX);
* :mod:`.posts` – §2: gradations, statistics, significance, sufficiency, summation;
* :mod:`.spatial` – §2.6: interpolation (2.11) and extrapolation (2.12);
* :mod:`.subplume` – §3 sub-plume observations and §4 calculation from a given C_max (the
  OND-86 field comes in through :mod:`ecologis.pipeline.background_by_calculation`);
* :mod:`.result` – :class:`BackgroundResult` (method, inputs, date, validity, provenance).

Sources: seed ``002_0991905d7a199198.txt`` (the Order's text without its formula images)
and ``/work/shared/reference/ond86_and_background.md`` part B.
"""

from ecologis.core.background.data import find_offices, load_curve
from ecologis.core.background.default import default_background, population_band
from ecologis.core.background.errors import BackgroundError, SeriesError, SeriesIssue
from ecologis.core.background.formulas import RECONSTRUCTED
from ecologis.core.background.posts import GRADATIONS, posts_background, summation_background
from ecologis.core.background.result import BackgroundResult, validity_end
from ecologis.core.background.series import Series, read_series
from ecologis.core.background.spatial import background_at, load_posts, parse_posts
from ecologis.core.background.subplume import calculated, exclude_own, subplume_background

__all__ = ["BackgroundError", "BackgroundResult", "GRADATIONS", "RECONSTRUCTED", "Series", "SeriesError",
           "SeriesIssue", "background_at", "calculated", "default_background", "exclude_own", "find_offices",
           "load_curve", "load_posts", "parse_posts", "population_band", "posts_background", "read_series",
           "subplume_background", "summation_background", "validity_end"]
