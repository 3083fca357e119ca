"""Mutual-TLS HTTPS transport (the draft transfer procedure (2025), p. 9, 10, 12).

* TLS 1.2 or newer; the server is verified against the system store or a configured
  CA bundle; verification can be turned off only with a visible warning.
* The client's RSA certificate comes from a PKCS#12 file with its password, or from a
  PEM certificate + key pair.  The private key is never written to disk unencrypted:
  :func:`build_context` re-encrypts it with a random one-time password into a private
  temporary file, hands that password to ``SSLContext.load_cert_chain`` and deletes
  the file at once.
* Every request has a connect and a read timeout; failures are classified into kinds
  with a translated message each (:class:`TransportError`).
"""

from __future__ import annotations

import datetime as _dt
import http.client
import json
import os
import secrets
import socket
import ssl
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from ecologis.i18n import KeyedError


class SenderError(KeyedError):
    """An error with a translated message: ``SenderError(key, **params)``."""

    def __str__(self) -> str:
        return self.message()


class CertificateError(SenderError):
    """The client certificate cannot be loaded (file, password, algorithm)."""


class TransportError(SenderError):
    """A request got no HTTP response. ``kind`` tells why (see KINDS)."""

    KINDS = ("unreachable", "timeout", "connection_closed", "wrong_ca", "server_cert_expired",
             "server_cert_not_yet_valid", "hostname_mismatch", "ip_mismatch", "client_cert_rejected",
             "client_cert_expired", "client_cert_missing", "tls_version", "tls_error")

    def __init__(self, kind: str, url: str, detail: str = ""):
        super().__init__(f"sender.error.{kind}", url=url, detail=detail)
        self.kind = kind
        self.url = url
        self.detail = detail


# --------------------------------------------------------------------------------------
# client identity
@dataclass
class ClientIdentity:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    chain: list = field(default_factory=list)

    @property
    def serial_hex(self) -> str:
        return format(self.cert.serial_number, "X")

    @property
    def subject(self) -> str:
        return self.cert.subject.rfc4514_string()

    @property
    def not_before(self) -> _dt.datetime:
        return self.cert.not_valid_before_utc

    @property
    def not_after(self) -> _dt.datetime:
        return self.cert.not_valid_after_utc

    def fingerprint(self) -> str:
        return self.cert.fingerprint(hashes.SHA256()).hex()

    def validity_problem(self, now: _dt.datetime | None = None) -> str | None:
        """'expired' / 'not_yet_valid' / None, checked locally before connecting."""
        now = now or _dt.datetime.now(_dt.timezone.utc)
        if now > self.not_after:
            return "expired"
        if now < self.not_before:
            return "not_yet_valid"
        return None

    def describe(self) -> dict:
        return {"subject": self.subject, "issuer": self.cert.issuer.rfc4514_string(),
                "serial": self.serial_hex, "valid_from": self.not_before.isoformat(),
                "valid_to": self.not_after.isoformat(), "sha256_fingerprint": self.fingerprint(),
                "key_algorithm": f"RSA-{self.key.key_size}"}


def load_identity(cert_path: str | os.PathLike, key_path: str | os.PathLike | None = None,
                  password: str | None = None) -> ClientIdentity:
    """Load the client's RSA certificate from PKCS#12 (.p12/.pfx) or a PEM pair."""
    cert_path = Path(cert_path)
    if not cert_path.exists():
        raise CertificateError("sender.cert.not_found", file=str(cert_path))
    data = cert_path.read_bytes()
    pw = password.encode("utf-8") if password else None
    if cert_path.suffix.lower() in (".p12", ".pfx"):
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, pw)
        except ValueError:
            # without a password this is (almost always) a protected file: say so, rather
            # than "wrong password"
            raise CertificateError("sender.cert.password_missing" if pw is None else "sender.cert.bad_password",
                                   file=str(cert_path))
        if key is None or cert is None:
            raise CertificateError("sender.cert.incomplete", file=str(cert_path))
        chain = list(extra or [])
    else:
        try:
            certs = x509.load_pem_x509_certificates(data)
        except ValueError:
            raise CertificateError("sender.cert.unreadable", file=str(cert_path))
        cert, chain = certs[0], certs[1:]
        kp = Path(key_path) if key_path else cert_path
        if not kp.exists():
            raise CertificateError("sender.cert.not_found", file=str(kp))
        key_data = kp.read_bytes()
        try:
            key = serialization.load_pem_private_key(key_data, pw)
        except TypeError:
            if pw is None:      # "Password was not given but private key is encrypted"
                raise CertificateError("sender.cert.password_missing", file=str(kp))
            try:                # a password given for a key that has none: the key is usable
                key = serialization.load_pem_private_key(key_data, None)
            except (TypeError, ValueError):
                raise CertificateError("sender.cert.unreadable", file=str(kp))
        except ValueError:
            raise CertificateError("sender.cert.bad_password", file=str(kp))
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CertificateError("sender.cert.not_rsa", file=str(cert_path))
    return ClientIdentity(key=key, cert=cert, chain=chain)


