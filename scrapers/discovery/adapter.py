"""What a CMS adapter is, and the machinery that applies its data to a page.

An adapter answers four questions about the portals of one CMS family:

* where to start listing articles (``start_targets``: home page, sitemaps, feeds, APIs);
* what a listing page leads to (``discover``: article pages, more listings, the next page
  of this listing), including pages reached by JSON APIs, AJAX or ASP.NET postbacks;
* whether a URL is an article (``is_article``) and what its canonical form is
  (``canonicalize``);
* which extraction profile applies to its articles (``profile``, the family's ``PROFILE``).

The answers are plain data (``Target``, ``Discovery``) so they can be tested on a snippet
of HTML without a crawl; the ``network`` spider turns them into Scrapy requests. Portal
knowledge (URL patterns, selectors) lives in each family's module (``scrapers/families/``)
as module-level data; this module holds the machinery only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from lxml.html import HtmlElement
from parsel import Selector

from scrapers.portals.urls import GENERIC_RULES, UrlRules, canonicalize, document_base, resolve_href, url_host

if TYPE_CHECKING:
    from scrapers.extract.profile import Profile

# page kinds (``scrapers.page_context.PageContext.kind``, docs/DESIGN.md)
ARTICLE = "article"
LISTING = "listing"
API = "api"
REQUISITE = "requisite"
SITEMAP = "sitemap"
FEED = "feed"
SEED = "seed"

#: links to documents attached to articles: fetched as page requisites
ATTACHMENT_RE = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|rar|7z)(?:$|\?)", re.IGNORECASE)
#: canonical URLs an adapter remembers (cleared when full: memory stays flat)
CANONICAL_CACHE_SIZE = 8192
#: links that are never worth following on any portal (logins, search, feeds of comments...)
NEVER_FOLLOW_RE = re.compile(
    r"(?:/(?:login|dang-nhap|logout|register|dang-ky|search|tim-kiem|wp-admin|wp-login\.php|admin)(?:[/?.]|$)"
    r"|[?&](?:replytocom|share|action=(?:login|logout|edit))=)",
    re.IGNORECASE,
)
#: calendar/archive-by-date pages: an endless supply of empty pages (SPEC 5 "traps")
CALENDAR_RE = re.compile(
    r"(?:[?&](?:date|ngay|day|month|thang|year|nam|calendar|lich)=|/(?:calendar|lich|lich-bai-viet|archive-date)(?:/|$))",
    re.IGNORECASE,
)
#: text of a link to the next page of a listing
NEXT_TEXT_RE = re.compile(r"^(?:»|›|>|>>|next|sau|trang sau|tiếp|tiếp theo|xem tiếp|\d{1,4})$", re.IGNORECASE)
#: a pagination parameter or path segment
PAGE_URL_RE = re.compile(
    r"(?:[?&](?:page|p|trang|pageindex|paged|pg|start|limitstart|cur)=\d+|_cur=\d+|/(?:page|trang|p)[/-]\d+/?$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Target:
    """One request the spider should make."""

    url: str
    kind: str
    method: str = "GET"
    #: form fields of a POST (ASP.NET postbacks), in page order
    formdata: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    #: hop letter (Heritrix style): L link, E embed/requisite, R redirect, X speculative
    hop: str = "L"
    #: the listing sequence this page continues, so pagination can stop past the end
    sequence: str | None = None
    #: the article's canonical URL when the target is another view of it (a JSON API
    #: answer whose URL says nothing of the article's address)
    canonical: str | None = None
    #: other URLs the page linked the same article with (before canonicalisation)
    aliases: tuple[str, ...] = ()
    #: when the listing says the page last changed (sitemap ``<lastmod>``), ISO 8601
    modified: str | None = None
    #: the text the listing showed the article with (its headline): a new text on a re-crawl
    #: means the article may have changed (``scrapers.crawl.watermarks``)
    label: str = ""


@dataclass(frozen=True)
class Discovery:
    """What one listing-like page leads to."""

    articles: tuple[Target, ...] = ()
    listings: tuple[Target, ...] = ()
    #: the next page(s) of the same listing: followed only while the listing is not empty
    next_pages: tuple[Target, ...] = ()
    #: every absolute link the page holds (for outlinks and network discovery)
    links: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.articles


@dataclass(frozen=True)
class Page:
    """A fetched page as the adapters see it (built from a Scrapy response by the spider)."""

    url: str
    text: str
    status: int = 200
    content_type: str = "text/html"
    kind: str = LISTING
    sequence: str | None = None
    #: the form fields the request sent (postback pagination continues from them)
    formdata: tuple[tuple[str, str], ...] = ()

    def selector(self) -> Selector:
        """The parsed page (parsed once, shared by every reader of the page)."""
        cached = self.__dict__.get("_selector")
        if cached is None:
            cached = self._parse()
            self.__dict__["_selector"] = cached  # frozen dataclass: a cache, not a field
        return cached

    def html_root(self) -> HtmlElement | None:
        """The lxml tree of an HTML page, the one :meth:`selector` parsed (for readers that
        do not change it), or None when not HTML or when ``lxml.html.document_fromstring``
        would refuse the text (an XML declaration in a decoded page): readers parse it
        themselves and fail as they did."""
        if "html" not in self.content_type or self.text.lstrip()[:5].lower() == "<?xml":
            return None
        root = self.selector().root
        return root if isinstance(root, HtmlElement) else None

    def _parse(self) -> Selector:
        xml = "xml" in self.content_type and "html" not in self.content_type
        kind = "json" if "json" in self.content_type else "xml" if xml else "html"
        if kind == "json":
            return Selector(text=self.text or "{}", type="json")
        return Selector(text=self.text or "<html></html>", type=kind, base_url=self.url)

    @property
    def base(self) -> str:
        return document_base(self.text, self.url) if "html" in self.content_type else self.url


Discoverer = Callable[["Adapter", Page], Discovery]
Starter = Callable[["Adapter", str], tuple[Target, ...]]


@dataclass(frozen=True)
class Adapter:
    """One CMS family: its data, and optional hooks for what data cannot say."""

    name: str
    profile: Profile
    rules: UrlRules = GENERIC_RULES
    #: paths fetched first on every portal of the family
    start_paths: tuple[str, ...] = ("/",)
    #: regexes searched in the canonical URL (path and query)
    article_patterns: tuple[re.Pattern[str], ...] = ()
    listing_patterns: tuple[re.Pattern[str], ...] = ()
    #: pages at an article's address that hold none of its text (script shells): never
    #: handed to extraction, their adapter hook finds the page that holds the text. A hint,
    #: never a filter: such a page is skipped only once the adapter's API gave its article
    #: (``spiders.planner``), and remembered once the page itself proved a shell
    shell_patterns: tuple[re.Pattern[str], ...] = ()
    #: never followed (in addition to NEVER_FOLLOW_RE and CALENDAR_RE): only what is never a
    #: page of content on any portal (administration, assets, print/mail views, actions);
    #: an adapter must not narrow what generic discovery follows
    ignore_patterns: tuple[re.Pattern[str], ...] = ()
    #: CSS selector of "next page" links, when the family marks them
    next_selector: str | None = None
    #: kinds of start path by suffix (sitemaps, feeds)
    start_kinds: tuple[tuple[str, str], ...] = ()
    #: start paths that may well not exist (hop ``X``: a 404 there is no portal error)
    speculative: tuple[str, ...] = ()
    #: family-specific discovery (JSON APIs, postbacks, sitemaps) before the generic one
    discover_hook: Discoverer | None = None
    start_hook: Starter | None = None
    #: kept for compatibility: every in-site link is followed whatever the adapter says
    explore: bool = True
    description: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    # -- URLs ----------------------------------------------------------------------------
    def canonicalize(self, url: str) -> str:
        """The family's canonical form of a URL; its parameter-dropping rules stand down on a
        URL where a dropped parameter carries the page's address (NukeViet without rewriting:
        ``?nv=news&op=<cat>/<slug>-<id>``), so a rule never merges different pages.
        Remembered per adapter (a portal's menus repeat on every page; bounded)."""
        known: dict[str, str] = self.__dict__.setdefault("_canonical_cache", {})  # frozen: a cache, not a field
        found = known.get(url)
        if found is None:
            if len(known) >= CANONICAL_CACHE_SIZE:
                known.clear()
            found = known[url] = self._canonical(url)
        return found

    def _canonical(self, url: str) -> str:
        if self.rules.drop_params and drops_content(url, self.rules.drop_params):
            return canonicalize(url, replace(self.rules, drop_params=frozenset()))
        return canonicalize(url, self.rules)

    def _path_query(self, url: str) -> str:
        _, _, rest = url.partition("://")
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"

    def is_article(self, url: str) -> bool:
        tail = self._path_query(url)
        return any(p.search(tail) for p in self.article_patterns)

    def is_shell(self, url: str) -> bool:
        tail = self._path_query(url)
        return any(p.search(tail) for p in self.shell_patterns)

    def is_listing(self, url: str) -> bool:
        tail = self._path_query(url)
        return any(p.search(tail) for p in self.listing_patterns) or bool(PAGE_URL_RE.search(tail))

    def is_ignored(self, url: str) -> str | None:
        """The reason a URL of this family is never followed, or ``None``."""
        tail = self._path_query(url)
        if CALENDAR_RE.search(tail):
            return "calendar"
        if NEVER_FOLLOW_RE.search(tail):
            return "never_follow"
        if any(p.search(tail) for p in self.ignore_patterns):
            return "adapter_ignore"
        return None

    # -- listing ------------------------------------------------------------------------------
    def start_targets(self, base_url: str) -> tuple[Target, ...]:
        """The first requests on a portal (``base_url`` like ``https://host/``)."""
        base = base_url.rstrip("/")
        kinds = dict(self.start_kinds)
        targets = [
            Target(
                self.canonicalize(base + path), kinds.get(path, SEED if path == "/" else LISTING),
                hop="X" if path in self.speculative else "",
            )
            for path in self.start_paths
        ]
        if self.start_hook is not None:
            targets.extend(self.start_hook(self, base_url))
        return tuple(targets)

    def discover(self, page: Page) -> Discovery:
        """Articles, listings and next pages reachable from this page."""
        generic = discover_html(self, page) if "html" in page.content_type else Discovery()
        if self.discover_hook is None:
            return generic
        special = self.discover_hook(self, page)
        return merge(special, generic)


def article_read_elsewhere(discovery: Discovery, canonical: str) -> set[str]:
    """The other addresses at which a page's discovery gives the page's own article (a JSON
    view of a script shell: ``Target.canonical``): its text is read there, not on the page."""
    return {t.url for t in discovery.articles if t.canonical == canonical and t.url != canonical}


#: a query value that names a page (a path or a slug), not a view option: ``cat/slug-12``,
#: ``slug-with-four-words``; addresses (``/path``, ``http...``: return and redirect links) are not
CONTENT_VALUE_RE = re.compile(r"^(?![/h]|https?:)(?:[^/]+/[^/]|[a-z0-9]+(?:-[a-z0-9]+){3,})", re.IGNORECASE)


def drops_content(url: str, drop_params: frozenset[str]) -> bool:
    """Whether dropping ``drop_params`` from ``url`` would lose a parameter naming the page."""
    query = urlsplit(url).query
    if not query:
        return False
    return any(
        name.lower() in drop_params and CONTENT_VALUE_RE.match(value)
        for name, value in parse_qsl(query, keep_blank_values=True)
    )


def merge(first: Discovery, second: Discovery) -> Discovery:
    """Both discoveries, first one's targets first, duplicates (by URL and body) dropped."""

    def uniq(*groups: tuple[Target, ...]) -> tuple[Target, ...]:
        out: dict[tuple[str, str, tuple[tuple[str, str], ...]], Target] = {}
        for group in groups:
            for target in group:
                key = (target.url, target.method, target.formdata)
                if key not in out:
                    out[key] = target
                elif target.aliases or (target.label and not out[key].label):
                    kept = out[key]
                    out[key] = replace(
                        kept, aliases=tuple(dict.fromkeys((*kept.aliases, *target.aliases))),
                        label=kept.label or target.label,
                    )
        return tuple(out.values())

    articles = uniq(first.articles, second.articles)
    article_urls = {t.url for t in articles}
    return Discovery(
        articles=articles,
        listings=tuple(t for t in uniq(first.listings, second.listings) if t.url not in article_urls),
        next_pages=uniq(first.next_pages, second.next_pages),
        links=tuple(dict.fromkeys((*first.links, *second.links))),
    )


def anchors(page: Page) -> list[tuple[str, str]]:
    """(absolute URL, link text) of every ``<a href>`` of an HTML page, in page order."""
    sel = page.selector()
    base = page.base
    out = []
    for a in sel.css("a[href]"):
        url = resolve_href(a.attrib.get("href"), base)
        if url:
            text = " ".join(" ".join(a.css("::text").getall()).split())
            out.append((url, text or (a.attrib.get("title") or "").strip()))
    return out


def discover_html(adapter: Adapter, page: Page) -> Discovery:
    """The generic part, always on: every in-site link of the page (anchors, options, data
    attributes, inline scripts: ``scrapers.discovery.links``) that no trap rule ignores, sorted
    into articles, next pages and listings by the adapter's patterns (hints, not filters)."""
    from scrapers.discovery.links import page_links  # links.py reads Page from here
    host = url_host(page.url)
    sel = page.selector()
    next_urls: set[str] = set()
    if adapter.next_selector:
        base = page.base
        for href in sel.css(adapter.next_selector).xpath("@href").getall():
            url = resolve_href(href, base)
            if url:
                next_urls.add(adapter.canonicalize(url))
    articles: list[Target] = []
    listings: list[Target] = []
    next_pages: list[Target] = []
    links: list[str] = []
    sequence = page.sequence or adapter.canonicalize(page.url)
    for link in page_links(page):
        url, text = link.url, link.text
        links.append(url)
        if url_host(url) != host or ATTACHMENT_RE.search(url):
            continue
        canonical = adapter.canonicalize(url)
        if adapter.is_ignored(canonical):
            continue
        if adapter.is_article(canonical) or _headline(adapter, canonical, text):
            articles.append(Target(canonical, ARTICLE, aliases=(url,) if url != canonical else (), label=text))
        elif canonical in next_urls or (adapter.is_listing(canonical) and _is_pagination(text, canonical)):
            next_pages.append(Target(canonical, LISTING, sequence=sequence))
        else:
            # generic discovery is always on: every other in-site link is a candidate (the
            # page decides whether it is an article once fetched: scrapers.discovery.classify)
            listings.append(Target(canonical, LISTING, aliases=(url,) if url != canonical else ()))
    # merging with nothing drops duplicates (a headline and its "Đọc tiếp" link) and keeps aliases
    return merge(Discovery(tuple(articles), tuple(listings), tuple(next_pages), tuple(links)), Discovery())


#: link texts at least this long (words) behind a slug-like URL are article headlines (a hint)
HEADLINE_WORDS = 6
_SLUG_TAIL = re.compile(r"/[a-z0-9%]+(?:-[a-z0-9%]+){3,}(?:\.[a-z]{3,5})?/?(?:\?|$)", re.IGNORECASE)


def _headline(adapter: Adapter, url: str, text: str) -> bool:
    """A headline-length link text behind a slug-like URL (adapters that set ``headline_words``)."""
    words = adapter.extra.get("headline_words", HEADLINE_WORDS)
    return isinstance(words, int) and len(text.split()) >= words and bool(_SLUG_TAIL.search(url))


def _is_pagination(text: str, url: str) -> bool:
    """A link to another page of the listing the page belongs to."""
    return bool(NEXT_TEXT_RE.match(text.strip())) and bool(PAGE_URL_RE.search(url))


def patterns(*regexes: str) -> tuple[re.Pattern[str], ...]:
    """Compile a family's URL regexes (case-insensitive)."""
    return tuple(re.compile(p, re.IGNORECASE) for p in regexes)
