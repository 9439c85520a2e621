"""What a crawl tells ``archive.control.registry_state`` about the portals it visits.

A portal's start page decides its status: an answer of its own makes it *live*, a redirect
to another portal's domain makes it *redirecting* (the provinces absorbed in 2025 send
their visitors to the new unit's portal), a failure makes it *down*, and so does a start
page deferred to a later crawl (``PortalDeferred``: paused beyond the crawl by Retry-After,
backoff or an unreachable robots.txt; the lifecycle shows the deferred work). Failures of other pages
are kept as the portal's last error without changing its status. Each change goes to the
stats too (``network/portals_*``).

Only failures *of the portal itself* are recorded (``portal_fault``): a server error, a
timeout, a refused or reset connection. A ``304 Not Modified`` (the page is unchanged), a
robots.txt denial, a guessed address that does not exist and a missing page (``404``/``410``
of an article, listing or requisite: the portal answered) are counted in the stats only,
so that a healthy portal is never shown at risk (``archive.control.lifecycle``).
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from archive.control.registry_state import RegistryState
from scrapers.middlewares.host_pause import PortalDeferred
from scrapers.middlewares.robots_unreachable import MESSAGE as ROBOTS_UNREACHABLE_MESSAGE


def failure_text(value: BaseException) -> str:
    """A short name for what went wrong: ``HTTP 502``, ``DNSLookupError``..."""
    response = getattr(value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    return value.__class__.__name__


#: how ``scrapers.middlewares.robots_unreachable`` words its refusals: the portal's
#: robots.txt could not be fetched at all, which for a start page means the portal is down
UNREACHABLE_PREFIX = ROBOTS_UNREACHABLE_MESSAGE.split("{reason}", 1)[0]


def unreachable_reason(value: BaseException) -> str | None:
    """Why the portal is unreachable, when the request was refused for that reason."""
    text = str(value)
    if isinstance(value, IgnoreRequest) and text.startswith(UNREACHABLE_PREFIX):
        return text[len(UNREACHABLE_PREFIX):].split(")", 1)[0]
    return None


#: answers that say something of one page, not of the portal: unchanged, gone, not found
PAGE_STATUSES = frozenset({304, 400, 401, 403, 404, 410, 451})


def portal_fault(value: BaseException) -> bool:
    """A failure of the portal itself (5xx, 429, timeout, connection): what makes it at risk."""
    response = getattr(value, "response", None)
    return response is None or int(response.status) not in PAGE_STATUSES


def is_refusal(value: BaseException) -> bool:
    """A request this crawler chose not to send (robots.txt, scope): not the portal's fault."""
    return isinstance(value, IgnoreRequest) and not isinstance(value, HttpError)


class PortalWatch:
    def __init__(self, state: RegistryState, crawler: Any, crawl_id: str | None) -> None:
        self.state = state
        self.crawler = crawler  # its stats exist only once the crawl has started
        self.crawl_id = crawl_id or None

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def answered(self, site: str, status: int, url: str) -> None:
        self.state.record_live(site, crawl_id=self.crawl_id, evidence=f"{status} {url}")

    def moved(self, site: str, target_site: str, status: int, url: str, target_url: str) -> None:
        self.state.record_redirect(
            site, target_site, crawl_id=self.crawl_id, evidence=f"{status} {url} -> {target_url}"
        )
        self.stats.inc_value("network/portals_redirecting")

    def redirect_loop(self, site: str, url: str) -> None:
        self.state.record_error(site, f"redirect without end from {url}", crawl_id=self.crawl_id)
        self.stats.inc_value("network/seed_redirect_failed")

    def failed(
        self, site: str | None, kind: str | None, url: str, value: BaseException, *, start_page: bool,
        speculative: bool = False,
    ) -> None:
        unreachable = unreachable_reason(value)
        if unreachable is not None and start_page and site:
            self.state.record_down(site, f"robots.txt unreachable ({unreachable}) for {url}", crawl_id=self.crawl_id)
            self.stats.inc_value("network/portals_down")
            return
        if isinstance(value, PortalDeferred) and start_page and site:
            self.state.record_down(site, f"deferred to a later crawl ({value}) for {url}", crawl_id=self.crawl_id)
            self.stats.inc_value("network/portals_down")
            return
        if is_refusal(value):
            self.stats.inc_value(f"network/ignored/{kind}")
            return  # robots.txt denial or scope refusal: counted by their components
        if speculative:
            self.stats.inc_value("network/speculative_missing")
            return  # a guessed address (/sitemap.xml): its failure says nothing of the portal
        response = getattr(value, "response", None)
        if response is not None and int(response.status) == 304:
            if start_page and site:  # unchanged since the last crawl: the portal answered
                self.answered(site, 304, url)
            return
        if not start_page and not portal_fault(value):
            self.stats.inc_value(f"network/page_missing/{kind}")
            return  # the portal answered: this page is unchanged (304) or gone, the portal is fine
        self.stats.inc_value(f"network/failed/{kind}")
        if not site:
            return
        error = f"{failure_text(value)} on {url}"
        if start_page:
            self.state.record_down(site, error, crawl_id=self.crawl_id)
            self.stats.inc_value("network/portals_down")
        else:
            self.state.record_error(site, error, crawl_id=self.crawl_id)
