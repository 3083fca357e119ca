"""Site plans not drawn north-up: the turn a GeoTIFF's transformation matrix gives, the turn
typed by the user, and the report's map drawing the plan turned."""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from ecologis.io.underlay import UnderlayError, check_rotation, geotiff_placement, read_underlay  # noqa: E402

from .._plans import LAT, LON, M, turned_geotiff  # noqa: E402



@pytest.mark.parametrize("theta", [30.0, -45.0, 90.0, 135.0])
def test_a_turned_geotiff_gives_its_turn_and_its_edges_turned_back(theta):
    # 200 × 100 px of 2 m: 400 m × 200 m; turned back north-up about the centre its edges lie
    # 200 m east/west and 100 m north/south of the centre
    (w, s, e, n), rotation = geotiff_placement(turned_geotiff(theta))
    kx = M * math.cos(math.radians(LAT))
    assert rotation == pytest.approx(theta, abs=1e-9)
    assert ((w + e) / 2, (s + n) / 2) == (pytest.approx(LON, abs=1e-12), pytest.approx(LAT, abs=1e-12))
    assert (e - w) * kx == pytest.approx(400.0, rel=1e-9) and (n - s) * M == pytest.approx(200.0, rel=1e-9)


def test_a_north_up_matrix_is_not_turned():
    placed = geotiff_placement(turned_geotiff(0.0))
    assert placed[1] == 0.0


@pytest.mark.parametrize("kw", [{"shear": 0.5}, {"mirror": True}])
def test_a_sheared_or_mirrored_picture_is_not_placed(kw):
    assert geotiff_placement(turned_geotiff(20.0, **kw)) is None


def test_read_underlay_keeps_the_turn(tmp_path):
    p = tmp_path / "plan.tif"
    p.write_bytes(turned_geotiff(30.0))
    assert read_underlay(p)["rotation_deg"] == pytest.approx(30.0)
    png = tmp_path / "plan.png"
    Image.new("RGB", (4, 4)).save(png)
    assert read_underlay(png, (28.4, 49.2, 28.5, 49.3), 12.5)["rotation_deg"] == 12.5
    assert read_underlay(png, (28.4, 49.2, 28.5, 49.3))["rotation_deg"] == 0.0


def test_check_rotation():
    assert check_rotation(370) == 10.0 and check_rotation(-190) == 170.0 and check_rotation(180) == 180.0
    assert check_rotation(-180) == 180.0 and check_rotation(None) == 0.0
    with pytest.raises(UnderlayError) as e:
        check_rotation("about thirty", "plan.png")
    assert "plan.png" in e.value.message()


def test_report_map_draws_the_plan_turned():
    """A plan whose west half is red and east half blue, turned 90° clockwise about its centre:
    its west half now lies north of the centre, its east half south."""
    import matplotlib.pyplot as plt

    from ecologis.core.geometry import LocalFrame
    from ecologis.plots.basemap import draw_image

    frame = LocalFrame(LAT, LON)
    img = np.zeros((100, 200, 3), np.uint8)
    img[:, :100] = (255, 0, 0)
    img[:, 100:] = (0, 0, 255)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    # the plan 400 m × 200 m around the frame's centre (edges turned back north-up)
    lon, lat = frame.to_lonlat([-200.0, 200.0], [-100.0, 100.0])
    bounds = (float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1]))

    def colour_at(rotation, x, y):
        fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
        ax.set_xlim(-250, 250)
        ax.set_ylim(-250, 250)
        draw_image(ax, frame, buf.getvalue(), bounds, rotation)
        fig.canvas.draw()
        px, py = ax.transData.transform((x, y))
        rgba = np.asarray(fig.canvas.buffer_rgba())
        plt.close(fig)
        return tuple(int(v) for v in rgba[rgba.shape[0] - 1 - int(round(py)), int(round(px)), :3])

    assert colour_at(0.0, -100, 0) == (255, 0, 0) and colour_at(0.0, 100, 0) == (0, 0, 255)
    assert colour_at(90.0, 0, 60) == (255, 0, 0) and colour_at(90.0, 0, -60) == (0, 0, 255)
    assert colour_at(90.0, -150, 0) == (255, 255, 255)          # the turned plan is 200 m wide only
