"""The four sanitary zones of one assessment, side by side, and which one binds.

1. ``normative`` — ДСП 173-96 annex 4: the class of the project's ``sanitary`` section
   (picked directly or through its activity) → 1000 / 500 / 300 / 100 / 50 m, measured from
   the site boundary when there is one, else from the sources (buffer of their points),
   else from the enterprise point;
2. ``knp_estimate`` — the methodology preset's radius for the КНП category (an estimate): the
   zone of the assessment's site analysis (:func:`ecologis.pipeline.assess.analyse`), the one
   the map draws and the receptors table measures — around the site boundary when there is
   one, else around the enterprise point (else the sources' centre);
3. ``calculated`` — where c + c_ф ≥ 1 ГДК м.р. for any substance or summation group (the
   union of the dispersion targets' ``szz_contour``), with its reach L0 along each bearing
   from the sources' centre, and the wind-rose correction l = L0·P/P0 when the project
   has a wind rose;
4. ``binding`` — the normative zone, unless the calculated one reaches farther.

Each zone lists the receptors inside it with their distances (from the site boundary or
the point the zone is measured from).  Pure: reads no file (the activity list is given).
"""

from __future__ import annotations

import math

from ecologis.core import sanitary_zone as sz

#: Bearings of the calculated zone's reach when the project has no wind rose.
DEFAULT_BEARINGS = 16


def sources_centre(sources) -> tuple[float, float] | None:
    """(lat, lon) mean of the own sources with coordinates (the plant's centre for L0)."""
    pts = [(s.lat, s.lon) for s in sources if s.lat is not None and s.lon is not None and getattr(s, "own", True)]
    if not pts:
        return None
    return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)


def _geojson(geom) -> dict:
    import json

    import shapely

    return json.loads(shapely.to_geojson(geom))


def _base(project):
    """(frame, base geometry in local metres, measured_from) the normative and КНП zones
    are measured from: site polygon, else the sources' points, else the enterprise point."""
    from shapely.geometry import MultiPoint, Point

    from ecologis.core.geometry import LocalFrame, validate_site

    if project.site:
        from ecologis.core.geometry import GeometryError

        try:
            site_ll = validate_site(project.site)
        except GeometryError:
            site_ll = None                   # reported by the site analysis; measured from the sources
        if site_ll is not None:
            frame = LocalFrame.around(site_ll)
            return frame, frame.to_local(site_ll), "site"
    pts = [(s.lon, s.lat) for s in project.sources if s.lat is not None and s.lon is not None
           and getattr(s, "own", True)]
    if pts:
        c = sources_centre(project.sources)
        frame = LocalFrame(c[0], c[1])
        x, y = frame.to_local_xy([p[0] for p in pts], [p[1] for p in pts])
        geom = MultiPoint(list(zip(list(map(float, x)), list(map(float, y))))) if len(pts) > 1 \
            else Point(float(x[0]), float(y[0]))
        return frame, geom, "sources"
    ent = project.enterprise
    if ent.lat is not None and ent.lon is not None:
        frame = LocalFrame(float(ent.lat), float(ent.lon))
        return frame, Point(0.0, 0.0), "enterprise"
    return None, None, None


def _receptors(project, frame, base_local, zone_local, where_from_local=None):
    """Receptors inside ``zone_local`` with their distance to ``base_local`` (or to the
    point ``where_from_local``), nearest first."""
    from shapely.geometry import Point

    from ecologis.core.geometry import ParsedReceptor, _receptors_local

    recs = []
    for i, r in enumerate(project.receptors, start=1):
        try:
            recs.append(ParsedReceptor.from_any(r.to_dict(), where=f"#{i}"))
        except ValueError:
            continue
    if not recs or zone_local is None or frame is None:
        return []
    geoms = _receptors_local(frame, recs)
    ref = Point(*where_from_local) if where_from_local is not None else base_local
    out = []
    for r, g in zip(recs, geoms):
        if zone_local.intersects(g):
            out.append({"name": r.name, "kind": r.kind, "id": r.id, "distance_m": round(float(ref.distance(g)), 1)})
    return sorted(out, key=lambda d: d["distance_m"])


def calculated_reach(contour_geometry: dict | None, centre: tuple[float, float], n_bearings: int) -> dict[float, float]:
    """L0 along ``n_bearings`` bearings: the reach of the calculated zone (a GeoJSON
    geometry, lon/lat) from ``centre`` (lat, lon), metres."""
    from shapely.geometry import shape

    from ecologis.core.geometry import LocalFrame

    if not contour_geometry:
        return {b: 0.0 for b in sz.bearings(n_bearings)}
    frame = LocalFrame(centre[0], centre[1])
    local = frame.to_local(shape(contour_geometry))
    return sz.distances_by_bearing(local, (0.0, 0.0), sz.bearings(n_bearings))


