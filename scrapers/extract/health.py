"""Extraction health: per portal, the share of articles with a title, date, author, body.

``ArticlePipeline`` counts, per portal, ``extract/<site>/articles`` and
``extract/<site>/with_<field>`` in the crawl stats; :func:`portal_health` turns those counts
into fill rates and flags a portal whose date or body fill rate is below ``min_fill``
(setting ``EXTRACT_HEALTH_MIN_FILL``): a template changed and the archivist must look.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: fields whose fill rate is reported
HEALTH_FIELDS = ("title", "date", "author", "body")
#: fields whose fill rate below the threshold flags a portal (pages may lack an author)
FLAGGING_FIELDS = ("date", "body")
DEFAULT_MIN_FILL = 0.8

_KEY = re.compile(r"^extract/(?P<site>[^/]+)/(?P<name>articles|with_[a-z_]+)$")


def stats_key(site: str, name: str) -> str:
    return f"extract/{site}/{name}"


def article_counts(site: str, *, title: bool, date: bool, author: bool, body: bool) -> dict[str, int]:
    """The stats increments of one extracted article of ``site``."""
    counts = {stats_key(site, "articles"): 1}
    for name, present in (("title", title), ("date", date), ("author", author), ("body", body)):
        if present:
            counts[stats_key(site, f"with_{name}")] = 1
    return counts


def portal_health(stats: Mapping[str, int], min_fill: float = DEFAULT_MIN_FILL) -> dict[str, dict[str, object]]:
    """``{site: {"articles": n, "fill": {field: rate}, "flagged": bool, "reasons": [...]}}``.

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
        report[site] = {"articles": total, "fill": fill, "flagged": bool(reasons), "reasons": reasons}
    return report
