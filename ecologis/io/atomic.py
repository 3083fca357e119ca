"""Atomic file writes: temporary file in the same folder, fsync, ``os.replace``.

A failure at any point leaves the previous file untouched.  With ``backup=True`` the
previous file is first copied, itself atomically, to ``<name>.bak``.

File mode: a new file gets the normal mode for the user's umask (0666 & ~umask, typically
0644), an overwritten file keeps its own mode, and ``private=True`` (keys, certificates)
gives 0600.  ``mkstemp`` alone would leave every output at 0600.

The temporary file is named ``.<name>.<pid>.<random>.tmp``.  A process killed in the
middle of a save (SIGKILL, power cut) leaves it behind; the next save of the same target
removes such leftovers: those whose owner process is gone, and any older than
:data:`STALE_AFTER_S` (also those of the older ``.<name>.<random>.tmp`` naming).  Nothing
else is touched: other targets' temp files (``<name>.bak`` included) and files whose
names do not follow this pattern stay.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

STALE_AFTER_S = 300.0       # a temp file this old belongs to no save still in progress
_RANDOM = r"[a-z0-9_]{8}"   # tempfile.mkstemp's random part


def current_umask() -> int:
    """The process umask, read without changing it where the platform allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)  # no other way to read it: set and restore at once
    os.umask(old)
    return old


def target_mode(path: Path, private: bool = False) -> int:
    """The permission bits ``path`` should have after an atomic write."""
    if private:
        return 0o600
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~current_umask()


class BackupReadError(OSError):
    """The previous file could not be read for its ``.bak`` copy (nothing was written)."""


def _pid_gone(pid: int) -> bool:
    """True only when no process ``pid`` exists (POSIX); False when unsure."""
    if os.name != "posix":
        return False            # no safe "does it exist" probe here: age alone decides
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OSError, OverflowError):
        return False
    return False


def clean_stale_temp_files(path: str | os.PathLike, now: float | None = None) -> list[str]:
    """Remove leftover temp files of earlier saves of ``path`` (see the module doc);
    returns the names removed.  Errors are ignored: cleaning never stops a save."""
    path = Path(path)
    pattern = re.compile(r"\.%s\.(?:(\d+)\.)?%s\.tmp" % (re.escape(path.name), _RANDOM))
    now = time.time() if now is None else now
    removed = []
    try:
        names = os.listdir(path.parent)
    except OSError:
        return removed
    for name in names:
        m = pattern.fullmatch(name)
        if not m:
            continue
        p = path.parent / name
        try:
            old = now - p.stat().st_mtime > STALE_AFTER_S
            if old or (m.group(1) is not None and _pid_gone(int(m.group(1)))):
                p.unlink()
                removed.append(name)
        except OSError:
            continue
    return removed


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, backup: bool = False,
                       private: bool = False) -> None:
    """Write ``data`` to ``path`` atomically; with ``backup`` keep the previous file as
    ``path + '.bak'`` (written atomically before ``path`` is replaced).  The mode follows
    :func:`target_mode`.
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
    mode = target_mode(path, private)
    clean_stale_temp_files(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=str(path.parent))
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
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


def atomic_write_text(path: str | os.PathLike, text: str, *, encoding: str = "utf-8", backup: bool = False,
                      private: bool = False) -> None:
    atomic_write_bytes(path, text.encode(encoding), backup=backup, private=private)
