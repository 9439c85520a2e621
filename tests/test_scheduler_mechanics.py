"""The scheduler's mechanics with a real, short-lived stand-in crawl process.

The stand-in (STANDIN below) stands in for `congan crawl`: it registers in the crawl history
as `congan crawl` does, writes a marker line and a report, sleeps as long as
$STANDIN_SLEEP says, and finishes. The scheduler runs it exactly as it would run
`congan crawl` (same arguments, same environment); tests against the real crawl and the
simulated network are in tests/test_scheduler_simnet.py.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.control.history import CrawlHistory, CrawlStatus
from archive.control.report import ReportTotals
from archive.control.scheduler import Scheduler, SchedulerConfig, crawl_arguments
from archive.control.schedules import ScheduleStore
from archive.paths import DataDir
from archive.times import VN_TZ
from congan.cli.main import get_cli

STANDIN = r'''
import json, os, sys, time
from pathlib import Path
from archive.control.history import CrawlHistory
from archive.paths import DataDir
args = sys.argv[1:]
data = DataDir(Path(args[args.index("--data") + 1]))
crawl_id = args[args.index("--crawl-id") + 1]
history = CrawlHistory(data)
history.start(crawl_id, params={"argv": args}, schedule=None, pid=os.getpid())
with open(data.root / "markers.txt", "a", encoding="utf-8") as fh:
    fh.write(crawl_id + " " + " ".join(args) + "\n")
time.sleep(float(os.environ.get("STANDIN_SLEEP", "0")))
report = data.crawl_dir(crawl_id) / "report.json"
report.parent.mkdir(parents=True, exist_ok=True)
report.write_text(json.dumps({"totals": {"pages": 3, "articles": 2, "errors": {}}}), encoding="utf-8")
history.finish(crawl_id, "finished", report)
'''


@pytest.fixture
def standin(tmp_path: Path) -> tuple[str, ...]:
    script = tmp_path / "standin_crawl.py"
    script.write_text(STANDIN, encoding="utf-8")
    return (sys.executable, str(script))


@pytest.fixture
def data(data_dir: Path) -> DataDir:
    return DataDir(data_dir).ensure()


def add_due(data: DataDir, name: str, **kwargs: object) -> None:
    """A daily schedule created yesterday whose slot today was two hours ago: due now, and
    no other slot comes due while the test runs (the next one is ~22 hours away)."""
    now = datetime.now(VN_TZ)
    slot = now - timedelta(hours=2)
    yesterday = now - timedelta(days=1)
    cron = f"{slot.minute} {slot.hour} * * *"
    ScheduleStore(data, clock=lambda: yesterday).add(name, cron, **kwargs)  # type: ignore[arg-type]


def next_day() -> datetime:
    """A moment when the schedules of add_due have their next slot due."""
    return datetime.now(VN_TZ) + timedelta(days=1)


def markers(data: DataDir) -> list[str]:
    path = data.root / "markers.txt"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def congan(data: DataDir, *args: str, command: tuple[str, ...], **kwargs: object) -> subprocess.Popen[str]:
    env = dict(os.environ, CONGAN_CRAWL_COMMAND=shlex.join(command), **kwargs)  # type: ignore[arg-type]
    return subprocess.Popen(
        [sys.executable, "-m", "congan", "--data", str(data.root), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def test_a_due_schedule_runs_once_and_is_recorded(data: DataDir, standin: tuple[str, ...]) -> None:
    add_due(data, "mỗi-phút", sites=["congan.hanoi.gov.vn"], settings=["DOWNLOAD_DELAY=0"], mode="full")
    add_due(data, "paused")
    ScheduleStore(data).pause("paused")
    scheduler = Scheduler(data, SchedulerConfig(crawl_command=standin))
    outcomes = scheduler.run_once(threading.Event())
    assert [(o.schedule, o.status, o.resumed, o.returncode) for o in outcomes] == [
        ("mỗi-phút", CrawlStatus.FINISHED, False, 0)
    ]
    record = CrawlHistory(data).get(outcomes[0].crawl_id)
    assert record.status is CrawlStatus.FINISHED and record.schedule == "mỗi-phút"
    report = CrawlHistory(data).report_of(record)
    assert report is not None and report.totals == ReportTotals(pages=3, articles=2, errors=0)
    (line,) = markers(data)
    assert "--site congan.hanoi.gov.vn" in line and "-s DOWNLOAD_DELAY=0" in line
    assert "-s CONGAN_CONDITIONAL_ENABLED=False -s CONGAN_INCREMENTAL=False" in line  # --mode full
    # the slot has run: nothing is due any more
    assert scheduler.run_once(threading.Event()) == []
    assert len(markers(data)) == 1
    listed = CliRunner().invoke(get_cli(), ["--data", str(data.root), "schedule", "list", "--json"]).output
    shown = {entry["name"]: entry for entry in map(json.loads, listed.splitlines())}
    assert shown["mỗi-phút"]["last_crawl"] == record.crawl_id and shown["mỗi-phút"]["last_status"] == "finished"
    assert shown["paused"]["paused"] and shown["paused"]["last_status"] is None


def test_two_schedulers_at_once_start_one_crawl(data: DataDir, standin: tuple[str, ...]) -> None:
    add_due(data, "s")
    runs = [congan(data, "scheduler", "run", "--once", "--json", command=standin, STANDIN_SLEEP="1")
            for _ in range(2)]
    outputs = [p.communicate(timeout=30) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], outputs
    started = [json.loads(line) for out, _ in outputs for line in out.splitlines()]
    assert len(started) == 1 and started[0]["status"] == "finished"
    assert len(markers(data)) == 1


def test_the_next_slot_waits_while_the_crawl_of_the_previous_one_runs(
    data: DataDir, standin: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STANDIN_SLEEP", "30")
    add_due(data, "s")
    first = Scheduler(data, SchedulerConfig(crawl_command=standin))
    (crawl,) = first.launch_due()
    try:
        # another scheduler (a restart, or cron's --once) a day later: the next slot is
        # due, but the schedule's crawl is still running -> no second crawl
        later = next_day()
        second = Scheduler(data, SchedulerConfig(crawl_command=standin), clock=lambda: later)
        assert second.due(later) and second.launch_due() == [] and second.waiting == ["s"]
        deadline = time.monotonic() + 10
        while not markers(data) and time.monotonic() < deadline:
            time.sleep(0.05)
        # the first scheduler is gone (killed): the lock lives on in the crawl process
        first.running[crawl.schedule.name].lock.release()
        assert second.launch_due() == []
    finally:
        crawl.process.kill()
        crawl.process.wait()
    assert len(markers(data)) == 1


def test_a_killed_crawl_is_interrupted_and_the_next_run_resumes_it(
    data: DataDir, standin: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STANDIN_SLEEP", "30")
    add_due(data, "s")
    scheduler = Scheduler(data, SchedulerConfig(crawl_command=standin))
    (crawl,) = scheduler.launch_due()
    history = CrawlHistory(data)
    deadline = time.monotonic() + 10
    while history.find(crawl.crawl_id) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    crawl.process.send_signal(signal.SIGKILL)  # part-way
    (outcome,) = scheduler.wait_all(threading.Event())
    assert outcome.status is CrawlStatus.INTERRUPTED
    assert history.get(crawl.crawl_id).resumable
    # the next slot: the same crawl id runs again, so `congan crawl` resumes it
    monkeypatch.setenv("STANDIN_SLEEP", "0")
    later = next_day()
    next_run = Scheduler(data, SchedulerConfig(crawl_command=standin), clock=lambda: later)
    (resumed,) = next_run.run_once(threading.Event())
    assert resumed.crawl_id == crawl.crawl_id and resumed.resumed
    record = history.get(crawl.crawl_id)
    assert record.status is CrawlStatus.FINISHED and record.attempts == 2
    assert len(history.list()) == 1


def test_a_crawl_command_that_dies_at_once_is_recorded_failed(data: DataDir) -> None:
    add_due(data, "broken")
    run = congan(data, "scheduler", "run", "--once", command=(sys.executable, "-c", "raise SystemExit(3)"))
    out, err = run.communicate(timeout=30)
    assert run.returncode == 1, (out, err)
    assert "broken: crawl" in out and "failed" in out
    (record,) = CrawlHistory(data).list()
    assert record.status is CrawlStatus.FAILED and "exited with status 3" in record.reason
    assert record.schedule == "broken"


def test_sigterm_stops_the_scheduler_and_leaves_the_crawl_resumable(
    data: DataDir, standin: tuple[str, ...]
) -> None:
    add_due(data, "s")
    run = congan(data, "scheduler", "run", "--poll", "0.2", "--stop-timeout", "5",
                 command=standin, STANDIN_SLEEP="30")
    history = CrawlHistory(data)
    deadline = time.monotonic() + 15
    while not history.list(status="running") and time.monotonic() < deadline:
        time.sleep(0.05)
    (running,) = history.list(status="running")
    run.send_signal(signal.SIGTERM)
    out, err = run.communicate(timeout=20)
    assert run.returncode == 0, (out, err)
    record = history.get(running.crawl_id)
    assert record.status is CrawlStatus.INTERRUPTED and record.resumable
    log = (data.logs_dir / "scheduler.log").read_text(encoding="utf-8")
    assert "SIGTERM: stopping" in log and "scheduler stopped" in log
    assert f"crawl {running.crawl_id}" in log


def test_crawl_arguments_carry_the_schedule(data: DataDir) -> None:
    add_due(data, "s", sites=["congan.hanoi.gov.vn", "congan.danang.gov.vn"],
            seeds=["https://congan.hanoi.gov.vn/"], settings=["DOWNLOAD_DELAY=0"], max_pages=10)
    args = crawl_arguments(ScheduleStore(data).get("s"), "c-1", data)
    assert args == [
        "--data", str(data.root), "--crawl-id", "c-1", "--max-pages", "10",
        "--site", "congan.hanoi.gov.vn", "--site", "congan.danang.gov.vn",
        "-s", "DOWNLOAD_DELAY=0", "https://congan.hanoi.gov.vn/",
    ]


def test_a_crawl_command_that_cannot_start_is_a_clear_error(data: DataDir) -> None:
    add_due(data, "s")
    run = congan(data, "scheduler", "run", "--once", command=("/nonexistent/congan-crawl",))
    _out, err = run.communicate(timeout=30)
    assert run.returncode == 1 and "Traceback" not in err
    assert "cannot start the crawl command '/nonexistent/congan-crawl'" in err
    (record,) = CrawlHistory(data).list()
    assert record.status is CrawlStatus.FAILED and record.schedule == "s"
