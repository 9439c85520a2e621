"""Rebuilding the corpus from the WARC files alone (``congan reextract``): no network, no
crawl, no registry state.

The page ``metadata`` record that closes each exchange (``archive.warc.records``) says
which response was an article (``congan-page-kind: article``), its portal and adapter. Its
``WARC-Concurrent-To`` names the response (or revisit) record. Responses are extracted
exactly as the crawl's pipeline does (``scrapers.filing.article``); a revisit (same payload,
or HTTP 304) re-files the article of the record it refers to, which moves ``last_seen``.
Files are read in the order they were written; times come from the records, so a
rebuild gives the crawl's records.

The other URLs the crawl saw for an article (``congan-alias`` fields) sit in the outlinks
record written once the page was parsed, often after later exchanges or in a later file:
a first pass over the files gathers them by the record they belong to (``alias_index``), so
articles are still filed in the order their pages were stored. Aliases linked only by pages
parsed after the article was filed (``congan-late-alias``, written when the crawl ended) are
merged once the articles of their file are filed, as the crawl's pipeline did when it closed.
The same pass notes pages requested as listings that the spider found to be articles
(``congan-parsed-as: article``), so they are filed like pages requested as articles, and pages
requested as articles that the spider found not to be (``congan-parsed-as: page``: the page
decides, ``scrapers.discovery.classify``), which are not filed.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warcio.exceptions import ArchiveLoadFailed

from archive.corpus import CaptureRef, CorpusStore, ExtractedArticle
from archive.corpus.listings import ListingPage, ListingStore
from archive.corpus.vanished import finish_crawls
from archive.paths import DEFAULT_COLLECTION
from archive.warc.naming import crawl_of
from archive.warc.records import (
    ALIAS_FIELD,
    LATE_ALIAS_FIELD,
    OUTLINKS_FIELD,
    PAGE_KIND_FIELD,
    PARSED_AS_FIELD,
    parse_warc_fields,
)
from archive.warc.reindex import written_order
from archive.warc.resync import Damage, iter_sound_records
from scrapers.filing.article import PageCapture, extract_page, file_article
from scrapers.filing.takedowns import LiveAnswers, evidence_of
from scrapers.portals.registry import Registry, load_registry

logger = logging.getLogger(__name__)

ARTICLE_KIND = "article"
#: page kinds the spider may find an article in only once it parses them (generic adapter;
#: ``rendered``: a JSON answer the browser got for a script shell, scrapers.rendering);
#: the outlinks record written after parsing says so (``congan-parsed-as: article``)
PARSED_LATER_KINDS = frozenset({"listing", "seed", "rendered"})
#: ``congan-parsed-as`` of a page requested as an article that held none
NOT_ARTICLE_KIND = "page"


@dataclass
class ReextractStats:
    files: int = 0
    articles: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    empty: int = 0
    unresolved_revisits: int = 0
    broken_files: int = 0
    removed: int = 0
    #: unreadable byte ranges skipped (file, range, records lost)
    damage: list[Damage] = field(default_factory=list)

    @property
    def records_lost(self) -> int:
        return sum(item.records_lost for item in self.damage)

    def to_json(self) -> dict[str, object]:
        return {
            "files": self.files, "articles": self.articles, "new": self.new, "changed": self.changed,
            "unchanged": self.unchanged, "empty": self.empty, "unresolved_revisits": self.unresolved_revisits,
            "broken_files": self.broken_files, "records_lost": self.records_lost,
            "damage": [item.to_json() for item in self.damage], "removed": self.removed,
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
    """Closed WARC files of a collection in the order they were written (opening time, then
    serial: ``archive.warc.reindex.written_order``); ``.open`` ones skipped."""
    if not directory.is_dir():
        return []
    return written_order(directory)


def _fields(payload: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in payload.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() not in found:
            found[name.strip()] = value.strip()
    return found


def _pending(record, path: Path, collection: str, offset: int, length: int) -> _Pending:
    """A response or revisit record, read to its end."""
    headers = record.rec_headers
    body = record.content_stream().read() if record.rec_type == "response" else b""
    http: dict[str, str] = {}
    if record.http_headers is not None:
        for name, value in record.http_headers.headers:
            http.setdefault(name, value)
    ident = headers.get_header("WARC-Record-ID")
    url = headers.get_header("WARC-Target-URI")
    stamp = "".join(ch for ch in headers.get_header("WARC-Date") or "" if ch.isdigit())[:14]
    return _Pending(
        url=url,
        record_type=record.rec_type,
        body=body,
        headers=http,
        capture=CaptureRef(
            timestamp=stamp, warc_file=path.name, offset=offset,
            length=length, record_id=ident, url=url, collection=collection,
        ),
        refers_to=headers.get_header("WARC-Refers-To"),
        refers_to_uri=headers.get_header("WARC-Refers-To-Target-URI"),
    )


def _wanted(record) -> bool:
    """2xx responses, and revisits of them or of a 304: error pages (a 503 before the retry
    that succeeded, a 410) never reach the crawl's pipeline either."""
    status = record.http_headers.get_statuscode() if record.http_headers is not None else ""
    return status.startswith("2") or (record.rec_type == "revisit" and status == "304")


