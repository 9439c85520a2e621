"""Rebuilding the corpus from the WARC files alone (``congan reextract``): no network, no
crawl, no registry state.

The page ``metadata`` record that closes each exchange (``archive.warc.records``) says
which response was an article (``congan-page-kind: article``), its portal and adapter. Its
``WARC-Concurrent-To`` names the response (or revisit) record. Responses are extracted
exactly as the crawl's pipeline does (``scrapers.article_filing``); a revisit (same payload,
or HTTP 304) re-files the article of the record it refers to, which moves ``last_seen``.
Files are read in name order, which is capture order; times come from the records, so a
rebuild gives the crawl's records.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.corpus import CaptureRef, CorpusStore, ExtractedArticle
from archive.corpus.record import timestamp_to_datetime
from archive.warc.records import PAGE_KIND_FIELD
from scrapers.article_filing import extract_placed, file_capture, placed, placement
from scrapers.registry import Registry, load_registry

logger = logging.getLogger(__name__)

ARTICLE_KIND = "article"
WARC_SUFFIXES = (".warc.gz", ".warc")


@dataclass
class ReextractStats:
    files: int = 0
    articles: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    empty: int = 0
    unresolved_revisits: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "files": self.files, "articles": self.articles, "new": self.new, "changed": self.changed,
            "unchanged": self.unchanged, "empty": self.empty, "unresolved_revisits": self.unresolved_revisits,
        }


@dataclass(frozen=True)
class _Pending:
    url: str
    record_type: str
    body: bytes
    headers: dict[str, str]
    capture: CaptureRef
    refers_to: str | None
    refers_to_uri: str | None


def warc_files(directory: Path) -> list[Path]:
    """Closed WARC files of a collection, in name (capture) order; ``.open`` ones skipped."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.endswith(WARC_SUFFIXES))


def _fields(payload: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in payload.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() not in found:
            found[name.strip()] = value.strip()
    return found


def iter_article_exchanges(path: Path, collection: str) -> Iterator[tuple[_Pending, dict[str, str]]]:
    """(response or revisit, page metadata fields) of every article in one WARC file."""
    pending: dict[str, _Pending] = {}
    with open(path, "rb") as handle:
        records = ArchiveIterator(handle)
        for record in records:
            kind = record.rec_type
            headers = record.rec_headers
            if kind in ("response", "revisit"):
                status = record.http_headers.get_statuscode() if record.http_headers is not None else ""
                if not (status.startswith("2") or (kind == "revisit" and status == "304")):
                    # error pages (a 503 before the retry that succeeded, a 410) never reach
                    # the crawl's pipeline either, nor do revisits of them
                    records.read_to_end(record)
                    continue
                body = record.content_stream().read() if kind == "response" else b""
                records.read_to_end(record)
                http = {}
                if record.http_headers is not None:
                    for name, value in record.http_headers.headers:
                        http.setdefault(name, value)
                ident = headers.get_header("WARC-Record-ID")
                date = headers.get_header("WARC-Date") or ""
                stamp = "".join(ch for ch in date if ch.isdigit())[:14]
                pending[ident] = _Pending(
                    url=headers.get_header("WARC-Target-URI"),
                    record_type=kind,
                    body=body,
                    headers=http,
                    capture=CaptureRef(
                        timestamp=stamp, warc_file=path.name, offset=records.get_record_offset(),
                        length=records.get_record_length(), record_id=ident,
                        url=headers.get_header("WARC-Target-URI"), collection=collection,
                    ),
                    refers_to=headers.get_header("WARC-Refers-To"),
                    refers_to_uri=headers.get_header("WARC-Refers-To-Target-URI"),
                )
            elif kind == "metadata":
                payload = record.content_stream().read()
                meta = _fields(payload)
                concurrent = headers.get_header("WARC-Concurrent-To")
                if PAGE_KIND_FIELD in meta and concurrent in pending:
                    exchange = pending.pop(concurrent)
                    if meta[PAGE_KIND_FIELD] == ARTICLE_KIND:
                        yield exchange, meta
                elif PAGE_KIND_FIELD in meta:
                    pending.pop(concurrent, None)


def reextract(
    warc_dir: Path, store: CorpusStore, *, collection: str = "congan", registry: Registry | None = None
) -> ReextractStats:
    """File every article of the collection's WARCs in ``store`` (normally a fresh one)."""
    registry = registry if registry is not None else load_registry()
    stats = ReextractStats()
    by_record: dict[str, ExtractedArticle] = {}
    by_url: dict[str, ExtractedArticle] = {}
    for path in warc_files(warc_dir):
        stats.files += 1
        for exchange, meta in iter_article_exchanges(path, collection):
            where = placement(exchange.url, meta.get("congan-adapter") or None, registry, meta.get("congan-site"))
            if exchange.record_type == "response":
                article = extract_placed(exchange.body, exchange.url, exchange.headers, where)
            else:
                earlier = by_record.get(exchange.refers_to or "") or by_url.get(exchange.refers_to_uri or exchange.url)
                if earlier is None:
                    stats.unresolved_revisits += 1
                    logger.warning("reextract: revisit of %s refers to a record not in this collection", exchange.url)
                    continue
                article = placed(earlier, where, exchange.url)
            by_record[exchange.capture.record_id] = article
            by_url[exchange.url] = article
            stats.articles += 1
            result = file_capture(store, article, exchange.capture, timestamp_to_datetime(exchange.capture.timestamp))
            if result is None:
                stats.empty += 1
            else:
                setattr(stats, result.kind, getattr(stats, result.kind) + 1)
    return stats
