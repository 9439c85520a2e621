"""How WARC files are named.

``<prefix>-<crawl_id>-<YYYYmmddHHMMSS>-<serial:05d>.warc.gz``: the prefix (setting
``WARC_PREFIX``, default ``congan``), the crawl id, the UTC time the file was opened and a
serial number counting the files of one writer from 00000. While a file is being written its
name ends in ``.warc.gz.open``; it is renamed when closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from archive.times import timestamp14

WARC_SUFFIX = ".warc.gz"
OPEN_SUFFIX = ".warc.gz.open"

_NAME_RX = re.compile(r"^(?P<prefix>[^-]+)-(?P<crawl>.+)-(?P<ts>\d{14})-(?P<serial>\d{5})\.warc\.gz$")
_PREFIX_RX = re.compile(r"[^A-Za-z0-9_.]+")
_CRAWL_RX = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class WarcName:
    prefix: str
    crawl_id: str
    opened: str  # 14-digit UTC timestamp
    serial: int

    @property
    def filename(self) -> str:
        return f"{self.prefix}-{self.crawl_id}-{self.opened}-{self.serial:05d}{WARC_SUFFIX}"

    @property
    def open_filename(self) -> str:
        return self.filename + ".open"


def safe_prefix(value: str) -> str:
    """A prefix made safe for a file name: letters, digits, '_' and '.', no '-'."""
    return _PREFIX_RX.sub("_", value).strip("_") or "congan"


def safe_crawl_id(value: str) -> str:
    """A crawl id made safe for a file name: letters, digits, '_', '.', '-'."""
    return _CRAWL_RX.sub("_", value).strip("_") or "crawl"


def make_name(prefix: str, crawl_id: str, opened: datetime, serial: int) -> WarcName:
    stamp = timestamp14(opened)
    return WarcName(safe_prefix(prefix), safe_crawl_id(crawl_id), stamp, serial)


def parse_name(filename: str) -> WarcName | None:
    """The parts of a closed WARC file name, or None if it does not follow the pattern.

    The prefix has no '-'; the crawl id may: the timestamp and serial anchor the split."""
    match = _NAME_RX.match(filename)
    if not match:
        return None
    return WarcName(match["prefix"], match["crawl"], match["ts"], int(match["serial"]))


def crawl_of(filename: str) -> str | None:
    """The crawl id in a closed WARC file name, or None if it does not follow the pattern."""
    parsed = parse_name(filename)
    return parsed.crawl_id if parsed else None
