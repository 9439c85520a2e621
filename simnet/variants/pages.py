"""HTML of variant portals: home, listings, "Xem thêm" fragments, articles and the detail API,
composed from the ``Style`` of the portal (see simnet/README.md, "Variants")."""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING

from ..catalog import Article
from ..content import CATEGORIES
from ..layout import footer, share_buttons, view_counter
from .scripts import SCRIPT_PATH, needs_script
from .vocab import DATE_FORMATS

if TYPE_CHECKING:
    from collections.abc import Callable

    from .portal import VariantPortal

CLOCK = "Hôm nay: Thứ Hai, 07/07/2025"


def affiliation(p: VariantPortal) -> str | None:
    aff = p.style.affiliation
    if not aff:
        return None
    return f"{aff} {p.spec.province}" if aff == "Công an tỉnh" else aff


def _a(p: VariantPortal, path: str, here: str, text: str, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f'<a href="{escape(p.href(path, here))}"{c}>{escape(text)}</a>'


def _head(p: VariantPortal, title: str, here: str, extra: str = "") -> str:
    s = p.style
    charset = ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">' if s.encoding == "cp1258"
               else '<meta charset="utf-8">')
    gen = f'<meta name="generator" content="{escape(s.generator)}">' if s.generator else ""
    base = f'<base href="{p.base}/">' if s.href_mode == "base" else ""
    if needs_script(s):
        extra = f'<script src="{SCRIPT_PATH}"></script>{extra}'
    return (f'<!DOCTYPE html>\n<html lang="vi">\n<head>{charset}<title>{escape(title)} - {escape(p.spec.title)}</title>'
            f"{gen}{base}{extra}</head>\n<body>")


def _nav(p: VariantPortal, here: str, active: int | None = None) -> str:
    items = []
    for pos, cat in enumerate(p.spec.categories):
        cls = ' class="active"' if active == pos else ""
        items.append(f"<li{cls}>{_a(p, p.listing_path(pos, 1), here, CATEGORIES[cat][1])}</li>")
    clock = f'<span class="clock">{CLOCK}</span>' if p.style.header_clock else ""
    banner = f'<div class="banner">{_a(p, "/", here, p.spec.title)}{clock}</div>'
    return f'{banner}<ul class="menu">{"".join(items)}</ul>'


def _tail(p: VariantPortal, here: str) -> str:
    quick = "".join(_a(p, path, here, text) + " | " for path, text in p.spec.extra_links)
    return f'<div class="quicklinks">{quick}</div>{p.links_block()}{footer(p.spec)}</body>\n</html>\n'


def _page(p: VariantPortal, title: str, here: str, main: str, extra_head: str = "", active: int | None = None) -> str:
    text = f'{_head(p, title, here, extra_head)}{_nav(p, here, active)}<div id="main">{main}</div>{_tail(p, here)}'
    return text.replace("<p>", "<P>").replace("</p>", "") if p.style.malformed else text


def simple(p: VariantPortal, title: str, text: str) -> str:
    return _page(p, title, "/", f"<h1>{escape(title)}</h1><p>{escape(text)}</p>")


def _items(p: VariantPortal, items: list[Article], here: str, link: Callable[[Article], str] | None = None) -> str:
    s, link = p.style, link or p.listing_link
    if s.link_mode == "select":
        opts = "".join(f'<option value="{escape(p.href(link(a), here))}">{escape(a.title)}</option>' for a in items)
        return (f'<select class="{s.list_class}" onchange="location.href=this.value">'
                f'<option value="">-- Chọn tin --</option>{opts}</select>')
    if s.link_mode == "script":
        rows = json.dumps([{"t": a.title, "u": p.href(link(a), here), "d": f"{a.published:%d/%m/%Y}"} for a in items],
                          ensure_ascii=False).replace("</", "<\\/")
        return (f'<ul class="{s.list_class}" id="dsTin"></ul><script>var dsTin = {rows};'
                "dsTin.forEach(function(x){document.getElementById('dsTin').insertAdjacentHTML('beforeend',"
                "'<li><a href=\"'+x.u+'\">'+x.t+'</a></li>');});</script>")
    lis = "".join(f"<li>{_a(p, link(a), here, a.title)} <span>{a.published:%d/%m/%Y}</span></li>" for a in items)
    if s.link_mode == "menu":
        return f'<nav class="{s.list_class}"><ul>{lis}</ul></nav>'
    return f'<ul class="{s.list_class}">{lis}</ul>'


