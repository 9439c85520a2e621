"""NukeViet 4.5 (Lai Châu): /news/<cat>/<slug>-<id>.html, the same article again under
/savefile/<cat>/<slug>-<id>.html, listings /news/<cat>/ and /news/<cat>/page-N/."""

from __future__ import annotations

import re
from html import escape

from ..catalog import Article
from ..content import CATEGORIES
from ..layout import footer, related, share_buttons, table_figure, view_counter
from ..messages import Request, Response, html, not_found
from .base import Portal, ddmmyyyy, weekday_vn

_ARTICLE = re.compile(r"/(?P<kind>news|savefile)/(?P<cat>[a-z0-9-]+)/(?P<slug>[a-z0-9-]+)-(?P<id>\d+)\.html")
_LISTING = re.compile(r"/news/(?P<cat>[a-z0-9-]+)/(?:page-(?P<page>\d+)/)?")


def nv_date(a: Article) -> str:
    """"Thứ Hai, 12/03/2024 - 09:15"."""
    return f"{weekday_vn(a.published)}, {ddmmyyyy(a.published)} - {a.published:%H:%M}"


class NukeViet(Portal):
    cms = "nukeviet"
    IMAGE_RE = re.compile(r"/uploads/news/\d{4}_\d{2}/[a-z0-9-]+-(?P<id>\d+)-(?P<n>\d+)\.jpg")
    DOC_RE = re.compile(r"/uploads/news/\d{4}_\d{2}/van-ban-(?P<id>\d+)-(?P<n>\d+)\.pdf")

    def article_path(self, a: Article) -> str:
        return f"/news/{a.cat_slug}/{a.slug}-{a.id}.html"

    def alias_paths(self, a: Article) -> list[str]:
        return [f"/savefile/{a.cat_slug}/{a.slug}-{a.id}.html"]

    def image_path(self, a: Article, n: int) -> str:
        return f"/uploads/news/{a.published:%Y_%m}/{a.slug[:30].strip('-')}-{a.id}-{n}.jpg"

    def doc_path(self, a: Article, n: int) -> str:
        return f"/uploads/news/{a.published:%Y_%m}/van-ban-{a.id}-{n}.pdf"

    def route(self, req: Request) -> Response | None:
        path = req.path
        if path in ("/", "/index.php"):
            return self._listing(None, 1)
        if m := _ARTICLE.fullmatch(path):
            found = self.article(m.group("id"))
            if found == 410:
                return not_found(410)
            if not isinstance(found, Article) or (found.slug, found.cat_slug) != (m.group("slug"), m.group("cat")):
                return None
            return self.article_response(found, html(self._article(found)))
        if m := _LISTING.fullmatch(path):
            cats = [CATEGORIES[c][0] for c in self.spec.categories]
            if m.group("cat") not in cats:
                return None
            return self._listing(cats.index(m.group("cat")), int(m.group("page") or 1))
        if path == "/search/":
            return html(self._page("Tìm kiếm", f"<p>Kết quả tìm kiếm cho: {escape(req.arg('q'))}</p>"), cacheable=False)
        if path == "/users/login/":
            return html(self._page("Đăng nhập", '<form method="post"><input name="nv_login"></form>'), cacheable=False)
        return None

    def _page(self, title: str, main: str) -> str:
        nav = "".join(
            f'<li><a href="/news/{CATEGORIES[c][0]}/" title="{escape(CATEGORIES[c][1])}">'
            f'{escape(CATEGORIES[c][1])}</a></li>'
            for c in self.spec.categories
        )
        return (
            '<!DOCTYPE html>\n<html lang="vi" xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
            f"<title>{escape(title)} - Công an tỉnh {escape(self.spec.province)}</title>\n"
            '<meta name="generator" content="NukeViet v4.5">\n<meta http-equiv="Content-Type" content="text/html; '
            'charset=utf-8">\n'
            '</head>\n<body>\n<div class="wraper"><header><div class="logo"><a href="/">Công an tỉnh Lai Châu</a></div>'
            f'<ul class="nav navbar-nav">{nav}</ul></header>\n<div class="container"><div '
            f'class="col-md-16">{main}</div>'
            f'<div class="col-md-8">{self.links_block()}</div></div>\n{footer(self.spec)}</div>\n</body>\n</html>\n'
        )

    def _listing(self, pos: int | None, page: int) -> Response | None:
        items = self.catalog.page(pos, page)
        if not items:
            return None
        rows = "".join(
            f'<div class="news_column panel"><h3><a href="{self.article_path(a)}" title="{escape(a.title)}">'
            f'{escape(a.title)}</a></h3>'
            f'<div class="text-muted"><em class="fa fa-clock-o">&nbsp;</em> {nv_date(a)}</div><p>'
            f'{escape(a.summary)}</p></div>'
            for a in items
        )
        title = "Trang chủ" if pos is None else CATEGORIES[self.spec.categories[pos]][1]
        pager = ""
        if pos is not None:
            cat = CATEGORIES[self.spec.categories[pos]][0]
            links = [
                f'<li><a href="/news/{cat}/page-{p}/">{p}</a></li>'
                if p > 1
                else f'<li><a href="/news/{cat}/">1</a></li>'
                for p in range(max(1, page - 2), min(self.catalog.pages(pos), page + 2) + 1)
            ]
            pager = f'<div class="text-center"><ul class="pagination">{"".join(links)}</ul></div>'
        return html(self._page(title, f"<h1>{escape(title)}</h1>{rows}{pager}"))

    def _article(self, a: Article) -> str:
        images = self.images(a)
        body = []
        for n, para in enumerate(a.paragraphs):
            body.append(f'<p style="text-align:justify">{escape(para)}</p>')
            if n == 0:
                body += [table_figure(i["url"].removeprefix(self.base), i["caption"]) for i in images]
        docs = "".join(
            f'<li><a href="{d["url"].removeprefix(self.base)}" title="{escape(d["title"])}">'
            f'{escape(d["title"])}</a></li>'
            for d in self.attachments(a)
        )
        files = f'<div class="news_download"><h4>Tập tin đính kèm</h4><ul>{docs}</ul></div>' if docs else ""
        author = (
            f'<p class="text-right"><strong>Tác giả: </strong>{escape(a.author)}</p>' if a.author
            else f'<p class="text-right"><strong>Nguồn tin: </strong>Công an tỉnh {escape(self.spec.province)}</p>'
        )
        rel = related([(self.article_path(r), r.title) for r in self.catalog.related(a)], "Những tin cũ hơn")
        savefile = f"/savefile/{a.cat_slug}/{a.slug}-{a.id}.html"
        main = (
            f'<div class="news_column panel"><ul class="breadcrumb"><li><a href="/">Trang chủ</a></li>'
            f'<li><a href="/news/{a.cat_slug}/">{escape(a.cat_name)}</a></li></ul>'
            f'<h1 class="title margin-bottom-lg">{escape(a.title)}</h1>'
            f'<div class="row margin-bottom-lg"><span class="h5">{nv_date(a)}</span> {view_counter(a.index)}'
            f' <a href="{savefile}" title="Lưu bài viết này">Lưu bài viết</a></div>'
            f'<div class="hometext m-bottom">{escape(a.summary)}</div>'
            f'<div id="news-bodyhtml" class="bodytext margin-bottom-lg">{"".join(body)}</div>'
            f"{files}{author}"
            f'<div class="keywords"><em>Từ khóa:</em> {", ".join(escape(t) for t in a.tags)}</div>'
            f"{share_buttons(self.canonical_url(a))}</div>{rel}"
        )
        return self._page(a.title, main)


PORTAL = NukeViet
