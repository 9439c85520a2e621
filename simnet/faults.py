"""Faults bound to URLs (see sites.Fault and simnet/README.md), applied around the portals."""

from __future__ import annotations

import threading
from collections import Counter

from .messages import Request, Response, not_found, redirect
from .portals.base import Portal
from .sites import Fault

SLOW_SECONDS = 1.5
RETRY_AFTER = "1"

_FIRST_HIT_STATUS = {"first_429": 429, "first_503": 503, "first_500": 500}


class FaultTable:
    """The faults of one portal, keyed by request target, with per-URL hit counters."""

    def __init__(self, portal: Portal, faults: tuple[Fault, ...]) -> None:
        self.portal = portal
        self.by_target: dict[str, Fault] = {}
        for fault in faults:
            target = fault.path
            if target is None and fault.article is not None:
                target = portal.article_path(portal.catalog.get(fault.article))
            if target is not None:
                self.by_target[target] = fault
        self._hits: Counter[str] = Counter()
        self._lock = threading.Lock()

    def keep_hits_of(self, older: FaultTable) -> None:
        """Carry the first-hit counters over (a URL already hit stays fine after set_state)."""
        with older._lock:
            self._hits = Counter(older._hits)

    def hit(self, target: str) -> int:
        with self._lock:
            self._hits[target] += 1
            return self._hits[target]

    def before(self, req: Request) -> tuple[Fault | None, Response | None]:
        """The fault of this URL and, when the fault answers by itself, its response."""
        fault = self.by_target.get(req.target)
        if fault is None:
            return None, None
        kind = fault.kind
        if (kind in _FIRST_HIT_STATUS or kind == "reset_first") and self.hit(req.target) > fault.hits:
            return None, None
        if kind in _FIRST_HIT_STATUS:
            status = _FIRST_HIT_STATUS[kind]
            body = f"<html><body><h1>{status}</h1><p>Máy chủ đang bận, vui lòng thử lại sau.</p></body></html>"
            headers = [("Content-Type", "text/html; charset=utf-8")]
            if status != 500:
                headers.append(("Retry-After", RETRY_AFTER))
            return fault, Response(status, headers, body.encode(), fault=kind)
        if kind == "old_url" and fault.article is not None:
            resp = redirect(self.portal.canonical_url(self.portal.catalog.get(fault.article)), 301)
            resp.fault = kind
            return fault, resp
        if kind == "redirect_loop" and fault.target:
            resp = redirect(self.portal.base + fault.target, 302)
            resp.fault = kind
            return fault, resp
        if kind == "gone":
            resp = not_found(410)
            resp.fault = kind
            return fault, resp
        return fault, None

    @staticmethod
    def after(fault: Fault | None, resp: Response) -> Response:
        """Faults that spoil an otherwise normal answer."""
        if fault is None:
            return resp
        resp.fault = fault.kind
        if fault.kind == "slow":
            resp.delay = SLOW_SECONDS
        elif fault.kind == "reset_first":
            resp.reset = True
        elif fault.kind == "broken_gzip":
            resp.broken_gzip = True
        return resp
