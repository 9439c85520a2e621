"""Portal lifecycle at a glance: which portals are at risk of disappearing, and why.

A view over what crawls recorded in ``archive.control.registry_state.RegistryState`` (live,
redirecting to another domain, down, merged; with dates and evidence). The rules that make
a portal *at risk* are the named constants below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..times import VN_TZ
from .registry_state import DOWN, LIVE, MERGED, REDIRECTING, PortalState, RegistryState

#: a live portal that answered errors this recently is shown at risk ("unstable")
RECENT_ERROR_DAYS = 7
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
            "summary": self.describe(),
        }


def portal_lifecycles(state: RegistryState, now: datetime) -> list[PortalLifecycle]:
    """Every portal the crawls have seen, at-risk ones first, then by domain."""
    found = [lifecycle_of(state, portal, now) for portal in state.all()]
    return sorted(found, key=lambda p: (not p.at_risk, p.domain))


def lifecycle_of(state: RegistryState, portal: PortalState, now: datetime) -> PortalLifecycle:
    since = _time(portal.since)
    last_seen = _time(portal.last_seen) if portal.last_seen else None
    events = state.history(portal.domain)
    back = portal.status == LIVE and len(events) >= 2 and events[-2].status == DOWN
    risks: list[str] = []
    if portal.status == REDIRECTING:
        risks.append(f"redirects to {portal.redirect_to}: its own pages may already be gone")
    elif portal.status == MERGED:
        risks.append(f"merged into {portal.redirect_to}: likely to be retired")
    elif portal.status == DOWN:
        days = (now - since).days
        risks.append(f"down for {days} day(s): {portal.last_error or portal.evidence}")
    elif portal.last_error_at and now - _time(portal.last_error_at) <= timedelta(days=RECENT_ERROR_DAYS):
        risks.append(f"errors on {_time(portal.last_error_at).astimezone(VN_TZ):%d/%m/%Y}: {portal.last_error}")
    if last_seen is not None and portal.status != DOWN and now - last_seen > timedelta(days=NOT_SEEN_DAYS):
        risks.append(f"not reached since {last_seen.astimezone(VN_TZ):%d/%m/%Y}")
    return PortalLifecycle(
        domain=portal.domain,
        status=portal.status,
        since=since,
        redirect_to=portal.redirect_to,
        last_seen=last_seen,
        evidence=portal.evidence,
        back_after_down=back,
        risks=tuple(risks),
    )


def _time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=VN_TZ)
