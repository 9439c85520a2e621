"""Recurring crawls: named schedules with a cron expression, stored in ``DataDir.schedules_db``.

A schedule says *when* (a standard 5-field cron expression or ``@daily``-style alias,
validated with croniter, read in the schedule's time zone, Asia/Ho_Chi_Minh by default) and
*what* (portal domains, seed URLs, incremental or full mode, Scrapy/project setting
overrides). The scheduler (``archive.control.scheduler``) decides when a schedule is due with
:func:`due_slot` and claims the run with :meth:`ScheduleStore.claim`.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter
from croniter.croniter import CroniterError

from ..errors import UserInputError
from ..migrations import Migration, connect
from ..paths import DEFAULT_COLLECTION, DataDir

DEFAULT_TZ = "Asia/Ho_Chi_Minh"

#: schedule names: letters (Vietnamese included), digits, ``.``, ``_``, ``-``
NAME_RE = re.compile(r"^[\w.-]{1,64}$")
#: ``-s NAME=VALUE`` setting names: Scrapy's UPPER_SNAKE, as ``congan crawl -s`` wants them
SETTING_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
#: settings ``congan crawl`` takes from its own options, not from ``-s`` (the crawl runner
#: uses this table and :func:`parse_setting` too)
RESERVED_SETTINGS = {
    "CONGAN_DATA": "--data",
    "CONGAN_CRAWL_ID": "--crawl-id",
    "CONGAN_SEEDS": "SEED_URL arguments",
    "CONGAN_SITES": "--site",
    "CONGAN_COLLECTION": "--collection",
    "CONGAN_MAX_PAGES": "--max-pages",
}
COLLECTION_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

Clock = Callable[[], datetime]


class CrawlMode(StrEnum):
    INCREMENTAL = "incremental"  # conditional requests, revisits, listing watermarks
    FULL = "full"  # fetch everything again


MIGRATIONS = (
    Migration(
        1,
        "schedules",
        """
        CREATE TABLE schedules (
            name       TEXT PRIMARY KEY,
            cron       TEXT NOT NULL,
            tz         TEXT NOT NULL,
            sites      TEXT NOT NULL DEFAULT '[]',
            seeds      TEXT NOT NULL DEFAULT '[]',
            mode       TEXT NOT NULL,
            settings   TEXT NOT NULL DEFAULT '[]',
            paused     INTEGER NOT NULL DEFAULT 0,
            created    TEXT NOT NULL,
            anchor     TEXT NOT NULL,
            last_slot  TEXT,
            last_crawl TEXT
        )
        """,
    ),
    Migration(
        2,
        "collection and page cap",
        """
        ALTER TABLE schedules ADD COLUMN collection TEXT NOT NULL DEFAULT 'congan';
        ALTER TABLE schedules ADD COLUMN max_pages INTEGER NOT NULL DEFAULT 0
        """,
    ),
)


@dataclass(frozen=True)
class Schedule:
    name: str
    cron: str
    tz: str
    sites: tuple[str, ...]
    seeds: tuple[str, ...]
    mode: CrawlMode
    settings: tuple[tuple[str, str], ...]  # (NAME, VALUE) in the order given
    paused: bool
    created: datetime
    #: slots at or before this moment never fire (creation, or the last resume)
    anchor: datetime
    last_slot: datetime | None  # the cron slot of the last run started
    last_crawl: str | None  # crawl id of the last run started
    collection: str = DEFAULT_COLLECTION
    max_pages: int = 0  # 0: no cap

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def next_slot(self, now: datetime) -> datetime:
        """The first cron slot strictly after ``now``, in the schedule's time zone."""
        slot: datetime = croniter(self.cron, now.astimezone(self.zone)).get_next(datetime)
        return slot

    def to_json(self, now: datetime | None = None) -> dict[str, Any]:
        return {
            "name": self.name,
            "cron": self.cron,
            "tz": self.tz,
            "sites": list(self.sites),
            "seeds": list(self.seeds),
            "mode": str(self.mode),
            "settings": dict(self.settings),
            "collection": self.collection,
            "max_pages": self.max_pages,
            "paused": self.paused,
            "created": self.created.isoformat(),
            "last_slot": self.last_slot.isoformat() if self.last_slot else None,
            "last_crawl": self.last_crawl,
            "next_slot": None if self.paused or now is None else self.next_slot(now).isoformat(),
        }


