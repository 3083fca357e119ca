"""``ecologis-cli``: the command line of EcologIS.

Sub-commands are discovered automatically: every module ``ecologis/cli/cmd_<name>.py``
exposes ``register(subparsers)`` which adds its parser and sets ``func=run`` where
``run(args) -> int`` returns the exit code.
"""

from __future__ import annotations

import argparse
import os
import importlib
import pkgutil
import sys

from ecologis import __version__
from ecologis.i18n import LANGUAGES, apply_language_option, localize_argparse, t


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecologis-cli", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"EcologIS {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help=t("cli.help.lang"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import ecologis.cli as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("cmd_"):
            mod = importlib.import_module(f"ecologis.cli.{info.name}")
            mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    apply_language_option(argv)  # before the parsers' help texts are built
    localize_argparse()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError):
            pass
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # output piped into a command that stopped reading (e.g. `| head`)
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
