"""The ``network`` spider: the provincial police portals, one CMS adapter per portal.

Seeds are the registry (all in-network portals, or ``CONGAN_SITES``) or ``CONGAN_SEEDS``.
Every response is a page of one portal crawled by that portal's adapter (its
``scrapers.page_context.PageContext``: ``site``, ``adapter``). HTML pages reveal more
portals through their "Liên kết công an các tỉnh" block, their requisites (fetched when in
scope) and, through the adapter, articles, listings and the next page of each listing.
Articles become ``scrapers.items.ArticlePage``.

The decisions (which targets become requests, what a page leads to) are
``spiders.planner.CrawlPlanner``'s, plain code; this module turns them into Scrapy requests.
Traps are cut four ways: a listing page with no articles does not lead to its next page
(pagination past the end), calendar URLs are never followed, ``CONGAN_MAX_DEPTH`` bounds
link hops (the next page of a listing is not a hop) and ``CONGAN_MAX_PAGES_PER_SITE`` bounds
requests per portal. In incremental crawls a listing page whose articles were all archived
before the crawl began stops its pagination (listing watermark, ``scrapers.crawl.watermarks``).
Each page of a listing the portal served (no article) carries what it held in its page context
(``listing``: ``scrapers.crawl.vanished`` records it; articles gone from every listing are removed).
What the spider learns about portals (live, redirecting, down) goes to
``archive.control.registry_state``. Rejected URLs are counted as ``scope/rejected/<reason>``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy
from scrapy.http import FormRequest, Request, Response, TextResponse

from archive.control.registry_state import RegistryState
from archive.paths import DataDir
from scrapers.config import NetworkConfig, crawl_config
from scrapers.crawl.revisit_schedule import RecrawlConfig
from scrapers.crawl.vanished import stamp_listing
from scrapers.crawl.watermarks import KnownArticles, open_known_articles
from scrapers.discovery.adapter import API, ARTICLE, FEED, LISTING, REQUISITE, SEED, SITEMAP, Adapter, Page, Target
from scrapers.discovery.fingerprint import fingerprint
from scrapers.discovery.media import is_page, page_content_type
from scrapers.families import get_adapter
from scrapers.items import ArticlePage
from scrapers.page_context import META_KEY, PageContext, context_of, ensure_context
from scrapers.portals.registry import Registry, load_registry
from scrapers.portals.requisites import requisite_urls
from scrapers.portals.safe_urls import MALFORMED_URL, malformed_links, safe_join
from scrapers.portals.scope import Scope, link_block_urls
from scrapers.portals.urls import url_host, without_session
from scrapers.rendering.addon import RenderConfig
from scrapers.rendering.handler import Renderer
from scrapers.reporting.portal_watch import PortalWatch
from spiders.planner import OTHER_PORTAL, CrawlPlanner, Decision, Refused

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = (301, 302, 303, 307, 308)
#: page kinds whose pages, when no article, are pages of a listing (``archive.corpus.listings``)
LISTING_KINDS = frozenset({LISTING, SEED, API, SITEMAP, FEED})
#: redirects followed from a portal's start URL before it is recorded as a redirect loop
MAX_SEED_REDIRECTS = 5


class NetworkSpider(scrapy.Spider):
    name = "network"

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NetworkSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        config = crawl_config(crawler)
        spider.setup(config.network, recrawl=config.recrawl)
        return spider

    def setup(
        self, config: NetworkConfig, registry: Registry | None = None, recrawl: RecrawlConfig | None = None,
    ) -> None:
        self.config = config
        self.registry = registry or load_registry(config.registry_path or None)
        self.data = DataDir.resolve(config.data)
        self.watch = PortalWatch(RegistryState.open(self.data), self.crawler, config.crawl_id)
        known = (open_known_articles(self.data, config.collection, config.crawl_id, recrawl)
                 if config.incremental else None)
        self.planner = CrawlPlanner(config, self.registry, known, count=self.count)
        # script-driven pages go to the browser (scrapers.rendering; CONGAN_RENDER)
        crawler = getattr(self, "crawler", None)
        self.renderer = (Renderer.from_crawler(crawler, self.planner.domain_of) if crawler is not None
                         else Renderer(RenderConfig(mode="off"), False, None, self.planner.domain_of))

    def count(self, stat: str) -> None:
        """Count in the crawl's stats (set once the crawl starts, after the spider is made)."""
        self.crawler.stats.inc_value(stat)

    # the planner's state, as the pipeline (``aliases``) and tests read it
    @property
    def scope(self) -> Scope:
        return self.planner.scope

    @property
    def known(self) -> KnownArticles:
        return self.planner.known

    @property
    def sites(self) -> dict[str, Adapter]:
        return self.planner.sites

    @property
    def pages_per_site(self) -> Counter[str]:
        return self.planner.pages_per_site

    @property
    def aliases(self) -> dict[str, set[str]]:
        """Canonical article URL -> other URLs pages linked it with (``PageContext.aliases``)."""
        return self.planner.aliases

    # -- seeds ---------------------------------------------------------------------------
    def seed_portals(self) -> list[tuple[str, str]]:
        """(portal domain, start URL) of the crawl."""
        return self.planner.seed_portals()

    def adapter_for(self, domain: str) -> Adapter:
        return self.planner.adapter_for(domain)

    async def start(self) -> AsyncIterator[Any]:
        # every seed portal is opened before the first request goes out: Scrapy reads start
        # requests lazily, and a link block parsed meanwhile must not open a seed portal
        # under another address (https:// from a block instead of the registry's http://)
        requests = [r for domain, url in self.seed_portals() for r in self.open_portal(domain, url, via="")]
        for request in requests:
            yield request

    def open_portal(self, domain: str, start_url: str | None, via: str) -> Iterable[Request]:
        """Start crawling a portal: its adapter's start targets (or the given seed URL)."""
        yield from self.emit_all(self.planner.open_portal(domain, start_url, via))

    # -- requests ------------------------------------------------------------------------
    def reject(self, url: str, reason: str, response: Response | None = None, site: str | None = None) -> None:
        """Count a URL not requested (``scope/rejected/<reason>``, and per portal under
        ``portal/<site>/rejected/<reason>``) and keep it as an outlink of the page."""
        self.crawler.stats.inc_value(f"scope/rejected/{reason}")
        context = context_of(response) if response is not None else None
        site = site or (context.site if context is not None else None)
        if site:
            self.crawler.stats.inc_value(f"portal/{site}/rejected/{reason}")
        logger.debug("network: not requesting %s (%s)", url, reason)
        if response is not None:
            ensure_context(response).outlinks.append(url)

    def request_for(
        self, target: Target, site: str, adapter: Adapter, *, hops: str, via: str,
        response: Response | None = None, depth: int = 0,
    ) -> Request | None:
        """The request of a target, or ``None`` when scope, depth or budget refuse it
        (``spiders.planner.CrawlPlanner.plan`` decides)."""
        return self.emit(self.planner.plan(target, site, adapter, hops=hops, via=via, depth=depth), response)

    def emit(self, decision: Decision | None, response: Response | None = None) -> Request | None:
        """The Scrapy request of a planned target; a refusal counted (and kept as an outlink)."""
        if decision is None:
            return None
        if isinstance(decision, Refused):
            self.reject(decision.url, decision.reason, response, decision.site)
            return None
        target = decision.target
        meta: dict[str, Any] = {META_KEY: decision.context}
        if target.kind == SEED:
            # a portal's own redirects are what tells us it moved: see them, record them
            meta["dont_redirect"] = True
            meta["handle_httpstatus_list"] = list(REDIRECT_STATUSES)
        callback = self.parse_requisite if decision.requisite else self.parse
        if target.method == "POST":
            return FormRequest(
                target.url, formdata=list(target.formdata), headers=dict(target.headers) or None,
                meta=meta, callback=callback, errback=self.failed, dont_filter=True,
            )
        return Request(
            target.url, headers=dict(target.headers) or None, meta=meta, callback=callback, errback=self.failed,
        )

    def emit_all(self, decisions: Iterable[Decision], response: Response | None = None) -> Iterable[Request]:
        for decision in decisions:
            request = self.emit(decision, response)
            if request is not None:
                yield request

    # -- responses -----------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        try:
            yield from self.parse_page(response)
        except ValueError as exc:  # a malformed value no parser refused: this page stops, not the portal
            self.crawler.stats.inc_value("network/page_errors")
            logger.warning("network: stopped processing %s: %s", response.url, exc)

    def parse_page(self, response: Response) -> Iterable[Any]:
        meta = response.meta
        context = ensure_context(response)
        site, kind = context.site or "", context.kind or ""
        adapter = self.planner.adapter_named(context.adapter) or self.sites.get(site) or self.adapter_for(site)
        if kind == SEED and response.status in REDIRECT_STATUSES:
            yield from self.seed_redirect(response, site, adapter)
            return
        if kind == SEED or meta.get("redirect_urls"):
            site, noted = self.note_portal(response, site, adapter)
            if noted is None:
                return
            adapter = noted
        if not isinstance(response, TextResponse):
            return
        if not is_page((response.headers.get(b"Content-Type") or b"").decode("latin-1"), response.body):
            self.crawler.stats.inc_value("network/documents")  # archived, never read as text
            context.not_article = kind == ARTICLE  # congan reextract must not file it either
            return
        content_type = page_content_type(response)
        page = Page(
            url=response.url, text=response.text, status=response.status, content_type=content_type,
            kind=kind, sequence=context.sequence, formdata=tuple(context.formdata),
        )
        hops, via = context.hops, response.url
        depth = context.depth
        html = "html" in content_type
        if html and kind == SEED and adapter.name == "generic" and self.config.adapters:
            better = self.recognise(response, site)
            if better is not None:
                adapter = better
                for target in adapter.start_targets(f"{response.url.split('://', 1)[0]}://{site}/"):
                    request = self.request_for(
                        target, site, adapter, hops=hops, via=via, response=response, depth=depth,
                    )
                    if request is not None:
                        yield request
        if html:
            for link in malformed_links(page.selector(), page.base):
                self.reject(link, MALFORMED_URL, site=site)
            yield from self.follow_network(response, page, site, hops)
            if self.config.fetch_requisites:
                for url in requisite_urls(response.text, response.url, page.selector()):
                    request = self.request_for(
                        Target(url, REQUISITE, hop="E"), site, adapter, hops=hops, via=via, response=response,
                    )
                    if request is not None:
                        yield request
        canonical = context.canonical or adapter.canonicalize(response.url)
        article = self.planner.is_article(page, adapter, canonical)
        if html:
            found = self.renderer.wants(page, site, adapter, canonical, context, article=article)
            if found is not None:
                yield self.renderer.request(
                    response.url, context, self.parse_rendered, self.render_failed, found, article=article,
                )
        if article:
            yield self.article_item(response, canonical, site, adapter)
        elif kind == ARTICLE and 200 <= response.status < 300:
            context.not_article = True  # congan reextract must not file it either
        # after the item: its aliases are those known before this page's own links
        decisions, listing = self.planner.discover(page, site, adapter, hops=hops, depth=depth)
        if not article and kind in LISTING_KINDS and self.serves(response, site):
            context.listing = stamp_listing(listing, context.capture, self.config)
        yield from self.emit_all(decisions, response)
        content = response.status == 200 and (article or bool(listing.items))  # JSON or an HTML fragment
        yield from self.adapter_answered((meta.get("redirect_urls") or [response.url])[0], context, content)

    def adapter_answered(self, url: str, context: PageContext, content: bool) -> Iterable[Request]:
        """An adapter request (an API page, a JSON view of an article) answered, with or without
        content: the pages waiting on it that are rendered now (``scrapers.rendering.fallback``)."""
        if context.kind == API or (context.canonical and context.canonical != url):
            for waiting in self.renderer.adapter_answered(url, context.site or "", content):
                yield self.renderer.request(waiting.url, waiting.context, self.parse_rendered, self.render_failed,
                                            waiting.found, article=waiting.article)

    def serves(self, response: Response, site: str) -> bool:
        """The portal itself served the page (2xx, on its own domain): a page of a listing."""
        return 200 <= response.status < 300 and self.planner.domain_of(response.url) == site

    # -- rendered pages (scrapers.rendering) ------------------------------------------------
    async def parse_rendered(self, response: Response, **kwargs: Any) -> AsyncIterator[Any]:
        """A page the browser rendered: its DOM and harvested addresses, discovered as any page's."""
        rendered = await self.renderer.finish(response)
        context = ensure_context(response)
        site = context.site or self.planner.domain_of(response.url)
        adapter = self.planner.adapter_named(context.adapter) or self.sites.get(site) or self.adapter_for(site)
        page = Page(url=response.url, text=rendered.html, status=response.status, content_type="text/html",
                    kind=context.kind or "", sequence=context.sequence)
        answer = self.renderer.shell_article(rendered, response.url) if context.not_article else None
        if answer is not None:  # a script shell: its article is the JSON answer the browser got
            canonical = context.canonical or adapter.canonicalize(response.url)
            aliases = tuple(sorted(({answer.url, response.url} | self.aliases.get(canonical, set())) - {canonical}))
            self.crawler.stats.inc_value("network/articles")
            yield ArticlePage(url=answer.url, body=answer.body, site=site, canonical_url=canonical,
                              adapter=adapter.name, profile=adapter.profile.name,
                              headers={"Content-Type": answer.content_type}, capture=answer.capture,
                              collection=self.config.collection, aliases=aliases)
            self.renderer.file_shell_article(answer, aliases)
        for request in self.emit_all(
            self.planner.plan_discovery(page, site, adapter, hops=context.hops, depth=context.depth), response,
        ):
            yield request

    async def on_browser_response(self, response: Any) -> None:
        """scrapy-playwright's handler of every response a rendered page gets (archived)."""
        await self.renderer.on_response(response)

    async def render_failed(self, failure: Any) -> AsyncIterator[Request]:
        retry = await self.renderer.failed(failure.request, failure.value)
        if retry is not None:
            yield retry

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
            if (known or added) and self.config.discover_portals and not self.planner.closed_sites:
                yield from self.open_portal(self.planner.domain_of(host), url, via=response.url)

    def seed_redirect(self, response: Response, site: str, adapter: Adapter) -> Iterable[Request]:
        """A portal's start URL redirects: within the portal, follow it as the new start;
        to another portal, record the move (absorbed provinces) and open that portal."""
        location = (response.headers.get(b"Location") or b"").decode("latin-1").strip()
        hops = ensure_context(response).hops
        if not location or hops.count("R") >= MAX_SEED_REDIRECTS:
            self.watch.redirect_loop(site, response.url)
            return
        target_url = safe_join(response.url, location)
        if target_url is None:
            self.reject(location, MALFORMED_URL, site=site)
            return
        target_site = self.planner.domain_of(target_url)
        if target_site != site:
            self.watch.moved(site, target_site, response.status, response.url, target_url)
            if not self.scope.in_network(target_site):
                self.reject(target_url, self.scope.check(target_url).reason or OTHER_PORTAL, response)
                return
            if self.planner.closed_sites and target_site not in self.sites:
                self.reject(target_url, OTHER_PORTAL, response)
                return
            if target_site not in self.sites:
                yield from self.open_portal(target_site, target_url, via=response.url)
                return
            adapter = self.sites[target_site]
        request = self.request_for(
            Target(adapter.canonicalize(target_url), SEED, hop="R"), target_site, adapter,
            hops=hops, via=response.url, response=response, depth=ensure_context(response).depth,
        )
        if request is not None:
            yield request

    def note_portal(self, response: Response, site: str, adapter: Adapter) -> tuple[str, Adapter | None]:
        """Record a live portal (its start page answered); the site and adapter a page belongs
        to when a redirect took it to another portal (``None``: not one this crawl crawls).
        Start pages never get here redirected: ``seed_redirect`` sees their redirects."""
        final = self.planner.domain_of(response.url)
        if final == site:
            if ensure_context(response).kind == SEED:
                self.watch.answered(site, response.status, response.url)
            return site, adapter
        self.crawler.stats.inc_value("network/redirected_off_portal")
        if final not in self.sites:
            return site, None
        return final, self.sites[final]

    def failed(self, failure: Any) -> list[Request]:
        """Errback: the failure is recorded at once (not when Scrapy iterates the result); a
        page waiting on this adapter request may now be rendered."""
        context = ensure_context(failure.request)
        self.watch.failed(
            context.site, context.kind, failure.request.url, failure.value,
            start_page=context.kind == SEED, speculative=context.hops.endswith("X"),
        )
        return list(self.adapter_answered(failure.request.url, context, False))

    def article_item(self, response: Response, canonical: str, site: str, adapter: Adapter) -> ArticlePage:
        self.crawler.stats.inc_value("network/articles")
        fetched = {without_session(u) for u in (*response.meta.get("redirect_urls", []), response.url)}
        seen = self.aliases.get(canonical, set()) | fetched
        context = ensure_context(response)
        context.aliases = tuple(sorted(u for u in seen if u != canonical))
        headers = {
            key.decode("latin-1"): values[0].decode("latin-1")
            for key, values in response.headers.items()
            if values
        }
        return ArticlePage(url=response.url, body=response.body, site=site, canonical_url=canonical,
                           adapter=adapter.name, profile=adapter.profile.name, headers=headers,
                           capture=context.capture, collection=self.config.collection, aliases=context.aliases)
