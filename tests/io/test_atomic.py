"""io.atomic: the backup copy is written atomically too; an unreadable previous file stops the write."""

import os
from pathlib import Path

import pytest

from ecologis.io.atomic import BackupReadError, atomic_write_bytes


def test_backup_is_written_atomically_before_the_file_is_replaced(tmp_path, monkeypatch):
    f = tmp_path / "a.json"
    f.write_bytes(b"old")
    done = []
    real_replace = os.replace

    def recording_replace(src, dst):
        done.append(Path(dst).name)
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", recording_replace)
    atomic_write_bytes(f, b"new", backup=True)
    assert done == ["a.json.bak", "a.json"]          # both through temp file + os.replace, backup first
    assert f.read_bytes() == b"new" and (tmp_path / "a.json.bak").read_bytes() == b"old"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.json", "a.json.bak"]


def test_no_backup_of_a_new_file(tmp_path):
    f = tmp_path / "b.json"
    atomic_write_bytes(f, b"x", backup=True)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["b.json"]


def test_unreadable_previous_file_changes_nothing(tmp_path, monkeypatch):
    f = tmp_path / "c.json"
    f.write_bytes(b"old")
    real_read = Path.read_bytes

    def failing_read(self):
        if self == f:
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", failing_read)
    with pytest.raises(BackupReadError):
        atomic_write_bytes(f, b"new", backup=True)
    monkeypatch.setattr(Path, "read_bytes", real_read)
    assert f.read_bytes() == b"old"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["c.json"]
