"""The corpus from a crawl, and ``congan reextract`` rebuilding it from the WARCs alone.

A crawl of three portals of the simulated network (a JSON API, a windows-1258 WebForms site
and a decomposed-Unicode Joomla with print-view aliases) files its articles through the
ArticlePipeline; ``congan reextract`` (no network: simnet is stopped by then) must give the
same records apart from nothing at all, since times come from the WARC records; every
record validates against the published schema and matches simnet's ground truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from archive.corpus import CorpusStore
from archive.corpus.record import load_schema
from congan.cli.main import get_cli
from simnet.server import SimNet
from simnet.truth import ground_truth

REPO = Path(__file__).resolve().parent.parent
SITES = ("congan.hanoi.gov.vn", "congan.langson.gov.vn", "congan.thuathienhue.gov.vn", "congan.laichau.gov.vn")


def _records(data: Path) -> list[dict]:
    lines = (data / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
    return sorted((json.loads(line) for line in lines), key=lambda r: (r["id"], r["version"]))


def _crawl(net: SimNet, data: Path, crawl_id: str) -> None:
    env = dict(os.environ, **net.proxy_env())
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "network", "-s", f"CONGAN_DATA={data}",
         "-s", f"CONGAN_CRAWL_ID={crawl_id}", "-s", f"CONGAN_SITES={','.join(SITES)}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two crawls: the network in state 1, then in state 2 (one article edited, the rest
    unchanged: revisits and 304s)."""
    data = tmp_path_factory.mktemp("reextract") / "data"
    with SimNet() as net:
        _crawl(net, data, "first")
        (data / "first.jsonl").write_text((data / "corpus" / "articles.jsonl").read_text("utf-8"), "utf-8")
        net.set_state(2)
        _crawl(net, data, "second")
    return data


def test_crawl_files_every_article_with_its_truth(crawled: Path) -> None:
    truth = {t.canonical_url: t for t in ground_truth(1) if t.site in SITES}
    lines = (crawled / "first.jsonl").read_text("utf-8").splitlines()
    records = {r["url"]: r for r in map(json.loads, lines)}
    assert set(records) == set(truth)
    schema = load_schema()
    for url, record in records.items():
        jsonschema.validate(record, schema)
        expected = truth[url]
        assert (record["title"], record["published"], record["author"], record["body"]) == (
            expected.title, expected.published, expected.author, expected.body
        ), url
        assert record["province"] == expected.province
        assert set(record["aliases"]) <= set(expected.aliases), url
        assert bool(record["aliases"]) == bool(expected.aliases), url  # API answer, print view, saved copy
        assert record["capture"]["replay_url"].startswith("/congan/")
        assert record["extraction"]["adapter"] in ("dotnetnuke", "webforms", "joomla", "nukeviet")
    dnn = next(r for r in records.values() if r["site"] == "congan.hanoi.gov.vn")
    assert any("getbyid" in alias for alias in dnn["aliases"])  # the API answer is an alias


def test_second_crawl_versions_the_edited_article_only(crawled: Path) -> None:
    first = {r["id"]: r for r in map(json.loads, (crawled / "first.jsonl").read_text("utf-8").splitlines())}
    records = _records(crawled)
    changed = [r for r in records if r["version"] == 2]
    edited = {t.canonical_url: t for t in ground_truth(2) if t.site in SITES}
    assert len(changed) == 1
    assert changed[0]["title"] == edited[changed[0]["url"]].title != first[changed[0]["id"]]["title"]

    with CorpusStore(crawled / "corpus") as store:
        latest = list(store.latest())
        assert len(latest) == len({r["id"] for r in records})
        assert {r.url for r in latest} - {r["url"] for r in first.values()} <= set(edited)  # new in state 2
        moved = [r for r in latest if r.id in first and r.last_seen > first[r.id]["last_seen"]]
        assert moved, "an unchanged re-capture updates last_seen"
        assert all(r.first_seen == first[r.id]["first_seen"] for r in latest if r.id in first)


def test_reextract_reproduces_the_crawl_corpus(crawled: Path) -> None:
    before = _records(crawled)
    result = CliRunner().invoke(get_cli(), ["reextract", "--data", str(crawled), "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output.splitlines()[-1])
    assert counts["new"] == len({r["id"] for r in before}) and counts["unresolved_revisits"] == 0
    assert _records(crawled) == before
    # and again: rebuilding is idempotent
    CliRunner().invoke(get_cli(), ["reextract", "--data", str(crawled)])
    assert _records(crawled) == before


def test_a_damaged_warc_loses_only_what_follows_the_damage(crawled: Path, tmp_path: Path) -> None:
    warcs = sorted((crawled / "collections" / "congan" / "archive").glob("*.warc.gz"))
    copy = tmp_path / "data"
    archive = copy / "collections" / "congan" / "archive"
    archive.mkdir(parents=True)
    first = warcs[0].read_bytes()
    (archive / warcs[0].name).write_bytes(first[: len(first) // 2] + b"\x00garbage")
    for other in warcs[1:]:
        (archive / other.name).write_bytes(other.read_bytes())
    result = CliRunner().invoke(get_cli(), ["reextract", "--data", str(copy), "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output.splitlines()[-1])
    assert counts["broken_files"] == 1 and counts["new"] > 0
