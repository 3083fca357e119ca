"""``ecologis-cli background ...``: background concentrations by Order No. 286.

Sub-commands::

    background default --population N [--substance S ...] [--json]
    background posts SERIES.csv|xlsx [--group S1,S2,...] [--json]
    background interpolate POSTS.json --lat φ --lon λ [--json]
    background calculated --cmax C | --sources SOURCES.json | --profile PROFILE.json
                          [--own C_own] [--substance S] [--date YYYY-MM-DD] [--store] [--json]
    background offices CITY [--json]
    background forms {request,annex2,annex3,annex5,annex6} --out FILE.pdf [...]

JSON output: values in mg/m³, ``method``, ``date``, ``valid_until``, the per-gradation
table where it applies and ``reconstructed`` (true with ``reconstructed_pieces`` when a
candidate formula or table was used – such a value is not the normative one).
Exit 0 on success, 2 on invalid input.
"""

from __future__ import annotations

import json
import re

from ecologis.cli.errors import CliError
from ecologis.core.numbers import NumberProblem, parse_number
from ecologis.i18n import format_significant, t, translator
from ecologis.io.reference_data import background_reference, dispersion_lookup, load_dictionary


def register(subparsers) -> None:
    p = subparsers.add_parser("background", help=t("bg.cli.help"), description=t("bg.cli.help"))
    sub = p.add_subparsers(dest="bg_command", metavar="SUBCOMMAND")

    d = sub.add_parser("default", help=t("bg.cli.help.default"), description=t("bg.cli.help.default"))
    d.add_argument("--population", type=int, required=True, metavar="N", help=t("bg.cli.help.population"))
    d.add_argument("--substance", action="append", default=None, metavar="S", help=t("bg.cli.help.substance"))
    d.add_argument("--json", action="store_true", help=t("bg.cli.help.json"))
    d.set_defaults(func=run_default)

    s = sub.add_parser("posts", help=t("bg.cli.help.posts"), description=t("bg.cli.help.posts"))
    s.add_argument("series", metavar="SERIES.csv", help=t("bg.cli.help.series"))
    s.add_argument("--group", default=None, metavar="S1,S2", help=t("bg.cli.help.group"))
    s.add_argument("--json", action="store_true", help=t("bg.cli.help.json"))
    s.set_defaults(func=run_posts)

    i = sub.add_parser("interpolate", help=t("bg.cli.help.interpolate"), description=t("bg.cli.help.interpolate"))
    i.add_argument("posts", metavar="POSTS.json", help=t("bg.cli.help.posts_file"))
    i.add_argument("--lat", type=float, required=True, help=t("bg.cli.help.lat"))
    i.add_argument("--lon", type=float, required=True, help=t("bg.cli.help.lon"))
    i.add_argument("--json", action="store_true", help=t("bg.cli.help.json"))
    i.set_defaults(func=run_interpolate)

    c = sub.add_parser("calculated", help=t("bg.cli.help.calculated"), description=t("bg.cli.help.calculated"))
    src = c.add_mutually_exclusive_group(required=True)
    src.add_argument("--cmax", type=float, metavar="C", help=t("bg.cli.help.cmax"))
    src.add_argument("--sources", metavar="SOURCES.json", help=t("bg.cli.help.sources"))
    src.add_argument("--profile", metavar="PROFILE.json", help=t("bg.cli.help.calc_profile"))
    c.add_argument("--own", type=float, default=None, metavar="C", help=t("bg.cli.help.own"))
    c.add_argument("--date", default=None, metavar="YYYY-MM-DD", help=t("bg.cli.help.date"))
    c.add_argument("--store", action="store_true", help=t("bg.cli.help.store"))
    c.add_argument("--substance", default="", metavar="S", help=t("bg.cli.help.substance"))
    c.add_argument("--json", action="store_true", help=t("bg.cli.help.json"))
    c.set_defaults(func=run_calculated)

    u = sub.add_parser("subplume", help=t("bg.cli.help.subplume"), description=t("bg.cli.help.subplume"))
    u.add_argument("values", metavar="VALUES.csv", help=t("bg.cli.help.values"))
    u.add_argument("--rose", required=True, metavar="N=0.1,NE=0.1,...", help=t("bg.cli.help.rose"))
    u.add_argument("--rhumb", required=True, metavar="R", help=t("bg.cli.help.rhumb"))
    u.add_argument("--distance", type=float, required=True, metavar="M", help=t("bg.cli.help.distance"))
    u.add_argument("--years", type=float, default=None, metavar="Y", help=t("bg.cli.help.years"))
    u.add_argument("--substance", default="", metavar="S", help=t("bg.cli.help.substance"))
    u.add_argument("--json", action="store_true", help=t("bg.cli.help.json"))
    u.set_defaults(func=run_subplume)

    o = sub.add_parser("offices", help=t("bg.cli.help.offices"), description=t("bg.cli.help.offices"))
    o.add_argument("city", metavar="CITY", help=t("bg.cli.help.city"))
    o.add_argument("--json", action="store_true", help=t("bg.cli.help.json"))
    o.set_defaults(func=run_offices)

    f = sub.add_parser("forms", help=t("bg.cli.help.forms"), description=t("bg.cli.help.forms"))
    f.add_argument("form", choices=("request", "annex2", "annex3", "annex5", "annex6"), help=t("bg.cli.help.form"))
    f.add_argument("--out", required=True, metavar="FILE.pdf", help=t("bg.cli.help.out"))
    f.add_argument("--profile", default=None, metavar="PROFILE.json", help=t("bg.cli.help.profile"))
    f.add_argument("--result", default=None, metavar="RESULT.json", help=t("bg.cli.help.result"))
    f.set_defaults(func=run_forms)

    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


