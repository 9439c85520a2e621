"""Schedules: validation, due computation with a fixed clock, catch-up, pause/resume, claims."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from archive.control.schedules import MIGRATIONS, RESERVED_SETTINGS, CrawlMode, ScheduleStore, due_slot
from archive.errors import UserInputError
from archive.migrations import connect
from archive.paths import DataDir

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class FixedClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 7, 1, 10, 5, tzinfo=VN))


@pytest.fixture
def store(data_dir: Path, clock: FixedClock) -> ScheduleStore:
    return ScheduleStore(DataDir(data_dir), clock=clock)


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 7, day, hour, minute, tzinfo=VN)


def test_a_schedule_is_stored_with_what_and_when(store: ScheduleStore) -> None:
    added = store.add(
        "hàng-đêm",
        "0 2 * * *",
        sites=["Congan.HaNoi.gov.vn"],
        seeds=["https://congan.danang.gov.vn/"],
        mode="full",
        settings=["DOWNLOAD_DELAY=0", "CONGAN_CONTACT_URL=https://lưu-trữ.example/?a=b"],
        max_pages=5,
    )
    assert added.tz == "Asia/Ho_Chi_Minh" and added.mode is CrawlMode.FULL
    assert added.sites == ("congan.hanoi.gov.vn",)
    assert added.settings == (("DOWNLOAD_DELAY", "0"), ("CONGAN_CONTACT_URL", "https://lưu-trữ.example/?a=b"))
    assert added.max_pages == 5 and added.collection == "congan"
    assert [s.name for s in store.list()] == ["hàng-đêm"]
    assert store.get("hàng-đêm").to_json(at(12))["next_slot"] == "2026-07-02T02:00:00+07:00"
    store.remove("hàng-đêm")
    assert store.list() == []


@pytest.mark.parametrize(
    ("cron", "message"),
    [
        ("61 * * * *", "invalid cron expression"),
        ("* * *", "give 5 fields"),
        ("0 2 * * * *", "give 5 fields"),
        ("every day", "give 5 fields"),
        ("@sometimes", "invalid cron expression"),
        ("", "give 5 fields"),
    ],
)
def test_invalid_cron_expressions_are_refused(store: ScheduleStore, cron: str, message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        store.add("x", cron)
    assert store.list() == []


def test_other_bad_input_is_refused_before_anything_is_stored(store: ScheduleStore) -> None:
    with pytest.raises(UserInputError, match="bad mode"):
        store.add("x", "@daily", mode="partial")
    with pytest.raises(UserInputError, match="bad site"):
        store.add("x", "@daily", sites=["https://congan.hanoi.gov.vn/"])
    with pytest.raises(UserInputError, match="bad seed URL"):
        store.add("x", "@daily", seeds=["congan.hanoi.gov.vn"])
    with pytest.raises(UserInputError, match="-s NAME=VALUE"):
        store.add("x", "@daily", settings=["DOWNLOAD_DELAY"])
    with pytest.raises(UserInputError, match="upper-case name"):
        store.add("x", "@daily", settings=["download_delay=0"])
    with pytest.raises(UserInputError, match="-s CONGAN_MAX_PAGES: use --max-pages instead"):
        store.add("x", "@daily", settings=["CONGAN_MAX_PAGES=3"])
    with pytest.raises(UserInputError, match="bad collection"):
        store.add("x", "@daily", collection="a/b")
    with pytest.raises(UserInputError, match="unknown time zone"):
        store.add("x", "@daily", tz="Asia/Saigon_City")
    with pytest.raises(UserInputError, match="bad schedule name"):
        store.add("a b", "@daily")
    assert store.list() == []
    store.add("x", "@daily")
    with pytest.raises(UserInputError, match="exists"):
        store.add("x", "@hourly")
    with pytest.raises(UserInputError, match="no schedule named 'nope'"):
        store.remove("nope")


def test_due_only_from_the_first_slot_after_creation(store: ScheduleStore) -> None:
    schedule = store.add("hourly", "0 * * * *")  # created 10:05
    assert due_slot(schedule, at(10, 5)) is None  # the 10:00 slot was before creation
    assert due_slot(schedule, at(10, 59)) is None
    assert due_slot(schedule, at(11, 0)) == at(11)  # a slot exactly now counts
    assert due_slot(schedule, at(11, 40)) == at(11)


def test_catch_up_after_downtime_is_one_run_not_a_burst(store: ScheduleStore) -> None:
    store.add("hourly", "0 * * * *")
    assert store.claim("hourly", at(11), "c1")
    # the scheduler was down from 11:10 until 15:20: four slots missed, one run due
    schedule = store.get("hourly")
    assert due_slot(schedule, at(15, 20)) == at(15)
    assert store.claim("hourly", at(15), "c2")
    schedule = store.get("hourly")
    assert due_slot(schedule, at(15, 59)) is None
    assert schedule.last_slot == at(15) and schedule.last_crawl == "c2"


def test_a_slot_is_claimed_once(store: ScheduleStore) -> None:
    store.add("hourly", "0 * * * *")
    assert store.claim("hourly", at(11), "c1")
    assert not store.claim("hourly", at(11), "c2")  # a second scheduler, same slot
    assert not store.claim("hourly", at(10), "c3")  # an older slot
    assert store.get("hourly").last_crawl == "c1"


def test_paused_schedules_are_never_due_and_resume_skips_missed_slots(store: ScheduleStore, clock: FixedClock) -> None:
    store.add("hourly", "0 * * * *")
    store.pause("hourly")
    assert due_slot(store.get("hourly"), at(13, 30)) is None
    assert not store.claim("hourly", at(13), "c")
    clock.now = at(16, 10)
    resumed = store.resume("hourly")
    assert not resumed.paused
    assert due_slot(resumed, at(16, 30)) is None  # 16:00 was missed while paused
    assert due_slot(resumed, at(17, 0)) == at(17)


def test_cron_is_read_in_the_schedule_time_zone(store: ScheduleStore) -> None:
    schedule = store.add("nightly", "0 2 * * *")  # 02:00 in Hà Nội = 19:00 UTC the day before
    utc_now = datetime(2026, 7, 1, 19, 0, 30, tzinfo=UTC)
    assert due_slot(schedule, utc_now) == datetime(2026, 7, 2, 2, 0, tzinfo=VN)
    assert due_slot(schedule, utc_now - timedelta(minutes=1)) is None
    paris = store.add("paris", "0 2 * * *", tz="Europe/Paris")
    assert due_slot(paris, datetime(2026, 7, 2, 0, 0, 30, tzinfo=UTC)) is not None


def test_each_reserved_setting_points_to_an_option_congan_crawl_has() -> None:
    """``-s CONGAN_SITES=…`` is refused with "use --site instead": that option must exist."""
    from congan.cli.main import get_cli

    crawl = get_cli().commands["crawl"]
    options = {opt for param in crawl.params for opt in getattr(param, "opts", ())}
    suggested = {re.match(r"--[a-z-]+", hint).group(0) for hint in RESERVED_SETTINGS.values() if hint.startswith("--")}
    assert suggested and suggested <= options, suggested - options


def test_a_database_of_the_first_version_is_migrated(data_dir: Path, clock: FixedClock) -> None:
    data = DataDir(data_dir)
    conn = connect(data.schedules_db, MIGRATIONS[:1])  # as the first version left it
    conn.execute(
        "INSERT INTO schedules (name, cron, tz, mode, created, anchor) VALUES (?, ?, ?, ?, ?, ?)",
        ("old", "@daily", "Asia/Ho_Chi_Minh", "incremental", at(9).isoformat(), at(9).isoformat()),
    )
    conn.close()
    old = ScheduleStore(data, clock=clock).get("old")
    assert old.collection == "congan" and old.max_pages == 0
    conn = sqlite3.connect(data.schedules_db)
    assert [n for (n,) in conn.execute("SELECT number FROM _migrations ORDER BY number")] == [1, 2]
