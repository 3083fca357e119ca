"""A throw-away test PKI (``ecologis-sender make-test-pki``): CA, server certificate for
127.0.0.1 / localhost, client certificate in PKCS#12.  For tests and local demos only.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def new_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "EcologIS test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(cn: str = "EcologIS test CA", key=None, days: int = 3650):
    key = key or new_key()
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def issue(ca_key, ca_cert, cn: str, *, server: bool, key=None, not_before=None, not_after=None):
    key = key or new_key()
    now = dt.datetime.now(dt.timezone.utc)
    nb = not_before or now - dt.timedelta(days=1)
    na = not_after or now + dt.timedelta(days=825)
    b = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca_cert.subject)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(nb).not_valid_after(na)
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
         .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH if server
                                               else ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False))
    if server:
        b = b.add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
    return key, b.sign(ca_key, hashes.SHA256())


def pem_cert(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def pem_key(key, password: str | None = None) -> bytes:
    enc = (serialization.BestAvailableEncryption(password.encode()) if password
           else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)


def p12(key, cert, ca_cert, password: str, name: str = "client") -> bytes:
    return pkcs12.serialize_key_and_certificates(name.encode(), key, cert, [ca_cert],
                                                 serialization.BestAvailableEncryption(password.encode()))


@dataclass
class TestPki:
    dir: Path
    ca: Path
    server_cert: Path
    server_key: Path
    client_p12: Path
    password: str


def make_test_pki(folder: str | Path, password: str, bits: int = 2048) -> TestPki:
    """Write ca.pem, server.pem, server.key (unencrypted: a throw-away test server key)
    and client.p12 (protected by ``password``) into ``folder``."""
    from ecologis.io.atomic import atomic_write_bytes

    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    ca_key, ca = make_ca(key=new_key(bits))
    s_key, s_cert = issue(ca_key, ca, "localhost", server=True, key=new_key(bits))
    c_key, c_cert = issue(ca_key, ca, "EcologIS test client", server=False, key=new_key(bits))
    atomic_write_bytes(d / "ca.pem", pem_cert(ca))
    atomic_write_bytes(d / "server.pem", pem_cert(s_cert) + pem_cert(ca))
    atomic_write_bytes(d / "server.key", pem_key(s_key), private=True)
    atomic_write_bytes(d / "client.p12", p12(c_key, c_cert, ca, password), private=True)
    return TestPki(d, d / "ca.pem", d / "server.pem", d / "server.key", d / "client.p12", password)
