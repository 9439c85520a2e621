"""Shared infrastructure of archive/: time stamps, atomic writes, the migrations runner."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.atomic import write_atomic, write_json_atomic
from archive.errors import DataDirError
from archive.migrations import Ledger, Migration, apply_migrations, recorded
from archive.times import VN_TZ, parse_timestamp14, timestamp14


def test_timestamps_are_utc_14_digits_and_shortened_ones_are_their_first_second() -> None:
    moment = datetime(2025, 7, 1, 8, 30, 5, tzinfo=VN_TZ)
    assert moment.utcoffset() == timedelta(hours=7)
    assert timestamp14(moment) == "20250701013005"
    assert timestamp14(datetime(2025, 7, 1, 1, 30, 5)) == "20250701013005"  # naive is UTC, as in WARC
    assert parse_timestamp14("20250701013005") == moment
    assert parse_timestamp14("2025") == datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_timestamp14("202507") == datetime(2025, 7, 1, tzinfo=UTC)
    for bad in ("", "20x5", "20251301000000", "12"):
        with pytest.raises(ValueError, match="timestamp"):
            parse_timestamp14(bad)


def test_an_atomic_write_replaces_the_whole_file_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "rules.json"
    write_json_atomic(target, {"tỉnh": "Hà Giang"})
    assert json.loads(target.read_text("utf-8")) == {"tỉnh": "Hà Giang"}
    assert "Hà Giang" in target.read_text("utf-8")  # diacritics kept, not escaped
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and [p.name for p in target.parent.iterdir()] == ["rules.json"]


def test_a_failed_atomic_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_atomic(target, "old")
    with pytest.raises(TypeError):
        write_json_atomic(target, {"not json": object()})
    assert target.read_text("utf-8") == "old" and len(list(tmp_path.iterdir())) == 1


MIGRATIONS = (Migration(1, "t", "CREATE TABLE t (a INTEGER)"), Migration(2, "t.b", "ALTER TABLE t ADD COLUMN b TEXT"))


def test_migrations_run_once_in_order_into_the_ledger_named(tmp_path: Path) -> None:
    ledger = Ledger(table="search_migrations", applied_column="applied_at", newer_hint="rebuild it")
    conn = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    assert apply_migrations(conn, MIGRATIONS[:1], ledger) == [1]
    assert apply_migrations(conn, MIGRATIONS, ledger) == [2]
    assert apply_migrations(conn, MIGRATIONS, ledger) == []
    assert recorded(conn, ledger) == [1, 2]
    conn.execute("INSERT INTO t (a, b) VALUES (1, 'x')")  # both migrations are in the schema
    assert next(row[0] for row in conn.execute("SELECT applied_at FROM search_migrations")).startswith("20")


def test_a_database_from_a_newer_version_is_refused_when_the_ledger_says_so(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    apply_migrations(conn, MIGRATIONS)  # the default ledger of the state databases
    with pytest.raises(DataDirError, match=r"upgrade congan.*migration 2"):
        apply_migrations(conn, MIGRATIONS[:1], Ledger(newer_hint="upgrade congan"))
    assert apply_migrations(conn, MIGRATIONS[:1]) == []  # without a hint: newer ones are left alone


def test_a_failing_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    broken = (Migration(1, "t", "CREATE TABLE t (a INTEGER); INSERT INTO nowhere VALUES (1)"),)
    with pytest.raises(sqlite3.OperationalError):
        apply_migrations(conn, broken)
    assert recorded(conn) == [] and conn.execute("SELECT name FROM sqlite_master WHERE name = 't'").fetchone() is None
