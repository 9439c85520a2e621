"""``congan search``: full-text search of the corpus (SPEC §8), readable, --json or export."""

from __future__ import annotations

import sys

import click

from archive.search.export import FIELDS, RECORD_FORMATS, parse_fields, write_export, write_records
from archive.search.query import SORTS, Query
from archive.search.results import FACETS, SearchResults, replay_link
from archive.search.sync import open_index

from .checks import check_data_exists, check_search_filters
from .context import CliContext, data_option, emit_json, pass_cli

#: facet values printed per facet in readable output
FACET_LINES = 8


@click.command("search")
@data_option
@click.argument("query", metavar="QUERY")
@click.option("--site", multiple=True, metavar="DOMAIN", help="Only this portal (repeatable).")
@click.option("--province", multiple=True, metavar="P",
              help="Province before 2025 or the 2025 unit, by name or ascii key (hoa_binh). Repeatable.")
@click.option("--category", multiple=True, metavar="C", help="Only this category (repeatable).")
@click.option("--since", metavar="DATE", help="Published on or after DATE (YYYY-MM-DD or DD/MM/YYYY).")
@click.option("--until", metavar="DATE", help="Published on or before DATE.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--limit", type=int, default=10, show_default=True, help="Hits per page (export: all hits unless given).")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--facets", "show_facets", is_flag=True, help="Also print counts per province, site, category, year.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
@click.option("--export", "export_format", type=click.Choice(RECORD_FORMATS),
              help="Write every hit with the columns of `congan export` (CSV with BOM, JSONL, XLSX).")
@click.option("--fields", metavar="a,b,c",
              help=f"Export these fields instead (csv, jsonl), among: {', '.join(FIELDS)}.")
@click.option("--removed", is_flag=True, help="Only articles taken down by their portal.")
@pass_cli
def search(cli: CliContext, query: str, site: tuple[str, ...], province: tuple[str, ...],
           category: tuple[str, ...], since: str | None, until: str | None, sort: str, limit: int,
           page: int, show_facets: bool, as_json: bool, export_format: str | None,
           fields: str | None, removed: bool) -> None:
    """Search the articles. QUERY: words, "a phrase", -excluded, a OR b.

    Without diacritics a word matches every accented form ("cong an" finds "Công an");
    with diacritics it matches exactly that word, whatever the tone-mark placement
    ("hoà" = "hòa"). Pass "" to list by filters only; put a query that starts with
    "-" after "--" (congan search -- "-xe cong an").
    """
    check_data_exists(cli.data)
    check_search_filters(cli.data, sites=site, provinces=province, categories=category)
    source = click.get_current_context().get_parameter_source("limit")
    export_limit = limit if source is click.core.ParameterSource.COMMANDLINE else None
    request = Query.build(
        query, sites=site, provinces=province, categories=category, since=since, until=until,
        sort=sort, limit=limit, page=page, facets=show_facets and not as_json, removed=removed,
    )
    if export_format:
        if fields and export_format == "xlsx":
            raise click.UsageError("--fields goes with --export csv|jsonl")
        with open_index(cli.data) as index:
            if fields:
                count = write_export(index, request, sys.stdout, fmt=export_format, fields=parse_fields(fields),
                                     limit=export_limit)
            else:
                count = write_records(index, request, export_format, text=sys.stdout, binary=sys.stdout.buffer,
                                      limit=export_limit)
        if cli.verbosity >= 0:
            click.echo(f"{count} article(s) exported", err=True)
        return
    if fields:
        raise click.UsageError("--fields goes with --export csv|jsonl")
    with open_index(cli.data) as index:
        results = index.search(request)
    for notice in results.notices:
        click.echo(notice, err=True)
    if as_json:
        for hit in results.hits:
            emit_json(hit.to_json())
        return
    _print(results, show_facets)


def _print(results: SearchResults, show_facets: bool) -> None:
    query = results.query
    if not results.total:
        click.echo("No articles found.")
        return
    first = query.offset + 1
    last = query.offset + len(results.hits)
    click.echo(f"{results.total} article(s); {first}-{last} shown (page {query.page}/{results.pages})"
               if results.hits else f"{results.total} article(s); page {query.page} is past the end")
    for number, hit in enumerate(results.hits, start=first):
        click.echo("")
        title = hit.title_highlight.plain("[", "]") or hit.title or hit.url or hit.id
        click.echo(f"{number}. {click.style(title, bold=True)}")
        facts = [hit.published or "no date", hit.province or "", hit.site or "", hit.category or ""]
        if hit.score is not None:
            facts.append(f"relevance {hit.score:.1f}")
        click.echo("   " + " · ".join(f for f in facts if f))
        snippet = hit.snippet.plain("[", "]")
        if snippet:
            click.echo("   " + snippet)
        click.echo(f"   id {hit.id}  {hit.url or ''}")
        link = replay_link(hit.replay_url)
        if link:
            click.echo(f"   archived: {link}")
    if show_facets:
        for name, values in results.facets.items():
            click.echo("")
            click.echo(f"{FACETS[name]}:")
            for value in values[:FACET_LINES]:
                click.echo(f"  {value.count:>7}  {value.value if value.value is not None else '(none)'}")
            if len(values) > FACET_LINES:
                click.echo(f"  ... {len(values) - FACET_LINES} more")


COMMANDS = [search]
