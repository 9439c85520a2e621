"""The change feed (SPEC §7, §8): new, changed, removed and restored articles over time.

The corpus store records one event per new article, new version, takedown and return
(``CorpusStore`` table ``events``), at the time of the capture that showed it, so the feed
of a rebuilt corpus (``congan reextract``) is the crawl's, event for event. Events are read
in (time, id, kind) order; ``since``/``until`` bound them (a day in Vietnam time, bounds
included), ``site`` picks one portal. The feed is written as JSON (``to_json``) or Atom 1.0
(``atom_feed``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from archive.times import VN_TZ

ChangeKind = Literal["new", "changed", "removed", "restored"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("new", "changed", "removed", "restored")
#: what the feed calls each kind, in Vietnamese (web page, Atom titles)
KIND_LABELS: dict[str, str] = {"new": "Bài mới", "changed": "Đã sửa", "removed": "Đã gỡ", "restored": "Đăng lại"}


@dataclass(frozen=True)
class ChangeEvent:
    """One event of one article: ``at`` is the UTC time of the capture that showed it."""

    id: str
    kind: ChangeKind
    at: str  # UTC, YYYY-MM-DDTHH:MM:SSZ
    site: str
    url: str
    version: int
    title: str | None
    #: replay path of the capture (the new version, or the answer that showed the takedown)
    replay_url: str
    #: takedown evidence (removed) or the takedown that ended (restored); else empty
    detail: dict[str, object]

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id, "kind": self.kind, "at": self.at, "site": self.site, "url": self.url,
            "version": self.version, "title": self.title, "replay_url": self.replay_url, "detail": self.detail,
        }

    @classmethod
    def from_row(cls, row: Sequence[object]) -> ChangeEvent:
        ident, kind, at, site, url, version, title, replay, detail = row
        return cls(
            id=str(ident), kind=_kind(str(kind)), at=str(at), site=str(site), url=str(url),
            version=int(str(version)), title=None if title is None else str(title), replay_url=str(replay),
            detail=json.loads(str(detail)),
        )


def _kind(value: str) -> ChangeKind:
    for kind in CHANGE_KINDS:
        if kind == value:
            return kind
    raise ValueError(f"unknown change kind {value!r}")


def day_bounds(since: date | None, until: date | None) -> tuple[str | None, str | None]:
    """UTC stamps bounding the Vietnam-time days ``since``..``until`` (both included): events
    at or after the first, strictly before the second."""
    def stamp(day: date) -> str:
        return datetime.combine(day, time(0, 0), tzinfo=VN_TZ).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (stamp(since) if since else None, stamp(until + timedelta(days=1)) if until else None)


def feed_json(events: Iterable[ChangeEvent]) -> str:
    """The feed as one JSON document (``{"changes": [...]}``), the bytes a rebuild reproduces."""
    return json.dumps({"changes": [e.to_json() for e in events]}, ensure_ascii=False, indent=1) + "\n"


def counts(events: Iterable[ChangeEvent]) -> dict[str, int]:
    found: dict[str, int] = dict.fromkeys(CHANGE_KINDS, 0)
    for event in events:
        found[event.kind] += 1
    return found


def atom_feed(events: Sequence[ChangeEvent], *, feed_url: str, article_base: str, replay_base: str) -> str:
    """An Atom 1.0 feed of ``events`` (newest first); entries link the article page and the capture."""
    newest = max((e.at for e in events), default="1970-01-01T00:00:00Z")
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">',
        f"<id>{escape(feed_url)}</id>",
        "<title>congan-archive: thay đổi trên các cổng thông tin công an</title>",
        f"<updated>{newest}</updated>",
        f"<link rel=\"self\" href={quoteattr(feed_url)}/>",
        "<author><name>congan-archive</name></author>",
    ]
    for event in sorted(events, key=lambda e: (e.at, e.id, e.kind), reverse=True):
        label = KIND_LABELS[event.kind]
        parts += [
            "<entry>",
            f"<id>urn:congan:{event.id}:{event.kind}:{event.at}</id>",
            f"<title>{escape(f'{label}: {event.title or event.url}')}</title>",
            f"<updated>{event.at}</updated>",
            f"<link href={quoteattr(f'{article_base}/articles/{event.id}')}/>",
            f"<link rel=\"related\" href={quoteattr(replay_base + event.replay_url)}/>",
            f"<category term=\"{event.kind}\" label={quoteattr(label)}/>",
            f"<category term={quoteattr(event.site)} scheme=\"site\"/>",
            f"<summary>{escape(f'{label} ({event.site}), phiên bản {event.version}: {event.url}')}</summary>",
            "</entry>",
        ]
    parts.append("</feed>")
    return "\n".join(parts) + "\n"
