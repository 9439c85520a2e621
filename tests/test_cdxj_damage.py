"""A member whose data check fails midway: warcio only prints the zlib error and ends the
record as if the file ended there; the CDXJ must still list every intact record after it."""

from __future__ import annotations

import base64
import io
import random
import zlib
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.cdxj import cdxj_lines


def _write(path: Path, count: int) -> list[int]:
    """``count`` response records, one gzip member each; returns each member's offset."""
    offsets = []
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n in range(count):
            offsets.append(fh.tell())
            # incompressible, so the member spans several of warcio's 16 KiB reads
            noise = base64.b64encode(random.Random(n).randbytes(60_000)).decode()
            body = f"<html><body>bài viết số {n} {noise}</body></html>".encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(f"http://congan.x.gov.vn/bai-{n}", "response",
                                               payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)
    return offsets


@pytest.mark.parametrize("where", [0.5, 0.9])
def test_records_after_a_member_that_fails_its_check_are_indexed(tmp_path: Path, where: float) -> None:
    path = tmp_path / "damaged.warc.gz"
    offsets = _write(path, 6)
    data = bytearray(path.read_bytes())
    start, end = offsets[2], offsets[3]
    hit = start + int((end - start) * where)
    data[hit:hit + 8] = bytes(8)  # zeroed inside the third member's compressed data
    path.write_bytes(bytes(data))
    with pytest.raises(zlib.error):  # the third member really is unreadable
        zlib.decompress(bytes(data[start:end]), zlib.MAX_WBITS | 16)
    urls = {line.split('"url": "', 1)[1].split('"', 1)[0] for line in cdxj_lines(path)}
    expected = {f"http://congan.x.gov.vn/bai-{n}" for n in (0, 1, 3, 4, 5)}
    assert expected <= urls, sorted(urls)
