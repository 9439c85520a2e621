"""Crawl history: every crawl, scheduled or manual, with its id, times, status and report.

``congan crawl`` registers itself with :meth:`CrawlHistory.start` and closes its record with
:meth:`CrawlHistory.finish`; the scheduler, ``congan crawls`` and the web interface read it.
A crawl whose process disappeared without finishing (kill -9, power loss, SIGTERM of the
scheduler) is found by :meth:`CrawlHistory.mark_interrupted_stale` and shown as
*interrupted*: its frontier is still on disk, so running it again with the same id resumes it.

Stored in ``DataDir.crawls_db`` (SQLite, numbered migrations). Times are Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..errors import UserInputError
from ..migrations import Migration, connect
from ..paths import DataDir
from ..times import VN_TZ, now_vn
from .processes import process_alive, process_start_ticks
from .report import REPORT_FILE, CrawlReport

logger = logging.getLogger(__name__)

#: set by the scheduler in the environment of the crawls it starts: the schedule's name,
#: recorded by :meth:`CrawlHistory.start` when the crawl does not name one itself
SCHEDULE_ENV = "CONGAN_SCHEDULE"

Clock = Callable[[], datetime]


class CrawlStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # process gone before it finished: resumable


#: statuses a crawl may end with (``finish``)
END_STATUSES = frozenset({CrawlStatus.FINISHED, CrawlStatus.FAILED, CrawlStatus.INTERRUPTED})

MIGRATIONS = (
    Migration(
        1,
        "crawls",
        """
        CREATE TABLE crawls (
            crawl_id     TEXT PRIMARY KEY,
            status       TEXT NOT NULL,
            started      TEXT NOT NULL,
            ended        TEXT,
            schedule     TEXT,
            params       TEXT NOT NULL DEFAULT '{}',
            pid          INTEGER NOT NULL,
            pid_started  INTEGER,
            host         TEXT NOT NULL,
            report_path  TEXT,
            attempts     INTEGER NOT NULL DEFAULT 1,
            reason       TEXT
        );
        CREATE INDEX crawls_started ON crawls (started);
        CREATE INDEX crawls_schedule ON crawls (schedule, started)
        """,
    ),
    # report paths relative to the data directory, so a moved or restored one shows its own reports
    Migration(2, "relative report paths", "UPDATE crawls SET report_path = 'crawls/' || crawl_id || '/report.json'"
              " WHERE report_path LIKE '%/crawls/' || crawl_id || '/report.json'"),
)


@dataclass(frozen=True)
class CrawlRecord:
    """One crawl as the history knows it."""

    crawl_id: str
    status: CrawlStatus
    started: datetime
    ended: datetime | None
    schedule: str | None
    pid: int
    host: str
    report_path: Path | None
    attempts: int  # 1 for a crawl run once; +1 each time it was resumed
    reason: str | None  # why it ended the way it did, when known
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def resumable(self) -> bool:
        return self.status is CrawlStatus.INTERRUPTED

    @property
    def duration_s(self) -> float | None:
        return None if self.ended is None else (self.ended - self.started).total_seconds()

    def to_json(self) -> dict[str, Any]:
        return {
            "crawl_id": self.crawl_id,
            "status": str(self.status),
            "resumable": self.resumable,
            "started": self.started.isoformat(),
            "ended": self.ended.isoformat() if self.ended else None,
            "duration_s": self.duration_s,
            "schedule": self.schedule,
            "pid": self.pid,
            "host": self.host,
            "attempts": self.attempts,
            "reason": self.reason,
            "report_path": str(self.report_path) if self.report_path else None,
            "params": dict(self.params),
        }


def new_crawl_id(now: datetime | None = None) -> str:
    """A sortable, unique crawl id: ``20260701-083000-3fa2``."""
    moment = (now or now_vn()).astimezone(VN_TZ)
    return f"{moment:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


class CrawlHistory:
    """The crawl history of one data directory (safe to use from several processes)."""

    def __init__(self, data_dir: DataDir, *, clock: Clock = now_vn) -> None:
        self.data_dir = data_dir
        self._clock = clock
        self._host = socket.gethostname()

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        conn = connect(self.data_dir.crawls_db, MIGRATIONS)
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._db() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _now(self) -> str:
        return self._clock().astimezone(VN_TZ).isoformat()

    # -- writing -------------------------------------------------------------------------
    def start(
        self,
        crawl_id: str,
        *,
        params: Mapping[str, Any],
        schedule: str | None,
        pid: int,
    ) -> CrawlRecord:
        """Record that crawl ``crawl_id`` runs now in process ``pid``.

        Starting an id that is interrupted (or failed) resumes it: same record, status back
        to running, ``attempts`` + 1. Starting an id that is still running in a live process,
        or already finished, is refused. ``schedule=None`` takes the schedule from
        ``$CONGAN_SCHEDULE`` (set by the scheduler), if any."""
        if schedule is None:
            schedule = os.environ.get(SCHEDULE_ENV) or None
        params_json = json.dumps(dict(params), ensure_ascii=False, sort_keys=True, default=str)
        with self._write() as conn:
            row = conn.execute("SELECT * FROM crawls WHERE crawl_id = ?", (crawl_id,)).fetchone()
            if row is not None:
                existing = _record(row, self.data_dir.root)
                if existing.status is CrawlStatus.RUNNING and self._alive(row):
                    raise UserInputError(
                        f"crawl {crawl_id} is already running (pid {existing.pid} on {existing.host}); "
                        "wait for it or stop that process first"
                    )
                if existing.status is CrawlStatus.FINISHED:
                    raise UserInputError(
                        f"crawl {crawl_id} already finished; start a new crawl instead of resuming it"
                    )
                conn.execute(
                    "UPDATE crawls SET status = ?, ended = NULL, pid = ?, pid_started = ?, host = ?,"
                    " attempts = attempts + 1, reason = NULL,"
                    " schedule = COALESCE(?, schedule) WHERE crawl_id = ?",
                    (CrawlStatus.RUNNING.value, pid, process_start_ticks(pid), self._host, schedule, crawl_id),
                )
                logger.info("crawl %s resumed (attempt %s, pid %s)", crawl_id, existing.attempts + 1, pid)
            else:
                conn.execute(
                    "INSERT INTO crawls (crawl_id, status, started, schedule, params, pid, pid_started, host)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        crawl_id,
                        CrawlStatus.RUNNING.value,
                        self._now(),
                        schedule,
                        params_json,
                        pid,
                        process_start_ticks(pid),
                        self._host,
                    ),
                )
                logger.info("crawl %s started (pid %s, schedule %s)", crawl_id, pid, schedule)
            row = conn.execute("SELECT * FROM crawls WHERE crawl_id = ?", (crawl_id,)).fetchone()
        return _record(row, self.data_dir.root)

    def finish(
        self,
        crawl_id: str,
        status: CrawlStatus | str,
        report_path: str | os.PathLike[str] | None = None,
        *,
        reason: str | None = None,
    ) -> CrawlRecord:
        """Close the record of ``crawl_id`` with an end status and its report's path."""
        try:
            end = CrawlStatus(status)
        except ValueError:
            raise UserInputError(
                f"unknown crawl status {status!r}; use one of {', '.join(sorted(END_STATUSES))}"
            ) from None
        if end not in END_STATUSES:
            raise UserInputError(f"a crawl cannot finish as {end}; use finished, failed or interrupted")
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE crawls SET status = ?, ended = ?, report_path = COALESCE(?, report_path),"
                " reason = ? WHERE crawl_id = ?",
                (end.value, self._now(), self.data_dir.relative(report_path) if report_path else None,
                 reason, crawl_id),
            )
            if cur.rowcount == 0:
                raise UserInputError(f"no crawl {crawl_id} in the history; see `congan crawls list`")
            row = conn.execute("SELECT * FROM crawls WHERE crawl_id = ?", (crawl_id,)).fetchone()
        logger.info("crawl %s %s", crawl_id, end)
        return _record(row, self.data_dir.root)

    def mark_interrupted_stale(self) -> list[CrawlRecord]:
        """Mark *interrupted* every running crawl of this host whose process is gone.

        Returns the records changed. Crawls of other hosts are left alone: their processes
        cannot be seen from here."""
        changed: list[str] = []
        with self._write() as conn:
            rows = conn.execute(
                "SELECT * FROM crawls WHERE status = ? AND host = ?",
                (CrawlStatus.RUNNING.value, self._host),
            ).fetchall()
            for row in rows:
                if self._alive(row):
                    continue
                conn.execute(
                    "UPDATE crawls SET status = ?, ended = ?, reason = ? WHERE crawl_id = ?",
                    (
                        CrawlStatus.INTERRUPTED.value,
                        self._now(),
                        f"process {row['pid']} ended without finishing; run it again to resume",
                        row["crawl_id"],
                    ),
                )
                changed.append(row["crawl_id"])
                logger.warning("crawl %s interrupted: pid %s is gone", row["crawl_id"], row["pid"])
        return [self.get(crawl_id) for crawl_id in changed]

    # -- reading -------------------------------------------------------------------------
    def find(self, crawl_id: str) -> CrawlRecord | None:
        if not self.data_dir.crawls_db.exists():
            return None
        with self._db() as conn:
            row = conn.execute("SELECT * FROM crawls WHERE crawl_id = ?", (crawl_id,)).fetchone()
        return None if row is None else _record(row, self.data_dir.root)

    def get(self, crawl_id: str) -> CrawlRecord:
        record = self.find(crawl_id)
        if record is None:
            raise UserInputError(f"no crawl {crawl_id} in the history; see `congan crawls list`")
        return record

    def list(
        self,
        *,
        status: CrawlStatus | str | None = None,
        schedule: str | None = None,
        limit: int | None = None,
    ) -> list[CrawlRecord]:
        """Crawls, newest first, optionally of one status or one schedule."""
        sql = "SELECT * FROM crawls WHERE 1 = 1"
        args: list[Any] = []
        if status is not None:
            sql += " AND status = ?"
            args.append(CrawlStatus(status).value)
        if schedule is not None:
            sql += " AND schedule = ?"
            args.append(schedule)
        sql += " ORDER BY started DESC, crawl_id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        if not self.data_dir.crawls_db.exists():
            return []
        with self._db() as conn:
            rows = conn.execute(sql, args).fetchall()
        return [_record(row, self.data_dir.root) for row in rows]

    def report_path(self, record: CrawlRecord) -> Path:
        """Where the crawl's report is (or will be)."""
        return record.report_path or (self.data_dir.crawl_dir(record.crawl_id) / REPORT_FILE)

    def report_of(self, record: CrawlRecord) -> CrawlReport | None:
        """The crawl's report (written by ``congan crawl``), or None if it has none yet or it
        cannot be read (logged)."""
        return CrawlReport.load(self.report_path(record))

    # -- process liveness ----------------------------------------------------------------
    def _alive(self, row: sqlite3.Row) -> bool:
        if row["host"] != self._host:
            return True  # cannot tell from here: assume it still runs
        return process_alive(int(row["pid"]), row["pid_started"])


def _record(row: sqlite3.Row, root: Path) -> CrawlRecord:
    try:
        params = json.loads(row["params"] or "{}")
    except ValueError:
        params = {}
    return CrawlRecord(
        crawl_id=row["crawl_id"],
        status=CrawlStatus(row["status"]),
        started=datetime.fromisoformat(row["started"]),
        ended=datetime.fromisoformat(row["ended"]) if row["ended"] else None,
        schedule=row["schedule"],
        pid=int(row["pid"]),
        host=row["host"],
        report_path=root / row["report_path"] if row["report_path"] else None,  # absolute stays absolute
        attempts=int(row["attempts"]),
        reason=row["reason"],
        params=params if isinstance(params, dict) else {},
    )
