"""DotNetNuke with the ``cmsview`` module (Hà Nội): an AngularJS-like shell whose category and
article pages hold no content; everything comes from the JSON API

  /DesktopModules/cmsview/api/NewsContent/listnew?CategoryId=N&PageIndex=P&PageSize=S  (P from 1)
  /DesktopModules/cmsview/api/NewsContent/getbyid?id=N
"""

from __future__ import annotations

import json
import re
from html import escape

from ..catalog import Article
from ..content import CATEGORIES
from ..layout import footer
from ..messages import Request, Response, data, html, not_found
from .base import Portal

API = "/DesktopModules/cmsview/api/NewsContent"
MAX_PAGE_SIZE = 50
_ARTICLE = re.compile(r"/tin-tuc/(?P<slug>[a-z0-9-]+)-(?P<id>\d+)")
_CATEGORY = re.compile(r"/tin-tuc/(?P<slug>[a-z-]+)")

SERVICE_JS = f"""angular.module('cmsview').service('newsService', function ($http) {{
  this.listNew = function (categoryId, pageIndex, pageSize) {{
    return $http.get('{API}/listnew', {{ params: {{ \
CategoryId: categoryId, PageIndex: pageIndex, PageSize: pageSize }} }});
  }};
  this.getById = function (id) {{ return $http.get('{API}/getbyid', {{ params: {{ id: id }} }}); }};
}});
"""


