"""One crawl at a time per data directory: ``state/locks/crawl.lock``.

``congan crawl`` holds an exclusive ``flock`` on the lock file for as long as it runs and
writes who it is into it (crawl id, pid, start time). A second crawl on the same directory
refuses with a message naming the running one. The kernel drops the lock when its process
dies (kill -9 included), so the lock of a dead crawl is simply taken over, and said so.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archive.errors import UserInputError

logger = logging.getLogger(__name__)

LOCK_NAME = "crawl.lock"


class DataDirBusy(UserInputError):
    """Another crawl holds the data directory."""


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) a data directory lock."""

    crawl_id: str
    pid: int
    started: str

    @classmethod
    def read(cls, text: str) -> Holder | None:
        try:
            data = json.loads(text)
            return cls(str(data["crawl_id"]), int(data["pid"]), str(data["started"]))
        except (ValueError, KeyError, TypeError):
            return None

    def describe(self) -> str:
        return f"crawl {self.crawl_id} (pid {self.pid}, started {self.started})"


class DataDirLock:
    """The exclusive lock of one data directory; a context manager."""

    def __init__(self, locks_dir: Path, crawl_id: str = "?") -> None:
        self.path = locks_dir / LOCK_NAME
        self.crawl_id = crawl_id
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = Holder.read(_read_all(fd))
            os.close(fd)
            who = holder.describe() if holder else "another crawl"
            raise DataDirBusy(
                f"{who} is running on this data directory ({self.path.parent.parent.parent}); "
                "wait for it to end, or stop it, then run the same command"
            ) from None
        previous = Holder.read(_read_all(fd))
        if previous is not None:
            logger.warning("took over the lock of %s: its process is gone", previous.describe())
        self._fd = fd
        self.name(self.crawl_id)

    def name(self, crawl_id: str) -> None:
        """Write (again) who holds the lock: the crawl id is known only after resolving it."""
        if self._fd is None:
            return
        self.crawl_id = crawl_id
        started = datetime.now(UTC).isoformat(timespec="seconds")
        text = json.dumps({"crawl_id": crawl_id, "pid": os.getpid(), "started": started})
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, text.encode("utf-8"), 0)

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)  # nobody holds it now
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> DataDirLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_all(fd: int) -> str:
    try:
        return os.pread(fd, 4096, 0).decode("utf-8", "replace")
    except OSError:
        return ""