def _write_encrypted_identity(identity: ClientIdentity, folder: str) -> tuple[str, str]:
    """Write cert chain + key encrypted with a random password; return (path, password)."""
    password = secrets.token_urlsafe(32)
    key_pem = identity.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password.encode("ascii")))
    pem = identity.cert.public_bytes(serialization.Encoding.PEM)
    pem += b"".join(c.public_bytes(serialization.Encoding.PEM) for c in identity.chain)
    fd, path = tempfile.mkstemp(prefix="ecologis-client-", suffix=".pem", dir=folder)
    with os.fdopen(fd, "wb") as fh:  # mkstemp: mode 0600
        fh.write(pem + key_pem)
    return path, password


def build_context(ca_file: str = "", verify_server: bool = True,
                  identity: ClientIdentity | None = None) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if verify_server:
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
        if ca_file:
            if not Path(ca_file).exists():
                raise CertificateError("sender.cert.ca_not_found", file=str(ca_file))
            ctx.load_verify_locations(cafile=str(ca_file))
        else:
            ctx.load_default_certs(ssl.Purpose.SERVER_AUTH)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if identity is not None:
        with tempfile.TemporaryDirectory(prefix="ecologis-tls-") as d:
            path, password = _write_encrypted_identity(identity, d)
            try:
                ctx.load_cert_chain(path, password=password)
            finally:
                os.unlink(path)
    return ctx


# --------------------------------------------------------------------------------------
# error classification
# OpenSSL X509_V_ERR_* codes: 62 HOSTNAME_MISMATCH, 63 EMAIL_MISMATCH, 64 IP_ADDRESS_MISMATCH
_VERIFY_CODES = {10: "server_cert_expired", 9: "server_cert_not_yet_valid", 62: "hostname_mismatch",
                 64: "ip_mismatch",
                 18: "wrong_ca", 19: "wrong_ca", 20: "wrong_ca", 21: "wrong_ca", 2: "wrong_ca"}
_ALERTS = {
    "TLSV1_ALERT_UNKNOWN_CA": "client_cert_rejected",
    "SSLV3_ALERT_BAD_CERTIFICATE": "client_cert_rejected",
    "SSLV3_ALERT_CERTIFICATE_UNKNOWN": "client_cert_rejected",
    "TLSV1_ALERT_ACCESS_DENIED": "client_cert_rejected",
    "TLSV1_ALERT_DECRYPT_ERROR": "client_cert_rejected",
    "SSLV3_ALERT_CERTIFICATE_REVOKED": "client_cert_rejected",
    "SSLV3_ALERT_CERTIFICATE_EXPIRED": "client_cert_expired",
    "TLSV13_ALERT_CERTIFICATE_REQUIRED": "client_cert_missing",
    "SSLV3_ALERT_HANDSHAKE_FAILURE": "client_cert_missing",
    "PEER_DID_NOT_RETURN_A_CERTIFICATE": "client_cert_missing",
    "TLSV1_ALERT_PROTOCOL_VERSION": "tls_version",
    "UNSUPPORTED_PROTOCOL": "tls_version",
    "WRONG_VERSION_NUMBER": "tls_version",
}


