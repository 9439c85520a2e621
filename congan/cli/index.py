"""``congan index rebuild``: regenerate every index from the WARC files (and the corpus built
from them): CDXJ for replay, the capture index for revisits and conditional requests, the
search index."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from archive.cdxj import rebuild
from archive.corpus.health import repair_index
from archive.errors import UserInputError
from archive.generations import ShrinkRefused, check_shrink
from archive.paths import DEFAULT_COLLECTION
from archive.search.index import SearchIndex, SearchIndexError
from archive.search.sync import corpus_records, rebuild_from_corpus
from archive.warc.digests import CaptureIndex
from archive.warc.reindex import rebuild_capture_index
from archive.warc.resync import Damage

from .context import CliContext, data_option, emit_json, pass_cli


@click.group("index")
def index_group() -> None:
    """Indexes rebuilt from the WARC files: CDXJ, capture index, search."""


@index_group.command("rebuild")
@data_option
@click.option("--collection", default=DEFAULT_COLLECTION, show_default=True, help="WARC collection.")
@click.option("--force", is_flag=True, help="Replace an index even when the rebuilt one is smaller.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per index written.")
@pass_cli
def rebuild_command(cli: CliContext, collection: str, force: bool, as_json: bool) -> None:
    """Rebuild the collection's indexes from its closed WARC files: the sorted CDXJ of each
    file (replay), the capture index (revisits, conditional requests), then the search index
    from the corpus (`congan reextract` rebuilds the corpus itself). Run it when no crawl is
    writing to the collection.

    Damaged WARC records are skipped and listed; a damaged corpus index is rebuilt from
    articles.jsonl. An index that would shrink is kept as it is unless --force (exit 1)."""
    warc_dir = cli.data.warc_dir(collection)
    if not warc_dir.is_dir():
        raise UserInputError(f"no WARC collection at {warc_dir}; check --data and --collection")
    refused: list[str] = []
    written = rebuild(warc_dir, cli.data.index_dir(collection), keep_larger=None if force else refused)
    for path in written:
        lines = sum(1 for _ in path.open(encoding="utf-8"))
        if as_json:
            emit_json({"index": str(path), "captures": lines})
    damage: list[Damage] = []
    with CaptureIndex.open(cli.data, collection) as index:
        captures = rebuild_capture_index(warc_dir, index, damage)
    for item in damage:
        click.echo(f"damaged: {item}", err=True)
    if as_json:
        emit_json({"index": str(cli.data.digest_db), "captures": captures, "damage": [d.to_json() for d in damage]})
    else:
        click.echo(f"CDXJ: {len(written)} indexes rebuilt in {cli.data.index_dir(collection)}")
        click.echo(f"capture index: {captures} captures read into {cli.data.digest_db}")
    if repair_index(cli.data.corpus_dir):
        click.echo(f"corpus index was damaged: rebuilt from {cli.data.corpus_dir / 'articles.jsonl'}", err=True)
    before = search_count(cli.data.search_db)
    after = sum(1 for _ in corpus_records(cli.data)) if cli.data.corpus_dir.exists() else 0
    try:
        warning = check_shrink("the search index", before, after, force=force)
    except ShrinkRefused as exc:
        refused.append(str(exc))
    else:
        if warning:
            click.echo(warning, err=True)
        articles = rebuild_from_corpus(cli.data)  # the search index, from the corpus
        if as_json:
            emit_json({"index": str(cli.data.search_db), "articles": articles})
        else:
            click.echo(f"search: {articles} articles indexed in {cli.data.search_db}")
    if refused:
        raise ShrinkRefused("kept indexes that would shrink (run with --force to replace them): " + "; ".join(refused))


def search_count(path: Path) -> int | None:
    """Articles in the search index at ``path``; None when there is none or it is unreadable."""
    if not path.exists():
        return None
    try:
        with SearchIndex(path, readonly=True) as index:
            return index.count()
    except (SearchIndexError, sqlite3.DatabaseError):
        return None


COMMANDS = [index_group]