_g = format_significant


def _emit(res, as_json: bool, text_fn) -> int:
    if as_json:
        print(json.dumps(res.to_json(translator.lang), ensure_ascii=False, indent=1, allow_nan=False))
    else:
        print(text_fn(res))
    return 0


def _footer(res) -> list[str]:
    lines = ["", t("bg.out.dates", date=res.date.isoformat(), valid_until=res.valid_until.isoformat())]
    if res.reconstructed:
        lines += ["", t("bg.warn.reconstructed")]
        lines += [f"  - {p}: {t('bg.piece.' + p)}" for p in res.pieces]
    for w in res.warnings:
        lines.append(t("bg.out.warning", message=w.message()))
    return lines


def _fail(exc):
    """Raise the :class:`CliError` of a background error (a series error with one line per
    invalid row)."""
    from ecologis.core.background import SeriesError

    details = []
    if isinstance(exc, SeriesError):
        details = list(exc.messages())
        if exc.total > len(exc.problems):
            details.append(t("bg.err.more", count=exc.total - len(exc.problems)))
    raise CliError.from_error(exc, details=details) from None


def _name(row: dict) -> str:
    return row.get("name_en" if translator.lang == "en" else "name_uk") or row.get("substance") or ""


# ---------------------------------------------------------------------------------------
def format_default(res) -> str:
    lines = [t("bg.out.default_title", population=_g(res.inputs["population"], 9),
               band=res.inputs["population_band_thousands"])]
    for r in res.values:
        src = (t("bg.out.src_table", band=r["band_thousands"], lines=r["seed_lines"]) if r["source"] == "table_4_1"
               else t("bg.out.src_gdk", gdk=_g(r["gdk_mr"]), source=r.get("gdk_source_title") or "—"))
        lines.append(t("bg.out.default_row", substance=_name(r), value=_g(r["value_mg_m3"]),
                       share=_g(r["share_gdk_mr"]), source=src))
    return "\n".join(lines + _footer(res))


def run_default(args) -> int:
    from ecologis.core.background import BackgroundError, default_background

    subs = args.substance or [v["name_uk"] for v in background_reference().table_4_1["substances"].values()]
    try:
        res = default_background(args.population, subs, load_dictionary(), refdata=background_reference())
    except BackgroundError as exc:
        return _fail(exc)
    return _emit(res, args.json, format_default)


def format_posts(res) -> str:
    lines = [t("bg.out.posts_title", file=res.inputs["file"], rows=res.inputs["rows"])]
    for r in res.values:
        s = r["sufficiency"]
        lines += ["", t("bg.out.post_header", post=r["post"], substance=_name(r), n=s["n_samples"],
                        start=s["period_start"], end=s["period_end"],
                        state=t("bg.out.sufficient") if s["sufficient"] else t("bg.out.insufficient"))]
        lines.append(t("bg.out.grad_header"))
        for g in r["gradations"]:
            lines.append(t("bg.out.grad_row", gradation=t("bg.grad." + g["gradation"]), n=g["n"],
                           excluded=g["n_excluded"], mean=_g(g["mean_mg_m3"]), sigma=_g(g["sigma_mg_m3"]),
                           V=_g(g["V"], 3), F=_g(g["F"], 3), value=_g(g["background_mg_m3"])))
        sig = r["significance"]
        lines.append(t("bg.out.outcome." + sig["outcome"]))
        for v in r["issued"]:
            lines.append(t("bg.out.issued", gradation=t("bg.grad." + v["gradation"]), value=_g(v["value_mg_m3"])))
    return "\n".join(lines + _footer(res))


