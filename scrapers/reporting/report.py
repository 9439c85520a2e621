"""The crawl report: ``DataDir.crawl_dir(crawl_id)/report.json``.

Built from the crawl stats by :func:`build_report` (a plain function): totals, per portal
(pages, articles, new/changed/unchanged when the pipeline counts them per portal, 304s,
deleted articles found by ``scrapers.crawl.revisit``,
bytes, HTTP statuses, errors by kind, robots.txt denials, skipped requests), URLs rejected by
reason (``scope/rejected/<reason>``), politeness (Crawl-delay portals, Retry-After waits,
backoff), frontier, WARC and extraction figures with ``scrapers.extract.health.portal_health``
when it is there, elapsed time, and per portal the work deferred to a later crawl
(``deferred``: count, until when, why; ``scrapers.crawl.deferral``).

``CrawlReportExtension`` writes it when the spider closes, and every
``CONGAN_REPORT_INTERVAL`` seconds while it runs (``"status": "running"``), with the raw
numeric stats beside it (``stats.json``). A resumed crawl starts from the stats of its
earlier runs, so the report of a crawl id covers all its runs: each run's counters are saved
in the crawl's SQLite frontier every quarter second and at close
(``scrapers.crawl.frontier_scheduler``), so after a ``kill -9`` only the counts of the last
quarter second before the kill are missing; without them (another frontier store),
``stats.json`` of the earlier runs. ``totals.requests`` counts the requests handed to the
network (``SENT_KEY``): after kills, what the network served to every run, short of the
requests sent in the last moments before each kill.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from archive.atomic import write_json_atomic
from archive.control.report import (
    REPORT_FILE,
    CrawlReport,
    DeferredRow,
    Extraction,
    Politeness,
    PortalRow,
    ReportTotals,
)
from archive.paths import DataDir
from archive.times import VN_TZ
from scrapers.middlewares.portal_stats import ERRORS_KEY, PREFIX

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STATS_FILE = "stats.json"
#: requests handed to the network (robots.txt, retries, redirects included): counted when a
#: request leaves its download slot (``request_reached_downloader``), so requests dropped from a
#: slot's queue (a deferred portal, a stop) are not; ``totals.requests`` (Scrapy's
#: ``downloader/request_count`` for reports written before it)
SENT_KEY = "downloader/requests_sent"
#: stats that are levels, not counts: a resumed crawl takes the latest value, not the sum
LEVELS = frozenset({"frontier/pending", "frontier/leased", "frontier/done", "frontier/seen", "warc/files"})
MAXIMA = ("memusage/max", "memusage/startup", "request_depth_max")
CORPUS_KINDS = ("new", "changed", "unchanged")
#: requests made by the browser of rendered pages (scrapers.rendering.capture), beside Scrapy's
#: ``downloader/request_count``
BROWSER_REQUESTS = "render/requests"


def numeric_stats(stats: Mapping[str, Any]) -> dict[str, float]:
    return {k: v for k, v in stats.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def combine(base: Mapping[str, float], current: Mapping[str, float]) -> dict[str, float]:
    """The stats of earlier runs of a crawl plus those of this run."""
    combined = dict(base)
    for name, value in current.items():
        if name in LEVELS:
            combined[name] = value
        elif name in MAXIMA or name.endswith("_max"):
            combined[name] = max(combined.get(name, value), value)
        else:
            combined[name] = combined.get(name, 0) + value
    return combined


def _int(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 3)


def _subtree(stats: Mapping[str, float], prefix: str) -> dict[str, int | float]:
    return {name[len(prefix) :]: _int(value) for name, value in sorted(stats.items()) if name.startswith(prefix)}


def portal_table(stats: Mapping[str, float]) -> dict[str, dict[str, Any]]:
    """``portal/<site>/...`` stats (scrapers.middlewares.portal_stats) and ``extract/<site>/<kind>``, per portal."""
    portals: dict[str, dict[str, Any]] = {}

    def entry(site: str) -> dict[str, Any]:
        return portals.setdefault(site, {
            "pages": 0, "articles": 0, "new": None, "changed": None, "unchanged": None, "not_modified": 0,
            "deleted": 0, "bytes": 0, "errors": {}, "robots_denied": 0, "skipped": 0, "status": {},
            "rendered": 0, "browser_requests": 0,
        })

    for name, value in stats.items():
        parts = name.split("/")
        if parts[0] == PREFIX and len(parts) >= 3:
            site, what = parts[1], parts[2:]
            row = entry(site)
            if what[0] == "responses":
                row["pages"] += _int(value)
            elif what[0] in ("errors", "status") and len(what) == 2:
                row[what[0]][what[1]] = _int(value)
            elif what[0] in row and len(what) == 1:
                row[what[0]] = (row[what[0]] or 0) + _int(value)
        elif parts[0] == "extract" and len(parts) == 3 and parts[2] in CORPUS_KINDS:
            row = entry(parts[1])
            row[parts[2]] = (row[parts[2]] or 0) + _int(value)
    for row in portals.values():
        row["errors"] = dict(sorted(row["errors"].items()))
        row["status"] = dict(sorted(row["status"].items()))
    return dict(sorted(portals.items()))


def corpus_kinds(
    data: DataDir, crawl_id: str, warc_prefix: str, since: datetime, sites: list[str]
) -> dict[str, dict[str, int]]:
    """Per portal, the corpus articles this crawl added (``new``), gave a new version
    (``changed``) or saw again unchanged (``unchanged``), read from the corpus: the capture
    of the latest version is in one of this crawl's WARC files, or its last sighting is
    since the crawl began. Used when the pipeline does not count per portal."""
    from archive.corpus import CorpusStore

    if not data.corpus_dir.exists():
        return {}
    ours = f"{warc_prefix}-{crawl_id}-"
    since_utc = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    kinds: dict[str, dict[str, int]] = {}
    with CorpusStore.open(data) as store:
        for site in sites:
            counts = {"new": 0, "changed": 0, "unchanged": 0}
            for record in store.latest(site=site):
                if record.capture.warc_file.startswith(ours):
                    counts["new" if record.version == 1 else "changed"] += 1
                elif record.last_seen >= since_utc:
                    counts["unchanged"] += 1
            kinds[site] = counts
    return kinds


def extraction_health(stats: Mapping[str, float], min_fill: float) -> dict[str, Any] | None:
    try:
        from scrapers.extract.health import portal_health
    except ImportError:  # extraction not installed in this build
        return None
    return portal_health({k: int(v) for k, v in stats.items()}, min_fill)


def build_report(
    stats: Mapping[str, float],
    *,
    crawl_id: str,
    status: str,
    finish_reason: str | None,
    started: str,
    updated: datetime,
    runs: int,
    min_fill: float = 0.8,
) -> CrawlReport:
    """The report of a crawl from its (combined, numeric) stats."""
    portals = portal_table(stats)
    errors: dict[str, int | float] = {}
    for row in portals.values():
        for kind, n in row["errors"].items():
            errors[kind] = errors.get(kind, 0) + n
    rejected = _subtree(stats, "scope/rejected/")
    corpus = {kind: _int(stats.get(f"extract/{kind}", 0)) for kind in CORPUS_KINDS}
    elapsed = float(stats.get("elapsed_time_seconds", 0.0))
    pages = sum(row["pages"] for row in portals.values())
    return CrawlReport(
        crawl_id=crawl_id,
        status=status,
        finish_reason=finish_reason,
        started=started,
        updated=updated.astimezone(VN_TZ).isoformat(timespec="seconds"),
        runs=runs,
        elapsed_s=round(elapsed, 3),
        totals=ReportTotals(
            pages=pages,
            requests=_int(
                stats.get(SENT_KEY, stats.get("downloader/request_count", 0)) + stats.get(BROWSER_REQUESTS, 0)
            ),
            browser_requests=_int(stats.get(BROWSER_REQUESTS, 0)),
            articles=_int(stats.get("item_scraped_count", 0)),
            **corpus,
            not_modified=sum(row["not_modified"] for row in portals.values()),
            deleted=sum(row["deleted"] for row in portals.values()),
            bytes=sum(row["bytes"] for row in portals.values()),
            errors=_int(stats.get(ERRORS_KEY, 0)),
            robots_denied=sum(row["robots_denied"] for row in portals.values()),
            rejected=sum(rejected.values()),
            portals=len(portals),
            pages_per_s=round(pages / elapsed, 2) if elapsed else None,
        ),
        errors=dict(sorted(errors.items())),
        rejected=rejected,
        politeness=Politeness(
            crawl_delay_portals=_int(stats.get("crawl_delay/portals", 0)),
            retry_after_honoured=_int(stats.get("retry_after/honoured", 0)),
            retry_after_waited_requests=_int(stats.get("retry_after/waited_requests", 0)),
            backoff_paused=_int(stats.get("backoff/paused", 0)),
            backoff_skipped_portals=_int(stats.get("backoff/skipped_portals", 0)),
            backoff_skipped_requests=_int(stats.get("backoff/skipped_requests", 0)),
            retries=_int(stats.get("retry/count", 0)),
        ),
        frontier=_subtree(stats, "frontier/"),
        warc=_subtree(stats, "warc/"),
        extraction=Extraction(
            counts={k: v for k, v in _subtree(stats, "extract/").items() if "/" not in k},
            health=extraction_health(stats, min_fill),
        ),
        portals={site: PortalRow(**row) for site, row in portals.items()},
        stats={name: _int(value) for name, value in sorted(stats.items())},
    )


def deferred_rows(data: DataDir, crawl_id: str) -> dict[str, DeferredRow]:
    """Per portal, the work this crawl deferred to a later one (``archive.control.deferred``)."""
    from archive.control.deferred import DeferredStore

    if not data.registry_db.exists():
        return {}
    try:
        summary = DeferredStore.open(data).summary(crawl_id=crawl_id)
    except (OSError, sqlite3.Error) as exc:  # an unreadable store must not cost the report
        logger.warning("deferred work unavailable: %s", exc)
        return {}
    return {
        site: DeferredRow(
            count=row.count,
            until=datetime.fromtimestamp(row.until, VN_TZ).isoformat(timespec="seconds"),
            reason=row.reason,
        )
        for site, row in summary.items()
    }


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        logger.warning("Unreadable %s (%s): starting it afresh", path, exc)
        return None
    return data if isinstance(data, dict) else None


class CrawlReportExtension:
    def __init__(
        self, stats: StatsCollector, directory: Path, *, crawl_id: str, interval: float, min_fill: float,
        data: DataDir | None = None, warc_prefix: str = "congan",
    ) -> None:
        self.stats = stats
        self.data = data
        self.warc_prefix = warc_prefix
        self.directory = directory
        self.crawl_id = crawl_id
        self.interval = interval
        self.min_fill = min_fill
        self.base: dict[str, float] = {}
        self.runs = 1
        self.started = datetime.now(VN_TZ).isoformat(timespec="seconds")
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("CONGAN_REPORT_ENABLED"):
            raise NotConfigured
        crawl_id = settings.get("CONGAN_CRAWL_ID")
        if not crawl_id:
            raise NotConfigured("CONGAN_CRAWL_ID is empty")
        assert crawler.stats is not None
        data = DataDir.resolve(settings.get("CONGAN_DATA"))
        extension = cls(
            crawler.stats,
            data.crawl_dir(crawl_id),
            crawl_id=crawl_id,
            interval=settings.getfloat("CONGAN_REPORT_INTERVAL"),
            min_fill=settings.getfloat("EXTRACT_HEALTH_MIN_FILL", 0.8),
            data=data,
            warc_prefix=settings.get("WARC_PREFIX") or "congan",
        )
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.request_sent, signal=signals.request_reached_downloader)
        return extension

    def request_sent(self, request: object, spider: object = None) -> None:
        """A request leaves its download slot for the network: what ``totals.requests`` counts."""
        self.stats.inc_value(SENT_KEY)

    @property
    def report_path(self) -> Path:
        return self.directory / REPORT_FILE

    def spider_opened(self, spider: Spider) -> None:
        previous = read_json(self.directory / STATS_FILE)
        if previous:
            self.base = numeric_stats(previous.get("stats", {}))
            self.runs = int(previous.get("runs", 1)) + 1
            self.started = str(previous.get("started") or self.started)
        runs = self._earlier_runs()
        if runs:  # saved with the frontier's acks: complete after a kill -9 too
            self.base = {}
            for run in runs:
                self.base = combine(self.base, run)
            self.runs = len(runs) + 1
        if self.interval > 0:
            self.task = create_looping_call(self.write, "running", None)
            self.task.start(self.interval, now=False)

    def _earlier_runs(self) -> list[dict[str, float]]:
        """The counters each earlier run of this crawl saved in its SQLite frontier
        (``scrapers.crawl.frontier_scheduler``); empty for a first run or another store."""
        if self.data is None:
            return []
        from archive.control.frontier import read_run_stats
        from scrapers.crawl.frontier_scheduler import frontier_path

        try:
            saved = read_run_stats(frontier_path(self.data, self.crawl_id))
        except sqlite3.Error as exc:
            logger.warning("counters of earlier runs unavailable: %s", exc)
            return []
        runs = []
        for text in saved:
            try:
                runs.append(numeric_stats(json.loads(text)))
            except (ValueError, AttributeError):
                logger.warning("unreadable counters of an earlier run: skipped")
        return runs

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        status = "finished" if reason == "finished" else "interrupted" if reason == "shutdown" else reason
        path = self.write(status, reason, final=True)
        logger.info("Crawl report: %s", path)

    def write(self, status: str, reason: str | None, final: bool = False) -> Path:
        current = numeric_stats(self.stats.get_stats())
        if "elapsed_time_seconds" not in current and isinstance(self.stats.get_value("start_time"), datetime):
            current["elapsed_time_seconds"] = (datetime.now(UTC) - self.stats.get_value("start_time")).total_seconds()
        combined = combine(self.base, current)
        write_json_atomic(self.directory / STATS_FILE, {"runs": self.runs, "started": self.started, "stats": combined})
        report = build_report(
            combined, crawl_id=self.crawl_id, status=status, finish_reason=reason, started=self.started,
            updated=datetime.now(UTC), runs=self.runs, min_fill=self.min_fill,
        )
        if final and self.data is not None:
            report = self._add_corpus_kinds(report)
        if self.data is not None:
            report = replace(report, deferred=deferred_rows(self.data, self.crawl_id))
        report.save(self.report_path)
        return self.report_path

    def _add_corpus_kinds(self, report: CrawlReport) -> CrawlReport:
        missing = [site for site, row in report.portals.items() if row.new is None]
        if not missing or self.data is None:
            return report
        from scrapers.middlewares.conditional import crawl_started

        try:
            kinds = corpus_kinds(
                self.data, self.crawl_id, self.warc_prefix, crawl_started(self.data, self.crawl_id), missing
            )
        except (OSError, ValueError) as exc:  # an unreadable corpus must not cost the report
            logger.warning("per-portal corpus counts unavailable: %s", exc)
            return report
        portals = dict(report.portals)
        for site, counts in kinds.items():
            portals[site] = replace(portals[site], new=counts["new"], changed=counts["changed"],
                                    unchanged=counts["unchanged"])
        return replace(report, portals=portals)
