"""``congan wacz create CRAWL_ID``: package one crawl as a validated WACZ."""

from __future__ import annotations

from pathlib import Path

import click

from archive.paths import DEFAULT_COLLECTION
from archive.wacz_package import create_wacz

from .context import CliContext, data_option, emit_json, pass_cli


@click.group("wacz")
def wacz_group() -> None:
    """WACZ packages of crawls."""


@wacz_group.command("create")
@data_option
@click.argument("crawl_id")
@click.option("--collection", default=DEFAULT_COLLECTION, show_default=True, help="WARC collection.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write (default: <data>/wacz/<crawl_id>.wacz).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@pass_cli
def create_command(cli: CliContext, crawl_id: str, collection: str, output: Path | None, as_json: bool) -> None:
    """Package the WARC files of crawl CRAWL_ID, their index and its pages as a WACZ, then
    validate it. pages.jsonl lists the seeds, extraPages.jsonl the other successful HTML
    pages, with their titles and, for articles, their text (ReplayWeb.page searches it)."""
    from scrapers.extract.text import decode_html  # the corpus's decoding (windows-1258 in <meta>, NFC)

    result = create_wacz(cli.data, crawl_id, decode=decode_html, collection=collection, output=output)
    if as_json:
        emit_json({"wacz": str(result.path), "warcs": [p.name for p in result.warcs], "pages": result.pages,
                   "seeds": result.seeds, "valid": True})
    else:
        click.echo(f"{result.path}: {len(result.warcs)} WARC files, {result.pages} pages ({result.seeds} seeds), valid")


COMMANDS = [wacz_group]
