"""Tiny but valid binary payloads: PNG and JPEG images, PDF documents, and a 50 MB PDF stream.

Each payload depends only on its ``key`` so the same URL always answers the same bytes.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterator

HUGE_PDF_SIZE = 50 * 1024 * 1024
_BLOCK = 64 * 1024


def _colour(key: str) -> bytes:
    return hashlib.sha1(key.encode()).digest()[:3]


def png(key: str, size: int = 4) -> bytes:
    """A ``size``x``size`` one-colour RGB PNG."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    row = b"\x00" + _colour(key) * size
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b"")


def jpeg(key: str) -> bytes:
    """An 8x8 mid-grey baseline JPEG; a COM segment carries the key so payloads differ."""
    comment = key.encode("utf-8")[:200]
    segments = [
        b"\xff\xd8",  # SOI
        b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment,  # COM
        b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + b"\x01" * 64,  # DQT, table 0, all ones
        b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 8, 8, 1) + b"\x01\x11\x00",  # SOF0 8x8, 1 comp
        # DHT DC table 0 and AC table 0: one code of length 1 each (symbol 0 = DC diff 0 / EOB)
        b"\xff\xc4" + struct.pack(">H", 20) + b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00",
        b"\xff\xc4" + struct.pack(">H", 20) + b"\x10" + b"\x01" + b"\x00" * 15 + b"\x00",
        b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00" + b"\x00\x3f\x00",  # SOS
        b"\x3f",  # scan: DC code '0', EOB code '0', padded with ones
        b"\xff\xd9",  # EOI
    ]
    return b"".join(segments)


def pdf(title: str) -> bytes:
    """A one-page PDF whose page shows ``title`` (ASCII-folded) and whose Info holds it."""
    head, tail = _pdf_around_stream(_page_stream(title), title, 0)
    return head + tail


def _page_stream(title: str) -> bytes:
    text = title.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    return f"BT /F1 12 Tf 40 780 Td ({text}) Tj ET".encode()


def _pdf_around_stream(stream: bytes, title: str, filler: int) -> tuple[bytes, bytes]:
    """The bytes before and after ``filler`` padding bytes that end the page's content stream.

    The content stream (object 4) is ``stream`` followed by ``filler`` spaces; every xref offset
    accounts for them, so ``head + b" " * filler + tail`` is a valid PDF.
    """
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    info_title = title.encode("utf-16-be").hex().upper().encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length " + str(len(stream) + filler).encode() + b" >>\nstream\n" + stream,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title <FEFF" + info_title + b"> /Producer (simnet) >>",
    ]
    before, after = [head], []
    offsets, pos = [], len(head)
    for number, obj in enumerate(objects, start=1):
        chunk = f"{number} 0 obj\n".encode() + obj
        end = (b"\nendstream" if number == 4 else b"") + b"\nendobj\n"
        offsets.append(pos)
        pos += len(chunk) + len(end) + (filler if number == 4 else 0)
        if number < 4:
            before.append(chunk + end)
        elif number == 4:
            before.append(chunk)
            after.append(end)
        else:
            after.append(chunk + end)
    xref = f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    xref += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{pos}\n%%EOF\n".encode()
    return b"".join(before), b"".join(after) + xref + trailer


def huge_pdf(title: str, size: int = HUGE_PDF_SIZE) -> tuple[int, Iterator[bytes]]:
    """A valid PDF of exactly ``size`` bytes, produced block by block (never held in memory)."""
    stream = _page_stream(title) + b"\n%"  # the padding becomes a PDF comment
    head, tail = _pdf_around_stream(stream, title, 0)
    # Offsets have fixed-width digits, but the /Length and startxref numbers grow: settle in two passes.
    filler = size - len(head) - len(tail)
    head, tail = _pdf_around_stream(stream, title, filler)
    filler = size - len(head) - len(tail)
    head, tail = _pdf_around_stream(stream, title, filler)

    def blocks() -> Iterator[bytes]:
        yield head
        block = b" " * _BLOCK
        left = filler
        while left > 0:
            yield block[: min(left, _BLOCK)]
            left -= _BLOCK
        yield tail

    return len(head) + filler + len(tail), blocks()
