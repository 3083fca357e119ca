"""Kinds of sensitive receptors near an industrial site (issue 6).

Kept apart from :mod:`ecologis.core.geometry` (which loads shapely and pyproj) so the
GUI and the map page can know the kinds without loading geometry libraries at start-up.
Labels are ``geo.kind.<kind>`` in ``locales/``.
"""

RECEPTOR_KINDS = ("residential", "school", "kindergarten", "hospital", "recreation", "water_intake", "other")
