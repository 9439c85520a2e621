"""Each CMS family's adapter on small pages shaped like the real ones: what it lists, what it
recognises as an article, how it canonicalises, and where its pagination stops."""

from __future__ import annotations

import base64
import json

import pytest

from scrapers.discovery.adapter import API, ARTICLE, LISTING, SITEMAP, Page
from scrapers.families import FAMILIES, UnknownAdapter, get_adapter


def page(url: str, body: str, content_type: str = "text/html; charset=utf-8", **kw) -> Page:
    return Page(url=url, text=body, content_type=content_type, **kw)


def test_every_family_loads_and_names_its_extraction_profile():
    for name in FAMILIES:
        adapter = get_adapter(name)
        assert adapter.name == name and adapter.profile.name == name
    with pytest.raises(UnknownAdapter):
        get_adapter("drupal")


# -- DotNetNuke: JSON API behind AngularJS shells ------------------------------------------
HANOI = "http://congan.hanoi.gov.vn"


def test_dotnetnuke_category_shell_leads_to_the_listnew_api():
    shell = (
        '<div ng-controller="NewsListCtrl" data-category-id="2" data-page-size="5"><a '
        'ng-href="{{item.Url}}">x</a></div>'
    )
    found = get_adapter("dotnetnuke").discover(page(HANOI + "/tin-tuc/an-ninh-trat-tu", shell))
    assert [t.url for t in found.listings] == [
        HANOI + "/DesktopModules/cmsview/api/NewsContent/listnew?CategoryId=2&PageIndex=1&PageSize=5"
    ]
    assert found.listings[0].kind == API and not found.articles


def test_dotnetnuke_listnew_gives_getbyid_pages_filed_under_their_address():
    adapter = get_adapter("dotnetnuke")
    api = HANOI + "/DesktopModules/cmsview/api/NewsContent/listnew?CategoryId=2&PageIndex=1&PageSize=5"
    body = json.dumps({"Data": [{"Id": 51230, "Title": "Tin", "Url": "/tin-tuc/tin-moi-51230"}], "TotalRecord": 9})
    found = adapter.discover(page(api, body, "application/json; charset=utf-8", kind=API, sequence="cmsview:2"))
    assert [(t.url, t.kind, t.canonical) for t in found.articles] == [
        (HANOI + "/DesktopModules/cmsview/api/NewsContent/getbyid?id=51230", ARTICLE, HANOI + "/tin-tuc/tin-moi-51230")
    ]
    assert [t.url for t in found.next_pages] == [api.replace("PageIndex=1", "PageIndex=2")]
    assert found.next_pages[0].sequence == "cmsview:2"
    past_end = adapter.discover(page(api, json.dumps({"Data": [], "TotalRecord": 9}), "application/json"))
    assert past_end.empty and not past_end.next_pages
    assert adapter.discover(page(api, "<html>Runtime Error</html>", "application/json")).empty


# -- WordPress: sitemaps, feed, category pagination -----------------------------------------
SONLA = "http://congan.sonla.gov.vn"


def test_wordpress_starts_with_home_sitemap_and_feed():
    kinds = {t.url: t.kind for t in get_adapter("wordpress").start_targets(SONLA + "/")}
    assert kinds == {SONLA + "/": "seed", SONLA + "/wp-sitemap.xml": SITEMAP, SONLA + "/feed/": "feed"}


def test_wordpress_sitemap_index_urlset_and_feed():
    wp = get_adapter("wordpress")
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{SONLA}/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>")
    found = wp.discover(page(SONLA + "/wp-sitemap.xml", index, "application/xml", kind=SITEMAP))
    assert [(t.url, t.kind) for t in found.listings] == [(SONLA + "/wp-sitemap-posts-post-1.xml", SITEMAP)]
    urlset = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              f"<url><loc>{SONLA}/bai-mot/</loc></url><url><loc>{SONLA}/category/an-ninh/</loc></url>"
              "<url><loc>http://elsewhere.vn/x/</loc></url></urlset>")
    found = wp.discover(page(SONLA + "/wp-sitemap-posts-post-1.xml", urlset, "application/xml", kind=SITEMAP))
    assert [t.url for t in found.articles] == [SONLA + "/bai-mot/"]
    assert [t.url for t in found.listings] == [SONLA + "/category/an-ninh/"]
    feed = (
        f'<?xml version="1.0"?><rss><channel><item><link>{SONLA}/bai-hai/?utm_source=rss</link></item></channel></rss>'
    )
    assert [t.url for t in wp.discover(page(SONLA + "/feed/", feed, "application/rss+xml")).articles] == [
        SONLA + "/bai-hai/"
    ]
    assert wp.discover(page(SONLA + "/feed/", "<rss><broken", "application/rss+xml")).empty


