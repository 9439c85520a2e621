"""Portal lifecycle at a glance: which portals are at risk of disappearing, and why.

A view over what crawls recorded in ``archive.control.registry_state.RegistryState`` (live,
redirecting to another domain, down, merged; with dates and evidence). The rules that make
a portal *at risk* are the named constants below:

* it redirects to another domain, was merged into another portal, or is down;
* it is live but failed *itself* (server errors, timeouts, refused connections; never a
  ``304``, a robots.txt denial or a missing page: ``scrapers.reporting.portal_watch``) in at
  least ``REPEATED_FAILURE_CRAWLS`` different crawls of the last ``RECENT_ERROR_DAYS`` days,
  the latest crawl that reached it included (a portal that answered cleanly since is fine);
* no crawl has reached it for ``NOT_SEEN_DAYS`` days.

The failures behind a risk are kept as its evidence (``failures``), shown by ``congan crawls
portals`` and the portal page of ``congan serve``.

Work kept for a later crawl (``archive.control.deferred``: a portal paused beyond a
crawl) is a risk too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..times import VN_TZ
from .deferred import DeferredStore, DeferredSummary
from .registry_state import DOWN, LIVE, MERGED, REDIRECTING, PortalEvent, PortalState, RegistryState

#: failures of a live portal count for this many days
RECENT_ERROR_DAYS = 7
#: ... and make it at risk ("unstable") when they happened in this many different crawls
REPEATED_FAILURE_CRAWLS = 2
#: why a portal is at risk (``PortalLifecycle.risk_kinds``)
RISK_KINDS = ("redirecting", "merged", "down", "unstable", "not_seen", "deferred")
#: a portal no crawl has reached for this long is shown at risk ("not seen")
NOT_SEEN_DAYS = 30


@dataclass(frozen=True)
class PortalLifecycle:
    domain: str
    status: str
    since: datetime
    redirect_to: str | None
    last_seen: datetime | None
    evidence: str
    back_after_down: bool  # live again after having been down
    risks: tuple[str, ...]  # empty: not at risk
    failures: tuple[PortalEvent, ...] = ()  # the portal's own recent failures, oldest first
    risk_kinds: tuple[str, ...] = ()  # one of RISK_KINDS per risk, in the order of ``risks``
    deferred: int = 0  # requests kept for a later crawl
    deferred_until: datetime | None = None
    deferred_reason: str | None = None

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)

    def describe(self) -> str:
        when = f"{self.since.astimezone(VN_TZ):%d/%m/%Y}"
        if self.status == REDIRECTING:
            return f"redirecting to {self.redirect_to} since {when}"
        if self.status == MERGED:
            return f"merged into {self.redirect_to} since {when}"
        if self.status == DOWN:
            return f"down since {when}"
        if self.back_after_down:
            return f"live, back since {when}"
        return f"live since {when}"

    def to_json(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "status": self.status,
            "since": self.since.astimezone(VN_TZ).isoformat(),
            "redirect_to": self.redirect_to,
            "last_seen": self.last_seen.astimezone(VN_TZ).isoformat() if self.last_seen else None,
            "evidence": self.evidence,
            "back_after_down": self.back_after_down,
            "at_risk": self.at_risk,
            "risks": list(self.risks),
            "failures": [
                {"at": _time(f.at).astimezone(VN_TZ).isoformat(), "crawl_id": f.crawl_id, "error": f.detail}
                for f in self.failures
            ],
            "deferred": self.deferred,
            "deferred_until": self.deferred_until.astimezone(VN_TZ).isoformat() if self.deferred_until else None,
            "deferred_reason": self.deferred_reason,
            "summary": self.describe(),
        }


def portal_lifecycles(state: RegistryState, now: datetime) -> list[PortalLifecycle]:
    """Every portal the crawls have seen, at-risk ones first, then by domain."""
    deferred = DeferredStore(state.path).summary()
    found = [lifecycle_of(state, portal, now, deferred) for portal in state.all()]
    return sorted(found, key=lambda p: (not p.at_risk, p.domain))


def lifecycle_of(
    state: RegistryState, portal: PortalState, now: datetime, deferred: dict[str, DeferredSummary] | None = None
) -> PortalLifecycle:
    since = _time(portal.since)
    last_seen = _time(portal.last_seen) if portal.last_seen else None
    events = state.history(portal.domain)
    back = portal.status == LIVE and len(events) >= 2 and events[-2].status == DOWN
    risks: list[str] = []
    kinds: list[str] = []
    if portal.status == REDIRECTING:
        risks.append(f"redirects to {portal.redirect_to}: its own pages may already be gone")
        kinds.append("redirecting")
    elif portal.status == MERGED:
        risks.append(f"merged into {portal.redirect_to}: likely to be retired")
        kinds.append("merged")
    elif portal.status == DOWN:
        days = (now - since).days
        risks.append(f"down for {days} day(s): {portal.last_error or portal.evidence}")
        kinds.append("down")
    failures = recent_failures(portal, events, now)
    if portal.status == LIVE and unstable(portal, failures):
        crawls = len({_crawl_key(f) for f in failures})
        latest = failures[-1]
        risks.append(
            f"failed in {crawls} crawls of the last {RECENT_ERROR_DAYS} days, latest "
            f"{_time(latest.at).astimezone(VN_TZ):%d/%m/%Y %H:%M}: {latest.detail}"
        )
        kinds.append("unstable")
    if last_seen is not None and portal.status != DOWN and now - last_seen > timedelta(days=NOT_SEEN_DAYS):
        risks.append(f"not reached since {last_seen.astimezone(VN_TZ):%d/%m/%Y}")
        kinds.append("not_seen")
    work = (DeferredStore(state.path).summary() if deferred is None else deferred).get(portal.domain)
    until = datetime.fromtimestamp(work.until, VN_TZ) if work else None
    if work is not None and until is not None:
        risks.append(f"{work.count} request(s) deferred to a crawl after {until:%d/%m/%Y %H:%M}: {work.reason}")
        kinds.append("deferred")
    return PortalLifecycle(
        domain=portal.domain,
        status=portal.status,
        since=since,
        redirect_to=portal.redirect_to,
        last_seen=last_seen,
        evidence=portal.evidence,
        back_after_down=back,
        risks=tuple(risks),
        failures=tuple(failures),
        risk_kinds=tuple(kinds),
        deferred=work.count if work else 0,
        deferred_until=until,
        deferred_reason=work.reason if work else None,
    )


def recent_failures(portal: PortalState, events: list[PortalEvent], now: datetime) -> list[PortalEvent]:
    """The portal's own failures of the last ``RECENT_ERROR_DAYS`` days, oldest first."""
    window = timedelta(days=RECENT_ERROR_DAYS)
    return [e for e in events if e.failure and now - _time(e.at) <= window]


def unstable(portal: PortalState, failures: list[PortalEvent]) -> bool:
    """Failures in ``REPEATED_FAILURE_CRAWLS`` crawls or more, the latest crawl to reach the
    portal among them (without crawl ids: no clean answer since the last failure)."""
    if len({_crawl_key(f) for f in failures}) < REPEATED_FAILURE_CRAWLS:
        return False
    latest = failures[-1]
    if latest.crawl_id is not None:
        return latest.crawl_id == portal.crawl_id
    return portal.last_seen is None or _time(latest.at) >= _time(portal.last_seen)


def _crawl_key(event: PortalEvent) -> str:
    return event.crawl_id or event.at[:10]  # without a crawl id, one day counts as one crawl


def _time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)
