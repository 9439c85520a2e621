"""The ``network`` spider's decisions as plain code, testable without a crawl: which portals a
crawl starts from, whether a target becomes a request (scope, portal, duplicates, watermarks,
depth and page budgets) and what a parsed page leads to. No Scrapy: the spider turns a
``Planned`` into a Scrapy request and a ``Refused`` into ``scope/rejected/<reason>`` stats and
an outlink of the page.

Depth counts link hops from a portal's start pages; the next page of a listing keeps its
listing's depth (a portal with 2,000 listing pages is not deep); requisites have none. In
incremental crawls a target the listing says is unchanged since its capture, an archived article
listed as before and a requisite archived recently are skipped; a listing page whose articles
were all archived before the crawl began and are listed as before stops its pagination (listing
watermark, ``scrapers.crawl.watermarks``), and every listing page read is recorded.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archive.corpus.listings import ListingPage, page_id
from scrapers.config import NetworkConfig
from scrapers.crawl.watermarks import KnownArticles, page_key
from scrapers.discovery.adapter import (
    ARTICLE,
    LISTING,
    REQUISITE,
    SEED,
    Adapter,
    Discovery,
    Page,
    Target,
    article_read_elsewhere,
)
from scrapers.discovery.classify import LISTING as LISTING_VERDICT
from scrapers.discovery.classify import SHELL as SHELL_VERDICT
from scrapers.discovery.classify import PageVerdict, classify_page
from scrapers.families import GENERIC, UnknownAdapter, get_adapter
from scrapers.page_context import PageContext
from scrapers.portals.registry import Registry, normalise_host
from scrapers.portals.scope import Scope
from scrapers.portals.urls import url_host, without_session

# reasons of scope/rejected/<reason> decided here (scrapers.portals.scope decides the others)
PAGE_BUDGET = "page_budget"
DEPTH = "depth"
OTHER_PORTAL = "portal_not_in_crawl"


@dataclass(frozen=True)
class Planned:
    """A request to make: the target and the page context its request carries."""

    target: Target
    context: PageContext

    @property
    def requisite(self) -> bool:
        return self.target.kind == REQUISITE


@dataclass(frozen=True)
class Refused:
    """A URL not requested, and why (``scope/rejected/<reason>``); ``site``: the portal whose
    page linked it, when the planner knows it."""

    url: str
    reason: str
    site: str | None = None


Decision = Planned | Refused


def schedule_key(method: str, url: str, formdata: tuple[tuple[str, str], ...]) -> int:
    """A request planned once per crawl, as 8 bytes: the planner keeps one per URL of the crawl
    (a 100,000-page crawl keeps 100,000), so not the URL itself; a collision needs ~4e9 URLs."""
    text = "\x00".join((method, url, *(f"{k}\x01{v}" for k, v in formdata)))
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


class CrawlPlanner:
    """What the crawl requests next. ``count(stat)`` receives the counts the planner decides
    (``network/portals``, ``network/skipped/...``, ``network/pagination_stopped/...``)."""

    def __init__(
        self, config: NetworkConfig, registry: Registry, known: KnownArticles | None = None,
        count: Callable[[str], None] | None = None,
    ) -> None:
        self.config = config
        self.registry = registry
        self.scope = Scope(registry, (url_host(s) for s in config.seeds))
        self.known = known if known is not None else KnownArticles()
        self.count = count or (lambda stat: None)
        self.pages_per_site: Counter[str] = Counter()
        self.sites: dict[str, Adapter] = {}  # portals this crawl crawls -> adapter
        self.closed_sites = bool(config.sites)  # only the chosen portals, none discovered
        #: canonical article URL -> other URLs pages linked it with (``PageContext.aliases``)
        self.aliases: dict[str, set[str]] = {}
        self._scheduled: set[int] = set()  # schedule_key of every request planned
        #: article addresses whose text an adapter's API target reads (``Target.canonical``)
        self.read_elsewhere: set[str] = set()

    # -- portals ---------------------------------------------------------------------------
    def seed_portals(self) -> list[tuple[str, str]]:
        """(portal domain, start URL) of the crawl."""
        scheme = self.config.seed_scheme
        if self.config.seeds:
            return [(self.domain_of(url), url) for url in self.config.seeds]
        portals = self.registry.select(self.config.sites) if self.config.sites else self.registry.network()
        return [(p.domain, f"{scheme}://{p.domain}/") for p in portals]

    def domain_of(self, url_or_host: str) -> str:
        portal = self.registry.get(url_or_host)
        return portal.domain if portal else normalise_host(url_or_host)

    def adapter_for(self, domain: str) -> Adapter:
        """The portal's family adapter (the registry's), generic with ``CONGAN_ADAPTERS=off``."""
        portal = self.registry.get(domain)
        if not self.config.adapters:
            return get_adapter(GENERIC)
        return get_adapter(portal.adapter if portal else GENERIC)

    @staticmethod
    def adapter_named(name: str | None) -> Adapter | None:
        try:
            return get_adapter(name) if name else None
        except UnknownAdapter:
            return None

    def open_portal(self, domain: str, start_url: str | None, via: str) -> list[Decision]:
        """Start crawling a portal: its adapter's start targets (or the given seed URL)."""
        if domain in self.sites:
            return []
        adapter = self.adapter_for(domain)
        self.sites[domain] = adapter
        self.count("network/portals")
        scheme = start_url.split("://", 1)[0].lower() if start_url else self.config.seed_scheme
        targets = list(adapter.start_targets(f"{scheme}://{domain}/"))
        if start_url and adapter.canonicalize(start_url) not in {t.url for t in targets}:
            targets.insert(0, Target(adapter.canonicalize(start_url), SEED, hop=""))
        return self.plan_all(targets, domain, adapter, hops="", via=via)

    # -- requests --------------------------------------------------------------------------
    def plan(
        self, target: Target, site: str, adapter: Adapter, *, hops: str, via: str, depth: int = 0,
    ) -> Decision | None:
        """The request of a target, a refusal, or ``None`` when it is a duplicate or known
        to be unchanged (counted, never an outlink)."""
        requisite = target.kind == REQUISITE
        decision = self.scope.check(target.url, requisite=requisite)
        if not decision.allowed:
            return Refused(target.url, decision.reason or "", site)
        target_site = site if requisite else self.domain_of(target.url)
        if not requisite and target_site != site and target_site not in self.sites:
            return Refused(target.url, OTHER_PORTAL, site)
        if target.aliases:
            self.aliases.setdefault(target.url, set()).update(without_session(a) for a in target.aliases)
        key = schedule_key(target.method, target.url, target.formdata)
        if key in self._scheduled:
            return None
        if target.kind == ARTICLE and target.canonical and target.canonical != target.url:
            self.read_elsewhere.add(target.canonical)
        if not requisite and target.url in self.read_elsewhere and adapter.is_shell(target.url):
            # the adapter's API answered with this article: the shell at its address holds no text
            self._scheduled.add(key)
            self.count("network/skipped/shell_read_by_adapter")
            return None
        skipped = self._known_unchanged(target, site) if self.config.incremental else None
        if skipped:
            self._scheduled.add(key)
            self.count(f"network/skipped/{skipped}")
            return None
        if self.config.max_depth and not requisite and depth > self.config.max_depth:
            return Refused(target.url, DEPTH, site)
        if self.config.max_pages_per_site and self.pages_per_site[site] >= self.config.max_pages_per_site:
            return Refused(target.url, PAGE_BUDGET, site)
        self._scheduled.add(key)
        self.pages_per_site[site] += 1
        context = PageContext(
            site=site, adapter=adapter.name, kind=target.kind, hops=hops + target.hop, depth=depth, via=via,
            sequence=target.sequence, canonical=target.canonical, formdata=target.formdata,
            lastmod_claimed=bool(target.modified and self.config.incremental and target.kind == ARTICLE
                                 and self.known.lastmod_says_changed(target, site)),
        )
        return Planned(target, context)

    def _known_unchanged(self, target: Target, site: str) -> str | None:
        """Why an incremental crawl need not fetch this target again, or None."""
        if target.kind == REQUISITE:
            return "requisite_archived" if self.known.requisite_fresh(target.url) else None
        if target.method == "GET" and target.sequence is None and self.known.shell(target.url):
            return "known_shell"
        if target.kind == LISTING and target.method == "GET" and target.sequence is None:
            return "dead_end" if self.known.dead_end(target.url) else None
        if target.kind != ARTICLE:
            return None
        if self.known.unchanged_since_capture(target.url, target.modified):
            return "unchanged_since_capture"
        if self.known.lastmod_says_changed(target, site):
            return None
        # an archived article listed as before: checked by the revisit schedule, not here
        return "listed_unchanged" if self.known.listed_unchanged(target) else None

    def plan_all(
        self, targets: Iterable[Target], site: str, adapter: Adapter, *, hops: str, via: str, depth: int = 0,
    ) -> list[Decision]:
        found = (self.plan(t, site, adapter, hops=hops, via=via, depth=depth) for t in targets)
        return [decision for decision in found if decision is not None]

    # -- pages -----------------------------------------------------------------------------
    def is_article(self, page: Page, adapter: Adapter, canonical: str) -> bool:
        """Whether a fetched page is an article the spider hands to extraction: an HTML page
        decides by itself (``scrapers.discovery.classify``), whatever its URL looks like; the
        adapter's hints (the URL pattern, what the link said) decide only when the page does
        not, and for API answers (JSON)."""
        return page_is_article(page, adapter, canonical)

    def plan_discovery(self, page: Page, site: str, adapter: Adapter, *, hops: str, depth: int) -> list[Decision]:
        """What a parsed page leads to through its adapter: links out of scope (refused),
        articles and listings (one hop deeper), and the next page of a listing (same depth),
        unless the listing is empty or, in an incremental crawl, holds only known articles."""
        return self.discover(page, site, adapter, hops=hops, depth=depth)[0]

    def discover(
        self, page: Page, site: str, adapter: Adapter, *, hops: str, depth: int
    ) -> tuple[list[Decision], ListingPage]:
        """``plan_discovery``, and what the page held as a page of a listing
        (``listing_of``)."""
        discovery = adapter.discover(page)
        self._note_shell(page, site, adapter, discovery)
        decisions = self._plan(page, site, adapter, discovery, hops=hops, depth=depth)
        return decisions, listing_of(page, site, adapter, discovery)

    def _note_shell(self, page: Page, site: str, adapter: Adapter, discovery: Discovery) -> None:
        """A page that proved a script shell (its own verdict) whose article the adapter reads at
        another address: counted, and remembered so a re-crawl does not fetch it again."""
        if "html" not in page.content_type or page.status >= 300 or page_verdict(page).kind != SHELL_VERDICT:
            return
        self.count("network/shells")
        if article_read_elsewhere(discovery, adapter.canonicalize(page.url)):
            self.count("network/shells_read_by_adapter")
            self.known.record_shell(adapter.canonicalize(page.url), site)

    def _plan(
        self, page: Page, site: str, adapter: Adapter, discovery: Discovery, *, hops: str, depth: int
    ) -> list[Decision]:
        self.count("network/pages_parsed")
        decisions: list[Decision] = []
        for link in discovery.links:
            checked = self.scope.check(link)
            if not checked.allowed:
                decisions.append(Refused(link, checked.reason or ""))
        articles = discovery.articles
        if self.config.incremental and page.kind == ARTICLE:
            # related-article lists lead back through the whole archive: in an incremental
            # crawl only listings decide which archived articles are checked again
            articles = tuple(t for t in articles if t.url not in self.known)
        via = page.url
        decisions += self.plan_all((*articles, *discovery.listings), site, adapter, hops=hops, via=via, depth=depth + 1)
        cut: tuple[Target, ...] = ()
        if discovery.next_pages:
            if discovery.empty:
                self.count("network/pagination_stopped/empty")
            elif self.config.incremental and all(self.known.listed_unchanged(t) for t in discovery.articles):
                self.count("network/pagination_stopped/watermark")
                cut = discovery.next_pages
            else:
                decisions += self.plan_all(discovery.next_pages, site, adapter, hops=hops, via=via, depth=depth)
        if self.config.incremental and page.kind != ARTICLE and (discovery.articles or cut):
            self.known.record_listing(page_key(page.url, page.formdata), site, discovery.articles, cut)
        return decisions


