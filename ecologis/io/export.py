"""Export of an assessment: CSV, XLSX, JSON, GeoJSON, KML; the user's dictionary.

* CSV — UTF-8 with BOM (Excel then opens Cyrillic correctly), one row per input row
  with its contribution.
* XLSX — sheet 1: inputs with contributions; sheet 2: summary.  Numbers are stored as
  numbers with number formats; the header row is frozen.
* JSON — the profile and the result (``AssessmentResult.to_json``).
* GeoJSON (RFC 7946, lon/lat WGS84) and KML 2.2 — the enterprise point, the site
  polygon and the СЗЗ as a polygon: the site boundary buffered by the СЗЗ radius when a
  site polygon exists (in a local azimuthal equidistant projection), otherwise a
  geodesic circle of the radius around the enterprise point (WGS84 ellipsoid, pyproj).
* The user's substance dictionary: export of the overlay (or of all entries) and an
  all-or-nothing import validated with ``validate_substance_record``.

Every write is atomic (:mod:`ecologis.io.atomic`).
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

from ecologis.i18n import t_lang
from ecologis.io.atomic import atomic_write_bytes

FORMATS = ("csv", "xlsx", "json", "geojson", "kml")
CIRCLE_VERTICES = 128


class ExportError(Exception):
    """An export that cannot be made; ``key``/``params`` give the translated reason."""

    def __init__(self, key: str, **params):
        super().__init__(f"{key} {params}")
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        from ecologis.i18n import t

        return t_lang(lang, self.key, **self.params) if lang else t(self.key, **self.params)


# ---------------------------------------------------------------------------------
# the tabular content shared by CSV, XLSX and the PDF
# ---------------------------------------------------------------------------------
ROW_COLUMNS = ("row", "substance_input", "substance", "cas", "mass", "unit", "mass_t", "gdk", "gdk_kind",
               "hazard_class", "a", "contribution", "share", "status")


def _num(v):
    if v is None or isinstance(v, bool):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def counted_mask(result):
    """Rows counted in КНП: valid, with a ГДК, and with a class (or the preset's assumed
    class) — the inclusion rule of :func:`ecologis.core.assess.compute`."""
    from ecologis.core.gdk import KIND_NONE

    p = result.prepared
    k = p.hazard_class
    if result.preset.assumed_class_when_missing is not None:
        k = np.where(k == 0, result.preset.assumed_class_when_missing, k)
    return p.valid & (p.gdk_kind != KIND_NONE) & (k > 0)


def export_rows(result, lang: str = "uk") -> tuple[list[str], list[list]]:
    """Headers and one row per input row: the entered values, the resolved substance,
    t/yr, the ГДК used and its kind, class, a(c), contribution and share (0..1).
    Numbers are Python floats/ints (``None`` where not applicable)."""
    from ecologis.core.gdk import GDK_KINDS

    prep = result.prepared
    a_arr = result.preset.a_array()
    assumed = result.preset.assumed_class_when_missing
    counted = set(prep.rows[i] for i in np.flatnonzero(counted_mask(result)).tolist())
    headers = [t_lang(lang, "io.col." + c) for c in ROW_COLUMNS]
    out = []
    for i in range(prep.n):
        e = prep.emissions[i]
        s = prep.substances[i]
        row = prep.rows[i]
        klass = int(prep.hazard_class[i]) or (int(assumed) if assumed else 0)
        ok = bool(prep.valid[i])
        kind = GDK_KINDS[int(prep.gdk_kind[i])]
        if not ok:
            status = t_lang(lang, "io.status.error")
        elif row not in counted:
            status = t_lang(lang, "io.status.excluded")
        else:
            status = t_lang(lang, "io.status.ok")
        out.append([
            row,
            "" if e.substance is None else str(e.substance),
            s.name(lang) if s else "",
            (s.cas or "") if s else "",
            _num(e.mass) if _num(e.mass) is not None else ("" if e.mass is None else str(e.mass)),
            str(e.unit or ""),
            _num(prep.mass_t[i]),
            _num(prep.gdk[i]),
            t_lang(lang, "gdk_kind." + kind),
            klass or None,
            _num(a_arr[klass]) if klass else None,
            float(result.row_contribution[i]) if ok else None,
            float(result.row_share[i]) if ok else None,
            status,
        ])
    return headers, out


def summary_pairs(profile, result, lang: str = "uk") -> list[tuple[str, object]]:
    """(label, value) pairs of the summary sheet; numbers stay numbers."""
    from ecologis import __version__
    from ecologis.core.knp import FORMULA_TEXT

    ent = profile.enterprise
    p = result.preset
    pname = t_lang(lang, p.name_key) if p.name_key else (p.name or p.id)
    dom = ", ".join(s.name(lang) for s in result.dominant_substances())
    coords = "" if ent.lat is None or ent.lon is None else f"{ent.lat:.6f}, {ent.lon:.6f}"
    return [
        (t_lang(lang, "io.sum.enterprise"), ent.name),
        (t_lang(lang, "io.sum.edrpou"), ent.edrpou),
        (t_lang(lang, "io.sum.kved"), ", ".join(ent.kved)),
        (t_lang(lang, "io.sum.address"), ent.address),
        (t_lang(lang, "io.sum.coordinates"), coords),
        (t_lang(lang, "io.sum.preset"), f"{p.id} — {pname}"),
        (t_lang(lang, "io.sum.formula"), FORMULA_TEXT[p.formula]),
        (t_lang(lang, "io.sum.duplicates"), t_lang(lang, "io.duplicates." + result.duplicates)),
        (t_lang(lang, "io.sum.knp"), float(result.knp)),
        (t_lang(lang, "io.sum.category"), result.category),
        (t_lang(lang, "io.sum.szz"), float(result.szz_m)),
        (t_lang(lang, "io.sum.dominant"), dom),
        (t_lang(lang, "io.sum.warnings"), len(result.warnings)),
        (t_lang(lang, "io.sum.errors"), len(result.errors)),
        (t_lang(lang, "io.sum.date"), datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")),
        (t_lang(lang, "io.sum.app"), f"EcologIS {__version__}"),
    ]


# ---------------------------------------------------------------------------------
# CSV / XLSX / JSON
# ---------------------------------------------------------------------------------
def csv_bytes(result, lang: str = "uk", delimiter: str = ",") -> bytes:
    headers, rows = export_rows(result, lang)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(headers)
    for r in rows:
        w.writerow(["" if v is None else (repr(v) if isinstance(v, float) else v) for v in r])
    return buf.getvalue().encode("utf-8-sig")


_XLSX_FORMATS = {"mass": "0.00000", "mass_t": "0.00000", "gdk": "0.0000", "a": "0.0#",
                 "contribution": "#,##0.000", "share": "0.00%", "row": "0", "hazard_class": "0"}


def xlsx_bytes(profile, result, lang: str = "uk") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = t_lang(lang, "io.sheet.inputs")[:31]
    headers, rows = export_rows(result, lang)
    ws.append(headers)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for j, col in enumerate(ROW_COLUMNS, start=1):
        fmt = _XLSX_FORMATS.get(col)
        letter = get_column_letter(j)
        if fmt:
            for cell in ws[letter][1:]:
                if isinstance(cell.value, (int, float)):
                    cell.number_format = fmt
        width = max([len(str(headers[j - 1]))] + [len(str(r[j - 1])) for r in rows[:200] if r[j - 1] is not None])
        ws.column_dimensions[letter].width = min(60, max(8, width + 2))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    ss = wb.create_sheet(t_lang(lang, "io.sheet.summary")[:31])
    ss.append([t_lang(lang, "io.sum.item"), t_lang(lang, "io.sum.value")])
    for c in ss[1]:
        c.font = Font(bold=True)
    for label, value in summary_pairs(profile, result, lang):
        ss.append([label, value])
        cell = ss.cell(row=ss.max_row, column=2)
        if isinstance(value, float):
            cell.number_format = "#,##0.000" if label == t_lang(lang, "io.sum.knp") else "0"
    ss.freeze_panes = "A2"
    ss.column_dimensions["A"].width = 28
    ss.column_dimensions["B"].width = 70
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def json_bytes(profile, result, lang: str = "uk") -> bytes:
    doc = {
        "kind": "ecologis-assessment",
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "profile": profile.to_json(),
        "result": result.to_json(lang),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False, default=_default).encode("utf-8")


def _default(o):
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o) if math.isfinite(float(o)) else None
    if isinstance(o, (set, tuple)):
        return list(o)
    return str(o)


# ---------------------------------------------------------------------------------
# geometry
# ---------------------------------------------------------------------------------
def circle_polygon(lat: float, lon: float, radius_m: float, n: int = CIRCLE_VERTICES) -> list[list[float]]:
    """A closed counter-clockwise ring [[lon, lat], ...] of a geodesic circle on WGS84
    (pyproj ``Geod.fwd`` from the centre at ``n`` equally spaced azimuths)."""
    import numpy as np
    from pyproj import Geod

    g = Geod(ellps="WGS84")
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = g.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, float(radius_m)))
    ring = [[float(x), float(y)] for x, y in zip(lons, lats)]
    ring.reverse()  # azimuths run clockwise; RFC 7946 exteriors are counter-clockwise
    ring.append(ring[0])
    return ring


def site_buffer_polygon(site: dict, radius_m: float, lat0: float, lon0: float) -> dict:
    """The site boundary buffered by ``radius_m`` (GeoJSON geometry, lon/lat), computed
    in an azimuthal equidistant projection centred at (lat0, lon0)."""
    import shapely
    from pyproj import CRS, Transformer
    from shapely.geometry import mapping, shape
    from shapely.geometry.polygon import orient

    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m")
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)

    def _apply(tr):
        def f(xy):
            x, y = tr.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([x, y])
        return f

    geom = shapely.transform(shape(site), _apply(fwd)).buffer(float(radius_m), quad_segs=32)
    geom = shapely.transform(geom, _apply(inv))
    if geom.geom_type == "Polygon":
        geom = orient(geom, 1.0)
    m = mapping(geom)
    return json.loads(json.dumps(m))  # tuples -> lists


def szz_geometry(profile, result) -> dict:
    ent = profile.enterprise
    if ent.lat is None or ent.lon is None:
        raise ExportError("io.export.no_coordinates")
    if profile.site:
        return site_buffer_polygon(profile.site, result.szz_m, ent.lat, ent.lon)
    return {"type": "Polygon", "coordinates": [circle_polygon(ent.lat, ent.lon, result.szz_m)]}


def geojson_doc(profile, result, lang: str = "uk") -> dict:
    ent = profile.enterprise
    if ent.lat is None or ent.lon is None:
        raise ExportError("io.export.no_coordinates")
    props = {"name": ent.name, "edrpou": ent.edrpou, "knp": float(result.knp), "category": result.category,
             "szz_m": float(result.szz_m), "preset": result.preset.id}
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [ent.lon, ent.lat]},
              "properties": {**props, "role": "enterprise", "title": t_lang(lang, "io.geo.enterprise")}}]
    if profile.site:
        feats.append({"type": "Feature", "geometry": profile.site,
                      "properties": {"role": "site", "name": ent.name, "title": t_lang(lang, "io.geo.site")}})
    feats.append({"type": "Feature", "geometry": szz_geometry(profile, result),
                  "properties": {"role": "szz", "name": ent.name, "szz_m": float(result.szz_m),
                                 "basis": "site_buffer" if profile.site else "circle",
                                 "title": t_lang(lang, "io.geo.szz", radius=f"{result.szz_m:g}")}})
    return {"type": "FeatureCollection", "features": feats}


def geojson_bytes(profile, result, lang: str = "uk") -> bytes:
    return json.dumps(geojson_doc(profile, result, lang), ensure_ascii=False, indent=1).encode("utf-8")


def _kml_coords(ring) -> str:
    return " ".join(f"{x[0]:.7f},{x[1]:.7f},0" for x in ring)


def _kml_polygon(geom: dict) -> str:
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    parts = []
    for poly in polys:
        inner = "".join(f"<innerBoundaryIs><LinearRing><coordinates>{_kml_coords(r)}</coordinates></LinearRing></innerBoundaryIs>"
                        for r in poly[1:])
        parts.append(f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{_kml_coords(poly[0])}</coordinates>"
                     f"</LinearRing></outerBoundaryIs>{inner}</Polygon>")
    return parts[0] if len(parts) == 1 else "<MultiGeometry>" + "".join(parts) + "</MultiGeometry>"


def kml_bytes(profile, result, lang: str = "uk") -> bytes:
    ent = profile.enterprise
    if ent.lat is None or ent.lon is None:
        raise ExportError("io.export.no_coordinates")
    desc = t_lang(lang, "io.geo.description", knp=f"{result.knp:.3f}", category=result.category, szz=f"{result.szz_m:g}")
    pm = [f"<Placemark><name>{escape(ent.name or t_lang(lang, 'io.geo.enterprise'))}</name>"
          f"<description>{escape(desc)}</description>"
          f"<Point><coordinates>{ent.lon:.7f},{ent.lat:.7f},0</coordinates></Point></Placemark>"]
    if profile.site:
        pm.append(f"<Placemark><name>{escape(t_lang(lang, 'io.geo.site'))}</name><styleUrl>#site</styleUrl>"
                  f"{_kml_polygon(profile.site)}</Placemark>")
    pm.append(f"<Placemark><name>{escape(t_lang(lang, 'io.geo.szz', radius=f'{result.szz_m:g}'))}</name>"
              f"<styleUrl>#szz</styleUrl>{_kml_polygon(szz_geometry(profile, result))}</Placemark>")
    doc = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
           f"<name>{escape(ent.name or 'EcologIS')}</name>"
           '<Style id="szz"><LineStyle><color>ff3b55d8</color><width>2</width></LineStyle>'
           '<PolyStyle><color>403b55d8</color></PolyStyle></Style>'
           '<Style id="site"><LineStyle><color>ff000000</color><width>1.5</width></LineStyle>'
           '<PolyStyle><color>30888888</color></PolyStyle></Style>'
           + "".join(pm) + "</Document></kml>\n")
    return doc.encode("utf-8")


# ---------------------------------------------------------------------------------
# one entry point for the CLI and the GUI
# ---------------------------------------------------------------------------------
def export_bytes(fmt: str, profile, result, lang: str = "uk") -> bytes:
    fmt = fmt.lower()
    if fmt == "csv":
        return csv_bytes(result, lang)
    if fmt == "xlsx":
        return xlsx_bytes(profile, result, lang)
    if fmt == "json":
        return json_bytes(profile, result, lang)
    if fmt == "geojson":
        return geojson_bytes(profile, result, lang)
    if fmt == "kml":
        return kml_bytes(profile, result, lang)
    raise ExportError("io.export.unknown_format", fmt=fmt, formats=", ".join(FORMATS))


def export_file(fmt: str, profile, result, path: str | Path, lang: str = "uk") -> Path:
    """Write the export atomically; the content is fully built before the file is touched."""
    data = export_bytes(fmt, profile, result, lang)
    atomic_write_bytes(path, data)
    return Path(path)


def format_for_path(path: str | Path) -> str | None:
    ext = Path(path).suffix.lower().lstrip(".")
    return {"json": "json", "csv": "csv", "xlsx": "xlsx", "geojson": "geojson", "kml": "kml"}.get(ext)


# ---------------------------------------------------------------------------------
# the user's substance dictionary
# ---------------------------------------------------------------------------------
class DictionaryImportError(Exception):
    """Refused dictionary import: ``problems`` are (entry number, field, message key, params)."""

    def __init__(self, file: str, problems: list[tuple[int | None, str | None, str, dict]]):
        super().__init__(f"{file}: {problems[:3]}")
        self.file = file
        self.problems = problems

    def messages(self, lang: str | None = None) -> list[str]:
        from ecologis.i18n import t

        tr = (lambda k, **kw: t_lang(lang, k, **kw)) if lang else t
        out = []
        for n, fld, key, params in self.problems:
            text = tr(key, **params)
            if n is not None:
                text = tr("io.dict.entry", file=self.file, n=n, field=fld or "—", message=text)
            else:
                text = tr("io.error.prefix", file=self.file) + " " + text
            out.append(text)
        return out


def export_dictionary(dictionary, path: str | Path, everything: bool = False) -> int:
    """Write the user's entries (or all with ``everything``) in the dictionary file shape."""
    if everything:
        subs = [s.to_json() for s in dictionary]
        doc = {"schema_version": 1, "kind": "ecologis-dictionary", "substances": subs, "deleted": []}
    else:
        doc = dict(dictionary.overlay())
        doc["kind"] = "ecologis-dictionary"
        subs = doc["substances"]
    atomic_write_bytes(path, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))
    return len(subs)