#: sees every response and revisit record, in order (``scrapers.filing.takedowns``): the
#: exchange, its HTTP status and its Location header
Observer = Callable[[_Pending, int, "str | None"], None]


def iter_article_exchanges(
    path: Path, collection: str, parsed_as_article: frozenset[str] = frozenset(),
    damage: list[Damage] | None = None, observer: Observer | None = None,
    parsed_as_page: frozenset[str] = frozenset(),
) -> Iterator[tuple[_Pending, dict[str, str]]]:
    """(response or revisit, page metadata fields) of every article in one WARC file: pages
    requested as articles, and listings or seeds whose record id is in ``parsed_as_article``
    (the spider found an article in them: ``alias_index`` collects these from every file).

    Damaged gzip members are skipped (``archive.warc.resync``) and appended to ``damage``;
    an exchange is filed only when its response and its page metadata record are intact."""
    pending: dict[str, _Pending] = {}
    exchange: _Pending | None
    for sound in iter_sound_records(path, damage):
        record = sound.record
        if record.rec_type in ("response", "revisit"):
            exchange = _pending(record, path, collection, sound.offset, sound.length)
            if _wanted(record):
                pending[exchange.capture.record_id] = exchange
            if observer is not None:
                http = record.http_headers
                status = http.get_statuscode() if http is not None else ""
                location = http.get_header("Location") if http is not None else None
                observer(exchange, int(status) if status.isdigit() else 0, location)
        elif record.rec_type == "metadata":
            meta = _fields(record.content_stream().read())
            if PAGE_KIND_FIELD in meta:
                exchange = pending.pop(record.rec_headers.get_header("WARC-Concurrent-To"), None)
                kind = meta[PAGE_KIND_FIELD]
                if exchange is not None and kind == ARTICLE_KIND:
                    if exchange.capture.record_id not in parsed_as_page:
                        yield exchange, meta
                elif (exchange is not None and kind in PARSED_LATER_KINDS
                      and exchange.capture.record_id in parsed_as_article):
                    yield exchange, {**meta, PAGE_KIND_FIELD: ARTICLE_KIND}


@dataclass(frozen=True)
class SeenAliases:
    """Other URLs seen for the article of one capture, from one outlinks record."""

    record_id: str
    aliases: tuple[str, ...]
    #: seen only after the article was filed (``congan-late-alias``, written at the crawl's end)
    late: bool = False
    #: the page was requested as a listing or seed and parsed as an article (``congan-parsed-as``)
    parsed_as_article: bool = False
    #: the page was requested as an article and parsed as something else (``congan-parsed-as: page``)
    parsed_as_page: bool = False
    #: what the page held as a page of a listing (``archive.corpus.listings``)
    listing: ListingPage | None = None


@dataclass
class AliasIndex:
    #: record id -> aliases seen when its page was parsed (merged when it is filed)
    at_filing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: WARC file name -> aliases found later, merged once that file's articles are filed
    late: dict[str, list[SeenAliases]] = field(default_factory=dict)
    #: record ids of pages requested as listings or seeds that the spider found to be articles
    parsed_as_article: frozenset[str] = frozenset()
    #: record ids of pages requested as articles that the spider found not to be
    parsed_as_page: frozenset[str] = frozenset()
    #: WARC file name -> the listing pages whose outlinks records it holds, in order
    listings: dict[str, list[ListingPage]] = field(default_factory=dict)


def iter_aliases(path: Path) -> Iterator[SeenAliases]:
    """Every intact outlinks record of one WARC file that names aliases of the article of its
    capture (``congan-alias``, ``congan-late-alias``) or how the spider judged the page
    (``congan-parsed-as``)."""
    for sound in iter_sound_records(path):
        record = sound.record
        if record.rec_type != "metadata":
            continue
        fields = parse_warc_fields(record.content_stream().read())
        if fields and fields[0][0] == OUTLINKS_FIELD:
            if (PARSED_AS_FIELD, ARTICLE_KIND) in fields:
                yield SeenAliases(fields[0][1], (), parsed_as_article=True)
            if (PARSED_AS_FIELD, NOT_ARTICLE_KIND) in fields:
                yield SeenAliases(fields[0][1], (), parsed_as_page=True)
            listing = ListingPage.from_fields(fields)
            if listing is not None:
                yield SeenAliases(fields[0][1], (), listing=listing)
            for name, late in ((ALIAS_FIELD, False), (LATE_ALIAS_FIELD, True)):
                aliases = tuple(value for key, value in fields if key == name and value)
                if aliases:
                    yield SeenAliases(fields[0][1], aliases, late)


