"""The pipeline: one ``assess(project) -> Assessment`` that every consumer uses.

It runs, in order and only what the project has, the core's rules on the project model:
ГДК resolution and КНП, category and zones, site and receptor analysis, the OND-86
dispersion of the sources inventory, the stored backgrounds, and connects the core
packages that must not know each other (dispersion ↔ background by calculation).
"""

from ecologis.pipeline.assess import (AssessOptions, Assessment, analyse, assess, assess_knp, cached, centre_of,
                                      clear_cache, disperse, site_analysis)

__all__ = ["AssessOptions", "Assessment", "assess", "cached", "assess_knp", "analyse", "site_analysis", "disperse", "centre_of", "clear_cache"]