def home(p: VariantPortal) -> str:
    parts = []
    if p.style.home_links:
        newest = p.catalog.page(None, 1)
        lis = "".join(f"<li>{_a(p, p.home_link(a), '/', a.title)}</li>" for a in newest)
        parts.append(f'<div class="tin-moi"><h2>Tin mới</h2><ul>{lis}</ul></div>')
    for pos, cat in enumerate(p.spec.categories):
        parts.append(f'<h2 class="cat">{_a(p, p.listing_path(pos, 1), "/", CATEGORIES[cat][1])}</h2>')
    return _page(p, "Trang chủ", "/", "".join(parts))


def listing(p: VariantPortal, pos: int, page: int, here: str) -> str:
    s = p.style
    name = CATEGORIES[p.spec.categories[pos]][1]
    main = f"<h1>{escape(name)}</h1>"
    if s.link_mode == "json":
        cfg = {"api": s.api_path, "params": {s.api_cat: 11 + pos, s.api_page: 1}}
        main += (f'<div id="{s.list_class}" data-api="{escape(s.api_path)}" data-cat="{11 + pos}">Đang tải...</div>'
                 f'<script>var cfg = {json.dumps(cfg)}; loadNews(cfg.api, cfg.params);</script>'
                 f'<button type="button" onclick="loadMore()">{escape(s.more_text)}</button>')
        return _page(p, name, here, main, active=pos)
    items = p.catalog.page(pos, page)
    main += _items(p, items, here) or "<p>Chưa có bài viết.</p>"
    if s.link_mode == "more" and page == 1 and p.catalog.pages(pos) > 1:
        url = p.api_listing_path(pos, 2)
        main += f'<a class="btn-more" href="javascript:void(0)" data-url="{escape(url)}">{escape(s.more_text)}</a>'
    elif s.link_mode != "more" and page < p.catalog.pages(pos):
        main += f'<div class="paging">{_a(p, p.listing_path(pos, page + 1), here, s.next_text, "next")}</div>'
    return _page(p, name, here, main, active=pos)


def more_fragment(p: VariantPortal, pos: int, page: int, items: list[Article]) -> str:
    """What "Xem thêm" loads: <li> items, and the button for the page after (empty past the end)."""
    if not items:
        return ""
    here = p.listing_path(pos, 1)
    lis = "".join(f"<li>{_a(p, p.listing_link(a), here, a.title)}</li>" for a in items)
    if page < p.catalog.pages(pos):
        url = escape(p.api_listing_path(pos, page + 1))
        lis += (f'<li class="more"><a class="btn-more" href="javascript:void(0)" data-url="{url}">'
                f"{escape(p.style.more_text)}</a></li>")
    return lis


def date_text(p: VariantPortal, a: Article) -> str:
    s = p.style
    text = escape(DATE_FORMATS[s.date_fmt][1](a.published))
    if s.time_tag:
        value = a.published.isoformat() if s.shows_time else a.published.date().isoformat()
        text = f'<time datetime="{value}">{text}</time>'
    return f'<div class="{s.date_class}">{text}</div>'


def byline(p: VariantPortal, a: Article) -> str:
    if not a.author:
        return ""
    s, aff = p.style, affiliation(p)
    text = escape(s.byline.format(name=a.author) + (f" - {aff}" if aff else ""))
    if s.author_place == "bottom_right":
        return f'<p style="text-align: right;"><strong>{text}</strong></p>'
    return f'<p class="{s.author_class}">{text}</p>'


def _image(p: VariantPortal, url: str, caption: str, here: str | None) -> str:
    s = p.style
    src = escape(url if here is None else p.href(url, here))
    img = {
        "src": f'<img src="{src}" alt="">',
        "data_src": f'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="{src}" class="lazy" alt="">',
        "srcset": f'<img src="{src}" srcset="{src} 600w" alt="">',
        "noscript": f'<img class="lazyload" data-original="{src}" alt=""><noscript><img src="{src}" alt=""></noscript>',
    }[s.image_source]
    cap, cc = escape(caption), s.caption_class
    return {
        "figure": f"<figure>{img}<figcaption>{cap}</figcaption></figure>",
        "table": f'<table class="image"><tr><td>{img}</td></tr><tr><td class="{cc}">{cap}</td></tr></table>',
        "p_em": f'<p style="text-align: center;">{img}</p><p style="text-align: center;"><em>{cap}</em></p>',
        "div_caption": f'<div class="photo">{img}<div class="{cc}">{cap}</div></div>',
        "img_title": f'<p>{img.replace(" alt=", f" title={chr(34)}{cap}{chr(34)} alt=", 1)}</p>',
    }[s.image_markup]


def _attachments(p: VariantPortal, a: Article, here: str) -> str:
    docs = p.attachments(a)
    if not docs:
        return ""
    links = "".join(f"<li>{_a(p, d['url'].removeprefix(p.base), here, d['title'])}</li>" for d in docs)
    return f'<div class="attachments"><strong>{escape(p.style.attach_label)}</strong><ul>{links}</ul></div>'


