"""`congan schedule` and `congan crawls` as a user types them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from archive.control.history import CrawlHistory
from archive.control.registry_state import RegistryState
from archive.paths import DataDir
from archive.times import VN_TZ
from congan.cli.main import get_cli


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "congan", *args], capture_output=True, text=True, timeout=60)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(get_cli(), list(args))
    return result.exit_code, result.output


def test_an_invalid_cron_is_refused_with_exit_1_and_one_line(data_dir: Path) -> None:
    result = run("--data", str(data_dir), "schedule", "add", "đêm", "--cron", "0 25 * * *")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: invalid cron expression '0 25 * * *': [0 25 * * *] is not acceptable, out of range"
    ]
    assert "Traceback" not in result.stderr
    assert invoke("--data", str(data_dir), "schedule", "list", "--json") == (0, "")


def test_add_list_pause_resume_remove(data_dir: Path) -> None:
    code, out = invoke("schedule", "add", "hàng-đêm", "--cron", "0 2 * * *", "--site", "congan.hanoi.gov.vn",
                       "--mode", "full", "-s", "DOWNLOAD_DELAY=0")
    assert code == 0 and "added schedule hàng-đêm: 0 2 * * * (Asia/Ho_Chi_Minh), next run" in out
    code, out = invoke("schedule", "list", "--json")
    (entry,) = [json.loads(line) for line in out.splitlines()]
    assert entry["name"] == "hàng-đêm" and entry["mode"] == "full" and entry["settings"] == {"DOWNLOAD_DELAY": "0"}
    assert entry["next_slot"].endswith("T02:00:00+07:00") and entry["last_crawl"] is None
    assert invoke("schedule", "pause", "hàng-đêm") == (0, "paused schedule hàng-đêm\n")
    code, out = invoke("schedule", "list")
    assert "paused" in out and "never run" in out and "congan.hanoi.gov.vn" in out
    code, out = invoke("schedule", "resume", "hàng-đêm")
    assert code == 0 and out.startswith("resumed schedule hàng-đêm, next run")
    assert invoke("schedule", "remove", "hàng-đêm") == (0, "removed schedule hàng-đêm\n")
    assert invoke("schedule", "list") == (0, "no schedules; add one with `congan schedule add NAME --cron EXPR`\n")


def test_mistakes_are_one_clear_line(data_dir: Path) -> None:
    code, out = invoke("schedule", "remove", "nope")
    assert code == 1 and "no schedule named 'nope'" in out
    code, out = invoke("schedule", "add", "x", "--cron", "@daily", "--mode", "partial")
    assert code == 2 and "'partial' is not one of" in out  # click's own usage error
    code, out = invoke("schedule", "add", "x", "--cron", "@daily", "-s", "DOWNLOAD_DELAY")
    assert code == 1 and "write -s NAME=VALUE" in out
    code, out = invoke("crawls", "show", "nope")
    assert code == 1 and "no crawl nope in the history" in out


def test_crawls_list_and_show_make_failures_stand_out(data_dir: Path) -> None:
    data = DataDir(data_dir)
    history = CrawlHistory(data)
    history.start("c-ok", params={"sites": ["congan.hanoi.gov.vn"]}, schedule="đêm", pid=os.getpid())
    report = data.crawl_dir("c-ok") / "report.json"
    report.parent.mkdir(parents=True)
    # the layout of scrapers.reporting.report (report_version 1), trimmed
    report.write_text(json.dumps({
        "report_version": 1, "crawl_id": "c-ok", "status": "finished", "finish_reason": "finished",
        "totals": {"pages": 12, "articles": 5, "new": 4, "changed": 1, "unchanged": 0, "errors": 3},
        "errors": {"TimeoutError": 1, "http_502": 2},
        "rejected": {"outside_network": 3, "trap_calendar": 0},
        "portals": {
            "congan.hanoi.gov.vn": {"pages": 12, "articles": 5, "new": 4, "changed": 1, "unchanged": 0,
                                    "not_modified": 0, "errors": {"TimeoutError": 1}},
            "congan.backan.gov.vn": {"pages": 0, "articles": 0, "new": None, "changed": None,
                                     "unchanged": None, "not_modified": 0, "errors": {"http_502": 2}},
        },
        "stats": {"downloader/request_count": 15},
    }, ensure_ascii=False), encoding="utf-8")
    history.finish("c-ok", "finished", report)
    history.start("c-bad", params={}, schedule=None, pid=os.getpid())
    history.finish("c-bad", "failed", reason="no portal answered")
    code, out = invoke("crawls", "list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "c-bad" in lines[0] and "FAILED" in lines[0] and "manual" in lines[0]
    assert "c-ok" in lines[1] and "finished" in lines[1] and "schedule đêm" in lines[1]
    assert "pages=12 articles=5 new=4 changed=1 errors=3" in lines[1]
    code, out = invoke("crawls", "show", "c-ok")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip().startswith("congan.")}
    assert rows["congan.hanoi.gov.vn"].split()[1:8] == ["12", "5", "4", "1", "0", "0", "1!"]
    assert rows["congan.backan.gov.vn"].endswith("2! NO ANSWER")  # a portal that answered nothing stands out
    for expected in ("crawl c-ok: finished", "origin    schedule đêm", "totals    pages=12  articles=5",
                     "errors by kind:", "TimeoutError: 1", "http_502: 2",
                     "rejected URLs by reason:", "outside_network: 3"):
        assert expected in out
    assert "trap_calendar" not in out and "downloader/request_count" not in out  # zeros and raw stats
    code, out = invoke("crawls", "show", "c-bad", "--json")
    shown = json.loads(out)
    assert shown["status"] == "failed" and shown["reason"] == "no portal answered" and shown["report"] is None
    code, out = invoke("crawls", "list", "--status", "failed", "--json")
    assert [json.loads(line)["crawl_id"] for line in out.splitlines()] == ["c-bad"]


def test_crawls_portals_shows_redirects_and_downs_at_risk(data_dir: Path) -> None:
    assert invoke("crawls", "portals")[1].startswith("no portal has been crawled yet")
    state = RegistryState.open(DataDir(data_dir))
    day = timedelta(days=1)
    now = datetime.now(UTC)
    state.record_live("congan.danang.gov.vn", now - day, crawl_id="c1")
    state.record_redirect("congan.quangnam.gov.vn", "congan.danang.gov.vn", now - day,
                          evidence="301 / -> https://congan.danang.gov.vn/", crawl_id="c1")
    state.record_down("congan.backan.gov.vn", "connection refused", now - day, crawl_id="c1")
    state.record_live("congan.hanoi.gov.vn", now - 12 * day)
    state.record_down("congan.hanoi.gov.vn", "timeout", now - 11 * day)
    state.record_live("congan.hanoi.gov.vn", now - 10 * day)
    state.record_live("congan.hanoi.gov.vn", now - day)
    state.record_live("congan.hue.gov.vn", now - 40 * day)  # no crawl reached it since
    code, out = invoke("crawls", "portals", "--json")
    portals = {p["domain"]: p for p in map(json.loads, out.splitlines())}
    quangnam = portals["congan.quangnam.gov.vn"]
    assert quangnam["status"] == "redirecting" and quangnam["redirect_to"] == "congan.danang.gov.vn"
    assert quangnam["at_risk"] and quangnam["summary"] == (
        f"redirecting to congan.danang.gov.vn since {(now - day).astimezone(VN_TZ):%d/%m/%Y}")
    assert portals["congan.backan.gov.vn"]["at_risk"]
    assert portals["congan.hanoi.gov.vn"]["back_after_down"]
    assert portals["congan.hanoi.gov.vn"]["summary"] == (
        f"live, back since {(now - 10 * day).astimezone(VN_TZ):%d/%m/%Y}")
    assert not portals["congan.hanoi.gov.vn"]["at_risk"] and not portals["congan.danang.gov.vn"]["at_risk"]
    assert portals["congan.hue.gov.vn"]["risks"][0].startswith("not reached since")
    code, out = invoke("crawls", "portals", "--at-risk")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [
        "congan.backan.gov.vn", "congan.hue.gov.vn", "congan.quangnam.gov.vn"]
    assert "AT RISK" in out and "redirecting to congan.danang.gov.vn" in out


def test_crawls_portal_shows_one_portals_changes_with_dates_and_evidence(data_dir: Path) -> None:
    state = RegistryState.open(DataDir(data_dir))
    day = timedelta(days=1)
    now = datetime.now(UTC)
    state.record_live("congan.hanoi.gov.vn", now - 12 * day, crawl_id="c1")
    state.record_down(
        "congan.hanoi.gov.vn", "TimeoutError on http://congan.hanoi.gov.vn/", now - 11 * day, crawl_id="c2"
    )
    state.record_live("congan.hanoi.gov.vn", now - 10 * day, crawl_id="c3")
    code, out = invoke("crawls", "portal", "congan.hanoi.gov.vn")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("congan.hanoi.gov.vn: live, back since")
    events = [line.split()[2] for line in lines if line.startswith("  20")]
    assert events == ["live", "down", "live"]
    assert "TimeoutError on http://congan.hanoi.gov.vn/  (crawl c2)" in out
    code, out = invoke("crawls", "portal", "congan.hue.gov.vn")
    assert code == 1 and "no crawl has seen congan.hue.gov.vn" in out


def test_scheduler_once_with_nothing_due_is_silent_under_q_for_cron(data_dir: Path) -> None:
    assert invoke("scheduler", "run", "--once") == (0, "nothing due\n")
    assert invoke("-q", "scheduler", "run", "--once") == (0, "")
    log = (data_dir / "logs" / "scheduler.log").read_text(encoding="utf-8")
    assert log.count("looking for due schedules") == 2
