"""The answers that show a takedown, shared by the crawl (``scrapers.crawl.removals``) and
``congan reextract``, so that both record the same removals (``archive.corpus.removals``).

``LiveAnswers`` remembers when each portal last answered a request successfully (status
below 400); ``evidence_of`` looks at one answer: it notes a successful one, and returns the
evidence of a takedown (404/410, or a redirect to a page that is no article) only when the
portal answered successfully within ``LIVE_WITHIN`` before it. Whether the URL is an article of
the corpus is the store's to say (``CorpusStore.mark_removed``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from archive.corpus import CaptureRef
from archive.corpus.removals import LIVE_WITHIN, RemovalEvidence, gone_evidence, redirect_evidence
from archive.times import parse_timestamp14


@dataclass
class LiveAnswers:
    #: host -> 14-digit timestamp of its latest answer below 400
    last_ok: dict[str, str] = field(default_factory=dict)

    def note(self, url: str, status: int, timestamp: str) -> None:
        if 0 < status < 400:
            host = urlsplit(url).hostname or ""
            self.last_ok[host] = max(self.last_ok.get(host, ""), timestamp)

    def live_at(self, url: str, timestamp: str) -> bool:
        """Whether the portal of ``url`` answered successfully shortly before ``timestamp``."""
        seen = self.last_ok.get(urlsplit(url).hostname or "")
        if not seen:
            return False
        return parse_timestamp14(timestamp) - parse_timestamp14(seen) <= LIVE_WITHIN


def evidence_of(
    status: int, url: str, location: str | None, capture: CaptureRef, live: LiveAnswers
) -> RemovalEvidence | None:
    """The takedown evidence of one archived answer, or None (and a live portal noted)."""
    if status < 300 or status == 304:
        live.note(url, status, capture.timestamp)
        return None
    found = gone_evidence(status, url, capture)
    if found is None and location:
        found = redirect_evidence(status, url, location, capture)
    if found is None:
        live.note(url, status, capture.timestamp)
        return None
    return found if live.live_at(url, capture.timestamp) else None
