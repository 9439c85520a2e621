"""Every request a rendered page makes, into the WARC of the crawl, as Browsertrix records them.

The browser's responses (documents, XHR/fetch, scripts, CSS, images) arrive through
Playwright's ``page.on("response")``; each becomes an ordinary ``archive.capture.Exchange``
written by the crawl's one ``WarcWriter`` (the WARC capture extension's), so request/response
pairs, ``revisit`` records for payloads already archived, the digest index and the CDXJ are
those of any capture. Headers are taken with every value (``headers_array``).

Content codings. Playwright hands over bodies already decoded; a record that kept
``Content-Encoding: gzip`` over a decoded body would be unreadable. Such a response is stored
with the decoded body, its ``Content-Encoding`` and ``Content-Length`` headers renamed
``X-Archive-Orig-Content-Encoding`` / ``X-Archive-Orig-Content-Length`` (pywb's convention for
headers it changed) and the true ``Content-Length`` added.

``leaves_portal`` (scrapy-playwright's ``PLAYWRIGHT_ABORT_REQUEST``) keeps the browser on the
portal whose page it renders: requests to other hosts (social media, analytics, CDNs of other
sites) are aborted and counted, as the crawler never fetches out-of-network addresses.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from archive.capture import CapturedRequest, CapturedResponse, Exchange, Header

if TYPE_CHECKING:
    from archive.capture import StoredRecord
    from scrapers.capture.warc_capture import WarcCaptureExtension

logger = logging.getLogger(__name__)

RENAMED = {b"content-encoding": b"X-Archive-Orig-Content-Encoding", b"content-length": b"X-Archive-Orig-Content-Length"}
#: request headers meant for a proxy, not the origin: never in the request record
HOP_TO_PROXY = frozenset({b"proxy-authorization", b"proxy-connection"})
#: HTTP/2 pseudo-headers Chromium lists among the request headers; not header lines
PSEUDO = b":"
BROWSER_KIND = "rendered"


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def leaves_portal(request: Any) -> bool:
    """True for a browser request to abort: not http(s), or another host than the page's."""
    url = str(request.url)
    if url.startswith(("data:", "blob:")):
        return False
    if not url.startswith(("http://", "https://")):
        return True
    try:
        page_url = str(request.frame.page.url)
    except Exception:
        page_url = ""
    if not page_url.startswith(("http://", "https://")):
        return False  # the page's own navigation, which Scrapy's scope already allowed
    return _host(url) != _host(page_url)


def _pairs(items: list[dict[str, str]]) -> tuple[Header, ...]:
    pairs: list[Header] = []
    for item in items:
        name = item["name"].encode("latin-1", "replace")
        if name.startswith(PSEUDO) or name.lower() in HOP_TO_PROXY:
            continue
        pairs.append((name, item["value"].encode("latin-1", "replace")))
    return tuple(pairs)


def decoded_headers(headers: tuple[Header, ...], body: bytes) -> tuple[Header, ...]:
    """Response headers fit for a body the browser decoded: a content coding other than
    identity renames the coding and length headers and states the true length."""
    codings = [v.strip().lower() for k, v in headers if k.lower() == b"content-encoding"]
    if not codings or all(c in (b"", b"identity") for c in codings):
        return headers
    kept = tuple((RENAMED.get(k.lower(), k), v) for k, v in headers)
    return (*kept, (b"Content-Length", str(len(body)).encode()))


async def browser_exchange(response: Any, site: str | None, via: str | None) -> Exchange | None:
    """The Exchange of one Playwright response (None when it has no body to keep: a redirect
    the browser followed has one, a failed or aborted request none)."""
    request = response.request
    try:
        body = await response.body()
    except Exception:
        body = b""
        if not 300 <= response.status < 400:
            return None
    response_headers = _pairs(await response.headers_array())
    request_headers = _pairs(await request.headers_array())
    server = None
    try:
        address = await response.server_addr()
        server = address["ipAddress"] if address else None
    except Exception:
        server = None
    post = request.post_data_buffer or b""
    return Exchange(
        request=CapturedRequest(method=request.method, url=request.url.split("#", 1)[0], headers=request_headers,
                                body=post),
        response=CapturedResponse(status=response.status, reason=response.status_text or "",
                                  protocol="HTTP/1.1", headers=decoded_headers(response_headers, body), body=body),
        fetched_at=datetime.now(UTC),
        ip_address=server,
        site=site,
        page_kind=BROWSER_KIND if request.resource_type not in ("document",) else None,
        via=via,
    )


class BrowserCapture:
    """Writes the browser's responses with the crawl's WARC capture extension."""

    def __init__(self, capture: WarcCaptureExtension | None, stats: Any) -> None:
        self.capture = capture
        self.stats = stats

    async def record(self, response: Any, site: str | None, via: str | None, *, count: bool = True
                     ) -> StoredRecord | None:
        """Archive one browser response; ``count``: add it to the portal's answered pages
        (``portal/<site>/responses``), as for Scrapy's responses (not for the page's own
        document, which reaches the spider as the rendered response and is counted there)."""
        url = str(response.url)
        if not url.startswith(("http://", "https://")):
            return None
        try:
            exchange = await browser_exchange(response, site, via)
        except Exception as exc:
            logger.debug("browser response of %s not captured: %s", url, exc)
            self.stats.inc_value("render/capture_lost")
            return None
        if exchange is None:
            self.stats.inc_value("render/capture_empty")
            return None
        if count and site:
            self.stats.inc_value(f"portal/{site}/responses")
            self.stats.inc_value(f"portal/{site}/bytes", len(exchange.response.body))
            self.stats.inc_value(f"portal/{site}/status/{exchange.response.status}")
        capture = self.capture
        if capture is None:
            return None
        if capture.writer is None:
            capture.open()
        assert capture.writer is not None
        try:
            stored = capture.writer.write_exchange(exchange)
        except (OSError, ValueError) as exc:
            logger.error("could not archive browser response %s: %s", url, exc)
            self.stats.inc_value("warc/errors")
            return None
        self.stats.inc_value(f"warc/records/{stored.record_type}")
        self.stats.inc_value("warc/bytes", stored.length)
        self.stats.inc_value("render/captured")
        if site:
            self.stats.inc_value(f"portal/{site}/render_captured")
        return stored
