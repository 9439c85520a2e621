"""Extraction health in the crawl report: fill rates per portal, flags on dates and bodies."""

from __future__ import annotations

from collections import Counter

from scrapers.extract.health import article_counts, portal_health


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
