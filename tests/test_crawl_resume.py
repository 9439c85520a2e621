"""kill -9 of `congan crawl` in the middle of a crawl of the simulated network, then the same
command again: it resumes the interrupted crawl and ends with the same articles (corpus ids)
and the same captured URLs as the uninterrupted crawl of the shared fixture."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawl_fixtures import FAST, REPO
from warcio.archiveiterator import ArchiveIterator

from archive.corpus import CorpusStore
from archive.crawl_history import CrawlHistory
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


def corpus_ids(data_dir: Path) -> set[str]:
    with CorpusStore.open(DataDir(data_dir)) as store:
        return {record["id"] for record in store.latest()}


def _start(data_dir: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    child_env = {k: v for k, v in os.environ.items() if k != "CONGAN_DATA"} | env | {"PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "congan", "--data", str(data_dir), "crawl", *FAST],
        env=child_env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_kill_9_then_the_same_command_resumes_to_the_same_result(network_crawl, tmp_path: Path) -> None:
    from simnet.server import SimNet

    data_dir = tmp_path / "data"
    with SimNet(state=1) as simnet:
        process = _start(data_dir, simnet.proxy_env())
        target = network_crawl.requests // 2
        deadline = time.monotonic() + 120
        while len(simnet.access_entries()) < target and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert process.poll() is None, "the crawl ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)
        killed_at = len(simnet.access_entries())

        interrupted = CrawlHistory(DataDir(data_dir)).mark_interrupted_stale()
        assert len(interrupted) == 1
        crawl_id = interrupted[0].crawl_id
        assert corpus_ids(data_dir) < corpus_ids(network_crawl.data_dir)  # a part only, so far

        process = _start(data_dir, simnet.proxy_env())
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-3000:]
        total = len(simnet.access_entries())

    assert f"resuming crawl {crawl_id} (attempt 2)" in err
    assert f"crawl {crawl_id} finished" in out
    assert corpus_ids(data_dir) == corpus_ids(network_crawl.data_dir)
    assert captured_urls(data_dir) == captured_urls(network_crawl.data_dir)
    # the resume re-did little: both runs together cost about one crawl
    assert total <= network_crawl.requests * 1.15, (killed_at, total, network_crawl.requests)
    record = CrawlHistory(DataDir(data_dir)).get(crawl_id)
    assert str(record.status) == "finished" and record.attempts == 2
