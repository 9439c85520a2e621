"""Sorted CDXJ indexes, one per closed WARC, in ``collections/<c>/indexes/`` (pywb layout).

Each ``<name>.warc.gz`` gets ``<name>.cdxj`` written by cdxj-indexer, sorted (pywb's binary
search silently misses captures in an unsorted index) and with POST bodies appended to the
URL key as pywb expects. Files are written to a temporary name and renamed, so a reader never
sees half an index.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

from archive.atomic import write_atomic
from archive.warc.naming import WARC_SUFFIX, parse_name

logger = logging.getLogger(__name__)

CDXJ_SUFFIX = ".cdxj"


@dataclass(frozen=True)
class CdxjLine:
    """One capture in a CDXJ index."""

    urlkey: str
    timestamp: str
    url: str
    status: str | None
    mime: str | None
    digest: str | None
    filename: str
    offset: int
    length: int
    method: str | None = None

    @classmethod
    def parse(cls, line: str) -> CdxjLine:
        urlkey, timestamp, blob = line.rstrip("\n").split(" ", 2)
        fields = json.loads(blob)
        return cls(
            urlkey=urlkey,
            timestamp=timestamp,
            url=fields["url"],
            status=fields.get("status"),
            mime=fields.get("mime"),
            digest=fields.get("digest"),
            filename=fields["filename"],
            offset=int(fields["offset"]),
            length=int(fields["length"]),
            method=fields.get("method"),
        )


class CaptureIndexer(CDXJIndexer):  # type: ignore[misc]  # cdxj-indexer is untyped
    """cdxj-indexer with the record choice fixed: responses, revisits, resources, and
    metadata that is not ``application/warc-fields``. (The ``wacz`` package appends
    ``warcinfo`` to ``CDXJIndexer.DEFAULT_RECORDS`` when imported, which would otherwise
    change our indexes depending on what else the process imported.)"""

    def filter_record(self, record) -> bool:  # type: ignore[no-untyped-def]
        if record.rec_type in ("response", "revisit", "resource"):
            return True
        return bool(
            record.rec_type == "metadata" and record.rec_headers.get_header("Content-Type") != "application/warc-fields"
        )


def index_path(warc_path: Path, index_dir: Path) -> Path:
    """``indexes/<name>.cdxj`` for ``archive/<name>.warc.gz``."""
    return index_dir / (warc_path.name[: -len(WARC_SUFFIX)] + CDXJ_SUFFIX)


def cdxj_lines(warc_path: Path) -> list[str]:
    """The sorted CDXJ lines of one WARC file (nothing written to disk). A file warcio cannot
    read to its end is indexed run by run between its damaged members (``archive.warc.resync``)."""
    out = io.StringIO()
    indexer = CaptureIndexer(out, [str(warc_path)], sort=True, post_append=True)
    try:
        indexer.process_all()
    except Exception as exc:  # cdxj-indexer/warcio raise bare Exception on bad files
        logger.warning("%s is damaged (%s); indexing its intact records", warc_path.name, type(exc).__name__)
        return _resynced_lines(warc_path)
    lines = out.getvalue().splitlines(keepends=True)
    if not _last_record_sound(warc_path, lines):
        # warcio ends a record whose gzip member fails its data check midway as if the file
        # ended there (it only prints the zlib error): that record takes the rest of the file
        # and the records after it are not read
        logger.warning("%s is damaged (its last indexed record is unreadable); indexing its intact records",
                       warc_path.name)
        return _resynced_lines(warc_path)
    return lines


def _last_record_sound(warc_path: Path, lines: list[str]) -> bool:
    """Whether the record the lines place last in the file is one whole gzip member."""
    from archive.warc.resync import member_at

    last: tuple[int, int] | None = None
    for line in lines:
        if line.strip() and not line.startswith("!"):
            fields = json.loads(line.split(" ", 2)[2])
            place = (int(fields["offset"]), int(fields["length"]))
            last = place if last is None or place > last else last
    if last is None:
        return True
    offset, length = last
    with warc_path.open("rb") as fh:
        fh.seek(offset)
        data = fh.read(length)
    found = member_at(memoryview(data), 0)
    return not isinstance(found, str) and found.length == length


def _resynced_lines(warc_path: Path) -> list[str]:
    """CDXJ lines of the intact runs of a damaged file, offsets those of the file itself."""
    from archive.warc.resync import sound_runs

    runs, _damage = sound_runs(warc_path)
    lines: list[str] = []
    with warc_path.open("rb") as fh:
        for start, end in runs:
            fh.seek(start)
            out = io.StringIO()
            stream = io.BytesIO(fh.read(end - start))
            CaptureIndexer(out, [stream], sort=False, post_append=True, filename=warc_path.name).process_all()
            for line in out.getvalue().splitlines():
                if not line.strip() or line.startswith("!"):
                    continue
                urlkey, timestamp, blob = line.split(" ", 2)
                fields = json.loads(blob)
                fields["offset"] = str(int(fields["offset"]) + start)
                lines.append(f"{urlkey} {timestamp} {json.dumps(fields)}\n")
    return sorted(lines)


def write_index(warc_path: Path, index_dir: Path, lines: list[str] | None = None) -> Path:
    """Write (or rewrite) the sorted CDXJ of one closed WARC file (``lines`` when already
    computed); return its path."""
    target = index_path(warc_path, index_dir)
    lines = cdxj_lines(warc_path) if lines is None else lines
    write_atomic(target, "".join(lines))
    logger.debug("indexed %s: %s captures", warc_path.name, len(lines))
    return target


def rebuild(warc_dir: Path, index_dir: Path, *, keep_larger: list[str] | None = None) -> list[Path]:
    """Rewrite the CDXJ of every closed WARC in ``warc_dir``; drop our indexes (named by the
    WARC naming pattern) whose WARC is gone. Returns the indexes written. With ``keep_larger``
    (a list), an index that would lose lines is left as it is and its file named there."""
    written = []
    for path in sorted(warc_dir.glob("*" + WARC_SUFFIX)):
        lines = cdxj_lines(path)
        current = index_path(path, index_dir)
        if keep_larger is not None and current.exists():
            with current.open(encoding="utf-8") as fh:
                before = sum(1 for _ in fh)
            if len(lines) < before:
                keep_larger.append(f"{current.name} ({before} -> {len(lines)} captures)")
                written.append(current)
                continue
        written.append(write_index(path, index_dir, lines))
    expected = set(written)
    for stale in orphan_indexes(warc_dir, index_dir):
        if stale not in expected:
            stale.unlink()
            logger.info("removed %s: its WARC file is gone", stale.name)
    return written


def orphan_indexes(warc_dir: Path, index_dir: Path) -> list[Path]:
    """Our CDXJ files (WARC naming pattern) whose WARC file does not exist."""
    if not index_dir.is_dir():
        return []
    orphans = []
    for path in sorted(index_dir.glob("*" + CDXJ_SUFFIX)):
        warc_name = path.name[: -len(CDXJ_SUFFIX)] + WARC_SUFFIX
        if parse_name(warc_name) is not None and not (warc_dir / warc_name).exists():
            orphans.append(path)
    return orphans


def read_index(index_dir: Path) -> list[CdxjLine]:
    """Every capture in every ``*.cdxj`` of ``index_dir``."""
    lines = []
    for path in sorted(index_dir.glob("*" + CDXJ_SUFFIX)):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip() or line.startswith("!"):
                    continue
                try:
                    lines.append(CdxjLine.parse(line))
                except (ValueError, KeyError) as exc:
                    logger.warning("skipped a bad line of %s: %s", path.name, exc)
    return lines


def lookup(index_dir: Path, url: str) -> list[CdxjLine]:
    """The captures of ``url`` (POST captures too, whose key carries the body), reading only
    the lines whose key matches: no JSON parsed for the others."""
    key = url_key(url)
    prefixes = (key + " ", key + "?__wb_method=", key + "&__wb_method=")
    found = []
    for path in sorted(index_dir.glob("*" + CDXJ_SUFFIX)):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(prefixes):
                    try:
                        found.append(CdxjLine.parse(line))
                    except (ValueError, KeyError) as exc:
                        logger.warning("skipped a bad line of %s: %s", path.name, exc)
    return found


def url_key(url: str) -> str:
    """The SURT key cdxj-indexer gives ``url``."""
    key: str = CDXJIndexer.get_url_key(None, url)
    return key
