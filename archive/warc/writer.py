"""Putting exchanges on disk: one writer per crawl process.

``WarcWriter`` writes WARC/1.1, one gzip member per record, into
``<prefix>-<crawl_id>-<YYYYmmddHHMMSS>-<serial:05d>.warc.gz.open`` (see
``archive.warc.naming``), holds an exclusive ``flock`` on it, flushes after every exchange,
rotates to a new file once ``max_size`` bytes are reached, and on close renames the file to
``.warc.gz`` and writes its sorted CDXJ. At start it repairs and seals any ``.open`` file a
crashed writer left in the directory (``archive.warc.repair``).

Each exchange becomes: a ``response`` record, or an identical-payload-digest ``revisit`` when
the collection already holds the payload (``archive.warc.digests``), or a
server-not-modified ``revisit`` for a 304; then the ``request`` (``WARC-Concurrent-To`` the
first), a TLS ``metadata`` record when there is a certificate chain, and the page
``metadata`` record.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from warcio.recordloader import ArcWarcRecord
from warcio.timeutils import iso_date_to_timestamp
from warcio.utils import Digester

from archive.capture import Exchange, StoredRecord
from archive.cdxj import write_index
from archive.warc.dedup import RecordDecision, RecordKind, decide_record, index_update
from archive.warc.digests import CaptureIndex, FirstCapture
from archive.warc.naming import WarcName, make_name
from archive.warc.records import RecordFactory, Warc11Writer, WarcInfo
from archive.warc.repair import RepairResult, repair_directory

logger = logging.getLogger(__name__)

#: answers that do not replace a URL's latest capture in the capture index
#: default rotation size: files close once they reach 1 GB, the size the field uses
DEFAULT_MAX_SIZE = 1_000_000_000


def payload_digest(body: bytes) -> str:
    """``sha1:<base32>`` of a payload, as WARC-Payload-Digest writes it."""
    digester = Digester("sha1")
    digester.update(body)
    return str(digester)


class WarcWriter:
    """Writes exchanges of one crawl into rotating, crash-safe WARC files."""

    def __init__(
        self,
        directory: Path,
        *,
        prefix: str,
        crawl_id: str,
        max_size: int = DEFAULT_MAX_SIZE,
        warcinfo: WarcInfo,
        digest_index: CaptureIndex | None,
        index_dir: Path | None = None,
        clock: Callable[[], datetime] | None = None,
        make_id: Callable[[], str] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.index_dir = Path(index_dir) if index_dir else self.directory.parent / "indexes"
        self.prefix = prefix
        self.crawl_id = crawl_id
        self.max_size = max_size
        self.warcinfo = warcinfo
        self.digest_index = digest_index
        self.clock = clock or (lambda: datetime.now(UTC))
        self._builder = Warc11Writer(None, gzip=True, warc_version="1.1")
        self.records = RecordFactory(self._builder, make_id)
        self._serial = 0
        self._name: WarcName | None = None
        self._fh: BinaryIO | None = None
        self._warcinfo_id = ""
        self.closed_files: list[Path] = []
        self.directory.mkdir(parents=True, exist_ok=True)
        self.repaired: list[RepairResult] = repair_directory(self.directory)
        for result in self.repaired:
            if result.sealed is not None:
                write_index(result.sealed, self.index_dir)

    # -- files --------------------------------------------------------------------------
    @property
    def current_path(self) -> Path | None:
        """The ``.open`` file being written, if any."""
        return self.directory / self._name.open_filename if self._name else None

    def _open_file(self) -> None:
        while True:
            name = make_name(self.prefix, self.crawl_id, self.clock(), self._serial)
            self._serial += 1
            path = self.directory / name.open_filename
            if (self.directory / name.filename).exists():
                continue
            try:
                fh = path.open("xb")
            except FileExistsError:
                continue
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                # another process's repair may have taken and removed the empty file between
                # its creation and our lock: only a file still at its path is ours to write
                if os.fstat(fh.fileno()).st_ino == os.stat(path).st_ino:
                    break
            except (BlockingIOError, FileNotFoundError):
                pass
            fh.close()
        self._fh = fh
        self._name = name
        record = self.records.warcinfo(name.filename, self.warcinfo, self.clock())
        self._warcinfo_id = record.rec_headers.get_header("WARC-Record-ID")
        self._write(record)
        self._fh.flush()
        logger.info("opened %s", path.name)

    def _close_file(self) -> Path | None:
        if self._fh is None or self._name is None:
            return None
        self._fh.flush()
        os.fsync(self._fh.fileno())
        open_path = self.directory / self._name.open_filename
        final = self.directory / self._name.filename
        os.replace(open_path, final)
        self._fh.close()  # releases the lock only after the rename
        self._fh = None
        self._name = None
        write_index(final, self.index_dir)
        self.closed_files.append(final)
        logger.info("closed %s", final.name)
        return final

    def _write(self, record: object) -> None:
        self._builder.out = self._fh
        self._builder.write_record(record)

    # -- exchanges ----------------------------------------------------------------------
    def write_exchange(self, exchange: Exchange) -> StoredRecord:
        """Write the records of one exchange, flush, and say where the main record is."""
        if self._fh is None:
            self._open_file()
        assert self._fh is not None
        assert self._name is not None
        response = exchange.response
        digest = payload_digest(response.body)
        index = self.digest_index
        try:
            previous = index.latest(exchange.url) if index is not None else None
            decision = decide_record(exchange, digest, previous, index.first if index is not None else None)
        except sqlite3.Error as exc:  # no deduplication for this one rather than no record
            logger.warning("capture index unreadable for %s (%s): storing a full record", exchange.url, exc)
            index, previous = None, None
            decision = RecordDecision(RecordKind.RESPONSE)
        main = self._main_record(exchange, decision)

        main_id = main.rec_headers.get_header("WARC-Record-ID")
        main_date = main.rec_headers.get_header("WARC-Date")
        offset = self._fh.tell()
        try:
            self._write(main)
            length = self._fh.tell() - offset
            self._write(self.records.request(exchange, main_id, self._warcinfo_id))
            tls = self.records.tls_metadata(exchange, main_id, self._warcinfo_id)
            if tls is not None:
                self._write(tls)
            self._write(self.records.page_metadata(exchange, main_id, self._warcinfo_id))
            self._fh.flush()
        except BaseException:
            self._cut_back(offset)  # never leave half an exchange before the next one
            raise

        filename = self._name.filename
        if index is not None:
            try:
                stored_as = FirstCapture(digest, exchange.url, main_date, main_id, filename)
                update = index_update(exchange, previous, stored_as, main.rec_type)
                if update is not None:
                    index.record(first=update.first, latest=update.latest)
            except sqlite3.Error as exc:  # the records are safe; only later deduplication misses this one
                logger.warning("capture index not updated for %s: %s", exchange.url, exc)

        stored = StoredRecord(
            warc_file=filename,
            offset=offset,
            length=length,
            record_id=main_id,
            timestamp=iso_date_to_timestamp(main_date),
            url=exchange.url,
            record_type=main.rec_type,
            payload_digest=digest if response.status != 304 else None,
        )
        if self._fh.tell() >= self.max_size:
            self._close_file()
        return stored

    def _main_record(self, exchange: Exchange, decision: RecordDecision) -> ArcWarcRecord:
        if decision.kind is RecordKind.NOT_MODIFIED_REVISIT:
            return self.records.not_modified_revisit(exchange, decision.confirmed, self._warcinfo_id)
        if decision.kind is RecordKind.IDENTICAL_REVISIT and decision.first is not None:
            return self.records.identical_revisit(exchange, decision.first, self._warcinfo_id)
        return self.records.response(exchange, self._warcinfo_id)

    def _cut_back(self, offset: int) -> None:
        """Drop whatever a failed exchange left after ``offset`` (disk full, I/O error)."""
        try:
            assert self._fh is not None
            self._fh.flush()
        except OSError:
            pass
        try:
            assert self._fh is not None
            self._fh.seek(offset)
            self._fh.truncate(offset)
            name = self._name.filename if self._name else "?"
            logger.error("cut a failed exchange from %s back to offset %s", name, offset)
        except OSError as exc:
            logger.error(
                "could not cut a failed exchange out of the current WARC (%s); it will be repaired at next start", exc
            )

    def write_outlinks(
        self,
        stored: StoredRecord,
        outlinks: tuple[str, ...],
        parsed_as: str | None = None,
        aliases: tuple[str, ...] = (),
        late: bool = False,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Add the outlinks the spider found in a stored page (one metadata record), what
        the page turned out to be when parsing decided it (``parsed_as``), the other URLs
        seen for the article it holds (``aliases``; ``late``: seen only after it was filed)
        and more fields (``extra``: what a listing page held)."""
        if not outlinks and not parsed_as and not aliases and not extra:
            return
        if self._fh is None:
            self._open_file()
        record = self.records.outlinks_metadata(
            stored.url, stored.record_id, outlinks, self.clock(), self._warcinfo_id, parsed_as, aliases, late, extra
        )
        self._write(record)
        assert self._fh is not None
        self._fh.flush()
        if self._fh.tell() >= self.max_size:
            self._close_file()

    def close(self) -> Path | None:
        """Close, rename and index the current file. Safe to call twice."""
        return self._close_file()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
