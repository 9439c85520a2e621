"""``congan index rebuild``: regenerate every index from the WARC files (and the corpus built
from them): CDXJ for replay, the capture index for revisits and conditional requests, the
search index."""

from __future__ import annotations

import click

from archive.cdxj import rebuild
from archive.errors import UserInputError
from archive.paths import DEFAULT_COLLECTION
from archive.search.sync import rebuild_from_corpus
from archive.warc.digests import CaptureIndex
from archive.warc.reindex import rebuild_capture_index

from .context import CliContext, data_option, emit_json, pass_cli


@click.group("index")
def index_group() -> None:
    """Indexes rebuilt from the WARC files: CDXJ, capture index, search."""


@index_group.command("rebuild")
@data_option
@click.option("--collection", default=DEFAULT_COLLECTION, show_default=True, help="WARC collection.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per index written.")
@pass_cli
def rebuild_command(cli: CliContext, collection: str, as_json: bool) -> None:
    """Rebuild the collection's indexes from its closed WARC files: the sorted CDXJ of each
    file (replay), the capture index (revisits, conditional requests), then the search index
    from the corpus (`congan reextract` rebuilds the corpus itself). Run it when no crawl is
    writing to the collection."""
    warc_dir = cli.data.warc_dir(collection)
    if not warc_dir.is_dir():
        raise UserInputError(f"no WARC collection at {warc_dir}; check --data and --collection")
    written = rebuild(warc_dir, cli.data.index_dir(collection))
    for path in written:
        lines = sum(1 for _ in path.open(encoding="utf-8"))
        if as_json:
            emit_json({"index": str(path), "captures": lines})
    with CaptureIndex.open(cli.data, collection) as index:
        captures = rebuild_capture_index(warc_dir, index)
    if as_json:
        emit_json({"index": str(cli.data.digest_db), "captures": captures})
    else:
        click.echo(f"CDXJ: {len(written)} indexes rebuilt in {cli.data.index_dir(collection)}")
        click.echo(f"capture index: {captures} captures read into {cli.data.digest_db}")
    articles = rebuild_from_corpus(cli.data)  # the search index, from the corpus
    if as_json:
        emit_json({"index": str(cli.data.search_db), "articles": articles})
    else:
        click.echo(f"search: {articles} articles indexed in {cli.data.search_db}")


COMMANDS = [index_group]
