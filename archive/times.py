"""Time in the archive: the Vietnam time zone and 14-digit WARC/CDXJ timestamps.

Dates shown to people are Asia/Ho_Chi_Minh (day first); dates inside WARC records, CDXJ lines
and replay URLs are UTC ``YYYYMMDDhhmmss`` (14 digits, may be shortened to a prefix, as
Wayback URLs allow). This module is the one place that knows both.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

#: Vietnam's time zone (UTC+7, no daylight saving): every date shown to a user
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

TIMESTAMP_FORMAT = "%Y%m%d%H%M%S"
#: a (possibly shortened) 14-digit timestamp: at least the year
TIMESTAMP_RE = re.compile(r"^\d{4,14}$")
#: what pads a shortened timestamp to the first second it covers (month and day are 01)
_PAD = "0101000000"


def now_vn() -> datetime:
    """Now, in Vietnam's time zone."""
    return datetime.now(VN_TZ)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken as UTC, as WARC dates are."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def timestamp14(moment: datetime) -> str:
    """The 14-digit UTC timestamp (``YYYYMMDDhhmmss``) of ``moment`` (naive is UTC)."""
    return as_utc(moment).strftime(TIMESTAMP_FORMAT)


def parse_timestamp14(timestamp: str) -> datetime:
    """An aware UTC datetime from a 14-digit timestamp, or a shortened one (``2026``,
    ``202607``: the first second it covers); digits past the 14th are ignored.

    Raises ValueError, naming the timestamp, when it is not digits or not a valid date."""
    text = timestamp.strip()[:14]
    if not TIMESTAMP_RE.match(text):
        raise ValueError(f"timestamp {timestamp!r} is not YYYYMMDDhhmmss (at least the year)")
    padded = text + _PAD[len(text) - 4 :] if len(text) < 14 else text
    try:
        return datetime.strptime(padded, TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"timestamp {timestamp!r} is not a valid YYYYMMDDhhmmss date") from None
