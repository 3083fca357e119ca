"""Benchmark: СЗЗ as the buffer of a 1,000-vertex site polygon + 10,000 receptors.

Data (generated here, seeded): a site polygon of 1,000 vertices around Kyiv (a
star-shaped outline, 400-600 m from its centre, WGS84 lon/lat) and 10,000 point
receptors spread uniformly over ±3 km, as the dicts the CLI/GUI pass.

Measured: :func:`ecologis.core.geometry.analyse_site` — validation of the polygon and of
every receptor, aeqd projection, GEOS buffer by 300 m, distance of every receptor to
the polygon and the inside flag, the СЗЗ back in WGS84.

Baseline, measured in the same run: shapely's own prepared-geometry test on input
already projected to metres — ``buffer`` + ``shapely.prepare`` + ``shapely.contains_xy``
(inside flags only: no validation, no projection, no distances).

Before timing, the inside flags of both are compared; they may differ only for
receptors within the buffer's chord error (< 0.05 m) of the zone edge.

Timing: medians of ``--repeat`` runs of each, alternated.  Goal: measured / baseline ≤ 3.

``python -m benchmarks site`` or ``python -m benchmarks.bench_site [--repeat R] [--json]``.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

LAT0, LON0 = 50.45, 30.52
RADIUS = 300.0


def make_data(n_vertices: int = 1000, n_receptors: int = 10000, seed: int = 11):
    from ecologis.core.geometry import LocalFrame

    rng = np.random.default_rng(seed)
    frame = LocalFrame(LAT0, LON0)
    th = np.linspace(0.0, 2 * np.pi, n_vertices, endpoint=False)
    rr = 500.0 + 100.0 * np.sin(7 * th) * np.cos(3 * th)
    lon, lat = frame.to_lonlat(rr * np.cos(th), rr * np.sin(th))
    ring = np.column_stack([lon, lat]).tolist()
    ring.append(ring[0])
    site = {"type": "Polygon", "coordinates": [ring]}
    x = rng.uniform(-3000, 3000, n_receptors)
    y = rng.uniform(-3000, 3000, n_receptors)
    rlon, rlat = frame.to_lonlat(x, y)
    receptors = [{"name": f"R{i}", "kind": "residential", "lat": float(a), "lon": float(b)}
                 for i, (a, b) in enumerate(zip(rlat, rlon))]
    return site, receptors


def measured(site, receptors):
    from ecologis.core.geometry import analyse_site

    return analyse_site(RADIUS, site, receptors)


def baseline_inputs(site, receptors):
    """Projection done once, outside the timing (the baseline gets metres for free)."""
    from shapely.geometry import shape

    from ecologis.core.geometry import LocalFrame

    g = shape(site)
    frame = LocalFrame.around(g)
    site_local = frame.to_local(g)
    lat = np.array([r["lat"] for r in receptors])
    lon = np.array([r["lon"] for r in receptors])
    x, y = frame.to_local_xy(lon, lat)
    return site_local, x, y


def baseline(site_local, x, y):
    import shapely

    buf = site_local.buffer(RADIUS, quad_segs=32)
    shapely.prepare(buf)
    return shapely.contains_xy(buf, x, y)


def main(argv=None) -> int:
    from benchmarks._common import alternating, median_time, record, strip_json

    argv = strip_json(argv)
    ap = argparse.ArgumentParser(prog="bench_site")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--vertices", type=int, default=1000)
    ap.add_argument("--receptors", type=int, default=10000)
    args = ap.parse_args(argv)

    site, receptors = make_data(args.vertices, args.receptors)
    site_local, x, y = baseline_inputs(site, receptors)

    # Cross-check before timing.
    res = measured(site, receptors)
    ours = np.array([r.inside for r in res.receptors])
    dist = np.array([r.distance_m for r in res.receptors])
    base = baseline(site_local, x, y)
    differ = np.flatnonzero(ours != base)
    if differ.size and np.max(np.abs(dist[differ] - RADIUS)) > 0.05:
        print(f"MISMATCH: {differ.size} receptors differ away from the zone edge", file=sys.stderr)
        return 1

    t_ours, t_base, _, _ = alternating(lambda: measured(site, receptors), lambda: baseline(site_local, x, y),
                                       args.repeat)
    from ecologis.core.geometry import buffer_site, receptor_distances
    import shapely

    pts = shapely.points(np.column_stack([x, y]))
    t_core, _ = median_time(lambda: (buffer_site(site_local, RADIUS), receptor_distances(site_local, pts, RADIUS)),
                      args.repeat)
    # analyse_site keeps the receptors' results as arrays and makes the result objects when they
    # are read: for context, the call with every result read (as the map and the report do)
    t_read, _ = median_time(lambda: [r.distance_m for r in measured(site, receptors).receptors], args.repeat)
    print(f"site polygon: {args.vertices} vertices; receptors: {args.receptors}; radius {RADIUS:g} m; "
          f"medians of {args.repeat} alternating runs")
    print(f"inside the СЗЗ: {int(ours.sum())} (baseline {int(base.sum())}; {differ.size} differ, all within "
          f"0.05 m of the edge)")
    r = record("site", "analyse_site", args.receptors, t_ours,
               "shapely buffer + prepare + contains_xy (pre-projected, flags only)", t_base, 3.0, "measured/baseline",
               extra={"vertices": args.vertices, "with_results_read_seconds": round(t_read, 6)})
    print(f"measured  analyse_site (validate + project + buffer + distances + flags): {t_ours * 1000:9.2f} ms")
    print(f"baseline  shapely buffer + prepare + contains_xy (pre-projected, flags only): {t_base * 1000:9.2f} ms")
    print(f"  of which buffer + receptor_distances on pre-projected input (distances too): {t_core * 1000:9.2f} ms")
    print(f"  context: analyse_site with every receptor's result object read afterwards: {t_read * 1000:9.2f} ms "
          f"({t_read / t_base:.2f} × baseline)")
    print(f"ratio measured / baseline: {t_ours / t_base:.2f} (goal ≤ 3: {'met' if r['met'] else 'NOT met'}); "
          f"buffer + distances / baseline: {t_core / t_base:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
