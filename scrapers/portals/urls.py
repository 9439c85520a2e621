"""URL canonicalisation: every alias of a page collapses to one URL.

Two steps, both pure functions:

* ``resolve_href(href, base)`` turns what a page wrote into an absolute URL: whitespace
  and control characters dropped, an ``&amp;`` left escaped in the source unescaped,
  ``javascript:``/``mailto:``/``tel:``/``data:`` refused, joined against the document's
  base (``<base href>`` when the page has one, see ``document_base``).
* ``canonicalize(url, rules)`` removes what does not name a different resource: the
  fragment, session ids in the path (``;jsessionid=...``) or the query, tracking
  parameters (``utm_*``, ``fbclid``, Zalo's ``zarsrc``...), default ports, empty query;
  sorts the query; normalises percent-encoding; and applies the adapter's own rules
  (parameters its CMS ignores, case-insensitive paths, rewrites of print/e-mail views to
  the article).

The generic lists below are data; per-CMS rules come from ``scrapers.families``.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from w3lib.html import get_base_url
from w3lib.url import safe_url_string

from scrapers.portals.safe_urls import JOIN_CACHE_SIZE, parse_url, safe_join

#: query parameters that only track the visitor, on any site
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid",
        "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "ref_src",
        "zarsrc", "gidzl", "utm",  # Zalo shares are the usual source of links in Vietnam
    }
)
TRACKING_PREFIXES = ("utm_", "__utm", "pk_", "matomo_")

#: session ids, as query parameters or as ``;name=value`` path parameters
SESSION_PARAMS = frozenset(
    {"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "cfid", "cftoken", "aspsessionid"}
)
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid|sessionid)=[^/?#;]*", re.IGNORECASE)
#: ASP.NET cookieless sessions put the id in the path: /(S(lit3py55t21z5v55vlm25s55))/
_ASPNET_COOKIELESS = re.compile(r"/\((?:[A-Z]\([A-Za-z0-9]+\))+\)", re.IGNORECASE)

REFUSED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "sms:", "callto:", "skype:", "zalo:")
DEFAULT_PORTS = {"http": 80, "https": 443}

_TAB_NEWLINE = re.compile(r"[\t\r\n]+")
_PCT = re.compile(r"%[0-9a-fA-F]{2}")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


@dataclass(frozen=True)
class Rewrite:
    """Replace ``pattern`` (searched in the whole URL) by ``replacement`` (``re.sub``)."""

    pattern: re.Pattern[str]
    replacement: str

    @classmethod
    def of(cls, pattern: str, replacement: str) -> Rewrite:
        return cls(re.compile(pattern, re.IGNORECASE), replacement)

    def apply(self, url: str) -> str:
        return self.pattern.sub(self.replacement, url)


@dataclass(frozen=True)
class UrlRules:
    """What one CMS family adds to the generic canonicalisation (data, see adapters)."""

    #: query parameters that do not change the resource (exact names, case-insensitive)
    drop_params: frozenset[str] = frozenset()
    drop_prefixes: tuple[str, ...] = ()
    #: parameter names ending like this are dropped (Liferay's ``_<portlet>_redirect``)
    drop_suffixes: tuple[str, ...] = ()
    #: these parameters come first, in this order (the CMS's own URL builder's order, e.g.
    #: Joomla's option, view, id, catid, Itemid); the others follow, sorted
    param_order: tuple[str, ...] = ()
    #: when set, only these parameters are kept (everything else is dropped)
    keep_only: frozenset[str] | None = None
    #: the server treats paths case-insensitively (IIS): the path is lower-cased
    lowercase_path: bool = False
    #: applied in order after the generic clean-up, then the URL is cleaned again
    rewrites: tuple[Rewrite, ...] = ()
    #: a query parameter holding the base64 URL of the article (Joomla's e-mail view)
    base64_link_param: str | None = None
    #: extra values of these parameters that mark alternate views (print=1, tmpl=component)
    extra: dict[str, str] = field(default_factory=dict)


GENERIC_RULES = UrlRules()


def is_refused_scheme(href: str) -> bool:
    return href.strip().lower().startswith(REFUSED_SCHEMES)


@lru_cache(maxsize=JOIN_CACHE_SIZE)
def resolve_href(href: str | None, base: str) -> str | None:
    """The absolute URL a link points to, or ``None`` when it is not a web link (remembered:
    every reader of a page resolves its links, and a portal's menus repeat on every page)."""
    if href is None:
        return None
    if "&amp;" in href or "&#" in href:
        href = html.unescape(href)  # escaped twice in the source: the browser sees "&amp;"
    href = _TAB_NEWLINE.sub("", href.strip(" \t\r\n\f\x00"))
    if not href or href.startswith("#"):
        return None  # the document itself
    if is_refused_scheme(href):
        return None
    absolute = safe_join(base, href)  # None when malformed (scrapers.portals.safe_urls)
    if absolute is None:
        return None
    scheme = absolute.split(":", 1)[0].lower()
    if scheme not in DEFAULT_PORTS:
        return None
    return absolute


def document_base(html_text: str, url: str) -> str:
    """The base URL of a document: its ``<base href>`` if any, else its own URL."""
    return get_base_url(html_text, url)


def _norm_pct(component: str, safe: str) -> str:
    """Percent-encode what must be, decode what need not be, upper-case the escapes."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(0)[1:], 16))
        return char if char in _UNRESERVED else match.group(0).upper()

    component = _PCT.sub(fix, component)
    # quote leaves existing escapes alone because "%" is in safe
    return quote(component, safe=safe + "%")


def remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4: ``/a/./b/../c`` -> ``/a/c``."""
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == ".":
            if last:
                out.append("")
        elif segment == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/".join(out) or "/"


def _host(netloc_host: str) -> str:
    host = netloc_host.lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return host


def _drop(name: str, rules: UrlRules) -> bool:
    low = name.lower()
    if low in TRACKING_PARAMS or low in SESSION_PARAMS or low.startswith(TRACKING_PREFIXES):
        return True
    if low.startswith("aspsessionid"):
        return True
    if rules.keep_only is not None:
        return low not in rules.keep_only
    return low in rules.drop_params or low.startswith(rules.drop_prefixes) or low.endswith(rules.drop_suffixes)


def _decode_link_param(query: str, param: str) -> str | None:
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.lower() == param.lower() and value:
            padded = value + "=" * (-len(value) % 4)
            try:
                decoded = base64.b64decode(padded, altchars=b"-_" if "-" in value or "_" in value else None)
                text = decoded.decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                return None
            return text if text.startswith(("http://", "https://", "/")) else None
    return None


def _clean(url: str, rules: UrlRules) -> str:
    url = safe_url_string(url.strip(), encoding="utf-8")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = _host(parts.hostname or "")
    port = parts.port if parts.port != DEFAULT_PORTS.get(scheme) else None
    netloc = f"{host}:{port}" if port else host
    path = _ASPNET_COOKIELESS.sub("", _PATH_SESSION.sub("", parts.path)) or "/"
    path = remove_dot_segments(path)
    path = _norm_pct(path, safe="/;:@!$&'()*+,=-._~")
    if rules.lowercase_path:
        path = path.lower()
    pairs = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _drop(name, rules)
    ]
    if rules.param_order:
        rank = {name.lower(): n for n, name in enumerate(rules.param_order)}
        last = len(rank)
        pairs.sort(key=lambda pair: (rank.get(pair[0].lower(), last), pair))
    else:
        pairs.sort()
    query = urlencode(pairs, quote_via=quote, safe="/:@!$'()*+,;-._~")
    return urlunsplit((scheme, netloc, path, query, ""))


