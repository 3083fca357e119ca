"""Certificates, TLS settings, configuration and translations."""

import json
import re
import ssl
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from ecologis.i18n import load_language
from ecologis.paths import REPO_ROOT
from ecologis.sender import tls
from ecologis.sender.config import SenderConfig, apply_overrides, load_config, save_config, config_file
from ecologis.sender.outbox import Outbox
from ecologis.sender.receiver import Receiver
from ecologis.sender.sender import FakeClock, Sender

from sender_testlib import PASSWORD, measurement_rows, transport_for


def test_private_key_only_written_encrypted_and_removed(pki, monkeypatch):
    seen = []
    orig = tls._write_encrypted_identity

    def spy(identity, folder):
        path, pw = orig(identity, folder)
        seen.append((path, Path(path).read_bytes()))
        return path, pw

    monkeypatch.setattr(tls, "_write_encrypted_identity", spy)
    ident = tls.load_identity(pki.client_p12, password=PASSWORD)
    ctx = tls.build_context(str(pki.ca), True, ident)
    assert ctx.minimum_version == ssl.TLSVersion.TLSv1_2
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    (path, data), = seen
    assert b"BEGIN ENCRYPTED PRIVATE KEY" in data
    assert b"BEGIN PRIVATE KEY" not in data and b"BEGIN RSA PRIVATE KEY" not in data
    assert not Path(path).exists()


def test_certificate_loading_errors(pki, tmp_path):
    with pytest.raises(tls.CertificateError) as ei:
        tls.load_identity(pki.client_p12, password="wrong")
    assert ei.value.key == "sender.cert.bad_password"
    ident = tls.load_identity(pki.pem_cert, pki.pem_key, PASSWORD)       # PEM pair, encrypted key
    assert ident.key.key_size == 2048
    from ecologis.sender import pki as P
    eck = ec.generate_private_key(ec.SECP256R1())
    ca_key, ca = P.make_ca()
    _k, cert = P.issue(ca_key, ca, "ec client", server=False, key=eck)
    (tmp_path / "ec.pem").write_bytes(P.pem_cert(cert) + P.pem_key(eck))
    with pytest.raises(tls.CertificateError) as ei:
        tls.load_identity(tmp_path / "ec.pem")
    assert ei.value.key == "sender.cert.not_rsa"


def test_pem_pair_client_works(receiver, cfg_for, pki):
    cfg = cfg_for(receiver.url, client_cert=str(pki.pem_cert), client_key=str(pki.pem_key))
    tr = transport_for(cfg)
    try:
        assert tr.request("GET", cfg.path_for("health")).status == 200
        assert tr.last_tls["version"] in ("TLSv1.2", "TLSv1.3")
    finally:
        tr.close()


def test_config_file_and_overrides(tmp_path):
    cfg = SenderConfig(endpoint="https://a.example:1", batch_size=7)
    cfg.paths["batch"] = "/x/batch"
    save_config(cfg)
    assert config_file().parent.parent == Path(__import__("os").environ["ECOLOGIS_USER_DIR"])
    loaded = load_config()
    assert loaded.endpoint == "https://a.example:1" and loaded.batch_size == 7
    assert loaded.path_for("batch") == "/x/batch" and loaded.path_for("health") == "/api/v1/health"

    class A:
        endpoint = "https://b.example:2"
        ca = "ca.pem"
        client_cert = "c.p12"
        client_cert_password_env = "PW"
        outbox = str(tmp_path / "o.db")
        inbox = None
    apply_overrides(loaded, A)
    assert (loaded.endpoint, loaded.ca_file, loaded.client_cert, loaded.password_env) == \
        ("https://b.example:2", "ca.pem", "c.p12", "PW")
    assert loaded.batch_size == 7