def test_wordpress_listing_articles_and_next_page():
    html = (
        f'<nav><a href="{SONLA}/category/an-ninh/">An ninh</a><a href="/feed/">RSS</a><a href="/wp-admin/">x</a></nav>'
        f'<h2><a href="{SONLA}/bai-mot/?utm_source=facebook&amp;utm_medium=social">Bài một</a></h2>'
        f'<a class="more-link" href="{SONLA}/bai-mot/">Đọc tiếp…</a>'
        f'<a class="next page-numbers" href="{SONLA}/category/an-ninh/page/2/">Sau »</a>'
    )
    found = get_adapter("wordpress").discover(page(SONLA + "/category/an-ninh/", html))
    assert [t.url for t in found.articles] == [SONLA + "/bai-mot/"]
    assert [t.url for t in found.next_pages] == [SONLA + "/category/an-ninh/page/2/"]
    assert SONLA + "/feed/" not in [t.url for t in found.articles + found.listings]
    assert SONLA + "/wp-admin/" not in [t.url for t in found.articles + found.listings]


# -- NukeViet: savefile duplicates ----------------------------------------------------------
def test_nukeviet_savefile_is_the_article():
    nv = get_adapter("nukeviet")
    article = "http://congan.laichau.gov.vn/news/phong-chong-toi-pham/bat-giu-doi-tuong-3421.html"
    assert (
        nv.canonicalize("http://congan.laichau.gov.vn/savefile/phong-chong-toi-pham/bat-giu-doi-tuong-3421.html")
        == article
    )
    assert nv.canonicalize("http://congan.dienbien.gov.vn/news/savefile/ANDB/bat-giu-22856/") == (
        "http://congan.dienbien.gov.vn/news/ANDB/bat-giu-22856.html")
    html = ('<h3><a href="/savefile/phong-chong-toi-pham/bat-giu-doi-tuong-3421.html">Lưu</a></h3>'
            '<ul class="pagination"><li><a href="/news/phong-chong-toi-pham/">1</a></li>'
            '<li><a href="/news/phong-chong-toi-pham/page-2/">2</a></li></ul>')
    found = nv.discover(page("http://congan.laichau.gov.vn/news/phong-chong-toi-pham/", html))
    assert [t.url for t in found.articles] == [article]
    assert [t.url for t in found.next_pages] == ["http://congan.laichau.gov.vn/news/phong-chong-toi-pham/page-2/"]


# -- Liferay: jsessionid and portlet parameters ------------------------------------------------
def test_liferay_asset_publisher_urls_collapse():
    lr = get_adapter("liferay")
    base = "http://congan.quangngai.gov.vn/web/guest/tin-tuc/-/asset_publisher/a1b2c3d4e5f6/content/bai-mot"
    alias = (base + ";jsessionid=0F1E2D3C4B5A?p_p_id=101_INSTANCE_a1b2c3d4e5f6&p_p_lifecycle=0&p_p_state=normal"
             "&p_p_mode=view&_101_INSTANCE_a1b2c3d4e5f6_redirect=http%3A%2F%2Fcongan.quangngai.gov.vn%2Fweb%2Fguest%2Fan-ninh")
    assert lr.canonicalize(alias) == base and lr.is_article(base)
    listing = ("http://congan.quangngai.gov.vn/web/guest/an-ninh;jsessionid=AA?p_p_id=101_INSTANCE_x&p_p_lifecycle=0"
               "&_101_INSTANCE_x_cur=2&_101_INSTANCE_x_delta=5")
    html = f'<div class="pagination"><ul><li><a href="{listing}">2</a></li></ul></div><a href="{alias}">Bài một</a>'
    found = lr.discover(page("http://congan.quangngai.gov.vn/web/guest/an-ninh", html))
    assert [t.url for t in found.articles] == [base]
    assert [t.url for t in found.next_pages] == [
        "http://congan.quangngai.gov.vn/web/guest/an-ninh?_101_INSTANCE_x_cur=2&_101_INSTANCE_x_delta=5"
    ]


