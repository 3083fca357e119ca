"""OND-86 dispersion of emissions from point sources (stacks).

Pure Python + numpy (never Qt).  Modules:

* :mod:`.formulas` – one function per OND-86 formula, with evidence tags;
* :mod:`.params` – per-source f, v_m, v'_m, f_e, m, n, d, c_m, x_m, u_m;
* :mod:`.field` – vectorised ground-level field, max over wind directions;
* :mod:`.inputs` – input validation (translated messages via ``disp.err.*``);
* :mod:`.contours` – isolines / СЗЗ as GeoJSON (local frame: :class:`ecologis.core.geometry.LocalFrame`);
* :mod:`.run` – :func:`calculate`, the whole calculation for a plant.
"""

from ecologis.core.dispersion.field import Cancelled
from ecologis.core.dispersion.formulas import UNVERIFIED
from ecologis.core.dispersion.inputs import DispersionInputError, parse_input
from ecologis.core.dispersion.params import source_parameters
from ecologis.core.dispersion.run import calculate

__all__ = ["Cancelled", "UNVERIFIED", "DispersionInputError", "calculate", "parse_input",
           "source_parameters"]
