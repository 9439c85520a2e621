"""A CMS no adapter knows (Đà Nẵng): plain semantic HTML (<article>, <time datetime>), a listing
whose "next page" link never stops, a calendar trap, and the faults listed in sites.py."""

from __future__ import annotations

import re
from html import escape

from ..catalog import Article
from ..content import CATEGORIES
from ..layout import figure, footer, related, share_buttons, view_counter
from ..messages import Request, Response, html, not_found
from .base import Portal, ddmmyyyy

_ARTICLE = re.compile(r"/tin-tuc/(?P<slug>[a-z0-9-]+)-(?P<id>\d+)\.html")
_LISTING = re.compile(r"/chuyen-muc/(?P<cat>[a-z0-9-]+)")
_MONTH = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})")


class GenericPortal(Portal):
    cms = "generic"
    time_optional = True
    IMAGE_RE = re.compile(r"/media/images/\d{4}/(?P<id>\d+)-(?P<n>\d+)\.jpg")
    DOC_RE = re.compile(r"/media/files/(?P<id>\d+)-(?P<n>\d+)\.pdf")

    def article_path(self, a: Article) -> str:
        return f"/tin-tuc/{a.slug}-{a.id}.html"

    def image_path(self, a: Article, n: int) -> str:
        return f"/media/images/{a.published:%Y}/{a.id}-{n}.jpg"

    def doc_path(self, a: Article, n: int) -> str:
        return f"/media/files/{a.id}-{n}.pdf"

    def _time(self, a: Article) -> str:
        if self.shows_time(a):
            return f'<time datetime="{a.published.isoformat()}">{ddmmyyyy(a.published)} {a.published:%H:%M}</time>'
        return f'<time datetime="{a.published.date().isoformat()}">{ddmmyyyy(a.published)}</time>'

    def route(self, req: Request) -> Response | None:
        path = req.path
        if path == "/":
            return self._listing(None, 1)
        if m := _ARTICLE.fullmatch(path):
            return self.serve_article(m.group("id"), path, lambda a: html(self._article(a)))
        if m := _LISTING.fullmatch(path):
            cats = [CATEGORIES[c][0] for c in self.spec.categories]
            if m.group("cat") in cats:
                return self._listing(cats.index(m.group("cat")), max(req.int_arg("page", 1), 1))
        if path == "/lich-cong-tac":
            return self._calendar(req.arg("thang"))
        if path == "/gioi-thieu.html":
            text = f"<p>{escape(self.spec.title)} là cơ quan thuộc hệ thống tổ chức của Bộ Công an.</p>" * 20
            return html(self._page("Giới thiệu", f"<article><h1>Giới thiệu</h1>{text}</article>"))
        if path.startswith("/bao-cao-noi-bo/"):
            return html(self._page("Báo cáo nội bộ", "<p>Tài liệu nội bộ, không dành cho máy thu thập.</p>"))
        return None

    def _page(self, title: str, main: str) -> str:
        nav = "".join(
            f'<a href="/chuyen-muc/{CATEGORIES[c][0]}">{escape(CATEGORIES[c][1])}</a>' for c in self.spec.categories
        )
        return (
            '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)} - {escape(self.spec.title)}</title>\n</head>\n<body>\n"
            f'<header><a href="/">{escape(self.spec.title)}</a><nav>{nav}</nav></header>\n'
            f"<main>{main}</main>\n<aside>{self.links_block()}</aside>\n{footer(self.spec)}\n</body>\n</html>\n"
        )

    def _listing(self, pos: int | None, page: int) -> Response:
        items = self.catalog.page(pos, page)
        rows = (
            "".join(
                f'<article class="teaser"><h2><a href="{self.article_path(a)}">{escape(a.title)}</a></h2>'
                f'{self._time(a)}<p>{escape(a.summary)}</p></article>'
                for a in items
            )
            or "<p>Không có bài viết nào.</p>"
        )
        nxt = ""
        if pos is not None:
            # The "next" link never disappears: past the end, pages are empty but still link on.
            nxt = (
                f'<a rel="next" href="/chuyen-muc/{CATEGORIES[self.spec.categories[pos]][0]}?page={page + 1}">'
                f'Trang sau</a>'
            )
        title = "Trang chủ" if pos is None else CATEGORIES[self.spec.categories[pos]][1]
        return html(self._page(title, f"<h1>{escape(title)}</h1>{rows}<nav>{nxt}</nav>"))

    def _calendar(self, month: str) -> Response | None:
        m = _MONTH.fullmatch(month)
        if not m or not 1 <= int(m.group("m")) <= 12:
            return not_found()
        y, mo = int(m.group("y")), int(m.group("m"))
        prev_m = f"{y - (mo == 1)}-{12 if mo == 1 else mo - 1:02d}"
        next_m = f"{y + (mo == 12)}-{1 if mo == 12 else mo + 1:02d}"
        rows = "".join(
            f"<tr><td>{d:02d}/{mo:02d}/{y}</td><td>Giao ban công tác tuần</td></tr>" for d in (3, 10, 17, 24)
        )
        main = (
            f"<h1>Lịch công tác tháng {mo}/{y}</h1><table>{rows}</table>"
            f'<a href="/lich-cong-tac?thang={prev_m}">« Tháng trước</a> <a href="/lich-cong-tac?thang={next_m}">'
            f'Tháng sau »</a>'
        )
        return html(self._page("Lịch công tác", main))

    def _article(self, a: Article) -> str:
        body = []
        for n, para in enumerate(a.paragraphs):
            body.append(f"<p>{escape(para)}</p>")
            if n == 0:
                body += [figure(i["url"].removeprefix(self.base), i["caption"]) for i in self.images(a)]
        for d in self.attachments(a):
            body.append(
                f'<p><a class="attachment" href="{d["url"].removeprefix(self.base)}">{escape(d["title"])}</a></p>'
            )
        author = f'<p class="author">{escape(a.author)}</p>' if a.author else ""
        rel = related([(self.article_path(r), r.title) for r in self.catalog.related(a)])
        main = (
            f'<article><nav class="breadcrumb"><a href="/chuyen-muc/{a.cat_slug}">{escape(a.cat_name)}</a></nav>'
            f"<h1>{escape(a.title)}</h1><div class=\"meta\">{self._time(a)} {view_counter(a.index)}</div>"
            f'<p class="lead"><strong>{escape(a.summary)}</strong></p>{"".join(body)}{author}'
            f"{share_buttons(self.canonical_url(a))}</article>{rel}"
        )
        return self._page(a.title, main)


PORTAL = GenericPortal
