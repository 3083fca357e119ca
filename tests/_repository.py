"""The repository's tracked text files, for the tests that scan the whole repository."""

import subprocess

import pytest

from ecologis.paths import REPO_ROOT


def tracked_text_files():
    """(name, text) of every file git tracks, binary files (fonts, images) left out;
    the test is skipped outside a git checkout."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    for name in filter(None, out.decode("utf-8").split("\0")):
        path = REPO_ROOT / name
        try:
            data = path.read_bytes()
        except OSError:  # listed but not present (e.g. deleted in the work tree)
            continue
        if b"\0" in data[:8192]:
            continue  # binary (fonts, images)
        yield name, data.decode("utf-8", errors="replace")
