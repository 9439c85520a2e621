"""Extraction in worker processes and filing in a thread (EXTRACT_WORKERS): the corpus gets
the same records, in the order the spider gave the pages, and no worker outlives its crawl."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from archive.capture import StoredRecord
from archive.corpus import CorpusStore
from scrapers.filing.article import PageCapture
from scrapers.filing.offload import Offload
from scrapers.filing.pipeline import ArticlePipeline
from scrapers.items import ArticlePage

PAGES = Path(__file__).parent / "data" / "extract"
SITE = "congan.laocai.gov.vn"


def stored(n: int, url: str) -> StoredRecord:
    return StoredRecord(
        warc_file="congan-t-00000.warc.gz", offset=1000 * n, length=900, url=url, record_type="response",
        record_id=f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>", timestamp=f"2025010{n}030405",
    )


def items() -> list[ArticlePage]:
    pages = ["article_utf8.html", "article_cp1258_meta.html", "binary_junk.html", "article_nfd.html"]
    return [
        ArticlePage(
            url=f"http://{SITE}/tin-tuc/bai-{n}", body=(PAGES / name).read_bytes(), site=SITE,
            adapter="vnpt", profile="generic", capture=stored(n, f"http://{SITE}/tin-tuc/bai-{n}"),
        )
        for n, name in enumerate(pages, start=1)
    ]


def run_pipeline(data_dir: Path, workers: int, offloaded: bool) -> tuple[list[str], dict[str, int]]:
    crawler = get_crawler(settings_dict={"CONGAN_DATA": str(data_dir), "EXTRACT_WORKERS": workers})
    crawler.stats.open_spider()
    pipeline = ArticlePipeline.from_crawler(crawler)
    if offloaded:
        async def crawl() -> list[object]:
            pipeline.open_spider()
            # as Scrapy does: every item's processing starts before any is done
            pending = [pipeline.process_item(item) for item in items()]
            done = [await p if asyncio.iscoroutine(p) else p for p in pending]
            pipeline.close_spider()
            return done

        results = asyncio.run(crawl())
    else:
        pipeline.open_spider()
        results = [pipeline.process_item(item) for item in items()]
        pipeline.close_spider()
    assert results == items()
    with CorpusStore(data_dir / "corpus") as store:
        latest = sorted(record.url for record in store.latest())
        order = [json.loads(line)["url"] for line in store.jsonl_path.read_text(encoding="utf-8").splitlines()]
    assert latest == sorted(order)
    stats = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("extract/")}
    return order, stats


@pytest.mark.parametrize("workers", [0, 1, 2])
def test_offloaded_pipeline_files_what_the_inline_one_does_in_the_same_order(tmp_path: Path, workers: int) -> None:
    inline = run_pipeline(tmp_path / "inline", workers, offloaded=False)
    offloaded = run_pipeline(tmp_path / "offloaded", workers, offloaded=True)
    assert offloaded == inline
    stats = inline[1]
    assert stats["extract/empty"] == 1  # the junk page files nothing
    assert stats["extract/new"] + stats.get("extract/unchanged", 0) == 3 and len(inline[0]) == stats["extract/new"]


CHILD = """
import asyncio, os, sys
from scrapers.filing.offload import Offload, _extract_in_worker
from scrapers.filing.article import PageCapture

async def main():
    offload = Offload(1, None)
    await offload.extract(PageCapture(url="http://congan.laocai.gov.vn/a", capture=None, body=b"<p>x</p>"), False)
    print(*[p.pid for p in offload._processes._processes.values()], flush=True)
    os.kill(os.getpid(), 9)

asyncio.run(main())
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead too: it only waits for its (new) parent to reap it
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_worker_ends_when_its_crawl_is_killed(tmp_path: Path) -> None:
    child = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr
    workers = [int(pid) for pid in child.stdout.split()]
    assert workers
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in workers)


def test_outside_a_running_loop_nothing_is_offloaded() -> None:
    assert not Offload.running()


def test_a_page_is_still_extracted_when_its_worker_dies(tmp_path: Path) -> None:
    page = items()[0]
    capture = PageCapture(url=page.url, capture=None, body=page.body, profile="generic")

    async def crawl() -> list[str | None]:
        offload = Offload(1, None)
        first = await offload.extract(capture, False)
        assert offload._processes is not None
        for pid in list(offload._processes._processes):  # the worker is killed (out of memory...)
            os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(0.5)
        again = await offload.extract(capture, False)
        third = await offload.extract(capture, False)  # and a new worker takes over
        offload.close()
        return [e.filing.article.title for e in (first, again, third)]

    titles = asyncio.run(crawl())
    assert titles[0] and titles == [titles[0]] * 3
