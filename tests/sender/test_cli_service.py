"""The command line: make-test-pki, the receiver process, the headless `run` service,
fault injection switched at run time, server-certificate problems, timeouts."""

import datetime as dt
import ipaddress
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12

from ecologis.paths import REPO_ROOT
from ecologis.sender import pki as P
from ecologis.sender.cli import main
from ecologis.sender.config import save_config
from ecologis.sender.receiver import Faults, Receiver
from ecologis.sender.tls import TransportError

from sender_testlib import PASSWORD, measurement_rows, transport_for, write_csv


def _env():
    return dict(os.environ, PW=PASSWORD,
                PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def test_make_test_pki_command(tmp_path, capsys):
    assert main(["--lang", "en", "make-test-pki", str(tmp_path / "p"), "--password", "s3cret"]) == 0
    assert "Test PKI created" in capsys.readouterr().out
    d = tmp_path / "p"
    key, cert, _extra = pkcs12.load_key_and_certificates((d / "client.p12").read_bytes(), b"s3cret")
    assert key.key_size == 2048
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates((d / "client.p12").read_bytes(), b"wrong")
    server = x509.load_pem_x509_certificates((d / "server.pem").read_bytes())[0]
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    assert ipaddress.ip_address("127.0.0.1") in san.get_values_for_type(x509.IPAddress)
    ca = x509.load_pem_x509_certificate((d / "ca.pem").read_bytes())
    assert server.issuer == ca.subject and cert.issuer == ca.subject


def test_faults_control_file_switches_at_run_time(tmp_path):
    f = tmp_path / "faults.json"
    faults = Faults(f)
    assert faults.take() is None
    assert main(["receiver-faults", str(f), "429", "--count", "2", "--retry-after", "3"]) == 0
    assert faults.take() == ("429", 3.0, 1.0)
    assert faults.take() == ("429", 3.0, 1.0)
    assert faults.take() is None                       # count used up
    time.sleep(0.01)
    assert main(["receiver-faults", str(f), "off"]) == 0
    assert faults.take() is None


def test_refuse_fault_with_count_stops_after_n_connections(receiver, cfg_for, tmp_path):
    # `receiver-faults FILE refuse --count 2`: the first 2 connections are dropped, the third is served
    f = tmp_path / "faults.json"
    assert main(["receiver-faults", str(f), "refuse", "--count", "2"]) == 0
    receiver.server.faults = receiver.faults = Faults(f)
    cfg = cfg_for(receiver.url)
    tr = transport_for(cfg)
    try:
        for _ in range(2):
            with pytest.raises(TransportError) as ei:
                tr.request("GET", cfg.path_for("health"))
            assert ei.value.kind == "unreachable"
        assert tr.request("GET", cfg.path_for("health")).status == 200
        assert tr.request("GET", cfg.path_for("health")).status == 200
    finally:
        tr.close()
    assert receiver.faults.mode is None or receiver.faults.count == 0
    assert receiver.server.requests == 2                # only the two served requests reached the handler


def test_refuse_fault_is_not_taken_by_requests():
    # a request on an open connection neither applies nor uses up a 'refuse' fault
    faults = Faults()
    faults.set("refuse", count=1)
    assert faults.take() is None
    assert faults.take(refuse=True) == ("refuse", 1.0, 0.0)
    assert faults.take(refuse=True) is None            # count used up
    assert faults.mode is None


def test_receiver_process_and_run_service(pki, tmp_path, cfg_for):
    """`receiver` and `run` as real processes: a file dropped in the inbox is delivered,
    SIGTERM stops both cleanly."""
    db = tmp_path / "recv.sqlite3"
    rproc = subprocess.Popen([sys.executable, "-m", "ecologis.sender.cli", "--lang", "en", "receiver",
                              "--port", "0", "--db", str(db), "--ca", str(pki.ca), "--cert", str(pki.server_cert),
                              "--key", str(pki.server_key)], stdout=subprocess.PIPE, text=True, env=_env())
    sproc = None
    try:
        line = rproc.stdout.readline()
        port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
        cfg = cfg_for(f"https://127.0.0.1:{port}", poll_interval_s=0.2)
        save_config(cfg, tmp_path / "sender.json")
        sproc = subprocess.Popen([sys.executable, "-m", "ecologis.sender.cli", "--lang", "en", "run",
                                  "--config", str(tmp_path / "sender.json"), "--client-cert-password-env", "PW",
                                  "--settle", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=_env())
        inbox = cfg.inbox_path()
        inbox.mkdir(parents=True, exist_ok=True)
        write_csv(tmp_path / "m.csv.part", measurement_rows(25))
        os.replace(tmp_path / "m.csv.part", inbox / "m.csv")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if _count(db) == 25:
                break
            time.sleep(0.1)
        assert _count(db) == 25
        assert (inbox / "processed" / "m.csv").exists()
        sproc.send_signal(signal.SIGTERM)
        out, err = sproc.communicate(timeout=30)
        assert sproc.returncode == 0
        assert "25 records queued" in out
    finally:
        for p in (sproc, rproc):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        rproc.stdout.close()
    assert rproc.returncode == 0


def _count(db):
    import sqlite3
    if not db.exists():
        return 0
    c = sqlite3.connect(str(db))
    try:
        return c.execute("SELECT COUNT(*) FROM records").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        c.close()


@pytest.mark.parametrize("case,kind", [("expired", "server_cert_expired"),
                                       ("not_yet_valid", "server_cert_not_yet_valid")])
def test_server_certificate_validity(case, kind, pki, tmp_path, cfg_for):
    now = dt.datetime.now(dt.timezone.utc)
    nb, na = ((now - dt.timedelta(days=30), now - dt.timedelta(days=1)) if case == "expired"
              else (now + dt.timedelta(days=1), now + dt.timedelta(days=30)))
    key, cert = P.issue(pki.ca_key, pki.ca_cert, "localhost", server=True, not_before=nb, not_after=na)
    (tmp_path / "s.pem").write_bytes(P.pem_cert(cert))
    (tmp_path / "s.key").write_bytes(P.pem_key(key))
    r = Receiver(tmp_path / "r.sqlite3", pki.ca, tmp_path / "s.pem", tmp_path / "s.key").start()
    try:
        tr = transport_for(cfg_for(r.url))
        with pytest.raises(TransportError) as ei:
            tr.request("GET", "/api/v1/health")
        tr.close()
    finally:
        r.stop()
    assert ei.value.kind == kind


def test_read_timeout(receiver, cfg_for):
    receiver.faults.set("delay", delay_s=1.5, count=1)
    cfg = cfg_for(receiver.url, read_timeout_s=0.3)
    tr = transport_for(cfg)
    try:
        with pytest.raises(TransportError) as ei:
            tr.request("GET", "/api/v1/health")
    finally:
        tr.close()
    assert ei.value.kind == "timeout"


def test_register_command_and_refuse_fault(receiver, cfg_for, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PW", PASSWORD)
    cfg = cfg_for(receiver.url)
    common = ["--endpoint", cfg.endpoint, "--ca", cfg.ca_file, "--client-cert", cfg.client_cert,
              "--client-cert-password-env", "PW", "--outbox", cfg.outbox, "--inbox", cfg.inbox]
    asv = {"schema": "ecologis.asv/1", "asv_id": "ASV-1", "edrpou": "12345678", "operator_name": "ТОВ «Приклад»",
           "installation_name": "Котельня №1", "ied_permit_number": "ІДД-1", "registered_on": "2026-01-10",
           "status": "suspended", "suspended_on": "2026-02-01", "suspension_reason": "ремонт",
           "suspension_basis": "акт №3", "auth_certificate": {"serial": "5A3F"}}
    (tmp_path / "asv.json").write_text(json.dumps(asv, ensure_ascii=False), encoding="utf-8")
    bad = dict(asv, status="cancelled")
    (tmp_path / "bad.json").write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    assert main(["--lang", "en", "register", str(tmp_path / "asv.json")] + common) == 0
    assert main(["--lang", "en", "register", str(tmp_path / "bad.json")] + common) == 2
    assert "cancelled_on" in capsys.readouterr().err
    # the receiver refuses connections: run --once gives up, the record stays queued
    receiver.faults.set("refuse")
    assert main(["--lang", "en", "run", "--once", "--give-up-after", "0", "--settle", "0"] + common) == 3
    assert "unreachable" in capsys.readouterr().err
    assert receiver.store.count() == 0
    receiver.faults.clear()
    assert main(["--lang", "en", "retry-now"] + common) == 0
    assert main(["--lang", "en", "run", "--once", "--settle", "0"] + common) == 0
    stored = receiver.store.db.execute("SELECT kind, payload FROM records").fetchall()
    assert [k for k, _ in stored] == ["asv"] and json.loads(stored[0][1]) == asv


def test_second_run_service_is_refused(cfg_for, tmp_path, capsys):
    from ecologis.sender.cli import _single_instance_lock
    cfg = cfg_for("https://127.0.0.1:1")
    held = _single_instance_lock(cfg.outbox_path())
    try:
        assert held
        assert main(["--lang", "en", "run", "--once", "--outbox", cfg.outbox, "--endpoint", cfg.endpoint]) == 4
        assert "already working" in capsys.readouterr().err
    finally:
        held.close()


def test_keyring_password(monkeypatch, tmp_path):
    import types
    from ecologis.sender import config as C
    store = {}
    fake = types.SimpleNamespace(get_password=lambda s, u: store.get((s, u)),
                                 set_password=lambda s, u, p: store.__setitem__((s, u), p))
    monkeypatch.setitem(sys.modules, "keyring", fake)
    cert = tmp_path / "c.p12"
    cert.write_bytes(b"x")
    cfg = C.SenderConfig(client_cert=str(cert), use_keyring=True)
    assert C.password_from_sources(cfg) is None
    assert C.keyring_set(str(cert), "pw-1") is True
    assert C.password_from_sources(cfg) == "pw-1"
    monkeypatch.setenv("MY_PW", "pw-env")
    cfg.password_env = "MY_PW"
    assert C.password_from_sources(cfg) == "pw-env"     # the env var wins
