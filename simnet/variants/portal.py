"""``VariantPortal``: one portal whose URL scheme, markup and wording come from a ``Style``.

URL templates (``families.py``) are filled per article and compiled back into patterns for
routing; aliases (print views, Itemid, utm, session ids, case) are normalised to the canonical
form before a request is matched, so every alias serves the same article.
"""

from __future__ import annotations

import json
import posixpath
import re
import zlib
from urllib.parse import quote

from ..catalog import Article, Catalog
from ..content import CATEGORIES
from ..messages import Request, Response, data, html, not_found
from ..portals.base import Portal
from ..portals.webforms import encode_cp1258
from ..sites import SiteSpec
from . import pages
from .scripts import SCRIPT_PATH, needs_script, portal_script
from .style import Style, stable_hex

_PLACEHOLDERS = {
    "slug": r"[a-z0-9-]+", "cat": r"[a-z0-9-]+", "id": r"\d+", "catid": r"\d+", "itemid": r"\d+", "page": r"\d+",
    "start": r"\d+", "yyyy": r"\d{4}", "mm": r"\d{2}", "n": r"\d+",
}
_TOKEN = re.compile(r"\{(\w+)\}")
#: query parameters that make an alias of the same page (tracking, session, view switches)
VOLATILE = frozenset({"utm_source", "utm_medium", "utm_campaign", "sid", "redirect", "print", "tmpl", "amp"})
_JSESSION = re.compile(r";jsessionid=[^/?]*", re.IGNORECASE)
_VIEW_SEGMENT = re.compile(r"(?<=[/=])(?:print|savefile)/")
DETAIL_ACTION = "GetDetail"


def compile_template(template: str, flags: int = 0) -> re.Pattern[str]:
    out, pos = [], 0
    for m in _TOKEN.finditer(template):
        out.append(re.escape(template[pos:m.start()]))
        name = m.group(1)
        out.append(f"(?P<{name}>{_PLACEHOLDERS.get(name, '[^/?&]+')})")
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("".join(out), flags)


def fill(template: str, **values: object) -> str:
    return _TOKEN.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


def normalise_target(target: str) -> str:
    """The canonical form of an alias target: no session id, tracking or view parameters."""
    target = _JSESSION.sub("", target)
    target = _VIEW_SEGMENT.sub("", target, count=1)
    path, _, query = target.partition("?")
    if path.endswith("/amp/"):
        path = path[:-4]
    kept = [p for p in query.split("&") if p and p.split("=", 1)[0] not in VOLATILE]
    return path + ("?" + "&".join(kept) if kept else "")


def query_key(target: str) -> str:
    """``target`` with its query parameters sorted (servers read parameters in any order)."""
    path, _, query = target.partition("?")
    return path + ("?" + "&".join(sorted(p for p in query.split("&") if p)) if query else "")


def in_template_order(target: str, template: str) -> str:
    """The query of ``target`` reordered as ``template`` writes it (parameters it lacks last), so
    that a crawler which sorts parameters reaches the same page."""
    path, _, query = target.partition("?")
    if not query:
        return target
    order = [p.split("=", 1)[0] for p in template.partition("?")[2].split("&") if p]
    params = [p for p in query.split("&") if p]
    rank = {name: i for i, name in enumerate(order)}
    params.sort(key=lambda p: rank.get(p.split("=", 1)[0], len(order)))
    return path + "?" + "&".join(params)


