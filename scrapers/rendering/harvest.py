"""Links harvested from what a rendered page showed: its DOM and the JSON answers its scripts got.

Pure functions, no browser. ``json_links`` walks any JSON answer and keeps, generically, the
string fields that hold a same-host address (absolute URL, site-relative path or a slug path)
with the title found next to them in the same object; nothing depends on one API's field
names. ``anchor_block`` turns harvested links into ordinary ``<a href>`` markup, so the spider
hands them to the same discovery (scope, traps, budgets, article or not) as any page's links.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urljoin, urlsplit

#: a string value that is an address: absolute http(s), or a path (``/…``, ``tin-tuc/…``)
PATH_RE = re.compile(r"^(?:https?://[^\s]+|/[^\s<>\"']*|[\w%.-]+(?:/[\w%.,;=?&+-]+)+/?)$", re.IGNORECASE)
#: field names that hold a title (compared lower-case, without '_')
TITLE_KEYS = frozenset({"title", "tieude", "name", "headline", "ten", "text", "t", "caption", "subject"})
#: values that are media or page requisites, not pages (the browser fetched them already)
MEDIA_RE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|ico|bmp|css|js|woff2?|ttf|mp4|mp3)(?:$|\?)", re.IGNORECASE)
#: values that are not addresses even though they contain '/' (dates, fractions)
NOT_ADDRESS_RE = re.compile(r"^\d{1,4}(?:/\d{1,4})+$")
MAX_DEPTH = 12


@dataclass(frozen=True)
class Harvested:
    """An address found in a JSON answer, absolute, with the title next to it ("" if none)."""

    url: str
    title: str = ""


def _title_of(obj: dict[str, Any]) -> str:
    for key, value in obj.items():
        if isinstance(value, str) and key.lower().replace("_", "") in TITLE_KEYS and value.strip():
            return unicodedata.normalize("NFC", " ".join(value.split()))
    return ""


def _walk(node: Any, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(value, title next to it) of every string field of every object in the JSON tree."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, dict):
        title = _title_of(node)
        for value in node.values():
            if isinstance(value, str):
                yield value, title
            else:
                yield from _walk(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, str):
                yield item, ""
            else:
                yield from _walk(item, depth + 1)


def _same_site(url: str, base: str) -> bool:
    host, base_host = urlsplit(url).hostname or "", urlsplit(base).hostname or ""
    return bool(host) and host.removeprefix("www.") == base_host.removeprefix("www.")


def json_links(document: Any, base_url: str) -> list[Harvested]:
    """Same-host page addresses held by a parsed JSON answer (fetched from ``base_url``), in
    document order, each once; media and requisites left out."""
    found: dict[str, Harvested] = {}
    for value, title in _walk(document):
        text = value.strip()
        if not text or len(text) > 2048 or not PATH_RE.match(text) or NOT_ADDRESS_RE.match(text):
            continue
        if MEDIA_RE.search(text):
            continue
        if not text.lower().startswith(("http://", "https://", "/")) and not title:
            continue  # a bare relative path is an address only next to a title
        url = urljoin(base_url, text).split("#", 1)[0]
        if not _same_site(url, base_url):
            continue
        if url not in found or (title and not found[url].title):
            found[url] = Harvested(url, title)
    return list(found.values())


def json_body_links(body: bytes, base_url: str) -> list[Harvested]:
    """``json_links`` of a raw JSON body; nothing when it is not JSON."""
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return []
    return json_links(document, base_url)


def anchor_block(links: Iterable[Harvested]) -> str:
    """Harvested links as ``<a href>`` markup, for the spider's ordinary link discovery."""
    items = "".join(f'<li><a href="{escape(h.url)}">{escape(h.title)}</a></li>' for h in links)
    return f'<ul class="congan-harvested">{items}</ul>' if items else ""
