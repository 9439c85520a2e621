"""``congan export``, ``congan extract``, ``congan reextract``: the article corpus."""

from __future__ import annotations

import shutil
import sys
from dataclasses import asdict
from pathlib import Path

import click

from archive.errors import UserInputError

from .checks import check_data_exists, check_page_file, check_sites
from .context import CliContext, data_option, emit_json, pass_cli


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "xlsx"]), default="jsonl", show_default=True,
              help="JSON lines, CSV (UTF-8 with BOM, for Excel) or XLSX (to stdout: redirect it to a file).")
@click.option("--site", metavar="DOMAIN", help="Only this portal (e.g. congan.hanoi.gov.vn).")
@click.option("--since", metavar="DATE", help="Published on or after (YYYY-MM-DD or DD/MM/YYYY).")
@click.option("--until", metavar="DATE", help="Published on or before (YYYY-MM-DD or DD/MM/YYYY).")
@click.option("--removed", is_flag=True, help="Only articles taken down by their portal (`removed` set).")
@data_option
@pass_cli
def export_command(
    cli: CliContext, fmt: str, site: str | None, since: str | None, until: str | None, removed: bool
) -> None:
    """The corpus, latest version of each article, to stdout."""
    from archive.access import AccessRules
    from archive.corpus import CorpusStore
    from archive.corpus.export import (
        ExportFilter,
        parse_user_date,
        select_records,
        write_csv,
        write_jsonl,
        write_xlsx,
    )

    check_data_exists(cli.data)
    selection = ExportFilter(
        site=check_sites([site])[0] if site else None,
        since=parse_user_date(since, "--since") if since else None,
        until=parse_user_date(until, "--until") if until else None,
        removed=removed,
    )
    if selection.since and selection.until and selection.since > selection.until:
        raise UserInputError("--since is after --until; swap them")
    if not (cli.data.corpus_dir / "articles.jsonl").exists():
        raise UserInputError(f"no corpus in {cli.data.root}; run `congan crawl` or `congan reextract` first")
    access = AccessRules.load(cli.data)
    with CorpusStore.open(cli.data) as store:
        records = select_records(store.latest(), selection, access)
        if fmt == "xlsx":
            write_xlsx(records, sys.stdout.buffer)
        else:
            (write_csv if fmt == "csv" else write_jsonl)(records, sys.stdout)
        skipped = store.bad_lines.summary()
    if skipped:
        click.echo(skipped, err=True)


@click.command("extract")
@click.argument("path", metavar="PATH|-")
@click.option("--url", help="The page's URL (resolves relative links; default: a file: URL).")
@click.option("--profile", help="Extraction profile (CMS family); default: generic.")
@click.option("--content-type", help="The page's Content-Type header (e.g. 'text/html; charset=windows-1258').")
@data_option
@pass_cli
def extract_command(cli: CliContext, path: str, url: str | None, profile: str | None, content_type: str | None) -> None:
    """The article JSON of one saved HTML (or JSON API) page."""
    from scrapers.extract import PROFILE_NAMES, extract_article

    if profile and profile not in PROFILE_NAMES:
        raise UserInputError(f"--profile: unknown {profile!r}; use one of {', '.join(PROFILE_NAMES)}")
    if path == "-":
        body = sys.stdin.buffer.read()
        url = url or "file:///dev/stdin"
    else:
        source = Path(path)
        if not source.is_file():
            raise UserInputError(f"{path}: no such file; give a saved HTML page or - for stdin")
        body = source.read_bytes()
        url = url or source.resolve().as_uri()
    check_page_file(body, "stdin" if path == "-" else path)
    headers = {"Content-Type": content_type} if content_type else None
    article = extract_article(body, url, headers=headers, profile=profile)
    record = asdict(article)
    record["extraction"] = article.extraction.to_json()
    record["tags"] = list(article.tags)
    emit_json(record)


@click.command("reextract")
@click.option("--collection", default="congan", show_default=True, help="The WARC collection to read.")
@click.option("--force", is_flag=True, help="Replace the corpus even when the rebuilt one has fewer articles.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@data_option
@pass_cli
def reextract_command(cli: CliContext, collection: str, force: bool, as_json: bool) -> None:
    """Rebuild the corpus from the WARC files alone (no network).

    Damaged WARC records are skipped (every intact record after them is read) and listed.
    The new corpus replaces the current one only once it is complete, and never when it has
    fewer articles, unless --force."""
    from archive.corpus import CorpusStore
    from archive.corpus.health import article_count
    from archive.generations import building_dir, check_shrink, recover, swap_in
    from scrapers.filing.reextract import reextract, warc_files

    warc_dir = cli.data.warc_dir(collection)
    if not warc_files(warc_dir):
        raise UserInputError(f"no WARC files in {warc_dir}; crawl first or pick --collection")
    recover(cli.data.corpus_dir)
    building = building_dir(cli.data.corpus_dir)
    try:
        with CorpusStore(building, durable=False) as store:
            stats = reextract(warc_dir, store, collection=collection)
            built = len(store)
        for damage in stats.damage:
            click.echo(f"damaged: {damage}", err=True)
        warning = check_shrink("the corpus", article_count(cli.data.corpus_dir), built, force=force)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    if warning:
        click.echo(warning, err=True)
    swap_in(building, cli.data.corpus_dir)
    # the search index follows the corpus it was built from
    from archive.search.sync import rebuild_from_corpus

    indexed = rebuild_from_corpus(cli.data)
    if as_json:
        emit_json({**stats.to_json(), "search_indexed": indexed})
    else:
        lost = (f"; {stats.records_lost} damaged record(s) skipped in {stats.broken_files} file(s)"
                if stats.damage else "")
        click.echo(
            f"reextract: {stats.articles} article captures in {stats.files} WARC files -> "
            f"{stats.new} articles, {stats.changed} later versions, {stats.unchanged} unchanged, "
            f"{stats.empty} without content; search index rebuilt ({indexed} articles){lost}"
        )


COMMANDS = [export_command, extract_command, reextract_command]