def read_dictionary_file(path: str | Path) -> list[dict]:
    """Validate every entry of a dictionary file; all-or-nothing (raises DictionaryImportError)."""
    from ecologis.core.dictionary import validate_substance_record

    p = Path(path)
    try:
        doc = json.loads(p.read_bytes().decode("utf-8-sig"), parse_constant=_refuse_constant)
    except FileNotFoundError:
        raise DictionaryImportError(p.name, [(None, None, "io.error.not_found", {})]) from None
    except OSError as e:
        raise DictionaryImportError(p.name, [(None, None, "io.error.os", {"detail": e.strerror or str(e)})]) from None
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise DictionaryImportError(p.name, [(None, None, "io.error.json", {"detail": str(e)[:200]})]) from None
    items = doc.get("substances") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise DictionaryImportError(p.name, [(None, None, "io.dict.no_list", {})])
    problems = []
    ids = set()
    for n, d in enumerate(items, start=1):
        if not isinstance(d, dict):
            problems.append((n, None, "io.dict.not_object", {}))
            continue
        for fp in validate_substance_record(d):
            problems.append((n, fp.field, fp.key, dict(fp.params)))
        sid = str(d.get("id") or "")
        if sid in ids:
            problems.append((n, "id", "io.dict.duplicate_id", {"value": sid}))
        ids.add(sid)
    if problems:
        raise DictionaryImportError(p.name, problems)
    return items


def _refuse_constant(s):
    raise ValueError(f"{s} is not allowed")


def import_dictionary(dictionary, path: str | Path, save: bool = True) -> int:
    """Merge a dictionary file into ``dictionary`` via ``Dictionary.put`` and save the
    user overlay.  Validated completely first: on any problem nothing is changed."""
    from ecologis.core.dictionary import Substance

    items = read_dictionary_file(path)
    subs = [Substance.from_json(d, origin="user") for d in items]
    for s in subs:
        dictionary.put(s)
    if save:
        dictionary.save_user_overlay()
    return len(subs)
