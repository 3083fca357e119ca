"""What the window shows on the map: the project's geography (site, receptors, sources,
the zone), edits made on the map, the dispersion overlays, GIS import/export and
picking a point.

A mixin of :class:`ecologis.gui.main_window.MainWindow`: views only, the state is the
session's (``self.wb``).
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from ecologis.i18n import t, translator


OVERLAY_STYLES = {
    "isolines": {"color": "#6a1b9a", "weight": 2, "legend": "map.overlay.isolines",
                 "label": "map.overlay.isoline_label"},
    "szz_contour": {"color": "#0d47a1", "weight": 2, "dashArray": "6 4", "fillOpacity": 0.05,
                    "legend": "map.overlay.szz_contour", "popup": "map.overlay.szz_contour_popup"},
    "field_max": {"color": "#b71c1c", "point": True, "legend": "map.overlay.field_max",
                  "popup": "map.overlay.field_max_popup"},
    "receptor_values": {"color": "#e65100", "point": True, "legend": "map.overlay.receptor_values",
                        "popup": "map.overlay.receptor_value_popup"},
}




class MapLayersMixin:
    def _push_geo(self) -> None:
        """Send the profile's site, receptors and sources to the map when they differ
        from what it shows (edits made on the map come back here unchanged)."""
        prof = self.wb.profile
        receptors = prof.receptor_dicts()
        sources = [{"id": s.id, "name": s.name, "lat": s.lat, "lon": s.lon}
                   for s in prof.sources if s.lat is not None and s.lon is not None]
        key = json.dumps([prof.site, receptors, sources], sort_keys=True, default=str)
        if key == self._geo_pushed:
            return
        self._geo_pushed = key
        if getattr(self, "_geo_from_map", False):
            return          # the map already shows this edit (made there): do not redraw under the user
        if not (prof.site or receptors or self.map.site() or self.map.receptors()):
            self.map.set_sources(sources)   # nothing to validate: no shapely at start-up
            return
        from ecologis.core.geometry import GeometryError

        try:
            self.map.set_site(prof.site)
        except GeometryError as err:
            self.statusBar().showMessage(err.message(), 10000)
        try:
            self.map.set_receptors(receptors)
        except GeometryError as err:
            self.statusBar().showMessage(err.message(), 10000)
        self.map.set_sources(sources)

    def _update_conflicts(self) -> None:
        """Receptors inside the СЗЗ, listed in the results panel."""
        if not self._alive():
            return
        self.results.set_conflicts(self.map.conflict_lines())

    def conflict_lines(self) -> list[str]:
        return self.results.conflict_texts()

    def _map_edit(self, apply) -> None:
        """An edit made on the map: into the profile (undoable), not drawn back."""
        self._geo_from_map = True
        try:
            apply()
        finally:
            self._geo_from_map = False

    def _on_site_edited(self, geom: dict) -> None:
        self._map_edit(lambda: self.wb.set_site(geom or None))

    def _on_receptors_edited(self, items: list) -> None:
        self._map_edit(lambda: self.wb.set_receptors(
            [{k: v for k, v in dict(r).items() if k in ("id", "name", "kind", "geometry")} for r in items]))

    def _on_sources_edited(self, items: list) -> None:
        self._map_edit(lambda: self.wb.set_source_points(items))

    def _push_map_state(self) -> None:
        if not self._alive():
            return
        self._update_enterprise()
        res = self.wb.result
        self.map.set_radius(res.szz_m if res is not None and res.knp > 0 else 0)

    # -- dispersion overlays (OND-86 results on the map) ----------------------------------
    def show_dispersion(self, data: dict) -> None:
        """Draw the dispersion panel's result: isolines (shares of ГДК м.р.), the
        calculated СЗЗ contour beside the normative zone, and the maximum point."""
        if not self._alive():
            return
        if not data:
            self.clear_dispersion_overlays()
            return
        szz = data.get("szz_contour")
        if isinstance(szz, dict) and szz.get("type") == "Feature" and szz.get("geometry") is None:
            szz = None
        fmax = data.get("field_max")
        point = None
        if isinstance(fmax, dict) and fmax.get("lat") is not None:
            props = {"target": data.get("target") or "",
                     "share": fmax.get("share_gdk_with_background"),
                     "value": fmax.get("value_with_background_mg_m3")}
            point = {"type": "Feature", "properties": props,
                     "geometry": {"type": "Point", "coordinates": [fmax["lon"], fmax["lat"]]}}
        receptors = [
            {"type": "Feature",
             "properties": {"name": r.get("name") or r.get("id") or "", "target": data.get("target") or "",
                            "value": r.get("value_with_background_mg_m3"), "share": r.get("share_gdk_with_background")},
             "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]}}
            for r in (data.get("receptors") or []) if r.get("lat") is not None and r.get("lon") is not None]
        self.map.set_overlay("receptor_values", {"type": "FeatureCollection", "features": receptors} if receptors else None,
                             OVERLAY_STYLES["receptor_values"])
        self.map.set_overlay("isolines", data.get("isolines") or None, OVERLAY_STYLES["isolines"])
        self.map.set_overlay("szz_contour", szz, OVERLAY_STYLES["szz_contour"])
        self.map.set_overlay("field_max", point, OVERLAY_STYLES["field_max"])
        self.map.fit_all()          # the map zooms to the results (isolines, contour, maximum)

    def clear_dispersion_overlays(self) -> None:
        for lid in OVERLAY_STYLES:
            self.map.set_overlay(lid, None, OVERLAY_STYLES[lid])

    # -- GIS exchange (issue 6) -----------------------------------------------------------
    def import_gis(self, path: str | Path | None = None) -> bool:
        """File ▸ Import GIS layers (GeoJSON/KML; CSV of receptors): one undoable command."""
        from ecologis.core.geometry import GeometryError
        from ecologis.io.gis import GisError, read_layers

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, t("gui.menu.gis_import"), "", t("gui.gis.filter_in"))
            if not path:
                return False
        try:
            layers = read_layers(path)
            if layers.is_empty():
                raise GisError(Path(path).name, "geo.gis.error.empty")
            self.wb.apply_gis_layers(layers)
        except (GisError, GeometryError) as e:
            self._set_message(e.message(), mass_invalid=False)
            self._ask("error", text=e.message())
            return False
        self.map.fit_all()
        return True

    def export_gis(self, path: str | Path | None = None) -> Path | None:
        """File ▸ Export GIS layers: site, sources, receptors and the СЗЗ in one file."""
        from ecologis.core.geometry import GeometryError
        from ecologis.io.gis import GisError, layers_from_profile, write_layers

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, t("gui.menu.gis_export"), "", t("gui.gis.filter_out"))
            if not path:
                return None
            if Path(path).suffix.lower() not in (".geojson", ".json", ".kml"):
                path += ".geojson"
        site = self.wb.assessment(dispersion=False).site       # the pipeline's site analysis
        szz = site.szz if site is not None else None
        try:
            write_layers(path, layers_from_profile(self.wb.profile, szz=szz), translator.lang)
        except (GisError, GeometryError) as e:
            self._ask("error", text=e.message())
            return None
        except OSError as e:
            self._ask("error", text=t("gui.error.save", file=str(path), detail=str(e)))
            return None
        self.statusBar().showMessage(t("gui.status.exported", file=Path(path).name), 10000)
        return Path(path)

    # -- pick a point on the map (background interpolation, issue 7 §2.6) ---------------
    def start_pick(self, target: str) -> None:
        self._pick_target = target
        self.map.start_pick()
        self.statusBar().showMessage(t("gui.status.pick"), 15000)

    def _on_point_picked(self, lat: float, lon: float) -> None:
        target, self._pick_target = self._pick_target, None
        if target == "background":
            p = self.panel("BackgroundPanel")
            if p is not None:
                p.set_point(lat, lon)
                dlg = p.window()
                dlg.show()
                dlg.raise_()
        self.statusBar().clearMessage()

