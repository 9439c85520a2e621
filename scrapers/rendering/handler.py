"""The spider's side of rendering: which pages go to the browser, and what comes back.

A page the spider fetched statically (archived as sent) whose HTML the detector flags
(``scrapers.rendering.detect``) is requested once more, through scrapy-playwright
(``meta["playwright"]``), within ``CONGAN_RENDER_MAX_PAGES_PER_SITE`` rendered pages per portal.
While it loads, every response the page gets is archived (``scrapers.rendering.capture``) and
JSON answers are searched for addresses (``scrapers.rendering.harvest``); once loaded, the
behaviours click "load more"/next controls (``scrapers.rendering.behaviours``). The page is
then closed and its rendered DOM, with the addresses harvested from JSON as ``<a href>``
markup, goes to the spider's ordinary discovery: the same scope, traps, budgets and
article-or-not decisions as any page.

The rendered response itself is not written to the WARC (it is the DOM, not what a server
sent: the WARC capture extension skips responses flagged ``playwright``); the browser's own
requests are. Counts: ``render/pages``, ``portal/<site>/rendered`` (the crawl report's
``rendered`` per portal), ``render/requests`` and ``portal/<site>/browser_requests`` (what the
browser asked the network for besides the page Scrapy requested: the report adds them to its
request total), ``render/skipped/budget``, ``render/skipped/adapter``, ``render/waiting`` (a page
read by its adapter waiting for the adapter's requests for it: ``scrapers.rendering.fallback``),
``render/failed``, ``render/clicks``, ``render/harvested``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from lxml import html as lxml_html
from lxml.etree import ParserError
from scrapy import Request

from scrapers.capture.warc_capture import ARTICLE_KIND, capture_extension
from scrapers.discovery.classify import LISTING, SHELL, classify_page
from scrapers.extract.jsonapi import GENERIC_JSON, load_json_article
from scrapers.families import GENERIC
from scrapers.page_context import META_KEY, PageContext
from scrapers.rendering.addon import ACTIVE, HANDLER, RenderConfig, context_kwargs
from scrapers.rendering.behaviours import run_behaviours
from scrapers.rendering.capture import BrowserCapture
from scrapers.rendering.detect import Detection, detect
from scrapers.rendering.fallback import AdapterFallback, WaitingPage, adapter_requests
from scrapers.rendering.harvest import Harvested, anchor_block, json_body_links
from scrapers.reporting.report import BROWSER_REQUESTS

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from archive.capture import StoredRecord
    from scrapers.discovery.adapter import Adapter, Page

logger = logging.getLogger(__name__)

#: the spider method scrapy-playwright calls with every browser response (by name: the
#: request stays serialisable for the durable frontier)
RESPONSE_HANDLER = "on_browser_response"
#: request.meta key: how many times rendering this page failed so far
META_ATTEMPT = "congan_render_attempt"
#: renders of a page tried again after a failure
RENDER_RETRIES = 1
#: JSON answers holding an article kept per rendered page (a shell article asks for one)
MAX_JSON_ARTICLES = 3
#: frontier priority of a render request: above the portal's static requests (priority 0), so
#: the browser works while the rest of the crawl goes on; at the bottom of the queue (as it
#: was) every render waited for its portal's last static page and lengthened the crawl's tail
RENDER_PRIORITY = 1
#: what a portal's download slot is suffixed with for its render requests: a render holds its
#: slot while the page loads and the behaviours run (seconds); in the portal's own slot (two
#: requests at a time) two renders stopped the portal's static crawl for that long
BROWSER_SLOT_SUFFIX = "#browser"
#: seconds a page still a script shell once settled is given more, and how often it is read
SHELL_GRACE_S = 10.0
SHELL_POLL_S = 0.5


@dataclasses.dataclass(frozen=True)
class JsonAnswer:
    """A JSON answer of the page's own host that holds one article (a title and a body under
    the common key names of news APIs), as archived by the browser capture."""

    url: str
    body: bytes
    content_type: str
    capture: StoredRecord | None


@dataclasses.dataclass
class PageState:
    """What one rendered page gathered while it was open."""

    site: str | None
    via: str
    responses: list[int] = dataclasses.field(default_factory=lambda: [0])
    harvested: dict[str, Harvested] = dataclasses.field(default_factory=dict)
    articles: list[JsonAnswer] = dataclasses.field(default_factory=list)
    #: response handlers still archiving or reading an answer of the page
    busy: int = 0


@dataclasses.dataclass(frozen=True)
class Rendered:
    """A rendered page for the spider: the markup its discovery reads (rendered DOM and
    harvested addresses), and the JSON answers that held an article."""

    html: str
    articles: tuple[JsonAnswer, ...] = ()
    #: the rendered DOM alone (``html`` without the harvested addresses)
    dom: str = ""


def nfc_words(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def json_article(body: bytes) -> bool:
    """Whether a JSON answer holds one article (title and body, generic key names)."""
    try:
        article = load_json_article(body.decode("utf-8-sig"), GENERIC_JSON)
    except (UnicodeDecodeError, ValueError):
        return False
    return article is not None and bool(article.get("title")) and bool(article.get("body_html"))


def browser_slot(url: str) -> str:
    """The download slot (and frontier queue) of a page's render request: the portal's host
    with ``BROWSER_SLOT_SUFFIX``, beside the slot of its static requests."""
    return f"{urlsplit(url).hostname or ''}{BROWSER_SLOT_SUFFIX}"


class Renderer:
    """Decides which pages are rendered and turns a rendered page into markup for discovery."""

    def __init__(self, config: RenderConfig, active: bool | None, crawler: Crawler | None,
                 site_of: Callable[[str], str]) -> None:
        self.config = config
        self._active = active
        self.crawler = crawler
        self.site_of = site_of
        self.user_agent = str(crawler.settings.get("USER_AGENT") or "") if crawler is not None else ""
        self.rendered: Counter[str] = Counter()
        self._requested: set[str] = set()
        self.fallback = AdapterFallback()
        self._pages: WeakKeyDictionary[Any, PageState] = WeakKeyDictionary()

    @classmethod
    def from_crawler(cls, crawler: Crawler, site_of: Callable[[str], str]) -> Renderer:
        settings = crawler.settings
        # Scrapy makes the spider before the add-ons ran: whether the handler is installed is
        # read at the first page (``active``)
        return cls(RenderConfig.from_settings(settings), None, crawler, site_of)

    @property
    def active(self) -> bool:
        """Rendering on: ``CONGAN_RENDER`` on and the add-on installed scrapy-playwright."""
        if self._active is None:
            settings = self.crawler.settings if self.crawler is not None else None
            self._active = settings is not None and (
                settings.getdict("DOWNLOAD_HANDLERS").get("http") == HANDLER or settings.getbool(ACTIVE))
        return bool(self._active) and self.config.enabled

    def _inc(self, stat: str, count: int = 1) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(stat, count)

    # -- which pages --------------------------------------------------------------------
    def wants(self, page: Page, site: str, adapter: Adapter, canonical: str, context: PageContext | None = None,
              *, article: bool = True) -> Detection | None:
        """The detection of a page to render now (None: not rendered: off, not flagged, already
        rendered in this crawl, the portal's budget spent, or read by its adapter: waiting for
        or settled by the adapter's own requests for the page, ``scrapers.rendering.fallback``)."""
        if not self.active or page.url in self._requested or page.status >= 300:
            return None
        found = detect(page.text, page.url, page.html_root())
        if not found.needs_rendering:
            return None
        requests = adapter_requests(adapter.discover(page), canonical) if adapter.name != GENERIC else set()
        if requests:
            decided = self.fallback.decide(WaitingPage(page.url, context, found, article, requests))
            if decided is not True:
                self._inc("render/skipped/adapter" if decided is False else "render/waiting")
                return None
        return self._within_budget(site, found)

    def _within_budget(self, site: str, found: Detection) -> Detection | None:
        limit = self.config.max_pages_per_site
        if limit and self.rendered[site] >= limit:
            self._inc("render/skipped/budget")
            return None
        return found

    def adapter_answered(self, url: str, site: str, content: bool) -> list[WaitingPage]:
        """An adapter request for ``site`` answered (``content``: it listed articles or held
        one): the pages waiting on it that are to be rendered now (their adapter got nothing)."""
        render, read = self.fallback.answered(url, content)
        if read:
            self._inc("render/skipped/adapter", read)
        return [page for page in render if page.context is not None and self._within_budget(site, page.found)]

    def request(self, url: str, context: PageContext, callback: Any, errback: Any, found: Detection, *,
                article: bool = True) -> Request:
        """The render request of a flagged page (same page context, no conditional request);
        ``article``: the page as served was filed as an article (if not, its rendered form
        may be one: ``shell_article``)."""
        self._requested.add(url)
        site = context.site or self.site_of(url)
        self.rendered[site] += 1
        self._inc("render/pages")
        self._inc(f"portal/{site}/rendered")
        for signal in found.signals:
            self._inc(f"render/signals/{signal}")
        logger.debug("rendering %s (%s)", url, ", ".join(found.signals))
        rendered = dataclasses.replace(context, conditional=False, capture=None, outlinks=[], aliases=(),
                                       not_article=not article)
        return Request(
            url, callback=callback, errback=errback, dont_filter=True, priority=RENDER_PRIORITY,
            meta={
                META_KEY: rendered,
                "playwright": True,
                "playwright_include_page": True,
                "playwright_context": "default",
                "playwright_context_kwargs": context_kwargs(self.user_agent),
                "playwright_page_event_handlers": {"response": RESPONSE_HANDLER},
                "playwright_page_goto_kwargs": {"wait_until": "load"},
                "dont_redirect": False,
                "download_slot": browser_slot(url),
            },
        )

    # -- while the page is open ---------------------------------------------------------
    def _state(self, page: Any) -> PageState:
        """What ``page`` gathered so far, kept on the page object itself (an ``id()`` of a
        closed page is given again to later objects: a table by id would hand a new page the
        answers of an old one)."""
        state = self._pages.get(page)
        if state is None:
            url = str(page.url)
            state = PageState(site=self.site_of(url) if url.startswith("http") else None, via=url)
            self._pages[page] = state
        return state

    async def on_response(self, response: Any) -> None:
        """scrapy-playwright's ``response`` event handler: archive it, harvest JSON answers
        (``PageState.busy`` while it runs: the page is not read before its answers are)."""
        try:
            page = response.frame.page
        except Exception:
            page = None
        state = self._state(page) if page is not None else PageState(site=self.site_of(str(response.url)), via="")
        if state.site is None:
            state.site = self.site_of(str(response.url))
        if not state.via.startswith(("http://", "https://")):
            state.via = str(response.url)
        state.responses[0] += 1
        state.busy += 1
        try:
            await self._take(response, state)
        finally:
            state.busy -= 1

    async def _take(self, response: Any, state: PageState) -> None:
        try:  # the page's own documents (and redirects to it): the spider's rendered response
            request = response.request
            own = bool(request.is_navigation_request() and request.frame.parent_frame is None)
        except Exception:
            own = False
        if not own or 300 <= int(response.status) < 400:
            # a request of the network Scrapy's downloader did not count: the page's scripts,
            # images, XHR, and redirects the browser followed to the page itself
            self._inc(BROWSER_REQUESTS)
            if state.site:
                self._inc(f"portal/{state.site}/browser_requests")
        capture = BrowserCapture(capture_extension(self.crawler) if self.crawler is not None else None,
                                 self.crawler.stats if self.crawler is not None else None)
        stored = await capture.record(response, state.site, state.via or None, count=not own)
        content_type = ""
        try:
            content_type = (await response.header_value("content-type") or "").lower()
        except Exception:
            return
        if "json" in content_type:
            try:
                body = await response.body()
            except Exception:
                return
            for link in json_body_links(body, str(response.url)):
                state.harvested.setdefault(link.url, link)
            if response.status == 200 and len(state.articles) < MAX_JSON_ARTICLES and json_article(body):
                state.articles.append(JsonAnswer(str(response.url).split("#", 1)[0], body, content_type, stored))

    # -- once loaded ----------------------------------------------------------------------
    async def finish(self, response: Response) -> Rendered:
        """Run the behaviours, read the rendered DOM and close the page; the markup the
        spider's discovery reads (rendered DOM + harvested JSON addresses) and the JSON
        answers that held an article."""
        page = response.meta.get("playwright_page")
        if page is None:
            return Rendered(response.text if hasattr(response, "text") else "")
        state = self._state(page)
        seen: dict[str, str] = {}
        try:
            result = await run_behaviours(page, self.config.clicks, state.responses, seen)
            self._inc("render/clicks", result.clicks)
            html = await self._filled(page, str(await page.content()), state)
        except Exception as exc:
            logger.warning("rendering %s stopped early: %s", response.url, exc)
            self._inc("render/failed")
            html = response.text if hasattr(response, "text") else ""
        finally:
            await self.close(page)
        links = [Harvested(url, text) for url, text in seen.items()]
        links += [h for h in state.harvested.values() if h.url not in seen]
        self._inc("render/harvested", len(links))
        markup = html.replace("</body>", anchor_block(links) + "</body>", 1) if "</body>" in html \
            else html + anchor_block(links)
        return Rendered(markup, tuple(state.articles), html)

    async def _filled(self, page: Any, html: str, state: PageState) -> str:
        """The rendered DOM once its scripts filled it in and its answers were taken: a page
        still a shell once settled (its API answers late on a loaded machine), or whose answers
        are still being archived and read, is read again for up to ``SHELL_GRACE_S``."""
        await asyncio.sleep(0)  # handlers of answers that came before the DOM was read start
        waited = 0.0
        while waited < SHELL_GRACE_S and (state.busy or (not state.articles and classify_page(html).kind == SHELL)):
            await asyncio.sleep(SHELL_POLL_S)
            waited += SHELL_POLL_S
            html = str(await page.content())
        if waited:
            self._inc("render/shell_waits")
        return html

    def shell_article(self, rendered: Rendered, url: str) -> JsonAnswer | None:
        """The article of a page that was no article as served (a script shell) and is one
        rendered: the JSON answer whose title the rendered page shows. Filed with that answer's
        capture (the browser archived it), so ``congan reextract`` finds the text again."""
        if not rendered.articles or not rendered.dom:
            return None
        verdict = classify_page(rendered.dom, url).kind
        if verdict == LISTING:
            return None
        if verdict == SHELL:
            # read before its script filled it in (a loaded machine): its one article answer is it
            if len(rendered.articles) == 1:
                self._inc("render/shell_articles")
                return rendered.articles[0]
            return None
        try:
            shown = nfc_words(lxml_html.document_fromstring(rendered.dom).text_content())
        except (ParserError, ValueError):
            return None
        for answer in rendered.articles:
            article = load_json_article(answer.body.decode("utf-8-sig", "replace"), GENERIC_JSON)
            title = nfc_words(str(article.get("title") or "")) if article is not None else ""
            if title and title in shown:
                self._inc("render/shell_articles")
                return answer
        return None

    def file_shell_article(self, answer: JsonAnswer, aliases: tuple[str, ...]) -> None:
        """Say in the WARC that the browser's JSON answer is an article, with the page's
        addresses, so ``congan reextract`` files it as the crawl did."""
        capture = capture_extension(self.crawler) if self.crawler is not None else None
        if capture is not None and answer.capture is not None:
            capture.write_outlinks(answer.capture, (), ARTICLE_KIND, aliases)

    async def close(self, page: Any) -> None:
        self._pages.pop(page, None)
        try:
            await page.close()
        except Exception:
            return

    async def failed(self, request: Request, error: Any) -> Request | None:
        """A render that failed (timeout, the browser closed by a stopping crawl): counted, and
        tried once more (the retry goes to the durable frontier, so a crawl stopped meanwhile
        renders the page when it resumes); the static page stays archived either way."""
        page = request.meta.get("playwright_page")
        if page is not None:
            await self.close(page)
        attempt = int(request.meta.get(META_ATTEMPT, 0))
        if attempt < RENDER_RETRIES:
            self._inc("render/retried")
            meta = {k: v for k, v in request.meta.items() if k != "playwright_page"}
            meta[META_ATTEMPT] = attempt + 1
            return request.replace(meta=meta, dont_filter=True)
        self._inc("render/failed")
        logger.warning("could not render %s: %s", request.url, error)
        return None
