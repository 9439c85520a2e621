"""VNPT Portal (Lào Cai): category pages show their first page; more comes from an AJAX endpoint
returning an HTML fragment (/Ajax/ArticleList?cat=N&page=P, empty past the end); articles at
/<category>/<slug>-<id>; lists as ul.ArticleList > li > h2.Title > a."""

from __future__ import annotations

import re
from html import escape

from ..catalog import Article
from ..content import CATEGORIES
from ..layout import figure, footer, related, share_buttons, view_counter
from ..messages import Request, Response, html
from .base import Portal, ddmmyyyy

_ARTICLE = re.compile(r"/(?P<cat>[a-z0-9-]+)/(?P<slug>[a-z0-9-]+)-(?P<id>\d+)")
_CATEGORY = re.compile(r"/(?P<cat>[a-z0-9-]+)")


class VnptPortal(Portal):
    cms = "vnpt"
    time_optional = True
    IMAGE_RE = re.compile(r"/Uploads/laocai/\d{4}/\d{2}/(?P<id>\d+)_(?P<n>\d+)\.jpg")
    DOC_RE = re.compile(r"/Uploads/laocai/van-ban/(?P<id>\d+)_(?P<n>\d+)\.pdf")

    def article_path(self, a: Article) -> str:
        return f"/{a.cat_slug}/{a.slug}-{a.id}"

    def image_path(self, a: Article, n: int) -> str:
        return f"/Uploads/laocai/{a.published:%Y/%m}/{a.id}_{n}.jpg"

    def doc_path(self, a: Article, n: int) -> str:
        return f"/Uploads/laocai/van-ban/{a.id}_{n}.pdf"

    def _date(self, a: Article) -> str:
        return f"{ddmmyyyy(a.published)} {a.published:%H:%M}" if self.shows_time(a) else ddmmyyyy(a.published)

    def _cats(self) -> list[str]:
        return [CATEGORIES[c][0] for c in self.spec.categories]

    def route(self, req: Request) -> Response | None:
        path = req.path
        if path == "/":
            return html(self._page("Trang chủ", f'<ul class="ArticleList">{self._items(None, 1)}</ul>'))
        if path == "/Ajax/ArticleList":
            pos = req.int_arg("cat", 0) - 1
            if not 0 <= pos < len(self.spec.categories):
                return html("", cacheable=False)
            return html(self._items(pos, req.int_arg("page", 1)), cacheable=False)
        if m := _ARTICLE.fullmatch(path):
            return self.serve_article(m.group("id"), path, lambda a: html(self._article(a)))
        if (m := _CATEGORY.fullmatch(path)) and m.group("cat") in self._cats():
            pos = self._cats().index(m.group("cat"))
            more = ""
            if self.catalog.pages(pos) > 1:
                more = (
                    f'<div class="ViewMore"><a class="btn-more" href="javascript:void(0)" data-cat="{pos + 1}" '
                    f'data-page="2" '
                    f'data-url="/Ajax/ArticleList?cat={pos + 1}&amp;page=2">Xem thêm</a></div>'
                    "<script>$('.btn-more').click(function(){var b=$(this);$.get('/Ajax/ArticleList',"
                    "{cat:b.data('cat'),page:b.data('page')},"
                    "function(h){if(!h){b.hide();return;}$('ul.ArticleList').append(h);b.data('page',b.data('page')+1);});});</script>"
                )
            name = CATEGORIES[self.spec.categories[pos]][1]
            return html(
                self._page(
                    name,
                    f'<h1 class="CateTitle">{escape(name)}</h1><ul class="ArticleList">'
                    f'{self._items(pos, 1)}</ul>{more}',
                )
            )
        return None

    def _items(self, pos: int | None, page: int) -> str:
        return "".join(
            f'<li><h2 class="Title"><a href="{self.article_path(a)}">{escape(a.title)}</a></h2>'
            f'<span class="Time">{self._date(a)}</span><div class="Summary">{escape(a.summary)}</div></li>'
            for a in self.catalog.page(pos, page)
        )

    def _page(self, title: str, main: str) -> str:
        nav = "".join(
            f'<li><a href="/{CATEGORIES[c][0]}">{escape(CATEGORIES[c][1])}</a></li>' for c in self.spec.categories
        )
        return (
            '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)} | Công an tỉnh {escape(self.spec.province)}</title>\n"
            '<script src="/Scripts/jquery.min.js"></script>\n</head>\n<body>\n'
            f'<div class="Header"><a href="/">Công an tỉnh {escape(self.spec.province)}</a><ul class="MainMenu">'
            f'{nav}</ul></div>\n'
            f'<div class="MainContent">{main}</div>\n<div class="RightColumn">{self.links_block()}</div>\n'
            f"{footer(self.spec)}\n</body>\n</html>\n"
        )

    def _article(self, a: Article) -> str:
        body = []
        for n, para in enumerate(a.paragraphs):
            body.append(f'<p style="text-align: justify;">{escape(para)}</p>')
            if n == 1:
                body += [figure(i["url"].removeprefix(self.base), i["caption"]) for i in self.images(a)]
        for d in self.attachments(a):
            body.append(f'<p>File đính kèm: <a href="{d["url"].removeprefix(self.base)}">{escape(d["title"])}</a></p>')
        if a.author:
            body.append(f'<p style="text-align: right;"><strong>{escape(a.author)}</strong></p>')
        rel = related([(self.article_path(r), r.title) for r in self.catalog.related(a)], "Tin cùng chuyên mục")
        main = (
            f'<div class="BreadCrumb"><a href="/{a.cat_slug}">{escape(a.cat_name)}</a></div>'
            f'<div class="ArticleDetail"><h1 class="Title">{escape(a.title)}</h1>'
            f'<div class="PublishDate">{self._date(a)} {view_counter(a.index)}</div>'
            f'<div class="Lead">{escape(a.summary)}</div><div class="ArticleContent">{"".join(body)}</div>'
            f"{share_buttons(self.canonical_url(a))}</div>{rel}"
        )
        return self._page(a.title, main)


PORTAL = VnptPortal
