"""What each CMS family allows to vary, as data (see simnet/README.md, "Variants").

URL templates use placeholders filled per article: ``{slug} {id} {cat} {catid} {itemid} {yyyy}
{mm} {page} {start}``, and per portal: ``{news} {sec} {inst} {module} {ctrl} {tabid}``.
A listing is ``(first page, page N)``; ``{start}`` is the Joomla-style item offset.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import vocab as v


@dataclass(frozen=True)
class Family:
    name: str  # simnet cms name (server header, truth ``cms``)
    adapter: str  # the crawler's adapter for this family (registry column)
    generator: tuple[str, ...]  # <meta name=generator> contents ("" none)
    articles: tuple[str, ...]
    listings: tuple[tuple[str, str], ...]
    aliases: tuple[str, ...]  # alias kinds (style.ALIAS_TEMPLATES)
    link_modes: tuple[str, ...]
    href_modes: tuple[str, ...] = ("root", "absolute")
    canonical: float = 0.5  # share of variants with <link rel=canonical>
    shell: float = 0.0  # share of variants whose article pages are script shells filled by a JSON API
    case_insensitive: bool = False  # IIS: paths match whatever their case
    encodings: tuple[str, ...] = ("utf-8",)
    api_paths: tuple[str, ...] = ()  # listing API (json / more modes); detail API = list path's sibling
    malformed: float = 0.0  # share of variants with hand-written, unclosed upper-case markup


FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family(
        "dnn", "dotnetnuke", ("DotNetNuke", "DNN Platform - http://www.dnnsoftware.com", ""),
        articles=("/{news}/{slug}-{id}", "/{news}/{cat}/{slug}-{id}.aspx", "/tabid/{tabid}/ArticleID/{id}/{slug}.aspx",
                  "/{news}/chi-tiet/{slug}-{id}"),
        listings=(("/{news}/{cat}", "/{news}/{cat}?page={page}"),
                  ("/tabid/{catid}/{cat}.aspx", "/tabid/{catid}/{cat}/PageIndex/{page}.aspx")),
        aliases=("api", "print_query", "lower"), link_modes=(v.LINK_JSON, v.LINK_PLAIN, v.LINK_SCRIPT),
        href_modes=("root", "absolute", "relative"), canonical=0.3, shell=0.5, case_insensitive=True,
        api_paths=("/DesktopModules/{module}/api/{ctrl}/listnew", "/DesktopModules/{module}/API/{ctrl}/GetList",
                   "/DesktopModules/{module}/api/{ctrl}/getpaging"),
    ),
    Family(
        "wordpress", "wordpress", ("WordPress 6.4.3", "WordPress 5.8", ""),
        articles=("/{slug}/", "/{yyyy}/{mm}/{slug}/", "/{news}/{slug}.html", "/{slug}-{id}.html"),
        listings=(("/category/{cat}/", "/category/{cat}/page/{page}/"), ("/{sec}/{cat}/", "/{sec}/{cat}/page/{page}/"),
                  ("/?cat={catid}", "/?cat={catid}&paged={page}")),
        aliases=("wp_p", "utm", "amp"), link_modes=(v.LINK_PLAIN, v.LINK_MENU, v.LINK_SELECT),
        href_modes=("absolute", "root"), canonical=0.8,
    ),
    Family(
        "nukeviet", "nukeviet", ("NukeViet v4.5", "NukeViet v4.3", "NukeViet v4.0"),
        articles=("/{news}/{cat}/{slug}-{id}.html", "/vi/{news}/{cat}/{slug}-{id}.html",
                  "/index.php?language=vi&nv=news&op={cat}/{slug}-{id}"),
        listings=(("/{news}/{cat}/", "/{news}/{cat}/page-{page}/"),
                  ("/vi/{news}/{cat}/", "/vi/{news}/{cat}/page-{page}/"),
                  ("/index.php?language=vi&nv=news&op={cat}", "/index.php?language=vi&nv=news&op={cat}/page-{page}")),
        aliases=("nv_print", "nv_savefile", "utm"), link_modes=(v.LINK_PLAIN, v.LINK_MENU),
        href_modes=("root", "absolute", "base"), canonical=0.7,
    ),
    Family(
        "liferay", "liferay", ("",),
        articles=("/web/guest/{news}/-/asset_publisher/{inst}/content/{slug}",
                  "/web/guest/{cat}/-/asset_publisher/{inst}/content/id/{id}", "/{news}/-/view_content/{id}-{slug}"),
        listings=(("/web/guest/{cat}", "/web/guest/{cat}?p_p_id=101_INSTANCE_{inst}&_101_INSTANCE_{inst}_cur={page}"),
                  ("/{cat}", "/{cat}?_com_liferay_asset_publisher_{inst}_cur={page}")),
        aliases=("jsession", "lr_redirect"), link_modes=(v.LINK_PLAIN, v.LINK_MORE),
        href_modes=("root", "absolute"), canonical=0.5,
    ),
    Family(
        "joomla", "joomla", ("Joomla! - Open Source Content Management", ""),
        articles=("/index.php?option=com_content&view=article&id={id}:{slug}&catid={catid}&Itemid={itemid}",
                  "/{cat}/{id}-{slug}.html", "/index.php/{cat}/{id}-{slug}"),
        listings=(("/index.php?option=com_content&view=category&id={catid}&Itemid={itemid}",
                   "/index.php?option=com_content&view=category&id={catid}&Itemid={itemid}&limitstart={start}"),
                  ("/{cat}.html", "/{cat}.html?start={start}"), ("/index.php/{cat}", "/index.php/{cat}?start={start}")),
        aliases=("itemid", "jprint", "utm"), link_modes=(v.LINK_PLAIN, v.LINK_MENU),
        href_modes=("base", "root", "relative"), canonical=0.2, encodings=("utf-8", "nfd"),
    ),
    Family(
        "webforms", "webforms", ("",),
        articles=("/Tin-tuc/Chi-tiet.aspx?ID={id}", "/{News}/{id}/{slug}.aspx",
                  "/Pages/ChiTiet.aspx?ItemID={id}&CatID={catid}",
                  "/Default.aspx?tabid={tabid}&newsid={id}"),
        listings=(("/Default.aspx?tabid={catid}", "/Default.aspx?tabid={catid}&page={page}"),
                  ("/Tin-tuc/Danh-sach.aspx?CatID={catid}", "/Tin-tuc/Danh-sach.aspx?CatID={catid}&Page={page}"),
                  ("/ChuyenMuc/{catid}/{cat}.aspx", "/ChuyenMuc/{catid}/{cat}.aspx?p={page}")),
        aliases=("lower", "print_query"), link_modes=(v.LINK_PLAIN, v.LINK_SELECT, v.LINK_MENU),
        href_modes=("root", "relative", "absolute"), canonical=0.2, case_insensitive=True,
        encodings=("utf-8", "cp1258"), malformed=0.3,
    ),
    Family(
        "vnpt", "vnpt", ("",),
        articles=("/{cat}/{slug}-{id}", "/{news}/{cat}/{slug}-{id}.html", "/Pages/{cat}/{slug}-{id}.aspx"),
        listings=(("/{cat}", "/{cat}?page={page}"), ("/{news}/{cat}", "/{news}/{cat}?trang={page}")),
        aliases=("utm", "lower"), link_modes=(v.LINK_MORE, v.LINK_JSON, v.LINK_PLAIN),
        href_modes=("root", "absolute"), canonical=0.4, case_insensitive=True,
        api_paths=("/Ajax/ArticleList", "/api/{ctrl}/GetArticles", "/Services/{ctrl}.asmx/GetList"),
    ),
    Family(
        "custom", "custom", ("",),
        articles=("/tin-bai/{slug}-{id}.htm", "/chitiet.php?id={id}", "/index.php?mod=news&act=detail&id={id}",
                  "/tin/{id}/{slug}.html"),
        listings=(("/chuyen-muc/{cat}.htm", "/chuyen-muc/{cat}.htm?trang={page}"),
                  ("/danhmuc.php?cat={catid}", "/danhmuc.php?cat={catid}&page={page}"),
                  ("/index.php?mod=news&act=list&cid={catid}", "/index.php?mod=news&act=list&cid={catid}&p={page}")),
        aliases=("print_query", "session"), link_modes=(v.LINK_PLAIN, v.LINK_SELECT, v.LINK_SCRIPT),
        href_modes=("root", "relative", "absolute"), canonical=0.2, encodings=("utf-8", "cp1258"), malformed=0.6,
    ),
    Family(
        "generic", "generic", ("", "Hệ thống quản trị nội dung eGov", "Portal CMS 2.0"),
        articles=("/{news}/{slug}-{id}.html", "/{news}/{cat}/{id}/{slug}", "/p/{id}", "/{sec}/{cat}/{slug}.html",
                  "/bai-viet?id={id}"),
        listings=(("/{sec}/{cat}", "/{sec}/{cat}?page={page}"), ("/{sec}/{cat}/", "/{sec}/{cat}/trang-{page}/"),
                  ("/list?cat={catid}", "/list?cat={catid}&offset={start}")),
        aliases=("utm", "print_query", "session"), link_modes=v.LINK_MODES,
        href_modes=v.HREF_MODES, canonical=0.5, shell=0.2, encodings=("utf-8", "cp1258", "nfd"),
        api_paths=("/api/news/list", "/api/v1/articles", "/ajax/tin-tuc.php"), malformed=0.2,
    ),
)}

#: families in the order of the issue (DotNetNuke, WordPress, NukeViet, Liferay, Joomla, ASP.NET
#: WebForms, VNPT, custom PHP, unknown CMS)
FAMILY_NAMES: tuple[str, ...] = tuple(FAMILIES)