# -- Joomla non-SEF ---------------------------------------------------------------------------
def test_joomla_views_and_parameter_orders_collapse_in_joomla_order():
    jm = get_adapter("joomla")
    canonical = "http://congan.thuathienhue.gov.vn/index.php?option=com_content&view=article&id=1814&catid=9&Itemid=102"
    link = base64.b64encode(canonical.encode()).decode()
    for alias in (
        "http://congan.thuathienhue.gov.vn/index.php?option=com_content&view=article&catid=9&id=1814&Itemid=102",
        canonical + "&tmpl=component&print=1",
        f"http://congan.thuathienhue.gov.vn/index.php?option=com_mailto&tmpl=component&link={link}",
    ):
        assert jm.canonicalize(alias) == canonical
    assert jm.is_article(canonical)
    html = (
        '<h2><a href="/index.php?option=com_content&amp;view=article&amp;catid=9&amp;id=1814&amp;'
        'Itemid=102">Bài</a></h2>'
        '<a href="/index.php?option=com_content&amp;view=category&amp;id=9&amp;Itemid=102&amp;limitstart=5">2</a>'
        '<a href="/index.php?option=com_users&amp;view=login">Đăng nhập</a>'
    )
    found = jm.discover(
        page("http://congan.thuathienhue.gov.vn/index.php?option=com_content&view=category&id=9&Itemid=102", html)
    )
    assert [t.url for t in found.articles] == [canonical]
    assert [t.url for t in found.next_pages] == [
        "http://congan.thuathienhue.gov.vn/index.php?option=com_content&view=category&id=9&Itemid=102&limitstart=5"
    ]
    assert not found.listings  # the login form is never followed


# -- ASP.NET WebForms postbacks ---------------------------------------------------------------
LANGSON = "http://congan.langson.gov.vn/chuyen-muc/64/cai-cach-hanh-chinh.aspx"
WEBFORM = """<form method="post" action="/chuyen-muc/64/cai-cach-hanh-chinh.aspx" id="form1">
<input type="hidden" name="__EVENTTARGET" value="" /><input type="hidden" name="__EVENTARGUMENT" value="" />
<input type="hidden" name="__VIEWSTATE" value="/wEPDwUKLTI2NjY4" />\
<input type="hidden" name="__EVENTVALIDATION" value="abc=" />
<a class="title" href="/9688/cai-cach-hanh-chinh/64/bai-mot/9688.aspx">Bài một</a>
<div class="pager">%s</div></form>"""
PAGER = "<a href=\"javascript:__doPostBack('ctl00$ContentPlaceHolder1$rptPager$ctl%02d$lnkPage','')\">%d</a>"


def test_webforms_next_page_is_a_post_with_the_viewstate():
    wf = get_adapter("webforms")
    pager = '<span class="current">1</span> ' + PAGER % (1, 2) + " " + PAGER % (2, 3)
    found = wf.discover(page(LANGSON, WEBFORM % pager))
    assert [t.url for t in found.articles] == ["http://congan.langson.gov.vn/9688/cai-cach-hanh-chinh/64/bai-mot/9688.aspx"]
    (post,) = found.next_pages
    assert post.method == "POST" and post.url == LANGSON and post.kind == LISTING
    fields = dict(post.formdata)
    assert fields["__EVENTTARGET"] == "ctl00$ContentPlaceHolder1$rptPager$ctl01$lnkPage"
    assert fields["__VIEWSTATE"] == "/wEPDwUKLTI2NjY4" and fields["__EVENTVALIDATION"] == "abc="
    on_two = wf.discover(
        page(LANGSON, WEBFORM % (PAGER % (0, 1) + ' <span class="current">2</span> ' + PAGER % (2, 3)))
    )
    assert dict(on_two.next_pages[0].formdata)["__EVENTTARGET"].endswith("ctl02$lnkPage")
    last = wf.discover(page(LANGSON, WEBFORM % (PAGER % (0, 1) + ' <span class="current">2</span>')))
    assert not last.next_pages
    assert not wf.discover(page(LANGSON, "<p>no form " + PAGER % (1, 2) + "</p>")).next_pages
    assert wf.canonicalize("http://congan.langson.gov.vn/Default.aspx") == "http://congan.langson.gov.vn/default.aspx"


