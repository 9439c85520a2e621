"""Vietnamese dates: day-first always, Asia/Ho_Chi_Minh, date-only when no time is shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scrapers.extract.dates import parse_date


@pytest.mark.parametrize(
    ("shown", "expected"),
    [
        ("Thứ Hai, 12/03/2024 - 09:15", "2024-03-12T09:15:00+07:00"),
        ("12/03/2024 09:15", "2024-03-12T09:15:00+07:00"),
        ("12-03-2024 09:15:00", "2024-03-12T09:15:00+07:00"),
        ("Cập nhật: 02-05-2024 08:50:00", "2024-05-02T08:50:00+07:00"),
        ("ngày 12 tháng 3 năm 2024", "2024-03-12"),
        ("Ngày 12 tháng 3 năm 2024 lúc 14:05", "2024-03-12T14:05:00+07:00"),
        ("19/09/2017", "2017-09-19"),
        ("02/05/2024", "2024-05-02"),  # 2 May, never 5 February
        ("09:15 12/03/2024", "2024-03-12T09:15:00+07:00"),
        ("9h15 ngày 12/3/2024", "2024-03-12T09:15:00+07:00"),
        ("12/03/2024 2:15 CH", "2024-03-12T14:15:00+07:00"),
        ("Chủ Nhật, 5/3/2023, 10:00 (GMT+7)", "2023-03-05T10:00:00+07:00"),
        ("12.03.2024", "2024-03-12"),
        ("2024-03-12T02:15:00Z", "2024-03-12T09:15:00+07:00"),
        ("2024-03-12T09:15:00+07:00", "2024-03-12T09:15:00+07:00"),
        ("2024-03-12 09:15:00", "2024-03-12T09:15:00+07:00"),
        ("2024-03-12", "2024-03-12"),
        ("/Date(1710209700000)/", "2024-03-12T09:15:00+07:00"),
        ("1710209700", "2024-03-12T09:15:00+07:00"),
        (1710209700, "2024-03-12T09:15:00+07:00"),
        (1710209700000, "2024-03-12T09:15:00+07:00"),
        (datetime(2024, 3, 12, 2, 15, tzinfo=UTC), "2024-03-12T09:15:00+07:00"),
    ],
)
def test_dates_as_portals_show_them(shown: object, expected: str) -> None:
    assert parse_date(shown) == expected


@pytest.mark.parametrize(
    "shown",
    ["05/13/2024", "31/02/2024", "Lượt xem: 1234", "", None, "12/03/1850", True, 0, "abc"],
)
def test_not_dates(shown: object) -> None:
    assert parse_date(shown) is None


def test_impossible_time_is_dropped_but_the_day_kept() -> None:
    assert parse_date("12/03/2024 25:70") == "2024-03-12"
