"""Export of an assessment: CSV, XLSX, JSON, GeoJSON, KML; the user's dictionary.

* CSV — UTF-8 with BOM (Excel then opens Cyrillic correctly), one row per input row
  with its contribution.
* CSV and XLSX text cells go through :func:`ecologis.io.cells.neutralize` (no cell
  can start a formula; our importers undo it, see :mod:`ecologis.io.cells`).
* XLSX — sheet 1: inputs with contributions; sheet 2: summary.  Numbers are stored as
  numbers with number formats; the header row is frozen.
* JSON — the profile and the result (``AssessmentResult.to_json``).
* GeoJSON (RFC 7946, lon/lat WGS84) and KML 2.2 in the layered format of
  :mod:`ecologis.io.gis` (the map engineer's; re-readable with ``read_layers``): the
  enterprise point, the site polygon and the СЗЗ as a polygon — the site boundary
  buffered by the СЗЗ radius when a site polygon exists, otherwise the circle around
  the enterprise point (the assessment's site analysis, ``Assessment.site``).
* The user's substance dictionary: export of the overlay (or of all entries) and an
  all-or-nothing import validated with ``validate_substance_record``.

Every write is atomic (:mod:`ecologis.io.atomic`).
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import numpy as np

from ecologis.i18n import KeyedError, t_lang, translator_for
from ecologis.io.atomic import atomic_write_bytes
from ecologis.io.cells import neutralize, xlsx_append_row
from ecologis.io.profile import json_default
from ecologis.model.problems import Problem

FORMATS = ("csv", "xlsx", "json", "geojson", "kml")


class ExportError(KeyedError):
    """An export that cannot be made; ``key``/``params`` give the translated reason."""


# ---------------------------------------------------------------------------------
# the tabular content shared by CSV, XLSX and the PDF
# ---------------------------------------------------------------------------------
ROW_COLUMNS = ("row", "substance_input", "substance", "cas", "mass", "unit", "mass_t", "gdk", "gdk_kind",
               "hazard_class", "a", "contribution", "share", "status",
               # the row's own inputs, so that an export reads back to the same table
               "gdk_sd_input", "gdk_mr_input", "hazard_class_input", "hours_per_year", "source_id", "date", "note")


def _num(v):
    if v is None or isinstance(v, bool):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _finite_list(a: np.ndarray) -> list:
    """An array as Python floats, ``None`` where not finite (as :func:`_num` per value)."""
    a = np.asarray(a, dtype=float)
    out = a.tolist()
    bad = np.flatnonzero(~np.isfinite(a)).tolist()
    for i in bad:
        out[i] = None
    return out


def _as_entered(v):
    """A row's own value as entered: numbers stay numbers, text stays text, nothing is empty."""
    if v is None:
        return ""
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    return _num(v) if _num(v) is not None else str(v)


def export_rows(result, lang: str = "uk") -> tuple[list[str], list[list]]:
    """Headers and one row per input row: the entered values, the resolved substance,
    t/yr, the ГДК used and its kind, class, a(c), contribution and share (0..1).
    Numbers are Python floats/ints (``None`` where not applicable)."""
    result = _core_result(result)
    from ecologis.core.gdk import GDK_KINDS

    prep = result.prepared
    n = prep.n
    counted = np.zeros(n, dtype=bool)
    counted[result.included] = True          # by row index: row numbers may repeat
    headers = [t_lang(lang, "io.col." + c) for c in ROW_COLUMNS]
    # every per-row array read once as a list (indexing numpy arrays per row is slow)
    status_text = (t_lang(lang, "io.status.error"), t_lang(lang, "io.status.excluded"), t_lang(lang, "io.status.ok"))
    kind_text = [t_lang(lang, "gdk_kind." + k) for k in GDK_KINDS]
    status_l = np.where(~prep.valid, 0, np.where(counted, 2, 1)).tolist()
    valid_l = prep.valid.tolist()
    klass_l = result.row_class.tolist()
    kind_l = prep.gdk_kind.tolist()
    mass_t = _finite_list(prep.mass_t)
    gdk = _finite_list(prep.gdk)
    row_a = _finite_list(result.row_a)
    contribution = result.row_contribution.tolist()
    share = result.row_share.tolist()
    names: dict[int, tuple[str, str]] = {}
    out = []
    for i, e, s, row in zip(range(n), prep.emissions, prep.substances, prep.rows):
        klass = int(klass_l[i])
        ok = valid_l[i]
        if s is None:
            name, cas = "", ""
        else:
            nc = names.get(id(s))
            if nc is None:
                nc = names[id(s)] = (s.name(lang), s.cas or "")
            name, cas = nc
        m = _num(e.mass)
        out.append([
            row,
            "" if e.substance is None else str(e.substance),
            name,
            cas,
            m if m is not None else ("" if e.mass is None else str(e.mass)),
            str(e.unit or ""),
            mass_t[i],
            gdk[i],
            kind_text[kind_l[i]],
            klass or None,
            row_a[i] if klass else None,
            contribution[i] if ok else None,
            share[i] if ok else None,
            status_text[status_l[i]],
            _as_entered(e.gdk_sd),
            _as_entered(e.gdk_mr),
            _as_entered(e.hazard_class),
            _as_entered(e.hours_per_year),
            "" if e.source_id is None else str(e.source_id),
            "" if e.date is None else str(e.date),
            str(e.note or ""),
        ])
    return headers, out


