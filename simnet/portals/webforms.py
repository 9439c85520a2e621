"""ASP.NET WebForms (Lạng Sơn): listing pages paginate only through __doPostBack (a form POST
carrying __VIEWSTATE, __EVENTVALIDATION and __EVENTTARGET); articles at
/<id>/<cat-slug>/<catid>/<slug>/<id>.aspx; bodies encoded in windows-1258 (tone marks as
combining characters), declared only by a <meta http-equiv> tag."""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from html import escape

from ..catalog import Article
from ..content import CATEGORIES
from ..layout import footer, related, share_buttons
from ..messages import Request, Response, html
from .base import Portal, ddmmyyyy

CATID_BASE = 60
PAGER_TARGET = "ctl00$ContentPlaceHolder1$rptPager$ctl{:02d}$lnkPage"
_PAGER = re.compile(r"ctl00\$ContentPlaceHolder1\$rptPager\$ctl(\d{2})\$lnkPage")
_ARTICLE = re.compile(r"/(?P<id>\d+)/(?P<cat>[a-z0-9-]+)/(?P<catid>\d+)/(?P<slug>[a-z0-9-]+)/(?P<id2>\d+)\.aspx")
_LISTING = re.compile(r"/chuyen-muc/(?P<catid>\d+)/(?P<cat>[a-z0-9-]+)\.aspx")
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 bytes of ``text``: base letters precomposed where the code page has them
    (â, ê, ô, ơ, ư, ă, đ), tone marks as separate combining characters, as Windows writes it."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        tones = "".join(c for c in parts if c in TONE_MARKS)
        out.append((base + tones).encode("cp1258", errors="xmlcharrefreplace"))
    return b"".join(out)


