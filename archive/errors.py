"""The archive package's errors. Every message says what to do next."""

from __future__ import annotations


class ArchiveError(Exception):
    """Base of every error the archive library raises on purpose."""


class UserInputError(ArchiveError):
    """Something the user typed or pointed at is wrong (bad date, unknown id, bad query).

    The command line prints it as one line and exits 1."""


class DataDirError(ArchiveError):
    """The data directory is missing, unreadable or laid out wrongly."""
