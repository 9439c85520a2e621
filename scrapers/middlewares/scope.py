"""Downloader middleware: no request leaves the network, redirects included.

The ``network`` spider checks scope before it yields a request; this middleware is the net
under it. It replaces Scrapy's ``OffsiteMiddleware`` (same place in the chain, before
robots.txt is fetched, so an out-of-network host never even gets a robots.txt request) and
catches what the spider cannot see: redirects to another host, and requests made by other
components. A spider without a ``scope`` attribute (``scrapers.portals.scope.Scope``) falls back
to Scrapy's own ``allowed_domains`` rule.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest

from scrapers.discovery.adapter import REQUISITE
from scrapers.page_context import context_of

logger = logging.getLogger(__name__)


class ScopeMiddleware(OffsiteMiddleware):
    """Refuse requests outside ``spider.scope``; count them as ``scope/rejected/<reason>``."""

    def process_request(self, request: Request) -> None:  # type: ignore[override]
        spider = self.crawler.spider
        scope = getattr(spider, "scope", None)
        if scope is None:
            return super().process_request(request)
        decision = scope.check(request.url, requisite=getattr(context_of(request), "kind", None) == REQUISITE)
        if decision.allowed:
            return None
        redirected = bool(request.meta.get("redirect_urls"))
        reason = f"redirect_{decision.reason}" if redirected else decision.reason
        self.stats.inc_value(f"scope/rejected/{reason}")
        logger.info("scope: refused %s (%s)", request.url, reason)
        raise IgnoreRequest(f"out of scope ({reason}): {request.url}")