class WebForms(Portal):
    cms = "webforms"
    date_only = True
    IMAGE_RE = re.compile(r"/Uploads/Images/\d{4}/\d{2}/(?P<id>\d+)_(?P<n>\d+)\.jpg")
    DOC_RE = re.compile(r"/Uploads/Files/(?P<id>\d+)_(?P<n>\d+)\.pdf")

    def _catid(self, a: Article) -> int:
        return CATID_BASE + a.cat_pos * 4

    def article_path(self, a: Article) -> str:
        return f"/{a.id}/{a.cat_slug}/{self._catid(a)}/{a.slug}/{a.id}.aspx"

    def image_path(self, a: Article, n: int) -> str:
        return f"/Uploads/Images/{a.published:%Y/%m}/{a.id}_{n}.jpg"

    def doc_path(self, a: Article, n: int) -> str:
        return f"/Uploads/Files/{a.id}_{n}.pdf"

    def route(self, req: Request) -> Response | None:
        path = req.path
        if path in ("/", "/Default.aspx", "/default.aspx"):
            home = self._listing_page(None, 1, "/Default.aspx")
            return self._html(home) if home is not None else None
        if m := _ARTICLE.fullmatch(path):
            return self.serve_article(m.group("id"), path, lambda a: self._html(self._article(a)))
        if m := _LISTING.fullmatch(path):
            pos = (int(m.group("catid")) - CATID_BASE) // 4 - 1
            if not 0 <= pos < len(self.spec.categories) or CATEGORIES[self.spec.categories[pos]][0] != m.group("cat"):
                return None
            page = 1
            if req.method == "POST":
                form = req.form()
                target = _PAGER.fullmatch(form.get("__EVENTTARGET", ""))
                if not target or form.get("__EVENTVALIDATION") != self._validation(pos) or "__VIEWSTATE" not in form:
                    return self._error()
                page = int(target.group(1)) + 1
            text = self._listing_page(pos, page, path)
            if text is None:
                return None
            resp = self._html(text)
            resp.cacheable = req.method == "GET"
            return resp
        return None

    def _html(self, text: str) -> Response:
        resp = html("", charset=None)
        resp.body = encode_cp1258(text)
        resp.headers += [("X-AspNet-Version", "4.0.30319"), ("X-Powered-By", "ASP.NET")]
        return resp

    def _error(self) -> Response:
        text = (
            "<html><head><title>Invalid postback or callback argument.</title></head><body><h1>Server Error in '/' "
            "Application.</h1></body></html>"
        )
        resp = html(text, 500, cacheable=False)
        resp.fault = "invalid_postback"
        return resp

    def _validation(self, pos: int | None) -> str:
        return base64.b64encode(hashlib.sha1(f"{self.spec.domain}:{pos}".encode()).digest()).decode()

    def _page(self, title: str, main: str, action: str, pos: int | None, page: int) -> str:
        nav = "".join(
            f'<li><a href="/chuyen-muc/{CATID_BASE + p * 4}/{CATEGORIES[c][0]}.aspx">'
            f'{escape(CATEGORIES[c][1])}</a></li>'
            for p, c in enumerate(self.spec.categories, start=1)
        )
        viewstate = base64.b64encode(f"/wEPDwUKLTI2NjY4{pos}|{page}|{'x' * 40}".encode()).decode()
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258" />\n'
            f"<title>{escape(title)}</title>\n</head>\n<body>\n"
            f'<form method="post" action="{escape(action)}" id="form1">\n'
            '<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />\n'
            '<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />\n'
            f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{viewstate}" />\n'
            '<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="CA0B0334" />\n'
            f'<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="{self._validation(pos)}" />\n'
            "<script type=\"text/javascript\">\nvar theForm = document.forms['form1'];\n"
            "function __doPostBack(eventTarget, eventArgument) {\n  if (!theForm.onsubmit || (theForm.onsubmit() "
            "!= false)) {\n"
            "    theForm.__EVENTTARGET.value = eventTarget;\n    theForm.__EVENTARGUMENT.value = eventArgument;\n    "
            "theForm.submit();\n  }\n}\n</script>\n"
            f'<div id="header"><a href="/Default.aspx">Công an tỉnh {escape(self.spec.province)}</a><ul id="menu">'
            f'{nav}</ul></div>\n'
            f'<div id="ContentPlaceHolder1_pnMain">{main}</div>\n<div id="right">{self.links_block()}</div>\n'
            f"</form>\n{footer(self.spec)}\n</body>\n</html>\n"
        )

    def _listing_page(self, pos: int | None, page: int, action: str) -> str | None:
        items = self.catalog.page(pos, page)
        if not items:
            return None
        rows = "".join(
            f'<div class="news-item"><a class="title" href="{self.article_path(a)}">{escape(a.title)}</a>'
            f'<span class="date">({ddmmyyyy(a.published)})</span><p>{escape(a.summary)}</p></div>'
            for a in items
        )
        pager = ""
        if pos is not None:
            links = [
                f'<span class="current">{p}</span>'
                if p == page
                else f"<a id=\"ContentPlaceHolder1_rptPager_lnkPage_{p - 1}\" "
                     f"href=\"javascript:__doPostBack('{PAGER_TARGET.format(p - 1)}','')\">{p}</a>"
                for p in range(1, self.catalog.pages(pos) + 1)
            ]
            pager = f'<div class="pager">{" ".join(links)}</div>'
        title = "Trang chủ" if pos is None else CATEGORIES[self.spec.categories[pos]][1]
        return self._page(title, f"<h1>{escape(title)}</h1>{rows}{pager}", action, pos, page)

    def _article(self, a: Article) -> str:
        body = [f'<p class="sapo"><b>{escape(a.summary)}</b></p>']
        for n, para in enumerate(a.paragraphs):
            body.append(f'<p style="text-align: justify">{escape(para)}</p>')
            if n == 0:
                body += [
                    f'<div style="text-align:center"><img src="{i["url"].removeprefix(self.base)}" border="0" /><div '
                    f'class="chuthich">{escape(i["caption"])}</div></div>'
                    for i in self.images(a)
                ]
        if a.author:
            body.append(f"<p>{escape(a.author)} - Công an tỉnh</p>")
        docs = "".join(
            f'<a href="{d["url"].removeprefix(self.base)}">{escape(d["title"])}</a><br />' for d in self.attachments(a)
        )
        files = f'<div class="attach">Tài liệu đính kèm: {docs}</div>' if docs else ""
        rel = related([(self.article_path(r), r.title) for r in self.catalog.related(a)], "Các tin đã đưa")
        main = (
            f'<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a '
            f'href="/chuyen-muc/{self._catid(a)}/{a.cat_slug}.aspx">{escape(a.cat_name)}</a></div>'
            f'<h1 id="ContentPlaceHolder1_lblTitle" class="title-detail">{escape(a.title)}</h1>'
            f'<span id="ContentPlaceHolder1_lblDate" class="date">{ddmmyyyy(a.published)}</span>'
            f'<div id="ContentPlaceHolder1_pnContent" class="content-detail">{"".join(body)}</div>{files}'
            f"{share_buttons(self.canonical_url(a))}{rel}"
        )
        return self._page(a.title, main, self.article_path(a), None, 0)


PORTAL = WebForms
