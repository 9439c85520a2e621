"""``congan schedule``: recurring crawls (add, list, remove, pause, resume)."""

from __future__ import annotations

from datetime import datetime

import click

from archive.control.history import CrawlHistory, CrawlStatus
from archive.control.schedules import DEFAULT_TZ, CrawlMode, Schedule, ScheduleStore
from archive.paths import DEFAULT_COLLECTION
from archive.times import now_vn

from .context import CliContext, data_option, emit_json, pass_cli
from .crawls import LOUD


@click.group("schedule")
def schedule_group() -> None:
    """Recurring crawls, run by `congan scheduler run`.

    Times are read in Asia/Ho_Chi_Minh unless --tz says otherwise."""


@schedule_group.command("add")
@data_option
@click.argument("name")
@click.option("--cron", "cron", required=True, metavar="EXPR",
              help="When, as 'minute hour day month weekday' (e.g. '0 2 * * *') or @daily.")
@click.option(
    "--site", "sites", multiple=True, metavar="DOMAIN", help="Portal to crawl (repeatable; default: the whole network)."
)
@click.option("--seed", "seeds", multiple=True, metavar="URL", help="Seed URL (repeatable).")
@click.option(
    "--mode",
    type=click.Choice([m.value for m in CrawlMode]),
    default=CrawlMode.INCREMENTAL.value,
    show_default=True,
    help="incremental: only what may have changed; full: everything again.",
)
@click.option(
    "-s",
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE",
    help="Scrapy/project setting for the crawl (repeatable).",
)
@click.option("--collection", default=DEFAULT_COLLECTION, show_default=True, help="Collection the WARCs go to.")
@click.option(
    "--max-pages", type=click.IntRange(min=0), default=0, help="Stop each crawl after this many requests (0: no limit)."
)
@click.option("--tz", default=DEFAULT_TZ, show_default=True, help="Time zone the cron expression is read in.")
@click.option("--json", "as_json", is_flag=True, help="Print the schedule as JSON.")
@pass_cli
def add_command(
    cli: CliContext,
    name: str,
    cron: str,
    sites: tuple[str, ...],
    seeds: tuple[str, ...],
    mode: str,
    settings: tuple[str, ...],
    collection: str,
    max_pages: int,
    tz: str,
    as_json: bool,
) -> None:
    """Add the schedule NAME."""
    schedule = ScheduleStore(cli.data).add(
        name,
        cron,
        sites=sites,
        seeds=seeds,
        mode=mode,
        settings=settings,
        tz=tz,
        collection=collection,
        max_pages=max_pages,
    )
    if as_json:
        emit_json(schedule.to_json(now_vn()))
    else:
        click.echo(
            f"added schedule {schedule.name}: {schedule.cron} ({schedule.tz}), "
            f"next run {schedule.next_slot(now_vn()):%d/%m/%Y %H:%M %z}"
        )


@schedule_group.command("list")
@data_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per schedule.")
@pass_cli
def list_command(cli: CliContext, as_json: bool) -> None:
    """The schedules, with their next and last runs (and how the last one ended)."""
    now = now_vn()
    schedules = ScheduleStore(cli.data).list()
    history = CrawlHistory(cli.data)
    last_status = {}
    for schedule in schedules:
        record = history.find(schedule.last_crawl) if schedule.last_crawl else None
        last_status[schedule.name] = str(record.status) if record else None
    if as_json:
        for schedule in schedules:
            emit_json(schedule.to_json(now) | {"last_status": last_status[schedule.name]})
        return
    if not schedules:
        click.echo("no schedules; add one with `congan schedule add NAME --cron EXPR`")
        return
    for schedule in schedules:
        click.echo(_line(schedule, now, last_status[schedule.name]))


def _line(schedule: Schedule, now: datetime, status: str | None) -> str:
    state = "paused" if schedule.paused else f"next {schedule.next_slot(now):%d/%m/%Y %H:%M}"
    last = "never run"
    if schedule.last_slot:
        shown = LOUD.get(CrawlStatus(status), status) if status else "unknown"
        last = f"last {schedule.last_slot:%d/%m/%Y %H:%M} {schedule.last_crawl} {shown}"
    what = ", ".join(schedule.sites) or "whole network"
    if schedule.seeds:
        what += f" + {len(schedule.seeds)} seed(s)"
    return f"{schedule.name:<20} {schedule.cron:<15} {schedule.mode:<11} {state:<22} {last:<56} {what}"


@schedule_group.command("remove")
@data_option
@click.argument("name")
@pass_cli
def remove_command(cli: CliContext, name: str) -> None:
    """Remove the schedule NAME (its past crawls stay in the history)."""
    ScheduleStore(cli.data).remove(name)
    click.echo(f"removed schedule {name}")


@schedule_group.command("pause")
@data_option
@click.argument("name")
@pass_cli
def pause_command(cli: CliContext, name: str) -> None:
    """Stop starting crawls for NAME until it is resumed."""
    ScheduleStore(cli.data).pause(name)
    click.echo(f"paused schedule {name}")


@schedule_group.command("resume")
@data_option
@click.argument("name")
@pass_cli
def resume_command(cli: CliContext, name: str) -> None:
    """Start crawls for NAME again, from its next slot (missed slots are not run)."""
    schedule = ScheduleStore(cli.data).resume(name)
    click.echo(f"resumed schedule {schedule.name}, next run {schedule.next_slot(now_vn()):%d/%m/%Y %H:%M %z}")


COMMANDS = [schedule_group]
