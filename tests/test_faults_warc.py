"""Fault injection: damaged WARC files (zeroed ranges, bit flips, truncation, a foreign file in
``archive/``) under a copy of the simulated network's crawl.

Before ``archive.warc.resync``, zeroing 64 bytes a third of the way into the crawl's WARC made
``congan reextract`` exit 0 with 37 of 126 articles, ``index rebuild`` end in an
``ArchiveLoadFailed`` traceback, and ``warc verify`` advise cutting 78 % of the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from faults import (
    assert_no_traceback,
    assert_readable,
    congan,
    copy_data,
    exported_ids,
    flip_bits,
    warcs,
    zero_range,
)

ARTICLES = 126  # the simulated network's state 1 (simnet.truth)


@pytest.fixture
def damaged(network_crawl, tmp_path: Path) -> Path:
    """The crawl's data with 64 bytes zeroed a third of the way into its largest WARC."""
    data = copy_data(network_crawl.data_dir, tmp_path / "data")
    target = warcs(data)[-1]
    zero_range(target, target.stat().st_size // 3, 64)
    return data


def reextract_json(data: Path, *extra: str) -> tuple[int, dict]:
    run = congan(data, "reextract", "--json", *extra)
    assert_no_traceback(run)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    return run.returncode, (json.loads(lines[-1]) if lines else {"stderr": run.stderr})


def test_reextract_after_zeroed_bytes_keeps_every_intact_article_and_says_what_was_lost(damaged: Path) -> None:
    run = congan(damaged, "reextract")
    assert_no_traceback(run)
    assert "damaged: " in run.stderr and "record(s) lost" in run.stderr, run.stderr[-2000:]
    if run.returncode != 0:  # the damage hit an article: the smaller corpus needs --force
        assert "would shrink" in run.stderr and "--force" in run.stderr
        run = congan(damaged, "reextract", "--force")
        assert run.returncode == 0, run.output[-2000:]
    export = congan(damaged, "export")
    assert export.returncode == 0
    assert len(exported_ids(export)) >= ARTICLES - 1


def test_reextract_reports_the_damage_exactly(damaged: Path) -> None:
    code, stats = reextract_json(damaged, "--force")
    assert code == 0, stats
    target = warcs(damaged)[-1]
    third = target.stat().st_size // 3
    [damage] = stats["damage"]
    assert damage["file"] == target.name
    assert damage["start"] <= third and damage["end"] >= third + 64  # the whole damaged member
    assert damage["end"] - damage["start"] < 100_000  # and not everything after it
    assert damage["records_lost"] == stats["records_lost"] == 1
    assert stats["new"] >= ARTICLES - 1


def test_index_rebuild_reads_past_the_damage(damaged: Path) -> None:
    run = congan(damaged, "index", "rebuild")
    assert_no_traceback(run)
    assert "damaged: " in run.stderr
    if run.returncode != 0:
        assert "--force" in run.stderr
        run = congan(damaged, "index", "rebuild", "--force")
    assert run.returncode == 0, run.output[-2000:]
    target = warcs(damaged)[-1]  # the damaged file (the crawl may have rolled over to others)
    cdxj = damaged / "collections" / "congan" / "indexes" / (target.name.removesuffix(".warc.gz") + ".cdxj")
    lines = cdxj.read_text(encoding="utf-8").splitlines()
    offsets = [int(json.loads(line.split(" ", 2)[2])["offset"]) for line in lines]
    # not cut at the damage (a third of the way in): the records of the last third are indexed
    assert max(offsets) > 2 * target.stat().st_size // 3, (len(offsets), max(offsets), target.stat().st_size)


def test_verify_groups_problems_per_file_without_raw_bytes_and_repair_moves_the_damage_aside(damaged: Path) -> None:
    run = congan(damaged, "warc", "verify")
    assert run.returncode == 1
    assert_no_traceback(run)
    assert_readable(run.stdout)
    target = warcs(damaged)[-1]
    assert f"{target.name}: " in run.stdout and "problem(s)" in run.stdout
    assert "record(s) lost" in run.stdout and "side file" in run.stdout
    assert ".warc.gz.open" not in run.stdout  # no advice to cut the file at the damage
    size = target.stat().st_size
    repair = congan(damaged, "warc", "repair")
    assert repair.returncode == 0, repair.output
    side = target.with_name(target.name + ".damaged")
    assert side.exists() and 0 < side.stat().st_size < 100_000
    assert target.stat().st_size + side.stat().st_size == size  # nothing lost, nothing cut
    assert "reextract" in repair.stdout
    again = congan(damaged, "warc", "verify")
    assert again.returncode == 0, again.stdout[-2000:]  # what the moved records leave behind is noted
    assert "OK" in again.stdout.splitlines()[-1]
    code, stats = reextract_json(damaged, "--force")
    assert code == 0 and stats["new"] >= ARTICLES - 1 and not stats["damage"]


def test_bit_flips_lose_only_the_records_they_hit(network_crawl, tmp_path: Path) -> None:
    data = copy_data(network_crawl.data_dir, tmp_path / "data")
    target = warcs(data)[-1]
    flip_bits(target, 6, seed=17)
    code, stats = reextract_json(data, "--force")
    assert code == 0, stats
    assert 1 <= stats["records_lost"] <= 6
    assert stats["new"] >= ARTICLES - 6
    verify = congan(data, "warc", "verify", "--json")
    assert verify.returncode == 1
    assert_readable(verify.stdout)
    summary = json.loads(verify.stdout.splitlines()[-1])
    assert summary["records_lost"] == stats["records_lost"]


def test_a_truncated_file_keeps_everything_before_the_cut(network_crawl, tmp_path: Path) -> None:
    data = copy_data(network_crawl.data_dir, tmp_path / "data")
    target = warcs(data)[-1]
    target.write_bytes(target.read_bytes()[:-1500])
    verify = congan(data, "warc", "verify")
    assert verify.returncode == 1 and "torn or corrupt tail" in verify.stdout
    code, stats = reextract_json(data, "--force")
    assert code == 0 and stats["new"] >= ARTICLES - 1
    rebuild = congan(data, "index", "rebuild", "--force")
    assert rebuild.returncode == 0
    assert_no_traceback(rebuild)


def test_a_foreign_file_in_the_archive_directory_costs_nothing(network_crawl, tmp_path: Path) -> None:
    data = copy_data(network_crawl.data_dir, tmp_path / "data")
    archive = data / "collections" / "congan" / "archive"
    (archive / "ghi-chu.txt").write_text("ghi chú của người vận hành\n", encoding="utf-8")
    (archive / "congan-copy-20260101000000-00000.warc.gz").write_bytes(b"PK\x03\x04 not a warc" * 100)
    code, stats = reextract_json(data)
    assert code == 0, stats
    assert stats["new"] == ARTICLES
    verify = congan(data, "warc", "verify")
    assert verify.returncode == 1
    assert_readable(verify.stdout)
    assert "ghi-chu.txt" in verify.stdout and "not a WARC file" in verify.stdout
    assert "no WARC record at all" in verify.stdout
    for args in (("index", "rebuild"), ("export",), ("search", "công an")):
        run = congan(data, *args)
        assert run.returncode == 0, (args, run.output[-2000:])
        assert_no_traceback(run)