def run_posts(args) -> int:
    from ecologis.core.background import BackgroundError, posts_background, summation_background
    from ecologis.io.background_series import read_series

    try:
        series = read_series(args.series)
        if args.group:
            res = summation_background(series, [m.strip() for m in args.group.split(",") if m.strip()], load_dictionary(),
                                       refdata=background_reference())
        else:
            res = posts_background(series, refdata=background_reference())
    except BackgroundError as exc:
        return _fail(exc)
    return _emit(res, args.json, format_posts)


def format_interpolate(res) -> str:
    net = res.details["network"]
    lines = [t("bg.out.interp_title", lat=res.inputs["lat"], lon=res.inputs["lon"],
               where=t("bg.out.inside") if res.details["inside_circle"] else t("bg.out.outside"),
               r=_g(res.details["distance_to_centre_m"]), R=_g(net["circle_radius_m"]))]
    if res.details.get("at_post"):
        lines.append(t("bg.out.at_post", post=res.details["at_post"]))
    for r in res.values:
        lines.append(t("bg.out.interp_row", substance=r["substance"], gradation=t("bg.grad." + r["gradation"]),
                       value=_g(r["value_mg_m3"])))
    return "\n".join(lines + _footer(res))


def run_interpolate(args) -> int:
    from ecologis.core.background import BackgroundError, background_at
    from ecologis.core.background.spatial import parse_posts

    try:
        posts, suburban = parse_posts(_read_json(args.posts))
        res = background_at(posts, suburban, args.lat, args.lon, refdata=background_reference())
    except BackgroundError as exc:
        return _fail(exc)
    return _emit(res, args.json, format_interpolate)


def format_calculated(res) -> str:
    lines = [t("bg.out.calc_title", cmax=_g(res.inputs["c_max_mg_m3"]), factor=_g(res.inputs["factor"]))]
    for r in res.values:
        lines.append(t("bg.out.calc_row." + r["quantity"], value=_g(r["value_mg_m3"]), branch=r.get("branch", "")))
    return "\n".join(lines + _footer(res))


def run_calculated(args) -> int:
    import datetime as dt

    from ecologis.core.background import BackgroundError, calculated
    from ecologis.pipeline.background_by_calculation import calculated_from_dispersion

    try:
        date = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise CliError(t("bg.err.date", value=args.date), field="--date") from None
    if args.store and not args.profile:
        raise CliError(t("bg.err.store_needs_profile"), field="--store")
    try:
        if args.profile:
            return _calculated_profile(args, date)
        if args.sources:
            if not args.substance:
                raise BackgroundError("bg.err.substance_required")
            doc = _read_json(args.sources)
            res = calculated_from_dispersion(doc, args.substance, c_own=args.own, date=date, refdata=background_reference(),
                                             lookup=dispersion_lookup())
        else:
            res = calculated(args.cmax, substance=args.substance, c_own=args.own, date=date, refdata=background_reference())
    except BackgroundError as exc:
        return _fail(exc)
    return _emit(res, args.json, format_calculated)


def _calculated_profile(args, date) -> int:
    """§4 from the dispersion of a saved profile; ``--store`` appends the result to the
    profile (saved atomically, the previous file kept as ``.bak``)."""
    from ecologis.core.background import BackgroundError
    from ecologis.core.background.store import store_result
    from ecologis.pipeline.background_by_calculation import calculated_from_profile
    from ecologis.io.profile import ProfileError, load_profile, save_profile

    if not args.substance:
        raise BackgroundError("bg.err.substance_required")
    try:
        profile = load_profile(args.profile)
    except ProfileError as exc:
        raise CliError.from_error(exc, lang=translator.lang) from None
    res = calculated_from_profile(profile, args.substance, c_own=args.own, date=date, on=date, refdata=background_reference(),
                                  lookup=dispersion_lookup())
    if args.store:
        store_result(profile, res.to_json())
        try:
            save_profile(profile, args.profile)
        except ProfileError as exc:
            raise CliError.from_error(exc, lang=translator.lang) from None
        except OSError as exc:
            raise CliError(t("io.cli.write_failed", path=args.profile, detail=exc.strerror or str(exc)),
                           file=args.profile, code="E_WRITE") from None
    return _emit(res, args.json, format_calculated)


