"""`congan crawl` as a user meets it: mistakes are one line and exit 1; a page cap is exact
and holds; the summary and the history entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawl_fixtures import run_congan_crawl

from archive.control.history import CrawlHistory
from archive.paths import DataDir
from congan.cli.main import get_cli


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ftp://congan.hanoi.gov.vn/"], "is not an http(s) URL"),
        (["-s", "DOWNLOAD_DELAY"], "write -s NAME=VALUE"),
        (["-s", "download_delay=0"], "write -s NAME=VALUE"),
        (["-s", "CONGAN_CRAWL_ID=x"], "use --crawl-id instead"),
        (["-s", "CONGAN_SITES=a"], "use --site instead"),
        (["--crawl-id", "../etc"], "--crawl-id '../etc'"),
        (["--collection", "a b"], "--collection 'a b'"),
        (["--max-pages", "-3"], "-3 is not in the range"),
    ],
)
def test_mistakes_are_one_clear_line(args: list[str], message: str, data_dir: Path) -> None:
    result = CliRunner().invoke(get_cli(), ["crawl", *args])
    assert result.exit_code in (1, 2)
    assert message in result.output
    assert "Traceback" not in result.output
    assert CrawlHistory(DataDir(data_dir)).list() == []  # a refused crawl is not in the history


def test_a_page_cap_is_exact_and_the_summary_names_the_crawl(tmp_path: Path) -> None:
    from simnet.server import SimNet

    data_dir = tmp_path / "data"
    with SimNet(state=1) as simnet:
        result = run_congan_crawl(data_dir, simnet.proxy_env(), "capped", "--site", "congan.sonla.gov.vn",
                                  "--max-pages", "5", "--json")
        pages = [e for e in simnet.access_entries() if e["path"] != "/robots.txt"]
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["crawl_id"] == "capped" and summary["status"] == "finished" and not summary["resumed"]
    assert len(pages) == 5 and summary["totals"]["requests"] >= 5
    report = json.loads((data_dir / "crawls" / "capped" / "report.json").read_text(encoding="utf-8"))
    assert report["frontier"]["done"] == 5 and report["frontier"]["pending"] > 0
    assert (data_dir / "crawls" / "capped" / "crawl.log").read_text(encoding="utf-8").count("progress:") >= 1
    record = CrawlHistory(DataDir(data_dir)).get("capped")
    assert str(record.status) == "finished" and record.report_path == data_dir / "crawls" / "capped" / "report.json"
    assert record.params["max_pages"] == 5 and record.params["sites"] == ["congan.sonla.gov.vn"]
