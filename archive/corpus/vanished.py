"""Articles gone from every listing of their live portal (SPEC §7 ``removed``, reason ``vanished``).

When a crawl is finished (``finish_crawls``: at its end, and in ``congan reextract`` at the end
of its WARC files), its listing pages (``archive.corpus.listings``) become walks, and each
article of the portals it walked is judged:

- it must have been held by at least one listing page before; ``last_seen_in_listing`` is the
  last time one did;
- a walk of one of those listings that began after that *judges* the article only when the
  article was published after the walk's horizon: a walk cut short (a listing watermark, a
  page budget, a page not fetched) says nothing of articles older than the newest item of the
  page it stopped at, a complete walk nothing of articles older than its oldest item (what
  slides off a home page or a feed is not gone), and listing pages not fetched say nothing;
- the crawls whose walks judged it absent must span at least ``CONGAN_VANISHED_AFTER`` (the
  first such crawl to the latest, by the time each began walking one of those listings).

Then the article is ``removed`` since the first crawl that missed it, with the evidence
``{reason: "vanished", listings, last_seen_in_listing, first_missed, confirmed}``. Only pages
the portal served (2xx, on its own domain) are walks, so a portal that is down or moved
judges nothing. Articles without a publication date are never judged this way. A later
listing page holding the article again clears it (``restored``; the ``removed`` event stays);
a capture of the article's own page does not (it may well still answer, unlisted).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from . import ledger
from .listings import ListingStore, Walk, comparable
from .removals import VANISHED
from .store import CorpusStore

logger = logging.getLogger(__name__)


@dataclass
class VanishedCounts:
    removed: int = 0
    restored: int = 0


def _seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _published_lookup(store: CorpusStore) -> dict[str, str | None]:
    """Every address of the corpus (URLs and aliases) -> its article's publication date."""
    rows = store.db.execute(
        "SELECT x.alias, a.published FROM aliases x JOIN articles a ON a.id = x.id"
        " UNION ALL SELECT url, published FROM articles"
    )
    return dict(rows)


def finish_crawls(store: CorpusStore, listings: ListingStore) -> VanishedCounts:
    """Finish every crawl with listing pages not finished yet, oldest first, and judge the
    articles of the portals each walked."""
    counts = VanishedCounts()
    for crawl in listings.unfinished():
        dates = _published_lookup(store)
        walks = listings.finish(crawl, dates.get)
        judged = judge(store, listings, walks)
        listings.keep_only(set(_published_lookup(store)))
        counts.removed += judged.removed
        counts.restored += judged.restored
    return counts


def judge(store: CorpusStore, listings: ListingStore, walks: list[Walk]) -> VanishedCounts:
    """Mark or clear ``vanished`` removals of the articles of the portals of ``walks``."""
    counts = VanishedCounts()
    if not walks:
        return counts
    after = max(w.vanished_after for w in walks)
    for site in sorted({w.site for w in walks}):
        rows = store.db.execute(
            "SELECT a.id, a.url, a.published, r.removed, r.evidence FROM articles a"
            " LEFT JOIN removals r ON r.id = a.id WHERE a.site = ? ORDER BY a.id", (site,),
        ).fetchall()
        for ident, url, published, removed, evidence in rows:
            addresses = [url, *(r[0] for r in store.db.execute("SELECT alias FROM aliases WHERE id = ?", (ident,)))]
            held = listings.held(addresses)
            if not held:
                continue  # never seen in a listing: nothing to judge by
            last = max(held.values())
            if removed is not None:
                if VANISHED in (evidence or "") and last > removed:
                    record = store.get(ident)
                    if record is not None and ledger.restore_listed(store.db, record, last):
                        counts.restored += 1
                continue
            if not published:
                continue
            since = comparable(published, late=False)
            missed = [w for w in listings.walks(held, after=last) if w.horizon is not None and since > w.horizon]
            if not missed:
                continue
            by_crawl: dict[str, str] = {}
            for walk in missed:
                by_crawl[walk.crawl] = min(by_crawl.get(walk.crawl, walk.first_at), walk.first_at)
            first, latest = min(by_crawl.values()), max(by_crawl.values())
            if _seconds(latest) - _seconds(first) < after:
                continue
            record = store.get(ident)
            evidence_json: dict[str, object] = {
                "reason": VANISHED, "listings": sorted({w.first_page for w in missed}),
                "last_seen_in_listing": last, "first_missed": first, "confirmed": latest,
            }
            if record is not None and ledger.mark_vanished(store.db, record, first, evidence_json):
                counts.removed += 1
                logger.info("removed: %s gone from every listing of %s since %s", url, site, first)
    store.db.commit()
    return counts


def open_listings(store: CorpusStore) -> ListingStore:
    """The listing store beside a corpus."""
    return ListingStore(store.directory)
