"""``ecologis-cli dispersion SOURCES.json|PROFILE.json [--substance S] [--grid STEP] [--directions 8|36|360]
[--date YYYY-MM-DD] [--background S=VALUE ...] [--geojson OUT.geojson] [--json]``.

OND-86 dispersion for a plant's point sources.  A saved enterprise profile is accepted
as well as a SOURCES document: its input is built by
:func:`ecologis.pipeline.dispersion_input.input_from_profile` (sources, emissions
converted to g/s, stored backgrounds valid on ``--date``, receptors).  ``--background``
enters a value (mg/m³) that replaces the stored one.  ``--geojson`` writes the isolines,
the calculated СЗЗ, the maximum point and the receptors as one FeatureCollection.  JSON output: ``sources`` (per source
and substance: ``id``, ``substance``, ``c_m_mg_m3``, ``x_m_m``, ``u_m_m_s`` and the
intermediate f, v_m, v'_m, f_e, m, n, d …), ``field_max``, ``szz_contour`` (GeoJSON
Feature), ``isolines`` (GeoJSON FeatureCollection), ``receptors``, ``targets`` (the
same for every substance and summation group, each ``field_max`` with ``contributions``
``[{source, substance, value_mg_m3, reduced_mg_m3, share}]`` for the worst wind, and every
receptor too), ``contributions`` (at the selected target's maximum), ``gdv`` (permissible
emissions ``[{source, substance, m_g_s, gdv_g_s, reduction_g_s, reduction_pct}]``),
``unverified`` and ``warnings``.
Exit 0 on success, 2 on invalid input.
"""

from __future__ import annotations

import json
import math

from ecologis.cli.errors import CliError
from ecologis.core.numbers import NumberProblem, parse_number
from ecologis.i18n import format_significant, t, translator


def register(subparsers) -> None:
    p = subparsers.add_parser("dispersion", help=t("disp.cli.help"), description=t("disp.cli.help"))
    p.add_argument("sources", metavar="SOURCES.json", help=t("disp.cli.help.sources"))
    p.add_argument("--substance", default=None, help=t("disp.cli.help.substance"))
    p.add_argument("--grid", type=float, default=None, metavar="STEP", help=t("disp.cli.help.grid"))
    p.add_argument("--directions", type=int, choices=(8, 36, 360), default=None,
                   help=t("disp.cli.help.directions"))
    p.add_argument("--date", default=None, metavar="YYYY-MM-DD", help=t("disp.cli.help.date"))
    p.add_argument("--background", action="append", default=None, metavar="S=VALUE",
                   help=t("disp.cli.help.background"))
    p.add_argument("--geojson", default=None, metavar="OUT.geojson", help=t("disp.cli.help.geojson"))
    p.add_argument("--json", action="store_true", help=t("disp.cli.help.json"))
    p.set_defaults(func=run)


_g = format_significant


