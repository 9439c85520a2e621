"""Liferay 6.2 (Quảng Ngãi, Đắk Lắk): ``;jsessionid=<random per response>`` in every link, asset-publisher
article URLs with p_p_id/p_p_lifecycle/_redirect parameters, /documents/<gid>/<fid>/<file>/<uuid>
documents (one of them 50 MB), /image/journal/article?img_id=N images, three Set-Cookie headers."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from html import escape
from urllib.parse import quote

from .. import assets
from ..catalog import Article
from ..content import CATEGORIES, slugify
from ..layout import footer, related, share_buttons
from ..messages import Request, Response, html, not_found, redirect
from .base import Portal

SID = "@@JSESSIONID@@"  # replaced by a fresh random session id in every response
HUGE_TITLE = "Báo cáo tổng hợp tình hình an ninh trật tự năm 2024"
HUGE_FILE_ID = 9999999
_JSESSION = re.compile(r";jsessionid=[^/?]*", re.IGNORECASE)
_CONTENT = re.compile(r"/web/guest/tin-tuc/-/asset_publisher/(?P<inst>\w+)/content/(?P<slug>[a-z0-9-]+)")
_CATEGORY = re.compile(r"/web/guest/(?P<cat>[a-z0-9-]+)")


def instance(cat_slug: str) -> str:
    """The asset publisher portlet instance id of a category (stable, 12 characters)."""
    return hashlib.md5(cat_slug.encode()).hexdigest()[:12].replace("0", "X")


def date_dmy(d: object) -> str:
    return str(d.strftime("%d-%m-%Y %H:%M:%S"))  # type: ignore[attr-defined]


class Liferay(Portal):
    cms = "liferay"
    shows_modified = True
    IMAGE_RE = re.compile(r"/image/journal/article\?img_id=(?P<id>\d+)(?P<n>\d)&t=\d+")
    DOC_RE = re.compile(r"/documents/\d+/(?P<id>\d+)(?P<n>\d)/[a-z0-9-]+\.pdf/[0-9a-f-]{36}")

    def article_path(self, a: Article) -> str:
        return f"/web/guest/tin-tuc/-/asset_publisher/{instance(a.cat_slug)}/content/{a.slug}"

    def image_path(self, a: Article, n: int) -> str:
        return f"/image/journal/article?img_id={a.id}{n}&t={int(a.published.timestamp())}"

    def doc_path(self, a: Article, n: int) -> str:
        name = slugify(a.attachment_titles[n])
        return f"/documents/{self.spec.group_id}/{a.id}{n}/{name}.pdf/{uuid.uuid5(uuid.NAMESPACE_URL, f'{a.id}/{n}')}"

    def attachments(self, a: Article) -> list[dict[str, str]]:
        docs = super().attachments(a)
        if a.index == self.spec.oversized_article:
            docs.append({"url": self.base + self.huge_path(), "title": HUGE_TITLE})
        return docs

    def huge_path(self) -> str:
        return (
            f"/documents/{self.spec.group_id}/{HUGE_FILE_ID}/{slugify(HUGE_TITLE)}.pdf/"
            f"{uuid.uuid5(uuid.NAMESPACE_URL, 'huge')}"
        )

    # -- routing -------------------------------------------------------------------------
    def route(self, req: Request) -> Response | None:
        path = _JSESSION.sub("", req.path)
        if path == "/":
            return redirect(f"{self.base}/web/guest/trang-chu", 302)
        if self.spec.oversized_article is not None and path == self.huge_path():
            size, blocks = assets.huge_pdf(HUGE_TITLE)
            resp = Response(200, [("Content-Type", "application/pdf")], stream=lambda: blocks, length=size)
            resp.fault = "oversized"
            return resp
        if m := _CONTENT.fullmatch(path):
            index = self.index_of_slug(m.group("slug"))
            if index is None:
                return None
            if self.catalog.was_deleted(index):
                return not_found(410)
            a = self.catalog.get(index)
            if not self.catalog.exists(index) or instance(a.cat_slug) != m.group("inst"):
                return None
            return self._finish(self._article(a), a)
        if path == "/web/guest/trang-chu":
            home = self._listing(None, 1)
            return self._finish(home) if home is not None else None
        if m := _CATEGORY.fullmatch(path):
            cats = [CATEGORIES[c][0] for c in self.spec.categories]
            if m.group("cat") not in cats:
                return None
            pos = cats.index(m.group("cat"))
            inst = instance(cats[pos])
            page = req.int_arg(f"_101_INSTANCE_{inst}_cur", 1)
            body = self._listing(pos, page)
            return self._finish(body) if body else None
        return None

    def asset(self, req: Request) -> Response | None:
        if req.path == self.huge_path():
            return None  # served by route(), streamed
        return super().asset(
            Request(req.method, req.host, _JSESSION.sub("", req.path), req.query, req.headers, req.body)
        )

    def _finish(self, text: str, a: Article | None = None) -> Response:
        """Entity tag of the page without its session id, then a fresh session id everywhere."""
        template = text.encode()
        sid = secrets.token_hex(16).upper()
        resp = html(text.replace(SID, sid))
        resp.etag = '"' + hashlib.sha1(template).hexdigest()[:20] + '"'
        resp.headers += [
            ("Set-Cookie", f"JSESSIONID={sid}; Path=/; HttpOnly"),
            ("Set-Cookie", "GUEST_LANGUAGE_ID=vi_VN; Expires=Thu, 31-Dec-2037 23:59:59 GMT; Path=/"),
            ("Set-Cookie", "COOKIE_SUPPORT=true; Expires=Thu, 31-Dec-2037 23:59:59 GMT; Path=/"),
            ("Liferay-Portal", "Liferay Portal Community Edition 6.2 CE GA6 (Newton / Build 6205 / January 6, 2016)"),
        ]
        if a is not None:
            resp.last_modified = a.last_modified.timestamp()
        return resp

    def _link(self, path: str, query: str = "") -> str:
        return f"{path};jsessionid={SID}" + (f"?{query}" if query else "")

    def _page(self, title: str, main: str) -> str:
        nav = "".join(
            f'<li><a href="{self._link("/web/guest/" + CATEGORIES[c][0])}"><span>'
            f'{escape(CATEGORIES[c][1])}</span></a></li>'
            for c in self.spec.categories
        )
        return (
            '<!DOCTYPE html>\n<html class="aui ltr" dir="ltr" lang="vi-VN">\n<head>\n'
            f"<title>{escape(title)} - Công an tỉnh {escape(self.spec.province)}</title>\n"
            '<meta content="text/html; charset=UTF-8" http-equiv="content-type">\n'
            '</head>\n<body class="yui3-skin-sam controls-visible guest-site signed-out public-page site">\n'
            f'<header id="banner"><a class="logo" href="{self._link("/web/guest/trang-chu")}">'
            f'{escape(self.spec.title)}</a>'
            f'<nav class="sort-pages modify-pages" id="navigation"><ul>{nav}</ul></nav></header>\n'
            f'<div id="content"><div class="portlet-body">{main}</div>'
            f'<div class="portlet-boundary">{self.links_block()}</div></div>\n{footer(self.spec)}\n</body>\n</html>\n'
        )

    def _listing(self, pos: int | None, page: int) -> str | None:
        items = self.catalog.page(pos, page)
        if not items:
            return None
        cat = CATEGORIES[self.spec.categories[pos]][0] if pos is not None else "trang-chu"
        listing_url = f"{self.base}/web/guest/{cat}"
        rows = []
        for a in items:
            inst = instance(a.cat_slug)
            query = (
                f"p_p_id=101_INSTANCE_{inst}&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
                f"&_101_INSTANCE_{inst}_redirect={quote(listing_url, safe='')}"
            )
            rows.append(
                f'<div class="asset-abstract"><h3 class="asset-title"><a '
                f'href="{self._link(self.article_path(a), query)}">{escape(a.title)}</a></h3>'
                f'<div class="asset-summary">{escape(a.summary)}</div><span class="metadata-entry">'
                f'{date_dmy(a.published)}</span></div>'
            )
        pager = ""
        if pos is not None:
            inst = instance(cat)
            links = []
            for p in range(1, self.catalog.pages(pos) + 1):
                q = (
                    f"p_p_id=101_INSTANCE_{inst}&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&"
                    f"_101_INSTANCE_{inst}_cur={p}&_101_INSTANCE_{inst}_delta={self.spec.page_size}"
                )
                links.append(f'<li><a href="{self._link("/web/guest/" + cat, q)}">{p}</a></li>')
            pager = f'<div class="pagination"><ul>{"".join(links)}</ul></div>'
        title = "Trang chủ" if pos is None else CATEGORIES[self.spec.categories[pos]][1]
        return self._page(title, f'<h2 class="portlet-title">{escape(title)}</h2>{"".join(rows)}{pager}')

    def _article(self, a: Article) -> str:
        body = []
        for n, para in enumerate(a.paragraphs):
            body.append(f"<p>{escape(para)}</p>")
            if n == 1:
                for img in self.images(a):
                    body.append(
                        f'<p style="text-align: center;"><img src="{escape(img["url"].removeprefix(self.base))}"></p>'
                        f'<p style="text-align: center;"><span style="font-size:12px;"><em>'
                        f'{escape(img["caption"])}</em></span></p>'
                    )
        docs = "".join(
            f'<li><a href="{escape(d["url"].removeprefix(self.base))}">{escape(d["title"])}</a></li>'
            for d in self.attachments(a)
        )
        files = f'<div class="asset-attachments"><b>File đính kèm:</b><ul>{docs}</ul></div>' if docs else ""
        updated = f' <span class="update-date">Cập nhật: {date_dmy(a.modified)}</span>' if a.modified else ""
        author = (
            f'<div class="asset-author" style="text-align:right"><strong>{escape(a.author)}</strong></div>'
            if a.author
            else ""
        )
        inst = instance(a.cat_slug)
        rel = related(
            [
                (self._link(self.article_path(r), f"p_p_id=101_INSTANCE_{inst}&p_p_lifecycle=0"), r.title)
                for r in self.catalog.related(a)
            ],
            "Tin khác",
        )
        crumbs = (
            f'<ul class="breadcrumbs breadcrumbs-horizontal lfr-component"><li class="first"><a '
            f'href="{self._link("/web/guest/trang-chu")}">Trang chủ</a></li>'
            f'<li class="last"><a href="{self._link("/web/guest/" + a.cat_slug)}">{escape(a.cat_name)}</a></li></ul>'
        )
        main = (
            f'{crumbs}<div class="journal-content-article"><div class="taglib-header"><h1 class="header-title"><span>'
            f'{escape(a.title)}</span></h1></div>'
            f'<div class="news-date">{date_dmy(a.published)}{updated}</div>'
            f'<div class="news-summary"><strong>{escape(a.summary)}</strong></div>'
            f'<div class="news-content">{"".join(body)}</div>{author}{files}'
            f"{share_buttons(self.canonical_url(a))}</div>{rel}"
        )
        return self._page(a.title, main)


PORTAL = Liferay
