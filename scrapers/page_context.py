"""What the crawl knows about one page, carried by its request: ``PageContext`` under the one
meta key ``META_KEY`` (``request.meta["congan"]``), instead of loose ``congan_*`` keys.

The spider (and the revisit extension) fill in the plan when they make the request: the
portal (``site``), its CMS family (``adapter``, a ``scrapers.families`` name, so the request
stays serialisable for the durable frontier), the page kind, the hop path, depth, the page
that led here (``via``), the listing a page continues (``sequence``), the article's canonical
URL when the fetched URL does not say it (``canonical``), a postback's form fields
(``formdata``), whether it re-checks a known article (``revisit``) and whether a sitemap date
said it changed (``lastmod_claimed``). Components add what
they learn while the page is fetched and parsed: the WARC capture puts the ``StoredRecord``
of the response in ``capture``; the spider lists links it saw but does not follow
(``outlinks``) and, on articles, the other URLs the article was linked with (``aliases``).

Scrapy copies a request's meta when it retries or redirects it; the copy keeps the same
context, so what is learnt about the final response is what the spider and pipelines see.
Requests the spider did not make (robots.txt) get an empty context when a component needs one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

    from archive.capture import StoredRecord

#: the request.meta key of the page context
META_KEY = "congan"


@dataclass
class PageContext:
    site: str | None = None
    #: CMS family name (``scrapers.families``)
    adapter: str | None = None
    #: ``article``, ``listing``, ``api``, ``requisite``, ``sitemap``, ``feed``, ``seed``
    #: (``scrapers.discovery.adapter``); None for requests the spider did not make
    kind: str | None = None
    #: hop path, Heritrix style (``LLR``: link, link, redirect)
    hops: str = ""
    depth: int = 0
    via: str = ""
    sequence: str | None = None
    canonical: str | None = None
    formdata: tuple[tuple[str, str], ...] = ()
    #: a re-request of a known article at the end of an incremental crawl
    revisit: bool = False
    #: False: no conditional request (``If-None-Match`` / ``If-Modified-Since``) for this page
    conditional: bool = True
    #: a known article fetched because its sitemap ``<lastmod>`` says it changed since its
    #: capture (``scrapers.crawl.lastmod_check`` records whether it had)
    lastmod_claimed: bool = False
    # -- learnt while fetching and parsing ------------------------------------------------
    capture: StoredRecord | None = None
    outlinks: list[str] = field(default_factory=list)
    aliases: tuple[str, ...] = ()
    #: the spider parsed a page requested as an article and found none (the page decides:
    #: ``scrapers.discovery.classify``); the WARC says so (``congan-parsed-as: page``)
    not_article: bool = False


Carrier = Union["Request", "Response"]


def context_of(carrier: Carrier) -> PageContext | None:
    """The page context of a request or response (None when it has none)."""
    try:
        meta = carrier.meta
    except AttributeError:  # a response without a request
        return None
    found = meta.get(META_KEY)
    return found if isinstance(found, PageContext) else None


def ensure_context(carrier: Carrier) -> PageContext:
    """The page context of a request or response, an empty one attached when it has none."""
    found = context_of(carrier)
    if found is None:
        found = PageContext()
        carrier.meta[META_KEY] = found
    return found