class DotNetNuke(Portal):
    cms = "dnn"
    IMAGE_RE = re.compile(r"/Portals/0/Images/\d{4}/\d{2}/(?P<id>\d+)_(?P<n>\d+)\.jpg")
    DOC_RE = re.compile(r"/Portals/0/Files/\d{4}/(?P<id>\d+)_(?P<n>\d+)\.pdf")

    def article_path(self, a: Article) -> str:
        return f"/tin-tuc/{a.slug}-{a.id}"

    def alias_paths(self, a: Article) -> list[str]:
        return [f"{API}/getbyid?id={a.id}"]

    def image_path(self, a: Article, n: int) -> str:
        return f"/Portals/0/Images/{a.published:%Y/%m}/{a.id}_{n}.jpg"

    def doc_path(self, a: Article, n: int) -> str:
        return f"/Portals/0/Files/{a.published:%Y}/{a.id}_{n}.pdf"

    def route(self, req: Request) -> Response | None:
        path = req.path
        if path == f"{API}/listnew":
            return self._listnew(req)
        if path == f"{API}/getbyid":
            return self._getbyid(req)
        if path == "/DesktopModules/cmsview/js/service.js":
            return data(SERVICE_JS.encode(), "application/javascript")
        if path in ("/", "/default.aspx", "/Default.aspx"):
            return html(self._shell("Trang chủ", '<div ng-controller="HomeCtrl" data-page-size="5"></div>'))
        if m := _ARTICLE.fullmatch(path):
            found = self.article(m.group("id"))
            if found == 410:
                return not_found(410)
            if not isinstance(found, Article) or found.slug != m.group("slug"):
                return None
            shell = (
                f'<div ng-controller="NewsDetailCtrl" data-id="{found.id}"><h1>{{{{news.Title}}}}</h1><div '
                f'ng-bind-html="news.Content"></div></div>'
            )
            return self.article_response(found, html(self._shell(found.title, shell)))
        if m := _CATEGORY.fullmatch(path):
            for pos, cat in enumerate(self.spec.categories, start=1):
                if CATEGORIES[cat][0] == m.group("slug"):
                    shell = (
                        f'<div ng-controller="NewsListCtrl" data-category-id="{pos}" '
                        f'data-page-size="{self.spec.page_size}">'
                        '<ul class="news-list"><li ng-repeat="item in items"><a ng-href="{{item.Url}}">'
                        '{{item.Title}}</a></li></ul>'
                        '<button ng-click="loadMore()">Xem thêm</button></div>'
                    )
                    return html(self._shell(CATEGORIES[cat][1], shell))
        return None

    def _shell(self, title: str, main: str) -> str:
        nav = "".join(
            f'<li><a href="{self.base}/tin-tuc/{CATEGORIES[c][0]}">{escape(CATEGORIES[c][1])}</a></li>'
            for c in self.spec.categories
        )
        return (
            '<!DOCTYPE html>\n<html lang="vi-VN" ng-app="cmsview">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)} - Công an thành phố Hà Nội</title>\n"
            '<meta name="GENERATOR" content="DotNetNuke">\n'
            '<link href="/Portals/_default/default.css" rel="stylesheet">\n'
            '<script src="/DesktopModules/cmsview/js/service.js"></script>\n</head>\n<body>\n'
            '<form method="post" action="/" id="Form"><input type="hidden" name="__VIEWSTATE" '
            'value="/wEPDwUKMTY1NDU2MTA1MmRk">\n'
            f'<div id="dnn_Menu"><ul>{nav}</ul></div>\n<div id="dnn_ContentPane">{main}</div>\n'
            f"{self.links_block()}\n</form>\n{footer(self.spec)}\n</body>\n</html>\n"
        )

    def _item(self, a: Article) -> dict[str, object]:
        images = self.images(a)
        return {
            "Id": a.id, "Title": a.title, "Summary": a.summary, "PublishDate": self._date(a),
            "Url": self.article_path(a), "Image": images[0]["url"].removeprefix(self.base), "CategoryId": a.cat_pos,
        }

    def _date(self, a: Article) -> str:
        if a.index % 2:
            return f"/Date({int(a.published.timestamp() * 1000)})/"
        return a.published.strftime("%Y-%m-%dT%H:%M:%S")

    def _listnew(self, req: Request) -> Response:
        cat = req.int_arg("CategoryId", 0)
        page = req.int_arg("PageIndex", 1)
        size = min(max(req.int_arg("PageSize", 10), 1), MAX_PAGE_SIZE)
        if not 1 <= cat <= len(self.spec.categories):
            return self._json({"Data": [], "TotalRecord": 0, "Message": "CategoryId không hợp lệ"})
        items = self.catalog.page(cat - 1, page, size)
        total = self.catalog.total(cat - 1)
        return self._json(
            {"Data": [self._item(a) for a in items], "TotalRecord": total, "PageIndex": page, "PageSize": size}
        )

    def _getbyid(self, req: Request) -> Response | None:
        found = self.article(req.arg("id"))
        if found == 410:
            resp = self._json({"Data": None, "Message": "Bài viết không tồn tại"})
            resp.status = 410
            return resp
        if not isinstance(found, Article):
            return self._json({"Data": None, "Message": "Bài viết không tồn tại"}, status=404)
        a = found
        parts = []
        images = self.images(a)
        for n, para in enumerate(a.paragraphs):
            parts.append(f'<p style="text-align: justify;">{escape(para)}</p>')
            if n == 0:
                for img in images:
                    parts.append(
                        f'<p style="text-align: center;"><img alt="" src="{img["url"].removeprefix(self.base)}" '
                        f'style="width: 600px;"></p>'
                        f'<p style="text-align: center;"><em>{escape(img["caption"])}</em></p>'
                    )
        item = self._item(a)
        item.update(
            {
                "Content": "".join(parts),
                "Author": a.author or "",
                "CategoryName": a.cat_name,
                "Tags": ", ".join(a.tags),
                "ViewCount": (a.index * 97) % 3000 + 120,
                "Attachments": [
                    {"Title": t["title"], "FileUrl": t["url"].removeprefix(self.base)} for t in self.attachments(a)
                ],
            }
        )
        return self.article_response(a, self._json({"Data": item}))

    @staticmethod
    def _json(obj: object, status: int = 200) -> Response:
        return data(json.dumps(obj, ensure_ascii=False).encode(), "application/json; charset=utf-8", status)


PORTAL = DotNetNuke
