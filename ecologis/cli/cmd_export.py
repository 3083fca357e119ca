"""``ecologis-cli export PROFILE --format csv|xlsx|json|geojson|kml --out FILE``;
``ecologis-cli dict-export FILE [--all]`` and ``ecologis-cli dict-import FILE``: the
user's substance dictionary."""

from __future__ import annotations

from ecologis.cli.errors import CliError
from ecologis.i18n import t, translator


def register(sub) -> None:
    from ecologis.io.export import FORMATS

    p = sub.add_parser("export", help=t("io.cli.export.help"))
    p.add_argument("profile", metavar="PROFILE", help=t("io.cli.report.profile"))
    p.add_argument("--format", choices=FORMATS, default=None, help=t("io.cli.export.format"))
    p.add_argument("--out", required=True, metavar="FILE", help=t("io.cli.export.out"))
    p.add_argument("--lang", choices=("uk", "en"), default=None, help=t("cli.help.lang"))
    p.add_argument("--delimiter", choices=(",", ";", "tab"), default=",", help=t("io.cli.export.delimiter"))
    p.set_defaults(func=run)
    d = sub.add_parser("dict-export", help=t("io.cli.dict_export.help"))
    d.add_argument("file", metavar="FILE.json")
    d.add_argument("--all", action="store_true", help=t("io.cli.dict_export.all"))
    d.set_defaults(func=run_dict_export)
    i = sub.add_parser("dict-import", help=t("io.cli.dict_import.help"))
    i.add_argument("file", metavar="FILE.json")
    i.set_defaults(func=run_dict_import)


def run(args) -> int:
    from ecologis.cli.cmd_report import load_and_assess
    from ecologis.io.export import ExportError, export_file, format_for_path

    lang = args.lang or translator.lang
    fmt = args.format or format_for_path(args.out)
    if fmt is None:
        raise CliError(t("io.cli.export.no_format", path=args.out), field="--format")
    profile, assessment = load_and_assess(args.profile)
    try:
        export_file(fmt, profile, assessment, args.out, lang, "\t" if args.delimiter == "tab" else args.delimiter)
    except ExportError as e:
        raise CliError.from_error(e) from None
    except OSError as e:
        raise CliError(t("io.cli.write_failed", path=args.out, detail=e.strerror or str(e)), file=args.out,
                       code="E_WRITE") from None
    print(t("io.export.done", path=args.out))
    return 0


def run_dict_export(args) -> int:
    from ecologis.core.dictionary import DictionaryError
    from ecologis.io.reference_data import load_dictionary
    from ecologis.io.export import export_dictionary

    try:
        d = load_dictionary()
        n = export_dictionary(d, args.file, everything=args.all)
    except DictionaryError as e:
        raise CliError(t("cli.error.file", file=str(e.path), detail=e.detail), file=str(e.path)) from None
    except OSError as e:
        raise CliError(t("io.cli.write_failed", path=args.file, detail=e.strerror or str(e)), file=args.file,
                       code="E_WRITE") from None
    print(t("io.dict.exported", count=n))
    return 0


def run_dict_import(args) -> int:
    from ecologis.core.dictionary import DictionaryError
    from ecologis.io.reference_data import load_dictionary
    from ecologis.io.export import DictionaryImportError, import_dictionary

    try:
        d = load_dictionary()
        n = import_dictionary(d, args.file)
    except DictionaryError as e:
        raise CliError(t("cli.error.file", file=str(e.path), detail=e.detail), file=str(e.path)) from None
    except DictionaryImportError as e:
        msgs = e.messages()
        raise CliError(msgs[0], file=e.file, details=msgs[1:]) from None
    print(t("io.dict.imported", count=n))
    return 0