def listing_of(page: Page, site: str, adapter: Adapter, discovery: Discovery) -> ListingPage:
    """The page as a page of a listing (``archive.corpus.listings``): the listing it belongs to
    (the sequence it continues, else itself; named within its portal), the in-site addresses
    it held, and the next pages it points to (none past the end of the listing: an empty page
    is where pagination stops)."""
    this = page_id(adapter.canonicalize(page.url), page.formdata)
    sequence = page.sequence or adapter.canonicalize(page.url)
    listing = sequence if sequence.startswith(("http://", "https://")) else f"{site}/{sequence}"
    items = (t.canonical or t.url for t in (*discovery.articles, *discovery.listings))
    following = () if discovery.empty else tuple(page_id(t.url, t.formdata) for t in discovery.next_pages)
    return ListingPage(listing, this, site, items=tuple(dict.fromkeys(items)),
                       next=tuple(n for n in dict.fromkeys(following) if n != this))


def page_verdict(page: Page) -> PageVerdict:
    """The page's own verdict (``classify_page``), worked out once per page."""
    cached = page.__dict__.get("_verdict")
    if cached is None:
        cached = classify_page(page.text, page.url)
        page.__dict__["_verdict"] = cached  # frozen dataclass: a cache, not a field
    return cached


def page_is_article(page: Page, adapter: Adapter, canonical: str) -> bool:
    """Article or not: the page's own verdict when it has one, else the adapter's hints."""
    hinted = (page.kind == ARTICLE or adapter.is_article(canonical)) and not adapter.is_shell(page.url)
    if "html" not in page.content_type:
        # API answers (JSON, XML) are articles when the adapter says so; documents never
        return hinted and ("json" in page.content_type or "xml" in page.content_type)
    if page.status >= 300:
        return hinted
    verdict = page_verdict(page)
    if verdict.kind == ARTICLE:
        return True
    if verdict.kind in (LISTING_VERDICT, SHELL_VERDICT):
        return False
    return hinted
