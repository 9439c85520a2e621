"""The media files the portals serve are valid files, and the same URL always gives the same bytes."""

from __future__ import annotations

import re
import struct
import zlib

from simnet import assets


def check_pdf(data: bytes) -> None:
    assert data.startswith(b"%PDF-1.4") and data.endswith(b"%%EOF\n")
    startxref = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[startxref:startxref + 4] == b"xref"
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n", data)]
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(f"{number} 0 obj".encode())
    length = int(re.search(rb"/Length (\d+)", data).group(1))
    start = data.index(b"stream\n") + len(b"stream\n")
    assert data[start + length:start + length + 10] == b"\nendstream"


def test_pdf_is_well_formed_and_carries_its_vietnamese_title():
    data = assets.pdf("Kế hoạch số 12/KH-CAT (bổ sung)")
    check_pdf(data)
    assert "Kế hoạch".encode("utf-16-be").hex().upper().encode() in data
    assert assets.pdf("Kế hoạch số 12/KH-CAT (bổ sung)") == data


def test_huge_pdf_has_the_exact_size_and_valid_structure():
    size, blocks = assets.huge_pdf("Bao cao", 3_000_017)
    data = b"".join(blocks)
    assert size == len(data) == 3_000_017
    check_pdf(data)
    full, _ = assets.huge_pdf("Bao cao")
    assert full == 50 * 1024 * 1024


def test_png_chunks_and_crc_are_valid():
    data = assets.png("/a.png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, kinds = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, payload = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        assert struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(kind + payload)
        kinds.append(kind)
        pos += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]
    assert len(zlib.decompress(data[8 + 8 + 13 + 4 + 8:-12 - 4])) == 4 * (1 + 3 * 4)
    assert assets.png("/b.png") != data


def test_jpeg_markers_are_in_order():
    data = assets.jpeg("/x.jpg")
    markers = [data[i:i + 2] for i in range(len(data) - 1) if data[i] == 0xFF and data[i + 1] not in (0x00, 0xFF)]
    assert markers[0] == b"\xff\xd8" and markers[-1] == b"\xff\xd9"
    assert b"\xff\xc0" in markers and b"\xff\xda" in markers and b"\xff\xc4" in markers
    assert assets.jpeg("/y.jpg") != data
