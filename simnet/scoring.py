"""Scoring a crawl's corpus against simnet truth (the generalisation benchmark and tests).

``score(records, truth)`` matches corpus records (dicts as in ``corpus/articles.jsonl``) to
truth articles by URL (canonical or any alias, session ids / tracking parameters removed) and
reports, per site: recall, duplicate records, and the share of found articles whose title,
published, author, category, images and attachments are exact and whose body token F1 >= 0.95.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .truth import TruthArticle

FIELDS = ("title", "published", "author", "category", "body", "images", "attachments")
BODY_F1 = 0.95
_VOLATILE = re.compile(r"(?:;jsessionid=[^/?&]*)|(?<=[?&])(?:utm_[a-z]+|sid|redirect)=[^&]*&?", re.IGNORECASE)


def url_key(url: str) -> str:
    """A URL for matching: scheme-less, session ids and tracking parameters removed."""
    return _VOLATILE.sub("", url.split("://", 1)[-1]).rstrip("?&")


def _text(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value or "")).split())


def token_f1(got: str, want: str) -> float:
    a, b = Counter(_text(got).lower().split()), Counter(_text(want).lower().split())
    if not a or not b:
        return float(a == b)
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def _urls(items: Iterable[Any]) -> frozenset[str]:
    return frozenset(url_key(i["url"] if isinstance(i, dict) else str(i)) for i in items or ())


def field_ok(name: str, record: dict[str, Any], truth: TruthArticle) -> bool:
    got, want = record.get(name), getattr(truth, name)
    if name == "body":
        return token_f1(got or "", want) >= BODY_F1
    if name in ("images", "attachments"):
        return _urls(got or ()) == _urls(want)
    if name == "published":
        return str(got or "")[:len(want)] == want and len(str(got or "")) in (len(want), len(want) + 3)
    return _text(got) == _text(want)


@dataclass
class SiteScore:
    site: str
    truth: int = 0
    found: int = 0
    records: int = 0
    duplicates: int = 0
    fields: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else 1.0

    def accuracy(self, name: str) -> float:
        return self.fields[name] / self.found if self.found else 0.0

    @property
    def fields_min(self) -> float:
        return min(self.accuracy(n) for n in FIELDS) if self.found else 0.0


def read_corpus(data_dir: Path) -> list[dict[str, Any]]:
    """The latest version of every record of ``DATA/corpus/articles.jsonl``."""
    path = data_dir / "corpus" / "articles.jsonl"
    latest: dict[str, dict[str, Any]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                latest[str(rec.get("id") or rec.get("url"))] = rec
    return list(latest.values())


def score(records: list[dict[str, Any]], truth: list[TruthArticle]) -> dict[str, SiteScore]:
    by_key: dict[str, TruthArticle] = {}
    scores: dict[str, SiteScore] = {}
    for t in truth:
        scores.setdefault(t.site, SiteScore(t.site)).truth += 1
        for url in (t.canonical_url, *t.aliases):
            by_key.setdefault(url_key(url), t)
    matched: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        keys = [url_key(u) for u in (rec.get("url", ""), *(rec.get("aliases") or ()))]
        hit = next((by_key[k] for k in keys if k in by_key), None)
        site = hit.site if hit else str(rec.get("site") or "")
        if site in scores:
            scores[site].records += 1
        if hit is not None:
            matched.setdefault(hit.canonical_url, []).append(rec)
    for t in truth:
        recs = matched.get(t.canonical_url)
        if not recs:
            continue
        s = scores[t.site]
        s.found += 1
        s.duplicates += len(recs) - 1
        for name in FIELDS:
            s.fields[name] += field_ok(name, recs[0], t)
    return scores
