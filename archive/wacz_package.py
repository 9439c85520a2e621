"""Packaging one crawl as a WACZ (``congan wacz create CRAWL_ID``), with the ``wacz`` package.

The package holds the crawl's closed WARC files (named ``<prefix>-<crawl_id>-…``), the CDXJ
index the ``wacz`` package builds from them, our own ``pages/pages.jsonl`` (the seeds) and
``pages/extraPages.jsonl`` (every other page), with titles and article text
(``archive.wacz_pages``), and a ``datapackage.json`` that says what the package is (``title``,
``description``, ``mainPageUrl``, ``mainPageDate``, ``modified``, as the WACZ 1.1.1 spec names
them; py-wacz writes ``mainPageURL`` and no ``modified``, so the file is completed after it and
its digest in ``datapackage-digest.json`` recomputed). It is validated right after it is
written; ``DataDir.wacz_dir/<crawl_id>.wacz`` by default.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import shutil
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wacz.main import main as wacz_main

from archive.errors import ArchiveError, UserInputError
from archive.paths import DEFAULT_COLLECTION, DataDir
from archive.wacz_pages import ArticleTexts, Decoder, Page, collect_pages
from archive.warc.naming import WARC_SUFFIX, crawl_of

logger = logging.getLogger(__name__)

DATAPACKAGE = "datapackage.json"
DATAPACKAGE_DIGEST = "datapackage-digest.json"


class WaczError(ArchiveError):
    """The WACZ could not be written or does not validate."""


@dataclass(frozen=True)
class WaczResult:
    path: Path
    warcs: tuple[Path, ...]
    pages: int  # every page listed, seeds (pages.jsonl) and the others (extraPages.jsonl)
    seeds: int = 0


def crawl_warcs(warc_dir: Path, crawl_id: str) -> list[Path]:
    """The closed WARC files of one crawl, in order."""
    return [p for p in sorted(warc_dir.glob("*" + WARC_SUFFIX)) if crawl_of(p.name) == crawl_id]


def _write_pages(path: Path, list_id: str, title: str, pages: list[Page]) -> None:
    header = {"format": "json-pages-1.0", "id": list_id, "title": title, "hasText": any(p.text for p in pages)}
    lines = [json.dumps(header, ensure_ascii=False)] + [page.as_json() for page in pages]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _main_page(pages: list[Page]) -> Page | None:
    """The first seed captured (else the first page): where a viewer opens the package."""
    ordered = sorted(pages, key=lambda page: (not page.seed, page.ts))
    return ordered[0] if ordered else None


def complete_datapackage(path: Path, *, title: str, description: str, main: Page | None) -> None:
    """Add the WACZ 1.1.1 fields py-wacz leaves out to ``datapackage.json``, recompute its
    digest, and rewrite the zip (every other member copied as it is, compression included).

    No member is forced to zip64: a local header then carries a zip64 extra field that its
    central directory entry lacks, and readers that take a member's data offset from the
    central directory alone (ReplayWeb.page's) read 20 bytes too early. With its size known,
    ``zipfile`` writes zip64 fields only for members that need them (WARC files rotate at 1 GB)."""
    tmp = path.with_name(path.name + ".dp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp, "w") as target:
        package = json.loads(source.read(DATAPACKAGE))
        package.pop("mainPageURL", None)
        package["title"] = title
        package["description"] = description
        if main is not None:
            package["mainPageUrl"] = main.url
            package["mainPageDate"] = main.ts
        package["modified"] = package.get("created") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        package_bytes = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
        digest = json.loads(source.read(DATAPACKAGE_DIGEST))
        digest["hash"] = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
        for info in source.infolist():
            if info.filename == DATAPACKAGE:
                target.writestr(info, package_bytes)
            elif info.filename == DATAPACKAGE_DIGEST:
                target.writestr(info, json.dumps(digest, indent=2).encode("utf-8"))
            else:
                with source.open(info) as member, target.open(info, "w") as copy:
                    shutil.copyfileobj(member, copy, 1 << 20)
    tmp.replace(path)


def _run_wacz(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = wacz_main(args)
    return code or 0, out.getvalue()


def create_wacz(data: DataDir, crawl_id: str, *, decode: Decoder, collection: str = DEFAULT_COLLECTION,
                output: Path | None = None) -> WaczResult:
    """Write and validate the WACZ of one crawl; ``decode`` decodes page titles (the
    project's ``scrapers.extract.text.decode_html``)."""
    warcs = crawl_warcs(data.warc_dir(collection), crawl_id)
    if not warcs:
        raise UserInputError(f"no closed WARC file of crawl {crawl_id!r} in {data.warc_dir(collection)}; "
                             "see `congan crawls list`")
    pages = collect_pages(warcs, decode, ArticleTexts.load(data))
    seeds = [page for page in pages if page.seed]
    extra = [page for page in pages if not page.seed]
    title = f"congan-archive crawl {crawl_id}"
    sites = sorted({page.url.split("/")[2] for page in pages if page.url.count("/") >= 2})
    description = (
        f"Captures of Vietnamese provincial police portals (congan.<province>.gov.vn) by congan-archive, "
        f"crawl {crawl_id}: {len(pages)} pages of {len(sites)} portals, "
        f"{sum(1 for page in pages if page.text)} with their article text."
    )
    target = output or data.wacz_dir / f"{crawl_id}.wacz"
    target.parent.mkdir(parents=True, exist_ok=True)
    pages_file = target.with_name(target.stem + ".pages.jsonl")
    extra_file = target.with_name(target.stem + ".extraPages.jsonl")
    _write_pages(pages_file, "pages", f"{title}: seeds", seeds)
    _write_pages(extra_file, "extra-pages", f"{title}: other pages", extra)
    tmp = target.with_name(target.name + ".tmp.wacz")
    try:
        code, log = _run_wacz(["create", "-o", str(tmp), "-p", str(pages_file), "-e", str(extra_file),
                               "--copy-pages", "--title", title, "--desc", description, *map(str, warcs)])
        if code != 0 or not tmp.exists():
            raise WaczError(f"wacz create failed for crawl {crawl_id}: {log.strip()[-500:]}")
        complete_datapackage(tmp, title=title, description=description, main=_main_page(pages))
        code, log = _run_wacz(["validate", "-f", str(tmp)])
        if code != 0:
            raise WaczError(
                f"the WACZ of crawl {crawl_id} does not validate: {log.strip()[-500:]}; "
                "run `congan warc verify`, repair what it lists, then create the WACZ again"
            )
        tmp.replace(target)
    finally:
        pages_file.unlink(missing_ok=True)
        extra_file.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
        target.with_name(tmp.name + ".dp").unlink(missing_ok=True)
    logger.info("wrote %s: %s WARC files, %s pages (%s seeds)", target, len(warcs), len(pages), len(seeds))
    return WaczResult(target, tuple(warcs), len(pages), len(seeds))


def validate_wacz(path: Path) -> tuple[bool, str]:
    """Run the ``wacz`` package's validator on a file: (valid, its output)."""
    code, log = _run_wacz(["validate", "-f", str(path)])
    return code == 0, log
