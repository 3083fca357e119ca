"""``ecologis-cli``: the command line of EcologIS.

Every module ``ecologis/cli/cmd_<name>.py`` exposes ``register(subparsers)`` which adds
its parser(s) and sets ``func=run`` where ``run(args) -> int`` returns the exit code.
:data:`COMMANDS` names each sub-command's module and one-line help: only the module of
the sub-command being run is imported and its parser built; the others appear in the
help as their one-line help (tests/cli/test_lazy_commands.py keeps the table and the
modules in step).

Errors have one path: a command raises :class:`ecologis.cli.errors.CliError` and
:func:`main` prints it (stderr, or JSON on stdout with ``--json``) and returns its exit
code (2).  Any other exception escaping a command becomes the translated "could not
read FILE" message with exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import importlib
import sys
import warnings

from ecologis import __version__
from ecologis.i18n import LANGUAGES, apply_language_option, localize_argparse, t


#: sub-command → (its module ``ecologis.cli.cmd_<module>``, the key of its one-line help),
#: in the order the help lists them (a module's commands together, as it registers them).
COMMANDS: dict[str, tuple[str, str]] = {
    "assess": ("assess", "cli.assess.help"),
    "background": ("background", "bg.cli.help"),
    "batch": ("batch", "io.cli.batch.help"),
    "dictionary": ("dictionary", "cli.dictionary.help"),
    "dispersion": ("dispersion", "disp.cli.help"),
    "export": ("export", "io.cli.export.help"),
    "dict-export": ("export", "io.cli.dict_export.help"),
    "dict-import": ("export", "io.cli.dict_import.help"),
    "identify": ("identify", "opn.cli.help"),
    "import": ("import", "io.cli.import.help"),
    "report": ("report", "io.cli.report.help"),
    "site": ("site", "geo.cli.help"),
    "szz-classes": ("szz", "szz.cli.classes.help"),
    "szz-zones": ("szz", "szz.cli.zones.help"),
}


def command_of(argv: list[str]) -> str | None:
    """The sub-command ``argv`` runs (its first word that is not a global option)."""
    it = iter(argv)
    for a in it:
        if a == "--lang":
            next(it, None)
        elif a == "--" or not a.startswith("-"):
            return next(it, None) if a == "--" else a
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv`` only the parser of the sub-command it runs is built (the
    others are listed with their one-line help), without it every sub-command's."""
    parser = argparse.ArgumentParser(prog="ecologis-cli", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"EcologIS {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help=t("cli.help.lang"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = None if argv is None else COMMANDS.get(command_of(argv), (None,))[0]
    registered = set()
    for name, (module, help_key) in COMMANDS.items():
        if argv is None or module == wanted:
            if module not in registered:
                registered.add(module)
                importlib.import_module(f"ecologis.cli.cmd_{module}").register(sub)
        else:
            sub.add_parser(name, help=t(help_key))
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from ecologis.paths import use_user_compile_cache

    use_user_compile_cache()
    apply_language_option(argv)  # before the parsers' help texts are built
    localize_argparse()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError):
            pass
    parser = build_parser(argv)
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
