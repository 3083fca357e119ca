"""File ▸ Load offline base map… / Load site plan…: the project's base map and site plan.

A mixin of :class:`ecologis.gui.main_window.MainWindow`: the files are checked and stored
in the project by :mod:`ecologis.session.underlay` (undoable, saved with the project, used
by the report's map); this module asks for the file (and, for a PNG/JPEG, the coordinates
of its edges) and shows both on the map: the base map as tiles of the local tile server,
the site plan as a picture over the map.  A file that cannot be used: a translated
message naming it, nothing changed.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QLabel,
                               QVBoxLayout)

from ecologis.i18n import t

log = logging.getLogger(__name__)


class CornersDialog(QDialog):
    """The coordinates of a site plan's edges (west, south, east, north; WGS84 degrees) and
    the angle it is turned by (clockwise about its centre; 0 for a plan drawn north-up)."""

    def __init__(self, file_name: str, center: tuple[float, float] | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("underlayCorners")
        self.setWindowTitle(t("underlay.corners.title"))
        lay = QVBoxLayout(self)
        intro = QLabel(t("underlay.corners.intro", file=file_name))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        lat, lon = center if center is not None else (0.0, 0.0)
        self.fields = {}
        for key, lim, start in (("west", 180, lon - 0.005), ("east", 180, lon + 0.005),
                                ("south", 90, lat - 0.003), ("north", 90, lat + 0.003)):
            sb = QDoubleSpinBox()
            sb.setObjectName("corner_" + key)
            sb.setDecimals(6)
            sb.setRange(-lim, lim)
            sb.setValue(start)
            self.fields[key] = sb
            form.addRow(t(f"underlay.corners.{key}"), sb)
        self.rotation = QDoubleSpinBox()
        self.rotation.setObjectName("plan_rotation")
        self.rotation.setDecimals(1)
        self.rotation.setRange(-180.0, 180.0)
        self.rotation.setSingleStep(0.5)
        self.rotation.setSuffix("°")
        self.rotation.setToolTip(t("underlay.corners.rotation_tip"))
        form.addRow(t("underlay.corners.rotation"), self.rotation)
        lay.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def bounds(self) -> tuple[float, float, float, float]:
        f = self.fields
        return f["west"].value(), f["south"].value(), f["east"].value(), f["north"].value()

    def placement(self) -> tuple[tuple[float, float, float, float], float]:
        """(bounds, rotation in degrees clockwise)."""
        return self.bounds(), self.rotation.value()


class UnderlayMixin:
    _underlay_pushed = (None, None)

    def _build_underlay_actions(self, menu, before=None) -> None:
        acts = []
        for name, slot in (("act_load_basemap", self.load_offline_basemap), ("act_load_site_plan", self.load_site_plan),
                           ("act_remove_basemap", self.remove_offline_basemap),
                           ("act_remove_site_plan", self.remove_site_plan)):
            a = menu.addAction("")
            a.triggered.connect(lambda _=False, f=slot: f())
            setattr(self, name, a)
            acts.append(a)
        if before is not None:
            for a in acts:
                menu.removeAction(a)
            menu.insertActions(before, acts)
        self._update_underlay_actions()

    def _retranslate_underlay(self) -> None:
        self.act_load_basemap.setText(t("underlay.menu.basemap"))
        self.act_load_site_plan.setText(t("underlay.menu.site_plan"))
        self.act_remove_basemap.setText(t("underlay.menu.remove_basemap"))
        self.act_remove_site_plan.setText(t("underlay.menu.remove_site_plan"))

    def _update_underlay_actions(self) -> None:
        from ecologis.session.underlay import basemap_section

        sec = basemap_section(self.wb.profile)
        if hasattr(self, "act_remove_basemap"):
            self.act_remove_basemap.setEnabled(bool(sec.get("mbtiles")))
            self.act_remove_site_plan.setEnabled(bool(sec.get("image")))

    # -- commands ------------------------------------------------------------------------
    def load_offline_basemap(self, path: str | Path | None = None) -> bool:
        """File ▸ Load offline base map… (an MBTiles file): one undoable command."""
        from ecologis.io.underlay import UnderlayError
        from ecologis.session.underlay import load_offline_basemap

        path = path or self._ask_file("underlay.menu.basemap", "underlay.filter.mbtiles")
        if not path:
            return False
        try:
            info = load_offline_basemap(self.wb, path)
        except UnderlayError as e:
            self._ask("error", text=e.message())
            return False
        self.statusBar().showMessage(t("underlay.msg.basemap_loaded", name=info["name"], tiles=info["tiles"]), 10000)
        return True

    def load_site_plan(self, path: str | Path | None = None) -> bool:
        """File ▸ Load site plan… (a GeoTIFF, or a PNG/JPEG and the coordinates of its
        edges asked in a small dialog): one undoable command."""
        from ecologis.io.underlay import UnderlayError, inspect_image
        from ecologis.session.underlay import load_site_plan

        path = path or self._ask_file("underlay.menu.site_plan", "underlay.filter.images")
        if not path:
            return False
        try:
            info = inspect_image(path)
            bounds, rotation = info["bounds"], info["rotation_deg"]     # a GeoTIFF places (and turns) itself
            if bounds is None:
                placed = self._ask_corners(Path(path).name)
                if placed is None:
                    return False                 # the user cancelled: nothing changed
                bounds, rotation = placed
            load_site_plan(self.wb, path, bounds, rotation)
        except UnderlayError as e:
            self._ask("error", text=e.message())
            return False
        self.statusBar().showMessage(t("underlay.msg.plan_loaded", file=Path(path).name), 10000)
        self.map.run_js("window.ecologisMap.fitUnderlay();")
        return True

    def _ask_file(self, menu_key: str, filter_key: str) -> str:
        """A file to open, chosen in the dialog titled as its menu entry ("" when cancelled)."""
        path, _ = QFileDialog.getOpenFileName(self, t(menu_key).rstrip("…"), "", t(filter_key))
        return path

    def remove_offline_basemap(self) -> None:
        from ecologis.session.underlay import remove_offline_basemap

        remove_offline_basemap(self.wb)

    def remove_site_plan(self) -> None:
        from ecologis.session.underlay import remove_site_plan

        remove_site_plan(self.wb)

    def _ask_corners(self, file_name: str):
        """((west, south, east, north), rotation) from the user, or None when cancelled."""
        if self._prompt is not None:
            answer = self._prompt("underlay_corners", file=file_name)
            if answer is not None and len(answer) == 4:         # edges only: drawn north-up
                return tuple(answer), 0.0
            return answer
        e = self.wb.enterprise
        center = (e.lat, e.lon) if e.lat is not None and e.lon is not None else None
        dlg = CornersDialog(file_name, center, self)
        return dlg.placement() if dlg.exec() == QDialog.Accepted else None

    # -- the map -------------------------------------------------------------------------
    def _push_underlay(self) -> None:
        """Show the project's base map and site plan on the map when they changed."""
        from ecologis.session.underlay import basemap_section

        sec = basemap_section(self.wb.profile)
        mbtiles = sec.get("mbtiles") or None
        image = ((sec.get("image"), tuple(sec.get("bounds") or ()), sec.get("rotation_deg") or 0.0)
                 if sec.get("image") else None)
        old_mbtiles, old_image = self._underlay_pushed
        self._underlay_pushed = (mbtiles, image)
        self._update_underlay_actions()
        if mbtiles != old_mbtiles:
            self.map.set_user_basemap(self._basemap_spec(mbtiles) if mbtiles else None)
        if image != old_image:
            self.map.set_underlay(self._underlay_spec(*image) if image else None)

    def _basemap_spec(self, path: str) -> dict | None:
        from ecologis.io.tile_cache import inspect_mbtiles
        from ecologis.io.tile_proxy import mbtiles_proxy
        from ecologis.io.underlay import UnderlayError

        try:
            info = inspect_mbtiles(path)
            url = mbtiles_proxy(path).url
        except (UnderlayError, OSError) as e:       # a project whose base map file is gone
            msg = e.message() if isinstance(e, UnderlayError) else str(e)
            self.statusBar().showMessage(msg, 10000)
            return None
        return {"url": url, "attribution": info["attribution"], "minzoom": info["minzoom"],
                "maxzoom": info["maxzoom"]}

    def _underlay_spec(self, path: str, bounds, rotation: float = 0.0) -> dict | None:
        from ecologis.io.underlay import UnderlayError, check_bounds, check_rotation, inspect_image, preview_png

        try:
            inspect_image(path)
            bounds = check_bounds(bounds, str(path))
            rotation = check_rotation(rotation, str(path))
            png = preview_png(path)
        except UnderlayError as e:                   # a project whose site plan is gone
            self.statusBar().showMessage(e.message(), 10000)
            return None
        return {"url": "data:image/png;base64," + base64.b64encode(png).decode("ascii"), "bounds": list(bounds),
                "rotation": rotation}
