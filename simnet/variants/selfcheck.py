"""Self-checks of a variant network against its truth, without sockets (``Network.handle``):
every truth article is reachable from the home page (links, <select>, scripts, "Xem thêm"
fragments, JSON answers), and the page (or the detail API of a shell portal) that serves it
holds its title, every paragraph and every image and attachment URL."""

from __future__ import annotations

import html
import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urljoin, urlsplit

from ..messages import Request
from ..truth import TruthArticle
from .network import Variant, VariantNetwork, variant_truth
from .portal import VariantPortal

_URLS = re.compile(
    r"""(?:href|src|value|data-url|data-src|data-original)\s*=\s*["']([^"'#]+)["']"""
    r"""|"(?:u|Url|Link|FriendlyUrl|href|DetailUrl|url)"\s*:\s*"([^"]+)\""""
)
_BASE = re.compile(r"""<base\s+href=["']([^"']+)["']""", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
MAX_PAGES = 3000


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    pages: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def decode(body: bytes, content_type: str) -> str:
    if "charset" not in content_type.lower() and b"windows-1258" in body[:600]:
        text = body.decode("cp1258")
    else:
        text = body.decode("utf-8", "replace")
    return unicodedata.normalize("NFC", text)


def _get(net: VariantNetwork, url: str) -> tuple[int, str]:
    parts = urlsplit(url)
    resp, _ = net.handle(Request("GET", parts.hostname or "", parts.path or "/", parts.query, {}))
    return resp.status, decode(resp.body, resp.header("Content-Type") or "")


def links(text: str, url: str) -> list[str]:
    base = _BASE.search(text)
    root = base.group(1) if base else url
    out = []
    for m in _URLS.finditer(text):
        raw = html.unescape(m.group(1) or m.group(2)).replace("\\/", "/")
        if raw.startswith(("javascript:", "data:", "mailto:")):
            continue
        out.append(urljoin(root, raw.split(" ")[0]).split("#")[0])
    for m in re.finditer(r"""["'](/[A-Za-z][^"'<>\s]*)["']""", text):  # endpoints in inline scripts
        out.append(urljoin(url, html.unescape(m.group(1))))
    return out


def reachable(net: VariantNetwork, variant: Variant) -> set[str]:
    """Every URL of the portal reached from its home page (and, for JSON listings, the API pages)."""
    portal = cast(VariantPortal, net.portals[variant.domain])
    host = variant.domain
    start = [f"http://{host}/"]
    if variant.style.link_mode == "json":
        for pos in range(len(variant.spec.categories)):
            pages = range(1, portal.catalog.pages(pos) + 1)
            start += [f"http://{host}{portal.api_listing_path(pos, n)}" for n in pages]
    seen, queue = set(start), deque(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        status, text = _get(net, url)
        if status != 200:
            continue
        for link in links(text, url):
            if urlsplit(link).hostname == host and link not in seen and not re.search(r"\.(jpg|png|pdf)$", link, re.I):
                seen.add(link)
                queue.append(link)
    return seen


def _plain(text: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", text)).split())


def check_article(net: VariantNetwork, t: TruthArticle, shell: bool) -> list[str]:
    url = t.aliases[0] if shell else t.canonical_url
    status, text = _get(net, url)
    if status in (500, 503):  # a first-hit fault of the variant: the second answer is the page
        status, text = _get(net, url)
    if status != 200:
        return [f"{url}: status {status}"]
    plain = _plain(text.replace("\\u003c", "<").replace('\\"', '"'))
    problems = []
    for part in (t.title, *t.body.split("\n\n")):
        if " ".join(part.split()) not in plain:
            problems.append(f"{url}: missing text {part[:40]!r}")
            break
    for item in (*t.images, *t.attachments):
        path = urlsplit(item["url"]).path
        if path.rsplit("/", 1)[-1] not in text:
            problems.append(f"{url}: missing asset {item['url']}")
    for item in (*t.images, *t.attachments):
        if _get(net, item["url"])[0] != 200:
            problems.append(f"{item['url']}: not served")
    return problems


def check(variants: list[Variant], state: int = 1) -> CheckResult:
    net = VariantNetwork(variants, state)
    truth = variant_truth(variants, state)
    result = CheckResult()
    by_site: dict[str, list[TruthArticle]] = {}
    for t in truth:
        by_site.setdefault(t.site, []).append(t)
    for v in variants:
        seen = reachable(net, v)
        result.pages += len(seen)
        for t in by_site.get(v.domain, []):
            if not ({t.canonical_url, *t.aliases} & seen):
                result.problems.append(f"{v.label}: {t.canonical_url} not reachable from the home page")
            result.problems += [f"{v.label}: {p}" for p in check_article(net, t, v.style.shell)]
    return result
