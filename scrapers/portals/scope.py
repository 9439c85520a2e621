"""What the crawler may fetch (SPEC 5 "Scope").

A portal is *in the network* when the registry lists it as a provincial portal or when an
in-network portal's "Liên kết công an các tỉnh" block links it, as ``<a href>`` or as
``<select><option value>``. Page requisites of in-scope pages (images, CSS, scripts,
attached documents) are in scope on the portal's own hosts, its sub-domains and the asset
hosts the registry names. Everything else is an outlink: recorded, never requested, and
counted under ``scope/rejected/<reason>``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from parsel import Selector

from scrapers.portals.registry import Registry, normalise_host
from scrapers.portals.urls import document_base, resolve_href, url_host

logger = logging.getLogger(__name__)

# rejection reasons (stats ``scope/rejected/<reason>``)
NOT_HTTP = "not_http"
INVALID_HOST = "invalid_host"
OUT_OF_NETWORK = "out_of_network"
OUTSIDE_REGISTRY = "outside_network_registry"  # the Ministry, the press: known, never crawled
REQUISITE_OFFSITE = "requisite_offsite"

#: the label of the block, compared without diacritics or case: "Liên kết công an các tỉnh",
#: "LIÊN KẾT CÔNG AN TỈNH, THÀNH PHỐ", "Liên kết Công an các địa phương"...
LINK_BLOCK_LABEL = re.compile(r"lien\s*ket\s+(?:website\s+)?cong\s*an", re.IGNORECASE)
#: how far up from the label the block may sit (label in <h3>, inside <div class=title>, ...)
LINK_BLOCK_MAX_CLIMB = 4


#: a DNS host name: dot-separated labels of letters, digits and inner hyphens, a letter TLD
_HOST_RE = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def is_valid_host(host: str) -> bool:
    """A plausible public host name (no spaces, no garbage from a truncated page)."""
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return False
    return bool(_HOST_RE.match(ascii_host.lower()))


@dataclass(frozen=True)
class ScopeDecision:
    allowed: bool
    reason: str = ""


ALLOWED = ScopeDecision(True)


def fold(text: str) -> str:
    """Lower-case ASCII folding of Vietnamese text (for matching labels, not for storage)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return text.encode("ascii", "ignore").decode("ascii").lower()


class Scope:
    """The in-network hosts of one crawl; grows as link blocks reveal portals."""

    def __init__(self, registry: Registry, extra_hosts: Iterable[str] = ()) -> None:
        self.registry = registry
        self._network: dict[str, str] = {}  # host -> how we know ("registry" or the page)
        self._asset_hosts: dict[str, str] = {}  # asset host -> portal domain
        self._outside: set[str] = set()
        for portal in registry:
            if portal.in_network:
                for host in portal.hosts:
                    self._network[host] = "registry"
                for host in portal.asset_hosts:
                    self._asset_hosts[host] = portal.domain
            else:
                self._outside.update(portal.hosts)
        for host in extra_hosts:
            self.add_portal(host, "seed")

    def add_portal(self, host_or_url: str, via: str) -> bool:
        """Add a portal found in a link block; ``True`` when it was not in scope before."""
        host = normalise_host(host_or_url)
        if not is_valid_host(host) or host in self._network or host in self._outside:
            return False
        self._network[host] = via
        logger.info("scope: %s joins the network (linked from %s)", host, via)
        return True

    def hosts(self) -> tuple[str, ...]:
        return tuple(self._network)

    def discovered(self) -> dict[str, str]:
        """Portals the registry does not list, with the page that linked them."""
        return {h: via for h, via in self._network.items() if via != "registry"}

    def portal_of(self, host_or_url: str) -> str | None:
        """The in-network portal a host belongs to (its domain), or ``None``."""
        host = normalise_host(host_or_url)
        if host in self._network:
            portal = self.registry.get(host)
            return portal.domain if portal else host
        if host in self._asset_hosts:
            return self._asset_hosts[host]
        return self._parent_portal(host)

    def _parent_portal(self, host: str) -> str | None:
        parts = host.split(".")
        for i in range(1, len(parts) - 1):
            candidate = ".".join(parts[i:])
            if candidate in self._network:
                portal = self.registry.get(candidate)
                return portal.domain if portal else candidate
        return None

    def in_network(self, host_or_url: str) -> bool:
        return normalise_host(host_or_url) in self._network

    def check(self, url: str, *, requisite: bool = False) -> ScopeDecision:
        """May this URL be fetched? Requisites may also come from a portal's asset hosts."""
        if not url.lower().startswith(("http://", "https://")):
            return ScopeDecision(False, NOT_HTTP)
        host = normalise_host(url_host(url))
        if host in self._network:
            return ALLOWED
        if not is_valid_host(host):
            return ScopeDecision(False, INVALID_HOST)
        if host in self._outside or (self.registry.get(host) is not None):
            return ScopeDecision(False, OUTSIDE_REGISTRY)
        if requisite:
            if host in self._asset_hosts or self._parent_portal(host):
                return ALLOWED
            return ScopeDecision(False, REQUISITE_OFFSITE)
        return ScopeDecision(False, OUT_OF_NETWORK)


