"""Rebuilding the capture index (``archive.warc.digests``) from the WARC files alone.

The WARCs are the source of truth: ``congan index rebuild`` forgets the collection's rows and
reads every closed file in the order it was written (file open time, then serial), applying
the writer's own rules: the first response with a non-empty, untruncated payload is the
capture revisits refer to; the latest response or identical revisit of a URL gives its
validators; a 304 only refreshes the validators of what it confirmed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from archive.warc.digests import CaptureIndex, FirstCapture, LatestCapture
from archive.warc.naming import WARC_SUFFIX, parse_name
from archive.warc.reader import iter_records
from archive.warc.resync import Damage
from archive.warc.writer import payload_digest

logger = logging.getLogger(__name__)

#: payload digest of an empty body: never a capture revisits refer to
EMPTY_PAYLOAD = payload_digest(b"")


def written_order(warc_dir: Path) -> list[Path]:
    """Closed WARC files sorted by the time they were opened, then serial."""
    def opened(path: Path) -> tuple[str, int]:
        parsed = parse_name(path.name)
        return (parsed.opened, parsed.serial) if parsed else ("", 0)

    by_name = sorted(warc_dir.glob("*" + WARC_SUFFIX), key=lambda path: path.name)
    return sorted(by_name, key=opened)  # stable: files opened in the same second stay in name order


def rebuild_capture_index(warc_dir: Path, index: CaptureIndex, damage: list[Damage] | None = None) -> int:
    """Refill ``index`` from the WARC files of ``warc_dir``; returns the captures read.
    Damaged members are skipped (every intact record is read) and appended to ``damage``."""
    index.clear()
    captures = 0
    for path in written_order(warc_dir):
        for ref, record in iter_records(path, damage=damage):
            if ref.rec_type not in ("response", "revisit") or not ref.url or record.http_headers is None:
                continue
            captures += 1
            headers = record.rec_headers
            http = record.http_headers
            status = int(http.get_statuscode() or 0)
            etag = http.get_header("ETag")
            modified = http.get_header("Last-Modified")
            digest = headers.get_header("WARC-Payload-Digest")
            if status == 304:
                previous = index.latest(ref.url)
                if previous is not None:
                    index.record(first=None, latest=LatestCapture(
                        previous.url, previous.date, previous.status, etag or previous.etag,
                        modified or previous.last_modified, previous.payload_digest, previous.record_id))
                continue
            first = None
            if (ref.rec_type == "response" and digest and digest != EMPTY_PAYLOAD
                    and not headers.get_header("WARC-Truncated")):
                first = FirstCapture(digest, ref.url, ref.date or "", ref.record_id, path.name)
            index.record(
                first=first,
                latest=LatestCapture(ref.url, ref.date or "", status, etag, modified, digest, ref.record_id),
            )
    logger.info("capture index rebuilt from %s captures", captures)
    return captures