def format_text(res: dict) -> str:
    lines = [t("disp.out.title", A=_g(res["A"]), eta=_g(res["eta"]), directions=res["directions"]), "",
             t("disp.out.sources")]
    for s in res["sources"]:
        share = (t("disp.out.share", value=_g(s["c_m_share_gdk"], 3)) if s["c_m_share_gdk"] is not None
                 else t("disp.out.no_share"))
        lines.append(t("disp.out.source_row", id=s["id"], substance=s["substance_name"], c_m=_g(s["c_m_mg_m3"]),
                       share=share, x_m=_g(s["x_m_m"]), u_m=_g(s["u_m_m_s"], 3),
                       regime=t(f"disp.regime.{s['regime']}")))
        lines.append(t("disp.out.params_row", f=_g(s["f"]), v_m=_g(s["v_m_m_s"]), v_m_prime=_g(s["v_m_prime_m_s"]),
                       f_e=_g(s["f_e"]), m=_g(s["m"]), n=_g(s["n"]), d=_g(s["d"])))
    res_names = {s["substance"]: s["substance_name"] for s in res["sources"]}
    g = res["grid"]
    lines += ["", t("disp.out.grid", step=_g(g["step_m"]), nx=g["nx"], ny=g["ny"],
                    lat=f"{g['center_lat']:.5f}", lon=f"{g['center_lon']:.5f}")]
    for tg in res["targets"]:
        fmx = tg["field_max"]
        share = (t("disp.out.share", value=_g(fmx["share_gdk_with_background"], 3))
                 if fmx["share_gdk_with_background"] is not None else t("disp.out.no_share"))
        if tg["kind"] == "group":
            lines.append(t("disp.out.group_target", name=tg["name"], kkd=_g(tg.get("kkd", 1.0)),
                           share=_g((fmx["share_gdk_with_background"] or 0.0) / tg.get("kkd", 1.0), 3),
                           lat=f"{fmx['lat']:.5f}", lon=f"{fmx['lon']:.5f}"))
        else:
            lines.append(t("disp.out.target", name=tg["name"], value=_g(fmx["value_mg_m3"]), share=share,
                           with_bg=_g(fmx["value_with_background_mg_m3"]),
                           lat=f"{fmx['lat']:.5f}", lon=f"{fmx['lon']:.5f}"))
        if fmx.get("contributions") and fmx.get("wind_speed_m_s") is not None:
            lines.append(t("disp.out.contributions", direction=_g(fmx["wind_from_deg"], 3),
                           speed=_g(fmx["wind_speed_m_s"], 3)))
            for c in fmx["contributions"]:
                lines.append(t("disp.out.contribution_row", source=c["source"],
                               substance=res_names.get(c["substance"], c["substance"]),
                               value=_g(c["value_mg_m3"]), share=_g(100.0 * c["share"], 3)))
        szz = tg["szz_contour"]
        if szz is not None:
            geom = szz["geometry"]
            state = (t("disp.out.szz_none") if geom is None
                     else t("disp.out.szz_polygons", count=len(geom["coordinates"])))
            lines.append(t("disp.out.szz", state=state))
        for r in tg["receptors"]:
            rs = r["share_gdk_with_background"]
            lines.append(t("disp.out.receptor", id=r.get("name") or r["id"], value=_g(r["value_with_background_mg_m3"]),
                           share=t("disp.out.share", value=_g(rs, 3)) if rs is not None else t("disp.out.no_share")))
    if res.get("gdv"):
        lines += ["", t("disp.out.gdv")]
        for r in res["gdv"]:
            lines.append(t("disp.out.gdv_row", source=r["source"], substance=r["substance_name"], m=_g(r["m_g_s"]),
                           gdv=_g(r["gdv_g_s"]), red=_g(r["reduction_g_s"]), pct=_g(r["reduction_pct"], 3)))
    if res.get("backgrounds_used"):
        lines += ["", t("disp.out.backgrounds")]
        for b in res["backgrounds_used"]:
            lines.append(background_line(b))
    if res["unverified"]:
        lines += ["", t("disp.out.unverified")]
        lines += [f"  - {u['id']}: {t('disp.unv.' + u['id'])}" for u in res["unverified"]]
    for w in res["warnings"]:
        lines.append(t("disp.out.warning", message=w["message"]))
    return "\n".join(lines)


ORIGIN_KEYS = {"user": "disp.bg.origin.user", "stored": "disp.bg.origin.stored", "input": "disp.bg.origin.input"}


def background_line(b: dict) -> str:
    """One translated line naming a background value and where it comes from."""
    line = t("disp.out.background_row", name=b.get("name") or b["substance"], value=_g(b["value_mg_m3"]),
             origin=t(ORIGIN_KEYS.get(b.get("origin"), "disp.bg.origin.input")), method=b.get("method") or "—",
             date=b.get("date") or "—", valid_until=b.get("valid_until") or "—")
    if b.get("reconstructed"):
        line += " " + t("disp.out.background_reconstructed", pieces=", ".join(b.get("reconstructed_pieces") or []))
    return line


def _parse_user_background(items) -> dict | None:
    out = {}
    for it in items or []:
        sub, _, val = it.rpartition("=")
        try:
            v = parse_number(val)[0]
        except NumberProblem:
            v = float("nan")
        if not sub.strip() or not (v >= 0):
            raise ValueError(it)
        out[sub.strip()] = v
    return out


