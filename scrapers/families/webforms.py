"""ASP.NET WebForms (Lạng Sơn, Phú Thọ): listings paginate only through ``__doPostBack``.

A pager link ``javascript:__doPostBack('ctl00$...$rptPager$ctl01$lnkPage','')`` submits the
page's form with ``__EVENTTARGET``/``__EVENTARGUMENT`` set and every hidden field
(``__VIEWSTATE``, ``__EVENTVALIDATION``...) as the page gave them. The adapter builds that POST
(the WARC keeps it with its body); the page after it is the next number of the pager.
Articles: ``/<id>/<category>/<catid>/<slug>/<id>.aspx``; IIS paths are case-insensitive.

Extraction (``PROFILE``): ASP.NET WebForms portals (``ContentPlaceHolder1_*`` controls).

Often windows-1258, declared by a ``<meta http-equiv>`` only; the date is a label with the
day only; the lead is ``p.sapo`` inside the content panel; captions in ``div.chuthich``;
the author signs the last paragraph ("Lan Hương - Công an tỉnh"); files in ``.attach``.
"""

from __future__ import annotations

import re

from scrapers.discovery.adapter import LISTING, Adapter, Discovery, Page, Target, patterns
from scrapers.extract.profile import Profile
from scrapers.portals.urls import UrlRules, resolve_href

POSTBACK_RE = re.compile(r"__doPostBack\(\s*'([^']*)'\s*,\s*'([^']*)'\s*\)")
#: the form ASP.NET renders around the page
FORM_XPATH = "//form[.//input[@name='__VIEWSTATE']]"
#: the current page number of a pager (not a link)
CURRENT_XPATH = (
    "//*[contains(@class, 'pager') or contains(@class, 'paging') or contains(@class, 'pagination')]//*[self::span or "
    "self::b or self::strong][contains(@class, 'current') or contains(@class, 'active') or not(@class)]/text()"
)
NEXT_WORDS = ("»", "›", ">", "sau", "tiếp", "next", "trang sau")


def postback_next(adapter: Adapter, page: Page) -> Discovery:
    """The POST that shows the next page of this listing, if the pager has one."""
    if "html" not in page.content_type:
        return Discovery()
    sel = page.selector()
    forms = sel.xpath(FORM_XPATH)
    if not forms:
        return Discovery()
    form = forms[0]
    links: list[tuple[str, str, str]] = []  # (label, event target, event argument)
    for a in sel.xpath("//a[contains(@href, '__doPostBack')]"):
        match = POSTBACK_RE.search(a.attrib.get("href", ""))
        if match:
            label = " ".join(" ".join(a.xpath(".//text()").getall()).split())
            links.append((label, match.group(1), match.group(2)))
    current = next((int(t.strip()) for t in sel.xpath(CURRENT_XPATH).getall() if t.strip().isdigit()), 1)
    chosen = next((link for link in links if link[0] == str(current + 1)), None)
    if chosen is None:
        chosen = next((link for link in links if link[0].lower() in NEXT_WORDS), None)
    if chosen is None:
        return Discovery()
    _, event_target, event_argument = chosen
    fields: list[tuple[str, str]] = []
    for field in form.xpath(".//input[@type='hidden'][@name]"):
        name = field.attrib["name"]
        value = field.attrib.get("value", "")
        if name == "__EVENTTARGET":
            value = event_target
        elif name == "__EVENTARGUMENT":
            value = event_argument
        fields.append((name, value))
    names = {name for name, _ in fields}
    if "__EVENTTARGET" not in names:
        fields.insert(0, ("__EVENTTARGET", event_target))
    if "__EVENTARGUMENT" not in names:
        fields.insert(1, ("__EVENTARGUMENT", event_argument))
    action = resolve_href(form.attrib.get("action") or page.url, page.base) or page.url
    sequence = page.sequence or adapter.canonicalize(page.url)
    target = Target(adapter.canonicalize(action), LISTING, method="POST", formdata=tuple(fields), sequence=sequence)
    return Discovery(next_pages=(target,))


PROFILE = Profile(
    name="webforms",
    title=("#ContentPlaceHolder1_lblTitle", "h1.title-detail", "[id$='lblTitle']"),
    summary=("#ContentPlaceHolder1_pnContent .sapo", ".content-detail .sapo", "[id$='lblSapo']"),
    published=("#ContentPlaceHolder1_lblDate", "[id$='lblDate']", ".date"),
    author=("[id$='lblAuthor']",),
    category=(".breadcrumb a",),
    body=("#ContentPlaceHolder1_pnContent", ".content-detail", "[id$='pnContent']"),
    attachments=(".attach",),
    image_caption=(".chuthich", "figcaption", ".caption", ".image_desc"),
    noise=(".sapo",),
)


ADAPTER = Adapter(
    name="webforms",
    profile=PROFILE,
    rules=UrlRules(lowercase_path=True),
    start_paths=("/",),
    article_patterns=patterns(r"^/\d+/[a-z0-9-]+/\d+/[a-z0-9-]+/\d+\.aspx$", r"^/article/[a-z0-9-]+-\d+(?:-\d+)?/?$"),
    listing_patterns=patterns(r"^/chuyen-muc/\d+/[a-z0-9-]+\.aspx$", r"^/default\.aspx$", r"^/[a-z0-9-]+\.aspx$"),
    ignore_patterns=patterns(r"\.axd(?:\?|$)", r"^/(?:dang-nhap|login)\.aspx"),
    discover_hook=postback_next,
    description="ASP.NET WebForms: __doPostBack pagination (POST with __VIEWSTATE)",
)
