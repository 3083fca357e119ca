"""A dispersion result as one GeoJSON FeatureCollection (for GIS, ``--geojson``).

Every feature has ``properties.layer``: ``isoline`` (MultiLineString, ``level`` in shares
of ГДК м.р. with the background included, ``level_mg_m3``), ``calculated_szz``
(MultiPolygon where C + C_ф ≥ 1 ГДК; omitted when that area is empty), ``field_max``
(Point with the value and wind) and ``receptor`` (Point with the concentration).  All
features carry ``target`` (substance or summation group).  Coordinates WGS84 lon/lat.
"""

from __future__ import annotations


def result_geojson(res: dict, target: str | None = None) -> dict:
    """The layers of ``target`` (default: the result's ``selected_target``)."""
    tid = target or res.get("selected_target")
    tg = next((x for x in res.get("targets") or [] if x["id"] == tid), None)
    feats: list[dict] = []
    if tg is None:
        return {"type": "FeatureCollection", "features": feats, "properties": {"target": tid}}
    for f in (tg.get("isolines") or {}).get("features") or []:
        feats.append({"type": "Feature", "geometry": f["geometry"],
                      "properties": dict(f["properties"], layer="isoline", target=tid)})
    szz = tg.get("szz_contour")
    if szz and szz.get("geometry"):
        feats.append({"type": "Feature", "geometry": szz["geometry"],
                      "properties": dict(szz["properties"], layer="calculated_szz", target=tid)})
    fm = tg.get("field_max")
    if fm:
        props = {k: v for k, v in fm.items() if k not in ("lat", "lon")}
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [fm["lon"], fm["lat"]]},
                      "properties": dict(props, layer="field_max", target=tid)})
    for r in tg.get("receptors") or []:
        props = {k: v for k, v in r.items() if k not in ("lat", "lon")}
        feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                      "properties": dict(props, layer="receptor", target=tid)})
    return {"type": "FeatureCollection", "features": feats,
            "properties": {"target": tid, "name": tg.get("name"), "gdk_mr_mg_m3": tg.get("gdk_mr_mg_m3"),
                           "background": tg.get("background") or [],
                           "unverified": [u["id"] for u in res.get("unverified") or []]}}
