"""The pages of a WACZ: which captures are pages, their titles and their text.

A page is a successful (2xx) HTML capture (``response``, or an identical-payload ``revisit``)
whose page metadata says a visitor looks at it (article, listing, seed); redirects, errors,
304s and requisites stay in the index only. Seeds go to ``pages/pages.jsonl``, every other
page to ``pages/extraPages.jsonl``, as Browsertrix does. Each line carries what client-side
tools (ReplayWeb.page) search: the ``title``, and for articles the article ``text`` as the
corpus holds it (the body the extraction cascade kept, not the menus around it).

Titles are decoded with the function the caller gives (the project's ``decode_html``: BOM,
strict UTF-8, HTTP and ``<meta>`` charsets incl. windows-1258, NFC), so the package never
guesses a charset on its own.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import logging
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from warcio.recordloader import ArcWarcRecord

from archive.corpus.record import ArticleRecord
from archive.corpus.store import JSONL_NAME, CorpusStore
from archive.paths import DataDir
from archive.warc.reader import RecordRef, iter_records, load_record
from archive.warc.records import PAGE_KIND_FIELD, PARSED_AS_FIELD, parse_warc_fields

logger = logging.getLogger(__name__)

#: ``decode(body, headers) -> (text, charset)``: ``scrapers.extract.text.decode_html``
Decoder = Callable[[bytes, Mapping[str, str]], "tuple[str, str]"]

#: page kinds that are pages a visitor looks at (not requisites, robots, feeds, APIs)
PAGE_KINDS = frozenset({"article", "listing", "seed", "unknown"})
#: the page kind of a crawl's seeds: they go to pages.jsonl, the rest to extraPages.jsonl
SEED_KIND = "seed"
#: how much of a page is searched for its <title>
TITLE_SNIFF_CHARS = 200_000
_TITLE_RX = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Page:
    """One line of pages.jsonl / extraPages.jsonl."""

    url: str
    ts: str  # WARC-Date, ISO 8601
    title: str
    status: int
    seed: bool
    text: str | None = None

    @property
    def page_id(self) -> str:
        return hashlib.sha1(f"{self.ts} {self.url}".encode()).hexdigest()[:32]

    def as_json(self) -> str:
        line: dict[str, object] = {"id": self.page_id, "url": self.url, "ts": self.ts, "title": self.title,
                                   "mime": "text/html", "status": self.status, "seed": self.seed}
        if self.text:
            line["text"] = self.text
        return json.dumps(line, ensure_ascii=False)


@dataclass
class _Candidate:
    url: str
    ts: str
    status: int
    title: str
    record_id: str
    kind: str = "unknown"
    parsed_as: str | None = None


def _decoded_payload(record: ArcWarcRecord, payload: bytes) -> bytes | None:
    headers = record.http_headers
    coding = (headers.get_header("Content-Encoding") or "").lower() if headers else ""
    try:
        if coding in ("gzip", "x-gzip"):
            return gzip.decompress(payload)
        if coding == "deflate":
            return zlib.decompress(payload)
    except (OSError, EOFError, zlib.error):
        return None
    return payload


def page_title(record: ArcWarcRecord, payload: bytes, decode: Decoder) -> str:
    """The <title> of an HTML payload (content coding removed, decoded by ``decode``), NFC, or ''."""
    body = _decoded_payload(record, payload)
    if body is None:
        return ""
    headers = dict(record.http_headers.headers) if record.http_headers else {}
    text, _charset = decode(body, headers)
    match = _TITLE_RX.search(text[:TITLE_SNIFF_CHARS])
    if not match:
        return ""
    return unicodedata.normalize("NFC", " ".join(html.unescape(match.group(1)).split()))


@dataclass
class ArticleTexts:
    """Article title and text per capture, from the corpus: by the record a version was
    extracted from, else (a revisit, a capture that confirmed an unchanged article) the
    latest version of the article at that URL captured at or before the page."""

    by_record: dict[str, ArticleRecord] = field(default_factory=dict)
    by_url: dict[str, list[ArticleRecord]] = field(default_factory=dict)

    @classmethod
    def load(cls, data: DataDir) -> ArticleTexts:
        texts = cls()
        if not (data.corpus_dir / JSONL_NAME).exists():
            return texts
        with CorpusStore.open(data) as store:
            latest = list(store.latest())
            for record in latest:
                for version in store.versions(record.id):
                    texts.add(version, [record.url, *record.aliases])
        return texts

    def add(self, version: ArticleRecord, urls: Iterable[str]) -> None:
        if version.capture.record_id:
            self.by_record[version.capture.record_id] = version
        for url in urls:
            self.by_url.setdefault(url, []).append(version)

    def find(self, record_id: str, url: str, ts: str) -> ArticleRecord | None:
        if record_id in self.by_record:
            return self.by_record[record_id]
        stamp = "".join(ch for ch in ts if ch.isdigit())[:14]
        earlier = [v for v in self.by_url.get(url, []) if _capture_stamp(v) <= stamp]
        return max(earlier, key=_capture_stamp) if earlier else None


def _capture_stamp(version: ArticleRecord) -> str:
    return version.capture.timestamp or ""


def _candidate(path: Path, ref: RecordRef, record: ArcWarcRecord, decode: Decoder) -> _Candidate | None:
    """A capture that may be a page: a 2xx HTML response or identical-payload revisit."""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    status = int(record.http_headers.get_statuscode() or 0)
    if "html" not in content_type or not 200 <= status < 300:
        return None
    title = ""
    if ref.rec_type == "response":
        loaded, payload = load_record(path, ref.offset)
        title = page_title(loaded, payload, decode)
    return _Candidate(ref.url or "", ref.date or "", status, title, ref.record_id)


def collect_pages(warcs: list[Path], decode: Decoder, texts: ArticleTexts | None = None) -> list[Page]:
    """The pages stored in ``warcs``, in capture order, with titles and article text."""
    texts = texts or ArticleTexts()
    candidates: dict[str, _Candidate] = {}
    for path in warcs:
        for ref, record in iter_records(path, payload_of=frozenset({"metadata"})):
            if ref.rec_type in ("response", "revisit") and record.http_headers and ref.url:
                found = _candidate(path, ref, record, decode)
                if found is not None:
                    candidates[ref.record_id] = found
            elif ref.rec_type == "metadata":
                concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
                if concurrent in candidates:
                    fields = dict(parse_warc_fields(ref.payload or b""))
                    if PAGE_KIND_FIELD in fields:
                        candidates[concurrent].kind = fields[PAGE_KIND_FIELD]
                    if PARSED_AS_FIELD in fields:
                        candidates[concurrent].parsed_as = fields[PARSED_AS_FIELD]
    pages = []
    for found in candidates.values():
        if found.kind not in PAGE_KINDS:
            continue
        article = texts.find(found.record_id, found.url, found.ts)
        title = found.title or (article.title if article and article.title else "") or found.url
        text = article.body if article and article.body else None
        pages.append(Page(found.url, found.ts, title, found.status, found.kind == SEED_KIND, text))
    return pages
