"""Only the sub-command being run is imported and built; the help still lists every
sub-command with its translated one-line help, exactly as the fully built parser does."""

import argparse
import subprocess
import sys

import pytest

from ecologis.cli import COMMANDS, build_parser, command_of
from ecologis.i18n import t, translator


def _choices(parser) -> dict[str, str]:
    """Sub-command → its one-line help, in the order the help lists them."""
    act = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {c.dest: c.help for c in act._choices_actions}


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_the_table_names_every_module_command_with_its_help(lang):
    before = translator.lang
    translator.set_language(lang)
    try:
        full = _choices(build_parser())            # every module imported and registered
        assert full == {name: t(key) for name, (_, key) in COMMANDS.items()}
        lazy = build_parser(["assess", "--demo"])
        assert _choices(lazy) == full
        assert lazy.format_help() == build_parser().format_help()
        assert build_parser([]).format_help() == build_parser().format_help()
    finally:
        translator.set_language(before)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_gets_its_own_full_parser(name):
    full = build_parser()
    lazy = build_parser(["--lang", "en", name])
    sub = lambda p: next(a for a in p._actions if isinstance(a, argparse._SubParsersAction)).choices[name]  # noqa: E731
    assert sub(lazy).format_help() == sub(full).format_help()


def test_command_of_skips_the_global_options():
    assert command_of(["--lang", "en", "assess", "x.json"]) == "assess"
    assert command_of(["--lang=en", "site", "--json"]) == "site"
    assert command_of(["-h"]) is None and command_of([]) is None


def test_running_assess_imports_no_other_command():
    code = ("import sys\nfrom ecologis.cli import main\nrc = main(['assess', '--demo', '--json'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('ecologis.cli.cmd_')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "['ecologis.cli.cmd_assess']"
