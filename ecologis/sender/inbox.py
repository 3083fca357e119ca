"""Inbox watcher: the АСВ drops CSV/JSON measurement files into a folder; each file's
records are enqueued exactly once, then the file is moved to ``processed/``, or to
``rejected/`` next to a ``<name>.reason.txt`` that names the row and field.  A file that
makes the reader fail in an unexpected way is moved to ``quarantine/`` with its reason:
one file never stops the inbox.  Rejected and quarantined files are also recorded in
the outbox (``status`` and the GUI report them).

"Exactly once": the file's SHA-256 is stored in the outbox in the same transaction as
its records, so a file dropped twice (or re-scanned after a crash between the commit
and the move) is recognised and not enqueued again; record ids are deterministic as
well, so the same values arriving in a different file are not queued twice either.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from ecologis.i18n import t
from ecologis.io.atomic import atomic_write_text
from ecologis.sender import model
from ecologis.sender.outbox import ConflictingRecord, DuplicateFile, Outbox

ACCEPTED_SUFFIXES = (".csv", ".json")
IGNORED_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".reason.txt")


@dataclass
class FileResult:
    name: str
    outcome: str          # enqueued | duplicate | rejected | quarantined
    records: int = 0
    reason: str = ""
    moved_to: Path | None = None


def _unique(target: Path) -> Path:
    if not target.exists():
        return target
    i = 1
    while True:
        cand = target.with_name(f"{target.stem}.{i}{target.suffix}")
        if not cand.exists():
            return cand
        i += 1


def _move(src: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dst = _unique(folder / src.name)
    os.replace(src, dst)
    return dst


def enqueue_file(path: Path, outbox: Outbox, now: float) -> FileResult:
    """Parse and enqueue one file (does not move it). Raises model.RecordError if it does not fit."""
    parsed = model.read_measurement_file(path)
    try:
        ins, _present = outbox.enqueue_many([("measurement", r, k) for r, k in zip(parsed.records, parsed.keys)], now,
                                            source=path.name, file_sha=parsed.sha256)
    except DuplicateFile as d:
        return FileResult(path.name, "duplicate", 0, t("sender.inbox.duplicate", file=path.name, first=d.first_name))
    except ConflictingRecord as c:
        raise model.RecordError("sender.file.conflict", file=path.name, row=c.index + 1)
    return FileResult(path.name, "enqueued", ins)


def scan_inbox(inbox: str | Path, outbox: Outbox, now: float | None = None,
               settle_s: float = 1.0) -> list[FileResult]:
    """Process every complete file in ``inbox`` once. Files modified less than
    ``settle_s`` ago are left for the next scan (the АСВ may still be writing them)."""
    inbox = Path(inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    processed, rejected = inbox / "processed", inbox / "rejected"
    quarantine = inbox / "quarantine"
    results = []
    wall = time.time()
    files = []
    for f in inbox.iterdir():
        if f.name.startswith(".") or f.name.lower().endswith(IGNORED_SUFFIXES):
            continue
        try:
            if not f.is_file():
                continue
            files.append((f.stat().st_mtime, f.name, f))
        except OSError:         # vanished or unreadable since the listing: next scan
            continue
    for mtime, _name, f in sorted(files):
        if settle_s and wall - mtime < settle_s:
            continue
        ts = time.time() if now is None else now
        if f.suffix.lower() not in ACCEPTED_SUFFIXES:
            res = FileResult(f.name, "rejected", reason=t("sender.file.bad_type", file=f.name))
        else:
            try:
                res = enqueue_file(f, outbox, ts)
            except model.RecordError as e:
                res = FileResult(f.name, "rejected", reason=e.message())
            except sqlite3.Error:
                raise               # the outbox (disk full, damaged), not the file: the file stays
            except OSError as e:
                res = FileResult(f.name, "rejected", reason=t("sender.file.unreadable", file=f.name, detail=str(e)))
            except Exception as e:  # noqa: BLE001 - any failure on one file sets that file aside
                res = FileResult(f.name, "quarantined",
                                 reason=t("sender.file.quarantined", file=f.name, detail=f"{type(e).__name__}: {e}"))
        folder = {"rejected": rejected, "quarantined": quarantine}.get(res.outcome, processed)
        try:
            dst = _move(f, folder)
        except OSError:
            continue            # cannot move it now (vanished, permissions): tried again next scan
        if res.outcome != "enqueued":
            atomic_write_text(dst.with_name(dst.name + ".reason.txt"), res.reason + "\n")
        if res.outcome in ("rejected", "quarantined"):
            outbox.note_file_problem(f.name, res.outcome, res.reason, ts)
        res.moved_to = dst
        results.append(res)
    return results
