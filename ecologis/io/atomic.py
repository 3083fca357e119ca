"""Atomic file writes: temporary file in the same folder, fsync, ``os.replace``.

A failure at any point leaves the previous file untouched.  With ``backup=True`` the
previous file is first copied, itself atomically, to ``<name>.bak``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class BackupReadError(OSError):
    """The previous file could not be read for its ``.bak`` copy (nothing was written)."""


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, backup: bool = False) -> None:
    """Write ``data`` to ``path`` atomically; with ``backup`` keep the previous file as
    ``path + '.bak'`` (written atomically before ``path`` is replaced).
    :class:`BackupReadError` if the previous file cannot be read; nothing is changed then."""
    path = Path(path)
    # read first: an unreadable previous file stops the save before anything is written
    old = None
    if backup and path.exists():
        try:
            old = path.read_bytes()
        except OSError as e:
            raise BackupReadError(e.errno, e.strerror, str(path)) from e
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if old is not None:
            atomic_write_bytes(path.with_name(path.name + ".bak"), old)
        os.replace(tmp, path)
        try:
            dfd = os.open(str(path.parent), os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass  # directories cannot be fsynced on every platform (Windows)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8", backup: bool = False) -> None:
    atomic_write_bytes(path, text.encode(encoding), backup=backup)
