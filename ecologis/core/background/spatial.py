"""Background between and beyond posts (Order 286 §2.6): interpolation inside the
1.1 R circle around the network's centre of gravity (2.11) and extrapolation outside it
(2.12), for any point.

Coordinates are WGS84 degrees, projected to a local plane (equirectangular about the
mean latitude of the posts, metres) – adequate over a city.  The centre of gravity is the
arithmetic mean of the projected post coordinates (Order 286 §2.6).

POSTS document (JSON)::

    {"posts": [{"post": "1", "lat": 49.23, "lon": 28.46,
                "backgrounds": {"Азоту діоксид": {"calm": 0.05, "N": 0.04, "E": 0.04, "S": 0.05, "W": 0.04},
                                "Вуглецю оксид": 1.2}}],
     "suburban": {"Азоту діоксид": 0.01}}

A single number means the same value for every gradation.  ``suburban`` (the "приміський
фон" C of (2.12)) is needed only for points outside the circle.
"""

from __future__ import annotations

import math

import numpy as np

from ecologis.core.background.data import BackgroundReference
from ecologis.core.background.errors import BackgroundError
from ecologis.core.background.formulas import centre_of_gravity, extrapolate, idw
from ecologis.core.background.posts import GRADATIONS
from ecologis.core.background.result import BackgroundResult

EARTH_R = 6_371_008.8


def project(lat, lon, lat0: float, lon0: float):
    """Local equirectangular projection (metres east, north) about (lat0, lon0)."""
    k = math.cos(math.radians(lat0))
    x = np.radians(np.asarray(lon, float) - lon0) * EARTH_R * k
    y = np.radians(np.asarray(lat, float) - lat0) * EARTH_R
    return x, y


def unproject(x, y, lat0: float, lon0: float):
    k = math.cos(math.radians(lat0))
    return lat0 + math.degrees(y / EARTH_R), lon0 + math.degrees(x / (EARTH_R * k))


def _expand(value, where: str) -> dict:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise BackgroundError("bg.err.posts_value", where=where)
        return {g: float(value) for g in GRADATIONS}
    if isinstance(value, dict):
        out = {}
        for g, v in value.items():
            if g not in GRADATIONS and g not in ("any", "wind"):
                raise BackgroundError("bg.err.posts_gradation", where=where, gradation=g)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
                raise BackgroundError("bg.err.posts_value", where=where)
            out[g] = float(v)
        # "any" / "wind" (outcomes one / two of the significance test) expand to the five gradations
        if "any" in out:
            return {g: out["any"] for g in GRADATIONS}
        if "wind" in out:
            return {"calm": out.get("calm", out["wind"]), **{g: out["wind"] for g in GRADATIONS[1:]}}
        return out
    raise BackgroundError("bg.err.posts_value", where=where)


