"""The project's registry of portals (``scrapers/data/registry.csv``).

Built from the public facts in ``shared/data/portals.csv`` (a test keeps the two in step):
one row per portal with its domain, province (before and after the 2025 reorganisation),
status, CMS family, the adapter that crawls it, and the evidence behind the guesses.
Portal knowledge is data: adding a portal means adding a row.

What crawls *learn* about portals (live, redirecting, down) lives apart, in
``archive.control.registry_state``.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from scrapers.errors import RegistryError

#: the packaged registry, read through importlib.resources so that it also loads from a
#: zipped egg (scrapyd deploys the project as one)
REGISTRY_RESOURCE = resources.files("scrapers") / "data" / "registry.csv"
REGISTRY_CSV = Path(__file__).parent.parent / "data" / "registry.csv"

#: kinds of rows; only ``province`` portals belong to the crawled network. The Ministry and
#: the police newspaper are in the registry so that links to them are recognised, recorded
#: as outlinks and never fetched (SPEC 5).
IN_NETWORK_KINDS = frozenset({"province"})

STATUSES = frozenset({"active", "merged", "renamed"})

COLUMNS = (
    "domain",
    "province_vi",
    "province_ascii",
    "province_2025",
    "province_2025_ascii",
    "status",
    "merged_into",
    "kind",
    "cms",
    "adapter",
    "aliases",
    "asset_hosts",
    "evidence",
)


@dataclass(frozen=True)
class Portal:
    domain: str
    province_vi: str
    province_ascii: str
    #: the province (or municipality) the portal belongs to since 1 July 2025
    province_2025: str
    province_2025_ascii: str
    status: str
    merged_into: str  # province_ascii of the 2025 unit, "" when active
    kind: str
    cms: str
    adapter: str
    aliases: tuple[str, ...] = ()
    asset_hosts: tuple[str, ...] = ()
    evidence: str = ""

    @property
    def in_network(self) -> bool:
        return self.kind in IN_NETWORK_KINDS

    @property
    def hosts(self) -> tuple[str, ...]:
        """Every host name the portal answers on (its domain first)."""
        return (self.domain, *self.aliases)

    @property
    def home_url(self) -> str:
        return f"https://{self.domain}/"


def normalise_host(value: str) -> str:
    """A bare lower-case host from a host or URL: no scheme, port, user, dot or ``www.``."""
    value = value.strip()
    if "//" in value:
        value = urlsplit(value).hostname or ""
    else:
        value = value.split("/", 1)[0].rsplit("@", 1)[-1]
        if not value.startswith("["):
            value = value.split(":", 1)[0]
    value = value.lower().rstrip(".")
    if value.startswith("www."):
        value = value[4:]
    return value


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in cell.split(";") if part.strip())


class Registry:
    """The portals, looked up by any of their host names."""

    def __init__(self, portals: tuple[Portal, ...]) -> None:
        self.portals = portals
        self._by_host: dict[str, Portal] = {}
        for portal in portals:
            for host in portal.hosts:
                self._by_host[host] = portal

    def __len__(self) -> int:
        return len(self.portals)

    def __iter__(self) -> Iterator[Portal]:
        return iter(self.portals)

    def get(self, host_or_url: str) -> Portal | None:
        """The portal answering on this host (or URL), ``www.`` and port ignored."""
        return self._by_host.get(normalise_host(host_or_url))

    def by_province(self, province_ascii: str) -> Portal | None:
        for portal in self.portals:
            if portal.province_ascii == province_ascii:
                return portal
        return None

    def network(self) -> tuple[Portal, ...]:
        """The portals that belong to the crawled network."""
        return tuple(p for p in self.portals if p.in_network)

    def select(self, domains: list[str] | tuple[str, ...]) -> tuple[Portal, ...]:
        """The portals of these domains; raises ``KeyError`` naming the first unknown one."""
        chosen = []
        for domain in domains:
            portal = self.get(domain)
            if portal is None:
                raise KeyError(domain)
            chosen.append(portal)
        return tuple(chosen)


def _portal_from_row(row: dict[str, str], line: int) -> Portal:
    missing = [c for c in COLUMNS if row.get(c) is None]
    if missing:
        raise RegistryError(f"registry line {line}: missing column(s) {', '.join(missing)}")
    cells = {k: unicodedata.normalize("NFC", (row[k] or "").strip()) for k in COLUMNS}
    if not cells["domain"]:
        raise RegistryError(f"registry line {line}: empty domain")
    if cells["status"] not in STATUSES:
        raise RegistryError(
            f"registry line {line}: status {cells['status']!r} is not one of {sorted(STATUSES)}"
        )
    if not cells["adapter"]:
        raise RegistryError(f"registry line {line}: empty adapter (use 'generic' for unknown CMSs)")
    return Portal(
        domain=normalise_host(cells["domain"]),
        province_vi=cells["province_vi"],
        province_ascii=cells["province_ascii"],
        province_2025=cells["province_2025"],
        province_2025_ascii=cells["province_2025_ascii"],
        status=cells["status"],
        merged_into=cells["merged_into"],
        kind=cells["kind"],
        cms=cells["cms"],
        adapter=cells["adapter"],
        aliases=_split(cells["aliases"]),
        asset_hosts=_split(cells["asset_hosts"]),
        evidence=cells["evidence"],
    )


def load_registry(path: str | Path | None = None) -> Registry:
    """Read the registry CSV (the packaged one by default)."""
    source = Path(path) if path else REGISTRY_RESOURCE
    with source.open(encoding="utf-8", newline="") as handle:  # type: ignore[call-overload]  # Path or resource
        reader = csv.DictReader(handle)
        portals = tuple(_portal_from_row(row, n) for n, row in enumerate(reader, start=2))
    seen: set[str] = set()
    for portal in portals:
        for host in portal.hosts:
            if host in seen:
                raise RegistryError(f"registry: host {host} is listed twice")
            seen.add(host)
    return Registry(portals)
