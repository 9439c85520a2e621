"""Access rules: what a takedown hides from search and export, the ACL replay gets, and
`congan access`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.access import AccessRules
from archive.errors import DataDirError, UserInputError
from archive.paths import DataDir
from archive.replay.config import acl_path, acl_text
from congan.cli.main import get_cli

ARTICLE = "https://congan.hanoi.gov.vn/tin-tuc/vu-an-lua-dao.html"


def _rules(tmp_path: Path, *adds: dict) -> AccessRules:
    rules = AccessRules.load(DataDir(tmp_path))
    for add in adds:
        rules, _ = rules.add(**add)
    return rules


def test_no_rules_allows_everything(tmp_path: Path) -> None:
    rules = AccessRules.load(DataDir(tmp_path))
    assert len(rules) == 0 and rules.allows(ARTICLE) and rules.allows(ARTICLE, "20250101000000")


def test_exact_rule_matches_the_url_whatever_its_scheme_or_www(tmp_path: Path) -> None:
    rules = _rules(tmp_path, {"target": ARTICLE})
    assert not rules.allows(ARTICLE)
    assert not rules.allows("http://www.congan.hanoi.gov.vn/tin-tuc/vu-an-lua-dao.html")
    assert rules.allows("https://congan.hanoi.gov.vn/tin-tuc/vu-an-lua-dao.html?page=2")
    assert rules.allows("https://congan.hanoi.gov.vn/tin-tuc/khac.html")


def test_prefix_rule_covers_what_starts_with_it_and_bare_host_covers_portal(tmp_path: Path) -> None:
    rules = _rules(tmp_path, {"target": "congan.hanoi.gov.vn/tin-tuc/", "prefix": True, "kind": "block"})
    assert not rules.allows(ARTICLE)
    assert not rules.allows("https://congan.hanoi.gov.vn/tin-tuc")
    assert rules.allows("https://congan.hanoi.gov.vn/gioi-thieu.html")
    portal = _rules(tmp_path, {"target": "congan.laocai.gov.vn", "prefix": True})
    assert not portal.allows("http://congan.laocai.gov.vn/any/page?id=1")
    assert portal.allows("http://congan.laichau.gov.vn/")


def test_most_specific_rule_decides(tmp_path: Path) -> None:
    # pywb applies one rule per URL, the most specific: a dated exact rule outside its
    # range lets the capture through even under an undated prefix rule.
    rules = _rules(
        tmp_path,
        {"target": "congan.hanoi.gov.vn/tin-tuc/", "prefix": True},
        {"target": ARTICLE, "since": "2025-07-01"},
    )
    assert rules.allows(ARTICLE, "20250601000000")
    assert not rules.allows(ARTICLE, "20250701000000")
    assert not rules.allows("https://congan.hanoi.gov.vn/tin-tuc/khac.html", "20250601000000")


def test_date_range_is_inclusive_days_in_vietnam_time(tmp_path: Path) -> None:
    rules = _rules(tmp_path, {"target": ARTICLE, "since": "01/07/2025", "until": "31/07/2025"})
    # 1 July 00:00 +07:00 is 30 June 17:00 UTC; 31 July ends at 31 July 17:00 UTC
    assert rules.allows(ARTICLE, "20250630165959")
    assert not rules.allows(ARTICLE, "20250630170000")
    assert not rules.allows(ARTICLE, "2025-07-31T23:59:59+07:00")
    assert rules.allows(ARTICLE, "20250731170000")
    assert rules.allows(ARTICLE, datetime(2025, 8, 1, tzinfo=UTC))
    assert not rules.allows(ARTICLE, datetime(2025, 7, 15))  # naive: UTC, like WARC dates
    assert not rules.allows(ARTICLE, None)  # unknown time: hidden, to be safe


def test_adding_the_same_target_replaces_the_rule(tmp_path: Path) -> None:
    rules = _rules(
        tmp_path,
        {"target": ARTICLE, "kind": "block"},
        {"target": "http://congan.hanoi.gov.vn/tin-tuc/vu-an-lua-dao.html", "kind": "exclude"},
    )
    assert [(r.id, r.kind) for r in rules] == [(1, "exclude")]


def test_rules_survive_a_round_trip_with_diacritics(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    rules = _rules(tmp_path, {"target": ARTICLE, "reason": "Yêu cầu gỡ bỏ của Công an tỉnh"})
    rules.save()
    text = data.access_rules.read_text(encoding="utf-8")
    assert "Yêu cầu gỡ bỏ của Công an tỉnh" in text
    assert AccessRules.load(data).rules == rules.rules


@pytest.mark.parametrize(
    ("add", "message"),
    [
        ({"target": ARTICLE, "since": "31/02/2025"}, "is not a date"),
        ({"target": ARTICLE, "until": "hôm qua"}, "is not a date"),
        ({"target": ARTICLE, "since": "2025-08-01", "until": "2025-07-01"}, "swap them"),
        ({"target": ARTICLE, "kind": "hide"}, "--kind"),
        ({"target": "  "}, "give a URL"),
    ],
)
def test_bad_rules_are_refused(tmp_path: Path, add: dict, message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        _rules(tmp_path, add)


def test_bad_timestamp_is_refused(tmp_path: Path) -> None:
    rules = _rules(tmp_path, {"target": ARTICLE, "since": "2025-07-01"})
    with pytest.raises(UserInputError, match="timestamp"):
        rules.allows(ARTICLE, "20251345000000")


def test_broken_rules_file_is_a_clear_error(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    data.access_rules.parent.mkdir(parents=True)
    data.access_rules.write_text('{"rules": [{"id": 1, "target": "x"', encoding="utf-8")
    with pytest.raises(DataDirError, match="cannot read access rules"):
        AccessRules.load(data)


def test_acl_for_replay_is_reverse_sorted_with_pywb_date_bounds(tmp_path: Path) -> None:
    rules = _rules(
        tmp_path,
        {"target": "congan.hanoi.gov.vn", "prefix": True, "kind": "block", "until": "2025-06-30"},
        {"target": ARTICLE, "since": "2025-07-01"},
        {"target": "http://congan.laocai.gov.vn/a.html", "since": "2025-07-01", "until": "2025-07-31"},
    )
    lines = acl_text(rules).splitlines()
    assert lines == sorted(lines, reverse=True)
    parsed = {line.split(" ", 1)[0]: json.loads(line.split(" - ", 1)[1]) for line in lines}
    assert parsed["vn,gov,hanoi,congan)/"] == {
        "access": "block",
        "url": "congan.hanoi.gov.vn",
        "before": "20250630170000",
    }
    assert parsed["vn,gov,hanoi,congan)/tin-tuc/vu-an-lua-dao.html###"]["after"] == "20250630165959"
    # pywb holds one bound per rule: a two-sided range keeps its start (hides more, never less)
    assert parsed["vn,gov,laocai,congan)/a.html###"] == {
        "access": "exclude",
        "url": "http://congan.laocai.gov.vn/a.html",
        "after": "20250630165959",
    }


# -- the command ------------------------------------------------------------------------------


def run(data_dir: Path, *args: str):
    return CliRunner().invoke(get_cli(), ["--data", str(data_dir), "access", *args])


def test_access_commands_add_list_remove(data_dir: Path) -> None:
    added = run(data_dir, "add", ARTICLE, "--since", "01/07/2025", "--reason", "đơn khiếu nại số 12")
    assert added.exit_code == 0, added.output
    assert "added #1 exclude exact" in added.output and "đơn khiếu nại số 12" in added.output
    assert run(data_dir, "add", "congan.hanoi.gov.vn/bi-mat/", "--prefix", "--kind", "block").exit_code == 0
    listed = run(data_dir, "list", "--json")
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert [(r["id"], r["match"], r["kind"], r["since"]) for r in rows] == [
        (1, "exact", "exclude", "2025-07-01"),
        (2, "prefix", "block", None),
    ]
    # the ACL a running replay reads follows every change
    assert "vn,gov,hanoi,congan)/bi-mat - " in acl_path(DataDir(data_dir)).read_text(encoding="utf-8")
    assert run(data_dir, "remove", "#2").exit_code == 0
    assert run(data_dir, "remove", ARTICLE).exit_code == 0
    assert "no access rules" in run(data_dir, "list").output
    assert acl_path(DataDir(data_dir)).read_text(encoding="utf-8") == ""


def test_access_command_errors_are_one_line(data_dir: Path) -> None:
    for args, message in (
        (("remove", "congan.hanoi.gov.vn/bi-mat/"), "a prefix rule needs --prefix"),
        (("add", ARTICLE, "--until", "32/13/2025"), "is not a date"),
    ):
        result = run(data_dir, *args)
        assert result.exit_code == 1
        assert message in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1
