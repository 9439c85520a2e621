"""The scheduler: starts due crawls as ``congan crawl`` subprocesses.

Each tick it (1) marks crawls whose process is gone as interrupted, (2) finds the schedules
due now (:func:`archive.control.schedules.due_slot`: one catch-up run after downtime, never a burst),
(3) for each, takes the schedule's lock file without waiting — held by a running crawl of that
schedule, it means "still running": the slot waits — and claims the slot in the schedule store
(compare-and-set, so two schedulers never start the same slot), (4) starts the crawl: a new
crawl id, or the id of the schedule's last crawl when that one was interrupted, so that the
crawl resumes it.

The lock file's descriptor is inherited by the crawl process, so the lock lives as long as the
crawl does even if the scheduler itself is killed. On SIGTERM the scheduler stops launching,
forwards SIGTERM to its crawls (Scrapy shuts down cleanly; the durable frontier keeps what is
left, so they stay resumable), waits for them up to ``stop_timeout_s`` and returns.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

from ..errors import DataDirError, UserInputError
from ..paths import DEFAULT_COLLECTION, DataDir
from ..times import now_vn
from .history import SCHEDULE_ENV, CrawlHistory, CrawlStatus, new_crawl_id
from .schedules import CrawlMode, Schedule, ScheduleStore, due_slot

logger = logging.getLogger(__name__)

#: the command the scheduler runs for a crawl; arguments are appended to it
CRAWL_COMMAND_ENV = "CONGAN_CRAWL_COMMAND"
DEFAULT_CRAWL_COMMAND: tuple[str, ...] = (sys.executable, "-m", "congan", "crawl")
#: seconds between two looks at the schedules when nothing is due sooner
DEFAULT_POLL_INTERVAL_S = 30.0
#: seconds the scheduler waits for its crawls after SIGTERM before it leaves them
DEFAULT_STOP_TIMEOUT_S = 60.0
#: how often a waiting scheduler checks its crawls and the stop flag (seconds)
WAIT_STEP_S = 0.2
#: Scrapy/project settings that make a crawl "full" rather than incremental
MODE_SETTINGS: Mapping[CrawlMode, tuple[tuple[str, str], ...]] = {
    CrawlMode.INCREMENTAL: (),
    CrawlMode.FULL: (("CONGAN_CONDITIONAL_ENABLED", "False"), ("CONGAN_INCREMENTAL", "False")),
}


@dataclass(frozen=True)
class SchedulerConfig:
    crawl_command: tuple[str, ...] = DEFAULT_CRAWL_COMMAND
    poll_interval_s: float = DEFAULT_POLL_INTERVAL_S
    stop_timeout_s: float = DEFAULT_STOP_TIMEOUT_S

    def __post_init__(self) -> None:
        if not self.crawl_command:
            raise UserInputError(f"the crawl command is empty; set {CRAWL_COMMAND_ENV} or leave it unset")
        if self.poll_interval_s <= 0 or self.stop_timeout_s < 0:
            raise UserInputError("poll interval must be > 0 and stop timeout >= 0 seconds")

    @classmethod
    def from_env(cls, command: str | None = None, **overrides: float) -> SchedulerConfig:
        """The crawl command from ``command``, else ``$CONGAN_CRAWL_COMMAND`` (shell words),
        else ``python -m congan crawl``."""
        text = command or os.environ.get(CRAWL_COMMAND_ENV)
        crawl_command = tuple(shlex.split(text)) if text else DEFAULT_CRAWL_COMMAND
        return cls(crawl_command=crawl_command, **overrides)


@dataclass(frozen=True)
class Outcome:
    """How one crawl started by the scheduler ended."""

    schedule: str
    crawl_id: str
    slot: datetime
    resumed: bool
    status: CrawlStatus
    returncode: int | None


class RunningCrawl:
    """A crawl process the scheduler started, with the schedule lock it holds."""

    def __init__(self, schedule: Schedule, crawl_id: str, slot: datetime, resumed: bool,
                 process: subprocess.Popen[bytes], lock: ScheduleLock) -> None:
        self.schedule = schedule
        self.crawl_id = crawl_id
        self.slot = slot
        self.resumed = resumed
        self.process = process
        self.lock = lock


class ScheduleLock:
    """An exclusive, non-blocking lock file per schedule (``DataDir.locks_dir``)."""

    def __init__(self, data_dir: DataDir, name: str) -> None:
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:16]
        self.path = data_dir.locks_dir / f"schedule-{digest}.lock"
        self.name = name
        self.fd: int | None = None

    def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{self.name}\n".encode())
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # the crawl process may still hold its inherited copy
            self.fd = None


def crawl_arguments(schedule: Schedule, crawl_id: str, data_dir: DataDir) -> list[str]:
    """The arguments appended to the crawl command for one run of ``schedule``."""
    args = ["--data", str(data_dir.root), "--crawl-id", crawl_id]
    if schedule.collection != DEFAULT_COLLECTION:
        args += ["--collection", schedule.collection]
    if schedule.max_pages:
        args += ["--max-pages", str(schedule.max_pages)]
    for site in schedule.sites:
        args += ["--site", site]
    for name, value in (*MODE_SETTINGS[schedule.mode], *schedule.settings):
        args += ["-s", f"{name}={value}"]
    args += list(schedule.seeds)
    return args


class Scheduler:
    def __init__(
        self,
        data_dir: DataDir,
        config: SchedulerConfig,
        *,
        clock: Callable[[], datetime] = now_vn,
    ) -> None:
        self.data_dir = data_dir
        self.config = config
        self.clock = clock
        self.store = ScheduleStore(data_dir, clock=clock)
        self.history = CrawlHistory(data_dir, clock=clock)
        self.running: dict[str, RunningCrawl] = {}  # schedule name -> its crawl
        #: due schedules the last tick left waiting because a crawl of theirs still runs
        self.waiting: list[str] = []

    # -- deciding ------------------------------------------------------------------------
    def due(self, now: datetime | None = None) -> list[tuple[Schedule, datetime]]:
        """Schedules due at ``now`` with their slot (nothing is claimed)."""
        moment = now or self.clock()
        found = []
        for schedule in self.store.list():
            slot = due_slot(schedule, moment)
            if slot is not None:
                found.append((schedule, slot))
        return found

    def launch_due(self) -> list[RunningCrawl]:
        """One tick: start a crawl for every due schedule that is not already crawling."""
        self.history.mark_interrupted_stale()
        launched = []
        self.waiting = []
        for schedule, slot in self.due():
            crawl = self._launch(schedule, slot)
            if crawl is not None:
                launched.append(crawl)
        return launched

    def _launch(self, schedule: Schedule, slot: datetime) -> RunningCrawl | None:
        if schedule.name in self.running:
            logger.info("schedule %s: its crawl is still running; slot %s waits", schedule.name, slot)
            self.waiting.append(schedule.name)
            return None
        lock = ScheduleLock(self.data_dir, schedule.name)
        if not lock.acquire():
            logger.info("schedule %s: a crawl of it is running elsewhere; slot %s waits", schedule.name, slot)
            self.waiting.append(schedule.name)
            return None
        try:
            alive = self.history.list(status=CrawlStatus.RUNNING, schedule=schedule.name)
            if alive:
                logger.info("schedule %s: crawl %s still running; slot %s waits",
                            schedule.name, alive[0].crawl_id, slot)
                self.waiting.append(schedule.name)
                lock.release()
                return None
            last = self.history.list(schedule=schedule.name, limit=1)
            resumed = bool(last) and last[0].resumable
            crawl_id = last[0].crawl_id if resumed else new_crawl_id(self.clock())
            if not self.store.claim(schedule.name, slot, crawl_id):
                logger.info("schedule %s: slot %s already started by another scheduler", schedule.name, slot)
                lock.release()
                return None
            process = self._spawn(schedule, crawl_id, lock)
        except BaseException:
            lock.release()
            raise
        logger.info("schedule %s: slot %s -> %s crawl %s (pid %s)", schedule.name, slot,
                    "resuming" if resumed else "new", crawl_id, process.pid)
        crawl = RunningCrawl(schedule, crawl_id, slot, resumed, process, lock)
        self.running[schedule.name] = crawl
        return crawl

    def _spawn(self, schedule: Schedule, crawl_id: str, lock: ScheduleLock) -> subprocess.Popen[bytes]:
        argv = [*self.config.crawl_command, *crawl_arguments(schedule, crawl_id, self.data_dir)]
        out_dir = self.data_dir.crawl_dir(crawl_id)
        out_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env[SCHEDULE_ENV] = schedule.name
        env["CONGAN_DATA"] = str(self.data_dir.root)
        assert lock.fd is not None
        with open(out_dir / "output.log", "ab") as output:
            try:
                return subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    env=env,
                    pass_fds=(lock.fd,),  # the crawl holds the schedule lock as long as it lives
                    start_new_session=True,  # a Ctrl-C on the scheduler's terminal is ours to forward
                )
            except OSError as exc:
                message = f"cannot start the crawl command {argv[0]!r}: {exc}; check {CRAWL_COMMAND_ENV}"
                # the slot is claimed: record the failed run so the history explains it
                self.history.start(crawl_id, params={"argv": argv}, schedule=schedule.name, pid=0)
                self.history.finish(crawl_id, CrawlStatus.FAILED, reason=message)
                raise UserInputError(message) from None

    # -- following -----------------------------------------------------------------------
    def reap(self) -> list[Outcome]:
        """Collect the crawls that have ended and record how."""
        ended = []
        for name, crawl in list(self.running.items()):
            code = crawl.process.poll()
            if code is None:
                continue
            del self.running[name]
            crawl.lock.release()
            ended.append(self._outcome(crawl, code))
        return ended

    def _outcome(self, crawl: RunningCrawl, code: int) -> Outcome:
        self.history.mark_interrupted_stale()
        record = self.history.find(crawl.crawl_id)
        if record is None:  # the command died before it registered the crawl
            self.history.start(crawl.crawl_id, params={"argv": list(cast("Sequence[str]", crawl.process.args))},
                               schedule=crawl.schedule.name, pid=crawl.process.pid)
            record = self.history.finish(
                crawl.crawl_id, CrawlStatus.FAILED,
                reason=f"crawl command exited with status {code} before registering; "
                f"see {self.data_dir.crawl_dir(crawl.crawl_id) / 'output.log'}",
            )
        logger.info("schedule %s: crawl %s ended %s (exit status %s)",
                    crawl.schedule.name, crawl.crawl_id, record.status, code)
        return Outcome(crawl.schedule.name, crawl.crawl_id, crawl.slot, crawl.resumed, record.status, code)

    def wait_all(self, stop: threading.Event) -> list[Outcome]:
        """Wait for every running crawl; on ``stop``, stop them (see :meth:`stop_all`)."""
        outcomes: list[Outcome] = []
        while self.running:
            if stop.wait(WAIT_STEP_S):
                return outcomes + self.stop_all()
            outcomes += self.reap()
        return outcomes

    def stop_all(self) -> list[Outcome]:
        """SIGTERM every running crawl, wait up to ``stop_timeout_s``, leave the rest."""
        for crawl in self.running.values():
            logger.info("stopping crawl %s (pid %s); it stays resumable", crawl.crawl_id, crawl.process.pid)
            with contextlib.suppress(ProcessLookupError):
                crawl.process.send_signal(signal.SIGTERM)
        outcomes: list[Outcome] = []
        deadline = time.monotonic() + self.config.stop_timeout_s
        while self.running and time.monotonic() < deadline:
            outcomes += self.reap()
            if self.running:
                time.sleep(WAIT_STEP_S)
        for crawl in self.running.values():
            logger.warning("crawl %s (pid %s) did not stop within %ss; left running with its lock",
                           crawl.crawl_id, crawl.process.pid, self.config.stop_timeout_s)
            crawl.lock.release()
        self.running.clear()
        return outcomes

    # -- running -------------------------------------------------------------------------
    def run_once(self, stop: threading.Event) -> list[Outcome]:
        """Start whatever is due now and wait until those crawls end."""
        logger.info("scheduler --once: looking for due schedules")
        self.launch_due()
        return self.wait_all(stop)

    def run_forever(self, stop: threading.Event) -> list[Outcome]:
        """Launch due crawls until ``stop`` is set; then stop the running ones."""
        logger.info("scheduler started (pid %s), data %s", os.getpid(), self.data_dir.root)
        outcomes: list[Outcome] = []
        while not stop.is_set():
            try:
                outcomes += self.reap()
                self.launch_due()
            except (sqlite3.OperationalError, DataDirError) as exc:
                # a busy or briefly unreadable state database: try again at the next tick
                logger.error("scheduler tick failed: %s; retrying in %ss", exc, self.config.poll_interval_s)
                stop.wait(self.config.poll_interval_s)
                continue
            stop.wait(self._sleep_s())
        outcomes += self.stop_all()
        logger.info("scheduler stopped")
        return outcomes

    def _sleep_s(self) -> float:
        """Until the next slot of any schedule, at most the poll interval; short while crawls run."""
        now = self.clock()
        wait = self.config.poll_interval_s
        for schedule in self.store.list():
            if not schedule.paused:
                wait = min(wait, max((schedule.next_slot(now) - now).total_seconds(), 0.0) + 0.05)
        if self.running:
            wait = min(wait, 1.0)
        return wait


def attach_log_file(data_dir: DataDir) -> logging.Handler:
    """Send the archive package's log records to ``logs/scheduler.log`` (caller removes it)."""
    path: Path = data_dir.logs_dir / "scheduler.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root = logging.getLogger("archive")
    root.addHandler(handler)
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
    return handler
