"""``ecologis-cli report PROFILE --out FILE.pdf|FILE.docx [--lang uk|en] [--date YYYY-MM-DD]``: the
report, as PDF or (for a ``.docx`` name) as a Word document with the same content.

``--date`` is the day on which stored background concentrations must be valid (default
today); it changes only the dispersion and background parts of section 6."""

from __future__ import annotations

import sys
from pathlib import Path

from ecologis.cli.common import check_preset, load_reference_data
from ecologis.cli.errors import CliError
from ecologis.i18n import t, translator


def register(sub) -> None:
    p = sub.add_parser("report", help=t("io.cli.report.help"))
    p.add_argument("profile", metavar="PROFILE", help=t("io.cli.report.profile"))
    p.add_argument("--out", required=True, metavar="FILE.pdf|FILE.docx", help=t("io.cli.report.out"))
    p.add_argument("--lang", choices=("uk", "en"), default=None, help=t("cli.help.lang"))
    p.add_argument("--date", default=None, metavar="YYYY-MM-DD", help=t("report.cli.date"))
    p.set_defaults(func=run)


def load_and_assess(path: str, on=None):
    """(profile, :class:`ecologis.pipeline.Assessment`); :class:`CliError` if the file cannot be
    read or its preset is unknown; ``on``: the date stored backgrounds must be valid on."""
    from ecologis.io.batch import load_any
    from ecologis.io.emissions_table import TableReadError
    from ecologis.io.profile import ProfileError, assess_project

    dictionary, presets = load_reference_data()
    try:
        profile, _kind = load_any(Path(path), dictionary)
    except (TableReadError, ProfileError) as e:
        raise CliError.from_error(e) from None
    if profile.notice:
        print(profile.notice_message(), file=sys.stderr)
    check_preset(profile.preset, presets)
    return profile, assess_project(profile, dictionary, presets, file=Path(path).name, on=on)


def run(args) -> int:
    from ecologis.report.pdf_report import write_report

    import datetime as dt

    lang = args.lang or translator.lang
    try:
        on = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise CliError(t("report.cli.bad_date", value=args.date), field="--date") from None
    profile, assessment = load_and_assess(args.profile, on=on)
    result = assessment.result
    if result.errors:
        print(t("io.cli.report.with_errors", count=len(result.errors)), file=sys.stderr)
    try:
        write_report(args.out, assessment, lang)
    except OSError as e:
        raise CliError(t("io.cli.write_failed", path=args.out, detail=e.strerror or str(e)), file=args.out,
                       code="E_WRITE") from None
    print(t("io.export.done", path=args.out))
    return 0
