"""Is the process that runs a crawl still alive? (``/proc``-based, guarded against pid reuse).

The crawl history records each running crawl's pid and the process's start time in clock
ticks; a crawl whose process is gone (kill -9, power loss) is shown as interrupted and can be
resumed.
"""

from __future__ import annotations

import os
from pathlib import Path


def process_alive(pid: int, started_ticks: int | None = None) -> bool:
    """Whether ``pid`` is a live (not zombie) process, and the same one that was recorded
    (its start time in clock ticks, from /proc, guards against pid reuse)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    stat = _proc_stat(pid)
    if stat is None:
        return True  # no /proc on this system: the signal check is all we have
    state, ticks = stat
    if state in ("Z", "X"):
        return False
    return started_ticks is None or ticks == started_ticks


def process_start_ticks(pid: int) -> int | None:
    stat = _proc_stat(pid)
    return None if stat is None else stat[1]


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state letter, start time in clock ticks) of a process, from /proc/<pid>/stat."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: split after the last ')'
    fields = raw[raw.rfind(")") + 2 :].split()
    try:
        return fields[0], int(fields[19])
    except (IndexError, ValueError):
        return None
