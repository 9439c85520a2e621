"""The archive library's errors: one small hierarchy, every message saying what to do next.

::

    ArchiveError                      anything the library raises on purpose
    ├── UserInputError                a bad date, id, query or option: the user fixes the input
    ├── DataDirError                  the data directory is missing, unreadable or laid out wrongly
    │   └── SearchIndexError          (archive.search) missing, stale or unreadable: `congan index rebuild`
    ├── FrontierError                 (archive.control.frontier) the frontier store cannot be used
    │   └── FrontierBusy              another process works on the same crawl: wait or stop it
    ├── WaczError                     (archive.wacz_package) the WACZ cannot be written or does not validate
    ├── ReplayEnvError                (archive.replay.env) pywb's own virtualenv cannot be made or used
    └── ReplayStartError              (archive.replay.server) pywb did not come up: the message has its log

The command line (``congan.cli.main``) prints any ``ArchiveError`` as one line and exits 1, so
a message must be one sentence that names the thing at fault and the next step (a command
to run, a setting or file to fix). Programming errors (``ValueError`` on an impossible
argument, ``KeyError``) are not part of this hierarchy and keep their tracebacks.
"""

from __future__ import annotations


class ArchiveError(Exception):
    """Base of every error the archive library raises on purpose."""


class UserInputError(ArchiveError):
    """Something the user typed or pointed at is wrong (bad date, unknown id, bad query).

    The command line prints it as one line and exits 1."""


class DataDirError(ArchiveError):
    """The data directory is missing, unreadable or laid out wrongly (check ``--data``)."""
