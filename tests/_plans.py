"""Site-plan pictures for the tests: a GeoTIFF placed (and turned) by its transformation matrix."""

import io
import math

from PIL import Image
from PIL.TiffImagePlugin import ImageFileDirectory_v2

M = 6371008.8 * math.pi / 180.0          # metres per degree of latitude (mean Earth radius)
LAT, LON = 49.2331, 28.4682


def turned_geotiff(theta_deg: float, w=200, h=100, pixel_m=2.0, shear=0.0, mirror=False,
                   lat: float = LAT, lon: float = LON) -> bytes:
    """A GeoTIFF whose ModelTransformation puts its centre at (lat, lon), pixels ``pixel_m``
    metres square, turned ``theta_deg`` clockwise: one pixel right is pixel_m·(cos θ, −sin θ)
    metres (east, north), one pixel down pixel_m·(−sin θ, −cos θ); in degrees east divides by
    M·cos(lat) and north by M."""
    th = math.radians(theta_deg)
    kx = M * math.cos(math.radians(lat))
    right = (pixel_m * math.cos(th), -pixel_m * math.sin(th))
    down = (-pixel_m * math.sin(th) + shear, -pixel_m * math.cos(th))
    if mirror:
        right = (-right[0], -right[1])
    a, e = right[0] / kx, right[1] / M
    b, f = down[0] / kx, down[1] / M
    d = lon - a * w / 2 - b * h / 2
    hh = lat - e * w / 2 - f * h / 2
    ifd = ImageFileDirectory_v2()
    ifd[34264] = (a, b, 0.0, d, e, f, 0.0, hh, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0)
    ifd.tagtype[34264] = 12                     # DOUBLE
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (0, 255, 255)).save(buf, format="TIFF", tiffinfo=ifd)
    return buf.getvalue()
