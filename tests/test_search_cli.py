"""``congan search``: readable output, --json, export, filters and hostile input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from search_corpus import corpus

from archive.paths import DataDir
from archive.search import SearchIndex
from congan.cli.main import get_cli


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli") / "data"
    SearchIndex.rebuild(DataDir(root).search_db, corpus())
    return root


def run(data: Path, *args: str):
    return CliRunner().invoke(get_cli(), ["--data", str(data), "search", *args], catch_exceptions=False)


def test_readable_output(data: Path) -> None:
    result = run(data, "dai ta heroin")
    assert result.exit_code == 0, result.output
    assert "1 article(s)" in result.output
    assert "Công an tỉnh Hòa Bình triệt phá đường dây ma túy" in result.output
    assert "[Đại tá]" in result.output  # the phrase marked whole
    archived = "http://127.0.0.1:8090/congan/20240305010203/https://congan.hoabinh.gov.vn/tin-tuc/hb-matuy.html"
    assert f"archived: {archived}" in result.output


def test_json_lines_carry_the_documented_fields(data: Path) -> None:
    result = run(data, "cong an", "--json", "--province", "Đà Nẵng", "--limit", "50")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert {line["id"] for line in lines} == {"dn-cobac", "qn-anninh"}
    for line in lines:
        assert set(line) >= {"id", "url", "title", "published", "site", "province", "snippet", "score", "replay_url"}
        assert line["replay_url"].startswith("http://127.0.0.1:8090/congan/")
    assert "Đà Nẵng" in result.output  # diacritics are not escaped


def test_filters_and_sort(data: Path) -> None:
    result = run(data, "", "--site", "congan.quangnam.gov.vn", "--sort", "date", "--json")
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["qn-tratu", "qn-anninh"]
    result = run(data, "", "--since", "01/08/2025", "--until", "2025-09", "--json")
    assert {json.loads(x)["id"] for x in result.stdout.splitlines()} == {"hn-sohoa", "tq-script"}
    result = run(data, "", "--category", "Cảnh báo thủ đoạn", "--facets", "--limit", "1")
    assert "Chuyên mục:" in result.output and "Năm:" in result.output


def test_export_csv_every_hit_with_chosen_fields(data: Path) -> None:
    result = run(data, "cong an", "--export", "csv", "--fields", "id,title,replay_url,tags")
    assert result.stdout.startswith("\ufeff")  # a byte order mark: Excel reads Vietnamese right
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[0] == ["id", "title", "replay_url", "tags"]
    total = SearchIndex(DataDir(data).search_db, readonly=True)
    from archive.search import Query

    assert len(rows) - 1 == total.search(Query.build("cong an")).total > 10  # every hit, not one page
    assert all(r[2].startswith("http://127.0.0.1:8090/congan/") for r in rows[1:])


def test_export_jsonl(data: Path) -> None:
    result = run(data, "hòa", "--export", "jsonl", "--fields", "id,tags,body", "--limit", "3")
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(lines) == 3 and all(set(x) == {"id", "tags", "body"} for x in lines)
    assert isinstance(lines[0]["tags"], list)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (('"unbalanced',), "unbalanced quote"),
        (("x", "--since", "31/02/2024"), "does not exist"),
        (("x", "--export", "csv", "--fields", "id,password"), "unknown field"),
        (("--", "-only"), "only excludes"),
    ],
)
def test_user_errors_are_one_line(data: Path, args: tuple[str, ...], message: str) -> None:
    result = CliRunner().invoke(get_cli(), ["--data", str(data), "search", *args])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "text",
    ["NEAR(a b)", "công*", "title:x", "'; DROP TABLE articles; --", "x" * 10_000, "a\x00b", "^", "OR"],
)
def test_hostile_queries_never_crash_the_cli(data: Path, text: str) -> None:
    result = CliRunner().invoke(get_cli(), ["--data", str(data), "search", text])
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 0:
        assert result.exception is None
    else:  # a clear user error: click's exit, no traceback
        assert isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_missing_index_says_how_to_build_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(get_cli(), ["--data", str(tmp_path), "search", "x"])
    assert result.exit_code == 1 and "congan index rebuild" in result.output
