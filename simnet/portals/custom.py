"""A custom portal like Vĩnh Phúc's: its "Liên kết công an các tỉnh" links exist only as
<select><option value=...> entries; robots.txt asks for Crawl-delay: 1; hand-written, sloppy
HTML (upper-case tags, unclosed <P> and <FONT>)."""

from __future__ import annotations

import re
from html import escape

from ..catalog import Article
from ..content import CATEGORIES
from ..layout import footer, related, share_buttons
from ..messages import Request, Response, html
from .base import Portal, ddmmyyyy

_ARTICLE = re.compile(r"/tin-bai/(?P<slug>[a-z0-9-]+)-(?P<id>\d+)\.htm")
_LISTING = re.compile(r"/chuyen-muc/(?P<cat>[a-z0-9-]+)\.htm")


class CustomPortal(Portal):
    cms = "custom"
    time_optional = True
    IMAGE_RE = re.compile(r"/upload/tin-bai/(?P<id>\d+)-(?P<n>\d+)\.png")
    DOC_RE = re.compile(r"/upload/van-ban/(?P<id>\d+)-(?P<n>\d+)\.pdf")

    def article_path(self, a: Article) -> str:
        return f"/tin-bai/{a.slug}-{a.id}.htm"

    def image_path(self, a: Article, n: int) -> str:
        return f"/upload/tin-bai/{a.id}-{n}.png"

    def doc_path(self, a: Article, n: int) -> str:
        return f"/upload/van-ban/{a.id}-{n}.pdf"

    def _date(self, a: Article) -> str:
        if self.shows_time(a):
            return f"Cập nhật lúc {a.published:%H:%M}, ngày {ddmmyyyy(a.published)}"
        return f"Ngày {ddmmyyyy(a.published)}"

    def route(self, req: Request) -> Response | None:
        path = req.path
        if path in ("/", "/trang-chu.htm"):
            return self._listing(None, 1)
        if m := _ARTICLE.fullmatch(path):
            return self.serve_article(m.group("id"), path, lambda a: html(self._article(a)))
        if m := _LISTING.fullmatch(path):
            cats = [CATEGORIES[c][0] for c in self.spec.categories]
            if m.group("cat") in cats:
                return self._listing(cats.index(m.group("cat")), req.int_arg("trang", 1))
        if path == "/quan-tri/dang-nhap.htm":
            return html(
                self._page("Quản trị", '<form method="post"><input name="u"><input name="p" type="password"></form>'),
                cacheable=False,
            )
        return None

    def _page(self, title: str, main: str) -> str:
        nav = "".join(
            f'<a href="/chuyen-muc/{CATEGORIES[c][0]}.htm">{escape(CATEGORIES[c][1])}</a>' for c in self.spec.categories
        )
        return (
            '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)}</title>\n</head>\n<body>\n"
            f'<div id="top"><a href="/">Trang chủ</a> {nav}</div>\n<div id="noidung">{main}</div>\n'
            f'<div id="cotphai">{self.links_block(as_select=True)}</div>\n'
            '<div id="chantrang">CỔNG THÔNG TIN - GIAO TIẾP ĐIỆN TỬ CÔNG AN TỈNH VĨNH PHÚC</div>\n'
            f"{footer(self.spec)}\n</body>\n</html>\n"
        )

    def _listing(self, pos: int | None, page: int) -> Response | None:
        items = self.catalog.page(pos, page)
        if not items:
            return None
        rows = "".join(
            f'<div class="tin"><a href="{self.article_path(a)}"><b>{escape(a.title)}</b></a><br><i>'
            f'{self._date(a)}</i></div>'
            for a in items
        )
        pager = ""
        if pos is not None and self.catalog.pages(pos) > 1:
            cat = CATEGORIES[self.spec.categories[pos]][0]
            pager = " ".join(
                f'<a href="/chuyen-muc/{cat}.htm?trang={p}">{p}</a>' for p in range(1, self.catalog.pages(pos) + 1)
            )
        return html(self._page("Cổng thông tin Công an tỉnh Vĩnh Phúc", rows + pager))

    def _article(self, a: Article) -> str:
        body = []
        for n, para in enumerate(a.paragraphs):
            body.append(f"<P>{escape(para)}\n")  # hand-written HTML: upper case, never closed
            if n == 2:
                body += [
                    f'<center><img src="{i["url"].removeprefix(self.base)}"><br><span class="ghichu">'
                    f'{escape(i["caption"])}</span></center>'
                    for i in self.images(a)
                ]
        if len(a.paragraphs) <= 2:
            body += [
                f'<center><img src="{i["url"].removeprefix(self.base)}"><br><span class="ghichu">'
                f'{escape(i["caption"])}</span></center>'
                for i in self.images(a)
            ]
        docs = "".join(
            f'<p><a href="{d["url"].removeprefix(self.base)}">{escape(d["title"])}</a></p>' for d in self.attachments(a)
        )
        author = f'<div class="tacgia">Tác giả: {escape(a.author)}</div>' if a.author else ""
        rel = related([(self.article_path(r), r.title) for r in self.catalog.related(a)], "Tin khác")
        main = (
            f'<div class="chitiet"><div class="chuyenmuc">{escape(a.cat_name)}</div><h2 class="tieude">'
            f'{escape(a.title)}</h2>'
            f'<div class="ngay"><FONT color="#666666">{self._date(a)}</div>{author}<div class="tomtat"><b>'
            f'{escape(a.summary)}</b></div>'
            f'<div class="noidung">{"".join(body)}</div>{docs}{share_buttons(self.canonical_url(a))}</div>{rel}'
        )
        return self._page(a.title, main)


PORTAL = CustomPortal
