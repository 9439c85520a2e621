"""Fault injection: a corrupt line in ``corpus/articles.jsonl``, garbage pages in the corpus
and search SQLite indexes, a storage failure (ENOSPC) in the middle of a rebuild.

Before: one bad line stopped ``congan export`` with a traceback (and ``index rebuild``, the
web article pages, the crawl's search update); garbage pages in ``search/index.sqlite3``
gave tracebacks, HTTP 500, or silently no results.
"""

from __future__ import annotations

import errno
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from faults import assert_no_traceback, congan, copy_data, corpus_lines, exported_ids

from archive.paths import DataDir
from congan.cli.main import get_cli
from congan.web import WebConfig, create_app

ARTICLES = 126


@pytest.fixture
def data(network_crawl, tmp_path: Path) -> Path:
    return copy_data(network_crawl.data_dir, tmp_path / "data")


def garble_line(data: Path, number: int) -> str:
    """Overwrite line ``number`` (1-based) of the corpus with garbage of the same length; its id."""
    lines = corpus_lines(data)
    ident = json.loads(lines[number - 1])["id"]
    lines[number - 1] = b"#" * (len(lines[number - 1]) - 1) + b"\n"
    (data / "corpus" / "articles.jsonl").write_bytes(b"".join(lines))
    return ident


def garble_pages(path: Path, seed: int, every: int = 2, first: int = 2) -> None:
    """Random bytes in every ``every``-th page of an SQLite file (its header left intact)."""
    rng = random.Random(seed)
    data = bytearray(path.read_bytes())
    for page in range(first, len(data) // 4096, every):
        start = page * 4096 + 100
        data[start:start + 2000] = bytes(rng.randrange(256) for _ in range(2000))
    path.write_bytes(bytes(data))


def test_a_corrupt_corpus_line_is_skipped_counted_and_named_and_reextract_repairs_it(data: Path) -> None:
    lost = garble_line(data, 40)
    export = congan(data, "export")
    assert export.returncode == 0, export.stderr[-2000:]
    assert_no_traceback(export)
    ids = exported_ids(export)
    assert len(ids) == ARTICLES - 1 and lost not in ids
    assert "skipped 1 corrupt line(s)" in export.stderr and "line 40" in export.stderr
    assert "congan reextract" in export.stderr
    # the search index would lose the article: kept unless --force
    rebuild = congan(data, "index", "rebuild")
    assert rebuild.returncode == 1 and "would shrink" in rebuild.stderr
    assert_no_traceback(rebuild)
    assert congan(data, "search", "công an", "--limit", "1").returncode == 0
    reextract = congan(data, "reextract")
    assert reextract.returncode == 0, reextract.output[-2000:]
    repaired = congan(data, "export")
    assert len(exported_ids(repaired)) == ARTICLES and not repaired.stderr.strip().count("corrupt")


def test_the_web_article_page_of_a_corrupt_line_is_not_a_500(data: Path) -> None:
    lost = garble_line(data, 3)
    client = create_app(WebConfig.build(DataDir(data), "http://127.0.0.1:8090")).test_client()
    # the corpus line is unreadable: the page falls back to the version the search index holds
    assert client.get(f"/articles/{lost}").status_code == 200
    api = client.get(f"/api/articles/{lost}")
    assert api.status_code == 200 and api.get_json()["id"] == lost
    assert client.get("/?q=c%C3%B4ng+an").status_code == 200


def test_a_damaged_search_index_gives_the_rebuild_message(data: Path) -> None:
    garble_pages(data / "search" / "index.sqlite3", seed=3)
    for query in ("công an", "xyzzy"):
        run = congan(data, "search", query)
        assert run.returncode == 1, run.output[-2000:]
        assert_no_traceback(run)
        assert "run `congan index rebuild`" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    client = create_app(WebConfig.build(DataDir(data), "http://127.0.0.1:8090")).test_client()
    page = client.get("/?q=c%C3%B4ng+an")
    # the page says it in plain Vietnamese (no command); the API keeps the rebuild message
    assert page.status_code == 503 and "dựng lại chỉ mục" in page.get_data(as_text=True)
    api = client.get("/api/search?q=c%C3%B4ng+an")
    assert api.status_code == 503 and "congan index rebuild" in api.get_json()["error"]
    assert congan(data, "index", "rebuild").returncode == 0
    assert congan(data, "search", "công an").returncode == 0


def test_a_damaged_corpus_index_gives_the_rebuild_message_and_index_rebuild_repairs_it(data: Path) -> None:
    garble_pages(data / "corpus" / "index.sqlite3", seed=5, every=1, first=1)
    export = congan(data, "export")
    assert export.returncode == 1
    assert_no_traceback(export)
    assert "run `congan index rebuild`" in export.stderr
    rebuild = congan(data, "index", "rebuild")
    assert rebuild.returncode == 0, rebuild.output[-2000:]
    assert "corpus index was damaged" in rebuild.stderr
    assert len(exported_ids(congan(data, "export"))) == ARTICLES


def test_a_full_disk_during_reextract_keeps_the_current_corpus(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.corpus import store

    before = (data / "corpus" / "articles.jsonl").read_bytes()
    calls = {"n": 0}
    original = store.CorpusStore._append

    def fill_up(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 50:
            raise OSError(errno.ENOSPC, "No space left on device", str(self.jsonl_path))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(store.CorpusStore, "_append", fill_up)
    result = CliRunner().invoke(get_cli(), ["--data", str(data), "reextract"])
    assert result.exit_code == 1
    assert f"disk full at {data}: free space and run the same command to resume" in result.output
    assert "Traceback" not in result.output
    assert (data / "corpus" / "articles.jsonl").read_bytes() == before  # the previous generation is whole
    assert not (data / "corpus.rebuild").exists()
    for name, args in (("export", ["export"]), ("index rebuild", ["index", "rebuild"])):
        def no_space(*_args, **_kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")
        with monkeypatch.context() as patch:
            patch.setattr("archive.search.index.SearchIndex.rebuild", no_space)
            patch.setattr("archive.corpus.export.write_jsonl", no_space)
            run = CliRunner().invoke(get_cli(), ["--data", str(data), *args])
        assert run.exit_code == 1, (name, run.output)
        assert "disk full at" in run.output and "Traceback" not in run.output, (name, run.output)
