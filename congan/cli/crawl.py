"""``congan crawl``: crawl the portal network (or some portals, or from seeds) into the archive.

The crawl runs in this process (``scrapers.crawl.runner``) with the project settings plus
``-s NAME=VALUE`` overrides. It gets a crawl id (``--crawl-id``, else a new one) recorded in
the crawl history. Running an interrupted crawl again resumes it from its durable frontier:
``--crawl-id ID``, or simply the same command again, since without ``--crawl-id`` the latest
interrupted crawl with the same seeds, sites, collection, page cap and settings is resumed.
Afterwards the search index is brought up to date with the corpus, and a summary printed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import sys
from dataclasses import replace
from typing import Any

import click

from archive.control.history import CrawlHistory, CrawlStatus, new_crawl_id
from archive.control.report import REPORT_FILE, CrawlReport
from archive.datalock import DataDirLock
from archive.errors import ArchiveError, UserInputError
from archive.paths import DEFAULT_COLLECTION
from archive.storage_errors import StorageError, disk_full_message
from scrapers.crawl.disk_guard import DISK_FULL_REASON, is_storage_failure
from scrapers.crawl.runner import CrawlSpec, parse_override, run
from scrapers.errors import CrawlSpecError

from .checks import check_seeds, check_sites
from .context import CliContext, data_option, emit_json, pass_cli

logger = logging.getLogger(__name__)

CRAWL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
#: Scrapy finish reasons that end a crawl normally (a page cap reached is a normal end)
FINISHED_REASONS = ("finished", "closespider_")


def resolve_crawl_id(history: CrawlHistory, params: dict[str, Any], requested: str | None) -> tuple[str, bool]:
    """The crawl id to run and whether it resumes an earlier run."""
    if requested:
        if not CRAWL_ID.match(requested):
            raise UserInputError(f"--crawl-id {requested!r}: use letters, digits, '.', '_' or '-' (at most 80)")
        record = history.find(requested)
        return requested, record is not None
    for record in history.list(status=CrawlStatus.INTERRUPTED):
        if dict(record.params) == params:
            return record.crawl_id, True
    return new_crawl_id(), False


def end_status(reason: str | None, error: BaseException | None) -> CrawlStatus:
    if error is not None or reason is None:
        return CrawlStatus.FAILED
    if reason.startswith(FINISHED_REASONS):
        return CrawlStatus.FINISHED
    if reason == "shutdown":
        return CrawlStatus.INTERRUPTED
    return CrawlStatus.FAILED


def summary_line(crawl_id: str, status: CrawlStatus, report: CrawlReport | None) -> str:
    if report is None:
        return f"crawl {crawl_id} {status} (no report)"
    t = report.totals
    kinds = (("new", t.new), ("changed", t.changed), ("unchanged", t.unchanged))
    corpus = ", ".join(f"{n} {kind}" for kind, n in kinds if n)
    corpus = f" ({corpus})" if corpus else ""
    return (
        f"crawl {crawl_id} {status} in {report.elapsed_s or 0:.1f} s: {t.pages or 0} pages, "
        f"{t.articles or 0} articles{corpus}, {t.not_modified or 0} not modified, "
        f"{t.errors or 0} errors, {t.robots_denied or 0} robots-denied, "
        f"{t.rejected or 0} URLs out of scope, {t.portals or 0} portals"
    )


def next_steps(cli: CliContext, crawl_id: str) -> str:
    """What to do with a finished crawl: its report per portal, the web interface, search."""
    data = f" --data {cli.data.root}" if os.environ.get("CONGAN_DATA") != str(cli.data.root) else ""
    return (
        f"next: congan{data} crawls show {crawl_id}  (per portal)  ·  congan{data} serve  (web interface, "
        f"http://127.0.0.1:8080)  ·  congan{data} search \"cong an\""
    )


def update_search(cli: CliContext) -> None:
    try:
        from archive.search.sync import update_from_corpus
    except ImportError:
        return
    try:
        update_from_corpus(cli.data)
    except (ArchiveError, OSError) as exc:
        logger.warning("search index not updated: %s; run `congan index rebuild`", exc)


@click.command("crawl")
@click.argument("seeds", nargs=-1, metavar="[SEED_URL]...")
@click.option(
    "--site", "sites", multiple=True, metavar="DOMAIN", help="Crawl this portal of the registry (repeatable)."
)
@click.option("--collection", default=DEFAULT_COLLECTION, show_default=True, help="Collection the WARCs go to.")
@click.option("--max-pages", type=click.IntRange(min=0), default=0, help="Stop after this many requests (0: no limit).")
@click.option("--crawl-id", metavar="ID", help="Crawl id; an interrupted crawl with this id is resumed.")
@click.option(
    "-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy or project setting."
)
@click.option(
    "--full-revisit", is_flag=True,
    help="Check every known article again (CONGAN_REVISIT_MODE=full), not only those due by age.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@data_option
@pass_cli
def crawl_command(
    cli: CliContext,
    seeds: tuple[str, ...],
    sites: tuple[str, ...],
    collection: str,
    max_pages: int,
    crawl_id: str | None,
    overrides: tuple[str, ...],
    full_revisit: bool,
    as_json: bool,
) -> None:
    """Crawl the network into WARCs and the corpus.

    With no SEED_URL and no --site: every portal of the registry, and the portals their
    "Liên kết công an các tỉnh" blocks reveal. Run the same command again after an
    interruption (Ctrl-C, kill, power loss) to resume it.
    """
    check_seeds(seeds)
    try:
        settings = tuple(parse_override(text) for text in overrides)
        if full_revisit:
            settings += (parse_override("CONGAN_REVISIT_MODE=full"),)
    except CrawlSpecError as exc:
        raise UserInputError(str(exc)) from None
    # unknown portals: one line, before anything is written
    sites = check_sites(sites, dict(settings).get("CONGAN_REGISTRY"))
    if not re.match(r"^[A-Za-z0-9_.-]+$", collection):
        raise UserInputError(f"--collection {collection!r}: use letters, digits, '.', '_' or '-'")
    level = "DEBUG" if cli.verbosity > 1 else None  # crawl.log: INFO (the settings' LOG_LEVEL), -vv DEBUG
    console = "quiet" if cli.verbosity < 0 else "log" if cli.verbosity > 0 else "progress"
    if console != "log":  # the start-up and the log are in crawl.log (shown with -v)
        for handler in logging.getLogger().handlers:
            handler.setLevel(max(handler.level, logging.WARNING))
    spec = CrawlSpec(
        data=cli.data,
        crawl_id="",
        seeds=seeds,
        sites=tuple(s.strip().lower() for s in sites),
        collection=collection,
        max_pages=max_pages,
        overrides=settings,
        log_level=level,
        console=console,
    )
    cli.data.ensure(collection)
    lock = DataDirLock(cli.data.locks_dir)
    lock.acquire()  # one crawl per data directory (archive.datalock); released when we exit
    try:
        _crawl(cli, spec, crawl_id, lock, as_json)
    finally:
        lock.release()


def _crawl(cli: CliContext, spec: CrawlSpec, crawl_id: str | None, lock: DataDirLock, as_json: bool) -> None:
    history = CrawlHistory(cli.data)
    history.mark_interrupted_stale()
    chosen, resumed = resolve_crawl_id(history, spec.params(), crawl_id)
    spec = replace(spec, crawl_id=chosen)
    lock.name(chosen)
    record = history.start(chosen, params=spec.params(), schedule=None, pid=os.getpid())
    if resumed:
        click.echo(f"resuming crawl {chosen} (attempt {record.attempts})", err=True)
    elif cli.verbosity >= 0:
        click.echo(f"crawl {chosen}", err=True)

    try:
        outcome = run(spec)
    except CrawlSpecError as exc:
        history.finish(chosen, CrawlStatus.FAILED, reason=str(exc))
        raise UserInputError(str(exc)) from None
    except BaseException as exc:
        history.finish(chosen, CrawlStatus.FAILED, reason=f"{type(exc).__name__}: {exc}")
        raise
    if outcome.finish_reason == DISK_FULL_REASON or (outcome.error and is_storage_failure(outcome.error)):
        # the history may not be writable either: then the next run marks it interrupted
        with contextlib.suppress(OSError, sqlite3.DatabaseError):
            history.finish(chosen, CrawlStatus.INTERRUPTED, reason=DISK_FULL_REASON)
        raise StorageError(disk_full_message(cli.data.root))
    status = end_status(outcome.finish_reason, outcome.error)
    report_path = spec.directory / REPORT_FILE
    reason = outcome.finish_reason if outcome.error is None else f"{type(outcome.error).__name__}: {outcome.error}"
    history.finish(chosen, status, report_path if report_path.exists() else None, reason=reason)
    if status is not CrawlStatus.FAILED:
        update_search(cli)

    report = CrawlReport.load(report_path)
    if as_json:
        emit_json(
            {
                "crawl_id": chosen,
                "status": str(status),
                "resumed": resumed,
                "finish_reason": outcome.finish_reason,
                "report": str(report_path) if report else None,
                "totals": report.to_json()["totals"] if report else {},
            }
        )
    else:
        click.echo(summary_line(chosen, status, report))
        if report:
            click.echo(f"report: {report_path}  (log: {spec.directory / 'crawl.log'})")
        if status is CrawlStatus.FINISHED and cli.verbosity >= 0:
            click.echo(next_steps(cli, chosen))
    if status is CrawlStatus.INTERRUPTED:
        click.echo(f"interrupted: run `congan crawl --crawl-id {chosen}` (or the same command) to resume", err=True)
        sys.exit(1)
    if status is CrawlStatus.FAILED:
        message = str(outcome.error) if outcome.error else f"crawl ended with {outcome.finish_reason}"
        raise click.ClickException(f"crawl {chosen} failed: {message}; see {spec.directory / 'crawl.log'}")


COMMANDS = [crawl_command]
