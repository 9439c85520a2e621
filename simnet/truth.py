"""Ground truth of the simulated network: what a perfect crawl + extraction must produce.

``ground_truth(state)`` lists every article reachable in that state, with the fields exactly as
the corpus must write them (SPEC §7): NFC text, dates with +07:00 (date only when the page shows
no time), bylines without labels, bodies without title, dates, bylines, captions or related lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Article, Catalog
from .portals import load
from .portals.base import Portal
from .sites import NOT_SIMULATED, OUTSIDE_HOSTS, network


@dataclass(frozen=True)
class TruthArticle:
    site: str
    province: str
    canonical_url: str
    aliases: tuple[str, ...]
    title: str
    summary: str
    published: str
    modified: str | None
    author: str | None
    category: str
    tags: tuple[str, ...]
    body: str
    images: tuple[dict[str, str], ...]
    attachments: tuple[dict[str, str], ...]
    cms: str
    affiliation: str | None = None  # what follows the name in the byline ("Công an tỉnh X")


@dataclass(frozen=True)
class PortalInfo:
    domain: str
    province: str
    cms: str
    status: str  # live | redirects_to:<domain> | down


def truth_of(portal: Portal, a: Article) -> TruthArticle:
    return TruthArticle(
        site=portal.spec.domain,
        province=portal.spec.province,
        canonical_url=portal.canonical_url(a),
        aliases=tuple(portal.aliases(a)),
        title=a.title,
        summary=a.summary,
        published=portal.published_truth(a),
        modified=portal.modified_truth(a),
        author=portal.author(a),
        category=a.cat_name,
        tags=a.tags,
        body=a.body,
        images=tuple(portal.images(a)),
        attachments=tuple(portal.attachments(a)),
        cms=portal.cms,
    )


def ground_truth(state: int = 1, scale: int | None = None, https: bool = True) -> list[TruthArticle]:
    """Every article of every live portal in ``state`` (``scale`` articles per portal if given;
    ``https=False`` leaves out the HTTPS portals, matching ``SimNet(https=False)``)."""
    out = []
    sites = network(https)
    for spec in sites:
        if spec.status != "live":
            continue
        portal = load(spec, Catalog(spec, state, scale), sites)
        out += [truth_of(portal, a) for a in portal.catalog.all()]
    return out


def portals(https: bool = True) -> list[PortalInfo]:
    return [PortalInfo(s.domain, s.province, s.cms, s.status) for s in network(https)]


def outside_hosts() -> list[str]:
    """Hosts linked from the portals that are outside the network (never to be fetched)."""
    return list(OUTSIDE_HOSTS)


def not_simulated_hosts() -> list[str]:
    """Provincial portals linked from the block but not simulated (answered 502)."""
    return list(NOT_SIMULATED)