def _read_json(path: str):
    """A JSON document; ``BackgroundError`` (bg.err.json, translated reason) if the file
    cannot be read or is not JSON (nested too deeply, not UTF-8 …)."""
    from pathlib import Path

    from ecologis.core.background import BackgroundError
    from ecologis.i18n import KeyedError
    from ecologis.io.profile import ProfileError, parse_json_bytes

    try:
        return parse_json_bytes(Path(path).read_bytes(), Path(path).name).doc
    except FileNotFoundError:
        raise BackgroundError("bg.err.not_found_file", file=Path(path).name) from None
    except OSError as exc:
        raise BackgroundError("bg.err.json", file=path, detail=exc.strerror or str(exc)) from None
    except ProfileError as exc:
        raise BackgroundError("bg.err.json", file=path, detail=KeyedError(exc.key, **exc.params)) from None


def read_values(path: str) -> list[float]:
    """One concentration per line (or the first column of a CSV; a non-numeric first line
    is a header).  Decimal comma accepted.  Raises BackgroundError naming the row."""
    from ecologis.core.background import BackgroundError

    try:
        with open(path, encoding="utf-8-sig") as fh:
            lines = fh.read().splitlines()
    except OSError:
        raise BackgroundError("bg.err.not_found_file", file=path) from None
    except UnicodeDecodeError as exc:
        raise BackgroundError("io.cli.not_utf8", file=path, row=exc.start) from None
    out = []
    for i, line in enumerate(lines, start=1):
        if ";" in line or "\t" in line:
            cell = line.replace("\t", ";").split(";")[0].strip()
        elif re.fullmatch(r"\s*[+-]?\d[\d \u00a0\u202f]*,\d+\s*|\s*[+-]?,\d+\s*", line):
            # a single number with a decimal comma (and perhaps thousands spaces: "1 234,5")
            cell = line.strip()
        else:
            cell = line.split(",")[0].strip()
        if not cell:
            continue
        try:
            v = parse_number(cell)[0]
        except NumberProblem:
            if i == 1:
                continue
            raise BackgroundError("bg.err.value_row", file=path, row=i, value=line) from None
        if v < 0 or v != v:
            raise BackgroundError("bg.err.value_row", file=path, row=i, value=line)
        out.append(v)
    return out


def format_subplume(res) -> str:
    st = res.details["statistics"]
    lines = [t("bg.out.subplume_title", substance=res.inputs["substance"] or "—", distance=_g(res.inputs["distance_m"]),
               n=st["n"], excluded=st["n_excluded"], mean=_g(st["mean_mg_m3"]), sigma=_g(st["sigma_mg_m3"]),
               K=_g(st["K"]), V=_g(st["V"], 3), a=_g(st["a"], 3), qm=_g(st["q_m_mg_m3"]))]
    for r in res.values:
        lines.append(t("bg.out.subplume_row", rhumb=r["rhumb"], p=_g(r["repeatability"], 3), value=_g(r["value_mg_m3"])))
    return "\n".join(lines + _footer(res))


def run_subplume(args) -> int:
    from ecologis.core.background import BackgroundError, subplume_background

    try:
        rose = {}
        for part in args.rose.split(","):
            if not part.strip():
                continue
            k, _, v = part.partition("=")
            try:
                rose[k.strip()] = parse_number(v)[0]
            except NumberProblem:
                raise BackgroundError("bg.err.repeatability") from None
        values = read_values(args.values)
        res = subplume_background(values, rose, args.rhumb, args.distance, years=args.years, substance=args.substance, refdata=background_reference())
    except BackgroundError as exc:
        return _fail(exc)
    return _emit(res, args.json, format_subplume)


def run_offices(args) -> int:
    from ecologis.core.background import find_offices

    hits = find_offices(args.city, refdata=background_reference())
    if args.json:
        print(json.dumps({"query": args.city, "offices": hits}, ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print(t("bg.out.no_offices", city=args.city))
        return 0
    for h in hits:
        print(t("bg.out.office", city=h["city"], posts=h["posts"], organisation=h["organisation"],
                address=h["address"]))
    return 0


def run_forms(args) -> int:
    from ecologis.core.background import BackgroundError
    from ecologis.io.profile import ProfileError, load_profile

    try:
        from ecologis.report.background_forms import FormError, write_form
    except ImportError:  # pragma: no cover
        raise CliError(t("bg.err.forms_unavailable")) from None
    profile = None
    if args.profile:
        try:
            profile = load_profile(args.profile)
        except ProfileError as exc:
            raise CliError.from_error(exc) from None
    result = None
    if args.result:
        try:
            result = _read_json(args.result)
        except BackgroundError as exc:
            _fail(exc)
    try:
        write_form(args.form, args.out, profile=profile, result=result, lang=translator.lang)
    except (FormError, BackgroundError) as exc:
        raise CliError.from_error(exc) from None
    print(t("bg.out.form_written", path=args.out))
    return 0
