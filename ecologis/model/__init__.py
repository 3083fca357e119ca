"""The project model: one plant as typed data, with no Qt and no file access.

``Project`` is what a user opens and saves (a profile file on disk): the enterprise, its
sources inventory, the emissions (each optionally linked to a source; the table is an
:class:`~ecologis.model.emissions.EmissionTable`, held column-wise), the site boundary,
the sensitive receptors, the backgrounds, the dispersion settings, the hazard-identification
inventory, the methodology preset and the history of assessments.  Reading, migrating and
validating profile files is :mod:`ecologis.io.profile`; computing is :mod:`ecologis.pipeline`.
"""

from ecologis.model.emissions import EmissionTable
from ecologis.model.project import (DEFAULT_HOURS_PER_YEAR, DEFAULT_PRESET_ID, ORIGINS, PROFILE_KIND, SCHEMA_VERSION,
                                    SOURCE_KINDS, BackgroundSection, DispersionSettings, Emission, Enterprise,
                                    Project, Receptor, Sanitary, Source)

__all__ = ["Project", "EmissionTable", "Sanitary", "Receptor", "DispersionSettings", "BackgroundSection", "Enterprise", "Source", "Emission", "ORIGINS", "SOURCE_KINDS", "SCHEMA_VERSION", "PROFILE_KIND",
           "DEFAULT_PRESET_ID", "DEFAULT_HOURS_PER_YEAR"]
