"""Whether a script-driven page its adapter reads is rendered, decided by the adapter's own
requests for that page, never by the order pages arrive in.

A page the detector flags whose adapter reads what its scripts load (its discovery gives the
listing API or the JSON view of its article: ``scrapers.rendering.handler.read_by_adapter``)
is rendered only if the adapter's requests *for that page* got no content: an adapter whose
API paths a portal does not have (another installation, other parameters) must not leave the
portal's script-driven pages unread. So the page waits for the answers of those requests:
one with content (a listing API page or HTML fragment that listed articles, a JSON article)
settles it as read by the adapter (not rendered); when every one of them answered without
content (an error, an empty list) the page is rendered. An answer that came before the page settles it at
once. The same answers give the same decision whatever the timing, so an interrupted and
resumed crawl renders the same pages as one uninterrupted run.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from scrapers.discovery.adapter import API, article_read_elsewhere

if TYPE_CHECKING:
    from scrapers.discovery.adapter import Discovery


@dataclasses.dataclass
class WaitingPage:
    """A flagged page whose render waits for its adapter's requests."""

    url: str
    context: Any  # the page's PageContext (its render request carries it)
    found: Any  # the detector's Detection
    article: bool
    pending: set[str]
    settled: bool = False


class AdapterFallback:
    """The answers of adapter requests (URL -> whether it had content) and the pages waiting."""

    def __init__(self) -> None:
        self.answers: dict[str, bool] = {}
        self._waiting: dict[str, list[WaitingPage]] = {}

    def decide(self, page: WaitingPage) -> bool | None:
        """True: render the page now; False: its adapter reads it; None: it waits."""
        if any(self.answers.get(url) for url in page.pending):
            return False
        page.pending = {url for url in page.pending if url not in self.answers}
        if not page.pending:
            return True
        for url in page.pending:
            self._waiting.setdefault(url, []).append(page)
        return None

    def answered(self, url: str, content: bool) -> tuple[list[WaitingPage], int]:
        """An adapter request answered (``content``: articles or an article in it): the pages
        to render now, and how many waiting pages it settled as read by the adapter."""
        self.answers[url] = self.answers.get(url, False) or content
        render: list[WaitingPage] = []
        read = 0
        for page in self._waiting.pop(url, []):
            if page.settled:
                continue
            page.pending.discard(url)
            if content:
                page.settled = True
                read += 1
            elif not page.pending:
                page.settled = True
                render.append(page)
        return render, read

    def awaited(self, url: str) -> bool:
        return url in self._waiting

    @property
    def waiting(self) -> int:
        """Pages still waiting for an answer."""
        return len({id(p) for pages in self._waiting.values() for p in pages if not p.settled})


def adapter_requests(discovery: Discovery, canonical: str) -> set[str]:
    """The requests through which the adapter reads what the page's scripts load: the API
    targets its discovery of the page gives (a listing API it knows), and the page's own
    article under another address (``Target.canonical``: a JSON view of a script shell). A
    page with any is *read by its adapter*: rendered only if none of them gets content
    (``scrapers.rendering.fallback``); the browser would fetch the same answers again, and
    file the article twice."""
    targets = (*discovery.articles, *discovery.listings, *discovery.next_pages)
    return {t.url for t in targets if t.kind == API} | article_read_elsewhere(discovery, canonical)