def summary_pairs(profile, result, lang: str = "uk") -> list[tuple[str, object]]:
    """(label, value) pairs of the summary sheet; numbers stay numbers."""
    result = _core_result(result)
    from ecologis import __version__

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
        (t_lang(lang, "io.sum.formula"), t_lang(lang, "formula." + p.formula)),
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
    w.writerow([neutralize(h) for h in headers])
    if rows:
        # column by column: texts repeat (names, units, statuses), each is neutralised once
        w.writerows(zip(*(_csv_column(col) for col in zip(*rows))))
    return buf.getvalue().encode("utf-8-sig")


def _csv_cell(v):
    return "" if v is None else (repr(v) if isinstance(v, float) else neutralize(v))


def _csv_column(col) -> list:
    """The CSV cells of one column, as :func:`_csv_cell` of each value."""
    texts: dict[str, str] = {}

    def text(v: str) -> str:
        out = texts.get(v)
        if out is None:
            out = texts[v] = neutralize(v)
        return out

    return [repr(v) if type(v) is float else text(v) if type(v) is str else _csv_cell(v) for v in col]


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
    xlsx_append_row(ws, headers)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        xlsx_append_row(ws, r)
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
    xlsx_append_row(ss, [t_lang(lang, "io.sum.item"), t_lang(lang, "io.sum.value")])
    for c in ss[1]:
        c.font = Font(bold=True)
    for label, value in summary_pairs(profile, result, lang):
        xlsx_append_row(ss, [label, value])
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
    """The profile and its results in one document; it opens again as that profile."""
    result = _core_result(result)
    from ecologis.io.profile import ASSESSMENT_KIND

    doc = {
        "kind": ASSESSMENT_KIND,
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "profile": profile.to_json(),
        "result": result.to_json(lang),
    }
    return json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False,
                      default=partial(json_default, lenient=True)).encode("utf-8")


# ---------------------------------------------------------------------------------
# geometry: the map engineer's core (ecologis.core.geometry) and layered GIS files
# (ecologis.io.gis), so an export opens again with ``ecologis.io.gis.read_layers``
# ---------------------------------------------------------------------------------
def _ccw(geom: dict) -> dict:
    """RFC 7946 winding: exterior rings counter-clockwise, holes clockwise."""
    from shapely.geometry import MultiPolygon, mapping, shape
    from shapely.geometry.polygon import orient

    g = shape(geom)
    if g.geom_type == "Polygon":
        g = orient(g, 1.0)
    elif g.geom_type == "MultiPolygon":
        g = MultiPolygon([orient(p, 1.0) for p in g.geoms])
    return json.loads(json.dumps(mapping(g)))


def _core_result(result):
    """The КНП result (:class:`ecologis.core.assess.AssessmentResult`) of ``result``, which
    is that result or the pipeline's :class:`~ecologis.pipeline.Assessment`."""
    from ecologis.pipeline import Assessment

    return result.result if isinstance(result, Assessment) else result


def szz_geometry(profile, assessment) -> dict:
    """The СЗЗ polygon of the assessment's site analysis (the pipeline's step 2,
    :func:`ecologis.pipeline.assess`: the site boundary buffered by the СЗЗ radius when the
    profile has a site polygon, otherwise the circle around the enterprise point).  The
    export computes nothing: the same polygon as the map and the report."""
    from ecologis.pipeline import Assessment

    ent = profile.enterprise
    if ent.lat is None or ent.lon is None:
        raise ExportError("io.export.no_coordinates")
    if not isinstance(assessment, Assessment):
        raise TypeError("a geographic export takes the pipeline's Assessment (its site analysis)")
    if assessment.site is None:
        problem = assessment.site_problem
        raise ExportError("io.export.geometry", detail=problem.message() if problem is not None else "—")
    return _ccw(assessment.site.szz)


