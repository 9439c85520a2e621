"""One article under two URLs without a canonical link (docs/corpus.md "One article, one
record"): same portal, same normalised title, same day, the same body."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable

from .article import ExtractedArticle, site_of
from .record import ArticleRecord, normalise

#: share of the shorter body's words found in the other for two pages to hold one article
SAME_BODY = 0.9


def same_body(first: str, second: str) -> bool:
    """Whether two bodies are one text: ``SAME_BODY`` of the shorter one's words (as a
    multiset) are in the other (a print view drops the byline, a page adds "In bài")."""
    a, b = Counter(normalise(first).lower().split()), Counter(normalise(second).lower().split())
    shorter = min(sum(a.values()), sum(b.values()))
    return shorter > 0 and sum((a & b).values()) >= SAME_BODY * shorter


def same_content(
    db: sqlite3.Connection, article: ExtractedArticle, get: Callable[[str], ArticleRecord | None]
) -> str | None:
    """The id of an article of the same portal with the same normalised title, the same
    publication day (or a day unknown on either side: print views often leave it out) and
    the same body (``SAME_BODY`` of the shorter body's words in the other: a print view
    without the byline, a trailing "In bài") (docs/corpus.md "One article, one record"):
    two URLs of one article that no canonical link ties together (Joomla ``Itemid``,
    print views, trailing parameters). A re-post (same text, another day) stays its own.
    The first article filed wins, so crawl and reextract, filing in one order, agree."""
    title = normalise(article.title)
    if not title or not normalise(article.body):
        return None
    day = (article.published or "")[:10]
    site = article.site or site_of(article.url)
    rows = db.execute(
        "SELECT t.id, a.published FROM titles t JOIN articles a ON a.id = t.id"
        " WHERE t.site = ? AND t.title = ? ORDER BY a.first_seen, t.id", (site, title),
    ).fetchall()
    for ident, published in rows:
        other = (published or "")[:10]
        if day and other and day != other:
            continue
        record = get(str(ident))
        if record is not None and same_body(article.body, record.body or ""):
            return str(ident)
    return None