def classify(exc: BaseException) -> tuple[str, str]:
    """(kind, detail) for an exception raised while talking to the server."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        kind = _VERIFY_CODES.get(getattr(exc, "verify_code", None))
        msg = getattr(exc, "verify_message", "") or str(exc)
        if kind is None:
            low = msg.lower()
            kind = ("ip_mismatch" if "ip address" in low else
                    "hostname_mismatch" if "hostname" in low else "wrong_ca")
        return kind, msg
    if isinstance(exc, ssl.SSLError):
        reason = getattr(exc, "reason", None) or ""
        if reason in _ALERTS:
            return _ALERTS[reason], reason
        if isinstance(exc, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
            return "unreachable", str(exc)
        return "tls_error", reason or str(exc)
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timeout", str(exc)
    return "unreachable", f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------------------
# transport
@dataclass
class HttpResponse:
    status: int
    headers: dict
    body: bytes

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8")) if self.body else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None

    def server_message(self) -> str:
        doc = self.json()
        if isinstance(doc, dict):
            err = doc.get("error")
            if isinstance(err, dict) and err.get("message"):
                return str(err["message"])
            if isinstance(err, str):
                return err
            if doc.get("message"):
                return str(doc["message"])
        return self.body.decode("utf-8", "replace")[:500]


class HttpsTransport:
    """One keep-alive HTTPS connection to the endpoint; reconnects after an error."""

    def __init__(self, endpoint: str, context: ssl.SSLContext, connect_timeout: float = 10.0,
                 read_timeout: float = 30.0, identity: ClientIdentity | None = None):
        u = urlsplit(endpoint)
        try:
            port = u.port
        except ValueError:
            port = -1
        if u.scheme != "https" or not u.hostname or port == -1 or u.netloc.endswith(":"):
            raise SenderError("sender.error.bad_endpoint", url=endpoint)
        self.endpoint = endpoint.rstrip("/")
        self.host = u.hostname
        self.port = u.port or 443
        self.base = u.path.rstrip("/")
        self.context = context
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._conn: http.client.HTTPSConnection | None = None
        self.last_tls: dict = {}
        self.identity = identity

    def url(self, path: str) -> str:
        return self.endpoint + path

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def _connect(self) -> http.client.HTTPSConnection:
        conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.connect_timeout,
                                           context=self.context)
        conn.connect()
        conn.sock.settimeout(self.read_timeout)
        try:
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self.last_tls = {"version": conn.sock.version(), "cipher": (conn.sock.cipher() or ("",))[0],
                         "server_cert": conn.sock.getpeercert() or {}}
        return conn

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> HttpResponse:
        url = self.url(path)
        hdrs = {"Content-Type": "application/json", "Accept": "application/json"}
        hdrs.update(headers or {})
        for attempt in (0, 1):
            reused = self._conn is not None
            self.last_tls = {} if not reused else self.last_tls
            try:
                if self._conn is None:
                    self._conn = self._connect()
                self._conn.request(method, self.base + path, body=body, headers=hdrs)
                r = self._conn.getresponse()
                data = r.read()
                resp = HttpResponse(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
                if r.getheader("connection", "").lower() == "close":
                    self.close()
                return resp
            except BaseException as e:
                self.close()
                stale = isinstance(e, (http.client.RemoteDisconnected, BrokenPipeError,
                                       ConnectionResetError, ssl.SSLEOFError))
                if reused and stale and attempt == 0:
                    continue  # an idle keep-alive connection closed by the server: retry once
                if isinstance(e, (KeyboardInterrupt, SystemExit)):
                    raise
                kind, detail = classify(e)
                if kind == "client_cert_rejected" and self.identity is not None \
                        and self.identity.validity_problem():
                    kind = "client_cert_expired"      # covers "not yet valid" too
                if kind == "unreachable" and self.last_tls.get("version") and \
                        isinstance(e, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError,
                                       ssl.SSLEOFError, ssl.SSLZeroReturnError)):
                    # the TLS handshake of this connection had completed, then the server
                    # hung up without an answer and without a TLS alert: a closed
                    # connection, not (as far as anyone can tell) a refused certificate
                    kind = "connection_closed"
                raise TransportError(kind, url, detail) from e
        raise AssertionError("unreachable")


def make_transport(cfg, password: str | None = None, identity: ClientIdentity | None = None) -> HttpsTransport:
    """Transport from a :class:`~ecologis.sender.config.SenderConfig`.

    The client identity is loaded from ``cfg.client_cert`` with ``password`` unless one
    is given.  Raises :class:`SenderError` when no endpoint is configured.
    """
    if not cfg.endpoint:
        raise SenderError("sender.error.no_endpoint")
    if identity is None and cfg.client_cert:
        try:
            identity = load_identity(cfg.client_cert, cfg.client_key or None, password)
        except CertificateError as e:
            if e.key != "sender.cert.password_missing":
                raise
            from ecologis.sender.config import missing_password_key

            why = missing_password_key(cfg)
            if why is None:
                raise
            raise CertificateError(why, file=str(cfg.client_cert), var=cfg.password_env) from e
    ctx = build_context(cfg.ca_file, cfg.verify_server, identity)
    return HttpsTransport(cfg.endpoint, ctx, cfg.connect_timeout_s, cfg.read_timeout_s, identity)
