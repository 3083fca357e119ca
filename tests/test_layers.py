"""The layering of docs/CONVENTIONS.md ("Architecture"), enforced with import-linter: the
contracts live in pyproject.toml ([tool.importlinter]); this test fails when one is broken
(a module importing a higher layer, Qt in the core, the core using ecologis.paths, the GUI
importing command-line code)."""

import contextlib
import io
import os

from importlinter.cli import lint_imports

from ecologis.paths import REPO_ROOT


def test_import_contracts_are_kept():
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(REPO_ROOT)
    try:
        with contextlib.redirect_stdout(out):
            code = lint_imports(config_filename=str(REPO_ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    finally:
        os.chdir(cwd)
    assert code == 0, out.getvalue()
