"""What crawls learn about portals: live, redirecting, down, merged, with dates and evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from archive.control.registry_state import DOWN, LIVE, MERGED, REDIRECTING, RegistryState
from archive.errors import UserInputError
from archive.paths import DataDir

T0 = datetime(2026, 7, 1, 1, 0, tzinfo=UTC)


def test_lifecycle_keeps_since_first_and_last_seen(data_dir):
    state = RegistryState.open(DataDir(data_dir))
    state.record_live("congan.quangnam.gov.vn", T0, crawl_id="c1")
    state.record_live("congan.quangnam.gov.vn", T0 + timedelta(days=1), crawl_id="c2")
    live = state.get("congan.quangnam.gov.vn")
    assert live.status == LIVE
    assert live.since == "2026-07-01T01:00:00+00:00"
    assert live.first_seen == "2026-07-01T01:00:00+00:00"
    assert live.last_seen == "2026-07-02T01:00:00+00:00"

    moved = state.record_redirect(
        "congan.quangnam.gov.vn", "congan.danang.gov.vn", T0 + timedelta(days=2),
        evidence="301 https://congan.quangnam.gov.vn/ -> https://congan.danang.gov.vn/",
    )
    assert moved.status == REDIRECTING and moved.redirect_to == "congan.danang.gov.vn"
    assert moved.since == "2026-07-03T01:00:00+00:00"
    assert "301" in moved.evidence
    assert moved.first_seen == live.first_seen

    down = state.record_down("congan.quangnam.gov.vn", "TCPTimedOutError", T0 + timedelta(days=3))
    assert down.status == DOWN and down.redirect_to is None
    assert down.last_error == "TCPTimedOutError" and down.last_error_at == "2026-07-04T01:00:00+00:00"
    assert down.last_seen == "2026-07-03T01:00:00+00:00"  # a failure is not a sighting

    statuses = [e.status for e in state.history("congan.quangnam.gov.vn")]
    assert statuses == [LIVE, REDIRECTING, DOWN]  # the second sighting changed nothing


def test_state_survives_reopening_and_lists_every_portal(tmp_path):
    path = tmp_path / "state" / "registry.sqlite3"
    RegistryState(path).record_live("congan.hanoi.gov.vn", "2026-07-01T00:00:00+00:00")
    RegistryState(path).record_down("congan.caobang.gov.vn", "DNSLookupError")
    reopened = RegistryState(path)
    assert [s.domain for s in reopened.all()] == ["congan.caobang.gov.vn", "congan.hanoi.gov.vn"]
    assert reopened.get("CONGAN.HANOI.GOV.VN").status == LIVE
    assert reopened.get("unknown.example") is None


def test_errors_on_a_live_portal_do_not_change_its_status(tmp_path):
    state = RegistryState(tmp_path / "r.sqlite3")
    assert state.record_error("never.seen", "500") is None
    state.record_live("congan.hanoi.gov.vn", T0)
    after = state.record_error("congan.hanoi.gov.vn", "HTTP 500 on /tin-tuc", T0 + timedelta(hours=1))
    assert after.status == LIVE and after.since == "2026-07-01T01:00:00+00:00"
    assert after.last_error == "HTTP 500 on /tin-tuc"


def test_merged_is_sticky_and_needs_a_target(tmp_path):
    state = RegistryState(tmp_path / "r.sqlite3")
    state.record_merged("congan.hagiang.gov.vn", "congan.tuyenquang.gov.vn", T0, evidence="Nghị quyết 202/2025/QH15")
    kept = state.record_live("congan.hagiang.gov.vn", T0 + timedelta(days=1))
    assert kept.status == MERGED and kept.last_seen == "2026-07-02T01:00:00+00:00"
    assert kept.evidence == "Nghị quyết 202/2025/QH15"
    with pytest.raises(UserInputError):
        state.record_merged("congan.hagiang.gov.vn", "")
    with pytest.raises(ValueError, match="timezone-aware"):
        state.record_live("congan.hagiang.gov.vn", datetime(2026, 7, 1))  # naive datetime
