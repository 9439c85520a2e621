"""Shared session fixtures: one full crawl of the simulated network, and its re-crawl.

Registered from ``tests/conftest.py`` (``pytest_plugins = ["crawl_fixtures"]``). Tests of every
part reuse them **read-only**:

``network_crawl``    SimNet state 1 (with access log), ``congan crawl`` of the whole network as a
                     subprocess with ``-s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False`` into a
                     fresh data directory (crawl id ``state1``).
``network_recrawl``  a copy of that data directory re-crawled against SimNet state 2 (crawl id
                     ``state2``): incremental with the default settings, so only what may have
                     changed is fetched (docs/discovery.md "Re-crawls"): revisits, new and
                     changed versions, deletions. The state-1 directory is left as it was.
``network_full_revisit``  another copy re-crawled against the same state-2 SimNet with
                     ``--full-revisit`` (crawl id ``state2-full``): every known article is asked
                     again, conditionally (304s, server-not-modified revisit records).

Both are a :class:`NetworkCrawl`. The SimNet instances keep running for the whole session
(``.simnet``), so tests may ask them more (through ``simnet.proxy_env()``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
#: the crawl settings every fixture crawl uses (delays off; Crawl-delay, Retry-After still on)
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONGAN_PROGRESS_INTERVAL=5")
CRAWL_TIMEOUT = 300
#: for crawls of freshly seeded variants: a variant's robots.txt may ask for ``Crawl-delay: 1``,
#: still honoured but capped, so that one crawl of a few portals fits the suite's budget
FAST_POLITE = ("-s", "CONGAN_CRAWL_DELAY_MAX=0.2", "-s", "LOG_LEVEL=WARNING")


@dataclass(frozen=True)
class NetworkCrawl:
    data_dir: Path
    simnet: Any  # simnet.server.SimNet, still running
    access_log: tuple[dict[str, Any], ...]  # the entries of this crawl only
    crawl_id: str
    report: dict[str, Any]
    seconds: float  # wall time of the `congan crawl` process
    stdout: str
    stderr: str

    @property
    def requests(self) -> int:
        return len(self.access_log)


def pythonpath(*paths: Path) -> str:
    """PYTHONPATH for a child process: ``paths`` first, then what the session set (the offline
    guard of child processes lives there)."""
    existing = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return os.pathsep.join([*(str(p) for p in paths), *existing])


def corpus_ids(data_dir: Path) -> set[str]:
    """The ids of the latest records of a data directory's corpus."""
    from archive.corpus import CorpusStore
    from archive.paths import DataDir

    with CorpusStore.open(DataDir(data_dir)) as store:
        return {record.id for record in store.latest()}


def start_crawl(data_dir: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """``congan crawl`` with the FAST settings as a child process (to be interrupted by a test)."""
    child_env = {k: v for k, v in os.environ.items() if k != "CONGAN_DATA"} | env | {"PYTHONPATH": pythonpath(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "congan", "--data", str(data_dir), "crawl", *FAST],
        env=child_env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def run_congan_crawl(
    data_dir: Path, env: dict[str, str], crawl_id: str, *extra: str
) -> subprocess.CompletedProcess[str]:
    """``python -m congan --data DIR crawl --crawl-id ID <fast settings> EXTRA...``"""
    child_env = {k: v for k, v in os.environ.items() if k not in ("CONGAN_DATA",)}
    child_env.update(env)
    child_env["PYTHONPATH"] = pythonpath(REPO)
    return subprocess.run(
        [sys.executable, "-m", "congan", "--data", str(data_dir), "crawl", "--crawl-id", crawl_id, *FAST, *extra],
        env=child_env, capture_output=True, text=True, timeout=CRAWL_TIMEOUT, cwd=REPO,
    )


def _crawl(simnet: Any, data_dir: Path, crawl_id: str, *extra: str) -> NetworkCrawl:
    before = len(simnet.access_entries())
    started = time.monotonic()
    result = run_congan_crawl(data_dir, simnet.proxy_env(), crawl_id, *extra)
    seconds = time.monotonic() - started
    report_path = data_dir / "crawls" / crawl_id / "report.json"
    if result.returncode != 0 or not report_path.exists():
        pytest.fail(
            f"`congan crawl --crawl-id {crawl_id}` exited {result.returncode}\n"
            f"stdout: {result.stdout[-2000:]}\nstderr: {result.stderr[-4000:]}",
            pytrace=False,
        )
    return NetworkCrawl(
        data_dir=data_dir,
        simnet=simnet,
        access_log=tuple(simnet.access_entries()[before:]),
        crawl_id=crawl_id,
        report=json.loads(report_path.read_text(encoding="utf-8")),
        seconds=seconds,
        stdout=result.stdout,
        stderr=result.stderr,
    )


@pytest.fixture(scope="session")
def network_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NetworkCrawl]:
    from simnet.server import SimNet

    root = tmp_path_factory.mktemp("network_crawl")
    with SimNet(state=1, access_log=root / "access-state1.jsonl") as simnet:
        yield _crawl(simnet, root / "data", "state1")


@pytest.fixture(scope="session")
def network_recrawl(network_crawl: NetworkCrawl, tmp_path_factory: pytest.TempPathFactory) -> Iterator[NetworkCrawl]:
    from simnet.server import SimNet

    root = tmp_path_factory.mktemp("network_recrawl")
    data_dir = root / "data"
    shutil.copytree(network_crawl.data_dir, data_dir)
    with SimNet(state=2, access_log=root / "access-state2.jsonl") as simnet:
        yield _crawl(simnet, data_dir, "state2")


@pytest.fixture(scope="session")
def network_full_revisit(
    network_crawl: NetworkCrawl, network_recrawl: NetworkCrawl, tmp_path_factory: pytest.TempPathFactory,
) -> NetworkCrawl:
    data_dir = tmp_path_factory.mktemp("network_full_revisit") / "data"
    shutil.copytree(network_crawl.data_dir, data_dir)
    return _crawl(network_recrawl.simnet, data_dir, "state2-full", "--full-revisit")
