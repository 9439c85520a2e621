"""``congan versions`` and ``congan changes``: what the portals rewrote and removed, and when."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from archive.corpus.removals import VANISHED
from archive.errors import UserInputError

from .context import CliContext, data_option, emit_json, pass_cli

if TYPE_CHECKING:
    from archive.corpus import CorpusStore


def _open_store(cli: CliContext) -> CorpusStore:
    from archive.corpus import CorpusStore

    if not (cli.data.corpus_dir / "articles.jsonl").exists():
        raise UserInputError(f"no corpus in {cli.data.root}; run `congan crawl` or `congan reextract` first")
    return CorpusStore.open(cli.data)


@click.command("versions")
@click.argument("article_id", metavar="ID")
@click.option("--diff", "diff", is_flag=True, help="Show what changed between two versions, paragraph by paragraph.")
@click.option("--from", "old", type=int, metavar="N", help="The older version (default: the one before --to).")
@click.option("--to", "new", type=int, metavar="N", help="The newer version of the diff (default: the latest).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@data_option
@pass_cli
def versions_command(
    cli: CliContext, article_id: str, diff: bool, old: int | None, new: int | None, as_json: bool
) -> None:
    """The versions of an article (dates, capture, content hash); --diff between two."""
    from archive.corpus.diff import diff_versions

    with _open_store(cli) as store:
        versions = store.versions(article_id.strip())
        removal = store.removal(article_id.strip())
    if not versions:
        raise UserInputError(f"no article {article_id!r}; `congan search` or `congan export` give article ids")
    if not diff:
        rows: list[dict[str, Any]] = [
            {"version": v.version, "captured": v.capture.timestamp, "content_hash": v.content_hash,
             "title": v.title, "replay_url": v.capture.replay_url, "warc_file": v.capture.warc_file}
            for v in versions
        ]
        removed = {"removed": removal.removed, "removal": removal.evidence} if removal else {"removed": None}
        if as_json:
            emit_json({"id": versions[-1].id, "url": versions[-1].url, "versions": rows, **removed})
            return
        click.echo(f"{versions[-1].id}  {versions[-1].url}")
        for row in rows:
            click.echo(f"  v{row['version']}  {row['captured']}  {row['content_hash'][:19]}  {row['replay_url']}")
        if removal and removal.evidence.get("reason") == VANISHED:
            click.echo(f"  removed {removal.removed}: gone from every listing (last seen in one "
                       f"{removal.evidence.get('last_seen_in_listing')})")
        elif removal:
            click.echo(f"  removed {removal.removed}: HTTP {removal.evidence.get('status')} "
                       f"({removal.evidence.get('reason')})")
        return
    by_number = {v.version: v for v in versions}
    to = new or versions[-1].version
    since = old or to - 1
    for number, option in ((since, "--from"), (to, "--to")):
        if number not in by_number:
            raise UserInputError(f"{option} {number}: article {article_id} has versions 1..{versions[-1].version}")
    if since >= to:
        raise UserInputError(f"--from {since} must be older than --to {to}")
    change = diff_versions(by_number[since], by_number[to])
    if as_json:
        emit_json(change.to_json())
    else:
        click.echo(change.to_text())


@click.command("changes")
@click.option("--since", metavar="DATE", help="Changes on or after this day (YYYY-MM-DD or DD/MM/YYYY, Vietnam time).")
@click.option("--until", metavar="DATE", help="Changes on or before this day.")
@click.option("--site", metavar="DOMAIN", help="Only this portal.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["new", "changed", "removed", "restored"]),
              help="Only this kind of change (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the feed as one JSON document.")
@data_option
@pass_cli
def changes_command(
    cli: CliContext, since: str | None, until: str | None, site: str | None, kinds: tuple[str, ...], as_json: bool
) -> None:
    """New, changed, removed and restored articles, oldest first."""
    from archive.corpus.changes import KIND_LABELS, feed_json
    from archive.corpus.export import parse_user_date

    low = parse_user_date(since, "--since") if since else None
    high = parse_user_date(until, "--until") if until else None
    if low and high and low > high:
        raise UserInputError("--since is after --until; swap them")
    with _open_store(cli) as store:
        events = store.events(since=low, until=high, site=site.strip().lower() if site else None, kinds=kinds)
    if as_json:
        sys.stdout.write(feed_json(events))
        return
    for event in events:
        click.echo(f"{event.at}  {event.kind:<8}  {event.site}  v{event.version}  {event.id}  "
                   f"{event.title or event.url}  [{KIND_LABELS[event.kind]}]")
    if not events:
        click.echo("no changes in that range")


COMMANDS = [versions_command, changes_command]
