"""Shared fixtures of the sender tests: one test PKI per session (2048-bit RSA keys),
reference receivers on 127.0.0.1 with an ephemeral port that always stop."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for sender_testlib (import mode importlib)

from ecologis.sender import pki as P  # noqa: E402
from sender_testlib import PASSWORD, Pki, make_cfg  # noqa: E402


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> Pki:
    d = tmp_path_factory.mktemp("pki")
    base = P.make_test_pki(d, PASSWORD)
    # a second CA whose key we keep, for more client certificates
    ca_key, ca = P.make_ca()
    (d / "ca_all.pem").write_bytes(base.ca.read_bytes() + P.pem_cert(ca))
    now = dt.datetime.now(dt.timezone.utc)
    ek, ec = P.issue(ca_key, ca, "expired client", server=False,
                     not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=1))
    (d / "expired.p12").write_bytes(P.p12(ek, ec, ca, PASSWORD))
    wk, wca = P.make_ca("Some other CA")
    (d / "wrong_ca.pem").write_bytes(P.pem_cert(wca))
    fk, fc = P.issue(wk, wca, "foreign client", server=False)
    (d / "foreign.p12").write_bytes(P.p12(fk, fc, wca, PASSWORD))
    pk, pc = P.issue(ca_key, ca, "pem client", server=False)
    (d / "pem_client.pem").write_bytes(P.pem_cert(pc))
    (d / "pem_client.key").write_bytes(P.pem_key(pk, PASSWORD))
    return Pki(d, d / "ca_all.pem", base.server_cert, base.server_key, base.client_p12, d / "wrong_ca.pem",
               d / "expired.p12", d / "foreign.p12", d / "pem_client.pem", d / "pem_client.key",
               ca_key=ca_key, ca_cert=ca)


@pytest.fixture
def receiver(pki, tmp_path):
    from ecologis.sender.receiver import Receiver

    r = Receiver(tmp_path / "receiver.sqlite3", pki.ca, pki.server_cert, pki.server_key)
    r.start()
    try:
        yield r
    finally:
        r.stop()


@pytest.fixture
def cfg_for(pki, tmp_path):
    return lambda url, **kw: make_cfg(pki, tmp_path, url, **kw)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: a long test (kill tests); still runs by default")
