"""Extraction health: per portal, the share of articles with a title, date, author, body.

``ArticlePipeline`` counts, per portal, ``extract/<site>/articles`` and
``extract/<site>/with_<field>`` in the crawl stats; :func:`portal_health` turns those counts
into fill rates and flags a portal whose date or body fill rate is below ``min_fill``
(setting ``EXTRACT_HEALTH_MIN_FILL``): a template changed and the archivist must look.

Drift: a profile is an accelerator checked against the generic path. On a sample of the
articles a profile extracts (the first of a portal, then every :data:`DRIFT_SAMPLE_EVERY`-th),
the pipeline also runs the generic path and counts ``extract/<site>/sampled`` and
``extract/<site>/drift_<field>`` for each field where the two disagree
(:func:`disagreements`); a portal where a field disagrees on more than
:data:`MAX_DRIFT_SHARE` of at least :data:`MIN_DRIFT_SAMPLE` sampled articles is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from archive.corpus.article import ExtractedArticle

from .agree import share_in, shingles

#: fields whose fill rate is reported
HEALTH_FIELDS = ("title", "date", "author", "body")
#: fields whose fill rate below the threshold flags a portal (pages may lack an author)
FLAGGING_FIELDS = ("date", "body")
DEFAULT_MIN_FILL = 0.8
#: fields compared between the profile and the generic path
DRIFT_FIELDS = ("title", "published", "author", "category", "body")
#: the profile's articles checked against the generic path: the first of a portal, then one in this many
DRIFT_SAMPLE_EVERY = 10
#: a field disagreeing on more than this share of the sampled articles is drift
MAX_DRIFT_SHARE = 0.5
#: fewer sampled articles than this say nothing about drift
MIN_DRIFT_SAMPLE = 3
#: two bodies agree when this share of each one's 4-word shingles is in the other
MIN_BODY_AGREEMENT = 0.8

_KEY = re.compile(r"^extract/(?P<site>[^/]+)/(?P<name>articles|sampled|with_[a-z_]+|drift_[a-z_]+)$")


def stats_key(site: str, name: str) -> str:
    return f"extract/{site}/{name}"


def article_counts(site: str, *, title: bool, date: bool, author: bool, body: bool) -> dict[str, int]:
    """The stats increments of one extracted article of ``site``."""
    counts = {stats_key(site, "articles"): 1}
    for name, present in (("title", title), ("date", date), ("author", author), ("body", body)):
        if present:
            counts[stats_key(site, f"with_{name}")] = 1
    return counts


def sampled_for_drift(articles_so_far: int) -> bool:
    """Whether a portal's article number ``articles_so_far`` (0 first) is checked for drift."""
    return articles_so_far % DRIFT_SAMPLE_EVERY == 0


def disagreements(profiled: ExtractedArticle, generic: ExtractedArticle) -> list[str]:
    """The fields (of :data:`DRIFT_FIELDS`) where the profile's article differs from the generic
    path's: a field both found, with other values (a field the profile does not cover is no
    drift), or a body the profile lost or took from elsewhere (compared by shingles)."""
    differ = []
    for name in DRIFT_FIELDS:
        mine, theirs = getattr(profiled, name), getattr(generic, name)
        if name == "body":
            a, b = shingles(mine or ""), shingles(theirs or "")
            if b and (share_in(a, b) < MIN_BODY_AGREEMENT or share_in(b, a) < MIN_BODY_AGREEMENT):
                differ.append(name)
        elif theirs and mine and mine.casefold() != theirs.casefold():
            differ.append(name)
    return differ


def drift_counts(site: str, differ: list[str]) -> dict[str, int]:
    """The stats increments of one article checked against the generic path."""
    counts = {stats_key(site, "sampled"): 1}
    for name in differ:
        counts[stats_key(site, f"drift_{name}")] = 1
    return counts


def portal_health(stats: Mapping[str, int], min_fill: float = DEFAULT_MIN_FILL) -> dict[str, dict[str, object]]:
    """``{site: {"articles": n, "fill": {field: rate}, "drift": {field: rate}, "flagged": bool,
    "reasons": [...]}}`` (``drift`` only for portals with sampled articles).

    Rates are rounded to 3 decimals; a portal with no article is not listed."""
    per_site: dict[str, dict[str, int]] = {}
    for key, value in stats.items():
        match = _KEY.match(key)
        if match:
            per_site.setdefault(match.group("site"), {})[match.group("name")] = int(value)
    report: dict[str, dict[str, object]] = {}
    for site in sorted(per_site):
        counts = per_site[site]
        total = counts.get("articles", 0)
        if total <= 0:
            continue
        fill = {name: round(counts.get(f"with_{name}", 0) / total, 3) for name in HEALTH_FIELDS}
        reasons = [
            f"{name} fill rate {fill[name]:.0%} is below {min_fill:.0%}"
            for name in FLAGGING_FIELDS
            if fill[name] < min_fill
        ]
        entry: dict[str, object] = {"articles": total, "fill": fill}
        sampled = counts.get("sampled", 0)
        if sampled > 0:
            drift = {name: round(counts.get(f"drift_{name}", 0) / sampled, 3) for name in DRIFT_FIELDS}
            entry["drift"] = drift
            if sampled >= MIN_DRIFT_SAMPLE:
                reasons += [
                    f"profile drift: {name} differs from the generic path on {rate:.0%} of {sampled} sampled articles"
                    for name, rate in drift.items()
                    if rate > MAX_DRIFT_SHARE
                ]
        entry["flagged"] = bool(reasons)
        entry["reasons"] = reasons
        report[site] = entry
    return report
