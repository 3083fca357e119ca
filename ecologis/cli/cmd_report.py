"""``ecologis-cli report PROFILE --out FILE.pdf|FILE.docx [--lang uk|en] [--date YYYY-MM-DD]``: the
report, as PDF or (for a ``.docx`` name) as a Word document with the same content.

``--date`` is the day on which stored background concentrations must be valid (default
today); it changes only the sections 6.2/6.3 (dispersion and backgrounds)."""

from __future__ import annotations

import sys
from pathlib import Path

from ecologis.cli.common import load_reference_data
from ecologis.i18n import t, translator


def register(sub) -> None:
    p = sub.add_parser("report", help=t("io.cli.report.help"))
    p.add_argument("profile", metavar="PROFILE", help=t("io.cli.report.profile"))
    p.add_argument("--out", required=True, metavar="FILE.pdf|FILE.docx", help=t("io.cli.report.out"))
    p.add_argument("--lang", choices=("uk", "en"), default=None, help=t("cli.help.lang"))
    p.add_argument("--date", default=None, metavar="YYYY-MM-DD", help=t("report.cli.date"))
    p.set_defaults(func=run)


def load_and_assess(path: str, on=None):
    """(profile, :class:`ecologis.pipeline.Assessment`) or an exit code after printing one
    clear message; ``on``: the date stored backgrounds must be valid on (default today)."""
    from ecologis.io.batch import load_any
    from ecologis.io.emissions_table import TableReadError
    from ecologis.io.profile import ProfileError, assess_project

    loaded = load_reference_data()
    if loaded is None:
        return 2
    dictionary, presets = loaded
    try:
        profile, _kind = load_any(Path(path), dictionary)
    except (TableReadError, ProfileError) as e:
        print(e.message(), file=sys.stderr)
        return 2
    if profile.notice:
        print(profile.notice_message(), file=sys.stderr)
    if profile.preset not in presets:
        print(t("cli.error.method", method=profile.preset, available=", ".join(presets)), file=sys.stderr)
        return 2
    return profile, assess_project(profile, dictionary, presets, file=Path(path).name, on=on)


def run(args) -> int:
    from ecologis.report.pdf_report import write_report

    import datetime as dt

    lang = args.lang or translator.lang
    try:
        on = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print(t("report.cli.bad_date", value=args.date), file=sys.stderr)
        return 2
    got = load_and_assess(args.profile, on=on)
    if isinstance(got, int):
        return got
    profile, assessment = got
    result = assessment.result
    if result.errors:
        print(t("io.cli.report.with_errors", count=len(result.errors)), file=sys.stderr)
    try:
        write_report(args.out, assessment, lang)
    except OSError as e:
        print(t("io.cli.write_failed", path=args.out, detail=e.strerror or str(e)), file=sys.stderr)
        return 2
    print(t("io.export.done", path=args.out))
    return 0
