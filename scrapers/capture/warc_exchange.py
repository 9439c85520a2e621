"""Building an ``archive.capture.Exchange`` from Scrapy's request and response.

Pure functions the WARC capture extension (``scrapers.capture.warc_capture``) calls at
``response_downloaded``; tests can call them without a crawl. Headers are taken with every
value (Scrapy's ``headers[name]`` gives only the last ``Set-Cookie``), the TLS certificate is
validated with cryptography's verifier against the system trust store, and requests are pinned
to the content codings replay tools decode.
"""

from __future__ import annotations

import ipaddress
import ssl
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from archive.capture import (
    TRUNCATED_DISCONNECT,
    TRUNCATED_LENGTH,
    CapturedRequest,
    CapturedResponse,
    Exchange,
    Header,
    TlsInfo,
)
from scrapers.page_context import context_of

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response


def header_pairs(headers: Any) -> tuple[Header, ...]:
    """Every (name, value) of a Scrapy ``Headers``, repeated values as separate pairs
    (``headers[name]`` would give only the last ``Set-Cookie``)."""
    pairs: list[Header] = []
    for name, values in headers.items():
        raw_name = name if isinstance(name, bytes) else str(name).encode("latin-1")
        for value in values:
            pairs.append((raw_name, value if isinstance(value, bytes) else str(value).encode("latin-1")))
    return tuple(pairs)


def system_trust_store() -> Store | None:
    """The system's CA certificates as a verification store, or None when there are none."""
    cafile = ssl.get_default_verify_paths().cafile
    if not cafile or not Path(cafile).exists():
        return None
    try:
        with warnings.catch_warnings():  # a few system CAs have non-positive serials; still roots
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            return Store(x509.load_pem_x509_certificates(Path(cafile).read_bytes()))
    except ValueError:
        return None


def tls_info(certificate: Any, hostname: str | None, roots: Store | None) -> TlsInfo | None:
    """The certificate the server presented and whether it validates for ``hostname``
    against the system's trust store (cryptography's verifier). Scrapy exposes only the leaf,
    so a server that relies on an intermediate shows as invalid, with the reason."""
    if certificate is None:
        return None
    cert = certificate.original.to_cryptography()
    der = cert.public_bytes(Encoding.DER)
    if roots is None:
        return TlsInfo((der,), None, "no system trust store to validate against")
    try:
        subject: x509.IPAddress | x509.DNSName = x509.IPAddress(ipaddress.ip_address(hostname or ""))
    except ValueError:
        subject = x509.DNSName(hostname or "")
    try:
        verifier = PolicyBuilder().store(roots).build_server_verifier(subject)
        chain = verifier.verify(cert, [])
        return TlsInfo((der,), True, f"valid for {hostname}: chain of {len(chain)} up to a system root")
    except (VerificationError, ValueError) as exc:
        return TlsInfo((der,), False, f"not valid for {hostname}: {exc}")


#: request headers meant for a proxy, not the origin: never in the request record (credentials)
HOP_TO_PROXY = frozenset({b"proxy-authorization", b"proxy-connection"})

#: content codings every replay tool decodes; a request asking for others (br, zstd) is pinned
REPLAYABLE_CODINGS = frozenset({"gzip", "x-gzip", "deflate", "identity"})
PINNED_ACCEPT_ENCODING = b"gzip, deflate"


def pin_accept_encoding(request: Request) -> bool:
    """Make the request ask only for codings replay tools decode (``gzip, deflate``): Scrapy's
    own default adds br and zstd when their libraries are installed. True if it changed."""
    value = request.headers.get("Accept-Encoding")
    if value is None:
        return False
    codings = {part.split(b";")[0].strip().lower().decode("latin-1") for part in value.split(b",") if part.strip()}
    if codings <= REPLAYABLE_CODINGS:
        return False
    request.headers["Accept-Encoding"] = PINNED_ACCEPT_ENCODING
    return True


def _kind_from_url(url: str) -> str | None:
    """Page kind of requests the spider did not make (Scrapy's robots.txt fetches)."""
    return "robots" if urlsplit(url).path == "/robots.txt" else None


def build_exchange(request: Request, response: Response, *, max_body_size: int, stopped: bool,
                   roots: Store | None = None) -> Exchange:
    """The Exchange of a downloaded response (body as sent, cut to ``max_body_size``)."""
    body = response.body
    truncated = None
    if max_body_size and (len(body) > max_body_size or (stopped and len(body) >= max_body_size)):
        body = body[:max_body_size]
        truncated = TRUNCATED_LENGTH
    elif "dataloss" in response.flags:  # the connection broke before the announced end
        truncated = TRUNCATED_DISCONNECT
    context = context_of(request)
    duration = request.meta.get("download_latency")
    hostname = urlsplit(request.url).hostname
    return Exchange(
        request=CapturedRequest(
            method=request.method,
            url=request.url.split("#", 1)[0],
            headers=tuple(h for h in header_pairs(request.headers) if h[0].lower() not in HOP_TO_PROXY),
            body=request.body or b"",
        ),
        response=CapturedResponse(
            status=response.status,
            reason="",
            protocol=response.protocol or "HTTP/1.1",
            headers=header_pairs(response.headers),
            body=body,
            truncated=truncated,
        ),
        fetched_at=datetime.now(UTC),
        ip_address=str(response.ip_address) if response.ip_address is not None else None,
        duration=float(duration) if duration is not None else None,
        tls=tls_info(response.certificate, hostname, roots),
        site=context.site if context is not None else None,
        page_kind=(context.kind if context is not None else None) or _kind_from_url(request.url),
        adapter=context.adapter if context is not None else None,
        hops=context.hops if context is not None else None,
        via=context.via if context is not None else None,
    )
