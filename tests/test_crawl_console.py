"""What `congan crawl` prints: on a terminal a live progress line and a short summary with
what to do next; Scrapy's start-up dump only in crawl.log (and with -v); -q stays silent."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest
from crawl_fixtures import FAST, REPO, pythonpath

from scrapers.reporting.live import answering, live_line
from scrapers.reporting.progress import Waiting, measure

SITES = ("--site", "congan.sonla.gov.vn", "--site", "congan.hanoi.gov.vn")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def crawl_on_a_terminal(data_dir: Path, env: dict[str, str], *extra: str) -> tuple[int, str]:
    """Run `congan crawl` with its stdout and stderr on a pseudo-terminal; all it printed."""
    child_env = {k: v for k, v in os.environ.items() if k != "CONGAN_DATA"} | env
    child_env |= {"PYTHONPATH": pythonpath(REPO), "COLUMNS": "160", "TERM": "xterm"}
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "congan", "--data", str(data_dir), "crawl", *FAST, *extra],
        stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=child_env, cwd=REPO,
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 300)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(60), b"".join(chunks).decode("utf-8", "replace")


def congan(data_dir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m congan ARGS... --data DIR``-style run, not on a terminal."""
    child_env = {k: v for k, v in os.environ.items() if k != "CONGAN_DATA"} | env | {"PYTHONPATH": pythonpath(REPO)}
    return subprocess.run([sys.executable, "-m", "congan", "--data", str(data_dir), *args], env=child_env,
                          capture_output=True, text=True, timeout=300, cwd=REPO)


def test_live_line_figures() -> None:
    stats = {"response_received_count": 120, "item_scraped_count": 30, "crawl/errors": 2,
             "portal/a.vn/responses": 70, "portal/b.vn/responses": 50, "deferred/requests": 7}
    waiting = (Waiting("b.vn", 30.0, "Retry-After"),)
    line = live_line(measure(stats, previous_pages=0, seconds=0, pending=60, waiting=waiting), answering(stats), 4.0)
    assert line == ("120 pages (4.0/s) · 30 articles · 2 errors · portals 2 answering, 1 paused · 7 deferred"
                    " · 60 waiting · about 0:15 left")


@pytest.mark.timeout(600)
def test_a_crawl_on_a_terminal_is_short_live_and_says_what_next(tmp_path: Path) -> None:
    from simnet.server import SimNet

    data_dir = tmp_path / "data"
    with SimNet(state=1) as simnet:
        code, output = crawl_on_a_terminal(data_dir, simnet.proxy_env(), *SITES)
        assert code == 0, output[-3000:]
        # live redraws end with a carriage return or cursor moves, not new lines
        lines = [ANSI.sub("", line).strip() for line in output.replace("\r", "\n").split("\n")]
        live = [line for line in lines if re.search(r"\d+ pages \([\d.]+/s\) · \d+ articles", line)]
        printed = [line for line in ANSI.sub("", output).split("\n") if line.strip() and "/s) · " not in line]
        assert live, output[-3000:]  # the live progress line was drawn
        assert len(printed) < 15, printed
        assert not any("Scrapy" in line or "Warning" in line or "Traceback" in line for line in printed), printed
        assert any(line.startswith("next: ") and "serve" in line and "search" in line for line in printed)
        log = next(data_dir.glob("crawls/*/crawl.log")).read_text(encoding="utf-8")
        assert "Versions:" in log and "Overridden settings" in log and "progress:" in log

        small = ("--max-pages", "3", *SITES[:2], *FAST)
        quiet = congan(data_dir, simnet.proxy_env(), "-q", "crawl", "--crawl-id", "quiet", *small)
        assert quiet.returncode == 0 and quiet.stderr.strip() == "", quiet.stderr[-2000:]
        assert len(quiet.stdout.splitlines()) <= 3 and "crawl quiet finished" in quiet.stdout
        assert "next:" not in quiet.stdout
        plain = congan(data_dir, simnet.proxy_env(), "crawl", "--crawl-id", "plain", *small)
        assert plain.returncode == 0 and "Enabled extensions" not in plain.stderr  # default: in crawl.log only
        assert len((plain.stdout + plain.stderr).splitlines()) < 15
        verbose = congan(data_dir, simnet.proxy_env(), "-v", "crawl", "--crawl-id", "verbose", *small)
        assert verbose.returncode == 0 and "Enabled extensions" in verbose.stderr
