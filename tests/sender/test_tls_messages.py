"""True TLS and certificate messages, with real TLS servers on 127.0.0.1 and the test
PKI: a connection closed after a TLS 1.3 handshake is a closed connection (not a
rejected certificate); an IP-address or host-name mismatch is a mismatch (not an
untrusted CA); no keyring backend, or no password for an encrypted key, each has its
own message."""

import datetime as dt
import ipaddress
import socket
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ecologis.i18n import t
from ecologis.sender import pki as P
from ecologis.sender import tls
from ecologis.sender.cli import main
from ecologis.sender.config import save_config
from ecologis.sender.receiver import Receiver
from ecologis.sender.tls import TransportError

from sender_testlib import transport_for


def _server_cert(pki, tmp_path, names):
    """A server certificate from the test CA (in ca_all.pem) whose only SAN entries are ``names``."""
    key = P.new_key()
    now = dt.datetime.now(dt.timezone.utc)
    san = [x509.IPAddress(ipaddress.ip_address(n)) if n[0].isdigit() else x509.DNSName(n) for n in names]
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mismatch test")]))
            .issuer_name(pki.ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(san), critical=False)
            .sign(pki.ca_key, hashes.SHA256()))
    (tmp_path / "s.pem").write_bytes(P.pem_cert(cert))
    (tmp_path / "s.key").write_bytes(P.pem_key(key))
    return tmp_path / "s.pem", tmp_path / "s.key"


@pytest.mark.parametrize("names,url_host,kind,key", [
    (["localhost"], "127.0.0.1", "ip_mismatch", "sender.error.ip_mismatch"),         # OpenSSL verify code 64
    (["127.0.0.1"], "localhost", "hostname_mismatch", "sender.error.hostname_mismatch"),  # code 62
])
def test_address_mismatch_has_its_own_message(names, url_host, kind, key, pki, tmp_path, cfg_for):
    cert, k = _server_cert(pki, tmp_path, names)
    r = Receiver(tmp_path / "r.sqlite3", pki.ca, cert, k).start()
    try:
        url = f"https://{url_host}:{r.port}"
        tr = transport_for(cfg_for(url))
        with pytest.raises(TransportError) as ei:
            tr.request("GET", "/api/v1/health")
        tr.close()
    finally:
        r.stop()
    assert ei.value.kind == kind
    assert ei.value.key == key
    msg = ei.value.message()
    assert msg != t("sender.error.wrong_ca", url=url, detail=ei.value.detail)


class _HangUpServer:
    """Completes a TLS 1.3 handshake (client certificate verified and accepted), then
    closes the connection without an alert and without an answer."""

    def __init__(self, pki):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile=str(pki.ca))
        ctx.load_cert_chain(str(pki.server_cert), str(pki.server_key))
        self.ctx = ctx
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(10)
        self.port = self.sock.getsockname()[1]
        self.handshakes = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        try:
            with self.ctx.wrap_socket(conn, server_side=True) as s:
                self.handshakes += 1
                s.settimeout(2)
                try:
                    s.recv(65536)       # the client's request …
                except (OSError, ssl.SSLError):
                    pass
                s.unwrap()              # … answered by a clean close_notify, nothing else
        except (OSError, ssl.SSLError):
            pass

    def close(self):
        self.sock.close()
        self.thread.join(timeout=10)


def test_connection_closed_after_tls13_handshake_is_not_a_certificate_rejection(pki, cfg_for):
    srv = _HangUpServer(pki)
    try:
        url = f"https://127.0.0.1:{srv.port}"
        tr = transport_for(cfg_for(url))
        with pytest.raises(TransportError) as ei:
            tr.request("GET", "/api/v1/health")
        tr.close()
    finally:
        srv.close()
    assert srv.handshakes == 1                      # the certificate was accepted
    assert ei.value.kind == "connection_closed"
    assert ei.value.message() == t("sender.error.connection_closed", url=url + "/api/v1/health",
                                   detail=ei.value.detail)


def test_no_password_for_encrypted_key_has_its_own_message(pki):
    with pytest.raises(tls.CertificateError) as ei:
        tls.load_identity(pki.pem_cert, pki.pem_key, None)         # PEM key encrypted with PASSWORD
    assert ei.value.key == "sender.cert.password_missing"
    assert ei.value.params["file"] == str(pki.pem_key)
    with pytest.raises(tls.CertificateError) as ei:
        tls.load_identity(pki.client_p12, password=None)           # PKCS#12 protected by PASSWORD
    assert ei.value.key == "sender.cert.password_missing"
    with pytest.raises(tls.CertificateError) as ei:                # a wrong one stays "wrong password"
        tls.load_identity(pki.client_p12, password="wrong")
    assert ei.value.key == "sender.cert.bad_password"


def test_no_keyring_backend_has_its_own_message(pki, tmp_path, monkeypatch, capsys, cfg_for):
    import keyring
    import keyring.errors

    def no_backend(*_a, **_k):
        raise keyring.errors.NoKeyringError("No recommended backend was available.")

    monkeypatch.setattr(keyring, "get_password", no_backend)
    cfg = cfg_for("https://127.0.0.1:9", use_keyring=True, password_env="")
    save_config(cfg, tmp_path / "sender.json")
    rc = main(["test-connection", "--config", str(tmp_path / "sender.json")])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.strip() == t("sender.cert.no_keyring", file=str(pki.client_p12))
    # the keyring works but holds no password for this certificate
    monkeypatch.setattr(keyring, "get_password", lambda *_a, **_k: None)
    rc = main(["test-connection", "--config", str(tmp_path / "sender.json")])
    assert rc == 2
    assert capsys.readouterr().err.strip() == t("sender.cert.keyring_empty", file=str(pki.client_p12))


def test_unset_password_variable_has_its_own_message(pki, tmp_path, capsys, cfg_for, monkeypatch):
    monkeypatch.delenv("NO_SUCH_PW_VAR", raising=False)
    cfg = cfg_for("https://127.0.0.1:9", password_env="NO_SUCH_PW_VAR")
    save_config(cfg, tmp_path / "sender.json")
    assert main(["test-connection", "--config", str(tmp_path / "sender.json")]) == 2
    assert capsys.readouterr().err.strip() == t("sender.cert.password_env_missing", file=str(pki.client_p12),
                                                var="NO_SUCH_PW_VAR")
