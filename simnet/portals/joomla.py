"""Joomla 3 without SEF URLs (Thừa Thiên Huế): everything under /index.php?option=..., ``&amp;`` in
hrefs, print views (&tmpl=component&print=1), e-mail views (com_mailto with a base64 link),
parameters in different orders on different pages, and all text decomposed (NFD)."""

from __future__ import annotations

import base64
import re
import unicodedata
from html import escape

from ..catalog import Article
from ..content import CATEGORIES
from ..layout import footer, related, share_buttons, view_counter
from ..messages import Request, Response, html, not_found
from .base import Portal, long_vn

CATID_BASE = 8
ITEMID_BASE = 101


def amp(url: str) -> str:
    return url.replace("&", "&amp;")


class Joomla(Portal):
    cms = "joomla"
    date_only = True
    IMAGE_RE = re.compile(r"/images/tin-tuc/\d{4}/(?P<id>\d+)-(?P<n>\d+)\.jpg")
    DOC_RE = re.compile(r"/images/van-ban/(?P<id>\d+)-(?P<n>\d+)\.pdf")

    def _ids(self, a: Article) -> tuple[int, int]:
        return CATID_BASE + a.cat_pos, ITEMID_BASE + a.cat_pos

    def article_path(self, a: Article) -> str:
        catid, itemid = self._ids(a)
        return f"/index.php?option=com_content&view=article&id={a.id}&catid={catid}&Itemid={itemid}"

    def alias_paths(self, a: Article) -> list[str]:
        catid, itemid = self._ids(a)
        return [
            f"/index.php?option=com_content&view=article&catid={catid}&id={a.id}&Itemid={itemid}",
            self.article_path(a) + "&tmpl=component&print=1",
        ]

    def image_path(self, a: Article, n: int) -> str:
        return f"/images/tin-tuc/{a.published:%Y}/{a.id}-{n}.jpg"

    def doc_path(self, a: Article, n: int) -> str:
        return f"/images/van-ban/{a.id}-{n}.pdf"

    def route(self, req: Request) -> Response | None:
        if req.path not in ("/", "/index.php"):
            return None
        option, view = req.arg("option"), req.arg("view")
        if (req.path == "/" and not req.query) or (option, view) == ("", ""):
            return self._listing(None, 0)
        if option == "com_content" and view == "category":
            catid = req.int_arg("id", 0)
            pos = catid - CATID_BASE - 1
            if not 0 <= pos < len(self.spec.categories):
                return None
            return self._listing(pos, max(req.int_arg("limitstart", 0), 0))
        if option == "com_content" and view == "article":
            found = self.article(req.arg("id"))
            if found == 410:
                return not_found(410)
            if not isinstance(found, Article) or req.int_arg("catid", -1) != self._ids(found)[0]:
                return None
            printing = req.arg("tmpl") == "component" and req.arg("print") == "1"
            return self.article_response(found, self._html(self._article(found, printing)))
        if option == "com_mailto":
            try:
                link = base64.b64decode(req.arg("link"), validate=True).decode()
            except (ValueError, UnicodeDecodeError):
                return not_found()
            form = (
                '<div id="mailto-window"><h2>Gửi bài viết này cho bạn bè qua email.</h2>'
                f'<form action="/index.php" method="post"><input type="hidden" name="link" value="{escape(link)}">'
                '<label>Email tới:</label><input name="mailto"><label>Người gửi:</label><input name="sender">'
                '<button type="submit">Gửi</button></form></div>'
            )
            return self._html(
                f'<html><head><meta charset="utf-8"><title>Gửi email</title></head><body class="contentpane">'
                f'{form}</body></html>'
            )
        return None

    def _html(self, text: str) -> Response:
        return html(unicodedata.normalize("NFD", text))

    def _page(self, title: str, main: str) -> str:
        nav = "".join(
            f'<li class="item-{ITEMID_BASE + p}"><a '
            f'href="{amp(f"/index.php?option=com_content&view=category&id={CATID_BASE + p}&Itemid={ITEMID_BASE + p}")}"'
            f'>{escape(CATEGORIES[c][1])}</a></li>'
            for p, c in enumerate(self.spec.categories, start=1)
        )
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi-vn" lang="vi-vn">\n<head>\n'
            '<meta http-equiv="content-type" content="text/html; charset=utf-8" />\n'
            '<meta name="generator" content="Joomla! - Open Source Content Management" />\n'
            f"<title>{escape(title)}</title>\n</head>\n<body>\n"
            f'<div id="header"><a href="/">Công an tỉnh {escape(self.spec.province)}</a></div><ul '
            f'class="menu">{nav}</ul>\n'
            f'<div id="main"><div id="content">{main}</div><div id="right">{self.links_block()}</div></div>\n'
            f"{footer(self.spec)}\n</body>\n</html>\n"
        )

    def _listing(self, pos: int | None, start: int) -> Response | None:
        size = self.spec.page_size
        if start % size:
            return None
        items = self.catalog.page(pos, start // size + 1)
        if not items:
            return None
        rows = []
        for a in items:
            link = self.alias_paths(a)[0] if pos is None else self.article_path(a)
            rows.append(
                f'<div class="items-row"><h2><a href="{amp(link)}">{escape(a.title)}</a></h2><p>'
                f'{escape(a.summary)}</p></div>'
            )
        pager = ""
        if pos is not None:
            base = (
                f"/index.php?option=com_content&view=category&id={CATID_BASE + pos + 1}&Itemid={ITEMID_BASE + pos + 1}"
            )
            links = [
                f'<li><a href="{amp(base + (f"&limitstart={k * size}" if k else ""))}">{k + 1}</a></li>'
                for k in range(self.catalog.pages(pos))
            ]
            pager = f'<div class="pagination"><ul>{"".join(links)}</ul></div>'
        title = "Trang chủ" if pos is None else CATEGORIES[self.spec.categories[pos]][1]
        return self._html(self._page(title, f"<h1>{escape(title)}</h1>{''.join(rows)}{pager}"))

    def _article(self, a: Article, printing: bool) -> str:
        body = [f"<p><strong>{escape(a.summary)}</strong></p>"]
        for n, para in enumerate(a.paragraphs):
            body.append(f"<p>{escape(para)}</p>")
            if n == 0:
                body += [
                    f'<p style="text-align: center;"><img src="{escape(i["url"].removeprefix(self.base))}" '
                    f'alt="{escape(i["caption"])}" title="{escape(i["caption"])}" /><br /><em>'
                    f'{escape(i["caption"])}</em></p>'
                    for i in self.images(a)
                ]
        for d in self.attachments(a):
            body.append(
                f'<p>Văn bản: <a href="{escape(d["url"].removeprefix(self.base))}">{escape(d["title"])}</a></p>'
            )
        author = f'<dd class="createdby">Viết bởi {escape(a.author)}</dd>' if a.author else ""
        info = (
            f'<dl class="article-info">{author}<dd class="published">Được đăng {long_vn(a.published)}</dd><dd '
            f'class="hits">{view_counter(a.index)}</dd></dl>'
        )
        mail = base64.b64encode(self.canonical_url(a).encode()).decode()
        icons = (
            f'<ul class="actions"><li class="print-icon"><a '
            f'href="{amp(self.article_path(a) + "&tmpl=component&print=1")}" rel="nofollow">In</a></li>'
            f'<li class="email-icon"><a href="{amp(f"/index.php?option=com_mailto&tmpl=component&link={mail}")}">'
            f'Email</a></li></ul>'
        )
        article = (
            f'<div class="item-page"><h2>{escape(a.title)}</h2>{"" if printing else icons}{info}{"".join(body)}</div>'
        )
        if printing:
            return (
                f'<html><head><meta charset="utf-8"><title>{escape(a.title)}</title></head><body class="contentpane">'
                f'{article}</body></html>'
            )
        rel = related([(self.article_path(r), r.title) for r in self.catalog.related(a)], "Các tin khác")
        return self._page(a.title, f"{article}{share_buttons(self.canonical_url(a))}{rel}")


PORTAL = Joomla
