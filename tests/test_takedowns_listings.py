"""Listing membership and the judgement of articles gone from every listing (issue 15, item 1),
without a crawl: what a walk can judge when a listing watermark (the ``recrawl`` work) or a page
budget stops pagination early, a listing that slides (home page, feed), a portal that fetched
no listing page."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.corpus import CorpusStore
from archive.corpus.listings import ListingPage, ListingStore, horizon_of, page_id
from archive.corpus.vanished import finish_crawls
from tests.test_corpus_store import article, at, capture

SITE = "congan.laocai.gov.vn"
LISTING = f"https://{SITE}/tin-tuc"
DAY = 86400.0


def _url(n: int) -> str:
    return f"https://{SITE}/tin-tuc/bai-{n}.html"


def _published(n: int) -> str:
    return f"2024-01-{n:02d}T08:00:00+07:00"


def _page(n: int, items: list[int], next_pages: tuple[int, ...], crawl: str, when: str, listing: str = LISTING,
          after: float = 0.0) -> ListingPage:
    url = LISTING if n == 1 else f"{LISTING}?page={n}"
    return ListingPage(
        listing=listing, page=url, site=SITE, items=tuple(_url(i) for i in items),
        next=tuple(f"{LISTING}?page={p}" for p in next_pages), crawl=crawl, at=when, vanished_after=after,
    )


@pytest.fixture
def corpus(tmp_path: Path):
    """Articles 1..12, article n published on 2024-01-n."""
    with CorpusStore(tmp_path / "corpus") as store, ListingStore(tmp_path / "corpus") as listings:
        for n in range(1, 13):
            store.add(replace(article(title=f"Bài {n}", body=f"Nội dung {n}."), url=_url(n), fetched_url=_url(n),
                              published=_published(n)), capture(1, _url(n)), at(1))
        yield store, listings


def _crawl(listings: ListingStore, store: CorpusStore, crawl: str, when: str, pages: list[ListingPage]) -> None:
    for page in pages:
        listings.record(replace(page, crawl=crawl, at=when))
    finish_crawls(store, listings)


def _removed(store: CorpusStore) -> set[str]:
    return {store.get(ident).url for ident in store.removals()}


# A listing of 12 articles, newest first, 4 a page: page 1 = 12..9, page 2 = 8..5, page 3 = 4..1.
FULL = [(1, [12, 11, 10, 9], (2,)), (2, [8, 7, 6, 5], (3,)), (3, [4, 3, 2, 1], ())]


def _walk(rows: list, drop: int | None = None, stop_after: int = 3) -> list[ListingPage]:
    """Pages of the listing with ``drop`` gone from it (the rest move up), the walk stopped
    after page ``stop_after`` (a watermark or budget: its next page is not fetched)."""
    order = [n for n in range(12, 0, -1) if n != drop]
    pages = []
    for number in range(1, stop_after + 1):
        items = order[(number - 1) * 4: number * 4]
        if items:
            pages.append(_page(number, items, (number + 1,) if number * 4 < len(order) else (), "", ""))
    return pages


def test_an_article_missing_from_a_complete_walk_is_removed(corpus) -> None:
    store, listings = corpus
    _crawl(listings, store, "c1", "2024-04-01T00:00:00Z", _walk(FULL))
    _crawl(listings, store, "c2", "2024-04-02T00:00:00Z", _walk(FULL, drop=6))
    assert _removed(store) == {_url(6)}
    evidence = store.get(store.resolve_id(replace(article(), url=_url(6), fetched_url=_url(6)))).removal
    assert evidence is not None and evidence["reason"] == "vanished" and evidence["listings"] == [LISTING]
    assert evidence["last_seen_in_listing"] == "2024-04-01T00:00:00Z"
    assert evidence["first_missed"] == "2024-04-02T00:00:00Z"


def test_a_walk_cut_short_judges_only_what_its_last_page_covers(corpus) -> None:
    """A watermark stops the re-crawl after page 1: an article older than the newest item of
    the last page fetched may sit on the pages not fetched, so that walk does not judge it."""
    store, listings = corpus
    _crawl(listings, store, "c1", "2024-04-01T00:00:00Z", _walk(FULL))
    # article 3 left the listing too, but only page 1 was fetched: nothing says it is gone
    _crawl(listings, store, "c2", "2024-04-02T00:00:00Z", _walk(FULL, drop=3, stop_after=1))
    assert _removed(store) == set()
    # article 11 left it, and page 1 (12, 10, 9, 8) is fetched: the newest item of the last
    # page fetched is 12, article 11 is older: still not judged by a walk that stopped there
    _crawl(listings, store, "c3", "2024-04-03T00:00:00Z", _walk(FULL, drop=11, stop_after=1))
    assert _removed(store) == set()


def test_a_cut_walk_judges_articles_newer_than_its_last_pages_newest_item(corpus) -> None:
    store, listings = corpus
    _crawl(listings, store, "c1", "2024-04-01T00:00:00Z", _walk(FULL))
    # two pages fetched (12, 11, 10, 9 / 7, 6, 5, 4), page 3 not: article 8, newer than
    # page 2's newest item (7), would be on a page fetched: it is gone
    _crawl(listings, store, "c2", "2024-04-02T00:00:00Z", _walk(FULL, drop=8, stop_after=2))
    assert _removed(store) == {_url(8)}


def test_what_slides_off_the_end_of_a_short_listing_is_not_gone(corpus) -> None:
    """A home page shows the four newest: older ones leave it as new ones come."""
    store, listings = corpus
    home = f"https://{SITE}/"
    for crawl, when, items in (("c1", "2024-04-01T00:00:00Z", [8, 7, 6, 5]),
                               ("c2", "2024-04-02T00:00:00Z", [12, 11, 10, 9])):
        _crawl(listings, store, crawl, when, [replace(_page(1, items, (), "", ""), listing=home, page=home)])
    assert _removed(store) == set()


def test_missing_longer_than_the_setting_and_back_when_listed_again(corpus) -> None:
    store, listings = corpus
    pages = _walk(FULL)
    missing = [replace(p, vanished_after=DAY) for p in _walk(FULL, drop=6)]
    _crawl(listings, store, "c1", "2024-04-01T00:00:00Z", pages)
    _crawl(listings, store, "c2", "2024-04-02T00:00:00Z", missing)
    _crawl(listings, store, "c3", "2024-04-02T12:00:00Z", missing)  # missed for half a day
    assert _removed(store) == set()
    _crawl(listings, store, "c4", "2024-04-03T06:00:00Z", missing)  # a day and 6 hours
    assert _removed(store) == {_url(6)}
    _crawl(listings, store, "c5", "2024-04-04T00:00:00Z", pages)
    assert _removed(store) == set()
    kinds = [e.kind for e in store.events() if e.url == _url(6)]
    assert kinds == ["new", "removed", "restored"]


def test_a_capture_of_the_page_itself_does_not_restore_an_unlisted_article(corpus) -> None:
    store, listings = corpus
    _crawl(listings, store, "c1", "2024-04-01T00:00:00Z", _walk(FULL))
    _crawl(listings, store, "c2", "2024-04-02T00:00:00Z", _walk(FULL, drop=6))
    later = replace(article(title="Bài 6", body="Nội dung 6."), url=_url(6), fetched_url=_url(6),
                    published=_published(6))
    store.add(later, capture(9, _url(6)), datetime(2024, 5, 1, tzinfo=UTC))  # after it left the listings
    assert _removed(store) == {_url(6)}


def test_a_portal_that_served_no_listing_page_judges_nothing(corpus) -> None:
    store, listings = corpus
    _crawl(listings, store, "c1", "2024-04-01T00:00:00Z", _walk(FULL))
    _crawl(listings, store, "c2", "2024-04-05T00:00:00Z", [])  # down: no listing page served
    assert listings.unfinished() == [] and _removed(store) == set()


def test_horizon_of_a_complete_and_of_a_cut_walk() -> None:
    dates = {_url(n): _published(n)[:10] if n % 2 else _published(n) for n in range(1, 13)}
    complete = _walk(FULL)
    assert horizon_of(complete, dates.get) == "2024-01-01T23:59:59"  # its oldest item (a bare date: its end)
    cut = _walk(FULL, stop_after=2)
    assert horizon_of(cut, dates.get) == "2024-01-08T08:00:00"  # the newest item of page 2
    assert horizon_of(cut, {}.get) is None  # no dated item where it stopped: judges nothing
    postbacks = {page_id("https://a/x.aspx", [("__EVENTTARGET", p)]) for p in ("p2", "p3")}
    assert len(postbacks) == 2  # the pages of a postback listing share a URL, not an identity
