"""Takedowns (SPEC §7 ``removed``/``removal``): when a live portal stopped serving an article.

An article is *removed* when its URL (or one of its aliases) answers 404 or 410, or redirects
to a page of the same portal that is no article (its home page, or a section above the
article's path). The rule is the same for the crawl (``scrapers.crawl.removals``) and for
``congan reextract``, which finds the same answers in the WARCs.

A portal that is down as a whole never removes anything: a removal needs the portal to have
answered another request successfully shortly before (``LIVE_WITHIN``), in the same crawl;
connection failures, 5xx and redirects to another domain are the portal's lifecycle
(``archive.control.lifecycle``), never an article's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

from .record import CaptureRef, RecordJson

#: ``removal.reason`` of an article gone from every listing of its live portal (``archive.corpus.vanished``)
VANISHED = "vanished"
#: statuses saying the article is gone
GONE_STATUSES = frozenset({404, 410})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: how recently the portal must have answered a request successfully for a removal to count
LIVE_WITHIN = timedelta(hours=6)
_INDEX_PAGES = ("index", "default", "home", "trang-chu")


@dataclass(frozen=True)
class RemovalEvidence:
    """What showed the article gone: the answer, and the capture that holds it."""

    reason: str  # "gone" (404/410) or "redirect" (to a page that is no article)
    status: int
    url: str  # the URL that was asked
    capture: CaptureRef  # the WARC record of the answer
    location: str | None = None  # where a redirect led

    def to_json(self) -> RecordJson:
        return {
            "reason": self.reason,
            "status": self.status,
            "url": self.url,
            "location": self.location,
            "capture": self.capture.to_json(),
        }

    def to_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False)


@dataclass(frozen=True)
class Removal:
    """The ``removed`` date (UTC, like ``first_seen``) and ``removal`` evidence of an article."""

    removed: str
    evidence: RecordJson

    @classmethod
    def from_row(cls, removed: str, evidence: str) -> Removal:
        data = json.loads(evidence)
        return cls(removed=removed, evidence=data if isinstance(data, dict) else {})


def is_non_article_target(article_url: str, location: str) -> bool:
    """Whether a redirect from ``article_url`` to ``location`` lands on a page that is no
    article of the same portal: its home page (``/``, ``/index.php``, ``/default.aspx``) or a
    section above the article (a path the article's path starts with)."""
    target = urlsplit(urljoin(article_url, location))
    origin = urlsplit(article_url)
    if (target.hostname or "").removeprefix("www.") != (origin.hostname or "").removeprefix("www."):
        return False  # another domain: the portal's lifecycle, not a takedown
    path = target.path.rstrip("/")
    last = path.rsplit("/", 1)[-1].split(".", 1)[0].lower()
    if not path or (path.count("/") == 1 and last in _INDEX_PAGES):
        return not target.query or "=" not in target.query
    article_path = origin.path.rstrip("/")
    return path != article_path and article_path.startswith(path + "/") and not target.query


def gone_evidence(status: int, url: str, capture: CaptureRef) -> RemovalEvidence | None:
    """Evidence of a takedown in one answer to ``url``; None when the status says nothing."""
    if status in GONE_STATUSES:
        return RemovalEvidence("gone", status, url, capture)
    return None


def redirect_evidence(status: int, url: str, location: str, capture: CaptureRef) -> RemovalEvidence | None:
    """Evidence of a takedown in a redirect of ``url`` to ``location`` (captured in ``capture``)."""
    if status in REDIRECT_STATUSES and is_non_article_target(url, location):
        return RemovalEvidence("redirect", status, url, capture, urljoin(url, location))
    return None


def removal_fields(removal: Removal | None) -> Mapping[str, object]:
    """The export fields of an article: ``removed`` and ``removal``."""
    if removal is None:
        return {"removed": None, "removal": None}
    return {"removed": removal.removed, "removal": removal.evidence}