def alias_index(paths: list[Path]) -> AliasIndex:
    """The other URLs the crawl saw for its articles, from every file (an outlinks record may
    land in the file after its page's). What a damaged file holds before the damage counts;
    ``reextract`` reports the damage."""
    at_filing: dict[str, set[str]] = {}
    parsed_as_article: set[str] = set()
    parsed_as_page: set[str] = set()
    index = AliasIndex()
    for path in paths:
        try:
            for seen in iter_aliases(path):
                if seen.listing is not None:
                    index.listings.setdefault(path.name, []).append(seen.listing)
                elif seen.parsed_as_article:
                    parsed_as_article.add(seen.record_id)
                elif seen.parsed_as_page:
                    parsed_as_page.add(seen.record_id)
                elif seen.late:
                    index.late.setdefault(path.name, []).append(seen)
                else:
                    at_filing.setdefault(seen.record_id, set()).update(seen.aliases)
        except (ArchiveLoadFailed, EOFError, zlib.error) as exc:
            logger.debug("reextract: aliases of %s read up to damage (%s)", path.name, exc)
    index.at_filing = {record_id: tuple(sorted(aliases)) for record_id, aliases in at_filing.items()}
    index.parsed_as_article = frozenset(parsed_as_article)
    index.parsed_as_page = frozenset(parsed_as_page)
    return index


def reextract(
    warc_dir: Path, store: CorpusStore, *, collection: str = DEFAULT_COLLECTION, registry: Registry | None = None
) -> ReextractStats:
    """File every article of the collection's WARCs in ``store`` (normally a fresh one)."""
    paths = warc_files(warc_dir)
    rebuild = _Rebuild(store, registry if registry is not None else load_registry(), collection, alias_index(paths))
    for path in paths:
        rebuild.stats.files += 1
        damage: list[Damage] = []
        try:
            rebuild.file_warc(path, damage)
        except (ArchiveLoadFailed, EOFError, zlib.error) as exc:  # a record warcio cannot parse
            damage.append(Damage(path.name, 0, 0, 0, f"unreadable record: {exc}"))
        if damage:
            rebuild.stats.broken_files += 1
            rebuild.stats.damage.extend(damage)
        for seen in rebuild.aliases.late.get(path.name, ()):
            store.add_aliases(seen.record_id, seen.aliases)
        rebuild.listed(path, paths)
    return rebuild.stats


@dataclass
class _Rebuild:
    store: CorpusStore
    registry: Registry
    collection: str
    #: other URLs seen for the articles (``alias_index``)
    aliases: AliasIndex = field(default_factory=AliasIndex)
    stats: ReextractStats = field(default_factory=ReextractStats)
    #: articles already extracted, for the revisits that refer to them
    by_record: dict[str, ExtractedArticle] = field(default_factory=dict)
    by_url: dict[str, ExtractedArticle] = field(default_factory=dict)
    #: when each portal last answered successfully (takedowns need a live portal)
    live: LiveAnswers = field(default_factory=LiveAnswers)

    def observe(self, exchange: _Pending, status: int, location: str | None) -> None:
        """Takedowns, as the crawl's ``scrapers.crawl.removals`` records them."""
        found = evidence_of(status, exchange.url, location, exchange.capture, self.live)
        if found is not None and self.store.mark_removed(exchange.url, found) is not None:
            self.stats.removed += 1

    def listed(self, path: Path, paths: list[Path]) -> None:
        """The listing pages of one file, as the crawl recorded them; at the last file of a
        crawl, its walks and the articles gone from every listing (``archive.corpus.vanished``),
        as the crawl judged them when it finished."""
        pages = self.aliases.listings.get(path.name, [])
        with ListingStore(self.store.directory) as listings:
            for page in pages:
                listings.record(page)
            later = paths[paths.index(path) + 1:]
            if not later or crawl_of(later[0].name) != crawl_of(path.name):
                counts = finish_crawls(self.store, listings)
                self.stats.removed += counts.removed

    def file_warc(self, path: Path, damage: list[Damage] | None = None) -> None:
        exchanges = iter_article_exchanges(
            path, self.collection, self.aliases.parsed_as_article, damage, self.observe,
            self.aliases.parsed_as_page,
        )
        for exchange, meta in exchanges:
            earlier = None
            if exchange.record_type != "response":
                earlier = self.by_record.get(exchange.refers_to or "") or self.by_url.get(
                    exchange.refers_to_uri or exchange.url
                )
                if earlier is None and (exchange.refers_to or "") in self.aliases.parsed_as_page:
                    continue  # a revisit of a page the crawl found to hold no article
                if earlier is None:
                    self.stats.unresolved_revisits += 1
                    logger.warning("reextract: revisit of %s refers to a record not in this collection", exchange.url)
                    continue
            page = PageCapture(
                url=exchange.url, capture=exchange.capture, body=exchange.body, headers=exchange.headers,
                adapter=meta.get("congan-adapter") or None, site=meta.get("congan-site"),
                aliases=self.aliases.at_filing.get(exchange.capture.record_id, ()),
            )
            filing = extract_page(page, self.registry, earlier)
            # revisits re-file what the page said, as the crawl re-extracts it; the links
            # the crawl saw for this capture are its own
            self.by_record[exchange.capture.record_id] = filing.extracted
            self.by_url[exchange.url] = filing.extracted
            self.stats.articles += 1
            result = file_article(self.store, filing).result
            if result is None:
                self.stats.empty += 1
            else:
                setattr(self.stats, result.kind, getattr(self.stats, result.kind) + 1)
