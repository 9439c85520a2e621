"""The shared vocabulary of the variant generator: what differs between real installations of
any CMS family (class names, labels, date formats, "next page" wording, link placement).

Every pool is data. ``simnet.variants.families`` narrows them per family; ``style.draw_style``
picks from them with a seeded ``random.Random``. simnet/README.md ("Variants") says which real
feature each entry mirrors.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..portals.base import WEEKDAYS

#: fictional provinces for variant portals (text with diacritics; domains are made from the seed)
PROVINCES = (
    "Bình Hòa", "Sơn Thủy", "Quảng Lâm", "Tây Nguyên Thượng", "Hải Đông", "Trường Giang", "Kỳ Sơn",
    "Phước Thành", "Lạc Thủy", "Đông Triều", "Yên Khánh", "Thạch Hãn",
)

#: class / id names seen on Vietnamese portals for the same parts of an article page
TITLE_CLASSES = (
    "title", "news-title", "article-title", "tieude", "TieuDe", "detail-title", "entry-title", "ArticleTitle",
)
DATE_CLASSES = ("date", "time", "ngaydang", "news-date", "post-date", "PublishDate", "meta-date", "created")
AUTHOR_CLASSES = ("author", "tacgia", "news-author", "byline", "signature", "nguoiviet", "AuthorName")
LEAD_CLASSES = ("sapo", "lead", "summary", "tomtat", "hometext", "Lead", "news-summary", "description")
BODY_CLASSES = ("content", "news-content", "noidung", "article-body", "entry-content", "detail-content", "bodytext")
WRAP_CLASSES = ("news-detail", "chitiet", "detail", "article", "post", "box-news", "ArticleDetail", "main-content")
LIST_CLASSES = ("news-list", "list-news", "danhsach", "ArticleList", "category-list", "items", "tin-khac")
CAPTION_CLASSES = ("caption", "chuthich", "ghichu", "image_desc", "img-caption", "PhotoCMS_Caption")
CAT_CLASSES = ("breadcrumb", "duongdan", "cat-name", "chuyenmuc", "section-title", "path")

#: byline wording (the name replaces {name}); label with or without a colon, or none
BYLINES = (
    "Tác giả: {name}", "Tác giả {name}", "Viết bởi {name}", "TG: {name}", "Bài, ảnh: {name}",
    "Bài và ảnh: {name}", "{name}", "Người viết: {name}", "Theo {name}",
)
#: what follows the name in a signature (truth ``affiliation``); "" for none
AFFILIATIONS = ("", "", "Công an tỉnh", "Phòng Tham mưu", "Công an huyện")
NEXT_TEXTS = ("Trang sau", "Tiếp »", "»", "Xem tiếp", "Trang tiếp", "›", "Sau", "Tiếp theo")
MORE_TEXTS = ("Xem thêm", "Xem thêm tin", "Tải thêm", "Xem tiếp »")
ATTACH_LABELS = ("Tải về:", "File đính kèm:", "Văn bản:", "Tài liệu đính kèm", "Tệp đính kèm:")
CATEGORY_LABELS = ("Chuyên mục:", "Danh mục:", "Mục:")
RELATED_TITLES = ("Tin liên quan", "Các tin khác", "Tin đã đưa", "Những tin cũ hơn", "Bài viết khác")
#: listing words used in URLs (the slug of "Tin tức" and its synonyms)
NEWS_WORDS = ("tin-tuc", "tin-bai", "bai-viet", "news", "tin", "thong-tin")
SECTION_WORDS = ("chuyen-muc", "danh-muc", "category", "chuyenmuc", "cat", "muc")


def _hm(d: datetime) -> str:
    return f"{d:%H:%M}"


#: date formats: key -> (shows time, formatter). The truth ``published`` is date-only when the
#: format shows no time.
DateFormat = Callable[[datetime], str]
DATE_FORMATS: dict[str, tuple[bool, DateFormat]] = {
    "dmy_hm": (True, lambda d: f"{d:%d/%m/%Y} {_hm(d)}"),
    "hm_dmy": (True, lambda d: f"{_hm(d)} {d:%d/%m/%Y}"),
    "dmy_pipe_hm": (True, lambda d: f"{d:%d/%m/%Y} | {_hm(d)}"),
    "weekday_dmy_hm": (True, lambda d: f"{WEEKDAYS[d.weekday()]}, {d:%d/%m/%Y} - {_hm(d)}"),
    "weekday_short": (True, lambda d: f"{WEEKDAYS[d.weekday()]}, {d.day}/{d.month}/{d.year}, {_hm(d)}"),
    "dash_hms": (True, lambda d: f"{d:%d-%m-%Y %H:%M:%S}"),
    "updated": (True, lambda d: f"Cập nhật: {d:%d/%m/%Y} {_hm(d)}"),
    "posted": (True, lambda d: f"Ngày đăng: {d:%d/%m/%Y} {_hm(d)}"),
    "at_time": (True, lambda d: f"Cập nhật lúc {_hm(d)}, ngày {d:%d/%m/%Y}"),
    "long": (False, lambda d: f"Ngày {d.day} tháng {d.month} năm {d.year}"),
    "long_posted": (False, lambda d: f"Đăng ngày {d.day} tháng {d.month} năm {d.year}"),
    "dmy": (False, lambda d: f"{d:%d/%m/%Y}"),
    "dot_dmy": (False, lambda d: f"{d:%d.%m.%Y}"),
}

#: where article links sit on listing pages
LINK_PLAIN = "plain"  # <a href> in a list
LINK_SELECT = "select"  # <select><option value=URL>title</option> (a "jump to" box)
LINK_MENU = "menu"  # a nav menu of the newest articles (ul > li > a inside <nav>)
LINK_SCRIPT = "script"  # only inside an inline script (a JSON array the page renders)
LINK_JSON = "json"  # only in the answers of a JSON listing API
LINK_MORE = "more"  # the first items plain, the rest only after "Xem thêm" (AJAX fragment)
LINK_MODES = (LINK_PLAIN, LINK_SELECT, LINK_MENU, LINK_SCRIPT, LINK_JSON, LINK_MORE)

#: how hrefs are written: absolute URL, root-relative, relative to the page, relative to <base href>
HREF_MODES = ("absolute", "root", "relative", "base")

#: JSON API naming (DotNetNuke news modules, VNPT portal services, home-made APIs)
API_CATEGORY_PARAMS = ("CategoryId", "catId", "ZoneId", "cid", "ModuleId", "chuyenmuc")
API_PAGE_PARAMS = ("PageIndex", "page", "p", "pageNumber", "trang", "currentPage")
API_SIZE_PARAMS = ("PageSize", "rows", "limit", "")
API_EXTRA_PARAMS = ("PortalId=0", "GetType=3", "txtKeyword=", "lang=vi-VN", "")
API_URL_FIELDS = ("Url", "Link", "FriendlyUrl", "href", "DetailUrl", "url")
API_TITLE_FIELDS = ("Title", "TieuDe", "Name", "title", "Subject")
API_ID_FIELDS = ("Id", "NewsId", "ID", "ArticleID", "id")
API_LIST_FIELDS = ("Data", "data", "Items", "result", "list")

#: image markup: where the caption sits
IMAGE_MARKUPS = ("figure", "table", "p_em", "div_caption", "img_title")
#: how the image URL is given
IMAGE_SOURCES = ("src", "data_src", "srcset", "noscript")
#: lead/sapo markup
LEAD_MARKUPS = ("p_class", "div_class", "p_strong", "h2_class", "absent")
#: where the section name shows on an article page
CATEGORY_MARKUPS = ("breadcrumb", "heading", "label", "menu_active", "meta_section")
#: byline placement
AUTHOR_PLACES = ("top", "bottom", "bottom_right")
#: page skeletons
WRAPPERS = ("div", "article", "table")
