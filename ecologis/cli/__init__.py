"""``ecologis-cli``: the command line of EcologIS.

Sub-commands are discovered automatically: every module ``ecologis/cli/cmd_<name>.py``
exposes ``register(subparsers)`` which adds its parser and sets ``func=run`` where
``run(args) -> int`` returns the exit code.

Errors have one path: a command raises :class:`ecologis.cli.errors.CliError` and
:func:`main` prints it (stderr, or JSON on stdout with ``--json``) and returns its exit
code (2).  Any other exception escaping a command becomes the translated "could not
read FILE" message with exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import importlib
import pkgutil
import sys
import warnings

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
    from ecologis.cli.errors import CliError, debug, report, unexpected

    # commands whose --json output carries their errors too (assess, site) set json_errors
    as_json = bool(getattr(args, "json", False) and getattr(args, "json_errors", False))
    try:
        with warnings.catch_warnings():
            # numpy's RuntimeWarnings (overflow in a division of absurd inputs) are not for
            # the user's terminal: such values show as "—" and in the validation journal
            warnings.simplefilter("ignore", RuntimeWarning)
            return int(args.func(args) or 0)
    except CliError as e:
        return report(e, as_json)
    except BrokenPipeError:
        # output piped into a command that stopped reading (e.g. `| head`)
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        raise
    except Exception as e:  # noqa: BLE001 — a reader's bug must not show the user a traceback
        if debug():
            raise
        return report(unexpected(args, e), as_json)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
