"""Putting a ``Response`` on the socket the way hostile servers do: gzip (and broken gzip),
chunked transfer, repeated headers, conditional 304s, streamed huge bodies, mid-body resets."""

from __future__ import annotations

import gzip
import hashlib
import socket
import struct
import time
from email.utils import formatdate, parsedate_to_datetime
from typing import BinaryIO

from .messages import Request, Response

CHUNK = 4096


def entity_tag(resp: Response) -> str:
    return resp.etag or '"' + hashlib.sha1(resp.body).hexdigest()[:20] + '"'


def not_modified(req: Request, resp: Response) -> bool:
    """True when the client's validators still match (RFC 9110 §13.1.1-13.1.3)."""
    inm = req.headers.get("if-none-match")
    if inm:
        tags = {t.strip() for t in inm.split(",")}
        return "*" in tags or entity_tag(resp) in tags or entity_tag(resp).removeprefix("W/") in tags
    ims = req.headers.get("if-modified-since")
    if ims and resp.last_modified is not None:
        try:
            since = parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError):
            return False
        return int(resp.last_modified) <= since
    return False


def prepare(req: Request, resp: Response, *, gzip_site: bool, chunked_site: bool, server: str) -> Response:
    """Add validators, negotiate gzip and framing; turn a matching conditional GET into 304."""
    headers = [("Server", server), ("Date", formatdate(usegmt=True)), *resp.headers]
    if resp.cacheable and resp.status == 200 and resp.stream is None:
        headers.append(("ETag", entity_tag(resp)))
        if resp.last_modified is not None:
            headers.append(("Last-Modified", formatdate(resp.last_modified, usegmt=True)))
        if req.method in ("GET", "HEAD") and not_modified(req, resp):
            keep = [(k, v) for k, v in headers if k.lower() not in ("content-type",)]
            return Response(304, keep, b"", fault=resp.fault)
    accepts_gzip = "gzip" in req.headers.get("accept-encoding", "")
    body = resp.body
    if resp.broken_gzip or (gzip_site and accepts_gzip and resp.compressible and resp.stream is None and body):
        body = gzip.compress(body, mtime=0)
        if resp.broken_gzip:
            # Valid header, then garbage in the deflate stream and no trailer.
            middle = len(body) // 2
            body = body[:middle] + bytes(b ^ 0x5A for b in body[middle:middle + 64]) + body[middle + 64:-8]
        headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
    out = Response(resp.status, headers, body, stream=resp.stream, length=resp.length, fault=resp.fault,
                   delay=resp.delay, reset=resp.reset, drop=resp.drop)
    out.chunked = chunked_site and resp.stream is None and not resp.reset and resp.status not in (204, 304)
    return out


def write(sock: socket.socket, out: BinaryIO, req: Request, resp: Response) -> int:
    """Send ``resp``; returns the body bytes sent. Raises ConnectionResetSent after a reset."""
    if resp.delay:
        time.sleep(resp.delay)
    lines = [f"HTTP/1.1 {resp.status} {resp.reason}"]
    lines += [f"{k}: {v}" for k, v in resp.headers]
    if resp.chunked:
        lines.append("Transfer-Encoding: chunked")
    elif resp.status != 304:  # a 304 has no body and describes the stored one: no length
        size = resp.length if resp.stream is not None else len(resp.body)
        lines.append(f"Content-Length: {size}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    if req.method == "HEAD" or resp.status == 304:
        out.write(head)
        return 0
    if resp.reset:
        half = resp.body[: max(1, len(resp.body) // 2)]
        out.write(head + half)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        return len(half)
    if resp.stream is not None:
        out.write(head)
        sent = 0
        for block in resp.stream():
            out.write(block)
            sent += len(block)
        return sent
    if resp.chunked:
        out.write(head)
        for start in range(0, len(resp.body), CHUNK):
            piece = resp.body[start:start + CHUNK]
            out.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        out.write(b"0\r\n\r\n")
        return len(resp.body)
    out.write(head + resp.body)
    return len(resp.body)
