"""Run one crawl in this process: the project settings plus the crawl's own, the ``network``
spider, Scrapy's ``CrawlerProcess`` (one per process: the reactor cannot restart).

``congan crawl`` decides the crawl id (new or resumed) and records it in the history; this
module only turns a :class:`CrawlSpec` into settings and runs them.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from archive.control.schedules import RESERVED_SETTINGS, parse_setting
from archive.errors import UserInputError
from archive.paths import DEFAULT_COLLECTION, DataDir
from scrapers.crawl.disk_guard import QuietFileHandler
from scrapers.errors import CrawlSpecError

logger = logging.getLogger(__name__)

SPIDER = "network"
#: set through options of `congan crawl`, not through -s (one table, shared with schedules)
RESERVED = RESERVED_SETTINGS
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
#: what stderr shows while the crawl runs (``crawl.log`` always has the whole log):
#: ``log`` the log as Scrapy writes it (-v); ``progress`` a live line on a terminal and only
#: the project's warnings and everyone's errors (the default); ``quiet`` errors only (-q)
CONSOLE_MODES = ("log", "progress", "quiet")
#: loggers whose warnings reach the console in ``progress`` mode (others: errors only)
OWN_LOGGERS = ("archive", "scrapers", "spiders", "congan")


def parse_override(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` of ``-s``: the schedules' parser (one grammar for both), as a crawl error."""
    try:
        return parse_setting(text)
    except UserInputError as exc:
        raise CrawlSpecError(str(exc)) from None


@dataclass(frozen=True)
class CrawlSpec:
    data: DataDir
    crawl_id: str
    seeds: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    collection: str = DEFAULT_COLLECTION
    max_pages: int = 0
    overrides: tuple[tuple[str, str], ...] = field(default=())
    log_level: str | None = None  # None: the settings' LOG_LEVEL
    console: str = "log"  # what stderr shows: CONSOLE_MODES

    def params(self) -> dict[str, Any]:
        """What makes two crawls "the same crawl" (to resume an interrupted one)."""
        return {
            "seeds": list(self.seeds),
            "sites": sorted(self.sites),
            "collection": self.collection,
            "max_pages": self.max_pages,
            "settings": dict(sorted(self.overrides)),
        }

    @property
    def directory(self) -> Path:
        return self.data.crawl_dir(self.crawl_id)


def build_settings(spec: CrawlSpec) -> Settings:
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    if spec.log_level:
        settings.set("LOG_LEVEL", spec.log_level, priority="cmdline")
    for name, value in spec.overrides:
        settings.set(name, value, priority="cmdline")
    settings.set("CONGAN_DATA", str(spec.data.root), priority="cmdline")
    settings.set("CONGAN_CRAWL_ID", spec.crawl_id, priority="cmdline")
    settings.set("CONGAN_SEEDS", list(spec.seeds), priority="cmdline")
    settings.set("CONGAN_SITES", list(spec.sites), priority="cmdline")
    settings.set("CONGAN_COLLECTION", spec.collection, priority="cmdline")
    settings.set("CONGAN_MAX_PAGES", spec.max_pages, priority="cmdline")
    # logging handlers are this module's (the crawl log and the console), never Scrapy's root handler
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    live = spec.console == "progress" and sys.stderr.isatty()
    settings.set("CONGAN_LIVE_PROGRESS", live, priority="cmdline")
    return settings


@dataclass(frozen=True)
class CrawlOutcome:
    finish_reason: str | None  # None when the crawl never opened
    error: BaseException | None  # what stopped it from starting or running, if anything


def run(spec: CrawlSpec, *, spider: str = SPIDER) -> CrawlOutcome:
    """Run the crawl to its end (or to Ctrl-C: reason ``shutdown``). Logs go to stderr and
    to the crawl's ``crawl.log``."""
    settings = build_settings(spec)
    root = logging.getLogger()
    previous = list(root.handlers), root.level
    for handler in previous[0]:  # the command's own handler: the crawl has its two below
        root.removeHandler(handler)
    root.setLevel(logging.NOTSET)
    log_file = _attach_log_file(spec.directory / "crawl.log", settings.get("LOG_LEVEL"))
    console = _attach_console(spec.console, settings.get("LOG_LEVEL"))
    errors: list[BaseException] = []
    try:
        process = CrawlerProcess(settings)  # its start-up lines (versions, settings) go to crawl.log
        try:
            crawler = process.create_crawler(spider)
        except KeyError:
            raise CrawlSpecError(f"no spider named {spider!r}; is the project installed (pip install -e .)?") from None
        deferred = process.crawl(crawler)

        def failed(failure: Failure) -> None:
            errors.append(failure.value or RuntimeError(failure.getErrorMessage()))
            logger.error("crawl %s stopped: %s", spec.crawl_id, failure.getErrorMessage())

        deferred.addErrback(failed)
        process.start()
    finally:
        for handler in (log_file, console):
            root.removeHandler(handler)
            handler.close()
        for handler in previous[0]:
            root.addHandler(handler)
        root.setLevel(previous[1])
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
    return CrawlOutcome(finish_reason=reason, error=errors[0] if errors else None)


def _attach_log_file(path: Path, level: str | None) -> logging.Handler:
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = QuietFileHandler(path, encoding="utf-8")  # a full disk: no traceback per log line
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.setLevel(level or "INFO")
    logging.getLogger().addHandler(handler)
    return handler


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg, unused-ignore]
    """Writes to the current ``sys.stderr`` (the live line redirects it while it runs)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.setStream(sys.stderr)
        super().emit(record)


def console_filter(mode: str) -> logging.Filter:
    """Which records the console shows in ``mode`` (see ``CONSOLE_MODES``)."""

    def keep(record: logging.LogRecord) -> bool:
        if mode == "log" or record.levelno >= logging.ERROR:
            return True
        own = record.name.split(".", 1)[0] in OWN_LOGGERS
        return mode == "progress" and own and record.levelno >= logging.WARNING

    shown = logging.Filter()
    shown.filter = keep  # type: ignore[method-assign]
    return shown


def _attach_console(mode: str, level: str | None) -> logging.Handler:
    handler = _Stderr(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.setLevel(level or "INFO")
    handler.addFilter(console_filter(mode if mode in CONSOLE_MODES else "log"))
    logging.getLogger().addHandler(handler)
    return handler
