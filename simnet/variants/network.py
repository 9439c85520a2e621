"""A network of variant portals: specs from seeds, the server, its truth and a crawl registry.

``variant_network(["joomla:17", "dnn:4"])`` gives the ``Variant``s; ``VariantSimNet(variants)``
serves them on 127.0.0.1 exactly like ``SimNet`` (proxy, access log, states);
``variant_truth(variants, state)`` is their ground truth; ``write_registry(variants, path)``
writes a registry CSV for ``congan crawl -s CONGAN_REGISTRY=PATH``.
"""

from __future__ import annotations

import csv
import random
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalog import Catalog
from ..faults import FaultTable
from ..messages import Request, Response
from ..network import Network, Verdict, _robots
from ..server import SimNet
from ..sites import Fault, SiteSpec
from ..truth import TruthArticle, truth_of
from .families import FAMILIES, FAMILY_NAMES
from .pages import affiliation
from .portal import VariantPortal
from .style import Style, draw_style

DEAD_RETRY_AFTER = "3600"


@dataclass(frozen=True)
class Variant:
    family: str
    seed: int
    style: Style
    spec: SiteSpec
    facts: dict[str, object] = field(default_factory=dict)  # robots, faults, state-2 changes, link mode...

    @property
    def domain(self) -> str:
        return self.spec.domain

    @property
    def label(self) -> str:
        return f"{self.family}:{self.seed}"


def make_variant(family: str, seed: int) -> Variant:
    """The variant of ``family`` for ``seed``: its style, site spec (faults, robots, state 2)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILY_NAMES)}")
    style = draw_style(family, seed)
    rng = random.Random(f"simnet-variant-faults:{family}:{seed}")
    ncat = rng.choice((2, 3))
    articles = rng.randint(9, 14)
    faults: list[Fault] = []
    extra: list[tuple[str, str]] = []
    robots_lines = ["User-agent: *"]
    if rng.random() < 0.5:
        faults.append(Fault("first_500", article=rng.randrange(articles)))
    if rng.random() < 0.3:
        faults.append(Fault("slow", article=rng.randrange(articles)))
    if rng.random() < 0.5:
        extra.append(("/tin-tuc/bai-viet-da-xoa-404.html", "Tin cũ"))
    if rng.random() < 0.3:
        faults.append(Fault("gone", path="/thong-bao/da-go-bo.html"))
        extra.append(("/thong-bao/da-go-bo.html", "Thông báo (đã gỡ)"))
    if rng.random() < 0.6:
        robots_lines.append("Disallow: /quan-tri/")
        extra.append(("/quan-tri/dang-nhap", "Quản trị"))
    if rng.random() < 0.2:
        robots_lines.append("Crawl-delay: 1")
    robots = "\n".join(robots_lines) + "\n" if len(robots_lines) > 1 else None
    state2: dict[str, Any] = {"new": rng.randint(0, 2), "edited": articles - 1 if rng.random() < 0.5 else None,
              "deleted": articles - 2 if rng.random() < 0.4 else None}
    spec = SiteSpec(
        domain=style.domain, province=style.province, cms=family, articles=articles,
        categories=tuple(rng.sample(range(6), ncat)), seed=f"{family}-{seed}", id_base=style.id_base,
        id_stride=style.id_stride, page_size=rng.choice((4, 5, 6, 8)), gzip=style.gzip, chunked=style.chunked,
        nfd=style.encoding == "nfd", robots=robots, faults=tuple(faults), extra_links=tuple(extra),
        new_in_state2=state2["new"], edited_in_state2=state2["edited"], deleted_in_state2=state2["deleted"],
    )
    facts: dict[str, object] = {
        "robots": robots,
        "faults": [f.kind for f in faults],
        "state2": state2,
        "link_mode": style.link_mode,
        "href_mode": style.href_mode,
        "encoding": style.encoding,
        "canonical": style.canonical,
        "shell": style.shell,
        "aliases": list(style.alias_kinds),
        "disallowed": ["/quan-tri/"] if robots and "/quan-tri/" in robots else [],
        "crawl_delay": bool(robots and "Crawl-delay" in robots),
    }
    return Variant(family, seed, style, spec, facts)


def parse_variants(text: str) -> list[Variant]:
    """``"dnn:4,joomla:17"`` -> variants."""
    out = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        family, _, seed = part.partition(":")
        if not seed.isdigit():
            raise ValueError(f"variant {part!r}: expected FAMILY:SEED (seed a non-negative integer)")
        out.append(make_variant(family, int(seed)))
    return out


def dead_spec(name: str = "chetmang") -> SiteSpec:
    """A portal answering every request (robots.txt included) ``503 Retry-After: 3600``."""
    return SiteSpec(domain=f"congan.{name}.gov.vn", province="Chết Mạng", cms="dead", status="dead", articles=0)


def redirect_spec(target: str, name: str = "sapnhap") -> SiteSpec:
    """A portal absorbed into a 2025 unit: every URL ``301`` to ``target``'s home."""
    return SiteSpec(domain=f"congan.{name}.gov.vn", province="Sáp Nhập", cms="redirect",
                    status=f"redirects_to:{target}", articles=0)


