"""Scheduled crawls against the simulated network, with the real `congan crawl`.

Each test crawls two portals of simnet: congan.danang.gov.vn (12 articles) and
congan.quangnam.gov.vn, which answers every URL with a 301 to congan.danang.gov.vn
(Quảng Nam was absorbed into Đà Nẵng in 2025).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.control.history import SCHEDULE_ENV, CrawlHistory, CrawlStatus
from archive.control.scheduler import Scheduler, SchedulerConfig
from archive.control.schedules import ScheduleStore
from archive.corpus.store import CorpusStore
from archive.paths import DataDir
from archive.times import VN_TZ
from congan.cli.main import get_cli

REPO = Path(__file__).resolve().parent.parent
SITES = ["congan.danang.gov.vn", "congan.quangnam.gov.vn"]
DANANG_ARTICLES = 12


@pytest.fixture(scope="module")
def simnet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from simnet.server import SimNet

    with SimNet(state=1, access_log=tmp_path_factory.mktemp("simnet") / "access.jsonl") as net:
        yield net


@pytest.fixture
def crawl_env(simnet: object, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment crawls run in: the simulated network as proxy, this checkout importable."""
    for name, value in simnet.proxy_env().items():  # type: ignore[attr-defined]
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PYTHONPATH", str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.delenv(SCHEDULE_ENV, raising=False)
    return dict(os.environ)


def add_due(data: DataDir, name: str, *settings: str) -> None:
    """A daily schedule of the two portals, created yesterday, whose slot today was two
    hours ago: due now, and the next slot is ~22 hours away."""
    now = datetime.now(VN_TZ)
    slot, yesterday = now - timedelta(hours=2), now - timedelta(days=1)
    ScheduleStore(data, clock=lambda: yesterday).add(
        name, f"{slot.minute} {slot.hour} * * *", sites=SITES,
        settings=["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CONGAN_PROGRESS_INTERVAL=0", *settings],
    )


def scheduler_once(data: DataDir, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "congan", "--data", str(data.root), "scheduler", "run", "--once", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )


def invoke(*args: str) -> str:
    result = CliRunner().invoke(get_cli(), list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_due_schedule_runs_once_even_when_two_schedulers_overlap(
    data_dir: Path, crawl_env: dict[str, str]
) -> None:
    data = DataDir(data_dir)
    add_due(data, "đà-nẵng")
    runs = [scheduler_once(data, crawl_env) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    ended = [json.loads(line) for out, _ in outputs for line in out.splitlines()]
    assert len(ended) == 1 and ended[0]["status"] == "finished", outputs  # one crawl, not two

    (record,) = CrawlHistory(data).list()
    assert record.crawl_id == ended[0]["crawl_id"]
    assert record.status is CrawlStatus.FINISHED and record.schedule == "đà-nẵng"
    report = CrawlHistory(data).report_of(record)
    assert report is not None and report.status == "finished"
    assert report.portals["congan.danang.gov.vn"].articles == DANANG_ARTICLES
    assert ScheduleStore(data).get("đà-nẵng").last_crawl == record.crawl_id

    listed = invoke("--data", str(data.root), "crawls", "list")
    assert record.crawl_id in listed and "schedule đà-nẵng" in listed and "finished" in listed
    shown = invoke("--data", str(data.root), "crawls", "show", record.crawl_id)
    assert "congan.danang.gov.vn" in shown and "errors by kind:" in shown
    # the portal that redirects to its 2025 unit is shown as such
    assert "redirecting to congan.danang.gov.vn" in shown
    portals = {p["domain"]: p for p in map(json.loads, invoke(
        "--data", str(data.root), "crawls", "portals", "--json").splitlines())}
    quangnam = portals["congan.quangnam.gov.vn"]
    assert quangnam["status"] == "redirecting" and quangnam["redirect_to"] == "congan.danang.gov.vn"
    assert quangnam["at_risk"]
    assert not portals["congan.danang.gov.vn"]["at_risk"]


def test_a_killed_crawl_is_interrupted_and_the_next_run_resumes_it(
    data_dir: Path, crawl_env: dict[str, str], simnet: object
) -> None:
    data = DataDir(data_dir)
    # slow enough to be killed part-way: one connection, 0.05 s between requests
    add_due(data, "chậm", "DOWNLOAD_DELAY=0.05", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    history = CrawlHistory(data)
    before = len(simnet.access_entries())  # type: ignore[attr-defined]
    run = scheduler_once(data, crawl_env)
    deadline = time.monotonic() + 60
    while len(simnet.access_entries()) - before < 12:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline and run.poll() is None, run.communicate()
        time.sleep(0.05)
    (running,) = history.list(status="running")
    os.kill(running.pid, signal.SIGKILL)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 1, (out, err)  # --once: a crawl did not finish
    assert json.loads(out)["status"] == "interrupted"
    killed = history.get(running.crawl_id)
    assert killed.status is CrawlStatus.INTERRUPTED and killed.resumable
    assert "INTERRUPTED (resumable)" in invoke("--data", str(data.root), "crawls", "list")

    # the next slot (tomorrow) resumes the same crawl instead of starting a new one
    tomorrow = datetime.now(VN_TZ) + timedelta(days=1)
    (outcome,) = Scheduler(data, SchedulerConfig(), clock=lambda: tomorrow).run_once(threading.Event())
    assert outcome.crawl_id == running.crawl_id and outcome.resumed
    assert outcome.status is CrawlStatus.FINISHED
    record = history.get(running.crawl_id)
    assert record.status is CrawlStatus.FINISHED and record.attempts == 2
    assert len(history.list()) == 1
    resumed_report = history.report_of(record)
    assert resumed_report is not None and resumed_report.status == "finished"
    with CorpusStore.open(data) as corpus:  # nothing lost, nothing twice
        assert len(corpus) == DANANG_ARTICLES and corpus.version_count() == DANANG_ARTICLES