def load_input(path: str, date=None, user_background: dict | None = None, lookup=None) -> dict:
    """The dispersion input of a SOURCES document or a saved profile.

    Raises ProfileError (unreadable file: not found, not UTF-8, not JSON, nested too
    deeply; or an invalid profile)."""
    from pathlib import Path

    from ecologis.pipeline.dispersion_input import input_from_profile, is_profile_document
    from ecologis.io.profile import load_profile, parse_json_bytes, read_json_file_bytes

    p = Path(path)
    data = parse_json_bytes(read_json_file_bytes(p), p.name).doc   # non-finite numbers are refused field by field
    if is_profile_document(data):
        return input_from_profile(load_profile(path), on=date, user_background=user_background, lookup=lookup)
    if user_background and isinstance(data, dict) and isinstance(data.get("background") or {}, dict):
        # (a "background" that is not an object is left for the validation to name)
        data = dict(data, background=dict(data.get("background") or {}, **user_background))
    return data


def run(args) -> int:
    import datetime as dt

    from ecologis.core.dispersion import DispersionInputError, calculate
    from ecologis.io.profile import ProfileError
    from ecologis.io.reference_data import dispersion_references

    path = args.sources
    try:
        date = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise CliError(t("disp.err.date", value=args.date), field="--date") from None
    try:
        user_bg = _parse_user_background(args.background)
    except ValueError as exc:
        raise CliError(t("disp.err.background_arg", value=str(exc)), field="--background") from None
    if args.grid is not None:
        from ecologis.core.dispersion.inputs import MAX_GRID_STEP_M

        if not (math.isfinite(args.grid) and 0 < args.grid <= MAX_GRID_STEP_M):
            raise CliError(t("io.cli.disp.grid", value=_g(args.grid), limit=_g(MAX_GRID_STEP_M)), field="--grid")
    refs = dispersion_references()              # the dictionary and the shipped summation groups
    try:
        data = load_input(path, date, user_bg, lookup=refs["lookup"])
    except ProfileError as exc:
        raise CliError.from_error(exc, lang=translator.lang) from None
    half = (data.get("grid") or {}).get("half_extent_m") if isinstance(data, dict) and isinstance(data.get("grid"), dict) else None
    if args.grid is not None and isinstance(half, (int, float)) and not isinstance(half, bool) and 0 < half < args.grid:
        from pathlib import Path

        from ecologis.cli.errors import located

        name = Path(path).name
        raise CliError(located(name, None, None, t("io.cli.disp.grid_extent", value=_g(args.grid), half=_g(half))),
                       file=name, field="--grid")
    try:
        res = calculate(data, substance=args.substance, grid_step_m=args.grid, directions=args.directions,
                        lang=translator.lang, **refs)
    except DispersionInputError as exc:
        raise CliError(t("disp.err.header", path=path), file=path, details=exc.messages(translator.lang)) from None
    if isinstance(data, dict) and data.get("wind_rose") is not None:     # the calculated СЗЗ per bearing
        from ecologis.cli.cmd_szz import format_calculated_zone
        from ecologis.core.sanitary_zone import SanitaryZoneError
        from ecologis.pipeline.zones import dispersion_calculated_zone

        try:
            res["calculated_zone"] = dispersion_calculated_zone(res, data, data["wind_rose"])
        except SanitaryZoneError as exc:
            raise CliError(t("szz.cli.rose_in_file", path=path, message=exc.message(translator.lang)), file=path,
                           field="wind_rose") from None
        if not args.json:
            print(format_calculated_zone(res["calculated_zone"]))
    try:
        # a result that is not finite somewhere is refused (never "NaN" in a file or output)
        text = json.dumps(res, ensure_ascii=False, indent=1, allow_nan=False)
        geo = None
        if args.geojson:
            from ecologis.core.dispersion.export import result_geojson

            geo = json.dumps(result_geojson(res), ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise CliError(t("io.cli.disp.not_finite", file=path), file=path, code="E_NOT_FINITE") from None
    if geo is not None:
        from ecologis.io.atomic import atomic_write_text

        try:
            atomic_write_text(args.geojson, geo)
        except OSError as exc:
            raise CliError(t("disp.err.write", path=args.geojson, error=exc.strerror or exc), file=args.geojson,
                           code="E_WRITE") from None
    if args.json:
        print(text)
    else:
        print(format_text(res))
    return 0
