"""The crawl report (``crawls/<crawl_id>/report.json``), typed: written and read here only.

``scrapers.reporting.report`` builds a :class:`CrawlReport` from the crawl's stats and saves it with
:meth:`CrawlReport.save`; ``congan crawl``, ``congan crawls``, the web interface and
:class:`archive.control.history.CrawlHistory` read it with :meth:`CrawlReport.load`. The JSON
layout (``report_version`` 1) is the dataclasses' field order; ``to_json`` gives it back key
for key. Reading is lenient: a section or count missing from the file (an older or trimmed
report) is ``None``, and shows as absent rather than as zero; a value of the wrong type is
dropped with the section it belongs to, never a crash.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TypeAlias

from ..atomic import write_json_atomic

logger = logging.getLogger(__name__)

REPORT_VERSION = 1
REPORT_FILE = "report.json"

Number: TypeAlias = "int | float"
#: counts by name (errors by kind, statuses, rejected URLs by reason, raw stats)
Counts: TypeAlias = "dict[str, Number]"
JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = "dict[str, JsonValue]"


def _number(value: object) -> Number | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _counts(value: object) -> Counts | None:
    if not isinstance(value, dict):
        return None
    return {str(k): n for k, v in value.items() if (n := _number(v)) is not None}


def _count(value: object) -> Number | None:
    """A count; a mapping of counts (an older report's errors by kind) is summed."""
    if isinstance(value, dict):
        return sum((_counts(value) or {}).values())
    return _number(value)


@dataclass(frozen=True)
class ReportTotals:
    """The headline counts of a crawl (None: not in the report)."""

    pages: Number | None = None
    #: every request the network answered: Scrapy's and the browser's (``browser_requests``)
    requests: Number | None = None
    #: requests a rendered page made in the browser (scripts, XHR, images; scrapers.rendering)
    browser_requests: Number | None = None
    articles: Number | None = None
    new: Number | None = None
    changed: Number | None = None
    unchanged: Number | None = None
    not_modified: Number | None = None
    deleted: Number | None = None
    bytes: Number | None = None
    errors: Number | None = None
    robots_denied: Number | None = None
    rejected: Number | None = None
    portals: Number | None = None
    pages_per_s: Number | None = None

    @classmethod
    def from_json(cls, data: object) -> ReportTotals:
        if not isinstance(data, dict):
            return cls()
        return cls(**{f.name: _count(data.get(f.name)) for f in fields(cls)})

    def headline(self) -> dict[str, int]:
        """pages, articles, new, changed, errors: those the report has, for listings."""
        found: dict[str, int] = {}
        for key in ("pages", "articles", "new", "changed", "errors"):
            value = getattr(self, key)
            if isinstance(value, int):
                found[key] = value
        return found


@dataclass(frozen=True)
class PortalRow:
    """One portal's counts in a crawl (``new``/``changed``/``unchanged`` None: not counted)."""

    pages: Number | None = None
    articles: Number | None = None
    new: Number | None = None
    changed: Number | None = None
    unchanged: Number | None = None
    not_modified: Number | None = None
    deleted: Number | None = None
    bytes: Number | None = None
    errors: Counts = field(default_factory=dict)
    robots_denied: Number | None = None
    skipped: Number | None = None
    status: Counts = field(default_factory=dict)
    #: pages rendered in the browser (scrapers.rendering)
    rendered: Number | None = None
    #: requests those pages made in the browser (also counted in ``pages`` when answered)
    browser_requests: Number | None = None

    @classmethod
    def from_json(cls, data: object) -> PortalRow | None:
        if not isinstance(data, dict):
            return None
        values: dict[str, object] = {}
        for f in fields(cls):
            values[f.name] = (_counts(data.get(f.name)) or {}) if f.name in ("errors", "status") \
                else _number(data.get(f.name))
        return cls(**values)  # type: ignore[arg-type]

    @property
    def error_count(self) -> Number:
        return sum(self.errors.values())


@dataclass(frozen=True)
class Politeness:
    """How the crawl waited for the portals."""

    crawl_delay_portals: Number | None = None
    retry_after_honoured: Number | None = None
    retry_after_waited_requests: Number | None = None
    backoff_paused: Number | None = None
    backoff_skipped_portals: Number | None = None
    backoff_skipped_requests: Number | None = None
    retries: Number | None = None

    @classmethod
    def from_json(cls, data: object) -> Politeness | None:
        if not isinstance(data, dict):
            return None
        return cls(**{f.name: _number(data.get(f.name)) for f in fields(cls)})

    def counts(self) -> dict[str, Number | None]:
        return asdict(self)


@dataclass(frozen=True)
class Extraction:
    """Extraction counts (``extract/<kind>``) and the per-portal health check, if any."""

    counts: Counts = field(default_factory=dict)
    health: JsonObject | None = None

    @classmethod
    def from_json(cls, data: object) -> Extraction | None:
        if not isinstance(data, dict):
            return None
        health = data.get("health")
        return cls(_counts(data.get("counts")) or {}, health if isinstance(health, dict) else None)


@dataclass(frozen=True)
class DeferredRow:
    """A paused portal's work kept for a later crawl: how many requests, not before when
    (ISO 8601, +07:00), why (``archive.control.deferred``)."""

    count: int = 0
    until: str | None = None
    reason: str | None = None

    @classmethod
    def from_json(cls, data: object) -> DeferredRow | None:
        if not isinstance(data, dict):
            return None
        count = _number(data.get("count"))
        return cls(int(count or 0), _text(data.get("until")), _text(data.get("reason")))


@dataclass(frozen=True)
class CrawlReport:
    """A crawl's report, as ``scrapers.reporting.report`` writes it when the crawl closes (and every
    ``CONGAN_REPORT_INTERVAL`` seconds while it runs, ``status`` ``"running"``)."""

    report_version: int | None = REPORT_VERSION
    crawl_id: str | None = None
    status: str | None = None  # finished, interrupted, running, or Scrapy's close reason
    finish_reason: str | None = None
    started: str | None = None  # ISO 8601, +07:00
    updated: str | None = None
    runs: int | None = None  # runs of this crawl id (a resumed crawl has several)
    elapsed_s: Number | None = None
    totals: ReportTotals = field(default_factory=ReportTotals)
    errors: Counts | None = None  # by kind, all portals
    rejected: Counts | None = None  # URLs by reason
    politeness: Politeness | None = None
    frontier: Counts | None = None
    warc: Counts | None = None
    extraction: Extraction | None = None
    portals: dict[str, PortalRow] = field(default_factory=dict)
    stats: Counts | None = None  # the raw numeric stats, combined over runs
    deferred: dict[str, DeferredRow] = field(default_factory=dict)  # by portal: work left for a later crawl

    # -- JSON -----------------------------------------------------------------------------
    def to_json(self) -> JsonObject:
        """The report as ``report.json`` holds it (same keys, same order)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> CrawlReport | None:
        """A report from parsed JSON; None when it is not a JSON object."""
        if not isinstance(data, dict):
            return None
        version = data.get("report_version")
        runs = data.get("runs")
        portals = {}
        if isinstance(data.get("portals"), dict):
            for site, raw in data["portals"].items():
                row = PortalRow.from_json(raw)
                if row is not None:
                    portals[str(site)] = row
        return cls(
            report_version=version if isinstance(version, int) else None,
            crawl_id=_text(data.get("crawl_id")),
            status=_text(data.get("status")),
            finish_reason=_text(data.get("finish_reason")),
            started=_text(data.get("started")),
            updated=_text(data.get("updated")),
            runs=runs if isinstance(runs, int) and not isinstance(runs, bool) else None,
            elapsed_s=_number(data.get("elapsed_s")),
            totals=ReportTotals.from_json(data.get("totals")),
            errors=_counts(data.get("errors")),
            rejected=_counts(data.get("rejected")),
            politeness=Politeness.from_json(data.get("politeness")),
            frontier=_counts(data.get("frontier")),
            warc=_counts(data.get("warc")),
            extraction=Extraction.from_json(data.get("extraction")),
            portals=portals,
            stats=_counts(data.get("stats")),
            deferred=_deferred(data.get("deferred")),
        )

    # -- files ----------------------------------------------------------------------------
    def save(self, path: Path) -> Path:
        """Write the report atomically (readers never see half of it)."""
        return write_json_atomic(path, self.to_json())

    @classmethod
    def load(cls, path: Path) -> CrawlReport | None:
        """The report at ``path``; None when there is none yet or it cannot be read (logged)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.warning("crawl report %s unreadable (%s); the crawl's figures are not shown", path, exc)
            return None
        return cls.from_json(data)


def _deferred(value: object) -> dict[str, DeferredRow]:
    if not isinstance(value, dict):
        return {}
    rows = {str(site): DeferredRow.from_json(raw) for site, raw in value.items()}
    return {site: row for site, row in rows.items() if row is not None}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
