"""``congan access``: block or exclude a URL or URL prefix (takedowns), optionally for a
date range. The rules hold in replay, search and export alike."""

from __future__ import annotations

import click

from archive.access import KINDS, AccessRule, AccessRules
from archive.replay.config import write_acl

from .context import CliContext, data_option, emit_json, pass_cli


@click.group("access")
def access_group() -> None:
    """Access rules: what replay, search and export must not show.

    exclude: the capture disappears (not listed, not replayed, not found).
    block: replay lists the capture but refuses to show it; search and export hide it."""


def _describe(rule: AccessRule) -> str:
    when = ""
    if rule.since or rule.until:
        when = f" from {rule.since or 'the beginning'} until {rule.until or 'now'}"
    reason = f" ({rule.reason})" if rule.reason else ""
    return f"#{rule.id} {rule.kind} {rule.match} {rule.target}{when}{reason}"


def _publish(cli: CliContext, rules: AccessRules) -> None:
    rules.save()
    # pywb reads the ACL file on every lookup: a running replay follows at once.
    write_acl(cli.data, rules)


@access_group.command("add")
@data_option
@click.argument("target", metavar="URL_OR_PREFIX")
@click.option("--prefix", is_flag=True, help="Match every URL that starts with it (a bare host: the whole portal).")
@click.option("--kind", type=click.Choice(KINDS), default="exclude", show_default=True,
              help="exclude: as if never captured; block: listed in replay but not shown.")
@click.option(
    "--since", metavar="DATE", help="Only captures made on or after DATE (YYYY-MM-DD or DD/MM/YYYY, Asia/Ho_Chi_Minh)."
)
@click.option("--until", metavar="DATE", help="Only captures made on or before DATE.")
@click.option("--reason", metavar="TEXT", help="Why (takedown request reference, ...).")
@click.option("--json", "as_json", is_flag=True, help="Print the rule as JSON.")
@pass_cli
def add_command(
    cli: CliContext,
    target: str,
    prefix: bool,
    kind: str,
    since: str | None,
    until: str | None,
    reason: str | None,
    as_json: bool,
) -> None:
    """Add a rule for URL_OR_PREFIX (replaces the rule for the same URL or prefix)."""
    rules, rule = AccessRules.load(cli.data).add(
        target, prefix=prefix, kind=kind, since=since, until=until, reason=reason
    )
    _publish(cli, rules)
    if as_json:
        emit_json(rule.to_json())
        return
    click.echo(f"added {_describe(rule)}")
    if rule.since and rule.until:
        click.echo(
            "note: replay (pywb) holds one date bound per rule, so it hides these captures "
            f"from {rule.since} on; search and export apply the exact range",
            err=True,
        )


@access_group.command("list")
@data_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per rule.")
@pass_cli
def list_command(cli: CliContext, as_json: bool) -> None:
    """The access rules."""
    rules = AccessRules.load(cli.data)
    if as_json:
        for rule in rules:
            emit_json(rule.to_json())
        return
    if not len(rules):
        click.echo("no access rules; add one with `congan access add URL_OR_PREFIX`")
        return
    for rule in rules:
        click.echo(_describe(rule))


@access_group.command("remove")
@data_option
@click.argument("target", metavar="ID_OR_URL")
@click.option("--prefix", is_flag=True, help="TARGET is a prefix rule's prefix.")
@pass_cli
def remove_command(cli: CliContext, target: str, prefix: bool) -> None:
    """Remove a rule, given by its #id (see `list`) or its URL/prefix."""
    rules, rule = AccessRules.load(cli.data).remove(target.lstrip("#"), prefix=prefix)
    _publish(cli, rules)
    click.echo(f"removed {_describe(rule)}")


COMMANDS = [access_group]