def due_slot(schedule: Schedule, now: datetime) -> datetime | None:
    """The slot a run of ``schedule`` is due for at ``now``, or None.

    Only the latest slot at or before ``now`` counts: after any downtime a schedule runs
    once (catch-up), never once per missed slot. A slot is due when it is later than both
    the schedule's anchor (creation or resume) and the slot of its last run."""
    if schedule.paused:
        return None
    local_now = now.astimezone(schedule.zone)
    # croniter's get_prev is strictly before its start: start one second later so that a
    # slot falling exactly on ``now`` counts, then step back if that overshot ``now``.
    slot: datetime = croniter(schedule.cron, local_now + timedelta(seconds=1)).get_prev(datetime)
    if slot > local_now:
        slot = croniter(schedule.cron, slot).get_prev(datetime)
    if slot <= schedule.anchor:
        return None
    if schedule.last_slot is not None and slot <= schedule.last_slot:
        return None
    return slot


def validate_cron(expr: str) -> str:
    """The expression, trimmed, if it is a valid 5-field cron expression or alias."""
    expr = " ".join(expr.split())
    fields = expr.split(" ")
    if not expr or (not expr.startswith("@") and len(fields) != 5):
        raise UserInputError(
            f"invalid cron expression {expr!r}: give 5 fields 'minute hour day month weekday' "
            "(e.g. '0 2 * * *' for 02:00 every day) or @hourly/@daily/@weekly/@monthly"
        )
    try:
        croniter(expr)
    except (CroniterError, ValueError, KeyError) as exc:
        raise UserInputError(f"invalid cron expression {expr!r}: {exc}") from None
    return expr