class VariantPortal(Portal):
    time_optional = False

    def __init__(self, spec: SiteSpec, catalog: Catalog, sites: tuple[SiteSpec, ...], style: Style) -> None:
        super().__init__(spec, catalog, sites)
        self.style = style
        self.cms = style.family
        # the page shows a time where the visible date, article:published_time or the detail API has one
        self.date_only = not (style.shows_time or style.meta_published or style.shell)
        flags = re.IGNORECASE if style.case_insensitive else 0
        self._article_re = compile_template(style.article_t, flags)
        self._page_re = compile_template(style.page_t, flags)
        self.IMAGE_RE = compile_template(style.image_t)
        self.DOC_RE = compile_template(style.doc_t)
        self.detail_path = style.api_path.rsplit("/", 1)[0] + "/" + DETAIL_ACTION if style.shell else ""

    # -- URLs --------------------------------------------------------------------------
    def _values(self, a: Article) -> dict[str, object]:
        return {"slug": a.slug, "id": a.id, "cat": a.cat_slug, "catid": 10 + a.cat_pos,
                "itemid": self.style.itemid_base + a.cat_pos, "yyyy": f"{a.published:%Y}", "mm": f"{a.published:%m}"}

    def article_path(self, a: Article) -> str:
        return fill(self.style.article_t, **self._values(a))

    def alias(self, a: Article, kind: str) -> str:
        """The alias of ``a`` of one kind (print view, Itemid, utm, session id, case...)."""
        art = self.article_path(a)
        q = "&" if "?" in art else "?"
        path, _, query = art.partition("?")
        if kind == "api":
            return f"{self.detail_path}?id={a.id}"
        if kind == "itemid":
            return fill(self.style.article_t, **{**self._values(a), "itemid": self.style.itemid_base})
        if kind == "jsession":
            return f"{path};jsessionid={stable_hex(art)}" + (f"?{query}" if query else "")
        if kind == "lr_redirect":
            return f"{art}{q}redirect={quote(self.base + self.listing_path(a.cat_pos - 1, 1), safe='')}"
        if kind in ("nv_print", "nv_savefile") and "{cat}/" in self.style.article_t:
            # NukeViet news module: op=print/<cat>/<alias>-<id> and op=savefile/... (rewritten /news/print/...)
            return fill(self.style.article_t.replace("{cat}/", kind[3:] + "/{cat}/", 1), **self._values(a))
        return {
            "lower": art.lower(), "wp_p": f"/?p={a.id}", "utm": f"{art}{q}utm_source=facebook&utm_medium=social",
            "amp": f"{art}amp/" if art.endswith("/") else f"{art}{q}amp=1", "jprint": f"{art}{q}tmpl=component&print=1",
            "session": f"{art}{q}sid={stable_hex(art, 26).lower()}",
        }.get(kind, f"{art}{q}print=1")

    def alias_paths(self, a: Article) -> list[str]:
        art = self.article_path(a)
        out: list[str] = []
        for kind in self.style.alias_kinds:
            alias = self.alias(a, kind)
            if alias != art and alias not in out and not (kind == "wp_p" and "?p=" in art):
                out.append(alias)
        return out

    def _linked_alias(self, a: Article, kinds: tuple[str, ...]) -> str | None:
        aliases = self.alias_paths(a)
        for kind in kinds:
            if kind in self.style.alias_kinds and self.alias(a, kind) in aliases:
                return self.alias(a, kind)
        return None

    def listing_link(self, a: Article) -> str:
        """How listings link an article (session-carrying portals never link the canonical)."""
        return self._linked_alias(a, ("jsession", "session", "lr_redirect")) or self.article_path(a)

    def home_link(self, a: Article) -> str:
        """How the home page links an article (tracking or Itemid forms where the portal has them)."""
        return self._linked_alias(a, ("utm", "itemid", "wp_p", "lower")) or self.listing_link(a)

    def listing_path(self, pos: int, page: int) -> str:
        cat = CATEGORIES[self.spec.categories[pos]][0]
        values = {"cat": cat, "catid": 11 + pos, "itemid": self.style.itemid_base + pos + 1, "page": page,
                  "start": (page - 1) * self.spec.page_size}
        return fill(self.style.listing_t if page == 1 else self.style.page_t, **values)

    def api_listing_path(self, pos: int, page: int) -> str:
        s = self.style
        parts = [f"{s.api_cat}={11 + pos}", f"{s.api_page}={page}"]
        if s.api_size and s.link_mode == "json":
            parts.append(f"{s.api_size}={self.spec.page_size}")
        if s.api_extra:
            parts.insert(0, s.api_extra)
        return f"{s.api_path}?{'&'.join(parts)}"

    def image_path(self, a: Article, n: int) -> str:
        return fill(self.style.image_t, **self._values(a), n=n)

    def doc_path(self, a: Article, n: int) -> str:
        return fill(self.style.doc_t, **self._values(a), n=n)

    def href(self, path: str, current: str) -> str:
        """``path`` as this portal writes it in a page at ``current`` (style.href_mode)."""
        mode = self.style.href_mode
        if mode == "absolute" or path.startswith("http"):
            return path if path.startswith("http") else self.base + path
        if mode == "base":
            return path.lstrip("/") or "./"
        if mode == "relative":
            target, sep, query = path.partition("?")
            here = current.partition("?")[0]
            directory = here if here.endswith("/") else posixpath.dirname(here) or "/"
            rel = posixpath.relpath(target, directory)
            if target.endswith("/") and rel != ".":
                rel += "/"
            rel = "./" if rel == "." else rel
            if ":" in rel.split("/", 1)[0]:
                rel = "./" + rel
            return rel + sep + query
        return path

    # -- routing -------------------------------------------------------------------------
    def find_article(self, target: str) -> Article | int | None:
        """The article an article or alias target serves (410 when deleted)."""
        norm = in_template_order(normalise_target(target), self.style.article_t)
        m = self._article_re.fullmatch(norm)
        found: Article | int | None = None
        if m and "id" in m.groupdict():
            found = self.article(m.group("id"))
        elif m:
            index = self.index_of_slug(m.group("slug").lower())
            if index is not None:
                if self.catalog.was_deleted(index):
                    found = 410
                elif self.catalog.exists(index):
                    found = self.catalog.get(index)
        elif (pm := re.fullmatch(r"/\?p=(\d+)", norm)) and "wp_p" in self.style.alias_kinds:
            found = self.article(pm.group(1))
        if not isinstance(found, Article):
            return found
        forms = {query_key(normalise_target(p)) for p in [self.article_path(found), *self.alias_paths(found)]}
        norm = query_key(norm)
        if self.style.case_insensitive:
            forms, norm = {f.lower() for f in forms}, norm.lower()
        return found if norm in forms else None

    def route(self, req: Request) -> Response | None:
        target, s = req.target, self.style
        if req.path in ("/", "/index.php", "/Default.aspx") and not req.query:
            return self.finish(pages.home(self))
        if req.path == SCRIPT_PATH and needs_script(s):
            return data(portal_script(s).encode(), "application/javascript; charset=utf-8")
        if self.detail_path and req.path.lower() == self.detail_path.lower():
            return self._detail(req)
        if s.api_path and req.path.lower() == s.api_path.lower():
            return self._api(req)
        for prefix, _ in self.spec.extra_links:
            if prefix.startswith("/quan-tri") and req.path.startswith(prefix.split("?")[0]):
                return self.finish(pages.simple(self, "Quản trị", "Khu vực quản trị."))
        found = self.find_article(target)
        if found == 410:
            return not_found(410)
        if isinstance(found, Article):
            printing = any(k in target for k in ("print=1", "tmpl=component", "print/"))
            return self.article_response(found, self.finish(pages.article(self, found, req.path, printing)))
        for pos in range(len(self.spec.categories)):
            if self._same(target, self.listing_path(pos, 1)):
                return self.finish(pages.listing(self, pos, 1, req.path))
        if m := self._page_re.fullmatch(in_template_order(target, s.page_t)):
            for pos in range(len(self.spec.categories)):
                page = int(m.groupdict().get("page") or int(m.groupdict().get("start", 0)) // self.spec.page_size + 1)
                if page >= 2 and self._same(target, self.listing_path(pos, page)):
                    return self.finish(pages.listing(self, pos, page, req.path))
        return None

    def _same(self, a: str, b: str) -> bool:
        a, b = query_key(a), query_key(b)
        return a.lower() == b.lower() if self.style.case_insensitive else a == b

    def finish(self, text: str, status: int = 200) -> Response:
        """HTML in this portal's encoding: UTF-8, windows-1258 declared in a meta tag only, or NFD."""
        if self.style.encoding == "cp1258":
            resp = html("", status, charset=None)
            resp.body = encode_cp1258(text)
            return resp
        return html(self.t(text), status)

    def _json(self, obj: object, status: int = 200) -> Response:
        return data(json.dumps(obj, ensure_ascii=False).encode(), "application/json; charset=utf-8", status)

    def _api(self, req: Request) -> Response:
        s = self.style
        pos = req.int_arg(s.api_cat, 0) - 11
        page = max(req.int_arg(s.api_page, 1), 1)
        if not 0 <= pos < len(self.spec.categories):
            return self._json({s.api_fields[0]: [], "Message": "Tham số không hợp lệ"})
        items = self.catalog.page(pos, page)
        if s.link_mode == "more":
            return self.finish(pages.more_fragment(self, pos, page, items))
        _, url_f, title_f, id_f = s.api_fields
        rows = [{id_f: a.id, title_f: a.title, url_f: self.listing_link(a), "Summary": a.summary,
                 "PublishDate": a.published.strftime("%Y-%m-%dT%H:%M:%S")} for a in items]
        return self._json({s.api_fields[0]: rows, "TotalRecord": self.catalog.total(pos), s.api_page: page})

    def _detail(self, req: Request) -> Response:
        found = self.article(req.arg("id"))
        if found == 410:
            return self._json({"Data": None}, 410)
        if not isinstance(found, Article):
            return self._json({"Data": None}, 404)
        return self.article_response(found, self._json({"Data": pages.detail_json(self, found)}))

    def asset(self, req: Request) -> Response | None:
        resp = super().asset(req)
        if resp is not None and self.style.attach_noext and resp.header("Content-Type") == "application/pdf":
            name = f"van-ban-{zlib.crc32(req.target.encode())}.pdf"
            resp.headers.append(("Content-Disposition", f'attachment; filename="{name}"'))
        return resp
