"""What ``ecologis-cli assess --demo --json`` loads: no pandas (the background package
imports it on first use only), no matplotlib, no jsonschema, no numba; the compiled dispersion
loop, when used, is cached in the user's cache folder, never beside the package."""

import json
import os
import subprocess
import sys

from ecologis import paths


def _run_cli(code: str, tmp_path) -> dict:
    env = dict(os.environ, ECOLOGIS_USER_DIR=str(tmp_path))
    env.pop("NUMBA_CACHE_DIR", None)
    out = subprocess.run([sys.executable, "-c", "import json\n" + code], capture_output=True, text=True,
                         check=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_assess_demo_imports_no_pandas_matplotlib_jsonschema_or_numba(tmp_path):
    # The demo's two stacks are a small plant: its dispersion runs in numpy (no compiled loop).
    code = ("import sys\nfrom ecologis.cli import main\nrc = main(['assess', '--demo', '--json'])\n"
            "print(json.dumps({'rc': rc, 'heavy': sorted(m for m in ('pandas', 'matplotlib', 'jsonschema', 'numba')"
            " if m in sys.modules)}))\n")
    assert _run_cli(code, tmp_path) == {"rc": 0, "heavy": []}


def test_the_command_caches_the_compiled_loop_in_the_user_folder(tmp_path):
    # The compiled loop forced on (as for a large plant): the entry point sends its cache
    # to the user's cache folder.
    code = ("import ecologis.core.dispersion.field as f, ecologis.core.dispersion.run as r\n"
            "f.USE_KERNEL = True\nr.BATCH_MAX_TERMS = 0\n"
            "from ecologis.cli import main\nrc = main(['assess', '--demo', '--json'])\n"
            "print(json.dumps({'rc': rc}))\n")
    assert _run_cli(code, tmp_path) == {"rc": 0}
    assert list((tmp_path / "cache" / "numba").rglob("*.nbi"))


def test_background_functions_still_reach_pandas():
    """The lazy module reads pandas' attributes on first use (a series statistic works)."""
    from ecologis.core.background._lazy import pd

    import pandas

    assert pd.Series is pandas.Series and pd.NA is pandas.NA


def test_compile_cache_goes_to_the_user_folder_unless_set(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOLOGIS_USER_DIR", str(tmp_path))
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    paths.use_user_compile_cache()
    assert os.environ["NUMBA_CACHE_DIR"] == str(tmp_path / "cache" / "numba")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "mine"))
    paths.use_user_compile_cache()
    assert os.environ["NUMBA_CACHE_DIR"] == str(tmp_path / "mine")


def test_the_compiled_loop_is_cached_only_where_the_entry_points_say(tmp_path):
    """Without ``NUMBA_CACHE_DIR`` (the core used as a library, the tests) nothing is
    cached, so nothing is written beside the package; with it, machine code is cached."""
    code = "import ecologis.core.dispersion._kernel as k; print(k._CACHE)"
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip() == "False"
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "numba")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip() == "True"