def gis_layers(profile, assessment, lang: str = "uk"):
    """:class:`ecologis.io.gis.GisLayers` of the assessment (the pipeline's
    :class:`~ecologis.pipeline.Assessment`): the site, the СЗЗ, in the
    ``source`` layer the enterprise point (``id`` "enterprise", ``kind`` "enterprise")
    followed by the emission sources that have coordinates, and the sensitive receptors."""
    from ecologis.core.geometry import GeometryError, ParsedReceptor
    from ecologis.io.gis import GisLayers

    ent = profile.enterprise
    if ent.lat is None or ent.lon is None:
        raise ExportError("io.export.no_coordinates")
    szz = szz_geometry(profile, assessment)
    result = _core_result(assessment)
    sources = [{"id": "enterprise", "kind": "enterprise", "name": ent.name or t_lang(lang, "io.geo.enterprise"),
                "lat": float(ent.lat), "lon": float(ent.lon), "edrpou": ent.edrpou, "knp": float(result.knp),
                "category": result.category, "szz_m": float(result.szz_m)}]
    for s in profile.sources:
        if s.lat is not None and s.lon is not None:
            sources.append({"id": s.id, "kind": "emission_source", "name": s.name or s.id, "lat": float(s.lat),
                            "lon": float(s.lon), "height_m": s.height_m, "gas_cleaning": s.gas_cleaning or None})
    receptors = []
    for i, r in enumerate(profile.receptors, start=1):
        try:
            receptors.append(ParsedReceptor.from_any(r.to_dict(), where=f"#{i}").to_json())
        except GeometryError:
            continue                       # a receptor that cannot be placed is reported by the assessment
    return GisLayers(site=_ccw(profile.site) if profile.site else None, szz=szz,
                     sources=sources, receptors=receptors, name=ent.name)


def geojson_doc(profile, assessment, lang: str = "uk") -> dict:
    """RFC 7946 FeatureCollection in the layered format of :mod:`ecologis.io.gis`; the
    СЗЗ feature also carries the result (КНП, category, radius, preset, basis)."""
    from ecologis.io.gis import to_geojson

    doc = to_geojson(gis_layers(profile, assessment, lang))
    result = _core_result(assessment)
    for f in doc["features"]:
        if f["properties"].get("layer") == "szz":
            f["properties"].update({"name": t_lang(lang, "io.geo.szz", radius=f"{result.szz_m:g}"),
                                    "knp": float(result.knp), "category": result.category,
                                    "szz_m": float(result.szz_m), "preset": result.preset.id,
                                    "basis": "site_buffer" if profile.site else "circle"})
    return doc


def geojson_bytes(profile, result, lang: str = "uk") -> bytes:
    return json.dumps(geojson_doc(profile, result, lang), ensure_ascii=False, indent=1).encode("utf-8")


def kml_bytes(profile, result, lang: str = "uk") -> bytes:
    """KML 2.2 (:func:`ecologis.io.gis.to_kml`); the enterprise placemark gets the result
    as its description."""
    import xml.etree.ElementTree as ET

    from ecologis.io.gis import KML_NS, to_kml

    data = to_kml(gis_layers(profile, result, lang), lang)
    result = _core_result(result)
    ET.register_namespace("", KML_NS)
    import defusedxml.ElementTree as DET

    root = DET.fromstring(data, forbid_dtd=True)     # our own document, read like any XML input
    desc = t_lang(lang, "io.geo.description", knp=f"{result.knp:.3f}", category=result.category,
                  szz=f"{result.szz_m:g}")
    for pm in root.iter(f"{{{KML_NS}}}Placemark"):
        ext = pm.find(f"{{{KML_NS}}}ExtendedData")
        ids = [d.findtext(f"{{{KML_NS}}}value") for d in (ext if ext is not None else [])
               if d.get("name") == "id"]
        if "enterprise" in ids:
            el = ET.Element(f"{{{KML_NS}}}description")
            el.text = desc
            pm.insert(1, el)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


# ---------------------------------------------------------------------------------
# one entry point for the CLI and the GUI
# ---------------------------------------------------------------------------------
def export_bytes(fmt: str, profile, result, lang: str = "uk", csv_delimiter: str = ",") -> bytes:
    """``result``: the pipeline's :class:`~ecologis.pipeline.Assessment` (the geographic
    formats take the СЗЗ from its site analysis) or, for the tables, the КНП result."""
    fmt = fmt.lower()
    if fmt == "csv":
        return csv_bytes(_core_result(result), lang, csv_delimiter)
    if fmt == "xlsx":
        return xlsx_bytes(profile, _core_result(result), lang)
    if fmt == "json":
        return json_bytes(profile, _core_result(result), lang)
    if fmt == "geojson":
        return geojson_bytes(profile, result, lang)
    if fmt == "kml":
        return kml_bytes(profile, result, lang)
    raise ExportError("io.export.unknown_format", fmt=fmt, formats=", ".join(FORMATS))