def calculated_zone(contour_geometry: dict | None, centre: tuple[float, float], wind_rose: dict | None = None,
                    normative_local=None, normative_frame=None, justified: bool = False) -> dict:
    """``{max_distance_m, by_direction: [{direction_deg, l0_m, p_pct, l_m}], geometry, ...}``
    of a calculated zone (see the module docstring).  ``wind_rose`` is an already
    validated rose; ``normative_local`` (in ``normative_frame``) is the floor of the
    corrected zone unless ``justified``."""
    from ecologis.core.geometry import LocalFrame

    rose = sz.parse_wind_rose(wind_rose) if wind_rose else None
    n = len(rose) if rose else DEFAULT_BEARINGS
    l0 = calculated_reach(contour_geometry, centre, n)
    out = {"centre": {"lat": centre[0], "lon": centre[1]}, "geometry": contour_geometry, "wind_rose": None}
    if rose is None:
        rows = [{"direction_deg": b, "l0_m": d, "p_pct": None, "l_m": d} for b, d in l0.items()]
        out.update(by_direction=rows, max_distance_m=max((r["l_m"] for r in rows), default=0.0))
        return out
    rows = sz.corrected_by_direction(l0, rose)
    frame = LocalFrame(centre[0], centre[1])
    floor = None
    if normative_local is not None and normative_frame is not None:
        floor = frame.to_local(normative_frame.to_wgs84(normative_local))
    poly, rows = sz.corrected_zone((0.0, 0.0), rows, floor, justified=justified)
    out.update(by_direction=[{k: r[k] for k in ("direction_deg", "l0_m", "p_pct", "l_m", "final_m")} for r in rows],
               max_distance_m=max(r["l_m"] for r in rows), max_l0_m=max(r["l0_m"] for r in rows),
               wind_rose={"rhumbs": rose, "rule": dict(sz.WIND_ROSE_RULE), "justified": bool(justified)},
               corrected_geometry=_geojson(frame.to_wgs84(poly)))
    return out


def union_of_contours(dispersion: dict | None) -> dict | None:
    """The union (GeoJSON, lon/lat) of every target's c + c_ф ≥ 1 ГДК area."""
    from shapely.geometry import shape
    from shapely.ops import unary_union

    if not dispersion or "targets" not in dispersion:
        return None
    parts = []
    for tg in dispersion["targets"]:
        c = tg.get("szz_contour")
        if c and c.get("geometry"):
            parts.append(shape(c["geometry"]))
    if not parts:
        return None
    return _geojson(unary_union(parts))


def _knp_from_site(site, project) -> dict:
    """The КНП estimate zone as the site analysis made it: its polygon, what it is measured
    from and the receptors inside with their distances (those of the receptors table)."""
    if site.method == "buffer":
        measured_from = "site"
    else:
        ent = project.enterprise
        measured_from = "enterprise" if ent.lat is not None and ent.lon is not None else "sources_centre"
    inside = [{"name": r.name, "kind": r.kind, "id": r.id, "distance_m": round(float(r.distance_m), 1)}
              for r in site.conflicts]
    return {"measured_from": measured_from, "geometry": site.szz, "receptors_inside": inside}


