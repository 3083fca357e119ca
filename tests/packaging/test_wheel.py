"""The built wheel carries its data: installed into a fresh virtual environment and run
from an unrelated folder, ``ecologis-cli assess --demo --json`` gives the thesis result.

Expected КНП of the bundled demo (the ROSHEN example): 1386.1866552, the thesis
§4.2–4.3 (the worked example's table total, printed there as 1386.187).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from ecologis.paths import REPO_ROOT

THESIS_KNP = 1386.1866552  # the thesis (VNTU, 2025), §4.2–4.3

_SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                               ".hypothesis", "tests", "benchmarks", "tools")


def _run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=300, **kw)
    assert r.returncode == 0, f"{cmd}: rc={r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


@pytest.mark.slow
def test_wheel_installs_with_its_data_and_assesses_the_demo(tmp_path):
    # Build from a copy of the sources, so the checkout gets no build/ folder.
    src = tmp_path / "src"
    shutil.copytree(REPO_ROOT, src, ignore=_SKIP)
    dist = tmp_path / "dist"
    # No build isolation: the test environment has setuptools and wheel (the [test] extras),
    # and the test must not download anything.
    _run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
          "--disable-pip-version-check", "-q", "-w", str(dist)], cwd=tmp_path)
    wheels = list(dist.glob("ecologis-*.whl"))
    assert len(wheels) == 1

    # A fresh environment that sees the dependencies already installed, but not the
    # checkout (the package comes from the wheel alone).
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / ("python.exe" if os.name == "nt" else "python")
    site = _run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    # The outer environment's site-packages (the dependencies) through a .pth file; its
    # .pth files (an editable install of the checkout) are not processed from there.
    outer = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "zz_outer.pth").write_text("\n".join(outer) + "\n", encoding="utf-8")
    # The outer pip installs into the new environment (console scripts get its interpreter).
    _run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index",
          "--disable-pip-version-check", "-q", str(wheels[0])])

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ECOLOGIS_HOME")}
    env["ECOLOGIS_USER_DIR"] = str(tmp_path / "user")
    # The installed package, not the checkout.
    where = _run([str(py), "-c", "import ecologis, ecologis.paths as p; print(ecologis.__file__); "
                  "print(p.RESOURCES_DIR); print(p.POLLUTANTS_FILE)"], cwd=work, env=env).stdout.split("\n")
    pkg = Path(site) / "ecologis"
    assert [Path(x) for x in where[:3]] == [pkg / "__init__.py", pkg / "resources", pkg / "dictionary_data" / "pollutants.json"]

    r = _run([str(bindir / "ecologis-cli"), "assess", "--demo", "--json"], cwd=work, env=env)
    doc = json.loads(r.stdout)
    assert doc["knp"] == pytest.approx(THESIS_KNP, rel=1e-9)
    # Category III with a 300 m sanitary zone: the thesis, §4.3.
    assert (doc["category"], doc["szz_m"]) == ("III", 300)
