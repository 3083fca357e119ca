"""Helpers shared by the sender tests (imported via the folder put on sys.path by conftest)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

PASSWORD = "test-pass-Ω"


@dataclass
class Pki:
    dir: Path
    ca: Path
    server_cert: Path
    server_key: Path
    client_p12: Path
    wrong_ca: Path
    expired_p12: Path
    foreign_p12: Path
    pem_cert: Path
    pem_key: Path
    password: str = PASSWORD
    ca_key: object = None     # key and certificate of the second CA (in ca_all.pem)
    ca_cert: object = None


def make_cfg(pki, tmp_path, url, **kw):
    from ecologis.sender.config import SenderConfig

    base = dict(endpoint=url, ca_file=str(pki.ca), client_cert=str(pki.client_p12),
                outbox=str(tmp_path / "outbox.sqlite3"), inbox=str(tmp_path / "inbox"),
                connect_timeout_s=5, read_timeout_s=10, backoff_base_s=1.0, backoff_cap_s=60.0)
    base.update(kw)
    return SenderConfig(**base)


def transport_for(cfg, password=PASSWORD):
    from ecologis.sender.tls import make_transport

    return make_transport(cfg, password=password)


FIELDS = ["equipment_id", "substance", "value", "unit", "period_start", "period_end", "averaging", "status"]


def measurement_rows(n: int, equipment: str = "GA-1", day: int = 1):
    """n half-hour SO2 values starting 2026-03-{day} 00:00 local time (+02:00)."""
    rows = []
    start = dt.datetime(2026, 3, day, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    for i in range(n):
        s = start + dt.timedelta(minutes=30 * i)
        rows.append({"equipment_id": equipment, "substance": "7446-09-5", "value": f"{10 + i * 0.25:g}",
                     "unit": "mg/m3", "period_start": s.isoformat(), "period_end": (s + dt.timedelta(minutes=30)).isoformat(),
                     "averaging": "PT30M", "status": "valid"})
    return rows


def write_csv(path: Path, rows, fields=FIELDS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return path
