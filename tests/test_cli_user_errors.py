"""Early, clear CLI errors: one line with a suggestion, exit 1, no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from search_corpus import corpus

from archive.control.history import CrawlHistory
from archive.paths import DataDir
from archive.search import SearchIndex
from congan.cli.main import get_cli


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(get_cli(), list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def one_line_error(code: int, output: str) -> str:
    assert code == 1, output
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    return lines[0]


def test_unknown_site_suggests_the_registry_domain_and_leaves_no_crawl(data_dir: Path) -> None:
    line = one_line_error(*invoke("crawl", "--site", "congan.hanoi.gov"))
    assert "unknown portal 'congan.hanoi.gov'" in line and "did you mean congan.hanoi.gov.vn?" in line
    line = one_line_error(*invoke("crawl", "--site", "nosuch.example"))
    assert "unknown portal 'nosuch.example'" in line and "congan sites list" in line
    assert not DataDir(data_dir).crawls_db.exists() or CrawlHistory(DataDir(data_dir)).list() == []
    assert not any(DataDir(data_dir).root.glob("crawls/*"))


@pytest.mark.parametrize("seed", ["congan.hanoi.gov.vn", "ftp://congan.hanoi.gov.vn/", "https://", "http://a b/"])
def test_invalid_seed_url(data_dir: Path, seed: str) -> None:
    line = one_line_error(*invoke("crawl", seed))
    assert "is not an http(s) URL" in line and "https://congan.hanoi.gov.vn/" in line
    assert not any(DataDir(data_dir).root.glob("crawls/*"))


def test_unknown_search_filters_suggest_a_known_value(data_dir: Path) -> None:
    data = DataDir(data_dir)
    SearchIndex.rebuild(data.search_db, corpus())
    line = one_line_error(*invoke("search", "x", "--province", "Quang Nom"))
    assert "unknown province 'Quang Nom'" in line and "did you mean Quảng Nam?" in line
    line = one_line_error(*invoke("search", "x", "--site", "congan.quangnam.gov"))
    assert "did you mean congan.quangnam.gov.vn?" in line
    line = one_line_error(*invoke("search", "x", "--category", "zzzzzz"))
    assert "unknown category 'zzzzzz'" in line
    # known values, spelled loosely, are accepted
    code, _ = invoke("search", "x", "--province", "quang_nam")
    assert code == 0


def test_unknown_export_site(data_dir: Path) -> None:
    line = one_line_error(*invoke("export", "--site", "congan.laocai.gov"))
    assert "did you mean congan.laocai.gov.vn?" in line


def test_read_commands_need_an_existing_data_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    for args in (["search", "cong an"], ["export"], ["crawls", "list"], ["serve", "--port", "0"]):
        line = one_line_error(*invoke("--data", str(missing), *args))
        assert f"no data directory at {missing}" in line and "congan demo" in line
        assert not missing.exists()


def test_extract_refuses_empty_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"  \n")
    assert "is empty" in one_line_error(*invoke("extract", str(empty)))
    pdf = tmp_path / "page.html"
    pdf.write_bytes(b"%PDF-1.7\n\x00\x01binary")
    assert "not a web page" in one_line_error(*invoke("extract", str(pdf)))
