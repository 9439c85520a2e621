"""WARC capture on crawls of the simulated network: `warcio check` and `congan warc verify` pass
on every file of the shared whole-network crawl, its re-crawl writes revisits for what did not
change, its WACZ validates, and kill -9 in the middle of writing then a restart leaves every file
valid (a crawl of two portals through ``scrapy crawl network``)."""

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
from warcio.archiveiterator import ArchiveIterator

from archive.wacz_package import validate_wacz
from archive.warc.records import PROFILE_IDENTICAL, PROFILE_NOT_MODIFIED
from congan.cli.main import get_cli
from simnet.server import SimNet

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
#: two portals, small files: the kill lands while a file is open, and the resume stays short
KILLED_CRAWL = ("-s", "CONGAN_SITES=congan.hanoi.gov.vn,congan.danang.gov.vn", "-s", "WARC_MAX_SIZE=60000")
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]


def warc_files(data: Path, crawl_id: str | None = None) -> list[Path]:
    pattern = f"congan-{crawl_id}-*.warc.gz" if crawl_id else "*.warc.gz"
    return sorted((data / "collections" / "congan" / "archive").glob(pattern))


def warcio_check(files: list[Path]) -> None:
    check = subprocess.run([str(Path(sys.executable).parent / "warcio"), "check", *map(str, files)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-3000:]


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


def test_every_file_of_a_network_crawl_passes_warcio_check_and_verify(network_crawl) -> None:
    """The shared crawl of the whole simulated network (tests/crawl_fixtures.py), read only."""
    data = network_crawl.data_dir
    files = warc_files(data, network_crawl.crawl_id)
    assert files and not list((data / "collections" / "congan" / "archive").glob("*.open"))
    warcio_check(files)
    result = CliRunner().invoke(get_cli(), ["--data", str(data), "warc", "verify", "--json"])
    assert result.exit_code == 0, result.output[-3000:]
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["ok"] and summary["records"] > 500


def test_full_revisit_writes_server_not_modified_revisits(network_full_revisit) -> None:
    """The re-crawl of state 2 with --full-revisit asks every known article conditionally: the
    304s are server-not-modified revisit records, and the WARCs stay valid."""
    profiles: dict[str, int] = {}
    files = warc_files(network_full_revisit.data_dir, network_full_revisit.crawl_id)
    for path in files:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "revisit":
                    profile = record.rec_headers["WARC-Profile"]
                    profiles[profile] = profiles.get(profile, 0) + 1
    warcio_check(files)
    assert profiles.get(PROFILE_NOT_MODIFIED, 0) >= 50, profiles


def test_recrawl_writes_revisits_for_what_did_not_change(network_crawl, network_recrawl) -> None:
    """The shared re-crawl (simnet state 2: most pages unchanged; listings, robots.txt and start
    pages fetched again are identical-payload revisits)."""
    data = network_recrawl.data_dir
    kinds: dict[str, int] = {}
    profiles: dict[str, int] = {}
    first_files = {p.name for p in warc_files(network_crawl.data_dir, network_crawl.crawl_id)}
    referring_to_first = 0
    index = {}
    for path in warc_files(data, network_crawl.crawl_id):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    index[(record.rec_headers["WARC-Target-URI"], record.rec_headers["WARC-Date"])] = path.name
    for path in warc_files(data, network_recrawl.crawl_id):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                kinds[record.rec_type] = kinds.get(record.rec_type, 0) + 1
                if record.rec_type == "revisit":
                    headers = record.rec_headers
                    profiles[headers["WARC-Profile"]] = profiles.get(headers["WARC-Profile"], 0) + 1
                    target = (headers["WARC-Refers-To-Target-URI"], headers["WARC-Refers-To-Date"])
                    if index.get(target) in first_files:
                        referring_to_first += 1
    warcio_check(warc_files(data, network_recrawl.crawl_id))
    assert kinds.get("revisit", 0) > kinds.get("response", 0), kinds
    assert profiles.get(PROFILE_IDENTICAL, 0) > 0, profiles
    assert referring_to_first > kinds.get("revisit", 0) // 2  # most revisits point into the first crawl
    result = CliRunner().invoke(get_cli(), ["--data", str(data), "warc", "verify"])
    assert result.exit_code == 0, result.output[-3000:]


def test_recrawl_of_the_unchanged_network_is_almost_all_revisits(network_crawl, tmp_path: Path) -> None:
    """A copy of the shared crawl's data, crawled again against the same (unchanged) state."""
    from crawl_fixtures import run_congan_crawl

    data = tmp_path / "data"
    shutil.copytree(network_crawl.data_dir, data)
    result = run_congan_crawl(data, network_crawl.simnet.proxy_env(), "unchanged")
    assert result.returncode == 0, result.stderr[-3000:]
    kinds: dict[str, int] = {}
    for path in warc_files(data, "unchanged"):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                kinds[record.rec_type] = kinds.get(record.rec_type, 0) + 1
    assert kinds.get("revisit", 0) >= 0.9 * (kinds.get("revisit", 0) + kinds.get("response", 0)), kinds
    warcio_check(warc_files(data, "unchanged"))
    verify = CliRunner().invoke(get_cli(), ["--data", str(data), "warc", "verify"])
    assert verify.exit_code == 0, verify.output[-3000:]


def test_wacz_of_a_network_crawl_validates(network_crawl, tmp_path: Path) -> None:
    out = tmp_path / "state1.wacz"
    result = CliRunner().invoke(get_cli(), ["--data", str(network_crawl.data_dir), "wacz", "create",
                                            network_crawl.crawl_id, "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output[-2000:]
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["valid"] and summary["pages"] > 50
    valid, log = validate_wacz(out)
    assert valid, log


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
    warcio_check(sorted(warc_dir.glob("*.warc.gz")))
    result = CliRunner().invoke(get_cli(), ["--data", str(data), "warc", "verify"])
    assert result.exit_code == 0, result.output[-3000:]


def test_the_50_mb_document_is_archived_truncated_through_the_proxy(tmp_path: Path) -> None:
    """simnet's oversized fault: a streamed 50 MB PDF announced by Content-Length. Scrapy alone
    would cancel it; the capture keeps the first WARC_MAX_BODY_SIZE bytes, marked truncated."""
    import uuid

    from simnet.portals.liferay import HUGE_TITLE
    from simnet.truth import ground_truth

    url = next(a["url"] for article in ground_truth(1) for a in article.attachments if a["title"] == HUGE_TITLE)
    assert uuid.UUID(url.rsplit("/", 1)[1])
    with SimNet(state=1) as net:
        env = dict(os.environ, **net.proxy_env())
        result = subprocess.run(
            [
                sys.executable,
                str(REPO / "tests" / "warc_crawl.py"),
                str(tmp_path / "data"),
                "huge",
                url,
                "-s",
                "WARC_MAX_BODY_SIZE=1000000",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    row = json.loads(result.stdout.splitlines()[0])
    assert row["status"] == 200 and "download_stopped" in row["flags"]
    path = tmp_path / "data" / "collections" / "congan" / "archive" / row["stored"]["warc_file"]
    with path.open("rb") as fh:
        fh.seek(row["stored"]["offset"])
        record = next(iter(ArchiveIterator(fh)))
        payload = record.content_stream().read()
    assert record.rec_headers["WARC-Truncated"] == "length"
    assert record.http_headers["Content-Length"] == "52428800"
    assert len(payload) == 1_000_000 and payload.startswith(b"%PDF-")
    warcio_check([path])
