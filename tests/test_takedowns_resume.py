"""kill -9 of a re-crawl right after the portal answered 410 for a deleted article, then the
same command resumes it: the takedown is recorded once, with its evidence (issue 15)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawl_fixtures import FAST, REPO, pythonpath

from congan.cli.main import get_cli
from simnet.truth import ground_truth

pytestmark = pytest.mark.slow


def _start(data_dir: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    child_env = {k: v for k, v in os.environ.items() if k != "CONGAN_DATA"} | env | {"PYTHONPATH": pythonpath(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "congan", "--data", str(data_dir), "crawl", "--crawl-id", "state2-killed", *FAST],
        env=child_env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _removed(data_dir: Path) -> list[dict]:
    result = CliRunner().invoke(get_cli(), ["--data", str(data_dir), "export", "--removed"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_kill_9_during_a_recrawl_then_resume_loses_no_removal(network_crawl, tmp_path: Path) -> None:
    from simnet.server import SimNet

    deleted = {t.canonical_url for t in ground_truth(1)} - {t.canonical_url for t in ground_truth(2)}
    data_dir = tmp_path / "data"
    shutil.copytree(network_crawl.data_dir, data_dir)
    with SimNet(state=2) as simnet:
        process = _start(data_dir, simnet.proxy_env())
        deadline = time.monotonic() + 240
        while process.poll() is None and time.monotonic() < deadline:
            if any(e["url"] in deleted and e["status"] in (404, 410) for e in simnet.access_entries()):
                break
            time.sleep(0.02)
        assert process.poll() is None, "the re-crawl ended before the deletion could be seen"
        os.kill(process.pid, signal.SIGKILL)  # the portal has answered 410: kill the crawl at once
        process.communicate(timeout=30)
        process = _start(data_dir, simnet.proxy_env())
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-3000:]
    assert "resuming crawl state2-killed" in err
    removed = _removed(data_dir)
    assert {r["url"] for r in removed} == deleted
    assert all(r["removal"]["status"] in (404, 410) for r in removed)
    changes = CliRunner().invoke(get_cli(), ["--data", str(data_dir), "changes", "--kind", "removed", "--json"])
    assert [e["url"] for e in json.loads(changes.output)["changes"]] == sorted(deleted)
