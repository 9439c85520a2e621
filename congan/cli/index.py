"""``congan index rebuild``: regenerate the indexes from the WARC files alone."""

from __future__ import annotations

import click

from archive.cdxj import rebuild
from archive.errors import UserInputError
from archive.paths import DEFAULT_COLLECTION
from archive.search.sync import rebuild_from_corpus

from .context import CliContext, data_option, emit_json, pass_cli


@click.group("index")
def index_group() -> None:
    """Indexes built from the WARC files (CDXJ for replay)."""


@index_group.command("rebuild")
@data_option
@click.option("--collection", default=DEFAULT_COLLECTION, show_default=True, help="WARC collection.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per index written.")
@pass_cli
def rebuild_command(cli: CliContext, collection: str, as_json: bool) -> None:
    """Rewrite the sorted CDXJ of every closed WARC file of the collection."""
    warc_dir = cli.data.warc_dir(collection)
    if not warc_dir.is_dir():
        raise UserInputError(f"no WARC collection at {warc_dir}; check --data and --collection")
    written = rebuild(warc_dir, cli.data.index_dir(collection))
    for path in written:
        lines = sum(1 for _ in path.open(encoding="utf-8"))
        if as_json:
            emit_json({"index": str(path), "captures": lines})
    if not as_json:
        click.echo(f"CDXJ: {len(written)} indexes rebuilt in {cli.data.index_dir(collection)}")
    articles = rebuild_from_corpus(cli.data)  # the search index, from the corpus
    if as_json:
        emit_json({"index": str(cli.data.search_db), "articles": articles})
    else:
        click.echo(f"search: {articles} articles indexed in {cli.data.search_db}")


COMMANDS = [index_group]
