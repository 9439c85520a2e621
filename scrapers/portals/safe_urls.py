"""One safe way to turn what a page or a server wrote (href, src, action, option value,
Location, a JSON link) into an absolute URL: a malformed one (``http://[x``, a port above
65535 or not a number) is refused, never raised out of page processing or extraction.

Python's ``urljoin``/``urlsplit`` raise ``ValueError`` on such URLs, and ``.port`` raises
only when read, so a URL that joined fine can still break whoever reads its port later:
:func:`parse_url` reads every part once. The spider counts what it refused under
``scope/rejected/malformed_url`` (:func:`malformed_links`).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from urllib.parse import SplitResult, urljoin, urlsplit

from parsel import Selector

logger = logging.getLogger(__name__)

#: stats reason of a refused link (``scope/rejected/malformed_url``)
MALFORMED_URL = "malformed_url"
#: the attributes links are read from (every href, src, form action, option value)
LINK_ATTRIBUTES_XPATH = "//@href | //@src | //form/@action | //option/@value"
#: joined (base, link) pairs remembered (bounded: memory stays flat in long crawls)
JOIN_CACHE_SIZE = 16384


def parse_url(url: str) -> SplitResult | None:
    """The parts of ``url``, every one readable (host, port), or None when it is malformed."""
    try:
        parts = urlsplit(url)
        _ = parts.port, parts.hostname
    except ValueError:
        return None
    return parts


def is_well_formed(url: str) -> bool:
    return parse_url(url) is not None


def safe_join(base: str, link: str) -> str | None:
    """``urljoin(base, link)``, or None (logged) when the result is not a well-formed URL."""
    joined = _joined(base, link)
    if joined is None:
        logger.debug("malformed URL skipped: %r (on %s)", link[:200], base)
    return joined


@lru_cache(maxsize=JOIN_CACHE_SIZE)
def _joined(base: str, link: str) -> str | None:
    # a page's links are resolved by several readers (links, link blocks, requisites,
    # malformed links) and a portal's menus repeat on every page: resolved once
    try:
        joined = urljoin(base, link)
    except ValueError:
        return None
    return joined if parse_url(joined) is not None else None


def malformed_links(sel: Selector, base: str) -> list[str]:
    """The links of a page that are not well-formed URLs once resolved (each once)."""
    found: list[str] = []
    for raw in sel.xpath(LINK_ATTRIBUTES_XPATH).getall():
        link = raw.strip()
        if not link or ("[" not in link and ":" not in link):
            continue  # a relative path without brackets or colons joins to a well-formed URL
        if link.lower().startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
            continue
        if safe_join(base, link) is None and link not in found:
            found.append(link)
    return found
