"""How ``make test`` shares the suite between its pytest-xdist workers.

Each test file runs whole in one worker, as with ``--dist loadfile``: a module fixture that
crawls is built once. Every file that uses the session fixtures of the shared network crawl
(``tests/crawl_fixtures.py``: a crawl of the whole simulated network, its re-crawl, the full
revisit) runs in the same worker, so those crawls are made once per run, not once per worker.
The controller only sees test ids, so a file's group is read from its source.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from xdist.scheduler import LoadFileScheduling

TESTS = Path(__file__).resolve().parent
NETWORK_GROUP = "shared network crawl"
NETWORK_FIXTURE_RE = re.compile(r"\bnetwork_(?:crawl|recrawl|full_revisit)\b")


@cache
def uses_network_crawl(test_file: str) -> bool:
    path = TESTS.parent / test_file
    try:
        return bool(NETWORK_FIXTURE_RE.search(path.read_text(encoding="utf-8")))
    except OSError:
        return False


class FileOrNetworkScheduling(LoadFileScheduling):
    def _split_scope(self, nodeid: str) -> str:
        test_file = nodeid.split("::", 1)[0]
        return NETWORK_GROUP if uses_network_crawl(test_file) else test_file
