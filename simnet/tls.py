"""Certificates of the HTTPS portals, made at runtime, broken the way the real ones are.

- ``self_signed``: the leaf signs itself (Đắk Lắk: "TLS certificate error noted 2026");
- ``missing_intermediate``: the leaf is issued by an intermediate CA the server does not send
  (Cà Mau: "server omitted its GlobalSign intermediate certificate").
Either way a validating client fails; the crawler should record the chain and the verdict.
"""

from __future__ import annotations

import shutil
import ssl
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

SELF_SIGNED = "self_signed"
MISSING_INTERMEDIATE = "missing_intermediate"


def _name(common_name: str, org: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN" if org is None else "BE")]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _certificate(subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePrivateKey,
                 signer: ec.EllipticCurvePrivateKey, *, ca: bool, host: str | None = None) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(issuer).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30)).not_valid_after(now + timedelta(days=335))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if host:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
    return builder.sign(signer, hashes.SHA256())


def make_chain(host: str, kind: str) -> tuple[bytes, bytes]:
    """(PEM certificate chain the server sends, PEM private key) for ``host``."""
    key = ec.generate_private_key(ec.SECP256R1())
    if kind == SELF_SIGNED:
        cert = _certificate(_name(host), _name(host), key, key, ca=False, host=host)
    elif kind == MISSING_INTERMEDIATE:
        root_key = ec.generate_private_key(ec.SECP256R1())
        inter_key = ec.generate_private_key(ec.SECP256R1())
        root_name = _name("GlobalSign Root R3 (simnet)", "GlobalSign nv-sa")
        inter_name = _name("GlobalSign GCC R3 DV TLS CA 2020 (simnet)", "GlobalSign nv-sa")
        _certificate(root_name, root_name, root_key, root_key, ca=True)  # exists, never sent
        _certificate(inter_name, root_name, inter_key, root_key, ca=True)  # exists, never sent
        cert = _certificate(_name(host), inter_name, key, inter_key, ca=False, host=host)
    else:
        raise ValueError(f"unknown certificate kind {kind!r}")
    pem_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), pem_key


class TlsContexts:
    """One server-side SSLContext per HTTPS host, created on first use (files in a temp dir)."""

    def __init__(self) -> None:
        self._dir: Path | None = None
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()

    def context(self, host: str, kind: str) -> ssl.SSLContext:
        with self._lock:
            if host not in self._contexts:
                if self._dir is None:
                    self._dir = Path(tempfile.mkdtemp(prefix="simnet-tls-"))
                chain, key = make_chain(host, kind)
                cert_file, key_file = self._dir / f"{host}.crt", self._dir / f"{host}.key"
                cert_file.write_bytes(chain)
                key_file.write_bytes(key)
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                ctx.load_cert_chain(cert_file, key_file)
                self._contexts[host] = ctx
            return self._contexts[host]

    def close(self) -> None:
        with self._lock:
            if self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None
