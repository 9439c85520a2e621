"""Does a page need a browser? Decided from its static HTML alone (a pure function).

A page is rendered when its static HTML shows that content is filled in by scripts, the way
Browsertrix users decide which pages need "behaviours". Each signal is generic (no portal's
class names or parameter names):

- ``template``: client-side template markup left in the HTML (``{{item.Title}}``, AngularJS
  ``ng-repeat``/``ng-bind``, Vue ``v-for``, Knockout ``data-bind``): the text is not there yet;
- ``endpoint``: a same-host URL fetched by an inline script (``fetch``, ``$.ajax``, ``$.get``,
  ``$.getJSON``, ``$.post``, ``axios``, ``XMLHttpRequest.open``), or a ``data-api``/``data-url``
  attribute naming one: the content comes from an API;
- ``script_links``: an inline script that writes links into the page (``innerHTML``,
  ``insertAdjacentHTML``, ``appendChild``, ``document.write``) and holds URL strings;
- ``load_more``: a "load more"/next control that is a script, not a link (``Xem thêm`` on a
  ``<button>`` or a ``javascript:`` link);
- ``loading``: a placeholder (``Đang tải…``, ``Loading…``) — weak alone;
- ``empty_list``: an empty list container (``<ul>``, ``<ol>``, ``<tbody>``) — weak alone;
- ``few_links``: scripts present and fewer than ``FEW_LINKS`` same-host links — weak alone.

One strong signal, or ``WEAK_NEEDED`` weak ones, make ``Detection.needs_rendering`` true.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html
from lxml.etree import ParserError

STRONG = frozenset({"template", "endpoint", "script_links", "load_more"})
#: weak signals needed together when no strong one is seen
WEAK_NEEDED = 2
#: fewer same-host links than this, with scripts present, is a weak signal (a shell page)
FEW_LINKS = 5

TEMPLATE_RE = re.compile(r"\{\{\s*[A-Za-z_$][\w$.\[\]'\"]*\s*(?:\|[^}]*)?\}\}")
TEMPLATE_ATTRS = ("ng-repeat", "ng-bind", "ng-bind-html", "ng-href", "v-for", "v-html", "v-bind:href", ":href",
                  "data-bind", "x-for", "x-html")
#: an inline script fetching a URL: the URL literal is group 1 (or 2 for XMLHttpRequest.open)
FETCH_RE = re.compile(
    r"(?:\bfetch|\$\.(?:ajax|get|getJSON|post|load)|jQuery\.(?:ajax|get|getJSON|post)|axios(?:\.(?:get|post))?)"
    r"\s*\(\s*(?:\{[^}]*?\burl\s*:\s*)?['\"]([^'\"\s]+)['\"]"
    r"|\.open\s*\(\s*['\"](?:GET|POST)['\"]\s*,\s*['\"]([^'\"\s]+)['\"]",
    re.IGNORECASE,
)
#: URL-looking values of a script's config objects (``api: "/api/news/list"``)
CONFIG_URL_RE = re.compile(r"""['"]?\b(?:api|url|endpoint|service|source)['"]?\s*[:=]\s*['"](/[^'"\s]+)['"]""",
                           re.IGNORECASE)
DOM_WRITE_RE = re.compile(r"innerHTML|insertAdjacentHTML|appendChild|document\.write|\.append\(|\.html\(")
#: a URL string in a script: absolute, root-relative, JSON-escaped, or a relative slug path
#: (``"bai-viet/12/khoi-to-vu-an"``, resolved against the page or its ``<base href>``)
URL_STRING_RE = re.compile(r"""['"](?:https?:)?/[^'"\s<>]{2,}['"]|\\?/[\w.-]+\\/[^'"\s]+"""
                           r"""|['"][A-Za-z][\w.%-]*/[\w.%/-]*-[\w.%/-]*['"]""")
#: a script building a link from a value (``'<a href="' + x.u + '">'``, ``href="${x.u}"``): the
#: addresses it writes need not look like paths (a bare slug ``khoi-to-vu-an-51``)
HREF_BUILD_RE = re.compile(r"""href\s*=\s*\\?["']?\s*(?:['"`]\s*\+|\$\{)""", re.IGNORECASE)
LOADING_RE = re.compile(r"^\s*(?:đang tải|loading|vui lòng chờ|please wait)\b", re.IGNORECASE)
MORE_TEXT_RE = re.compile(r"^(?:(?:xem thêm|tải thêm|thêm tin|xem tiếp|trang sau|tiếp theo|load more)(?:\s.{0,20})?"
                          r"|more|»|›)\W*$",
                          re.IGNORECASE)
DATA_URL_ATTRS = ("data-api", "data-url", "data-source", "data-href", "data-endpoint")
LIST_TAGS = ("ul", "ol", "tbody")


@dataclass(frozen=True)
class Detection:
    """What the static HTML says about scripts filling the page in."""

    #: signal names seen, in a stable order (``template``, ``endpoint``, ...)
    signals: tuple[str, ...] = ()
    #: same-host URLs the page's scripts fetch (absolute)
    endpoints: tuple[str, ...] = field(default=())

    @property
    def needs_rendering(self) -> bool:
        strong = [s for s in self.signals if s in STRONG]
        return bool(strong) or len(self.signals) >= WEAK_NEEDED


def _same_host(url: str, page_url: str) -> bool:
    host, page_host = urlsplit(url).hostname, urlsplit(page_url).hostname
    if not host or not page_host:
        return False
    return host.removeprefix("www.") == page_host.removeprefix("www.")


def _text(element: lxml_html.HtmlElement) -> str:
    return unicodedata.normalize("NFC", " ".join(element.text_content().split()))


def script_endpoints(script: str, page_url: str) -> list[str]:
    """Same-host URLs an inline script fetches or names as its API (absolute, in order)."""
    found: dict[str, None] = {}
    for match in FETCH_RE.finditer(script):
        raw = match.group(1) or match.group(2)
        url = urljoin(page_url, raw)
        if url.startswith(("http://", "https://")) and _same_host(url, page_url):
            found.setdefault(url, None)
    for match in CONFIG_URL_RE.finditer(script):
        url = urljoin(page_url, match.group(1))
        if _same_host(url, page_url):
            found.setdefault(url, None)
    return list(found)


def detect(text: str, url: str, root: lxml_html.HtmlElement | None = None) -> Detection:
    """The signals of script-filled content in a page's static HTML (see the module doc);
    ``root``: the page already parsed (read, never changed), else it is parsed here."""
    if not text or not text.strip():
        return Detection()
    if root is None:
        try:
            root = lxml_html.document_fromstring(text)
        except (ParserError, ValueError):
            return Detection()
    signals: dict[str, None] = {}
    endpoints: dict[str, None] = {}
    scripts = root.xpath("//script")
    inline = [s.text or "" for s in scripts if not s.get("src") and (s.get("type") or "").find("json") < 0]
    body_text = root.xpath("string(//body)") if root.find("body") is not None else ""
    if TEMPLATE_RE.search(body_text) or any(root.xpath(f"//*[@{attr}]") for attr in TEMPLATE_ATTRS if ":" not in attr):
        signals["template"] = None
    for script in inline:
        for endpoint in script_endpoints(script, url):
            endpoints.setdefault(endpoint, None)
        if DOM_WRITE_RE.search(script) and (URL_STRING_RE.search(script) or HREF_BUILD_RE.search(script)):
            signals["script_links"] = None
    for attr in DATA_URL_ATTRS:
        for value in root.xpath(f"//*[not(self::img) and not(self::script)]/@{attr}"):
            candidate = urljoin(url, str(value))
            if _same_host(candidate, url):
                endpoints.setdefault(candidate, None)
    if endpoints:
        signals["endpoint"] = None
    for control in root.xpath("//button | //a[starts-with(normalize-space(@href), 'javascript') or @href='#' "
                              "or not(@href)] | //*[@onclick]"):
        if MORE_TEXT_RE.match(_text(control)):
            signals["load_more"] = None
            break
    for element in root.xpath("//body//*[not(*)]"):
        if element.tag not in ("script", "style") and LOADING_RE.match(element.text or ""):
            signals["loading"] = None
            break
    if any(len(el) == 0 and not (el.text or "").strip() for el in root.iter(*LIST_TAGS)):
        signals["empty_list"] = None
    if scripts:
        links = [urljoin(url, str(h)) for h in root.xpath("//a/@href")]
        if sum(1 for link in links if _same_host(link, url)) < FEW_LINKS:
            signals["few_links"] = None
    order = ("template", "endpoint", "script_links", "load_more", "loading", "empty_list", "few_links")
    return Detection(tuple(s for s in order if s in signals), tuple(endpoints))
