"""Vietnamese publication dates, always day-first, always Asia/Ho_Chi_Minh.

``parse_date`` turns what a page or an API shows into ISO 8601 with ``+07:00``, or a bare
``YYYY-MM-DD`` when no time is shown. Accepted forms (with or without a weekday or a label
such as "Cập nhật:"):

- ``12/03/2024 09:15``, ``Thứ Hai, 12/03/2024 - 09:15``, ``12-03-2024 09:15:00``,
  ``12.03.2024``, ``09:15 12/03/2024``, ``9h15 ngày 12/3/2024``, ``12/03/2024 9:15 SA/CH``
- ``ngày 12 tháng 3 năm 2024`` (``lúc 09:15`` optional)
- ISO 8601 (``2024-03-12T09:15:00+07:00``, ``...Z`` converted to +07:00, naive = local)
- Unix time in seconds or milliseconds, and .NET ``/Date(1710209700000)/``

Never month-first: ``02/05/2024`` is 2 May; ``05/13/2024`` is no date at all.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone

from archive.times import VN_TZ as VIETNAM

#: Unix times above this are milliseconds (this many seconds is the year 5138)
MILLISECONDS_FROM = 10**11
#: years outside this range are not publication dates (IDs, phone numbers)
MIN_YEAR, MAX_YEAR = 1990, 2100

_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?![\d/.\-]*\d{4})(?!\d)")
_WORDS = re.compile(r"(?:ngày\s*)?(\d{1,2})\s*tháng\s*(\d{1,2})\s*(?:năm|,)?\s*(\d{4})", re.I)
_TIME = re.compile(
    r"(?<![\d/.\-])(\d{1,2})\s*(?::|h|giờ)\s*(\d{2})(?:\s*:\s*(\d{2}))?(?:\s*(?:phút))?"
    r"(?:\s*(SA|CH|AM|PM|sáng|chiều|tối)\b)?(?![\d/.\-])",
    re.I,
)
_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?\s*$"
)
_DOTNET = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")
_PM = {"ch", "pm", "chiều", "tối"}
_AM = {"sa", "am", "sáng"}


def format_local(moment: datetime) -> str:
    """``2024-03-12T09:15:00+07:00``: the moment in Vietnam time, to the second."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    local = moment.astimezone(VIETNAM).replace(microsecond=0)
    return local.isoformat()


def from_unix(value: float) -> str:
    if abs(value) >= MILLISECONDS_FROM:
        value = value / 1000
    return format_local(datetime.fromtimestamp(value, tz=UTC))


def parse_date(value: object) -> str | None:
    """The ISO form of a date shown on a page or sent by an API, or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return from_unix(value) if value > 0 else None
    if isinstance(value, datetime):
        return format_local(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit() and len(text) >= 9:
        return from_unix(int(text))
    dotnet = _DOTNET.search(text)
    if dotnet:
        return from_unix(int(dotnet.group(1)))
    iso = _parse_iso(text)
    if iso:
        return iso
    return _parse_shown(text)


def _parse_iso(text: str) -> str | None:
    match = _ISO.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        if hour is None:
            return _valid_date(int(year), int(month), int(day))
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        return None
    if zone:
        if zone == "Z":
            moment = moment.replace(tzinfo=UTC)
        else:
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            moment = moment.replace(tzinfo=timezone(sign * offset))
    return format_local(moment)


def _valid_date(year: int, month: int, day: int) -> str | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _parse_shown(text: str) -> str | None:
    """A date as people write it in Vietnam: day first, optional time anywhere near it."""
    found = None
    for pattern, order in ((_DMY, "dmy"), (_WORDS, "dmy"), (_YMD, "ymd")):
        match = pattern.search(text)
        if match:
            a, b, c = (int(g) for g in match.groups())
            day, month, year = (a, b, c) if order == "dmy" else (c, b, a)
            found = (_valid_date(year, month, day), match)
            break
    if found is None:
        return None
    day_iso, match = found
    if day_iso is None:
        return None
    rest = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    clock = _nearest_time(rest, match.start(), match.end())
    if clock is None:
        return day_iso
    moment = datetime.combine(date.fromisoformat(day_iso), clock, tzinfo=VIETNAM)
    return format_local(moment)


def _nearest_time(text: str, start: int, end: int) -> time | None:
    """The time of day written nearest to the date at ``start:end``."""
    best: tuple[int, time] | None = None
    for match in _TIME.finditer(text):
        hour, minute = int(match.group(1)), int(match.group(2))
        second = int(match.group(3) or 0)
        marker = (match.group(4) or "").lower()
        if marker in _PM and hour < 12:
            hour += 12
        elif marker in _AM and hour == 12:
            hour = 0
        if hour > 23 or minute > 59 or second > 59:
            continue
        distance = match.start() - end if match.start() >= end else start - match.end()
        if best is None or distance < best[0]:
            best = (distance, time(hour, minute, second))
    return best[1] if best else None
