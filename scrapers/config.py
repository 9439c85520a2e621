"""The crawl's settings, parsed once into frozen dataclasses (``CrawlConfig.from_settings``),
validated, with errors (``scrapers.errors.ConfigError``) that name the setting. Every
component takes its section from ``crawl_config(crawler)`` instead of reading settings on its
own; docs/settings.md documents each setting (a test keeps it in step with
``scrapers/settings.py``).

The collection. WARCs go to ``WARC_COLLECTION``, else ``CONGAN_COLLECTION``, else
``archive.paths.DEFAULT_COLLECTION``; ``CrawlConfig.collection`` is that one name, and every
component uses it (capture, corpus capture references and replay links, conditional
requests, watermarks), so they cannot disagree.

The network spider's section (``NetworkConfig``):

==============================  ============================================================
``CONGAN_SEEDS``                seed URLs (crawl the network reachable from them)
``CONGAN_SITES``                portal domains of the registry to crawl (only these)
``CONGAN_MAX_PAGES_PER_SITE``   requests per portal, requisites included (0: no limit)
``CONGAN_MAX_DEPTH``            link hops from a portal's start pages; the next page of a
                                listing is not a hop (0: no limit)
``CONGAN_DISCOVER_PORTALS``     crawl portals found in "Liên kết công an các tỉnh" blocks
``CONGAN_FETCH_REQUISITES``     fetch images, CSS, scripts and attached documents
``CONGAN_INCREMENTAL``          listing watermarks: stop paginating once a listing page
                                holds only articles the archive already has
``CONGAN_SEED_SCHEME``          scheme of registry start URLs (``http``: portals redirect
                                to https themselves, and the simulated network is plain http)
``CONGAN_REGISTRY``             another registry CSV (default: the packaged one)
``CONGAN_ADAPTERS``             ``on``: CMS family adapters add targets and profiles; ``off``:
                                the generic path only (no family, no fingerprinting)
==============================  ============================================================
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from archive.paths import DEFAULT_COLLECTION, DataDir
from archive.warc.records import WarcInfo
from archive.warc.writer import DEFAULT_MAX_SIZE
from scrapers.crawl.revisit_schedule import RecrawlConfig
from scrapers.errors import ConfigError, NetworkConfigError, WarcSettingError

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

__all__ = [
    "CrawlConfig", "FrontierConfig", "NetworkConfig", "NetworkConfigError", "PolitenessConfig", "ReportConfig",
    "WarcCaptureConfig", "collection_of", "crawl_config",
]

SCHEMES = ("http", "https")


def collection_of(settings: BaseSettings) -> str:
    """The collection of the crawl: ``WARC_COLLECTION``, else ``CONGAN_COLLECTION``, else the default."""
    name = settings.get("WARC_COLLECTION") or settings.get("CONGAN_COLLECTION") or DEFAULT_COLLECTION
    if "/" in name or name.startswith("."):
        raise ConfigError(f"WARC_COLLECTION / CONGAN_COLLECTION must be a plain directory name, not {name!r}")
    return str(name)


def _float(settings: BaseSettings, name: str, default: float = 0.0) -> float:
    try:
        return settings.getfloat(name, default)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, not {settings.get(name)!r}") from None


def _int(settings: BaseSettings, name: str, default: int = 0) -> int:
    try:
        return settings.getint(name, default)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a whole number, not {settings.get(name)!r}") from None


_ON = ("on", "true", "1", "yes")
_OFF = ("off", "false", "0", "no")


def _switch(settings: BaseSettings, name: str, default: bool = True) -> bool:
    """An ``on``/``off`` setting (``True``/``False``, ``1``/``0`` too)."""
    value = settings.get(name)
    if value is None or value == "":
        return default
    text = str(value).strip().lower()
    if text in _ON:
        return True
    if text in _OFF:
        return False
    raise NetworkConfigError(f"{name} must be on or off, not {value!r}")


@dataclass(frozen=True)
class NetworkConfig:
    seeds: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    max_pages_per_site: int = 0
    max_depth: int = 0
    discover_portals: bool = True
    fetch_requisites: bool = True
    incremental: bool = False
    seed_scheme: str = "http"
    registry_path: str = ""
    #: CMS family adapters in use (``CONGAN_ADAPTERS=on``); off: the generic adapter only
    adapters: bool = True
    collection: str = DEFAULT_COLLECTION
    data: str | None = None
    crawl_id: str = ""

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> NetworkConfig:
        config = cls(
            seeds=tuple(s for s in settings.getlist("CONGAN_SEEDS") if s.strip()),
            sites=tuple(s.strip().lower() for s in settings.getlist("CONGAN_SITES") if s.strip()),
            max_pages_per_site=_int(settings, "CONGAN_MAX_PAGES_PER_SITE", 0),
            max_depth=_int(settings, "CONGAN_MAX_DEPTH", 0),
            discover_portals=settings.getbool("CONGAN_DISCOVER_PORTALS", True),
            fetch_requisites=settings.getbool("CONGAN_FETCH_REQUISITES", True),
            incremental=settings.getbool("CONGAN_INCREMENTAL", False),
            seed_scheme=(settings.get("CONGAN_SEED_SCHEME") or "http").lower(),
            registry_path=settings.get("CONGAN_REGISTRY") or "",
            adapters=_switch(settings, "CONGAN_ADAPTERS"),
            collection=collection_of(settings),
            data=settings.get("CONGAN_DATA") or None,
            crawl_id=settings.get("CONGAN_CRAWL_ID") or "",
        )
        config.validate()
        return config

    def validate(self) -> None:
        if self.max_pages_per_site < 0:
            raise NetworkConfigError("CONGAN_MAX_PAGES_PER_SITE must be 0 (no limit) or more")
        if self.max_depth < 0:
            raise NetworkConfigError("CONGAN_MAX_DEPTH must be 0 (no limit) or more")
        if self.seed_scheme not in SCHEMES:
            raise NetworkConfigError(f"CONGAN_SEED_SCHEME must be one of {', '.join(SCHEMES)}")
        for seed in self.seeds:
            if not seed.lower().startswith(("http://", "https://")):
                raise NetworkConfigError(f"CONGAN_SEEDS: {seed!r} is not an http(s) URL")


#: WARC file name prefix when WARC_PREFIX is empty (``archive.warc.naming`` falls back to it too)
DEFAULT_WARC_PREFIX = "congan"
#: settings written into every warcinfo record (how the crawl was configured)
RECORDED_SETTINGS = (
    "ROBOTSTXT_OBEY",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAXSIZE",
    "WARC_MAX_BODY_SIZE",
    "WARC_MAX_SIZE",
    "CONGAN_SITES",
    "CONGAN_SEEDS",
    "CONGAN_MAX_PAGES",
)


def _software() -> str:
    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "unknown"

    return (
        f"congan-archive/{ver('congan-archive')} (Scrapy {ver('scrapy')}; warcio {ver('warcio')};"
        f" Twisted {ver('twisted')})"
    )


def _int_setting(settings: BaseSettings, name: str, default: int) -> int:
    value = settings.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise WarcSettingError(f"{name} must be a whole number of bytes, not {value!r}") from None


@dataclass(frozen=True)
class WarcCaptureConfig:
    """Settings of the extension, read once; ``from_settings`` names any bad one."""

    data: DataDir
    collection: str
    crawl_id: str
    prefix: str
    max_size: int
    max_body_size: int
    operator: str
    user_agent: str
    robots: str
    recorded: tuple[tuple[str, str], ...]

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> WarcCaptureConfig:
        max_size = _int_setting(settings, "WARC_MAX_SIZE", DEFAULT_MAX_SIZE)
        if max_size <= 0:
            raise WarcSettingError(f"WARC_MAX_SIZE must be a positive number of bytes, not {max_size}")
        max_body = _int_setting(settings, "WARC_MAX_BODY_SIZE", _int_setting(settings, "DOWNLOAD_MAXSIZE", 0))
        if max_body < 0:
            raise WarcSettingError(f"WARC_MAX_BODY_SIZE must be 0 (no limit) or positive, not {max_body}")
        prefix = settings.get("WARC_PREFIX") or DEFAULT_WARC_PREFIX
        if "-" in prefix or "/" in prefix:
            raise WarcSettingError(f"WARC_PREFIX may not contain '-' or '/' (file names split on '-'): {prefix!r}")
        crawl_id = settings.get("CONGAN_CRAWL_ID") or datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        recorded = tuple(
            (name, str(settings.get(name))) for name in RECORDED_SETTINGS if settings.get(name) is not None
        )
        return cls(
            data=DataDir.resolve(settings.get("CONGAN_DATA")),
            collection=collection_of(settings),
            crawl_id=str(crawl_id),
            prefix=prefix,
            max_size=max_size,
            max_body_size=max_body,
            operator=settings.get("WARC_OPERATOR") or settings.get("CONGAN_CONTACT_URL") or "",
            user_agent=settings.get("USER_AGENT") or "",
            robots="obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            recorded=recorded,
        )

    def warcinfo(self) -> WarcInfo:
        return WarcInfo(
            software=_software(),
            operator=self.operator,
            crawl_id=self.crawl_id,
            user_agent=self.user_agent,
            robots=self.robots,
            hostname=socket.gethostname(),
            description="congan-archive crawl of the Vietnamese provincial police portals",
            settings=self.recorded,
        )


@dataclass(frozen=True)
class PolitenessConfig:
    """robots.txt, Crawl-delay, Retry-After, backoff, redirects, conditional requests."""

    robots_obey: bool = True
    robots_user_agent: str = ""
    robots_unreachable_disallow: bool = False
    crawl_delay_enabled: bool = False
    crawl_delay_max: float = 0.0
    retry_after_enabled: bool = False
    retry_after_max: float = 0.0
    backoff_enabled: bool = False
    #: None: 2 x DOWNLOAD_DELAY
    backoff_base: float = 0.0
    backoff_max_delay: float = 0.0
    backoff_skip_after: int = 0
    max_redirects: int = 0
    conditional_enabled: bool = False
    conditional_page_kinds: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> PolitenessConfig:
        base = settings.get("CONGAN_BACKOFF_BASE")
        try:
            backoff_base = 2 * _float(settings, "DOWNLOAD_DELAY") if base in (None, "") else float(base)
        except (TypeError, ValueError):
            raise ConfigError(f"CONGAN_BACKOFF_BASE must be a number of seconds, not {base!r}") from None
        return cls(
            robots_obey=settings.getbool("ROBOTSTXT_OBEY"),
            robots_user_agent=settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "",
            robots_unreachable_disallow=settings.getbool("CONGAN_ROBOTS_UNREACHABLE_DISALLOW"),
            crawl_delay_enabled=settings.getbool("CONGAN_CRAWL_DELAY_ENABLED"),
            crawl_delay_max=_float(settings, "CONGAN_CRAWL_DELAY_MAX"),
            retry_after_enabled=settings.getbool("CONGAN_RETRY_AFTER_ENABLED"),
            retry_after_max=_float(settings, "CONGAN_RETRY_AFTER_MAX"),
            backoff_enabled=settings.getbool("CONGAN_BACKOFF_ENABLED"),
            backoff_base=backoff_base,
            backoff_max_delay=_float(settings, "CONGAN_BACKOFF_MAX_DELAY"),
            backoff_skip_after=_int(settings, "CONGAN_BACKOFF_SKIP_AFTER"),
            max_redirects=_int(settings, "REDIRECT_MAX_TIMES"),
            conditional_enabled=settings.getbool("CONGAN_CONDITIONAL_ENABLED"),
            conditional_page_kinds=frozenset(settings.getlist("CONGAN_CONDITIONAL_PAGE_KINDS")),
        )


@dataclass(frozen=True)
class FrontierConfig:
    max_pages: int = 0
    per_host_concurrency: int = 2
    frontier_url: str = ""
    #: when only paused portals have work left, those paused longer than this are deferred
    defer_after: float = 30.0

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> FrontierConfig:
        config = cls(
            max_pages=_int(settings, "CONGAN_MAX_PAGES"),
            per_host_concurrency=_int(settings, "CONCURRENT_REQUESTS_PER_DOMAIN") or 2,
            frontier_url=settings.get("CONGAN_FRONTIER_URL") or "",
            defer_after=settings.getfloat("CONGAN_DEFER_AFTER", 30.0),
        )
        if config.max_pages < 0:
            raise ConfigError(f"CONGAN_MAX_PAGES must be 0 (no limit) or more, not {config.max_pages}")
        if config.defer_after < 0:
            raise ConfigError(f"CONGAN_DEFER_AFTER must be 0 or more seconds, not {config.defer_after}")
        return config


@dataclass(frozen=True)
class ReportConfig:
    enabled: bool = False
    interval: float = 0.0
    min_fill: float = 0.8
    progress_interval: float = 0.0
    warc_prefix: str = DEFAULT_WARC_PREFIX

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> ReportConfig:
        return cls(
            enabled=settings.getbool("CONGAN_REPORT_ENABLED"),
            interval=_float(settings, "CONGAN_REPORT_INTERVAL"),
            min_fill=_float(settings, "EXTRACT_HEALTH_MIN_FILL", 0.8),
            progress_interval=_float(settings, "CONGAN_PROGRESS_INTERVAL"),
            warc_prefix=settings.get("WARC_PREFIX") or DEFAULT_WARC_PREFIX,
        )


@dataclass(frozen=True)
class CrawlConfig:
    """Every setting the crawl's components use, parsed once (``crawl_config(crawler)``)."""

    data: DataDir
    #: ``CONGAN_CRAWL_ID`` as set (the add-on fills it in; empty when no add-on ran)
    crawl_id: str
    collection: str
    warc_enabled: bool
    extract_enabled: bool
    extract_workers: int
    revisit_known: bool
    incremental: bool
    public_suffix_offline: bool
    network: NetworkConfig
    warc: WarcCaptureConfig
    politeness: PolitenessConfig
    frontier: FrontierConfig
    report: ReportConfig
    recrawl: RecrawlConfig

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> CrawlConfig:
        return cls(
            data=DataDir.resolve(settings.get("CONGAN_DATA")),
            crawl_id=str(settings.get("CONGAN_CRAWL_ID") or ""),
            collection=collection_of(settings),
            warc_enabled=settings.getbool("WARC_ENABLED", True),
            extract_enabled=settings.getbool("EXTRACT_ENABLED", True),
            extract_workers=max(0, _int(settings, "EXTRACT_WORKERS")),
            revisit_known=settings.getbool("CONGAN_REVISIT_KNOWN"),
            incremental=settings.getbool("CONGAN_INCREMENTAL"),
            public_suffix_offline=settings.getbool("CONGAN_PUBLIC_SUFFIX_OFFLINE", True),
            network=NetworkConfig.from_settings(settings),
            warc=WarcCaptureConfig.from_settings(settings),
            politeness=PolitenessConfig.from_settings(settings),
            frontier=FrontierConfig.from_settings(settings),
            report=ReportConfig.from_settings(settings),
            recrawl=RecrawlConfig.from_settings(settings),
        )


#: attribute of the crawler holding its parsed config
_ATTRIBUTE = "congan_config"


def crawl_config(crawler: Crawler) -> CrawlConfig:
    """The crawler's settings, parsed once they are final and kept on the crawler, so every
    component sees one parse and one validation. Before Scrapy freezes the settings (the
    spider is created before the add-ons run) they are parsed but not kept: the add-on may
    still fill in ``CONGAN_CRAWL_ID``."""
    config = getattr(crawler, _ATTRIBUTE, None)
    if isinstance(config, CrawlConfig):
        return config
    config = CrawlConfig.from_settings(crawler.settings)
    if crawler.settings.frozen:
        setattr(crawler, _ATTRIBUTE, config)
    return config