def canonicalize(url: str, rules: UrlRules = GENERIC_RULES) -> str:
    """The canonical form of an absolute http(s) URL (idempotent)."""
    if rules.base64_link_param:
        target = _decode_link_param(urlsplit(url).query, rules.base64_link_param)
        if target:
            url = safe_join(url, target) or url
    url = _clean(url, rules)
    if rules.rewrites:
        for rewrite in rules.rewrites:
            url = rewrite.apply(url)
        url = _clean(url, rules)
    return url


def without_session(url: str) -> str:
    """``url`` with its session ids removed (``;jsessionid=`` path parameters, ASP.NET
    cookieless segments, session query parameters), everything else as it was: an alias
    worth keeping is the address a person could use again, not one visitor's session."""
    parts = urlsplit(url)
    path = _ASPNET_COOKIELESS.sub("", _PATH_SESSION.sub("", parts.path)) or "/"
    query = "&".join(
        pair for pair in parts.query.split("&")
        if pair and pair.split("=", 1)[0].lower() not in SESSION_PARAMS
    )
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


@lru_cache(maxsize=JOIN_CACHE_SIZE)
def url_host(url: str) -> str:
    """The lower-case host of a URL (``""`` when it has none or is malformed)."""
    parts = parse_url(url)
    return ((parts.hostname if parts else None) or "").lower().rstrip(".")


def url_path(url: str) -> str:
    return unquote(urlsplit(url).path)
