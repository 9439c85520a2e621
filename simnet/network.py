"""Dispatch of one request to the right portal, in the current state of the network.

``Network.handle(req)`` is pure request -> response (plus what the access log needs); the
socket code lives in ``simnet.server`` and ``simnet.wire``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from html import escape
from urllib.robotparser import RobotFileParser

from .catalog import Catalog
from .faults import FaultTable
from .messages import Request, Response, html, redirect
from .portals import load
from .portals.base import Portal
from .sites import NOT_SIMULATED, SiteSpec, network, site

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", ""})


@dataclass(frozen=True)
class Verdict:
    """What the access log records besides the response itself."""

    out_of_network: bool = False
    robots_disallowed: bool = False


def is_network_host(host: str) -> bool:
    """A provincial police portal (simulated or not): congan.<x>.gov.vn / congan<x>.gov.vn."""
    return host.endswith(".gov.vn") and host.startswith("congan") and host != "bocongan.gov.vn"


def _robots(spec: SiteSpec) -> RobotFileParser | None:
    if spec.robots is None:
        return None
    parser = RobotFileParser()
    parser.parse(spec.robots.splitlines())
    return parser


class Network:
    """Every simulated portal in one state; ``set_state`` swaps them atomically."""

    def __init__(self, state: int = 1, scale: int | None = None, https: bool = True) -> None:
        self.scale = scale
        self.https = https
        self.sites = network(https)
        self._robots = {s.domain: _robots(s) for s in self.sites}
        self._lock = threading.Lock()
        self._faults: dict[str, FaultTable] = {}
        self.portals: dict[str, Portal] = {}
        self.state = 0
        self.set_state(state)

    def set_state(self, state: int) -> None:
        if state not in (1, 2):
            raise ValueError(f"state must be 1 or 2, not {state!r}")
        portals = {}
        for spec in self.sites:
            if spec.status == "live":
                portals[spec.domain] = load(spec, Catalog(spec, state, self.scale), self.sites)
        with self._lock:
            self.portals = portals
            self.state = state
            # Hit counters of first-hit faults survive a state change (a URL already hit stays OK).
            for domain, portal in portals.items():
                table = self._faults.get(domain)
                fresh = FaultTable(portal, site(domain).faults)  # type: ignore[union-attr]
                if table is not None:
                    fresh.keep_hits_of(table)
                self._faults[domain] = fresh

    def site(self, host: str) -> SiteSpec | None:
        """The portal at ``host`` in this network (None for HTTPS portals when they are left out)."""
        spec = site(host)
        return spec if spec in self.sites else None

    def robots_disallowed(self, req: Request) -> bool:
        parser = self._robots.get(req.host)
        if parser is None or req.path == "/robots.txt":
            return False
        agent = req.headers.get("user-agent", "*") or "*"
        return not parser.can_fetch(agent, req.url)

    def handle(self, req: Request) -> tuple[Response, Verdict]:
        host = req.host
        if host in LOCAL_HOSTS:
            return self._home(), Verdict()
        spec = self.site(host)
        if spec is None:
            outside = not (is_network_host(host) or host in NOT_SIMULATED)
            text = "out of network: never fetch this host" if outside else "portal not simulated"
            resp = Response(502, [("Content-Type", "text/plain; charset=utf-8")], f"simnet: {host}: {text}\n".encode())
            return resp, Verdict(out_of_network=outside)
        verdict = Verdict(robots_disallowed=self.robots_disallowed(req))
        if spec.status == "down":
            return Response(drop=True, fault="down"), verdict
        if spec.scheme != req.scheme:  # http:// on an HTTPS portal (or the reverse): go to its scheme
            return redirect(spec.base + req.target, 301), verdict
        if spec.status.startswith("redirects_to:"):
            return redirect(f"http://{spec.status.split(':', 1)[1]}/", 301), verdict
        if req.path == "/robots.txt" and spec.robots is not None:
            resp = Response(200, [("Content-Type", "text/plain; charset=utf-8")], spec.robots.encode(), cacheable=True)
            return resp, verdict
        with self._lock:
            portal = self.portals[host]
            faults = self._faults[host]
        fault, early = faults.before(req)
        if early is not None:
            return early, verdict
        served = portal.asset(req) or portal.route(req)
        if served is None:
            served = portal.not_found()
        return faults.after(fault, served), verdict

    def _home(self) -> Response:
        items = "".join(
            f'<li><a href="http://{s.domain}/">{escape(s.domain)}</a> ({escape(s.province)}, {s.cms}, {s.status})</li>'
            for s in self.sites
        )
        text = (
            f"<html><head><meta charset='utf-8'><title>simnet</title></head><body><h1>simnet</h1><p>state "
            f"{self.state}</p><ul>{items}</ul></body></html>"
        )
        return html(text, cacheable=False)
