"""``OfflinePublicSuffixes``: Scrapy's cookie middleware never downloads the Public Suffix List.

``scrapy.downloadermiddlewares.cookies`` asks ``tldextract`` whether a cookie's domain is a
public suffix; by default ``tldextract`` fetches the list from the internet on first use (and
through ``http_proxy``, so a crawl of the simulated network would send it there). A crawler
that preserves a government web must not make requests nobody asked for, so this extension
points the middleware at the snapshot ``tldextract`` ships instead. It replaces a module-level
name of Scrapy's (``_split_domain``, through ``scrapers.compat``): if a Scrapy upgrade renames it, the extension logs a
warning and does nothing rather than fail the crawl.

Setting: ``CONGAN_PUBLIC_SUFFIX_OFFLINE`` (default True).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

from scrapers.compat import set_cookie_domain_splitter
from scrapers.config import crawl_config

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def use_bundled_suffix_list() -> bool:
    """Make Scrapy's cookie middleware use tldextract's bundled snapshot. True if done."""
    from tldextract import TLDExtract

    splitter = TLDExtract(
        cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True, include_psl_private_domains=True
    )
    if not set_cookie_domain_splitter(splitter):
        logger.warning("public suffixes: scrapy's cookie middleware changed; cannot pin the offline list")
        return False
    return True


class OfflinePublicSuffixes:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OfflinePublicSuffixes:
        if not crawl_config(crawler).public_suffix_offline:
            raise NotConfigured("CONGAN_PUBLIC_SUFFIX_OFFLINE is off")
        use_bundled_suffix_list()
        return cls()