def parse_posts(doc: dict) -> tuple[list[dict], dict]:
    """Validate a POSTS document; return (posts, suburban)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("posts"), list) or not doc["posts"]:
        raise BackgroundError("bg.err.posts_format")
    posts = []
    for i, p in enumerate(doc["posts"], start=1):
        where = f"posts[{i}]"
        if not isinstance(p, dict):
            raise BackgroundError("bg.err.posts_format")
        lat, lon = p.get("lat"), p.get("lon")
        if not isinstance(lat, (int, float)) or not isinstance(lon, (int, float)) or not (-90 <= lat <= 90) \
                or not (-180 <= lon <= 180):
            raise BackgroundError("bg.err.posts_coords", where=where)
        bgs = p.get("backgrounds")
        if not isinstance(bgs, dict) or not bgs:
            raise BackgroundError("bg.err.posts_value", where=where)
        posts.append({"post": str(p.get("post", i)), "lat": float(lat), "lon": float(lon),
                      "backgrounds": {s: _expand(v, f"{where}.{s}") for s, v in bgs.items()}})
    sub = doc.get("suburban") or {}
    if not isinstance(sub, dict):
        raise BackgroundError("bg.err.posts_format")
    suburban = {s: _expand(v, f"suburban.{s}") for s, v in sub.items()}
    return posts, suburban


def network_geometry(posts: list[dict], circle_factor: float) -> dict:
    """Centre of gravity of the posts, the network radius R and the circle radius
    ``circle_factor``·R (``method.json`` ``interpolation.circle_factor``)."""
    lat0 = float(np.mean([p["lat"] for p in posts]))
    lon0 = float(np.mean([p["lon"] for p in posts]))
    x, y = project([p["lat"] for p in posts], [p["lon"] for p in posts], lat0, lon0)
    cx, cy = centre_of_gravity(x, y)
    R = float(np.max(np.hypot(x - cx, y - cy)))
    f = circle_factor
    clat, clon = unproject(cx, cy, lat0, lon0)
    return {"lat0": lat0, "lon0": lon0, "x": x, "y": y, "cx": cx, "cy": cy, "R_m": R, "circle_radius_m": f * R,
            "centre_lat": clat, "centre_lon": clon}


def background_at(posts: list[dict], suburban: dict, lat: float, lon: float, date=None, *,
                  refdata: BackgroundReference) -> BackgroundResult:
    """Background of every substance and gradation at (lat, lon): (2.11) inside the circle
    (exactly the post's value at a post), (2.12) outside it."""
    cfg = refdata.method["interpolation"]
    geo = network_geometry(posts, cfg["circle_factor"])
    px, py = project(lat, lon, geo["lat0"], geo["lon0"])
    px, py = float(px), float(py)
    dx, dy = px - geo["cx"], py - geo["cy"]
    r = math.hypot(dx, dy)
    R1 = geo["circle_radius_m"]
    inside = r <= R1 * (1 + 1e-12) or R1 == 0
    dist = np.hypot(geo["x"] - px, geo["y"] - py)
    if not inside:
        ex, ey = geo["cx"] + dx / r * R1, geo["cy"] + dy / r * R1   # circle point on the line to the centre
        dist0 = np.hypot(geo["x"] - ex, geo["y"] - ey)
    substances = sorted({s for p in posts for s in p["backgrounds"]})
    rows = []
    res = BackgroundResult(method="interpolation" if inside else "extrapolation",
                           method_ref="bg.ref.interpolation" if inside else "bg.ref.extrapolation",
                           inputs={"lat": lat, "lon": lon, "posts": [p["post"] for p in posts],
                                   "idw_power": cfg["idw_power"], "extrapolation_power": cfg["extrapolation_power"]},
                           values=rows, validity_years=refdata.validity_years, **({"date": date} if date is not None else {}))
    at_post = None
    for s in substances:
        for g in GRADATIONS:
            have = [(i, p["backgrounds"][s][g]) for i, p in enumerate(posts)
                    if s in p["backgrounds"] and g in p["backgrounds"][s]]
            if not have:
                continue
            ii = np.array([i for i, _ in have])
            vals = np.array([v for _, v in have])
            if inside:
                near = dist[ii] <= 1e-6
                if near.any():
                    at_post = posts[ii[np.flatnonzero(near)[0]]]["post"]
                value = idw(vals, dist[ii], cfg["idw_power"])
                c0 = None
            else:
                if s not in suburban or g not in suburban[s]:
                    raise BackgroundError("bg.err.no_suburban", substance=s)
                c0 = idw(vals, dist0[ii], cfg["idw_power"])
                value = extrapolate(c0, suburban[s][g], r, R1, cfg["extrapolation_power"])
            rows.append({"substance": s, "gradation": g, "value_mg_m3": value, "posts_used": len(have),
                         **({} if c0 is None else {"circle_value_mg_m3": c0, "suburban_mg_m3": suburban[s][g]})})
    if at_post is None or not inside:
        res.use("interpolation_2_11")
    if not inside:
        res.use("extrapolation_2_12")
    res.details = {"inside_circle": inside, "at_post": at_post, "distance_to_centre_m": r,
                   "network": {"centre_lat": geo["centre_lat"], "centre_lon": geo["centre_lon"], "R_m": geo["R_m"],
                               "circle_radius_m": R1}}
    return res
