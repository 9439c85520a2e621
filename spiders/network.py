"""The ``network`` spider: the provincial police portals, one CMS adapter per portal.

Seeds are the registry (all in-network portals, or ``CONGAN_SITES``) or ``CONGAN_SEEDS``.
Every response is a page of one portal (``congan_site``) crawled by that portal's adapter
(``congan_adapter``). HTML pages reveal more portals through their "Liên kết công an các
tỉnh" block, their requisites (fetched when in scope) and, through the adapter, articles,
listings and the next page of each listing. Articles become ``scrapers.items.ArticlePage``.

Traps are cut four ways: a listing page with no articles does not lead to its next page
(pagination past the end), calendar URLs are never followed, ``CONGAN_MAX_DEPTH`` bounds
link hops (the next page of a listing is not a hop) and ``CONGAN_MAX_PAGES_PER_SITE`` bounds
requests per portal. In incremental crawls a listing page whose articles were all archived
before the crawl began stops its pagination (listing watermark, ``scrapers.watermarks``).
What the spider learns about portals (live, redirecting, down) goes to
``archive.registry_state``. Rejected URLs are counted as ``scope/rejected/<reason>``.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any, AsyncIterator, Iterable

import scrapy
from scrapy.http import FormRequest, HtmlResponse, Request, Response, TextResponse, XmlResponse

from archive.paths import DataDir
from archive.registry_state import RegistryState
from scrapers.adapters import UnknownAdapter, get_adapter
from scrapers.adapters.base import ARTICLE, REQUISITE, SEED, Adapter, Page, Target
from scrapers.adapters.fingerprint import fingerprint
from scrapers.items import ArticlePage
from scrapers.network_config import NetworkConfig
from scrapers.portal_watch import PortalWatch
from scrapers.registry import Registry, load_registry, normalise_host
from scrapers.requisites import requisite_urls
from scrapers.safe_urls import MALFORMED_URL, malformed_links, safe_join
from scrapers.scope import Scope, link_block_urls
from scrapers.urls import url_host, without_session
from scrapers.watermarks import KnownArticles, open_known_articles

logger = logging.getLogger(__name__)

# reasons of scope/rejected/<reason> decided here (scrapers.scope decides the others)
PAGE_BUDGET = "page_budget"
DEPTH = "depth"
OTHER_PORTAL = "portal_not_in_crawl"
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
#: redirects followed from a portal's start URL before it is recorded as a redirect loop
MAX_SEED_REDIRECTS = 5


def page_content_type(response: TextResponse) -> str:
    """The media type the page is handled as: the header, else what Scrapy chose for it."""
    declared = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if declared:
        return declared
    if isinstance(response, HtmlResponse):
        return "text/html"
    if isinstance(response, XmlResponse):
        return "application/xml"
    return "text/html" if "<html" in response.text[:1000].lower() else "text/plain"


class NetworkSpider(scrapy.Spider):
    name = "network"

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "NetworkSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.setup(NetworkConfig.from_settings(crawler.settings))
        return spider

    def setup(self, config: NetworkConfig, registry: Registry | None = None) -> None:
        self.config = config
        self.registry = registry or load_registry(config.registry_path or None)
        self.scope = Scope(self.registry, (url_host(s) for s in config.seeds))
        self.data = DataDir.resolve(config.data)
        self.watch = PortalWatch(RegistryState.open(self.data), self.crawler, config.crawl_id)
        self.known: KnownArticles = open_known_articles(self.data, config.collection, config.crawl_id) if config.incremental else KnownArticles()
        self.pages_per_site: Counter[str] = Counter()
        self.sites: dict[str, Adapter] = {}  # portals this crawl crawls -> adapter
        self.closed_sites = bool(config.sites)  # only the chosen portals, none discovered
        #: canonical article URL -> other URLs pages linked it with (``congan_aliases``)
        self.aliases: dict[str, set[str]] = {}
        self._scheduled: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()

    # -- seeds ---------------------------------------------------------------------------
    def seed_portals(self) -> list[tuple[str, str]]:
        """(portal domain, start URL) of the crawl."""
        scheme = self.config.seed_scheme
        if self.config.seeds:
            return [(self._domain_of(url), url) for url in self.config.seeds]
        portals = self.registry.select(self.config.sites) if self.config.sites else self.registry.network()
        return [(p.domain, f"{scheme}://{p.domain}/") for p in portals]

    def _domain_of(self, url_or_host: str) -> str:
        portal = self.registry.get(url_or_host)
        return portal.domain if portal else normalise_host(url_or_host)

    def adapter_for(self, domain: str) -> Adapter:
        portal = self.registry.get(domain)
        return get_adapter(portal.adapter if portal else "generic")

    @staticmethod
    def adapter_named(name: str | None) -> Adapter | None:
        try:
            return get_adapter(name) if name else None
        except UnknownAdapter:
            return None

    async def start(self) -> AsyncIterator[Any]:
        # every seed portal is opened before the first request goes out: Scrapy reads start
        # requests lazily, and a link block parsed meanwhile must not open a seed portal
        # under another address (https:// from a block instead of the registry's http://)
        requests = [r for domain, url in self.seed_portals() for r in self.open_portal(domain, url, via="")]
        for request in requests:
            yield request

    def open_portal(self, domain: str, start_url: str | None, via: str) -> Iterable[Request]:
        """Start crawling a portal: its adapter's start targets (or the given seed URL)."""
        if domain in self.sites:
            return
        adapter = self.adapter_for(domain)
        self.sites[domain] = adapter
        self.crawler.stats.inc_value("network/portals")
        scheme = start_url.split("://", 1)[0].lower() if start_url else self.config.seed_scheme
        base = f"{scheme}://{domain}/"
        targets = list(adapter.start_targets(base))
        if start_url and adapter.canonicalize(start_url) not in {t.url for t in targets}:
            targets.insert(0, Target(adapter.canonicalize(start_url), SEED, hop=""))
        for target in targets:
            request = self.request_for(target, domain, adapter, hops="", via=via)
            if request is not None:
                yield request

    # -- requests ------------------------------------------------------------------------
    def reject(self, url: str, reason: str, response: Response | None = None, site: str | None = None) -> None:
        """Count a URL not requested (``scope/rejected/<reason>``, and per portal under
        ``portal/<site>/rejected/<reason>``) and keep it as an outlink of the page."""
        self.crawler.stats.inc_value(f"scope/rejected/{reason}")
        site = site or (response.meta.get("congan_site") if response is not None else None)
        if site:
            self.crawler.stats.inc_value(f"portal/{site}/rejected/{reason}")
        logger.debug("network: not requesting %s (%s)", url, reason)
        if response is not None:
            response.meta.setdefault("congan_outlinks", []).append(url)

    def request_for(
        self, target: Target, site: str, adapter: Adapter, *, hops: str, via: str,
        response: Response | None = None, depth: int = 0,
    ) -> Request | None:
        """The request of a target, or ``None`` when scope, depth or budget refuse it.

        ``depth`` counts link hops from the portal's start pages; the next page of a
        listing keeps its listing's depth (a portal with 2,000 listing pages is not deep),
        requisites have none."""
        requisite = target.kind == REQUISITE
        decision = self.scope.check(target.url, requisite=requisite)
        if not decision.allowed:
            self.reject(target.url, decision.reason, response, site)
            return None
        target_site = site if requisite else self._domain_of(target.url)
        if not requisite and target_site != site and target_site not in self.sites:
            self.reject(target.url, OTHER_PORTAL, response, site)
            return None
        path = hops + target.hop
        if target.aliases:
            self.aliases.setdefault(target.url, set()).update(without_session(a) for a in target.aliases)
        key = (target.method, target.url, target.formdata)
        if key in self._scheduled:
            return None
        if self.config.incremental and self.known.unchanged_since_capture(target.url, target.modified):
            self._scheduled.add(key)
            self.crawler.stats.inc_value("network/skipped/unchanged_since_capture")
            return None
        if requisite and self.config.incremental and target.url in self.known:
            # images, styles and documents do not change under the same URL on these portals
            self._scheduled.add(key)
            self.crawler.stats.inc_value("network/skipped/requisite_archived")
            return None
        if self.config.max_depth and not requisite and depth > self.config.max_depth:
            self.reject(target.url, DEPTH, response, site)
            return None
        if self.config.max_pages_per_site and self.pages_per_site[site] >= self.config.max_pages_per_site:
            self.reject(target.url, PAGE_BUDGET, response, site)
            return None
        self._scheduled.add(key)
        self.pages_per_site[site] += 1
        meta = {
            "congan_site": site,
            "congan_adapter": adapter.name,
            "congan_page_kind": target.kind,
            "congan_hops": path,
            "congan_depth": depth,
            "congan_via": via,
            "congan_sequence": target.sequence,
            "congan_canonical": target.canonical,
            "congan_formdata": list(target.formdata) or None,
        }
        if target.kind == SEED:
            # a portal's own redirects are what tells us it moved: see them, record them
            meta["dont_redirect"] = True
            meta["handle_httpstatus_list"] = list(REDIRECT_STATUSES)
        callback = self.parse_requisite if requisite else self.parse
        if target.method == "POST":
            return FormRequest(
                target.url, formdata=list(target.formdata), headers=dict(target.headers) or None,
                meta=meta, callback=callback, errback=self.failed, dont_filter=True,
            )
        return Request(
            target.url, headers=dict(target.headers) or None, meta=meta, callback=callback, errback=self.failed,
        )

    # -- responses -----------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        try:
            yield from self.parse_page(response)
        except ValueError as exc:  # a malformed value no parser refused: this page stops, not the portal
            self.crawler.stats.inc_value("network/page_errors")
            logger.warning("network: stopped processing %s: %s", response.url, exc)

    def parse_page(self, response: Response) -> Iterable[Any]:
        meta = response.meta
        site, kind = meta["congan_site"], meta["congan_page_kind"]
        adapter = self.adapter_named(meta.get("congan_adapter")) or self.sites.get(site) or self.adapter_for(site)
        if kind == SEED and response.status in REDIRECT_STATUSES:
            yield from self.seed_redirect(response, site, adapter)
            return
        if kind == SEED or meta.get("redirect_urls"):
            site, adapter = self.note_portal(response, site, adapter)
            if adapter is None:
                return
        if not isinstance(response, TextResponse):
            return
        content_type = page_content_type(response)
        page = Page(
            url=response.url, text=response.text, status=response.status, content_type=content_type,
            kind=kind, sequence=meta.get("congan_sequence"),
            formdata=tuple((k, v) for k, v in (meta.get("congan_formdata") or ())),
        )
        hops, via = meta.get("congan_hops", ""), response.url
        depth = int(meta.get("congan_depth") or 0)
        html = "html" in content_type
        if html and kind == SEED and adapter.name == "generic":
            better = self.recognise(response, site)
            if better is not None:
                adapter = better
                for target in adapter.start_targets(f"{response.url.split('://', 1)[0]}://{site}/"):
                    request = self.request_for(target, site, adapter, hops=hops, via=via, response=response, depth=depth)
                    if request is not None:
                        yield request
        if html:
            for link in malformed_links(page.selector(), page.base):
                self.reject(link, MALFORMED_URL, site=site)
            yield from self.follow_network(response, page, site, hops)
            if self.config.fetch_requisites:
                for url in requisite_urls(response.text, response.url, page.selector()):
                    request = self.request_for(Target(url, REQUISITE, hop="E"), site, adapter, hops=hops, via=via, response=response)
                    if request is not None:
                        yield request
        canonical = meta.get("congan_canonical") or adapter.canonicalize(response.url)
        if (kind == ARTICLE or adapter.is_article(canonical)) and not adapter.is_shell(response.url):
            item = self.article_item(response, canonical, site, adapter)
            if item is not None:
                yield item
        discovery = adapter.discover(page)
        self.crawler.stats.inc_value("network/pages_parsed")
        for link in discovery.links:
            decision = self.scope.check(link)
            if not decision.allowed:
                self.reject(link, decision.reason, response)
        articles = discovery.articles
        if self.config.incremental and kind == ARTICLE:
            # related-article lists lead back through the whole archive: in an incremental
            # crawl only listings decide which archived articles are checked again
            articles = tuple(t for t in articles if t.url not in self.known)
        for target in (*articles, *discovery.listings):
            request = self.request_for(target, site, adapter, hops=hops, via=via, response=response, depth=depth + 1)
            if request is not None:
                yield request
        if discovery.next_pages:
            if discovery.empty:
                self.crawler.stats.inc_value("network/pagination_stopped/empty")
            elif self.config.incremental and self.known.all_known(t.url for t in discovery.articles):
                self.crawler.stats.inc_value("network/pagination_stopped/watermark")
            else:
                for target in discovery.next_pages:
                    request = self.request_for(target, site, adapter, hops=hops, via=via, response=response, depth=depth)
                    if request is not None:
                        yield request

    def recognise(self, response: TextResponse, site: str) -> Adapter | None:
        """The adapter of the CMS the page shows, for a portal crawled as unknown."""
        headers = {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v}
        family = fingerprint(response.text, headers)
        if family is None:
            return None
        logger.info("network: %s looks like %s; crawling it with that adapter", site, family)
        self.crawler.stats.inc_value(f"network/fingerprinted/{family}")
        adapter = get_adapter(family)
        self.sites[site] = adapter
        return adapter

    def parse_requisite(self, response: Response, **kwargs: Any) -> None:
        self.crawler.stats.inc_value("network/requisites")

    def follow_network(self, response: Response, page: Page, site: str, hops: str) -> Iterable[Request]:
        """Portals linked from the page's "Liên kết công an các tỉnh" block."""
        for url in link_block_urls(response.text, response.url, page.selector()):
            host = url_host(url)
            known = self.scope.in_network(host)
            added = self.scope.add_portal(host, response.url)
            if added:
                self.crawler.stats.inc_value("network/portals_discovered")
            if (known or added) and self.config.discover_portals and not self.closed_sites:
                yield from self.open_portal(self._domain_of(host), url, via=response.url)

    def seed_redirect(self, response: Response, site: str, adapter: Adapter) -> Iterable[Request]:
        """A portal's start URL redirects: within the portal, follow it as the new start;
        to another portal, record the move (absorbed provinces) and open that portal."""
        location = response.headers.get(b"Location", b"").decode("latin-1").strip()
        hops = response.meta.get("congan_hops", "")
        if not location or hops.count("R") >= MAX_SEED_REDIRECTS:
            self.watch.redirect_loop(site, response.url)
            return
        target_url = safe_join(response.url, location)
        if target_url is None:
            self.reject(location, MALFORMED_URL, site=site)
            return
        target_site = self._domain_of(target_url)
        if target_site != site:
            self.watch.moved(site, target_site, response.status, response.url, target_url)
            if not self.scope.in_network(target_site):
                self.reject(target_url, self.scope.check(target_url).reason or OTHER_PORTAL, response)
                return
            if self.closed_sites and target_site not in self.sites:
                self.reject(target_url, OTHER_PORTAL, response)
                return
            if target_site not in self.sites:
                yield from self.open_portal(target_site, target_url, via=response.url)
                return
            adapter = self.sites[target_site]
        request = self.request_for(
            Target(adapter.canonicalize(target_url), SEED, hop="R"), target_site, adapter,
            hops=hops, via=response.url, response=response, depth=int(response.meta.get("congan_depth") or 0),
        )
        if request is not None:
            yield request

    def note_portal(self, response: Response, site: str, adapter: Adapter) -> tuple[str, Adapter | None]:
        """Record a live portal (its start page answered); the site and adapter a page belongs
        to when a redirect took it to another portal (``None``: not one this crawl crawls).
        Start pages never get here redirected: ``seed_redirect`` sees their redirects."""
        final = self._domain_of(response.url)
        if final == site:
            if response.meta["congan_page_kind"] == SEED:
                self.watch.answered(site, response.status, response.url)
            return site, adapter
        self.crawler.stats.inc_value("network/redirected_off_portal")
        if final not in self.sites:
            return site, None
        return final, self.sites[final]

    def failed(self, failure: Any) -> None:
        meta = failure.request.meta
        kind = meta.get("congan_page_kind")
        self.watch.failed(
            meta.get("congan_site"), kind, failure.request.url, failure.value,
            start_page=kind == SEED, speculative=str(meta.get("congan_hops", "")).endswith("X"),
        )

    def article_item(self, response: Response, canonical: str, site: str, adapter: Adapter) -> ArticlePage:
        self.crawler.stats.inc_value("network/articles")
        fetched = {without_session(u) for u in (*response.meta.get("redirect_urls", []), response.url)}
        seen = self.aliases.get(canonical, set()) | fetched
        response.meta["congan_aliases"] = sorted(u for u in seen if u != canonical)
        headers = {
            key.decode("latin-1"): values[0].decode("latin-1")
            for key, values in response.headers.items()
            if values
        }
        return ArticlePage(
            url=response.url,
            body=response.body,
            site=site,
            canonical_url=canonical,
            adapter=adapter.name,
            profile=adapter.profile,
            headers=headers,
            capture=response.meta.get("congan_capture"),
            collection=self.config.collection,
            aliases=tuple(response.meta["congan_aliases"]),
        )
