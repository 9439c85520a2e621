"""DotNetNuke with the ``cmsview`` news module (Hà Nội, Quảng Nam).

Category pages are AngularJS shells with no article links: the articles come from a JSON
API, ``/DesktopModules/cmsview/api/NewsContent/listnew?CategoryId=N&PageIndex=P&PageSize=S``
(pages from 1, an empty ``Data`` list past the end), and each article's content from
``getbyid?id=N``. The article's address is the ``Url`` the API gives (``/tin-tuc/<slug>-<id>``);
its ``getbyid`` answer is fetched as the article page (it holds the text) and filed under
that address. IIS serves paths case-insensitively.

Extraction (``PROFILE``): DotNetNuke portals (``DesktopModules/cmsview``).

Articles come two ways: the AngularJS page (``/tin-tuc/...``), whose HTML view repeats the
fields, and the JSON API ``/DesktopModules/cmsview/api/NewsContent/getbyid?id=N`` (content
type application/json), whose key names vary between installations: every known spelling
is listed, first found wins.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode, urljoin

from scrapers.discovery.adapter import API, ARTICLE, Adapter, Discovery, Page, Target, patterns
from scrapers.extract.profile import JsonFields, Profile
from scrapers.portals.safe_urls import safe_join
from scrapers.portals.urls import UrlRules

API_BASE = "/DesktopModules/cmsview/api/NewsContent"
LISTNEW = API_BASE + "/listnew"
GETBYID = API_BASE + "/getbyid"
#: a category shell: <div ng-controller="NewsListCtrl" data-category-id="2" data-page-size="5">
CATEGORY_SHELL_XPATH = "//*[@data-category-id]"
#: an article shell: <div ng-controller="NewsDetailCtrl" data-id="51230">
ARTICLE_SHELL_XPATH = "//*[contains(@ng-controller, 'Detail')][@data-id]"
DEFAULT_PAGE_SIZE = 20
#: listnew answers: list under one of these keys; each item's id / url / title keys
LIST_KEYS = ("Data", "data", "Items", "items")
ID_KEYS = ("Id", "ID", "id", "NewsId")
URL_KEYS = ("Url", "URL", "url", "Link")
#: the headline of a listing entry (a new one on a re-crawl: the article may have changed)
TITLE_KEYS = ("Title", "title", "TieuDe")


def listnew_url(base: str, category: str, page: int, size: int) -> str:
    query = urlencode({"CategoryId": category, "PageIndex": page, "PageSize": size})
    return urljoin(base, f"{LISTNEW}?{query}")


def _first(item: dict[str, object], keys: tuple[str, ...]) -> object:
    for key in keys:
        if item.get(key) not in (None, ""):
            return item[key]
    return None


def _categories(adapter: Adapter, page: Page) -> Discovery:
    """A category shell leads to the first page of its listnew API."""
    if "html" not in page.content_type:
        return _api_page(adapter, page)
    sel = page.selector()
    pages = []
    for node in sel.xpath(CATEGORY_SHELL_XPATH):
        category = node.attrib.get("data-category-id", "").strip()
        size = node.attrib.get("data-page-size", "").strip()
        if category.isdigit():
            url = listnew_url(page.url, category, 1, int(size) if size.isdigit() else DEFAULT_PAGE_SIZE)
            pages.append(Target(adapter.canonicalize(url), API, sequence=f"cmsview:{category}"))
    articles = []
    for node in sel.xpath(ARTICLE_SHELL_XPATH):
        ident = node.attrib.get("data-id", "").strip()
        if ident.isdigit():
            api = adapter.canonicalize(urljoin(page.url, f"{GETBYID}?id={ident}"))
            articles.append(Target(api, ARTICLE, canonical=adapter.canonicalize(page.url)))
    return Discovery(articles=tuple(articles), listings=tuple(pages))


def _api_page(adapter: Adapter, page: Page) -> Discovery:
    """A listnew answer: its articles, and the next page while this one is not empty."""
    if LISTNEW.lower() not in page.url.lower():
        return Discovery()
    try:
        payload = json.loads(page.text)
    except ValueError:
        return Discovery()
    items: list[Any] = next(
        (payload[k] for k in LIST_KEYS if isinstance(payload, dict) and isinstance(payload.get(k), list)), []
    )
    articles = []
    for item in items:
        if not isinstance(item, dict):
            continue
        ident, link = _first(item, ID_KEYS), _first(item, URL_KEYS)
        if ident is None or link is None:
            continue
        joined = safe_join(page.url, str(link))
        if joined is None:
            continue  # a malformed link in the JSON (scrapers.portals.safe_urls)
        canonical = adapter.canonicalize(joined)
        api = adapter.canonicalize(urljoin(page.url, f"{GETBYID}?id={ident}"))
        label = _first(item, TITLE_KEYS)
        articles.append(Target(api, ARTICLE, canonical=canonical, label=str(label) if label else ""))
    next_pages: tuple[Target, ...] = ()
    match = re.search(r"PageIndex=(\d+)", page.url, re.IGNORECASE)
    if articles and match:
        following = re.sub(r"PageIndex=\d+", f"PageIndex={int(match.group(1)) + 1}", page.url, flags=re.IGNORECASE)
        next_pages = (Target(adapter.canonicalize(following), API, sequence=page.sequence),)
    return Discovery(articles=tuple(articles), next_pages=next_pages)


PROFILE = Profile(
    name="dotnetnuke",
    title=(".news-detail h1", ".cmsview-detail h1", ".tieude", "h1.title", "h1"),
    summary=(".news-detail .sapo", ".cmsview-detail .summary", ".tomtat", ".sapo", ".summary"),
    published=(".news-detail .date", ".cmsview-detail .date", ".ngaydang", ".date"),
    author=(".news-detail .author", ".cmsview-detail .author", ".tacgia", ".author"),
    category=(".news-detail .category", ".breadcrumb a", ".breadcrumb li"),
    tags=(".tags a",),
    body=(".news-detail .content", ".cmsview-detail .content", ".noidung", ".content"),
    noise=(".sapo", ".summary", ".date", ".author"),
    json=JsonFields(
        record=("d", "data", "Data", "result", "Result", "item", "Item", ""),
        title=("Title", "TieuDe", "Name", "Headline"),
        summary=("Summary", "TomTat", "MoTa", "Description", "Sapo"),
        body_html=("Content", "NoiDung", "Body", "Detail", "ChiTiet", "Html"),
        published=("PublishDate", "PublishedDate", "NgayDang", "NgayXuatBan", "CreatedDate", "CreateDate", "Date"),
        modified=("ModifiedDate", "LastModifiedOnDate", "NgayCapNhat", "UpdatedDate"),
        author=("Author", "TacGia", "AuthorName", "CreatedByName"),
        category=("CategoryName", "ChuyenMuc", "Category.Name", "Category", "CatName"),
        tags=("Tags", "Keywords", "TuKhoa"),
        image=("Image", "ImageUrl", "AnhDaiDien", "Thumbnail"),
        url=("Url", "Link", "FriendlyUrl"),
        attachments=("Attachments", "Files", "TepDinhKem"),
    ),
)


ADAPTER = Adapter(
    name="dotnetnuke",
    profile=PROFILE,
    rules=UrlRules(drop_params=frozenset({"tabid", "mid", "ctl", "returnurl", "popup"})),
    start_paths=("/",),
    article_patterns=patterns(r"/DesktopModules/cmsview/api/NewsContent/getbyid\?id=\d+$"),
    # the page at an article's address is an AngularJS shell: its data-id leads to getbyid
    # (a hint: on a portal where such addresses are ordinary article pages they are read)
    shell_patterns=patterns(r"^/tin-tuc/[a-z0-9-]+-\d+/?$"),
    listing_patterns=patterns(r"^/tin-tuc/[a-z-]+/?$", r"^/[a-z0-9-]+/?$"),
    ignore_patterns=patterns(r"/DesktopModules/.*\.(?:js|css)$"),
    discover_hook=_categories,
    description="DotNetNuke cmsview: JSON listnew/getbyid API behind AngularJS shells",
)
