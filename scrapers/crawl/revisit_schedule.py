"""How often a re-crawl checks what it already has (SPEC §5 Incremental): the settings of
``RecrawlConfig`` and the plain functions that apply them, testable without a crawl.

Known articles. A listing that shows an archived article under a headline seen before does not
make the crawl fetch it again (``scrapers.crawl.watermarks``); the revisit at the end of the
crawl (``scrapers.crawl.revisit``) checks, conditionally, the articles that are *due*:

* published within ``CONGAN_REVISIT_FRESH_DAYS`` (7): every crawl;
* older: the wait between two checks doubles each time the age doubles: 1 day for an article 1-2
  weeks old, 2 days at 2-4 weeks, 4 days at 1-2 months... capped at
  ``CONGAN_REVISIT_MAX_INTERVAL_DAYS`` (180);
* whatever their age, those a listing page read again no longer lists (deleted, or pushed past the
  pages read), and all of them with ``CONGAN_REVISIT_MODE=full`` (``congan crawl --full-revisit``).

Page requisites (images, styles, scripts, documents) archived within
``CONGAN_REQUISITE_MAX_AGE_DAYS`` (30) are not fetched again when their capture has validators
(``ETag``/``Last-Modified``) or their URL looks immutable (a dated upload path, a content hash or
version in the name, a media or document file); after that age they are asked conditionally.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from scrapers.errors import ConfigError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

SCHEDULE = "schedule"
FULL = "full"
MODES = (SCHEDULE, FULL)

#: URLs whose content does not change under the same address: dated upload folders
#: (``/2024/03/``, ``/2024_03/``), a content hash or version in the name, media and documents
IMMUTABLE_RE = re.compile(
    r"(?:/(?:19|20)\d\d[/_-](?:0[1-9]|1[0-2])/|[._-][0-9a-f]{8,}\.|[?&](?:v|ver|version|hash)=[\w.-]+"
    r"|\.(?:jpe?g|png|gif|webp|svg|ico|bmp|tiff?|mp[34]|webm|woff2?|ttf|eot|pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|rar|7z)"
    r"(?:[?#]|$))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RecrawlConfig:
    #: ``schedule`` (age-dependent revisits) or ``full`` (every known article, every re-crawl)
    revisit_mode: str = SCHEDULE
    fresh_days: float = 7.0
    max_interval_days: float = 180.0
    requisite_max_age_days: float = 30.0

    @property
    def full(self) -> bool:
        return self.revisit_mode == FULL

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> RecrawlConfig:
        mode = str(settings.get("CONGAN_REVISIT_MODE") or SCHEDULE).strip().lower()
        if mode not in MODES:
            raise ConfigError(f"CONGAN_REVISIT_MODE must be one of {', '.join(MODES)}, not {mode!r}")
        values = {}
        for name, field in (
            ("CONGAN_REVISIT_FRESH_DAYS", "fresh_days"),
            ("CONGAN_REVISIT_MAX_INTERVAL_DAYS", "max_interval_days"),
            ("CONGAN_REQUISITE_MAX_AGE_DAYS", "requisite_max_age_days"),
        ):
            raw = settings.get(name)
            try:
                value = float(raw) if raw not in (None, "") else getattr(cls, field)
            except (TypeError, ValueError):
                raise ConfigError(f"{name} must be a number of days, not {raw!r}") from None
            if value < 0:
                raise ConfigError(f"{name} must be 0 or more days, not {value}")
            values[field] = value
        return cls(revisit_mode=mode, **values)


def revisit_interval(age: timedelta, config: RecrawlConfig) -> timedelta:
    """The wait between two checks of an article this old: none while it is fresh, then one
    day, doubling each time the age doubles, capped."""
    fresh = timedelta(days=config.fresh_days)
    if age <= fresh or config.fresh_days <= 0:
        return timedelta(0)
    doublings = math.floor(math.log2(age / fresh))
    return timedelta(days=min(config.max_interval_days, float(2**doublings)))


def revisit_due(published: datetime | None, last_checked: datetime | None, now: datetime,
                config: RecrawlConfig) -> bool:
    """Whether an article published then and last fetched then is checked by this crawl."""
    if config.full or last_checked is None or published is None:
        return True
    return now - last_checked >= revisit_interval(now - published, config)


def parse_instant(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time (``published``, a WARC date) as an aware datetime."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            day = date.fromisoformat(text[:10])
        except ValueError:
            return None
        parsed = datetime(day.year, day.month, day.day)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def immutable_url(url: str) -> bool:
    return bool(IMMUTABLE_RE.search(url))
