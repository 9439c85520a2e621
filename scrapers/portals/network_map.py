"""The network reachable from a seed, through "Liên kết công an các tỉnh" blocks
(``congan sites discover``).

Breadth first over portal home pages: fetch a page, read its link block (``<a href>`` and
``<select><option value>`` alike), and visit every portal it names once. Only the seed and
the home pages of linked portals are fetched, each after its robots.txt allows it. The
fetching is injected (``Fetcher``) so the walk can run on any source of pages; ``UrllibFetcher``
goes through the standard proxy variables (``http_proxy``), which is how the simulated
network is reached.
"""

from __future__ import annotations

import logging
import ssl
import urllib.error
import urllib.request
import urllib.robotparser
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from scrapers.portals.registry import Registry, normalise_host
from scrapers.portals.scope import Scope, link_block_links

logger = logging.getLogger(__name__)

#: bytes of a home page read at most (link blocks sit in the first few hundred kB)
MAX_PAGE_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_PORTALS = 200


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int | None
    text: str
    error: str | None = None


class Fetcher(Protocol):
    def fetch(self, url: str) -> Fetched: ...

    def refusal(self, url: str) -> str | None:
        """Why robots.txt forbids fetching ``url`` (``None``: allowed)."""


@dataclass
class PortalFound:
    """One portal of the map."""

    domain: str
    url: str
    known: bool  # the registry lists it
    province: str | None
    status: int | None = None
    error: str | None = None
    final_url: str | None = None
    linked_from: str | None = None
    link_form: str | None = None  # "a" or "option": how the first link to it was written
    label: str | None = None
    links_to: list[str] = field(default_factory=list)
    in_network: bool = True

    def to_json(self) -> dict[str, object]:
        return {
            "domain": self.domain, "url": self.url, "known": self.known, "province": self.province,
            "in_network": self.in_network, "status": self.status, "error": self.error,
            "final_url": self.final_url, "linked_from": self.linked_from, "link_form": self.link_form,
            "label": self.label, "links_to": self.links_to,
        }


def discover_network(
    seed: str, registry: Registry, fetcher: Fetcher, *, max_portals: int = DEFAULT_MAX_PORTALS
) -> list[PortalFound]:
    """Every portal reachable from ``seed``, in the order found (the seed first)."""
    scope = Scope(registry)
    found: dict[str, PortalFound] = {}
    queue: deque[str] = deque()

    def add(url: str, via: str | None, form: str | None, label: str | None) -> None:
        domain = _domain(registry, url)
        if domain in found or len(found) >= max_portals:
            return
        portal = registry.get(domain)
        in_network = scope.check(url).allowed or portal is None
        found[domain] = PortalFound(
            domain=domain, url=url, known=portal is not None, province=portal.province_vi if portal else None,
            linked_from=via, link_form=form, label=label, in_network=in_network,
        )
        if in_network:
            queue.append(domain)

    add(seed, None, None, None)
    while queue:
        portal = found[queue.popleft()]
        refused = fetcher.refusal(portal.url)
        if refused is not None:
            portal.error = refused
            continue
        page = fetcher.fetch(portal.url)
        portal.status, portal.error, portal.final_url = page.status, page.error, page.url
        if not page.text:
            continue
        for link in link_block_links(page.text, page.url):
            target = _domain(registry, link.url)
            if target != portal.domain and target not in portal.links_to:
                portal.links_to.append(target)
            add(link.url, portal.domain, link.form, link.label)
    return list(found.values())


def _domain(registry: Registry, url: str) -> str:
    portal = registry.get(url)
    return portal.domain if portal else normalise_host(url)


def unverified_tls() -> ssl.SSLContext:
    """TLS that does not check certificates: several portals serve broken chains (Cà Mau
    omits its intermediate, Đắk Lắk's is self-signed) and the crawler reads them anyway."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class UrllibFetcher:
    """Plain HTTP(S) through the environment's proxies; robots.txt checked once per host."""

    def __init__(self, user_agent: str, timeout: float = 15.0) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        #: origin -> its rules, None (no robots.txt) or why it could not be read
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str | None] = {}
        self._opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=unverified_tls()))

    def fetch(self, url: str) -> Fetched:
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent, "Accept-Encoding": "identity"})
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                body = answer.read(MAX_PAGE_BYTES)
                charset = answer.headers.get_content_charset() or "utf-8"
                return Fetched(answer.geturl(), answer.status, body.decode(charset, errors="replace"))
        except urllib.error.HTTPError as exc:
            return Fetched(url, exc.code, "", f"HTTP {exc.code}")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return Fetched(url, None, "", f"{type(reason).__name__}: {reason}")

    def refusal(self, url: str) -> str | None:
        """robots.txt as RFC 9309 reads it: a 4xx means no rules, a 5xx or no answer means
        everything is disallowed (as for the crawler, ``scrapers.middlewares.robots_unreachable``)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            fetched = self.fetch(origin + "/robots.txt")
            if fetched.status == 200:
                parser = urllib.robotparser.RobotFileParser()
                parser.parse(fetched.text.splitlines())
                self._robots[origin] = parser
            elif fetched.status is not None and fetched.status < 500:
                self._robots[origin] = None  # no robots.txt: everything allowed
            else:
                self._robots[origin] = f"robots.txt unreachable ({fetched.error})"
        rules = self._robots[origin]
        if isinstance(rules, str):
            return rules
        if rules is not None and not rules.can_fetch(self.user_agent, url):
            return "robots.txt disallows the page"
        return None
