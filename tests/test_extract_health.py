"""Extraction health in the crawl report: fill rates per portal, flags on dates and bodies."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from scrapers.extract import Profile, extract_article
from scrapers.extract.health import (
    MIN_DRIFT_SAMPLE,
    article_counts,
    disagreements,
    drift_counts,
    portal_health,
    sampled_for_drift,
)


def stats_of(site: str, articles: list[dict[str, bool]]) -> Counter:
    stats: Counter = Counter({"extract/articles": len(articles), "downloader/request_count": 99})
    for fields in articles:
        stats.update(article_counts(site, **fields))
    return stats


FULL = {"title": True, "date": True, "author": True, "body": True}


def test_healthy_portal_is_not_flagged_even_without_authors() -> None:
    stats = stats_of("congan.sonla.gov.vn", [FULL] * 8 + [dict(FULL, author=False)] * 12)
    report = portal_health(stats, 0.8)
    assert report["congan.sonla.gov.vn"] == {
        "articles": 20,
        "fill": {"title": 1.0, "date": 1.0, "author": 0.4, "body": 1.0},
        "flagged": False,
        "reasons": [],
    }


def test_a_template_change_that_loses_dates_flags_the_portal() -> None:
    broken = [dict(FULL, date=False)] * 3 + [FULL] * 7  # 70% dates
    no_body = [dict(FULL, body=False)] * 5 + [FULL] * 5
    stats = stats_of("congan.laocai.gov.vn", broken) + stats_of("congan.hanoi.gov.vn", no_body)
    report = portal_health(stats, 0.8)
    assert (
        report["congan.laocai.gov.vn"]["flagged"]
        and "date fill rate 70%" in report["congan.laocai.gov.vn"]["reasons"][0]
    )
    assert report["congan.hanoi.gov.vn"]["reasons"] == ["body fill rate 50% is below 80%"]
    # the threshold is a setting: at 0.6 the first portal passes
    assert not portal_health(stats, 0.6)["congan.laocai.gov.vn"]["flagged"]


def test_no_articles_no_entry_and_foreign_keys_ignored() -> None:
    assert portal_health({"extract/articles": 0, "extract/x/with_title": 3, "network/articles": 5}, 0.8) == {}


# -- drift: a profile checked against the generic path -----------------------------------

PAGE = (Path(__file__).parent / "data" / "extract" / "article_utf8.html").read_bytes()
PAGE_URL = "https://congan.laocai.gov.vn/tin-tuc/bat-giu-doi-tuong-123.html"


def drift_stats(profile: Profile, pages: int) -> Counter:
    stats: Counter = Counter()
    generic = extract_article(PAGE, PAGE_URL, profile="generic")
    for _ in range(pages):
        article = extract_article(PAGE, PAGE_URL, profile=profile)
        stats.update(article_counts(article.site, title=True, date=True, author=True, body=bool(article.body)))
        stats.update(drift_counts(article.site, disagreements(article, generic)))
    return stats


def test_a_profile_that_agrees_with_the_generic_path_shows_no_drift() -> None:
    good = Profile(name="good", title=("h1.title",), body=("div.content",), published=("div.post-date",))
    report = portal_health(drift_stats(good, 4))["congan.laocai.gov.vn"]
    assert report["drift"] == {"title": 0.0, "published": 0.0, "author": 0.0, "category": 0.0, "body": 0.0}
    assert report["flagged"] is False


def test_a_profile_whose_selectors_went_stale_shows_up_as_drift() -> None:
    # the template moved: the profile's body selector now lands on the related-articles box,
    # its title selector on the site banner
    stale = Profile(name="stale", title=("div.header",), body=("div.related",))
    report = portal_health(drift_stats(stale, 4))["congan.laocai.gov.vn"]
    assert report["drift"]["body"] == 1.0 and report["drift"]["title"] == 1.0
    assert report["flagged"] is True
    expected = "profile drift: body differs from the generic path on 100% of 4"
    assert any(r.startswith(expected) for r in report["reasons"])


def test_drift_needs_a_few_sampled_articles_and_samples_one_in_ten() -> None:
    stale = Profile(name="stale", body=("div.related",))
    report = portal_health(drift_stats(stale, MIN_DRIFT_SAMPLE - 1))["congan.laocai.gov.vn"]
    assert report["drift"]["body"] == 1.0 and report["flagged"] is False
    assert [n for n in range(25) if sampled_for_drift(n)] == [0, 10, 20]
