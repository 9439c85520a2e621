"""An unreachable robots.txt means "disallow everything" (RFC 9309, section 2.3.1.4).

Scrapy's RobotsTxtMiddleware allows everything when robots.txt cannot be fetched (network
error) and parses a 5xx error page as if it were robots.txt (so allows everything too). The
standard says the opposite: when robots.txt is unreachable because of server or network
errors, a crawler MUST assume complete disallow. This middleware watches the final answer to
each portal's robots.txt request (after retries) and, when it is a 5xx or a download error,
refuses every other request to that portal for this crawl: ``IgnoreRequest`` whose message
starts like Scrapy's robots.txt refusals, so it is counted with them (``robots_denied``) and
in ``robotstxt/unreachable``. A portal that is down thus costs its robots.txt attempts only.
A later successful robots.txt answer (4xx included: "no robots.txt, all allowed") lifts it.

The refused requests are not lost: each is marked deferred (``host_pause.Deferral``), so the
scheduler keeps it for the next crawl of the portal. When the robots.txt request itself was
deferred (the portal paused beyond this crawl, ``PortalDeferred``), the portal's other
requests are deferred with it: nothing of a portal is fetched before its robots.txt is read.

In an incremental crawl a portal the registry state (``archive.control.registry_state``) had as
``down`` when the crawl started gets one attempt at its robots.txt, without retries
(``robotstxt/down_probe``): a portal down for weeks costs one request per re-crawl, not three,
and one that came back is crawled as usual.

``CONGAN_ROBOTS_UNREACHABLE_DISALLOW`` switches it off. It sits just after RobotsTxtMiddleware
(order 100), whose ``process_request`` waits for robots.txt before a page goes on.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from archive.control.registry_state import DOWN, RegistryState
from scrapers.config import crawl_config

from .host_pause import DEFER_META_KEY, Deferral, PortalDeferred, defer_request, deferral_of

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

#: begins like scrapy's own refusal, so per-portal stats count both as robots denials
MESSAGE = "Forbidden by robots.txt: unreachable ({reason}), so everything is disallowed (RFC 9309)"


def is_robots_request(request: Request) -> bool:
    return bool(request.meta.get("dont_obey_robotstxt")) and urlparse_cached(request).path == "/robots.txt"


class RobotsUnreachableMiddleware:
    def __init__(self, stats: StatsCollector | None, down: frozenset[str] = frozenset()) -> None:
        self.stats = stats
        self.down = down  # hosts down when the crawl started: one robots.txt attempt
        self.unreachable: dict[str, str] = {}  # netloc -> why
        self.deferred: dict[str, Deferral] = {}  # netloc -> its robots.txt request's deferral

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = crawl_config(crawler).politeness
        if not config.robots_obey or not config.robots_unreachable_disallow:
            raise NotConfigured
        whole = crawl_config(crawler)
        down: frozenset[str] = frozenset()
        if whole.incremental and whole.data.registry_db.exists():
            down = frozenset(p.domain for p in RegistryState.open(whole.data).all() if p.status == DOWN)
        return cls(crawler.stats, down)

    def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            if is_robots_request(request) and urlparse_cached(request).hostname in self.down:
                request.meta["dont_retry"] = True
                if self.stats is not None:
                    self.stats.inc_value("robotstxt/down_probe")
            return
        netloc = urlparse_cached(request).netloc
        deferral = self.deferred.get(netloc)
        if deferral is not None:
            raise defer_request(request, deferral)
        reason = self.unreachable.get(netloc)
        if reason is not None:
            request.meta[DEFER_META_KEY] = Deferral(until=time.time(), reason=f"robots.txt unreachable ({reason})")
            raise IgnoreRequest(MESSAGE.format(reason=reason))

    def process_response(self, request: Request, response: Response) -> Response:
        if is_robots_request(request):
            netloc = urlparse_cached(request).netloc
            if response.status >= 500:
                self._mark(netloc, f"HTTP {response.status}")
            else:
                self.unreachable.pop(netloc, None)
                self.deferred.pop(netloc, None)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if is_robots_request(request) and isinstance(exception, PortalDeferred):
            deferral = deferral_of(request) or Deferral(until=time.time(), reason=str(exception))
            self.deferred[urlparse_cached(request).netloc] = deferral
        elif is_robots_request(request) and not isinstance(exception, IgnoreRequest):
            self._mark(urlparse_cached(request).netloc, type(exception).__name__)

    def _mark(self, netloc: str, reason: str) -> None:
        if netloc not in self.unreachable:
            logger.info("robots.txt of %s unreachable (%s): nothing of it will be fetched", netloc, reason)
            if self.stats is not None:
                self.stats.inc_value("robotstxt/unreachable")
        self.unreachable[netloc] = reason
