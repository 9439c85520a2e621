"""WARC capture on crawls of the whole simulated network (``scrapy crawl network`` through the
simnet proxy): `warcio check` and `congan warc verify` pass on every file, a re-crawl of the
unchanged network writes revisits, kill -9 in the middle of writing then a restart leaves every
file valid, and the crawl's WACZ validates."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive.warc.records import PROFILE_IDENTICAL, PROFILE_NOT_MODIFIED
from congan.cli.main import get_cli
from simnet.server import SimNet

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
#: two portals, small files: the kill lands while a file is open, and the resume stays short
KILLED_CRAWL = ("-s", "CONGAN_SITES=congan.hanoi.gov.vn,congan.danang.gov.vn", "-s", "WARC_MAX_SIZE=100000")
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]


@dataclass(frozen=True)
class NetworkWarcs:
    data: Path

    @property
    def warc_dir(self) -> Path:
        return self.data / "collections" / "congan" / "archive"

    def files(self, crawl_id: str | None = None) -> list[Path]:
        pattern = f"congan-{crawl_id}-*.warc.gz" if crawl_id else "*.warc.gz"
        return sorted(self.warc_dir.glob(pattern))


def scrapy_crawl(net: SimNet, data: Path, crawl_id: str, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, **net.proxy_env())
    return subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "network", "-s", f"CONGAN_DATA={data}",
         "-s", f"CONGAN_CRAWL_ID={crawl_id}", *FAST, *extra],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def finish(proc: subprocess.Popen) -> None:
    _, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err[-3000:]


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("warc-network") / "data"
    with SimNet(state=1) as net:
        finish(scrapy_crawl(net, data, "first"))
        finish(scrapy_crawl(net, data, "again"))
    yield NetworkWarcs(data)


def test_every_file_of_a_network_crawl_passes_warcio_check_and_verify(network: NetworkWarcs) -> None:
    files = network.files()
    assert files and not list(network.warc_dir.glob("*.open"))
    check = subprocess.run([str(Path(sys.executable).parent / "warcio"), "check", *map(str, files)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-3000:]
    result = CliRunner().invoke(get_cli(), ["--data", str(network.data), "warc", "verify", "--json"])
    assert result.exit_code == 0, result.output[-3000:]
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["ok"] and summary["records"] > 500


def test_recrawl_of_unchanged_network_writes_revisits(network: NetworkWarcs) -> None:
    kinds: dict[str, int] = {}
    profiles: dict[str, int] = {}
    for path in network.files("again"):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                kinds[record.rec_type] = kinds.get(record.rec_type, 0) + 1
                if record.rec_type == "revisit":
                    profile = record.rec_headers["WARC-Profile"]
                    profiles[profile] = profiles.get(profile, 0) + 1
                    assert record.rec_headers["WARC-Refers-To-Target-URI"] and record.rec_headers["WARC-Refers-To-Date"]
    assert kinds.get("revisit", 0) > kinds.get("response", 0), kinds
    assert profiles.get(PROFILE_IDENTICAL, 0) + profiles.get(PROFILE_NOT_MODIFIED, 0) == kinds["revisit"]


def test_wacz_of_a_network_crawl_validates(network: NetworkWarcs, tmp_path: Path) -> None:
    out = tmp_path / "first.wacz"
    result = CliRunner().invoke(get_cli(), ["--data", str(network.data), "wacz", "create", "first", "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output[-2000:]
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["valid"] and summary["pages"] > 50


def test_kill_9_during_a_crawl_then_restart_leaves_every_file_valid(tmp_path: Path) -> None:
    data = tmp_path / "data"
    warc_dir = data / "collections" / "congan" / "archive"
    with SimNet(state=1) as net:
        proc = scrapy_crawl(net, data, "killed", *KILLED_CRAWL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            opened = list(warc_dir.glob("*.open")) if warc_dir.is_dir() else []
            if opened and opened[0].stat().st_size > 20_000 and list(warc_dir.glob("*.warc.gz")):
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert list(warc_dir.glob("*.open")), "the crawl was killed before or after writing"
        finish(scrapy_crawl(net, data, "killed", *KILLED_CRAWL))
    assert not list(warc_dir.glob("*.open"))
    files = sorted(warc_dir.glob("*.warc.gz"))
    check = subprocess.run([str(Path(sys.executable).parent / "warcio"), "check", *map(str, files)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-3000:]
    result = CliRunner().invoke(get_cli(), ["--data", str(data), "warc", "verify"])
    assert result.exit_code == 0, result.output[-3000:]