# -- VNPT Portal: AJAX "Xem thêm" ---------------------------------------------------------------
def test_vnpt_ajax_pages_until_an_empty_fragment():
    vn = get_adapter("vnpt")
    category = (
        '<ul class="ArticleList"><li><h2 class="Title"><a href="/an-ninh-trat-tu/bai-mot-7700">Bài</a></h2></li></ul>'
        '<div class="ViewMore"><a class="btn-more" href="javascript:void(0)" data-cat="1" data-page="2" '
        'data-url="/Ajax/ArticleList?cat=1&amp;page=2">Xem thêm</a></div>'
    )
    found = vn.discover(page("http://congan.laocai.gov.vn/an-ninh-trat-tu", category))
    assert [t.url for t in found.articles] == ["http://congan.laocai.gov.vn/an-ninh-trat-tu/bai-mot-7700"]
    assert [(t.url, t.kind) for t in found.listings] == [
        ("http://congan.laocai.gov.vn/Ajax/ArticleList?cat=1&page=2", API)
    ]
    fragment = '<li><h2 class="Title"><a href="/an-ninh-trat-tu/bai-hai-7709">Bài hai</a></h2></li>'
    more = vn.discover(page("http://congan.laocai.gov.vn/Ajax/ArticleList?cat=1&page=2", fragment, kind=API))
    assert [t.url for t in more.articles] == ["http://congan.laocai.gov.vn/an-ninh-trat-tu/bai-hai-7709"]
    assert [t.url for t in more.next_pages] == ["http://congan.laocai.gov.vn/Ajax/ArticleList?cat=1&page=3"]
    end = vn.discover(page("http://congan.laocai.gov.vn/Ajax/ArticleList?cat=1&page=4", "", kind=API))
    assert end.empty and not end.next_pages


# -- custom and generic ------------------------------------------------------------------------
def test_custom_portal_articles_and_trang_pagination():
    html = (
        '<div class="tin"><a href="/tin-bai/bai-mot-560.htm"><b>Bài</b></a></div>'
        '<a href="/chuyen-muc/an-ninh-trat-tu.htm?trang=1">1</a> <a '
        'href="/chuyen-muc/an-ninh-trat-tu.htm?trang=2">2</a>'
        '<a href="/quan-tri/dang-nhap.htm">Quản trị</a>'
    )
    found = get_adapter("custom").discover(page("http://congan.vinhphuc.gov.vn/chuyen-muc/an-ninh-trat-tu.htm", html))
    assert [t.url for t in found.articles] == ["http://congan.vinhphuc.gov.vn/tin-bai/bai-mot-560.htm"]
    assert "http://congan.vinhphuc.gov.vn/chuyen-muc/an-ninh-trat-tu.htm?trang=2" in [t.url for t in found.next_pages]
    assert all("quan-tri" not in t.url for t in found.listings)


@pytest.mark.parametrize(
    "url",
    [
        "http://congan.danang.gov.vn/tin-tuc/khoi-to-58-bi-can-88185.html",
        "http://congan.camau.gov.vn/ch40/7679-Bat-giu-doi-tuong.mhtml",
        "http://congan.thainguyen.gov.vn/tin-tuc/chuyen-doi-so/chuyen-doi-so-cap-xa-1478.html",
        "http://congan.nghean.gov.vn/thong-tin-chuyen-de/canh-bao-toi-pham/202504/canh-bao-lua-dao-123/index.htm",
        "http://congan.haiphong.gov.vn/Tin-An-ninh-trat-tu/Bat-giu-doi-tuong-184974.html",
        "http://congan.ninhbinh.gov.vn/luat-an-ninh-mang-2025-co-hieu-luc-tu-ngay-1-7",
    ],
)
def test_generic_recognises_article_shapes_of_unknown_portals(url):
    generic = get_adapter("generic")
    assert generic.is_article(generic.canonicalize(url))


