"""Map figure of the site, its СЗЗ, sources and receptors for the PDF report (offline).

Drawn with matplotlib on a plain background in the local azimuthal-equidistant frame of
:mod:`ecologis.core.geometry` (metres east/north of the centre, true north up), with a
scale bar and a north arrow.  No tiles, no network, no Qt.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

_SZZ_FACE = "#f4c7c3"
_SZZ_EDGE = "#c62828"
_SITE_FACE = "#b0bec5"
_SITE_EDGE = "#37474f"
_IN_COLOR = "#c62828"
_OUT_COLOR = "#2e7d32"
_BG = "#f7f7f2"


def _nice_length(span_m: float) -> float:
    """A 1-2-5 × 10^k length close to a quarter of ``span_m`` (scale bar)."""
    target = max(span_m / 4.0, 1e-6)
    k = math.floor(math.log10(target))
    best = 10 ** k
    for m in (1, 2, 5, 10):
        if m * 10 ** k <= target:
            best = m * 10 ** k
    return float(best)


def _polygons(geom) -> list:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [g for g in geom.geoms if g.geom_type == "Polygon"]
    return []


def _fill(ax, geom, **kw):
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    for poly in _polygons(geom):
        rings = [np.asarray(poly.exterior.coords)] + [np.asarray(r.coords) for r in poly.interiors]
        verts = np.concatenate(rings)
        codes = np.concatenate([[MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 2) + [MplPath.CLOSEPOLY]
                                for r in rings])
        ax.add_patch(PathPatch(MplPath(verts, codes), **kw))


def scale_bar(ax, fg: str, lang: str) -> float:
    """A black-and-white scale bar (1-2-5 × 10^k metres, about a quarter of the width)
    in the lower left of ``ax`` (axes in metres); returns its length."""
    from matplotlib.patches import Rectangle

    from ecologis.i18n import t_lang

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    h = (y1 - y0) * 0.012
    bx = x0 + (x1 - x0) * 0.05
    by = y0 + (y1 - y0) * 0.05
    for i in range(4):
        ax.add_patch(Rectangle((bx + i * length / 4, by), length / 4, h, facecolor=fg if i % 2 == 0 else "white",
                               edgecolor=fg, linewidth=0.8, zorder=20))
    label = (f"{length / 1000:g} {t_lang(lang, 'geo.plot.km')}" if length >= 1000
             else f"{length:g} {t_lang(lang, 'geo.plot.m')}")
    ax.text(bx, by + 2.2 * h, "0", ha="center", va="bottom", fontsize=7, color=fg, zorder=20)
    ax.text(bx + length, by + 2.2 * h, label, ha="center", va="bottom", fontsize=7, color=fg, zorder=20)
    return length


def north_arrow(ax, fg: str, lang: str) -> None:
    """A north arrow with the translated letter in the upper right of ``ax``."""
    from ecologis.i18n import t_lang

    ax.annotate("", xy=(0.93, 0.95), xytext=(0.93, 0.83), xycoords="axes fraction",
                arrowprops=dict(facecolor=fg, edgecolor=fg, width=3, headwidth=10, headlength=10), zorder=20)
    ax.text(0.93, 0.96, t_lang(lang, "geo.plot.north"), transform=ax.transAxes, ha="center", va="bottom",
            fontsize=9, fontweight="bold", color=fg, zorder=20)


_ISO_CMAP = "viridis"
_CALC_SZZ = "#6a1b9a"
# the zones side by side (the same colours as the GUI map, ecologis/gui/zones_view.py)
_NORM_EDGE = "#b71c1c"
_KNP_FACE = "#fde3c8"
_KNP_EDGE = "#ef6c00"
_CALC_ZONE = "#283593"


def _draw_zones(ax, frame, zones: dict, handles: list, lang: str, calc_drawn: bool) -> list:
    """The normative zone (ДСП 173-96 class, solid) and the calculated zone (dashed, when
    the dispersion overlays did not draw it already) of :meth:`Assessment.zones`; returns
    their local geometries for the extent."""
    from matplotlib.lines import Line2D
    from shapely.geometry import shape

    from ecologis.i18n import t_lang

    drawn = []
    norm = zones.get("normative") or {}
    if norm.get("geometry"):
        g = frame.to_local(shape(norm["geometry"]))
        _fill(ax, g, facecolor="none", edgecolor=_NORM_EDGE, linewidth=2.2, zorder=5)
        drawn.append(g)
        handles.append(Line2D([], [], color=_NORM_EDGE, linewidth=2.2,
                              label=t_lang(lang, "report.map.szz_normative", cls=norm.get("class") or "—",
                                           size=f"{float(norm.get('size_m') or 0):g}")))
    calc = zones.get("calculated") or {}
    if calc.get("geometry") and not calc_drawn:
        g = frame.to_local(shape(calc["geometry"]))
        _fill(ax, g, facecolor="none", edgecolor=_CALC_ZONE, linewidth=1.8, linestyle="--", zorder=5)
        drawn.append(g)
        handles.append(Line2D([], [], color=_CALC_ZONE, linestyle="--", linewidth=1.8,
                              label=t_lang(lang, "report.map.calc_szz")))
    return drawn


def _draw_overlays(ax, frame, overlays: dict, handles: list, lang: str) -> list:
    """Isolines, the calculated СЗЗ and the maximum point of a dispersion result; returns
    the local geometries the extent must show (the calculated zone and the maximum; the
    isolines are clipped to the map)."""
    from matplotlib import colormaps
    from matplotlib.lines import Line2D
    from shapely.geometry import Point, shape

    from ecologis.i18n import t_lang

    drawn = []
    feats = [f for f in (overlays.get("isolines") or {}).get("features") or [] if f.get("geometry")]
    levels = sorted({float(f["properties"]["level"]) for f in feats})
    cmap = colormaps[_ISO_CMAP]
    for f in feats:
        lv = float(f["properties"]["level"])
        color = cmap(levels.index(lv) / max(len(levels) - 1, 1))
        g = frame.to_local(shape(f["geometry"]))
        for line in getattr(g, "geoms", [g]):
            xy = np.asarray(line.coords)
            ax.plot(xy[:, 0], xy[:, 1], color=color, linewidth=1.0, zorder=4)
        handles.append(Line2D([], [], color=color, linewidth=1.2, label=t_lang(lang, "report.map.isoline", level=f"{lv:g}")))
    szz = overlays.get("szz_contour") or {}
    if szz.get("geometry"):
        g = frame.to_local(shape(szz["geometry"]))
        _fill(ax, g, facecolor="none", edgecolor=_CALC_SZZ, linewidth=1.8, linestyle="--", zorder=5)
        drawn.append(g)
        handles.append(Line2D([], [], color=_CALC_SZZ, linestyle="--", linewidth=1.8,
                              label=t_lang(lang, "report.map.calc_szz")))
    fm = overlays.get("field_max") or {}
    if fm.get("lat") is not None and fm.get("lon") is not None:
        x, y = frame.to_local_xy([fm["lon"]], [fm["lat"]])
        ax.plot(x, y, marker="X", markersize=10, color="#d50000", markeredgecolor="white", linestyle="", zorder=10)
        drawn.append(Point(float(x[0]), float(y[0])))
        handles.append(Line2D([], [], marker="X", linestyle="", color="#d50000",
                              label=t_lang(lang, "report.map.field_max")))
    return drawn


def site_map_figure(center_latlon: tuple[float, float], radius_m: float, site_geojson: Any = None,
                    szz_geojson: Any = None, receptors: Iterable[Any] | None = None,
                    sources: Iterable[Any] | None = None, lang: str = "uk", figure=None,
                    overlays: dict | None = None, tiles=None, underlay: dict | None = None,
                    zones: dict | None = None, analysis=None):
    """Draw the site map; return the :class:`matplotlib.figure.Figure`.

    ``center_latlon`` = (lat, lon) of the enterprise (WGS84 degrees); ``radius_m`` the
    category radius in metres.  ``site_geojson``: the site polygon (GeoJSON, lon/lat);
    ``analysis``: the site analysis of the pipeline
    (:class:`ecologis.core.geometry.SiteAnalysis`, ``Assessment.site``): its zone and its
    receptors with their inside flags are drawn — the figure analyses nothing itself.
    Without it: ``szz_geojson`` is the СЗЗ polygon (none drawn when omitted) and
    ``receptors`` are GeoJSON features or dicts (``name``, ``kind``, ``geometry`` or
    ``lat``/``lon``) that each carry their ``inside`` flag (``ValueError`` otherwise).
    ``szz_geojson`` given beside ``analysis`` replaces the analysis' zone.
    ``sources``: dicts with ``lat``/``lon`` (and ``name``/``id``)
    or GeoJSON point features.  ``figure``: an existing Figure to draw into.
    ``overlays`` (optional, an OND-86 dispersion result or the part of it with these keys):
    ``isolines`` (FeatureCollection of MultiLineStrings with ``properties.level`` in shares
    of ГДК), ``szz_contour`` (Feature, MultiPolygon: the calculated СЗЗ, drawn dashed
    beside the normative zone) and ``field_max`` (``lat``/``lon``: the maximum point).
    ``underlay`` (``{"image": bytes, "bounds": (west, south, east, north), "rotation_deg"}``, a site plan
    or orthophoto) or else ``tiles`` (cached web-map tiles, see :mod:`ecologis.plots.basemap`)
    is drawn under the layers, with its attribution; without either the figure says that
    no base map is available.  ``fig.basemap`` tells which one was drawn (None: none).
    ``zones`` (optional, :meth:`ecologis.pipeline.assess.Assessment.zones`): the zones side
    by side — the normative zone of the project's sanitary class (ДСП 173-96, annex 4) as
    a solid line and the calculated zone dashed, each with its legend entry; the
    ``radius_m`` zone is then labelled as the КНП estimate.
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from shapely.geometry import Point, shape

    from ecologis.core.geometry import LocalFrame, ParsedReceptor, check_latlon
    from ecologis.i18n import t_lang

    lat0, lon0 = check_latlon(*center_latlon)
    frame = LocalFrame(lat0, lon0)
    if analysis is not None:
        recs = list(analysis.receptors)            # ReceptorResult: name, geometry, inside
        inside = [bool(r.inside) for r in recs]
    else:
        receptors = list(receptors or [])
        if any(not (isinstance(r, dict) and "inside" in r) for r in receptors):
            raise ValueError("site_map_figure: receptors without their 'inside' flag need the site analysis")
        recs = [ParsedReceptor.from_any(r, where=f"#{i}") for i, r in enumerate(receptors, start=1)]
        inside = [bool(r["inside"]) for r in receptors]
    zone = szz_geojson if szz_geojson is not None else (analysis.szz if analysis is not None else None)
    szz = shape(zone) if zone is not None else None
    if szz_geojson is not None and szz.geom_type not in ("Polygon", "MultiPolygon"):
        szz = shape(szz_geojson.get("geometry")) if isinstance(szz_geojson, dict) else szz

    fig = figure if figure is not None else Figure(figsize=(6.5, 6.0), dpi=100)
    fig.clear()
    fg = "#222222"
    fig.set_facecolor("white")
    ax = fig.add_subplot(111)
    ax.set_facecolor(_BG)
    handles = []

    szz_local = frame.to_local(szz) if szz is not None and not szz.is_empty else None
    if szz_local is not None and szz_local.area > 0 and zones:
        # beside the normative zone: the КНП radius is an estimate, drawn as such
        _fill(ax, szz_local, facecolor=_KNP_FACE, edgecolor=_KNP_EDGE, linewidth=1.5, linestyle=(0, (2, 3)),
              alpha=0.7, zorder=2)
        handles.append(Patch(facecolor=_KNP_FACE, edgecolor=_KNP_EDGE, linestyle=(0, (2, 3)),
                             label=t_lang(lang, "report.map.szz_knp", radius=f"{float(radius_m or 0):g}")))
    elif szz_local is not None and szz_local.area > 0:
        _fill(ax, szz_local, facecolor=_SZZ_FACE, edgecolor=_SZZ_EDGE, linewidth=1.5, alpha=0.8, zorder=2)
        handles.append(Patch(facecolor=_SZZ_FACE, edgecolor=_SZZ_EDGE,
                             label=t_lang(lang, "geo.plot.szz", radius=f"{float(radius_m or 0):g}")))
    if site_geojson:
        site_local = frame.to_local(shape(site_geojson.get("geometry", site_geojson)
                                          if site_geojson.get("type") == "Feature" else site_geojson))
        _fill(ax, site_local, facecolor=_SITE_FACE, edgecolor=_SITE_EDGE, linewidth=1.2, hatch="///", zorder=3)
        handles.append(Patch(facecolor=_SITE_FACE, edgecolor=_SITE_EDGE, hatch="///",
                             label=t_lang(lang, "geo.plot.site")))
    ax.plot([0], [0], marker="*", markersize=13, color="#1565c0", markeredgecolor="white", zorder=6)
    handles.append(Line2D([], [], marker="*", linestyle="", markersize=11, color="#1565c0",
                          label=t_lang(lang, "geo.plot.enterprise")))

    src_xy = []
    for s in sources or []:
        if isinstance(s, dict) and s.get("type") == "Feature":
            c = (s.get("geometry") or {}).get("coordinates") or []
            if len(c) >= 2:
                src_xy.append((c[1], c[0], (s.get("properties") or {}).get("name") or ""))
        elif isinstance(s, dict) and s.get("lat") is not None and s.get("lon") is not None:
            src_xy.append((s["lat"], s["lon"], s.get("name") or s.get("id") or ""))
        elif hasattr(s, "lat") and getattr(s, "lat", None) is not None and getattr(s, "lon", None) is not None:
            src_xy.append((s.lat, s.lon, getattr(s, "name", "") or getattr(s, "id", "")))
    if src_xy:
        x, y = frame.to_local_xy([p[1] for p in src_xy], [p[0] for p in src_xy])
        ax.plot(x, y, linestyle="", marker="^", markersize=7, color="#424242", zorder=7)
        handles.append(Line2D([], [], marker="^", linestyle="", color="#424242", label=t_lang(lang, "geo.plot.source")))

    seen_in = seen_out = False
    for r, ins in zip(recs, inside):
        g = frame.to_local(shape(r.geometry))
        color = _IN_COLOR if ins else _OUT_COLOR
        if g.geom_type == "Point":
            ax.plot([g.x], [g.y], marker="o", markersize=6, color=color, markeredgecolor="white", zorder=8)
            px, py = g.x, g.y
        else:
            _fill(ax, g, facecolor=color, edgecolor=color, alpha=0.45, linewidth=1.0, zorder=8)
            c = g.representative_point()
            px, py = c.x, c.y
        if r.name:
            ax.text(px, py, " " + r.name, fontsize=7, color=color, va="center", ha="left", zorder=9,
                    parse_math=False, clip_on=True)
        seen_in |= ins
        seen_out |= not ins
    if seen_in:
        handles.append(Line2D([], [], marker="o", linestyle="", color=_IN_COLOR, label=t_lang(lang, "geo.plot.receptor_in")))
    if seen_out:
        handles.append(Line2D([], [], marker="o", linestyle="", color=_OUT_COLOR, label=t_lang(lang, "geo.plot.receptor_out")))

    overlay_geoms = _draw_overlays(ax, frame, overlays, handles, lang) if overlays else []
    if zones:
        calc_drawn = bool(((overlays or {}).get("szz_contour") or {}).get("geometry"))
        overlay_geoms += _draw_zones(ax, frame, zones, handles, lang, calc_drawn)

    # Extent: the СЗЗ and every drawn object, square, 12 % margin.
    pts = [Point(0, 0), *overlay_geoms]
    if szz_local is not None:
        pts.append(szz_local)
    for r in recs:
        pts.append(frame.to_local(shape(r.geometry)))
    if src_xy:
        pts.extend(Point(a, b) for a, b in zip(x, y))
    from shapely.geometry import GeometryCollection

    minx, miny, maxx, maxy = GeometryCollection(pts).bounds
    half = max(maxx - minx, maxy - miny, 100.0) / 2 * 1.12
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ax.set_xlim(cx - half, cx + half)
    ax.set_ylim(cy - half, cy + half)
    ax.set_aspect("equal")
    from ecologis.plots.basemap import draw_image, draw_tiles

    base = None
    if underlay:
        try:
            base = draw_image(ax, frame, underlay["image"], underlay["bounds"], underlay.get("rotation_deg") or 0.0)
        except Exception:  # noqa: BLE001 - an unreadable underlay: fall back to the tiles
            base = None
    if base is None:
        base = draw_tiles(ax, frame, tiles)
    fig.basemap = base
    if base is None:
        ax.grid(True, color="#d5d5cc", linewidth=0.6, zorder=0)
        note = t_lang(lang, "report.map.no_basemap")
    elif base["kind"] == "tiles":
        note = t_lang(lang, "report.map.tiles_attribution", attribution=base.get("attribution") or "")
    else:
        note = t_lang(lang, "report.map.underlay")
    ax.text(0.99, 0.01, note, transform=ax.transAxes, ha="right", va="bottom", fontsize=6, color="#333333",
            zorder=21, bbox=dict(facecolor="white", edgecolor="none", alpha=0.75, pad=1.5))
    ax.tick_params(labelsize=7, colors=fg)
    ax.set_xlabel(t_lang(lang, "geo.plot.axis_x"), fontsize=8, color=fg)
    ax.set_ylabel(t_lang(lang, "geo.plot.axis_y"), fontsize=8, color=fg)
    ax.set_title(t_lang(lang, "geo.plot.title"), fontsize=10, color=fg)
    ax.scale_bar_m = scale_bar(ax, fg, lang)
    north_arrow(ax, fg, lang)
    ax.legend(handles=handles, loc="upper left", fontsize=7, framealpha=0.9)
    fig.text(0.01, 0.01, t_lang(lang, "geo.plot.note", lat=f"{lat0:.6f}", lon=f"{lon0:.6f}"),
             fontsize=6, color="#555555")
    fig.tight_layout()
    return fig