def zones_of(project, result, dispersion: dict | None, activities=None, lang: str = "uk", site=None) -> dict:
    """The ``zones`` section of an assessment (JSON-ready); ``site`` is the assessment's
    site analysis (:class:`ecologis.core.geometry.SiteAnalysis`), the КНП estimate zone."""
    san = project.sanitary
    frame, base, measured_from = _base(project)
    zones: dict = {}

    # 1. normative
    activity = activities.get(san.activity_id) if (activities is not None and san and san.activity_id) else None
    cls = sz.normalize_class(san.sanitary_class) if san else None
    if cls is None and activity is not None:
        cls = activity.sanitary_class
    normative_local = None
    if cls is not None:
        size = sz.normative_size_m(cls)
        norm = {"class": cls, "size_m": size, "source": "ДСП 173-96, annex 4", "measured_from": measured_from,
                "activity": None}
        if activity is not None:
            norm["activity"] = {"id": activity.id, "name": activity.name(lang), "document": activity.document,
                                "class_evidence": activity.class_evidence, "source_url": activity.source_url,
                                "class": activity.sanitary_class}
        elif san and san.activity_id:
            norm["activity"] = {"id": san.activity_id, "name": None}
        if base is not None:
            normative_local = base.buffer(size, quad_segs=32)
            norm["geometry"] = _geojson(frame.to_wgs84(normative_local))
            norm["receptors_inside"] = _receptors(project, frame, base, normative_local)
        zones["normative"] = norm
    else:
        zones["normative"] = None

    # 2. КНП estimate
    knp = {"size_m": float(result.szz_m), "preset": result.preset.id, "estimate": True,
           "measured_from": measured_from}
    if site is not None:
        knp.update(_knp_from_site(site, project))
    elif base is not None and math.isfinite(float(result.szz_m)):
        # no site analysis (a site boundary that cannot be used): around the sources
        knp_local = base.buffer(float(result.szz_m), quad_segs=32)
        knp["geometry"] = _geojson(frame.to_wgs84(knp_local))
        knp["receptors_inside"] = _receptors(project, frame, base, knp_local)
    zones["knp_estimate"] = knp

    # 3. calculated
    centre = sources_centre(project.sources)
    calc = None
    if dispersion is not None and "targets" in dispersion and centre is not None:
        contour = union_of_contours(dispersion)
        rose = san.wind_rose if san else None
        try:
            calc = calculated_zone(contour, centre, rose, normative_local, frame,
                                   justified=bool(san and san.justification.strip()))
        except sz.SanitaryZoneError as exc:
            calc = calculated_zone(contour, centre, None)
            calc["wind_rose_error"] = exc.message(lang)
        calc["targets"] = [tg["id"] for tg in dispersion["targets"]
                           if (tg.get("szz_contour") or {}).get("geometry")]
        from shapely.geometry import shape

        from ecologis.core.geometry import LocalFrame

        cframe = LocalFrame(centre[0], centre[1])
        zone_geom = calc.get("corrected_geometry") or contour
        if zone_geom:
            calc["receptors_inside"] = _receptors(project, cframe, None, cframe.to_local(shape(zone_geom)),
                                                  where_from_local=(0.0, 0.0))
        else:
            calc["receptors_inside"] = []
    zones["calculated"] = calc

    # 4. binding: compared bearing by bearing from the sources' centre
    reach = None
    if calc and normative_local is not None:
        from ecologis.core.geometry import LocalFrame

        cf = LocalFrame(centre[0], centre[1])
        reach = sz.distances_by_bearing(cf.to_local(frame.to_wgs84(normative_local)), (0.0, 0.0),
                                        [r["direction_deg"] for r in calc["by_direction"]])
    b = sz.binding_by_direction(zones["normative"]["size_m"] if zones["normative"] else None, reach,
                                calc["by_direction"] if calc else None)
    zones["binding"] = {"kind": b.kind, "size_m": b.size_m, "reason": b.reason}
    return zones


def dispersion_calculated_zone(res: dict, data: dict, wind_rose) -> dict:
    """``calculated_zone`` of a ``calculate()`` result for its selected target: L0 along
    the rose's rhumb bearings from the source (the own sources' centre for a plant),
    where c + c_ф falls to 1 ГДК, and l = L0·P/P0.  ``data`` is the dispersion input
    (its sources give the centre).  Raises ``SanitaryZoneError`` for a bad rose."""
    rose = sz.parse_wind_rose(wind_rose, where="wind_rose: ")
    pts = [(float(s["lat"]), float(s["lon"])) for s in data.get("sources") or ()
           if isinstance(s, dict) and s.get("lat") is not None and s.get("lon") is not None and s.get("own", True)]
    if not pts:
        pts = [(float(s["lat"]), float(s["lon"])) for s in data.get("sources") or ()
               if isinstance(s, dict) and s.get("lat") is not None and s.get("lon") is not None]
    centre = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
    contour = (res.get("szz_contour") or {}).get("geometry")
    z = calculated_zone(contour, centre, rose)
    rows = [{k: r[k] for k in ("direction_deg", "l0_m", "p_pct", "l_m")} for r in z["by_direction"]]
    touches = bool((res.get("szz_contour") or {}).get("properties", {}).get("touches_grid_edge"))
    return {"target": res.get("selected_target"), "max_distance_m": z["max_distance_m"],
            "max_l0_m": z.get("max_l0_m", 0.0), "centre": z["centre"], "by_direction": rows,
            "rule": dict(sz.WIND_ROSE_RULE), "cut_by_grid": touches, "geometry": z.get("corrected_geometry")}
