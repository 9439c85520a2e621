"""Packaging one crawl as a WACZ (``congan wacz create CRAWL_ID``), with the ``wacz`` package.

The package holds the crawl's closed WARC files (named ``<prefix>-<crawl_id>-…``), the CDXJ
index the ``wacz`` package builds from them, and our own ``pages/pages.jsonl``: one line per
HTML page the crawl stored (URL, title, ISO timestamp, status), copied as written. It is
validated right after it is written; ``DataDir.wacz_dir/<crawl_id>.wacz`` by default.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import io
import json
import logging
import re
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

from wacz.main import main as wacz_main
from warcio.recordloader import ArcWarcRecord

from archive.errors import ArchiveError, UserInputError
from archive.paths import DEFAULT_COLLECTION, DataDir
from archive.warc.naming import WARC_SUFFIX, crawl_of
from archive.warc.reader import iter_records, load_record
from archive.warc.records import PAGE_KIND_FIELD, parse_warc_fields

logger = logging.getLogger(__name__)

#: page kinds that are pages a visitor looks at (not requisites, robots, feeds, APIs)
PAGE_KINDS = frozenset({"article", "listing", "seed", "unknown"})
_TITLE_RX = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_CHARSET_RX = re.compile(r"charset=([\w-]+)", re.IGNORECASE)


class WaczError(ArchiveError):
    """The WACZ could not be written or does not validate."""


@dataclass(frozen=True)
class Page:
    url: str
    ts: str  # WARC-Date, ISO 8601
    title: str
    status: int

    def as_json(self) -> str:
        return json.dumps(
            {"url": self.url, "ts": self.ts, "title": self.title, "status": self.status}, ensure_ascii=False
        )


@dataclass(frozen=True)
class WaczResult:
    path: Path
    warcs: tuple[Path, ...]
    pages: int


def crawl_warcs(warc_dir: Path, crawl_id: str) -> list[Path]:
    """The closed WARC files of one crawl, in order."""
    return [p for p in sorted(warc_dir.glob("*" + WARC_SUFFIX)) if crawl_of(p.name) == crawl_id]


def page_title(record: ArcWarcRecord, payload: bytes) -> str:
    """The <title> of an HTML payload (content coding removed), NFC, or ''."""
    headers = record.http_headers
    coding = (headers.get_header("Content-Encoding") or "").lower() if headers else ""
    try:
        if coding in ("gzip", "x-gzip"):
            payload = gzip.decompress(payload)
        elif coding == "deflate":
            payload = zlib.decompress(payload)
    except (OSError, EOFError, zlib.error):
        return ""
    match = _TITLE_RX.search(payload[:200_000])
    if not match:
        return ""
    content_type = headers.get_header("Content-Type") or "" if headers else ""
    charset = _CHARSET_RX.search(content_type)
    try:
        text = match.group(1).decode(charset.group(1) if charset else "utf-8", errors="replace")
    except LookupError:
        text = match.group(1).decode("utf-8", errors="replace")
    return unicodedata.normalize("NFC", " ".join(html.unescape(text).split()))


def collect_pages(warcs: list[Path]) -> list[Page]:
    """The HTML pages stored in ``warcs``: responses (and revisits) whose page metadata says
    they are pages, with their titles."""
    candidates: dict[str, Page] = {}
    kinds: dict[str, str] = {}
    for path in warcs:
        for ref, record in iter_records(path, payload_of=frozenset({"metadata"})):
            if ref.rec_type in ("response", "revisit") and record.http_headers and ref.url:
                content_type = (record.http_headers.get_header("Content-Type") or "").lower()
                if "html" not in content_type:
                    continue
                status = int(record.http_headers.get_statuscode() or 0)
                title = ""
                if ref.rec_type == "response":
                    loaded, payload = load_record(path, ref.offset)
                    title = page_title(loaded, payload)
                candidates[ref.record_id] = Page(ref.url, ref.date or "", title or ref.url, status)
            elif ref.rec_type == "metadata":
                concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
                if concurrent in candidates:
                    fields = dict(parse_warc_fields(ref.payload or b""))
                    if PAGE_KIND_FIELD in fields:
                        kinds[concurrent] = fields[PAGE_KIND_FIELD]
    return [page for rid, page in candidates.items() if kinds.get(rid, "unknown") in PAGE_KINDS]


def _run_wacz(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = wacz_main(args)
    return code or 0, out.getvalue()


def create_wacz(
    data: DataDir, crawl_id: str, *, collection: str = DEFAULT_COLLECTION, output: Path | None = None
) -> WaczResult:
    """Write and validate the WACZ of one crawl."""
    warcs = crawl_warcs(data.warc_dir(collection), crawl_id)
    if not warcs:
        raise UserInputError(
            f"no closed WARC file of crawl {crawl_id!r} in {data.warc_dir(collection)}; see `congan crawls list`"
        )
    pages = collect_pages(warcs)
    target = output or data.wacz_dir / f"{crawl_id}.wacz"
    target.parent.mkdir(parents=True, exist_ok=True)
    pages_file = target.with_name(target.stem + ".pages.jsonl")
    header = {"format": "json-pages-1.0", "id": "pages", "title": f"congan-archive crawl {crawl_id}", "hasText": False}
    pages_file.write_text(
        "\n".join([json.dumps(header, ensure_ascii=False)] + [p.as_json() for p in pages]) + "\n", encoding="utf-8"
    )
    tmp = target.with_name(target.name + ".tmp.wacz")
    try:
        code, log = _run_wacz(
            [
                "create",
                "-o",
                str(tmp),
                "-p",
                str(pages_file),
                "--copy-pages",
                "--title",
                f"congan-archive crawl {crawl_id}",
                *map(str, warcs),
            ]
        )
        if code != 0 or not tmp.exists():
            raise WaczError(
                f"wacz create failed for crawl {crawl_id}: {log.strip()[-500:]}; "
                "check its WARC files with `congan warc verify`"
            )
        code, log = _run_wacz(["validate", "-f", str(tmp)])
        if code != 0:
            raise WaczError(
                f"the WACZ of crawl {crawl_id} does not validate: {log.strip()[-500:]}; "
                "run `congan warc verify`, repair what it lists, then create the WACZ again"
            )
        tmp.replace(target)
    finally:
        pages_file.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    logger.info("wrote %s: %s WARC files, %s pages", target, len(warcs), len(pages))
    return WaczResult(target, tuple(warcs), len(pages))


def validate_wacz(path: Path) -> tuple[bool, str]:
    """Run the ``wacz`` package's validator on a file: (valid, its output)."""
    code, log = _run_wacz(["validate", "-f", str(path)])
    return code == 0, log