def test_configurable_paths_and_field_names(pki, tmp_path, cfg_for):
    """Endpoint paths and wire field names come from the configuration."""
    paths = {"batch": "/eco/v9/bundle", "health": "/eco/ping"}
    r = Receiver(tmp_path / "r.sqlite3", pki.ca, pki.server_cert, pki.server_key, paths=paths,
                 idempotency_header="X-Request-Id").start()
    try:
        cfg = cfg_for(r.url, idempotency_header="X-Request-Id")
        cfg.paths.update(paths)
        # rename a field on the wire; the reference receiver only knows our names, so it
        # must reject those records — which shows the renaming reached the wire
        cfg.field_names = {"substance": "pollutant_code"}
        ob = Outbox(cfg.outbox_path())
        from ecologis.sender import model
        for i, row in enumerate(measurement_rows(2)):
            ob.enqueue("measurement", model.make_measurement(row, i + 1, "t"), 0)
        tr = transport_for(cfg)
        try:
            Sender(cfg, ob, tr, FakeClock()).drain(give_up_after=0)
            assert ob.counts()["dead_letter"] == 2
            assert "pollutant_code" in ob.rows("dead_letter")[0].last_error
            cfg.field_names = {}
            ob.retry_now(include_dead=True)
            Sender(cfg, ob, tr, FakeClock()).drain(give_up_after=0)
            assert ob.counts()["acknowledged"] == 2 and r.store.count() == 2
        finally:
            tr.close()
            ob.close()
    finally:
        r.stop()


def test_locales_complete():
    uk = json.loads((REPO_ROOT / "locales" / "uk.sender.json").read_text(encoding="utf-8"))
    en = json.loads((REPO_ROOT / "locales" / "en.sender.json").read_text(encoding="utf-8"))
    assert set(uk) == set(en)
    assert all(k.startswith("sender.") for k in uk)
    for k in uk:   # same placeholders in both languages
        assert set(re.findall(r"{(\w+)}", uk[k])) == set(re.findall(r"{(\w+)}", en[k])), k
    load_language("uk")
    load_language("en")   # no key defined twice across files
    sources = list((REPO_ROOT / "ecologis" / "sender").glob("*.py")) + \
        [REPO_ROOT / "ecologis" / "gui" / "panels" / "sender_panel.py"]
    used = set()
    for f in sources:
        text = f.read_text(encoding="utf-8")
        used |= {m for m in re.findall(r'"(sender\.[a-z0-9_.]+[a-z0-9_])"', text) if not m.endswith(".json")}
    missing = sorted(k for k in used if k not in uk and not any(x.startswith(k + ".") for x in uk))
    assert missing == []
    for kind in tls.TransportError.KINDS:
        assert f"sender.error.{kind}" in uk


def test_openapi_document_is_valid_and_matches_default_paths():
    validator = pytest.importorskip("openapi_spec_validator")
    import yaml
    from ecologis.sender.config import DEFAULT_PATHS
    path = REPO_ROOT / "docs" / "sender" / "openapi.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    validator.validate(doc, base_uri=path.as_uri())
    assert set(doc["paths"]) == set(DEFAULT_PATHS.values())


def test_receiver_answers_match_ack_schema(receiver, cfg_for):
    from ecologis.sender import model, schemas
    cfg = cfg_for(receiver.url)
    tr = transport_for(cfg)
    rec = model.make_measurement(measurement_rows(1)[0], 1, "t")
    key = model.key_for("measurement", rec)
    body = json.dumps(rec).encode()
    try:
        first = tr.request("POST", cfg.path_for("measurement"), body, {"Idempotency-Key": key})
        second = tr.request("POST", cfg.path_for("measurement"), body, {"Idempotency-Key": key})
        bad = tr.request("POST", cfg.path_for("measurement"), b"{}", {"Idempotency-Key": "k2"})
        batch = tr.request("POST", cfg.path_for("batch"), json.dumps(
            {"schema": "ecologis.batch/1", "batch_id": "b1", "sent_at": "2026-03-01T00:00:00Z",
             "mode": "realtime", "records": [{"kind": "measurement", "idempotency_key": key, "payload": rec}]}
        ).encode(), {})
    finally:
        tr.close()
    assert (first.status, first.json()["outcome"]) == (201, "accepted")
    assert (second.status, second.json()["outcome"]) == (200, "duplicate")
    assert bad.status == 400 and bad.json()["error"]["code"] == "SCHEMA"
    assert batch.json()["results"] == [{"idempotency_key": key, "outcome": "duplicate"}]
    for r in (first, second, bad, batch):
        assert schemas.errors("ack", r.json()) == []
    assert receiver.store.count() == 1
