"""`congan demo`, the README's first quick-start command, runs the whole pipeline."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from simnet.truth import ground_truth


@pytest.mark.slow
def test_demo_crawls_archives_searches_and_replays(tmp_path: Path) -> None:
    data = tmp_path / "data"
    proc = subprocess.run(
        [sys.executable, "-m", "congan", "-q", "--data", str(data), "demo", "--no-recrawl"],
        capture_output=True, text=True, timeout=600, env=dict(os.environ),
    )
    out = proc.stdout
    assert proc.returncode == 0, proc.stderr[-3000:]
    articles = int(re.search(r"crawled state 1 in [\d.]+ s: crawl \S+, \d+ pages, (\d+) articles", out).group(1))
    assert articles == len(ground_truth(1))
    assert "requests to hosts outside the network: 0" in out
    assert re.search(r"warc verify: .*OK", out)
    assert re.search(r"\.wacz: .*valid", out)
    assert re.search(r"search 'cong an': 3 shown", out)
    assert re.search(r"replay check: .* answered HTTP 200, \d+ characters, title found", out)
    assert list((data / "collections" / "congan" / "archive").glob("*.warc.gz"))
