"""Files the tool writes get the user's normal mode; an overwritten file keeps its own."""

import os
import stat
import sys

import pytest

from ecologis.cli import main as cli
from ecologis.io.atomic import atomic_write_bytes
from ecologis.paths import DEMO_PROFILE

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


@pytest.fixture(params=[0o022, 0o077])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def _mode(p):
    return stat.S_IMODE(os.stat(p).st_mode)


def _outputs(tmp_path):
    """(command, output file) for every kind of file the command line writes."""
    prof = tmp_path / "plant.json"
    prof.write_bytes(DEMO_PROFILE.read_bytes())
    return [
        (["export", str(prof), "--format", "csv", "--out"], tmp_path / "t.csv"),
        (["export", str(prof), "--format", "xlsx", "--out"], tmp_path / "t.xlsx"),
        (["export", str(prof), "--format", "geojson", "--out"], tmp_path / "t.geojson"),
        (["report", str(prof), "--out"], tmp_path / "r.pdf"),
        (["dict-export"], tmp_path / "dict.json"),
    ]


def test_new_files_follow_the_umask(tmp_path, umask):
    for argv, out in _outputs(tmp_path):
        assert cli(argv + [str(out)]) == 0, argv
        assert _mode(out) == 0o666 & ~umask, argv      # 0644 under 022, 0600 under 077


def test_overwritten_files_keep_their_mode(tmp_path, umask):
    for argv, out in _outputs(tmp_path):
        out.write_bytes(b"old")
        os.chmod(out, 0o640)
        assert cli(argv + [str(out)]) == 0, argv
        assert out.read_bytes() != b"old"
        assert _mode(out) == 0o640, argv


def test_import_keeps_the_profile_mode(tmp_path, umask):
    prof = tmp_path / "plant.json"
    prof.write_bytes(DEMO_PROFILE.read_bytes())
    os.chmod(prof, 0o644)
    table = tmp_path / "t.csv"
    table.write_text("substance,mass,unit\nАзоту діоксид,1.5,t/yr\n", "utf-8")
    assert cli(["import", str(table), "--profile", str(prof), "--append"]) == 0
    assert _mode(prof) == 0o644


def test_private_files_are_0600(tmp_path, umask):
    p = tmp_path / "client.key"
    atomic_write_bytes(p, b"secret", private=True)
    assert _mode(p) == 0o600
    os.chmod(p, 0o644)
    atomic_write_bytes(p, b"secret", private=True)  # a key is never left readable by others
    assert _mode(p) == 0o600
