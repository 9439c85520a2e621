"""Crawl history: start, finish, resume, stale processes found as interrupted."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from archive.control.history import CrawlHistory, CrawlStatus, new_crawl_id
from archive.control.processes import process_alive
from archive.control.report import CrawlReport, PortalRow, ReportTotals
from archive.errors import UserInputError
from archive.paths import DataDir
from archive.times import VN_TZ


class FixedClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def history(data_dir: Path) -> CrawlHistory:
    return CrawlHistory(DataDir(data_dir))


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_crawl_runs_then_finishes_with_its_report(data_dir: Path) -> None:
    clock = FixedClock(datetime(2026, 7, 1, 8, 30, tzinfo=VN_TZ))
    history = CrawlHistory(DataDir(data_dir), clock=clock)
    record = history.start("c1", params={"sites": ["congan.hanoi.gov.vn"]}, schedule="đêm", pid=os.getpid())
    assert record.status is CrawlStatus.RUNNING and record.ended is None
    assert record.started.isoformat() == "2026-07-01T08:30:00+07:00"
    clock.now += timedelta(minutes=5)
    done = history.finish("c1", "finished", data_dir / "crawls" / "c1" / "report.json")
    assert done.status is CrawlStatus.FINISHED and done.duration_s == 300
    assert done.schedule == "đêm" and done.params == {"sites": ["congan.hanoi.gov.vn"]}
    assert history.get("c1").report_path == data_dir / "crawls" / "c1" / "report.json"
    assert not done.resumable


def test_a_crawl_whose_process_is_gone_becomes_interrupted_and_resumes(history: CrawlHistory) -> None:
    history.start("alive", params={}, schedule=None, pid=os.getpid())
    history.start("killed", params={}, schedule="s", pid=dead_pid())
    changed = history.mark_interrupted_stale()
    assert [r.crawl_id for r in changed] == ["killed"]
    killed = history.get("killed")
    assert killed.status is CrawlStatus.INTERRUPTED and killed.resumable and "resume" in killed.reason
    assert history.get("alive").status is CrawlStatus.RUNNING
    # running it again with the same id resumes the same record
    resumed = history.start("killed", params={}, schedule=None, pid=os.getpid())
    assert resumed.status is CrawlStatus.RUNNING and resumed.attempts == 2 and resumed.schedule == "s"
    assert resumed.ended is None and resumed.reason is None


def test_a_live_or_finished_crawl_cannot_be_started_again(history: CrawlHistory) -> None:
    history.start("c", params={}, schedule=None, pid=os.getpid())
    with pytest.raises(UserInputError, match="already running"):
        history.start("c", params={}, schedule=None, pid=os.getpid())
    history.finish("c", CrawlStatus.FINISHED)
    with pytest.raises(UserInputError, match="already finished"):
        history.start("c", params={}, schedule=None, pid=os.getpid())


def test_unknown_ids_and_statuses_are_refused_clearly(history: CrawlHistory) -> None:
    with pytest.raises(UserInputError, match="no crawl nope"):
        history.get("nope")
    with pytest.raises(UserInputError, match="no crawl nope"):
        history.finish("nope", "finished")
    history.start("c", params={}, schedule=None, pid=os.getpid())
    with pytest.raises(UserInputError, match="unknown crawl status"):
        history.finish("c", "done")
    with pytest.raises(UserInputError, match="cannot finish as running"):
        history.finish("c", "running")


def test_list_is_newest_first_and_filters(data_dir: Path) -> None:
    clock = FixedClock(datetime(2026, 7, 1, 8, 0, tzinfo=VN_TZ))
    history = CrawlHistory(DataDir(data_dir), clock=clock)
    assert history.list() == []
    for i, schedule in enumerate(["a", "b", "a"]):
        clock.now += timedelta(hours=1)
        history.start(f"c{i}", params={}, schedule=schedule, pid=os.getpid())
    history.finish("c1", "failed", reason="registry empty")
    assert [r.crawl_id for r in history.list()] == ["c2", "c1", "c0"]
    assert [r.crawl_id for r in history.list(schedule="a")] == ["c2", "c0"]
    assert [r.crawl_id for r in history.list(status="failed")] == ["c1"]
    assert [r.crawl_id for r in history.list(limit=1)] == ["c2"]


def test_report_is_read_from_the_crawl_directory(history: CrawlHistory, data_dir: Path) -> None:
    history.start("c", params={}, schedule=None, pid=os.getpid())
    record = history.finish("c", "finished")
    assert history.report_of(record) is None
    report = data_dir / "crawls" / "c" / "report.json"
    report.parent.mkdir(parents=True)
    report.write_text("{broken", encoding="utf-8")
    assert history.report_of(record) is None  # unreadable: logged, not a crash
    written = CrawlReport(crawl_id="c", status="finished", totals=ReportTotals(pages=3),
                          portals={"congan.hanoi.gov.vn": PortalRow(pages=3, errors={"Lỗi kết nối": 1})})
    written.save(report)
    assert "Lỗi kết nối" in report.read_text(encoding="utf-8")  # diacritics kept as they are
    assert history.report_of(record) == written


def test_schema_is_migrated_and_recorded(history: CrawlHistory, data_dir: Path) -> None:
    history.list(status="running")
    history.start("c", params={}, schedule=None, pid=os.getpid())
    conn = sqlite3.connect(data_dir / "state" / "crawls.sqlite3")
    assert conn.execute("SELECT number, name FROM _migrations").fetchall() == [
        (1, "crawls"), (2, "relative report paths")]


def test_process_alive_sees_reaped_and_reused_pids() -> None:
    assert process_alive(os.getpid())
    assert not process_alive(dead_pid())
    assert not process_alive(0)
    if Path("/proc/self/stat").exists():  # Linux: pid reuse is caught by the start time
        assert not process_alive(os.getpid(), started_ticks=1)


def test_crawl_ids_sort_by_time() -> None:
    early = new_crawl_id(datetime(2026, 1, 2, 3, 4, 5, tzinfo=VN_TZ))
    late = new_crawl_id(datetime(2026, 11, 2, 3, 4, 5, tzinfo=VN_TZ))
    assert early.startswith("20260102-030405-") and early < late


def test_report_paths_are_stored_relative_and_old_absolute_rows_are_migrated(tmp_path: Path) -> None:
    """A moved or restored data directory shows its own reports, not the old directory's."""
    old_root = tmp_path / "old"
    history = CrawlHistory(DataDir(old_root))
    history.start("c1", params={}, schedule=None, pid=os.getpid())
    history.finish("c1", "finished", old_root / "crawls" / "c1" / "report.json")
    conn = sqlite3.connect(old_root / "state" / "crawls.sqlite3")
    assert conn.execute("SELECT report_path FROM crawls").fetchone()[0] == "crawls/c1/report.json"
    # a row written by an older version (absolute path), migrated when the database opens
    conn.execute("UPDATE crawls SET report_path = ?", (str(old_root / "crawls" / "c1" / "report.json"),))
    conn.execute("DELETE FROM _migrations WHERE number = 2")
    conn.commit()
    conn.close()
    moved = tmp_path / "moved"
    old_root.rename(moved)
    record = CrawlHistory(DataDir(moved)).get("c1")
    assert record.report_path == moved / "crawls" / "c1" / "report.json"
