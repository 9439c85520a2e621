"""Takedowns, restored articles, tone-only edits, diffs and the feed in the corpus store (issue 15)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import jsonschema
import pytest

from archive.corpus import CorpusStore, article_id
from archive.corpus.changes import atom_feed, feed_json
from archive.corpus.diff import diff_versions, same_text
from archive.corpus.record import ArticleRecord, load_schema
from archive.corpus.removals import is_non_article_target
from scrapers.filing.takedowns import LiveAnswers, evidence_of
from tests.test_corpus_store import URL, article, at, capture

REPO = Path(__file__).resolve().parent.parent
SECOND = "https://congan.laocai.gov.vn/tin-tuc/khac-9.html"


@pytest.fixture
def store(tmp_path: Path):
    with CorpusStore(tmp_path / "corpus") as opened:
        yield opened


def _gone(n: int, url: str = URL, status: int = 410, live: LiveAnswers | None = None):
    answers = live or LiveAnswers()
    if live is None:
        evidence_of(200, "https://congan.laocai.gov.vn/", None, capture(n, "https://congan.laocai.gov.vn/"), answers)
    return evidence_of(status, url, None, capture(n, url), answers)


def test_a_gone_article_is_removed_with_its_date_and_evidence_and_exported(store: CorpusStore) -> None:
    store.add(article(), capture(1), at(1))
    evidence = _gone(3)
    assert evidence is not None
    assert store.mark_removed(URL, evidence) == article_id(URL)
    assert store.mark_removed(URL, _gone(4)) is None  # the first date is kept
    record = store.get(article_id(URL))
    assert record is not None and record.removed == "2024-03-13T02:00:00Z"
    assert record.removal is not None and record.removal["status"] == 410 and record.removal["reason"] == "gone"
    assert record.removal["capture"]["replay_url"] == f"/congan/20240313020000/{URL}"  # type: ignore[index]
    line = record.to_json()
    jsonschema.validate(line, load_schema())
    assert list(line)[list(line).index("last_seen") + 1 : list(line).index("last_seen") + 3] == ["removed", "removal"]
    assert [e.kind for e in store.events()] == ["new", "removed"]


def test_a_restored_article_shows_both_events_and_is_no_longer_removed(store: CorpusStore) -> None:
    store.add(article(), capture(1), at(1))
    store.mark_removed(URL, _gone(2))
    assert store.add(article(), capture(3), at(3)).kind == "unchanged"
    record = store.get(article_id(URL))
    assert record is not None and record.removed is None
    events = store.events()
    assert [e.kind for e in events] == ["new", "removed", "restored"]
    assert events[-1].detail["removed"] == "2024-03-12T02:00:00Z"
    # gone again later: a second takedown, history kept
    assert store.mark_removed(URL, _gone(5)) is not None
    assert [e.kind for e in store.events()] == ["new", "removed", "restored", "removed"]


def test_a_stale_answer_or_an_alias_that_fails_removes_nothing(store: CorpusStore) -> None:
    store.add(article(declared_aliases=(URL + "?print=1",)), capture(3), at(3))
    assert store.mark_removed(URL, _gone(2)) is None  # older than the last capture that saw it
    assert store.mark_removed(URL + "?print=1", _gone(4, URL + "?print=1", 404)) is None  # only an alias
    assert store.mark_removed(SECOND, _gone(4, SECOND)) is None  # not an article of the corpus
    assert store.removals() == {}


def test_a_portal_that_is_down_removes_nothing() -> None:
    live = LiveAnswers()
    assert evidence_of(410, URL, None, capture(2), live) is None  # nothing answered: not known to be live
    evidence_of(503, "https://congan.laocai.gov.vn/", None, capture(2, "https://congan.laocai.gov.vn/"), live)
    assert evidence_of(404, URL, None, capture(3), live) is None  # only errors: the portal is down
    evidence_of(200, "https://congan.laocai.gov.vn/", None, capture(3, "https://congan.laocai.gov.vn/"), live)
    assert evidence_of(404, URL, None, capture(3), live) is not None
    assert evidence_of(404, URL, None, capture(6), live) is None  # the last good answer was days ago
    other = "https://congan.backan.gov.vn/tin/1.html"
    assert evidence_of(410, other, None, capture(3, other), live) is None  # another portal


def test_a_redirect_to_a_page_that_is_no_article_is_a_takedown() -> None:
    assert is_non_article_target(URL, "/")
    assert is_non_article_target(URL, "https://congan.laocai.gov.vn/index.php")
    assert is_non_article_target(URL, "/tin-tuc")
    assert not is_non_article_target(URL, "/tin-tuc/bat-giu-123-moi.html")  # moved, not removed
    assert not is_non_article_target(URL, "https://congan.laichau.gov.vn/")  # another domain: lifecycle
    assert not is_non_article_target(URL, "/index.php?option=com_content&id=5")
    live = LiveAnswers()
    evidence_of(200, "https://congan.laocai.gov.vn/", None, capture(2, "https://congan.laocai.gov.vn/"), live)
    found = evidence_of(302, URL, "/", capture(2), live)
    assert found is not None and found.reason == "redirect" and found.location == "https://congan.laocai.gov.vn/"


def test_whitespace_nfc_or_tone_placement_alone_is_no_new_version(store: CorpusStore) -> None:
    body = "Công an tỉnh Hòa Bình phối hợp.\n\nThủy lợi và sức khỏe."
    store.add(article(title="Thanh Hóa: bắt giữ", body=body), capture(1), at(1))
    moved = "Công an tỉnh Hoà Bình  phối hợp.\n\n\nThuỷ lợi và sức khoẻ."
    assert store.add(article(title="Thanh Hoá: bắt giữ", body=moved), capture(2), at(2)).kind == "unchanged"
    nfd = unicodedata.normalize("NFD", body)
    assert store.add(article(title="Thanh Hóa: bắt giữ", body=nfd), capture(3), at(3)).kind == "unchanged"
    assert store.add(article(title="Thanh Hóa: bắt giữ", body=body.upper()), capture(4), at(4)).kind == "changed"
    assert store.add(article(title="Thanh Hóa: bắt giữ", body=body.replace("Hòa", "Hà")), capture(5),
                     at(5)).kind == "changed"
    assert not same_text("hoà", "x", "hòa", "y") and same_text("hoà", "x", "hòa", "x")
    assert [e.kind for e in store.events()] == ["new", "changed", "changed"]


def test_a_diff_names_changed_added_and_removed_paragraphs_and_the_title(store: CorpusStore) -> None:
    store.add(article(body="Một.\n\nHai.\n\nBa."), capture(1), at(1))
    store.add(article(title="Bắt giữ đối tượng: khởi tố", body="Một.\n\nHai đã sửa.\n\nBốn."), capture(2), at(2))
    old, new = store.versions(article_id(URL))
    diff = diff_versions(old, new)
    assert [(f.field, f.new) for f in diff.fields] == [("title", "Bắt giữ đối tượng: khởi tố")]
    assert [(p.kind, p.old, p.new) for p in diff.changed] == [
        ("changed", "Hai.", "Hai đã sửa."), ("changed", "Ba.", "Bốn."),
    ]
    later = "Một.\n\nHai đã sửa.\n\nBốn.\n\nNăm."
    store.add(article(title="Bắt giữ đối tượng: khởi tố", body=later), capture(3), at(3))
    diff = diff_versions(*store.versions(article_id(URL))[1:])
    assert [(p.kind, p.new) for p in diff.changed] == [("added", "Năm.")] and diff.fields == ()
    assert "+ Năm." in diff.to_text()


def test_the_feed_is_filtered_by_day_and_site_and_written_as_json_and_atom(store: CorpusStore) -> None:
    store.add(article(), capture(1), at(1))
    # another article (another title and text: the same text under a second URL would be one article)
    store.add(article(url=SECOND, fetched_url=SECOND, title="Tuần tra kiểm soát", body="Đoạn ba.\n\nĐoạn bốn."),
              capture(3, SECOND), at(3))
    store.mark_removed(URL, _gone(4))
    from datetime import date

    assert [e.kind for e in store.events(since=date(2024, 3, 13))] == ["new", "removed"]
    assert [e.kind for e in store.events(until=date(2024, 3, 12))] == ["new"]
    assert [e.kind for e in store.events(kinds=("removed",))] == ["removed"]
    assert store.events(site="congan.hanoi.gov.vn") == []
    events = store.events()
    assert json.loads(feed_json(events))["changes"][0]["kind"] == "new"
    atom = atom_feed(events, feed_url="http://x/changes.atom", article_base="http://x", replay_base="http://r")
    assert atom.count("<entry>") == 3 and "Đã gỡ" in atom and f"http://r/congan/20240314020000/{URL}" in atom


def test_a_version_1_line_reads_as_a_record_never_removed() -> None:
    line = json.loads(article_line())
    line["schema_version"] = 1
    line.pop("removed"), line.pop("removal")
    jsonschema.validate(line, load_schema(1))
    record = ArticleRecord.from_json(line)
    assert record.removed is None and record.schema_version == 2
    with pytest.raises(ValueError, match="schema_version 9"):
        ArticleRecord.from_json({**line, "schema_version": 9})


def article_line() -> str:
    from archive.corpus.record import build_record

    when = "2024-03-11T02:00:00Z"
    return build_record(article(), capture(1), record_id="a" * 20, version=1, aliases=[], first_seen=when,
                        last_seen=when).to_line()


def test_a_removal_is_on_disk_the_moment_it_is_recorded(tmp_path: Path) -> None:
    """kill -9 right after a takedown is recorded (as a crawl may be) loses nothing."""
    with CorpusStore(tmp_path / "corpus") as store:
        store.add(article(), capture(1), at(1))
    script = (
        "import os, signal, sys\n"
        "from archive.corpus import CorpusStore\n"
        "from tests.test_takedowns_store import _gone, URL\n"
        "store = CorpusStore(sys.argv[1])\n"
        "assert store.mark_removed(URL, _gone(3))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path / "corpus")], cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr
    with CorpusStore(tmp_path / "corpus") as store:
        assert set(store.removals()) == {article_id(URL)}
        assert [e.kind for e in store.events()] == ["new", "removed"]


def test_a_corpus_from_before_the_feed_gets_its_version_events(tmp_path: Path) -> None:
    with CorpusStore(tmp_path / "corpus") as store:
        store.add(article(), capture(1), at(1))
        store.add(article(body="Khác."), capture(2), at(2))
    (tmp_path / "corpus" / "ledger.sqlite3").unlink()  # no feed at all
    with CorpusStore(tmp_path / "corpus") as store:
        assert [(e.kind, e.version) for e in store.events()] == [("new", 1), ("changed", 2)]


def test_a_rebuilt_corpus_index_keeps_its_removals_and_feed(tmp_path: Path) -> None:
    """``congan index rebuild`` of a damaged index re-reads ``articles.jsonl``, which holds no
    takedown: the takedowns and the feed live in their own file and stay."""
    from archive.corpus.health import repair_index

    with CorpusStore(tmp_path / "corpus") as store:
        store.add(article(), capture(1), at(1))
        assert store.mark_removed(URL, _gone(3))
        feed = [e.to_json() for e in store.events()]
    index = tmp_path / "corpus" / "index.sqlite3"
    index.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)  # damaged
    assert repair_index(tmp_path / "corpus")
    with CorpusStore(tmp_path / "corpus") as store:
        assert set(store.removals()) == {article_id(URL)}
        assert store.get(article_id(URL)).removed is not None
        assert [e.to_json() for e in store.events()] == feed


def test_a_corpus_that_kept_its_ledger_in_the_index_moves_it(tmp_path: Path) -> None:
    import sqlite3

    with CorpusStore(tmp_path / "corpus") as store:
        store.add(article(), capture(1), at(1))
        assert store.mark_removed(URL, _gone(3))
        feed = [e.to_json() for e in store.events()]
    ledger = tmp_path / "corpus" / "ledger.sqlite3"
    with sqlite3.connect(tmp_path / "corpus" / "index.sqlite3") as db:  # the layout before the ledger file
        db.execute("ATTACH DATABASE ? AS old", (str(ledger),))
        db.execute("CREATE TABLE removals AS SELECT * FROM old.removals")
        db.execute("CREATE TABLE events AS SELECT * FROM old.events")
    db.close()
    ledger.unlink()
    with CorpusStore(tmp_path / "corpus") as store:
        assert set(store.removals()) == {article_id(URL)}
        assert [e.to_json() for e in store.events()] == feed
    with sqlite3.connect(tmp_path / "corpus" / "index.sqlite3") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not tables & {"removals", "events"}