def body_html(p: VariantPortal, a: Article, here: str | None) -> str:
    """Paragraphs with the images after the first; ``here`` None writes root-relative URLs (JSON)."""
    parts = []
    for n, para in enumerate(a.paragraphs):
        parts.append(f"<p>{escape(para)}</p>")
        if n == 0:
            parts += [_image(p, i["url"].removeprefix(p.base), i["caption"], here) for i in p.images(a)]
    return "".join(parts)


def _category(p: VariantPortal, a: Article, here: str) -> str:
    s, link = p.style, p.listing_path(a.cat_pos - 1, 1)
    if s.cat_markup == "breadcrumb":
        return f'<div class="{s.cat_class}">{_a(p, "/", here, "Trang chủ")} » {_a(p, link, here, a.cat_name)}</div>'
    if s.cat_markup == "heading":
        return f'<div class="{s.cat_class}"><h3>{_a(p, link, here, a.cat_name)}</h3></div>'
    if s.cat_markup == "label":
        return f'<p class="{s.cat_class}">{escape(s.cat_label)} {_a(p, link, here, a.cat_name)}</p>'
    return ""


def article(p: VariantPortal, a: Article, here: str, printing: bool) -> str:
    s = p.style
    canonical = f'<link rel="canonical" href="{p.canonical_url(a)}">' if s.canonical else ""
    meta = f'<meta property="article:published_time" content="{a.published.isoformat()}">' if s.meta_published else ""
    if s.cat_markup == "meta_section":
        meta += f'<meta property="article:section" content="{escape(a.cat_name)}">'
    if s.shell:
        main = (f'<div class="{s.wrap_class}" data-id="{a.id}" data-api="{escape(p.detail_path)}">'
                "<h1>{{item.Title}}</h1><div ng-bind-html=\"item.Content\"></div></div>"
                f"<script>$.getJSON('{p.detail_path}', {{id: {a.id}}}, render);</script>")
        return _page(p, a.title, here, main, canonical + meta, active=a.cat_pos - 1)
    title = f'<{s.title_tag} class="{s.title_class}">{escape(a.title)}</{s.title_tag}>'
    date = date_text(p, a)
    head = _category(p, a, here) + (date + title if s.date_first else title + date)
    top = byline(p, a) if s.author_place == "top" else ""
    lead = {
        "p_class": f'<p class="{s.lead_class}">{escape(a.summary)}</p>',
        "div_class": f'<div class="{s.lead_class}">{escape(a.summary)}</div>',
        "p_strong": f"<p><strong>{escape(a.summary)}</strong></p>",
        "h2_class": f'<h2 class="{s.lead_class}">{escape(a.summary)}</h2>',
        "absent": "",
    }[s.lead_markup]
    docs = _attachments(p, a, here)
    body = f'<div class="{s.body_class}">{body_html(p, a, here)}{"" if s.attach_after else docs}</div>'
    bottom = byline(p, a) if s.author_place != "top" else ""
    related = "".join(f"<li>{_a(p, p.listing_link(r), here, r.title)} ({r.published:%d/%m/%Y})</li>"
                      for r in p.catalog.related(a))
    related = f'<div class="related"><h4>{escape(s.related_title)}</h4><ul>{related}</ul></div>' if related else ""
    extras = "" if printing else (
        f'{share_buttons(p.canonical_url(a))}{view_counter(a.index)}'
        + "".join(f' {_a(p, al, here, "In bài")}' for al in p.alias_paths(a)[:1] if "print" in al))
    inner = f"{head}{top}{lead}{body}{bottom}{docs if s.attach_after else ''}{extras}"
    if s.wrapper == "table":
        inner = f'<table class="{s.wrap_class}"><tr><td>{inner}</td></tr></table>'
    else:
        inner = f'<{s.wrapper} class="{s.wrap_class}">{inner}</{s.wrapper}>'
    if printing:
        return f"{_head(p, a.title, here, canonical + meta)}{inner}</body></html>"
    return _page(p, a.title, here, inner + ("" if printing else related), canonical + meta, active=a.cat_pos - 1)


def detail_json(p: VariantPortal, a: Article) -> dict[str, object]:
    """The detail API answer of a shell portal (the article text lives only here)."""
    docs = p.attachments(a)
    return {
        "Id": a.id, "Title": a.title, "Summary": a.summary, "PublishDate": a.published.strftime("%Y-%m-%dT%H:%M:%S"),
        "Content": body_html(p, a, None), "Author": a.author or "", "CategoryName": a.cat_name,
        "Url": p.article_path(a),
        "Attachments": [{"Title": d["title"], "FileUrl": d["url"].removeprefix(p.base)} for d in docs],
    }
