"""Fault injection: a full disk under a running crawl, and two crawls on one data directory.

Before ``scrapers.crawl.disk_guard``, a crawl whose disk filled up hung for ever, logging
``database or disk is full`` every 5 s. The full disk is a real one here: a 3 MB tmpfs
(the crawl writes about 3.5 MB), mounted when the tests run as root, else the test is skipped;
the guard's reaction to an injected ``OSError(ENOSPC)`` is tested without it.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from crawl_fixtures import run_congan_crawl
from faults import assert_no_traceback, congan
from scrapy.utils.test import get_crawler

from archive.datalock import DataDirBusy, DataDirLock
from archive.paths import DataDir
from scrapers.crawl.disk_guard import DISK_FULL_REASON, STORAGE_STAT, stop_for_storage, stopped_for_storage
from spiders.network import NetworkSpider

#: the crawl must give up this fast once the disk is full (issue 17)
STOP_WITHIN_S = 30


@pytest.fixture
def tmpfs(tmp_path: Path):
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode(errors='replace').strip()})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_crawl_on_a_full_disk_stops_promptly_and_resumes_to_the_full_result(network_crawl, tmpfs: Path) -> None:
    data = tmpfs / "data"
    env = network_crawl.simnet.proxy_env()
    started = time.monotonic()
    full = run_congan_crawl(data, env, "full", "-s", "CONGAN_MIN_FREE_MB=0")
    seconds = time.monotonic() - started
    assert full.returncode == 1, full.stderr[-3000:]
    assert f"disk full at {data}: free space and run the same command to resume" in full.stderr
    # (a crawl of the simulated network logs the tracebacks of its faulty portals; none of the disk)
    assert not storage_tracebacks(full.stderr), storage_tracebacks(full.stderr)[:2]
    assert seconds < STOP_WITHIN_S + 20  # process start and Scrapy's own shutdown included
    print(f"disk full: exit {full.returncode} after {seconds:.1f} s")
    subprocess.run(["mount", "-o", "remount,size=200m", str(tmpfs)], check=True)
    resumed = run_congan_crawl(data, env, "full", "-s", "CONGAN_MIN_FREE_MB=0")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming crawl full" in resumed.stderr
    expected = exported(network_crawl.data_dir)
    assert exported(data) == expected  # every article, none twice
    verify = congan(data, "warc", "verify")
    assert verify.returncode == 0, verify.stdout[-2000:]


def storage_tracebacks(log: str) -> list[str]:
    """The tracebacks of a log that end in a storage error."""
    blocks = log.split("Traceback (most recent call last):")[1:]
    markers = ("disk is full", "No space left", "Errno 28", "read-only file system")
    return [block[-600:] for block in blocks if any(m in block.split("\n20")[0] for m in markers)]


def exported(data: Path) -> set[str]:
    run = congan(data, "export")
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert len(lines) == len({r["id"] for r in lines})
    return {r["url"] for r in lines}


def test_a_low_free_space_threshold_stops_the_crawl_before_anything_fails(network_crawl, tmp_path: Path) -> None:
    data = tmp_path / "data"
    run = run_congan_crawl(data, network_crawl.simnet.proxy_env(), "thr", "-s", "CONGAN_MIN_FREE_MB=1e12")
    assert run.returncode == 1
    assert "disk full at" in run.stderr and not storage_tracebacks(run.stderr)
    assert "INTERRUPTED (resumable)" in congan(data, "crawls", "list").stdout


def test_an_injected_enospc_stops_the_crawl_once(tmp_path: Path) -> None:
    crawler = get_crawler(NetworkSpider, {"CONGAN_DATA": str(tmp_path)})
    assert not stopped_for_storage(crawler)
    stop_for_storage(crawler, str(tmp_path), OSError(errno.ENOSPC, "No space left on device"))
    assert stopped_for_storage(crawler) and crawler.stats.get_value(STORAGE_STAT) == str(tmp_path)
    stop_for_storage(crawler, "elsewhere")  # once only
    assert crawler.stats.get_value(STORAGE_STAT) == str(tmp_path)
    assert DISK_FULL_REASON == "disk_full"


def test_a_second_crawl_on_the_same_data_directory_is_refused_naming_the_first(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data").ensure()
    with DataDirLock(data.locks_dir, "nightly-1"):
        run = congan(data.root, "crawl", "http://127.0.0.1:9/", "--max-pages", "1")
        assert run.returncode == 1
        assert_no_traceback(run)
        assert "crawl nightly-1" in run.stderr and f"pid {os.getpid()}" in run.stderr
        with pytest.raises(DataDirBusy):
            DataDirLock(data.locks_dir, "other").acquire()


def test_the_lock_of_a_dead_crawl_is_taken_over(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = DataDir(tmp_path / "data").ensure()
    dead = subprocess.run(["python3", "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    data.locks_dir.mkdir(parents=True, exist_ok=True)
    (data.locks_dir / "crawl.lock").write_text(json.dumps(
        {"crawl_id": "killed-9", "pid": int(dead.stdout), "started": "2026-01-01T00:00:00+00:00"}))
    lock = DataDirLock(data.locks_dir, "next")
    lock.acquire()
    try:
        assert "killed-9" in caplog.text and "took over" in caplog.text
        assert json.loads((data.locks_dir / "crawl.lock").read_text())["crawl_id"] == "next"
    finally:
        lock.release()
