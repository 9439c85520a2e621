"""congan export / extract / reextract as a user drives them."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.corpus import CaptureRef, CorpusStore, ExtractedArticle
from congan.cli.main import get_cli

DATA = Path(__file__).parent / "data" / "extract"


def _add(store: CorpusStore, n: int, site: str, published: str | None) -> None:
    url = f"https://{site}/tin/{n}.html"
    store.add(
        ExtractedArticle(
            url=url,
            fetched_url=url,
            site=site,
            title=f"Tin số {n} về Công an tỉnh",
            body=f"Nội dung {n}.",
            body_html="",
            published=published,
        ),
        CaptureRef(
            timestamp="20240312020000",
            warc_file="a.warc.gz",
            offset=n,
            length=10,
            record_id=f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>",
            url=url,
        ),
        datetime(2024, 3, 12, 2, tzinfo=UTC),
    )


@pytest.fixture
def corpus(data_dir: Path) -> Path:
    with CorpusStore(data_dir / "corpus") as store:
        _add(store, 1, "congan.laocai.gov.vn", "2024-03-01T08:00:00+07:00")
        _add(store, 2, "congan.laocai.gov.vn", "2024-05-02")
        _add(store, 3, "congan.hanoi.gov.vn", "2024-04-10T10:00:00+07:00")
        _add(store, 4, "congan.hanoi.gov.vn", None)
    return data_dir


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(get_cli(), list(args), input=stdin, catch_exceptions=False)


def test_export_jsonl_filters_by_site_and_day_first_dates(corpus: Path) -> None:
    result = run("export", "--data", str(corpus))
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 4
    assert "Công an tỉnh" in result.output  # diacritics kept, not \u escapes
    result = run("export", "--site", "congan.laocai.gov.vn", "--since", "01/04/2024")
    titles = [json.loads(line)["title"] for line in result.output.splitlines()]
    assert titles == ["Tin số 2 về Công an tỉnh"]
    result = run("export", "--since", "2024-03-01", "--until", "10/04/2024")
    assert sorted(json.loads(line)["url"][-6:] for line in result.output.splitlines()) == ["1.html", "3.html"]


def test_export_csv(corpus: Path) -> None:
    result = run("export", "--format", "csv", "--site", "congan.hanoi.gov.vn")
    assert result.output.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(result.output.removeprefix("\ufeff"))))
    assert {r["url"] for r in rows} == {"https://congan.hanoi.gov.vn/tin/3.html", "https://congan.hanoi.gov.vn/tin/4.html"}
    assert all(r["capture_replay_url"].startswith("/congan/20240312020000/https://") for r in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2024-13-45"], "--since"),
        (["--until", "hôm qua"], "--until"),
        (["--since", "2024-05-01", "--until", "2024-04-01"], "swap"),
    ],
)
def test_export_bad_dates_are_one_clear_line(corpus: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(get_cli(), ["export", *args])
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_export_without_corpus_says_what_to_do(data_dir: Path) -> None:
    result = CliRunner().invoke(get_cli(), ["export"])
    assert result.exit_code == 1 and "congan crawl" in result.output


def test_extract_a_saved_page_and_stdin(data_dir: Path) -> None:
    url = "https://congan.laocai.gov.vn/tin-tuc/x.html"
    result = run("extract", str(DATA / "article_cp1258_meta.html"), "--url", url)
    record = json.loads(result.output)
    assert record["title"] == "Bắt giữ đối tượng trộm cắp tài sản" and record["author"] == "Lan Hương"
    assert record["images"][0]["url"] == "https://congan.laocai.gov.vn/uploads/2024/03/anh-1.jpg"
    assert record["extraction"]["method"] == "generic"
    piped = run("extract", "-", "--profile", "dotnetnuke", "--content-type", "application/json",
                stdin=(DATA / "dnn_getbyid.json").read_bytes())
    assert json.loads(piped.output)["published"] == "2024-02-06T14:05:00+07:00"


def test_extract_errors(data_dir: Path) -> None:
    missing = CliRunner().invoke(get_cli(), ["extract", "nowhere.html"])
    assert missing.exit_code == 1 and "no such file" in missing.output
    bad = CliRunner().invoke(get_cli(), ["extract", str(DATA / "article_utf8.html"), "--profile", "drupal"])
    assert bad.exit_code == 1 and "dotnetnuke" in bad.output


def test_reextract_without_warcs_says_what_to_do(data_dir: Path) -> None:
    result = CliRunner().invoke(get_cli(), ["reextract"])
    assert result.exit_code == 1 and "no WARC files" in result.output


def test_export_leaves_out_what_access_rules_exclude(corpus: Path) -> None:
    added = CliRunner().invoke(get_cli(), ["access", "add", "congan.hanoi.gov.vn", "--prefix", "--reason", "takedown"])
    assert added.exit_code == 0, added.output
    urls = [json.loads(line)["url"] for line in run("export").output.splitlines()]
    assert urls and not any("hanoi" in url for url in urls)