def portal_of(variant: Variant, state: int, sites: tuple[SiteSpec, ...]) -> VariantPortal:
    return VariantPortal(variant.spec, Catalog(variant.spec, state), sites, variant.style)


class VariantNetwork(Network):
    """``simnet.network.Network`` over variant portals (plus optional dead / redirecting ones)."""

    def __init__(self, variants: list[Variant], state: int = 1, extras: tuple[SiteSpec, ...] = ()) -> None:
        self.variants = {v.domain: v for v in variants}
        self.scale = None
        self.https = False
        self.sites = tuple(v.spec for v in variants) + extras
        self._robots = {s.domain: _robots(s) for s in self.sites}
        self._by_domain = {s.domain: s for s in self.sites}
        self._lock = threading.Lock()
        self._faults: dict[str, FaultTable] = {}
        self.portals = {}
        self.state = 0
        self.set_state(state)

    def set_state(self, state: int) -> None:
        if state not in (1, 2):
            raise ValueError(f"state must be 1 or 2, not {state!r}")
        portals = {d: portal_of(v, state, self.sites) for d, v in self.variants.items()}
        with self._lock:
            for domain, portal in portals.items():
                fresh = FaultTable(portal, self.variants[domain].spec.faults)
                if domain in self._faults:
                    fresh.keep_hits_of(self._faults[domain])
                self._faults[domain] = fresh
            self.portals = portals  # type: ignore[assignment]
            self.state = state

    def site(self, host: str) -> SiteSpec | None:
        return self._by_domain.get(host)

    def handle(self, req: Request) -> tuple[Response, Verdict]:
        spec = self.site(req.host)
        if spec is not None and spec.status == "dead":
            body = "<html><body><h1>503</h1><p>Hệ thống đang bảo trì.</p></body></html>".encode()
            headers = [("Content-Type", "text/html; charset=utf-8"), ("Retry-After", DEAD_RETRY_AFTER)]
            return Response(503, headers, body, fault="dead"), Verdict()
        return super().handle(req)


class VariantSimNet(SimNet):
    """``SimNet`` serving variant portals (127.0.0.1 only, HTTP proxy, access log)."""

    def __init__(self, variants: list[Variant], state: int = 1, access_log: Path | None = None,
                 port: int = 0, extras: tuple[SiteSpec, ...] = ()) -> None:
        super().__init__(state=state, access_log=access_log, port=port, https=False)
        self.network = VariantNetwork(variants, state, extras)


def variant_truth(variants: list[Variant], state: int = 1) -> list[TruthArticle]:
    """Every article of these variants in ``state``, in the form of ``simnet.truth``."""
    sites = tuple(v.spec for v in variants)
    out = []
    for v in variants:
        portal = portal_of(v, state, sites)
        aff = affiliation(portal)
        for a in portal.catalog.all():
            t = truth_of(portal, a)
            summary = "" if v.style.lead_markup == "absent" and not v.style.shell else t.summary
            out.append(TruthArticle(**{**t.__dict__, "summary": summary,
                                       "affiliation": aff if a.author and not v.style.shell else None}))
    return out


def write_registry(variants: list[Variant], path: Path, adapters: bool = True,
                   extras: tuple[SiteSpec, ...] = ()) -> Path:
    """A registry CSV naming these portals (``adapters=False``: every portal on ``generic``)."""
    from .families import FAMILIES as fams
    columns = ("domain", "province_vi", "province_ascii", "province_2025", "province_2025_ascii", "status",
               "merged_into", "kind", "cms", "adapter", "aliases", "asset_hosts", "evidence")
    rows = [(v.domain, v.spec.province, v.domain.split(".")[1], v.spec.province, v.domain.split(".")[1],
             "active", "", "province", v.family, fams[v.family].adapter if adapters else "generic", "", "",
             f"simnet variant {v.label}") for v in variants]
    rows += [(s.domain, s.province, s.domain.split(".")[1], s.province, s.domain.split(".")[1], "active", "",
              "province", "unknown", "generic", "", "", "simnet extra") for s in extras]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)
    return path
