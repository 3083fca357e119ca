"""``ecologis-cli batch DIR --out SUMMARY.xlsx``: assess every profile and table in a folder.

A progress bar on stderr; errors listed per file; exit code 1 if any file failed
(unreadable, invalid, or rows with validation errors), 0 otherwise, 2 on bad usage."""

from __future__ import annotations

import sys
from pathlib import Path

from ecologis.cli.common import load_reference_data
from ecologis.cli.errors import CliError
from ecologis.i18n import t, translator


def register(sub) -> None:
    p = sub.add_parser("batch", help=t("io.cli.batch.help"))
    p.add_argument("folder", metavar="DIR", help=t("io.cli.batch.dir"))
    p.add_argument("--out", required=True, metavar="SUMMARY.xlsx", help=t("io.cli.batch.out"))
    p.add_argument("--lang", choices=("uk", "en"), default=None, help=t("cli.help.lang"))
    p.add_argument("--quiet", action="store_true", help=t("io.cli.batch.quiet"))
    p.set_defaults(func=run)


def _bar(done: int, total: int, name: str, width: int = 30) -> str:
    filled = int(width * done / total) if total else width
    return f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {name[:40]:<40}"


def run(args) -> int:
    from ecologis.io.atomic import atomic_write_bytes
    from ecologis.io.batch import assess_file, batch_files, summary_xlsx_bytes

    lang = args.lang or translator.lang
    folder = Path(args.folder)
    if not folder.is_dir():
        raise CliError(t("io.cli.batch.not_dir", path=str(folder)), file=str(folder))
    dictionary, presets = load_reference_data()
    files = batch_files(folder)
    out = Path(args.out).resolve()
    files = [f for f in files if f.resolve() != out]
    rows = []
    for k, f in enumerate(files, start=1):
        if not args.quiet:
            sys.stderr.write(_bar(k - 1, len(files), f.name))
            sys.stderr.flush()
        rows.append(assess_file(f, dictionary, presets, lang))
    if not args.quiet:
        sys.stderr.write(_bar(len(files), len(files), "") + "\n")
    failed = [r for r in rows if r.failed]
    for r in failed:
        print(t("io.cli.batch.file_failed", file=r.file, count=len(r.errors)), file=sys.stderr)
        for m in r.errors[:20]:
            print("  " + m, file=sys.stderr)
        if len(r.errors) > 20:
            print("  " + t("io.cli.more", count=len(r.errors) - 20), file=sys.stderr)
    try:
        atomic_write_bytes(out, summary_xlsx_bytes(rows, lang))
    except OSError as e:
        raise CliError(t("io.cli.write_failed", path=str(out), detail=e.strerror or str(e)), file=str(out),
                       code="E_WRITE") from None
    print(t("io.cli.batch.done", total=len(rows), ok=len(rows) - len(failed), failed=len(failed), path=str(out)))
    return 1 if failed else 0
