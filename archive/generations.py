"""Swapping a rebuilt directory (the corpus) in place of the current one, never losing both.

``congan reextract`` builds the new corpus beside the current one (``corpus.rebuild``). The
swap renames the current one to ``corpus.previous``, the new one into place, then removes
the previous one: at every instant one complete generation exists under a known name, and
:func:`recover` (run before every rebuild) puts the previous generation back if a crash
came between the two renames.

A rebuild that would hold fewer articles than the current generation is not swapped in
unless forced (:class:`ShrinkRefused`): a damaged archive must never silently shrink the
corpus.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from archive.errors import ArchiveError

logger = logging.getLogger(__name__)

BUILDING_SUFFIX = ".rebuild"
PREVIOUS_SUFFIX = ".previous"


class ShrinkRefused(ArchiveError):
    """The new generation is smaller than the current one and ``--force`` was not given."""


def building_dir(target: Path) -> Path:
    return target.with_name(target.name + BUILDING_SUFFIX)


def previous_dir(target: Path) -> Path:
    return target.with_name(target.name + PREVIOUS_SUFFIX)


def recover(target: Path) -> None:
    """Put the previous generation back when a crash left no current one; drop a half-built one."""
    previous = previous_dir(target)
    if previous.exists() and not target.exists():
        os.replace(previous, target)
        logger.warning("%s: restored the previous generation (a swap was interrupted)", target)
    elif previous.exists():
        shutil.rmtree(previous)
    shutil.rmtree(building_dir(target), ignore_errors=True)


def check_shrink(what: str, old: int | None, new: int, *, force: bool) -> str | None:
    """The loud message when ``new`` < ``old``; raises :class:`ShrinkRefused` unless ``force``."""
    if old is None or new >= old:
        return None
    message = f"{what} would shrink from {old} to {new}"
    if not force:
        raise ShrinkRefused(
            f"{message}: kept the current one; check `congan warc verify`, then run the same "
            "command with --force to accept the smaller one"
        )
    return f"WARNING: {message} (--force)"


def swap_in(building: Path, target: Path) -> None:
    """Make ``building`` the current generation at ``target``, keeping the old one until then."""
    previous = previous_dir(target)
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        os.replace(target, previous)
    os.replace(building, target)
    shutil.rmtree(previous, ignore_errors=True)
