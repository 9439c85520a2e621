"""``congan sites``: the registry of portals and what crawls learned about them, and the
network reachable from a seed."""

from __future__ import annotations

from typing import Any

import click

from archive.control.registry_state import RegistryState
from archive.errors import UserInputError
from scrapers.errors import RegistryError
from scrapers.portals.network_map import DEFAULT_MAX_PORTALS, UrllibFetcher, discover_network
from scrapers.portals.registry import Registry, load_registry

from .context import CliContext, data_option, emit_json, pass_cli

#: crawl status of a portal no crawl has seen yet
UNSEEN = "unseen"


def _registry(path: str | None) -> Registry:
    try:
        return load_registry(path)
    except (OSError, RegistryError) as exc:
        raise UserInputError(f"cannot read the registry: {exc}") from None


def _user_agent() -> str:
    from scrapy.utils.project import get_project_settings

    return str(get_project_settings().get("USER_AGENT"))


@click.group()
def sites() -> None:
    """The portals of the network: the registry, and discovery from a seed."""


@sites.command("list")
@data_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per portal.")
@click.option("--all", "show_all", is_flag=True, help="Also the Ministry and the press (outside the network).")
@click.option("--registry", "registry_path", metavar="CSV", help="Another registry file.")
@pass_cli
def list_sites(cli: CliContext, as_json: bool, show_all: bool, registry_path: str | None) -> None:
    """Every portal with its province, 2025 unit, CMS and what crawls saw (live, redirecting, down)."""
    registry = _registry(registry_path)
    learned = {}
    if cli.data.registry_db.exists():
        learned = {s.domain: s for s in RegistryState.open(cli.data).all()}
    rows: list[dict[str, Any]] = []
    for portal in registry:
        if not portal.in_network and not show_all:
            continue
        state = learned.get(portal.domain)
        rows.append({
            "domain": portal.domain,
            "province": portal.province_vi,
            "province_2025": portal.province_2025 or None,
            "registry_status": portal.status,
            "merged_into": portal.merged_into or None,
            "in_network": portal.in_network,
            "cms": portal.cms,
            "adapter": portal.adapter,
            "status": state.status if state else UNSEEN,
            "since": state.since if state else None,
            "redirect_to": state.redirect_to if state else None,
            "first_seen": state.first_seen if state else None,
            "last_seen": state.last_seen if state else None,
            "last_error": state.last_error if state else None,
        })
    listed = {portal.domain for portal in registry}
    for domain, state in sorted(learned.items()):
        if domain in listed or registry.get(domain) is not None:
            continue
        # found by a crawl through a link block: not in the registry yet
        rows.append({
            "domain": domain, "province": None, "province_2025": None, "registry_status": None,
            "merged_into": None, "in_network": True, "cms": None, "adapter": "generic",
            "status": state.status, "since": state.since, "redirect_to": state.redirect_to,
            "first_seen": state.first_seen, "last_seen": state.last_seen, "last_error": state.last_error,
        })
    for row in rows:
        row["known"] = row["registry_status"] is not None
    if as_json:
        for row in rows:
            emit_json(row)
        return
    width = max((len(r["domain"]) for r in rows), default=10)
    click.echo(f"{'DOMAIN':<{width}}  {'PROVINCE':<18} {'2025 UNIT':<14} {'ADAPTER':<10} {'STATUS':<12} SINCE / DETAIL")
    for r in rows:
        detail = r["since"] or ""
        if r["redirect_to"]:
            detail += f" -> {r['redirect_to']}"
        if r["status"] == "down" and r["last_error"]:
            detail += f" ({r['last_error']})"
        click.echo(
            f"{r['domain']:<{width}}  {(r['province'] or 'NEW (not in registry)'):<18} "
            f"{(r['province_2025'] or '-'):<14} "
            f"{r['adapter']:<10} {r['status']:<12} {detail}".rstrip()
        )
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    click.echo(f"{len(rows)} portals: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))


@sites.command("discover")
@data_option
@click.argument("seed_url")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per portal.")
@click.option("--max-portals", type=click.IntRange(1), default=DEFAULT_MAX_PORTALS, show_default=True)
@click.option("--timeout", type=click.FloatRange(0.1), default=15.0, show_default=True, help="Seconds per request.")
@click.option("--registry", "registry_path", metavar="CSV", help="Another registry file.")
@pass_cli
def discover(
    cli: CliContext, seed_url: str, as_json: bool, max_portals: int, timeout: float, registry_path: str | None
) -> None:
    """The portals reachable from SEED_URL through "Liên kết công an các tỉnh" blocks.

    Fetches only the home page of each portal (robots.txt permitting) through the usual
    proxy variables; portals the registry does not know are marked NEW.
    """
    if not seed_url.lower().startswith(("http://", "https://")):
        raise UserInputError(
            f"{seed_url!r} is not an http(s) URL; give a portal address like http://congan.hanoi.gov.vn/"
        )
    registry = _registry(registry_path)
    found = discover_network(seed_url, registry, UrllibFetcher(_user_agent(), timeout), max_portals=max_portals)
    if as_json:
        for portal in found:
            emit_json(portal.to_json())
        return
    for portal in found:
        mark = "NEW " if not portal.known else "    "
        answer = str(portal.status) if portal.status is not None else (portal.error or "-")
        how = f"via {portal.linked_from} ({portal.link_form})" if portal.linked_from else "seed"
        scope = "" if portal.in_network else "  [outside the network]"
        click.echo(f"{mark}{portal.domain:<32} {answer:<28} {how}{scope}")
    new = sum(1 for p in found if not p.known)
    click.echo(f"{len(found)} portals reachable from {seed_url}; {new} not in the registry")


COMMANDS = [sites]
