"""Takedowns, versions and the change feed on the simulated network's second state (issue 15).

Reads the session fixtures ``network_crawl`` (state 1) and ``network_recrawl`` (state 2: new
articles, one edited, one deleted) read-only; ``congan reextract`` runs on a copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from congan.cli.main import get_cli
from simnet.truth import ground_truth


def _run(data: Path, *args: str) -> str:
    result = CliRunner().invoke(get_cli(), ["--data", str(data), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _feed(data: Path) -> list[dict]:
    return json.loads(_run(data, "changes", "--json"))["changes"]


def _truth_changes() -> tuple[set[str], set[str], set[str]]:
    before = {t.canonical_url: t for t in ground_truth(1)}
    after = {t.canonical_url: t for t in ground_truth(2)}
    both = before.keys() & after.keys()
    edited = {u for u in both if (before[u].title, before[u].body) != (after[u].title, after[u].body)}
    return set(after) - set(before), edited, set(before) - set(after)


@pytest.fixture(scope="module")
def rebuilt(network_recrawl, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("takedowns") / "data"
    shutil.copytree(network_recrawl.data_dir, data)
    _run(data, "reextract")
    return data


def test_the_deleted_article_is_removed_with_its_date_and_evidence_after_the_recrawl(
    network_crawl, network_recrawl
) -> None:
    _new, _edited, deleted = _truth_changes()
    assert deleted
    before = [json.loads(line) for line in _run(network_crawl.data_dir, "export").splitlines()]
    assert all(r["removed"] is None and r["removal"] is None for r in before)  # not before the re-crawl
    assert deleted <= {r["url"] for r in before}
    removed = [json.loads(line) for line in _run(network_recrawl.data_dir, "export", "--removed").splitlines()]
    assert {r["url"] for r in removed} == deleted
    answers = {e["url"]: e for e in network_recrawl.access_log}
    for record in removed:
        evidence = record["removal"]
        assert evidence["reason"] == "gone" and evidence["status"] == answers[record["url"]]["status"] in (404, 410)
        assert evidence["url"] == record["url"]
        stamp = evidence["capture"]["timestamp"]
        when = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:{stamp[12:14]}Z"
        assert record["removed"] == when
        assert record["removed"] > record["last_seen"]
        warc = network_recrawl.data_dir / "collections" / "congan" / "archive" / evidence["capture"]["warc_file"]
        assert warc.exists()  # the 410 itself is archived
        assert record["capture"]["replay_url"] != evidence["capture"]["replay_url"]  # the last capture is linked
    # the portal of a deleted article is alive; the dead portal (backan) loses nothing
    assert all(r["site"] != "congan.backan.gov.vn" for r in removed)


def test_the_change_feed_of_the_recrawl_lists_exactly_what_changed(network_crawl, network_recrawl):
    new, edited, deleted = _truth_changes()
    first = {(e["id"], e["kind"], e["at"]) for e in _feed(network_crawl.data_dir)}
    feed = [e for e in _feed(network_recrawl.data_dir) if (e["id"], e["kind"], e["at"]) not in first]
    crawled_sites = {e["site"] for e in _feed(network_crawl.data_dir)}
    kinds = ("new", "changed", "removed", "restored")
    by_kind = {kind: {e["url"] for e in feed if e["kind"] == kind} for kind in kinds}
    assert by_kind["new"] == {u for u in new if any(s in u for s in crawled_sites)}
    assert by_kind["changed"] == edited
    assert by_kind["removed"] == deleted
    assert by_kind["restored"] == set()
    atom = _run(network_recrawl.data_dir, "changes", "--kind", "removed")
    assert all(url.split("/")[2] in atom for url in deleted)


def test_the_edited_article_shows_a_diff_naming_the_rewritten_and_added_paragraphs(network_recrawl):
    _new, edited, _deleted = _truth_changes()
    feed = _feed(network_recrawl.data_dir)
    [changed] = [e for e in feed if e["kind"] == "changed"]
    assert changed["url"] in edited
    diff = json.loads(_run(network_recrawl.data_dir, "versions", changed["id"], "--diff", "--json"))
    [title] = [f for f in diff["fields"] if f["field"] == "title"]
    assert title["new"].endswith("khởi tố thêm 2 bị can") and not title["old"].endswith("khởi tố thêm 2 bị can")
    assert [p["kind"] for p in diff["paragraphs"]] == ["added"]
    after = {t.canonical_url: t for t in ground_truth(2)}[changed["url"]]
    assert diff["paragraphs"][0]["new"] in after.body
    assert diff["from"]["capture"]["replay_url"] != diff["to"]["capture"]["replay_url"]
    text = _run(network_recrawl.data_dir, "versions", changed["id"], "--diff")
    assert "@@ title" in text and ": added" in text
    listing = _run(network_recrawl.data_dir, "versions", changed["id"])
    assert "v1" in listing and "v2" in listing


def test_reextract_reproduces_removals_versions_and_the_feed_byte_for_byte(network_recrawl, rebuilt):
    assert _run(rebuilt, "changes", "--json") == _run(network_recrawl.data_dir, "changes", "--json")
    assert _run(rebuilt, "export") == _run(network_recrawl.data_dir, "export")
    assert _run(rebuilt, "export", "--removed") == _run(network_recrawl.data_dir, "export", "--removed")


def test_search_finds_the_removed_articles_only_with_removed(network_recrawl):
    _new, _edited, deleted = _truth_changes()
    found = _run(network_recrawl.data_dir, "search", "", "--removed", "--json")
    hits = [json.loads(line) for line in found.splitlines()]
    assert {h["url"] for h in hits} == deleted
    everything = _run(network_recrawl.data_dir, "search", "", "--limit", "5", "--json").splitlines()
    assert len(everything) == 5