def validate_tz(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserInputError(f"unknown time zone {name!r}; use an IANA name such as {DEFAULT_TZ}") from None
    return name


def parse_setting(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` -> (NAME, VALUE)."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not SETTING_RE.match(name):
        raise UserInputError(
            f"bad setting {text!r}: write -s NAME=VALUE with an upper-case name, e.g. -s DOWNLOAD_DELAY=2"
        )
    if name in RESERVED_SETTINGS:
        raise UserInputError(f"-s {name}: use {RESERVED_SETTINGS[name]} instead")
    return name, value


def validate_site(domain: str) -> str:
    site = domain.strip().lower().rstrip(".")
    if not DOMAIN_RE.match(site):
        raise UserInputError(f"bad site {domain!r}: give a portal domain such as congan.hanoi.gov.vn")
    return site


def validate_seed(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserInputError(f"bad seed URL {url!r}: give an absolute http(s) URL")
    return url.strip()


def validate_name(name: str) -> str:
    clean = unicodedata.normalize("NFC", name.strip())
    if not NAME_RE.match(clean):
        raise UserInputError(
            f"bad schedule name {name!r}: use 1-64 letters, digits, '.', '_' or '-'"
        )
    return clean


class ScheduleStore:
    """The schedules of one data directory."""

    def __init__(self, data_dir: DataDir, *, clock: Clock | None = None) -> None:
        self.data_dir = data_dir
        self._clock = clock or (lambda: datetime.now(ZoneInfo(DEFAULT_TZ)))

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        conn = connect(self.data_dir.schedules_db, MIGRATIONS)
        try:
            yield conn
        finally:
            conn.close()

    def add(
        self,
        name: str,
        cron: str,
        *,
        sites: Sequence[str] = (),
        seeds: Sequence[str] = (),
        mode: CrawlMode | str = CrawlMode.INCREMENTAL,
        settings: Sequence[str] = (),
        tz: str = DEFAULT_TZ,
        collection: str = DEFAULT_COLLECTION,
        max_pages: int = 0,
    ) -> Schedule:
        """Create a schedule; everything is validated before anything is stored."""
        name = validate_name(name)
        cron = validate_cron(cron)
        tz = validate_tz(tz)
        try:
            mode = CrawlMode(mode)
        except ValueError:
            raise UserInputError(f"bad mode {mode!r}: use incremental or full") from None
        site_list = [validate_site(s) for s in sites]
        seed_list = [validate_seed(s) for s in seeds]
        setting_list = [parse_setting(s) for s in settings]
        if not COLLECTION_RE.match(collection):
            raise UserInputError(f"bad collection {collection!r}: use letters, digits, '.', '_' or '-'")
        if max_pages < 0:
            raise UserInputError(f"bad page cap {max_pages}: give 0 (no cap) or more")
        now = self._clock().astimezone(ZoneInfo(tz)).isoformat()
        with self._db() as conn:
            try:
                conn.execute(
                    "INSERT INTO schedules (name, cron, tz, sites, seeds, mode, settings, created, anchor,"
                    " collection, max_pages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        name,
                        cron,
                        tz,
                        json.dumps(site_list),
                        json.dumps(seed_list, ensure_ascii=False),
                        mode.value,
                        json.dumps(setting_list, ensure_ascii=False),
                        now,
                        now,
                        collection,
                        int(max_pages),
                    ),
                )
            except sqlite3.IntegrityError:
                raise UserInputError(
                    f"a schedule named {name!r} exists; remove it first or choose another name"
                ) from None
        return self.get(name)

    def find(self, name: str) -> Schedule | None:
        with self._db() as conn:
            row = conn.execute(
                "SELECT * FROM schedules WHERE name = ?", (unicodedata.normalize("NFC", name),)
            ).fetchone()
        return None if row is None else _schedule(row)

    def get(self, name: str) -> Schedule:
        schedule = self.find(name)
        if schedule is None:
            raise UserInputError(f"no schedule named {name!r}; see `congan schedule list`")
        return schedule

    def list(self) -> list[Schedule]:
        if not self.data_dir.schedules_db.exists():
            return []
        with self._db() as conn:
            rows = conn.execute("SELECT * FROM schedules ORDER BY name").fetchall()
        return [_schedule(row) for row in rows]

    def remove(self, name: str) -> None:
        with self._db() as conn:
            cur = conn.execute("DELETE FROM schedules WHERE name = ?", (self.get(name).name,))
        if cur.rowcount == 0:
            raise UserInputError(f"no schedule named {name!r}; see `congan schedule list`")

    def pause(self, name: str) -> Schedule:
        with self._db() as conn:
            conn.execute("UPDATE schedules SET paused = 1 WHERE name = ?", (self.get(name).name,))
        return self.get(name)

    def resume(self, name: str) -> Schedule:
        """Un-pause. Slots missed while paused do not fire: the next run is the next slot."""
        schedule = self.get(name)
        if not schedule.paused:
            return schedule
        now = self._clock().astimezone(schedule.zone).isoformat()
        with self._db() as conn:
            conn.execute("UPDATE schedules SET paused = 0, anchor = ? WHERE name = ?", (now, schedule.name))
        return self.get(name)

    def claim(self, name: str, slot: datetime, crawl_id: str) -> bool:
        """Record that ``slot`` of schedule ``name`` runs as ``crawl_id``.

        Compare-and-set: True for exactly one caller per slot, even across processes."""
        with self._db() as conn:
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute(
                "SELECT last_slot, paused FROM schedules WHERE name = ?", (name,)
            ).fetchone()
            ok = (
                row is not None
                and not row["paused"]
                and (row["last_slot"] is None or datetime.fromisoformat(row["last_slot"]) < slot)
            )
            if ok:
                conn.execute(
                    "UPDATE schedules SET last_slot = ?, last_crawl = ? WHERE name = ?",
                    (slot.isoformat(), crawl_id, name),
                )
            conn.execute("COMMIT")
        return ok


def _schedule(row: sqlite3.Row) -> Schedule:
    return Schedule(
        name=row["name"],
        cron=row["cron"],
        tz=row["tz"],
        sites=tuple(json.loads(row["sites"])),
        seeds=tuple(json.loads(row["seeds"])),
        mode=CrawlMode(row["mode"]),
        settings=tuple((str(n), str(v)) for n, v in json.loads(row["settings"])),
        paused=bool(row["paused"]),
        created=datetime.fromisoformat(row["created"]),
        anchor=datetime.fromisoformat(row["anchor"]),
        last_slot=datetime.fromisoformat(row["last_slot"]) if row["last_slot"] else None,
        last_crawl=row["last_crawl"],
        collection=row["collection"],
        max_pages=int(row["max_pages"]),
    )
