"""What a storage failure means for the user: a full disk, an unwritable data directory, a
damaged SQLite file. Every long command (crawl, reextract, index rebuild, export) turns these
into one line saying what to do, exit status 1, and state it can resume from.

``storage_message(exc, where)`` is the one place that tells them apart.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from archive.errors import ArchiveError

#: errno values that mean "no space left" (disk or quota)
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
#: errno values that mean "cannot write there"
UNWRITABLE_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
_SQLITE_FULL = ("database or disk is full", "disk i/o error")
_SQLITE_DAMAGED = ("malformed", "file is not a database", "file is encrypted", "no such table")


class StorageError(ArchiveError):
    """The data directory cannot be written (full, read-only) or a database in it is damaged."""


def disk_full_message(where: str | Path) -> str:
    return f"disk full at {where}: free space and run the same command to resume"


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in FULL_ERRNOS:
        return True
    return isinstance(exc, sqlite3.OperationalError) and any(m in str(exc).lower() for m in _SQLITE_FULL)


def is_damaged_db(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and any(m in str(exc).lower() for m in _SQLITE_DAMAGED)


def storage_message(exc: BaseException, where: str | Path) -> str | None:
    """The one line for a storage failure at ``where`` (the data directory), or None when
    ``exc`` is not one."""
    if is_disk_full(exc):
        return disk_full_message(where)
    if isinstance(exc, OSError) and exc.errno in UNWRITABLE_ERRNOS:
        name = exc.filename or where
        return (f"cannot write to {name} ({exc.strerror}): make the data directory writable and run the "
                "same command to resume")
    if is_damaged_db(exc):
        return f"a database in {where} is damaged ({exc}): run `congan index rebuild`"
    return None
