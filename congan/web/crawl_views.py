"""The archivist's pages: the crawl list, one crawl (per portal: pages, articles, errors by
kind, deferred work, extraction health, a health chart) and one portal (lifecycle, why it is
at risk with the evidence, its crawl history)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, abort, render_template

from archive.control.history import CrawlHistory, CrawlRecord
from archive.control.lifecycle import PortalLifecycle, lifecycle_of, portal_lifecycles
from archive.control.registry_state import RegistryState
from archive.control.report import CrawlReport, PortalRow
from archive.paths import DataDir
from archive.times import now_vn

from .charts import Stack, stacked_rows

#: crawls shown on the list and on a portal's page
CRAWLS_SHOWN = 200
#: what the segments of a health bar mean
HEALTH_LEGEND = {
    "ok": "trang trả lời bình thường",
    "not_modified": "không đổi từ lần trước (304)",
    "missing": "trang không còn (404, 410…)",
    "failed": "lỗi của cổng (5xx, quá thời gian, mất kết nối)",
    "denied": "robots.txt không cho phép",
}
STATUS_WORDS = {"live": "đang hoạt động", "redirecting": "chuyển hướng", "down": "không truy cập được",
                "merged": "đã sáp nhập"}
CRAWL_STATUS_WORDS = {"finished": "hoàn tất", "running": "đang chạy", "interrupted": "bị gián đoạn (tiếp tục được)",
                      "failed": "thất bại"}
#: why a portal is at risk, in words (archive.control.lifecycle.RISK_KINDS)
RISK_WORDS = {
    "redirecting": "Cổng chuyển người đọc sang {target}: các trang riêng của cổng có thể đã bị gỡ.",
    "merged": "Cổng đã sáp nhập vào {target}: có thể sắp ngừng hoạt động.",
    "down": "Cổng không truy cập được từ {since}.",
    "unstable": "Cổng tự gặp lỗi trong {crawls} đợt thu thập gần đây, kể cả đợt mới nhất.",
    "not_seen": "Chưa đợt thu thập nào tới được cổng từ {last_seen}.",
    "deferred": "{deferred} địa chỉ của cổng được để lại cho một đợt thu thập sau {until}.",
}


def health(row: PortalRow) -> tuple[tuple[str, int], ...]:
    """A portal's answers in one crawl, by what they say of its health."""
    status = {int(k): int(v) for k, v in row.status.items() if str(k).isdigit()}
    ok = sum(n for code, n in status.items() if code < 400 and code != 304)
    failed = sum(n for code, n in status.items() if code >= 500)
    failed += sum(int(n) for kind, n in row.errors.items() if not kind.startswith("http_"))
    return (
        ("ok", ok),
        ("not_modified", status.get(304, 0)),
        ("missing", sum(n for code, n in status.items() if 400 <= code < 500)),
        ("failed", failed),
        ("denied", int(row.robots_denied or 0)),
    )


@dataclass(frozen=True)
class PortalCrawl:
    record: CrawlRecord
    row: PortalRow


def risk_words(portal: PortalLifecycle, vn_datetime: Any) -> list[str]:
    crawls = len({f.crawl_id or f.at[:10] for f in portal.failures})
    facts = {"target": portal.redirect_to or "", "since": vn_datetime(portal.since), "crawls": crawls,
             "last_seen": vn_datetime(portal.last_seen), "deferred": portal.deferred,
             "until": vn_datetime(portal.deferred_until)}
    return [RISK_WORDS[kind].format(**facts) for kind in portal.risk_kinds if kind in RISK_WORDS]


def register(app: Flask, data: DataDir, vn_datetime: Any) -> None:
    def reports(history: CrawlHistory) -> list[tuple[CrawlRecord, CrawlReport | None]]:
        return [(c, history.report_of(c)) for c in history.list(limit=CRAWLS_SHOWN)]

    @app.get("/crawls")
    def crawls_page() -> str:
        history = CrawlHistory(data)
        found = reports(history)
        totals = {c.crawl_id: report.totals if report else None for c, report in found}
        return render_template("crawls.html", crawls=[c for c, _ in found], totals=totals,
                               status_words=CRAWL_STATUS_WORDS)

    @app.get("/crawls/<crawl_id>")
    def crawl_page(crawl_id: str) -> str:
        history = CrawlHistory(data)
        record = history.find(crawl_id)
        if record is None:
            abort(404)
        report = history.report_of(record)
        portals = sorted((report.portals if report else {}).items())
        chart = stacked_rows(
            [Stack(site, health(row), href=f"/portals/{site}", note=f"{row.pages or 0} trang")
             for site, row in portals],
            chart_id="crawl-health", caption="Tình trạng từng cổng trong đợt này", legend=HEALTH_LEGEND,
        )
        extraction = (report.extraction.health or {}) if report and report.extraction else {}
        return render_template("crawl.html", record=record, report=report, portals=portals, chart=chart,
                               extraction=extraction, status_words=CRAWL_STATUS_WORDS)

    @app.get("/portals")
    def portals_page() -> str:
        lifecycles = portal_lifecycles(RegistryState.open(data), now_vn()) if data.registry_db.exists() else []
        return render_template("portals.html", portals=lifecycles, status_words=STATUS_WORDS,
                               risks={p.domain: risk_words(p, vn_datetime) for p in lifecycles})

    @app.get("/portals/<domain>")
    def portal_page(domain: str) -> str:
        state = RegistryState.open(data) if data.registry_db.exists() else None
        current = state.get(domain) if state else None
        history = CrawlHistory(data)
        crawls = [PortalCrawl(c, r.portals[domain.lower()]) for c, r in reports(history)
                  if r and domain.lower() in r.portals]
        if current is None and not crawls:
            abort(404)
        lifecycle = lifecycle_of(state, current, now_vn()) if state and current else None
        chart = stacked_rows(
            [Stack(vn_datetime(c.record.started), health(c.row), href=f"/crawls/{c.record.crawl_id}",
                   note=f"{c.row.pages or 0} trang") for c in crawls],
            chart_id="portal-health", caption="Tình trạng của cổng qua các đợt thu thập", legend=HEALTH_LEGEND,
        )
        return render_template(
            "portal.html", domain=domain.lower(), lifecycle=lifecycle, crawls=crawls, chart=chart,
            events=state.history(domain) if state else [], status_words=STATUS_WORDS,
            risks=risk_words(lifecycle, vn_datetime) if lifecycle else [],
        )