def test_generic_finds_listings_pagination_and_headlines_and_skips_calendars():
    html = ('<nav><a href="/chuyen-muc/an-ninh-trat-tu">An ninh</a><a href="/gioi-thieu.html">Giới thiệu</a></nav>'
            '<h2><a href="/tin-tuc/khoi-to-58-bi-can-88185.html">Khởi tố 58 bị can</a></h2>'
            '<h2><a href="/bai/canh-bao-thu-doan-lua-dao-moi">Cảnh báo thủ đoạn lừa đảo mới qua mạng xã hội</a></h2>'
            '<a href="/lich-cong-tac?thang=2024-03">Lịch công tác</a>'
            '<nav><a rel="next" href="/chuyen-muc/an-ninh-trat-tu?page=2">Trang sau</a></nav>')
    found = get_adapter("generic").discover(page("http://congan.danang.gov.vn/chuyen-muc/an-ninh-trat-tu", html))
    assert [t.url for t in found.articles] == [
        "http://congan.danang.gov.vn/tin-tuc/khoi-to-58-bi-can-88185.html",
        "http://congan.danang.gov.vn/bai/canh-bao-thu-doan-lua-dao-moi",
    ]
    assert [t.url for t in found.next_pages] == ["http://congan.danang.gov.vn/chuyen-muc/an-ninh-trat-tu?page=2"]
    listed = [t.url for t in found.listings]
    assert "http://congan.danang.gov.vn/gioi-thieu.html" in listed
    assert not any("lich-cong-tac" in u for u in listed)
    empty = get_adapter("generic").discover(page(
        "http://congan.danang.gov.vn/chuyen-muc/an-ninh-trat-tu?page=9",
        '<p>Không có bài viết nào.</p><a rel="next" href="/chuyen-muc/an-ninh-trat-tu?page=10">Trang sau</a>'))
    assert empty.empty and empty.next_pages  # the spider does not follow next pages of empty listings


def test_dotnetnuke_article_shell_leads_to_its_getbyid_answer():
    dnn = get_adapter("dotnetnuke")
    shell_url = HANOI + "/tin-tuc/tin-moi-51230"
    shell = '<div ng-controller="NewsDetailCtrl" data-id="51230"><h1>{{news.Title}}</h1></div>'
    assert dnn.is_shell(shell_url) and not dnn.is_article(shell_url)
    found = dnn.discover(page(shell_url, shell, kind=ARTICLE))
    assert [(t.url, t.canonical) for t in found.articles] == [
        (HANOI + "/DesktopModules/cmsview/api/NewsContent/getbyid?id=51230", shell_url)
    ]


def test_generic_tries_the_sitemap_and_reads_it():
    generic = get_adapter("generic")
    starts = {t.url: (t.kind, t.hop) for t in generic.start_targets("https://congan.cantho.gov.vn/")}
    assert starts == {
        "https://congan.cantho.gov.vn/": ("seed", ""),
        "https://congan.cantho.gov.vn/sitemap.xml": (SITEMAP, "X"),  # speculative: may not exist
    }
    urlset = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              "<url><loc>https://congan.cantho.gov.vn/an-ninh/bat-giu-doi-tuong-1234.html</loc><lastmod>2025-06-01</lastmod></url>"
              "</urlset>")
    found = generic.discover(page("https://congan.cantho.gov.vn/sitemap.xml", urlset, "text/xml", kind=SITEMAP))
    assert [(t.url, t.modified) for t in found.articles] == [
        ("https://congan.cantho.gov.vn/an-ninh/bat-giu-doi-tuong-1234.html", "2025-06-01")
    ]


def test_no_adapter_ignores_an_address_that_can_be_a_page_of_content() -> None:
    # an adapter adds targets and never narrows generic discovery: addresses that are articles
    # or listings on some portal of a family are followed whatever the family's rules
    content = {
        "dotnetnuke": "/tin-tuc/canh-bao-lua-dao-51230",  # a shell on one installation, an article on another
        "wordpress": "/?p=1234",  # the only address of an article on a portal without permalinks
        "joomla": "/index.php?option=com_content&task=view&id=12&Itemid=5",  # Joomla 1.0/1.5 article
        "liferay": "/web/guest/tin-tuc?p_p_id=101&p_p_lifecycle=0&_101_struts_action=%2Fasset_publisher%2Fview_content",
        "nukeviet": "/news/tag/an-ninh/",  # a listing of the articles of a tag
        "vnpt": "/Content/tin-tuc/bai-viet-12.html",
    }
    for family, path in content.items():
        adapter = get_adapter(family)
        url = adapter.canonicalize("https://congan.vidu.gov.vn" + path)
        assert adapter.is_ignored(url) is None, (family, path)
    # what never is a page of content stays ignored
    never = {
        "dotnetnuke": "/DesktopModules/cmsview/js/service.js",
        "joomla": "/index.php?option=com_content&task=article.edit",
        "vnpt": "/Scripts/jquery.min.js", "liferay": "/web/guest?p_p_id=58&_58_struts_action=%2Flogin%2Flogin",
    }
    for family, path in never.items():
        adapter = get_adapter(family)
        assert adapter.is_ignored(adapter.canonicalize("https://congan.vidu.gov.vn" + path)), (family, path)
