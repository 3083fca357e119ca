"""The Leaflet map of the enterprise, its СЗЗ, site and receptors (``MapView``)."""

from ecologis.gui.map.map_view import MapView

__all__ = ["MapView"]
