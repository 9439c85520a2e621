"""Recognising a portal's CMS family from its home page, for portals the registry lists with
an unknown CMS (most of the network): the generic adapter crawls them until a signature says
which family's adapter knows them better.

Signatures are data: (family, where, regex). ``where`` is ``generator`` (``<meta
name=generator>``), ``header`` (``Name: value`` of a response header) or ``html`` (the page
source). The first family with a matching signature wins; the order puts the most specific
signatures first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from parsel import Selector

SIGNATURES: tuple[tuple[str, str, str], ...] = (
    ("dotnetnuke", "html", r"/DesktopModules/cmsview/"),
    ("dotnetnuke", "generator", r"DotNetNuke|DNN Platform"),
    ("liferay", "header", r"^Liferay-Portal:"),
    ("liferay", "html", r"/-/asset_publisher/|Liferay\.(?:ThemeDisplay|Portlet)"),
    ("wordpress", "generator", r"^WordPress"),
    ("wordpress", "html", r"/wp-content/(?:themes|plugins|uploads)/"),
    ("nukeviet", "generator", r"NukeViet"),
    ("joomla", "generator", r"Joomla"),
    ("vnpt", "html", r"/Ajax/ArticleList|ul class=\"ArticleList\""),
    ("webforms", "html", r"__doPostBack\(|id=\"__VIEWSTATE\""),
)

_COMPILED = tuple((family, where, re.compile(rx, re.IGNORECASE)) for family, where, rx in SIGNATURES)


def fingerprint(html_text: str, headers: Mapping[str, str] | None = None) -> str | None:
    """The CMS family whose signature the page carries, or ``None``."""
    generator = " ".join(Selector(text=html_text or "<html></html>").xpath(
        "//meta[translate(@name, 'GENERATOR', 'generator')='generator']/@content").getall())
    header_lines = [f"{k}: {v}" for k, v in (headers or {}).items()]
    for family, where, regex in _COMPILED:
        if where == "generator" and generator and regex.search(generator):
            return family
        if where == "header" and any(regex.search(line) for line in header_lines):
            return family
        if where == "html" and regex.search(html_text):
            return family
    return None
