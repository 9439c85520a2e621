"""``congan crawls``: the crawl history, one crawl's report, the portals' lifecycle."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import click

from archive.control.history import CrawlHistory, CrawlRecord, CrawlStatus
from archive.control.lifecycle import lifecycle_of, portal_lifecycles
from archive.control.registry_state import RegistryState
from archive.control.report import CrawlReport
from archive.errors import UserInputError
from archive.times import VN_TZ, now_vn

from .checks import check_data_exists
from .context import CliContext, data_option, emit_json, pass_cli

#: statuses shown loudly in listings
LOUD = {CrawlStatus.FAILED: "FAILED", CrawlStatus.INTERRUPTED: "INTERRUPTED (resumable)"}


@click.group("crawls")
def crawls_group() -> None:
    """Crawl history: every crawl, scheduled or manual, and its report."""


@crawls_group.command("list")
@data_option
@click.option("--status", type=click.Choice([s.value for s in CrawlStatus]), help="Only crawls with this status.")
@click.option("--schedule", metavar="NAME", help="Only crawls started by this schedule.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per crawl.")
@pass_cli
def list_command(cli: CliContext, status: str | None, schedule: str | None, limit: int, as_json: bool) -> None:
    """Crawls, newest first."""
    check_data_exists(cli.data)
    history = CrawlHistory(cli.data)
    if cli.data.crawls_db.exists():
        history.mark_interrupted_stale()
    records = history.list(status=status, schedule=schedule, limit=limit)
    if as_json:
        for record in records:
            emit_json(record.to_json() | {"totals": report_totals(history.report_of(record))})
        return
    if not records:
        click.echo("no crawls yet; run `congan crawl` or `congan scheduler run --once`")
        return
    for record in records:
        click.echo(_line(record, report_totals(history.report_of(record))))


def _line(record: CrawlRecord, totals: dict[str, int]) -> str:
    status = LOUD.get(record.status, str(record.status))
    started = f"{record.started.astimezone(VN_TZ):%d/%m/%Y %H:%M}"
    took = _duration(record.duration_s) if record.duration_s is not None else "-"
    origin = f"schedule {record.schedule}" if record.schedule else "manual"
    counts = " ".join(f"{k}={v}" for k, v in totals.items())
    return f"{record.crawl_id:<24} {status:<24} {started}  {took:>8}  {origin:<22} {counts}"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


@crawls_group.command("show")
@data_option
@click.argument("crawl_id")
@click.option("--json", "as_json", is_flag=True, help="The record and the full report as one JSON object.")
@pass_cli
def show_command(cli: CliContext, crawl_id: str, as_json: bool) -> None:
    """One crawl: its record and its report, per portal."""
    history = CrawlHistory(cli.data)
    history.mark_interrupted_stale()
    record = history.get(crawl_id)
    report = history.report_of(record)
    if as_json:
        emit_json(record.to_json() | {"report": report.to_json() if report is not None else None})
        return
    click.echo(f"crawl {record.crawl_id}: {LOUD.get(record.status, str(record.status))}")
    click.echo(f"  started   {record.started.astimezone(VN_TZ):%d/%m/%Y %H:%M:%S %z}")
    if record.ended:
        click.echo(f"  ended     {record.ended.astimezone(VN_TZ):%d/%m/%Y %H:%M:%S %z}"
                   f" ({_duration(record.duration_s or 0)})")
    click.echo(f"  origin    {'schedule ' + record.schedule if record.schedule else 'manual'}")
    if record.attempts > 1:
        click.echo(f"  attempts  {record.attempts} (resumed {record.attempts - 1} time(s))")
    if record.reason:
        click.echo(f"  reason    {record.reason}")
    if record.params:
        for key, value in sorted(record.params.items()):
            click.echo(f"  {key:<9} {_scalar(value)}".rstrip())
    if report is None:
        click.echo("  report    none yet" + ("" if record.status is CrawlStatus.RUNNING else " (the crawl wrote none)"))
        return
    click.echo(f"  report    {history.report_path(record)}")
    for line in render_report(report, _portal_states(cli)):
        click.echo(("  " + line).rstrip())


def _portal_states(cli: CliContext) -> dict[str, str]:
    """What the crawls know of each portal now ("redirecting to X since D", "down since D")."""
    if not cli.data.registry_db.exists():
        return {}
    return {p.domain: p.describe() for p in portal_lifecycles(RegistryState.open(cli.data), now_vn())}


def report_totals(report: CrawlReport | None) -> dict[str, int]:
    """Headline counts of a report (pages, articles, new/changed, errors), for listings."""
    return report.totals.headline() if report is not None else {}


#: per-portal columns of `crawls show` (PortalRow field -> heading)
PORTAL_COLUMNS = (("pages", "pages"), ("articles", "articles"), ("new", "new"), ("changed", "changed"),
                  ("unchanged", "unchanged"), ("not_modified", "304"))


def render_report(report: CrawlReport, portal_states: dict[str, str] | None = None) -> list[str]:
    """A crawl report as lines: totals, a table of portals (a portal that answered nothing,
    or that the crawl found down or redirecting, is flagged), errors by kind, rejected URLs
    by reason, politeness, extraction health, then the frontier and WARC figures."""
    lines: list[str] = []
    totals = report.totals.__dict__
    if any(v is not None for v in totals.values()):
        lines.append("totals    " + "  ".join(f"{k}={_scalar(v)}" for k, v in totals.items() if v is not None))
    if report.finish_reason is not None or report.report_version is not None:
        lines.append(f"{'finish_reason':<9} {_scalar(report.finish_reason)}")
    for key, value in (("runs", report.runs), ("elapsed_s", report.elapsed_s)):
        if value is not None:
            lines.append(f"{key:<9} {_scalar(value)}")
    if report.portals:
        lines.append("")
        lines.append(f"{'portal':<28}" + "".join(f"{h:>10}" for _, h in PORTAL_COLUMNS) + f"{'errors':>8}  state")
        for site, row in report.portals.items():
            n_errors = row.error_count
            state = (portal_states or {}).get(site, "")
            if not row.pages and n_errors:
                state = state or "NO ANSWER"
            flag = "!" if n_errors or state.startswith(("down", "redirecting", "NO")) else " "
            cells = "".join(f"{_scalar(getattr(row, k)):>10}" for k, _ in PORTAL_COLUMNS)
            lines.append(f"{site:<28}{cells}{_scalar(n_errors):>8}{flag} {state}".rstrip())
            for kind, n in row.errors.items():
                lines.append(f"    ! {kind}: {n}")
    politeness = report.politeness.counts() if report.politeness is not None else None
    for section, heading in ((report.errors, "errors by kind"), (report.rejected, "rejected URLs by reason"),
                             (politeness, "politeness")):
        if section is not None:
            shown = {k: v for k, v in section.items() if v}
            lines.append("")
            lines.append(f"{heading}:" + ("" if shown else " none"))
            lines.extend(f"    {k}: {_scalar(v)}" for k, v in shown.items())
    if report.extraction is not None and report.extraction.health:
        lines.append("")
        lines.append("extraction health:")
        lines.extend("    " + line for line in _nested(report.extraction.health))
    for key, figures in (("frontier", report.frontier), ("warc", report.warc)):
        if figures is not None:
            lines.append("")
            lines.append(f"{key}:" + ("" if figures else " none"))
            lines.extend("    " + line for line in _nested(figures))
    return lines


def _nested(value: Mapping[str, object], depth: int = 0) -> list[str]:
    lines: list[str] = []
    for key, item in value.items():
        if isinstance(item, dict):
            lines.append("  " * depth + f"{key}:")
            lines.extend(_nested(item, depth + 1))
        else:
            lines.append("  " * depth + f"{key}: {_scalar(item)}")
    return lines


def _scalar(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k}={_scalar(v)}" for k, v in value.items()) if value else "none"
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value) if value else "none"
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


@crawls_group.command("portals")
@data_option
@click.option("--at-risk", is_flag=True, help="Only the portals at risk of disappearing.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per portal.")
@pass_cli
def portals_command(cli: CliContext, at_risk: bool, as_json: bool) -> None:
    """What the crawls saw of each portal: live, redirecting (to its 2025 unit), down, back."""
    if not cli.data.registry_db.exists():
        click.echo("no portal has been crawled yet; run `congan crawl` first")
        return
    portals = portal_lifecycles(RegistryState.open(cli.data), now_vn())
    if at_risk:
        portals = [p for p in portals if p.at_risk]
    for portal in portals:
        if as_json:
            emit_json(portal.to_json())
        else:
            mark = "AT RISK" if portal.at_risk else ""
            click.echo(f"{portal.domain:<28} {mark:<8} {portal.describe()}"
                       + (f"  [{'; '.join(portal.risks)}]" if portal.risks else ""))


@crawls_group.command("portal")
@data_option
@click.argument("domain")
@click.option("--json", "as_json", is_flag=True, help="The state, then one JSON object per event.")
@pass_cli
def portal_command(cli: CliContext, domain: str, as_json: bool) -> None:
    """One portal's lifecycle: its state now and every change the crawls saw, with evidence."""
    state = RegistryState.open(cli.data) if cli.data.registry_db.exists() else None
    current = state.get(domain) if state else None
    if state is None or current is None:
        raise UserInputError(f"no crawl has seen {domain}; see `congan crawls portals`")
    portal = lifecycle_of(state, current, now_vn())
    events = state.history(domain)
    if as_json:
        emit_json(portal.to_json())
        for event in events:
            emit_json({"domain": event.domain, "at": _vn(event.at), "status": event.status,
                       "detail": event.detail, "crawl_id": event.crawl_id})
        return
    click.echo(f"{portal.domain}: {portal.describe()}" + ("  AT RISK" if portal.at_risk else ""))
    for risk in portal.risks:
        click.echo(f"  ! {risk}")
    if portal.evidence:
        click.echo(f"  evidence: {portal.evidence}")
    for event in events:
        click.echo(f"  {_vn(event.at)[:16].replace('T', ' ')}  {event.status:<12} {event.detail}"
                   + (f"  (crawl {event.crawl_id})" if event.crawl_id else ""))


def _vn(text: str) -> str:
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)).astimezone(VN_TZ).isoformat()


COMMANDS = [crawls_group]