def export_file(fmt: str, profile, result, path: str | Path, lang: str = "uk", csv_delimiter: str = ",") -> Path:
    """Write the export atomically; the content is fully built before the file is touched.
    ``csv_delimiter`` ";" suits Excel under Ukrainian regional settings (list separator ";")."""
    data = export_bytes(fmt, profile, result, lang, csv_delimiter)
    atomic_write_bytes(path, data)
    return Path(path)


def format_for_path(path: str | Path) -> str | None:
    ext = Path(path).suffix.lower().lstrip(".")
    return {"json": "json", "csv": "csv", "xlsx": "xlsx", "geojson": "geojson", "kml": "kml"}.get(ext)


# ---------------------------------------------------------------------------------
# the user's substance dictionary
# ---------------------------------------------------------------------------------
class DictionaryImportError(Exception):
    """Refused dictionary import: ``problems`` (:class:`~ecologis.model.problems.Problem`)
    name the entry number (``row``, 1-based; ``None`` for the whole file) and the field."""

    def __init__(self, file: str, problems: list[Problem]):
        super().__init__(f"{file}: {[(p.row, p.field, p.key) for p in problems[:3]]}")
        self.file = file
        self.problems = list(problems)

    def messages(self, lang: str | None = None) -> list[str]:
        tr = translator_for(lang)
        out = []
        for p in self.problems:
            # a parameter may itself be a translated error (the JSON reader's position)
            text = tr(p.key, **{k: v.message(lang) if callable(getattr(v, "message", None)) else v
                                for k, v in p.params.items()})
            if p.row is not None:
                text = tr("io.dict.entry", file=self.file, n=p.row, field=p.field or "—", message=text)
            else:
                text = tr("io.error.prefix", file=self.file) + " " + text
            out.append(text)
        return out


def _dict_problem(file: str, n: int | None, field: str | None, key: str, params: dict) -> Problem:
    return Problem(key, dict(params), file=file, row=n, field=field)


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

    from ecologis.io.profile import ProfileError, parse_json_bytes

    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise DictionaryImportError(p.name, [_dict_problem(p.name, None, None, "io.error.not_found", {})]) from None
    except OSError as e:
        raise DictionaryImportError(p.name, [_dict_problem(p.name, None, None, "io.error.os",
                                                           {"detail": e.strerror or str(e)})]) from None
    try:
        # the one JSON reader: not UTF-8, not JSON, nested too deeply — translated reasons
        parsed = parse_json_bytes(data, p.name)
    except ProfileError as e:
        raise DictionaryImportError(p.name, [_dict_problem(p.name, None, None, e.key, dict(e.params))]) from None
    if parsed.not_finite:
        raise DictionaryImportError(p.name, [_dict_problem(p.name, None, None, "io.profile.not_finite",
                                                           {"value": parsed.not_finite[0][:40]})])
    doc = parsed.doc
    items = doc.get("substances") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise DictionaryImportError(p.name, [_dict_problem(p.name, None, None, "io.dict.no_list", {})])
    problems = []
    ids = set()
    for n, d in enumerate(items, start=1):
        if not isinstance(d, dict):
            problems.append(_dict_problem(p.name, n, None, "io.dict.not_object", {}))
            continue
        for fp in validate_substance_record(d):
            problems.append(replace(fp, file=p.name, row=n))
        sid = str(d.get("id") or "")
        if sid in ids:
            problems.append(_dict_problem(p.name, n, "id", "io.dict.duplicate_id", {"value": sid}))
        ids.add(sid)
    if problems:
        raise DictionaryImportError(p.name, problems)
    return items


def import_dictionary(dictionary, path: str | Path, save: bool = True) -> int:
    """Merge a dictionary file into ``dictionary`` via ``Dictionary.put_many`` and save the
    user overlay.  Validated completely first: on any problem nothing is changed."""
    from ecologis.core.dictionary import Substance

    items = read_dictionary_file(path)
    subs = [Substance.from_json(d, origin="user") for d in items]
    dictionary.put_many(subs)      # one re-index for the whole file
    if save:
        from ecologis.io.reference_data import save_user_dictionary

        save_user_dictionary(dictionary)
    return len(subs)
