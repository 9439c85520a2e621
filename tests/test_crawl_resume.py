"""Ctrl-C, then kill -9, of `congan crawl` in the middle of a crawl of the simulated network;
each time the same command again resumes the interrupted crawl, which ends with the same
articles (corpus ids) and the same captured URLs as the uninterrupted crawl of the shared
fixture."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crawl_fixtures import corpus_ids, start_crawl
from warcio.archiveiterator import ArchiveIterator

from archive.control.history import CrawlHistory
from archive.paths import DataDir

pytestmark = pytest.mark.slow


def captured_urls(data_dir: Path) -> set[str]:
    urls: set[str] = set()
    for path in sorted(DataDir(data_dir).warc_dir().glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type in ("response", "revisit"):
                    urls.add(record.rec_headers.get_header("WARC-Target-URI"))
    return urls


def _wait_for(simnet, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while len(simnet.access_entries()) < count and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "the crawl ended before it could be stopped"


def test_ctrl_c_then_kill_9_then_the_same_command_ends_with_the_same_result(network_crawl, tmp_path: Path) -> None:
    from simnet.server import SimNet

    data_dir = tmp_path / "data"
    history = CrawlHistory(DataDir(data_dir))
    with SimNet(state=1) as simnet:
        # 1. Ctrl-C: a clean stop, recorded as interrupted, exit status 1
        process = start_crawl(data_dir, simnet.proxy_env())
        _wait_for(simnet, network_crawl.requests // 3, process)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        assert process.returncode == 1, err[-2000:]
        (record,) = history.list()
        crawl_id = record.crawl_id
        assert str(record.status) == "interrupted" and record.resumable
        assert f"crawl {crawl_id} interrupted" in out and "to resume" in err
        report = json.loads((data_dir / "crawls" / crawl_id / "report.json").read_text(encoding="utf-8"))
        assert report["status"] == "interrupted" and report["frontier"]["pending"] > 0

        # 2. the same command resumes it; kill -9 in the middle
        process = start_crawl(data_dir, simnet.proxy_env())
        _wait_for(simnet, 2 * network_crawl.requests // 3, process)
        os.kill(process.pid, signal.SIGKILL)
        out, err = process.communicate(timeout=30)
        assert f"resuming crawl {crawl_id} (attempt 2)" in err
        assert corpus_ids(data_dir) < corpus_ids(network_crawl.data_dir)  # a part only, so far

        # 3. the same command again: resumed to its end
        process = start_crawl(data_dir, simnet.proxy_env())
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-3000:]
        total = len(simnet.access_entries())

    assert f"resuming crawl {crawl_id} (attempt 3)" in err
    assert f"crawl {crawl_id} finished" in out
    assert corpus_ids(data_dir) == corpus_ids(network_crawl.data_dir)
    resumed, uninterrupted = captured_urls(data_dir), captured_urls(network_crawl.data_dir)
    assert uninterrupted <= resumed
    # A resumed spider runs its start() again while pages of the earlier runs are parsed, so a
    # portal may be opened from a link block's http:// link before its registry seed
    # (https://) comes: at most its entry points (/, robots.txt, sitemap) differ.
    extra = {urlsplit(url).path for url in resumed - uninterrupted}
    assert extra <= {"/", "/robots.txt", "/sitemap.xml", "/wp-sitemap.xml", "/feed/"}, extra
    # the interruptions re-did little: the three runs together cost about one crawl
    assert total <= network_crawl.requests * 1.2, (total, network_crawl.requests)
    record = history.get(crawl_id)
    assert str(record.status) == "finished" and record.attempts == 3
    report = json.loads((data_dir / "crawls" / crawl_id / "report.json").read_text(encoding="utf-8"))
    assert report["status"] == "finished" and report["runs"] >= 2