def _label_elements(sel: Selector) -> list[Selector]:
    """Elements whose own text (or an option's) is the link block's label."""
    found = []
    # only elements with a "k" in their own text can say "Liên kết": a cheap XPath filter
    for node in sel.xpath("//body//*[text()[contains(translate(., 'K', 'k'), 'k')]]"):
        if LINK_BLOCK_LABEL.search(fold(" ".join(node.xpath("text()").getall()))):
            found.append(node)
    return found


@dataclass(frozen=True)
class BlockLink:
    """One portal link of a link block: where it points and how it is written."""

    url: str
    form: str  # "a" (<a href>) or "option" (<select><option value>)
    label: str


def _targets(node: Selector, base: str) -> list[BlockLink]:
    links = []
    for element in node.xpath(".//a[@href] | .//option[@value] | self::option[@value]"):
        tag = element.root.tag
        raw = element.attrib.get("href" if tag == "a" else "value")
        url = resolve_href(raw, base)
        if url:
            label = " ".join(" ".join(element.xpath(".//text()").getall()).split())
            links.append(BlockLink(url, "a" if tag == "a" else "option", unicodedata.normalize("NFC", label)))
    return links


def link_block_urls(html_text: str, url: str, sel: Selector | None = None) -> list[str]:
    """The URLs of the "Liên kết công an các tỉnh" block(s) of a page, in page order."""
    return [link.url for link in link_block_links(html_text, url, sel)]


def link_block_links(html_text: str, url: str, sel: Selector | None = None) -> list[BlockLink]:
    """The links of the "Liên kết công an các tỉnh" block(s) of a page, in page order.

    The block is the smallest element around the label that holds links (``<a href>``) or
    choices (``<option value>``): the label may be a heading before a list, the caption of a
    ``<select>``, or the first ``<option>`` of the select itself.
    """
    if sel is None:
        if "lien" not in fold(html_text):
            return []
        sel = Selector(text=html_text or "<html></html>")
    base = document_base(html_text, url)
    links: list[BlockLink] = []
    for label in _label_elements(sel):
        node = label
        if label.root.tag == "option":
            node = label.xpath("ancestor::select[1]")[0] if label.xpath("ancestor::select[1]") else label
        for _ in range(LINK_BLOCK_MAX_CLIMB + 1):
            found = _targets(node, base)
            if found:
                links.extend(found)
                break
            parents = node.xpath("..")
            if not parents or parents[0].root.tag in ("body", "html"):
                break
            node = parents[0]
    unique: dict[str, BlockLink] = {}
    for link in links:
        unique.setdefault(link.url, link)
    return list(unique.values())
