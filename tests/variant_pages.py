"""Variant article pages rendered in memory (no socket, no crawl), for extraction tests and
benchmarks: every article of a variant portal as the bytes the portal serves, with its truth.

Shell portals (the article page is an empty template) are read from their detail API, as the
crawler does. Seeds are drawn per run unless ``CONGAN_VARIANT_SEEDS`` names them
(``"7,123"``: the same seeds for every family, or ``"dnn:4,joomla:17"``).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from fresh_seeds import fresh_rng

from simnet.messages import Request
from simnet.truth import TruthArticle
from simnet.variants import FAMILY_NAMES, Variant, VariantNetwork, make_variant, variant_truth

SEEDS_ENV = "CONGAN_VARIANT_SEEDS"


@dataclass(frozen=True)
class VariantPage:
    variant: Variant
    truth: TruthArticle
    url: str
    body: bytes
    headers: dict[str, str]


_DRAWS = itertools.count()  # one stream per call, the same in every process of a run


def draw_variants(per_family: int = 1) -> list[Variant]:
    """``per_family`` fresh variants of every family, or those named by ``CONGAN_VARIANT_SEEDS``."""
    named = os.environ.get(SEEDS_ENV, "").strip()
    if named:
        out = []
        for part in (p.strip() for p in named.split(",") if p.strip()):
            family, _, seed = part.rpartition(":")
            families = [family] if family else list(FAMILY_NAMES)
            out += [make_variant(f, int(seed)) for f in families]
        return out
    rng = fresh_rng(f"variant_pages:{next(_DRAWS)}")
    return [make_variant(f, rng.randrange(1, 10**6)) for f in FAMILY_NAMES for _ in range(per_family)]


def seeds_line(variants: list[Variant]) -> str:
    return f"{SEEDS_ENV}={','.join(v.label for v in variants)}"


def _get(network: VariantNetwork, url: str) -> tuple[bytes, dict[str, str]] | None:
    parts = urlsplit(url)
    request = Request("GET", parts.hostname or "", parts.path or "/", parts.query, {})
    for _attempt in range(3):  # a "500 once" fault answers the first hit only
        response, _verdict = network.handle(request)
        if response.status == 200:
            return response.body, dict(response.headers)
    return None


def variant_pages(variants: list[Variant]) -> list[VariantPage]:
    network = VariantNetwork(variants)
    by_domain = {v.domain: v for v in variants}
    pages = []
    for truth in variant_truth(variants):
        variant = by_domain[truth.site]
        url = truth.canonical_url
        if variant.style.shell:
            detail = network.portals[variant.domain].detail_path.lower()
            url = next(a for a in truth.aliases if urlsplit(a).path.lower() == detail)
        fetched = _get(network, url)
        if fetched is not None:
            pages.append(VariantPage(variant, truth, url, fetched[0], fetched[1]))
    return pages
