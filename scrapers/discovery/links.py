"""Every link a portal's HTML page holds, wherever its CMS put it (SPEC 5 Discovery): the
generic discovery that is always on reads them all, whatever adapter the portal has.

* ``<a href>`` and ``<area href>`` (relative ones against ``<base href>``), menus included;
* ``<option value>`` of jump boxes (``<select onchange="location=this.value">``);
* ``data-url`` / ``data-href`` / ``data-link`` attributes ("Xem thêm" buttons that load a
  fragment, cards made clickable by a script);
* ``onclick`` / ``onchange`` handlers and inline ``<script>`` text: quoted strings that look
  like a URL of the same host (``"/tin-tuc/slug-12.html"``, ``"https://host/..."``, JSON
  with escaped slashes).

Only same-host URLs come from scripts and attributes (a script names many third-party
addresses); anchors keep every host, as the page's outlinks. A script's request endpoint whose
parameters the script adds (``"/api/detail" + id``, ``$.getJSON("/api/detail", {id: 7})``,
``{url: "/api/list", data: {page: 2}}``) is not a link: asked bare, without the id or page it
needs, it answers an error or nothing (the browser calls it whole when the page is rendered).
A pure function of the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapers.portals.urls import resolve_href, url_host

if TYPE_CHECKING:
    from .adapter import Page

#: where a link came from (``Link.source``)
ANCHOR = "a"
OPTION = "option"
DATA = "data"
SCRIPT = "script"

#: attributes scripts turn into navigation
DATA_ATTRIBUTES = ("data-url", "data-href", "data-link", "data-src-page")
#: a quoted string in a script that looks like an address: absolute http(s), or root-relative
#: with at least one more character (``"/"`` alone is the home page, named by the menus anyway)
SCRIPT_URL_RE = re.compile(r"""["'](https?:(?:\\?/){2}[^"'\s<>{}]+|(?:\\?/)[A-Za-z0-9_%~.\-][^"'\s<>{}]*)["']""")
#: script strings that are static files, not pages (images, styles, scripts, fonts)
STATIC_RE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|ico|css|js|mjs|map|woff2?|ttf|eot|mp[34]|swf)(?:[?#]|$)",
                       re.IGNORECASE)
#: a string concatenated with a script variable (``"/api/list?page=" + n``) ends with these: not a URL
OPEN_ENDED_RE = re.compile(r"[=&?]$")
#: after a quoted URL: it is completed by the script (``"/api/news/" + id``), or it is a call's
#: endpoint whose parameters follow as a further argument (``$.getJSON("/api/detail", {id: 7}, cb)``,
#: ``$.post("/api/list", params, cb)``)
COMPLETED_AFTER_RE = re.compile(r"\s*(?:\+|,\s*(?:\{|[A-Za-z_$][\w$.]*\s*,))")
#: before a quoted URL: it is the first argument of a call (``fn(`` / ``fn (``)
CALL_BEFORE_RE = re.compile(r"\(\s*$")
#: before a quoted URL: it is the value of a key of an object literal (``url: ``, ``"api": ``)
KEY_BEFORE_RE = re.compile(r"[\w$\"']\s*:\s*$")
#: in the rest of an object literal: the request's parameters as an object, under the names
#: the usual request libraries give them (jQuery ``data``, axios ``params``, fetch ``body``)
PARAMS_KEY_RE = re.compile(r"""(?:^|[\s,{])["']?(?:data|params|query|body|payload|args)["']?\s*:\s*\{""", re.IGNORECASE)
#: how far around a quoted URL the script is read for its call or object
CONTEXT = 400
#: an option value that is a link (a path, a file or a URL), not a plain value such as ``12``
OPTION_LINK_RE = re.compile(r"[/.?]")


@dataclass(frozen=True)
class Link:
    """One link of a page: absolute URL, its text (anchors and options), where it came from."""

    url: str
    text: str = ""
    source: str = ANCHOR


def _text(node_texts: list[str]) -> str:
    return " ".join(" ".join(node_texts).split())


def _object_around(text: str, start: int, end: int) -> str:
    """The object literal a quoted string at ``start:end`` is a value of, without the string
    ("" when it is not in one, or the literal is longer than ``CONTEXT``)."""
    depth, left = 0, start - 1
    while left >= max(0, start - CONTEXT):
        char = text[left]
        if char == "}":
            depth += 1
        elif char == "{":
            if depth == 0:
                break
            depth -= 1
        left -= 1
    else:
        return ""
    depth, right = 0, end
    while right < min(len(text), end + CONTEXT):
        char = text[right]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return text[left + 1 : start] + text[end:right]
            depth -= 1
        right += 1
    return ""


def needs_parameters(text: str, start: int, end: int) -> bool:
    """Whether the quoted URL at ``text[start:end]`` is only part of a request the script makes:
    completed by concatenation, a call's endpoint with its parameters in the next argument, or
    an object's address beside a parameters object (``{url: "/api/list", data: {page: 2}}``,
    ``{"api": "/api/news", "params": {...}}``). Requested bare, such an endpoint answers an
    error or an empty list; the browser, when the page is rendered, calls it whole."""
    after = text[end : end + CONTEXT]
    if re.match(r"\s*\+", after):
        return True
    before = text[max(0, start - CONTEXT) : start]
    if CALL_BEFORE_RE.search(before) and COMPLETED_AFTER_RE.match(after):
        return True
    if KEY_BEFORE_RE.search(before):
        return bool(PARAMS_KEY_RE.search(_object_around(text, start, end)))
    return False


def script_urls(text: str, base: str, host: str) -> list[str]:
    """Same-host URLs quoted in script text (JSON-escaped slashes undone), in order; not those
    a script completes or calls with parameters given apart (``needs_parameters``)."""
    found: list[str] = []
    for match in SCRIPT_URL_RE.finditer(text):
        raw = match.group(1).replace("\\/", "/")
        if raw.startswith("//") or STATIC_RE.search(raw) or OPEN_ENDED_RE.search(raw):
            continue
        if needs_parameters(text, match.start(), match.end()):
            continue
        url = resolve_href(raw, base)
        if url and url_host(url) == host:
            found.append(url)
    return found


def page_links(page: Page) -> list[Link]:
    """Every link of an HTML page, anchors first, each URL once (its first text kept)."""
    sel = page.selector()
    base = page.base
    host = url_host(page.url)
    found: dict[str, Link] = {}

    def add(url: str | None, text: str, source: str) -> None:
        if url and (url not in found or (text and not found[url].text)):
            found[url] = Link(url, text or (found[url].text if url in found else ""), source)

    for node in sel.css("a[href], area[href]"):
        text = _text(node.css("::text").getall()) or (node.attrib.get("title") or "").strip()
        add(resolve_href(node.attrib.get("href"), base), text, ANCHOR)
    for node in sel.css("option[value]"):
        value = (node.attrib.get("value") or "").strip()
        if OPTION_LINK_RE.search(value):
            url = resolve_href(value, base)
            if url and url_host(url) == host:
                add(url, _text(node.css("::text").getall()), OPTION)
    for name in DATA_ATTRIBUTES:
        for value in sel.xpath(f"//@{name}").getall():
            url = resolve_href(value, base)
            if url and url_host(url) == host and not STATIC_RE.search(url):
                add(url, "", DATA)
    handlers = sel.xpath("//@onclick | //@onchange").getall()
    for chunk in (*sel.xpath("//script[not(@src)]/text()").getall(), *handlers):
        for url in script_urls(chunk, base, host):
            add(url, "", SCRIPT)
    return list(found.values())
