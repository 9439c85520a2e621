"""``congan scheduler run [--once]``: start the crawls the schedules say are due."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from types import FrameType

import click

from archive.control.history import CrawlStatus
from archive.control.scheduler import (
    CRAWL_COMMAND_ENV,
    DEFAULT_POLL_INTERVAL_S,
    DEFAULT_STOP_TIMEOUT_S,
    Scheduler,
    SchedulerConfig,
    attach_log_file,
)

from .context import CliContext, data_option, emit_json, pass_cli


@click.group("scheduler")
def scheduler_group() -> None:
    """The scheduler that runs `congan schedule` entries."""


@scheduler_group.command("run")
@data_option
@click.option("--once", is_flag=True, help="Start whatever is due now, wait for it, exit (for cron/systemd timers).")
@click.option("--crawl-command", metavar="CMD", envvar=CRAWL_COMMAND_ENV,
              help="Command that runs one crawl (default: this Python's `-m congan crawl`).")
@click.option("--poll", type=float, default=DEFAULT_POLL_INTERVAL_S, show_default=True,
              help="Longest wait between two looks at the schedules (seconds).")
@click.option("--stop-timeout", type=float, default=DEFAULT_STOP_TIMEOUT_S, show_default=True,
              help="On SIGTERM, how long to wait for running crawls to stop (seconds).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per crawl that ended.")
@pass_cli
def run_command(cli: CliContext, once: bool, crawl_command: str | None, poll: float,
                stop_timeout: float, as_json: bool) -> None:
    """Run the scheduler; logs go to DATA/logs/scheduler.log.

    Exit status: 0 when every crawl it started finished (or none was due, or it was
    stopped by SIGTERM/SIGINT), 1 when one failed or was interrupted."""
    config = SchedulerConfig.from_env(crawl_command, poll_interval_s=poll, stop_timeout_s=stop_timeout)
    scheduler = Scheduler(cli.data.ensure(), config)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger("archive.control.scheduler").info("signal %s: stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    consoles = _keep_console_verbosity()
    handler = attach_log_file(cli.data)
    try:
        outcomes = scheduler.run_once(stop) if once else scheduler.run_forever(stop)
    finally:
        logging.getLogger("archive").removeHandler(handler)
        handler.close()
        for console in consoles:
            console.setLevel(logging.NOTSET)
        for sig, old in previous.items():
            signal.signal(sig, old)
    for outcome in outcomes:
        if as_json:
            emit_json({"schedule": outcome.schedule, "crawl_id": outcome.crawl_id,
                       "slot": outcome.slot.isoformat(), "resumed": outcome.resumed,
                       "status": str(outcome.status), "exit_status": outcome.returncode})
        else:
            click.echo(f"{outcome.schedule}: crawl {outcome.crawl_id} {outcome.status}"
                       f"{' (resumed)' if outcome.resumed else ''}")
    if once and not as_json:
        for name in scheduler.waiting:
            click.echo(f"{name}: due, but a crawl of it is still running; it runs when that one ends")
        if not outcomes and not scheduler.waiting and cli.verbosity >= 0:
            click.echo("nothing due")  # not under -q: cron mails any output
    if not stop.is_set() and any(o.status is not CrawlStatus.FINISHED for o in outcomes):
        sys.exit(1)


def _keep_console_verbosity() -> list[logging.Handler]:
    """The log file gets INFO whatever -q/-v say; the console keeps the level they chose.
    Returns the handlers changed (set back afterwards)."""
    root = logging.getLogger()
    changed = [console for console in root.handlers if console.level == logging.NOTSET]
    for console in changed:
        console.setLevel(root.level)
    return changed


COMMANDS = [scheduler_group]
