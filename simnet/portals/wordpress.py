"""WordPress (Sơn La): sitemaps, RSS feed, /category/<slug>/page/N/, /<slug>/ articles with og: and
article:published_time meta and JSON-LD, ?p=ID and utm_* aliases, /wp-content/uploads/ media."""

from __future__ import annotations

import json
import re
from html import escape

from ..catalog import Article
from ..content import CATEGORIES, TAGS, slugify
from ..layout import footer, related, share_buttons, view_counter
from ..messages import Request, Response, data, html, not_found, redirect
from .base import Portal, ddmmyyyy

SITEMAP_SIZE = 2000  # WordPress core's wp-sitemap page size
_CAT_PAGE = re.compile(r"/category/(?P<cat>[a-z0-9-]+)/(?:page/(?P<page>\d+)/)?")
_HOME_PAGE = re.compile(r"/(?:page/(?P<page>\d+)/)?")
_TAG_PAGE = re.compile(r"/tag/(?P<tag>[a-z0-9-]+)/")
_SITEMAP = re.compile(r"/wp-sitemap-posts-post-(?P<n>\d+)\.xml")
UTM = "utm_source=facebook&utm_medium=social&utm_campaign=tin-moi"


class WordPress(Portal):
    cms = "wordpress"
    shows_modified = True
    IMAGE_RE = re.compile(r"/wp-content/uploads/(?:private/)?\d{4}/\d{2}/[a-z0-9-]+-(?P<id>\d+)-(?P<n>\d+)\.jpg")
    DOC_RE = re.compile(r"/wp-content/uploads/\d{4}/\d{2}/van-ban-(?P<id>\d+)-(?P<n>\d+)\.pdf")

    def article_path(self, a: Article) -> str:
        return f"/{a.slug}/"

    def alias_paths(self, a: Article) -> list[str]:
        return [f"/?p={a.id}", f"/{a.slug}/?{UTM}"]

    def image_path(self, a: Article, n: int) -> str:
        private = "private/" if a.index == 2 and n == 0 else ""
        return f"/wp-content/uploads/{private}{a.published:%Y/%m}/{a.slug[:40].strip('-')}-{a.id}-{n}.jpg"

    def doc_path(self, a: Article, n: int) -> str:
        return f"/wp-content/uploads/{a.published:%Y/%m}/van-ban-{a.id}-{n}.pdf"

    # -- routing -------------------------------------------------------------------------
    def route(self, req: Request) -> Response | None:
        path = req.path
        if path == "/" and req.arg("p"):
            return self._article_by_index(self.catalog.index_of_id(req.int_arg("p", -1)))
        if path == "/" and req.arg("s"):
            return redirect(f"{self.base}/tim-kiem/?s={req.arg('s')}", 302)
        if m := _HOME_PAGE.fullmatch(path):
            return self._listing(None, int(m.group("page") or 1), "Tin mới")
        if m := _CAT_PAGE.fullmatch(path):
            pos = self._category(m.group("cat"))
            if pos is None:
                return not_found()
            return self._listing(pos, int(m.group("page") or 1), None)
        if m := _TAG_PAGE.fullmatch(path):
            return self._tag(m.group("tag"))
        if path in ("/feed/", "/feed"):
            return self._feed()
        if path == "/wp-sitemap.xml":
            return self._sitemap_index()
        if m := _SITEMAP.fullmatch(path):
            return self._sitemap(int(m.group("n")))
        if path == "/wp-sitemap-taxonomies-category-1.xml":
            urls = [f"{self.base}/category/{s}/" for s, _ in self._cats()]
            return self._urlset([(u, None) for u in urls])
        if path.startswith("/wp-admin"):
            return redirect(
                f"{self.base}/wp-login.php?redirect_to=http%3A%2F%2F{self.spec.domain}%2Fwp-admin%2F&reauth=1", 302
            )
        if path == "/wp-login.php":
            return html(
                self._page(
                    "Đăng nhập",
                    '<form method="post" action="/wp-login.php"><input name="log"><input name="pwd" '
                    'type="password"></form>',
                )
            )
        if path == "/tim-kiem/":
            return html(
                self._page("Tìm kiếm", f"<h1>Kết quả tìm kiếm: {escape(req.arg('s'))}</h1><p>Không có kết quả.</p>"),
                cacheable=False,
            )
        if re.fullmatch(r"/[a-z0-9-]+/", path):
            return self._article_by_index(self.index_of_slug(path.strip("/")))
        return None

    def _cats(self) -> list[tuple[str, str]]:
        return [CATEGORIES[c] for c in self.spec.categories]

    def _category(self, slug: str) -> int | None:
        for pos, (s, _) in enumerate(self._cats()):
            if s == slug:
                return pos
        return None

    def _article_by_index(self, index: int | None) -> Response | None:
        if index is None:
            return None
        if self.catalog.was_deleted(index):
            return not_found(410)
        if not self.catalog.exists(index):
            return None
        a = self.catalog.get(index)
        return self.article_response(a, html(self._article_html(a)))

    # -- pages -------------------------------------------------------------------------
    def _page(self, title: str, main: str, head: str = "", body_class: str = "home") -> str:
        nav = "".join(
            f'<li class="menu-item"><a href="{self.base}/category/{s}/">{escape(n)}</a></li>' for s, n in self._cats()
        )
        return (
            '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="UTF-8">\n'
            f"<title>{escape(title)} &#8211; Công an tỉnh {escape(self.spec.province)}</title>\n"
            '<meta name="generator" content="WordPress 6.4.3">\n'
            f'<link rel="alternate" type="application/rss+xml" title="Công an tỉnh Sơn La &raquo; Feed" '
            f'href="{self.base}/feed/">\n'
            f'{head}</head>\n<body class="{body_class}">\n'
            f'<header id="masthead"><a href="{self.base}/">Công an tỉnh {escape(self.spec.province)}</a>'
            f'<nav id="site-navigation"><ul class="menu">{nav}</ul></nav></header>\n'
            f'<div id="content" class="site-content"><main id="main">{main}</main>\n'
            f'<aside id="secondary" class="widget-area">{self.links_block()}</aside></div>\n'
            f"{footer(self.spec)}\n</body>\n</html>\n"
        )

    def _listing(self, pos: int | None, page: int, heading: str | None) -> Response | None:
        items = self.catalog.page(pos, page)
        if not items:
            return None
        heading = heading or self._cats()[pos][1]  # type: ignore[index]
        base = f"{self.base}/" if pos is None else f"{self.base}/category/{self._cats()[pos][0]}/"
        posts = []
        for n, a in enumerate(items):
            link = self.canonical_url(a) + (f"?{UTM}" if pos is None and n == 0 else "")
            posts.append(
                f'<article class="post type-post"><h2 class="entry-title"><a href="{link}" rel="bookmark">'
                f'{escape(a.title)}</a></h2>'
                f'<div class="entry-summary"><p>{escape(a.summary)} <a class="more-link" '
                f'href="{self.canonical_url(a)}">Đọc tiếp…</a></p></div></article>'
            )
        nav = []
        if page > 1:
            nav.append(
                f'<a class="prev page-numbers" href="{base}page/{page - 1}/">« Trước</a>'
                if page > 2
                else f'<a class="prev page-numbers" href="{base}">« Trước</a>'
            )
        if page < self.catalog.pages(pos):
            nav.append(f'<a class="next page-numbers" href="{base}page/{page + 1}/">Sau »</a>')
        main = (
            f'<h1 class="page-title">{escape(heading)}</h1>{"".join(posts)}<nav class="pagination">{"".join(nav)}</nav>'
        )
        return html(self._page(heading, main, body_class="archive"))

    def _tag(self, tag_slug: str) -> Response | None:
        names = {slugify(t): t for t in TAGS}
        if tag_slug not in names:
            return None
        found = []
        for index in self.catalog.newest():
            a = self.catalog.get(index)
            if names[tag_slug] in a.tags:
                found.append(a)
            if len(found) == 5 or index < self.catalog.count - 200:
                break
        lis = "".join(
            f'<h2 class="entry-title"><a href="{self.canonical_url(a)}">{escape(a.title)}</a></h2>' for a in found
        )
        return html(
            self._page(
                names[tag_slug], f'<h1 class="page-title">Thẻ: {escape(names[tag_slug])}</h1>{lis}', body_class="tag"
            )
        )

    def _article_html(self, a: Article) -> str:
        url = self.canonical_url(a)
        images = self.images(a)
        ld = {
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
            "datePublished": a.published.isoformat(), "dateModified": a.last_modified.isoformat(),
            "mainEntityOfPage": url, "image": [i["url"] for i in images],
            "publisher": {"@type": "Organization", "name": f"Công an tỉnh {self.spec.province}"},
        }
        if a.author:
            ld["author"] = {"@type": "Person", "name": a.author}
        head = (
            f'<link rel="canonical" href="{url}">\n<link rel="shortlink" href="{self.base}/?p={a.id}">\n'
            f'<meta property="og:type" content="article">\n<meta property="og:title" content="{escape(a.title)}">\n'
            f'<meta property="og:description" content="{escape(a.summary)}">\n<meta property="og:url" '
            f'content="{url}">\n'
            f'<meta property="og:image" content="{images[0]["url"]}">\n'
            f'<meta property="article:published_time" content="{a.published.isoformat()}">\n'
        )
        if a.modified:
            head += f'<meta property="article:modified_time" content="{a.modified.isoformat()}">\n'
        head += f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n'
        content = [f"<p><strong>{escape(a.summary)}</strong></p>"]
        for n, para in enumerate(a.paragraphs):
            content.append(f"<p>{escape(para)}</p>")
            if n == 1:
                for img in images:
                    content.append(
                        f'<figure class="wp-block-image size-large"><img src="{img["url"]}" alt="" '
                        f'class="wp-image-{a.id}">'
                        f'<figcaption class="wp-element-caption">{escape(img["caption"])}</figcaption></figure>'
                    )
        for att in self.attachments(a):
            content.append(f'<p class="attachment">Tải về: <a href="{att["url"]}">{escape(att["title"])}</a></p>')
        byline = (
            f'<span class="byline"> Viết bởi <span class="author vcard">{escape(a.author)}</span></span>'
            if a.author
            else ""
        )
        tags = ", ".join(f'<a href="{self.base}/tag/{slugify(t)}/" rel="tag">{escape(t)}</a>' for t in a.tags)
        rel = related([(self.canonical_url(r), r.title) for r in self.catalog.related(a)], "Bài viết liên quan")
        main = (
            f'<article id="post-{a.id}" class="post-{a.id} post type-post status-publish">'
            f'<header class="entry-header"><div class="cat-links"><a href="{self.base}/category/{a.cat_slug}/" '
            f'rel="category tag">{escape(a.cat_name)}</a></div>'
            f'<h1 class="entry-title">{escape(a.title)}</h1>'
            f'<div class="entry-meta"><span class="posted-on"><time class="entry-date published" '
            f'datetime="{a.published.isoformat()}">{ddmmyyyy(a.published)}</time></span>'
            f"{byline} {view_counter(a.index)}</div></header>"
            f'<div class="entry-content">{"".join(content)}</div>'
            f'<footer class="entry-footer"><span class="tags-links">Thẻ: {tags}</span>{share_buttons(url)}</footer>'
            f'</article>{rel}'
        )
        return self._page(a.title, main, head, body_class=f"post-template-default single single-post postid-{a.id}")

    # -- feeds and sitemaps ---------------------------------------------------------------
    def _feed(self) -> Response:
        items = []
        for a in self.catalog.page(None, 1, 10):
            items.append(
                f"<item><title>{escape(a.title)}</title><link>{self.canonical_url(a)}</link>"
                f"<pubDate>{a.published.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate>"
                f'<guid isPermaLink="false">{self.base}/?p={a.id}</guid>'
                f"<category><![CDATA[{a.cat_name}]]></category><description><![CDATA[{a.summary}]]></description></item>"
            )
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Công an tỉnh {escape(self.spec.province)}</title><link>{self.base}</link>"
            f"<language>vi</language>{''.join(items)}</channel></rss>"
        )
        return data(xml.encode(), "application/rss+xml; charset=UTF-8")

    def _sitemap_index(self) -> Response:
        pages = max(1, -(-self.catalog.total() // SITEMAP_SIZE))
        maps = [f"{self.base}/wp-sitemap-posts-post-{n}.xml" for n in range(1, pages + 1)]
        maps.append(f"{self.base}/wp-sitemap-taxonomies-category-1.xml")
        locs = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in maps)
        xml = f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</sitemapindex>'
        return data(xml.encode(), "application/xml; charset=UTF-8")

    def _sitemap(self, n: int) -> Response | None:
        articles = self.catalog.page(None, n, SITEMAP_SIZE)
        if not articles:
            return None
        return self._urlset([(self.canonical_url(a), a.last_modified.isoformat()) for a in articles])

    @staticmethod
    def _urlset(entries: list[tuple[str, str | None]]) -> Response:
        rows = "".join(f"<url><loc>{u}</loc>" + (f"<lastmod>{m}</lastmod>" if m else "") + "</url>" for u, m in entries)
        xml = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'
        return data(xml.encode(), "application/xml; charset=UTF-8")


PORTAL = WordPress
