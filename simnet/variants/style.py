"""One variant portal's realisation, drawn from a seed: URL scheme, markup, wording, link
placement, encoding and faults (``draw_style(family, seed)``; deterministic per seed)."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

from . import vocab as v
from .families import FAMILIES, Family

IMAGE_DIRS = ("/Uploads/Images/{yyyy}/{mm}", "/uploads/news/{yyyy}_{mm}", "/images/tin-tuc/{yyyy}",
              "/media/anh/{yyyy}/{mm}",
              "/Portals/0/Images/{yyyy}/{mm}", "/wp-content/uploads/{yyyy}/{mm}", "/upload/anh")
DOC_PATHS = ("/Uploads/Files/{id}_{n}.pdf", "/van-ban/{id}-{n}.pdf", "/media/files/{id}-{n}.PDF")
DOC_NOEXT = ("/download.aspx?FileID={id}-{n}", "/van-ban/tai-ve/{id}-{n}", "/DownloadFile?id={id}&n={n}")
MODULES = ("cmsview", "NewsContent", "CongAnNews", "EasyDNNnews")
CONTROLLERS = ("NewsContent", "News", "Article", "TinTuc")


@dataclass(frozen=True)
class Style:
    family: str
    seed: int
    domain: str
    province: str
    # URL scheme (portal constants substituted; per-article placeholders left)
    article_t: str
    listing_t: str
    page_t: str
    image_t: str
    doc_t: str
    alias_kinds: tuple[str, ...]
    case_insensitive: bool
    link_mode: str
    href_mode: str
    home_links: bool  # the home page lists the newest articles as plain links
    canonical: bool
    shell: bool  # article pages are empty shells; the content comes from the detail API
    api_path: str  # listing API (json) or fragment endpoint (more); "" when none
    api_cat: str
    api_page: str
    api_size: str
    api_extra: str
    api_fields: tuple[str, str, str, str]  # list, url, title, id field names
    # encoding and transport
    encoding: str  # utf-8 | cp1258 | nfd
    gzip: bool
    chunked: bool
    generator: str
    malformed: bool
    # markup and wording
    wrapper: str
    wrap_class: str
    title_tag: str
    title_class: str
    date_fmt: str
    date_class: str
    date_first: bool  # the date line is above the title
    time_tag: bool  # <time datetime> around the visible date
    meta_published: bool  # article:published_time meta
    header_clock: bool  # the header shows today's date (not the article's)
    byline: str
    author_class: str
    author_place: str
    affiliation: str
    lead_markup: str
    lead_class: str
    body_class: str
    image_markup: str
    image_source: str
    caption_class: str
    attach_noext: bool
    attach_after: bool  # attachments in a block after the body (else inside it)
    attach_label: str
    cat_markup: str
    cat_class: str
    cat_label: str
    related_title: str
    next_text: str
    more_text: str
    list_class: str
    itemid_base: int
    id_base: int
    id_stride: int

    @property
    def fam(self) -> Family:
        return FAMILIES[self.family]

    @property
    def shows_time(self) -> bool:
        return v.DATE_FORMATS[self.date_fmt][0]


def _fill(template: str, consts: dict[str, str]) -> str:
    for key, value in consts.items():
        template = template.replace("{" + key + "}", value)
    return template


def domain_of(family: str, seed: int) -> str:
    return f"congan.{family}{seed}.gov.vn"


def draw_style(family: str, seed: int) -> Style:
    """The realisation of ``family`` for ``seed`` (same seed, same portal)."""
    fam = FAMILIES[family]
    rng = random.Random(f"simnet-variant:{family}:{seed}")
    pick = rng.choice
    news = pick(v.NEWS_WORDS)
    consts = {
        "news": news, "News": news.capitalize(), "sec": pick(v.SECTION_WORDS),
        "Sec": pick(v.SECTION_WORDS).capitalize(),
        "inst": "".join(pick("abcdefghijkLMNOPQRSTUVWXYZ0123456789") for _ in range(12)),
        "module": pick(MODULES), "ctrl": pick(CONTROLLERS), "tabid": str(rng.randint(50, 400)),
    }
    article_t = _fill(pick(fam.articles), consts)
    listing_t, page_t = (_fill(t, consts) for t in pick(fam.listings))
    link_mode = pick(fam.link_modes)
    api_path = _fill(pick(fam.api_paths), consts) if fam.api_paths else ""
    if link_mode == v.LINK_JSON and not api_path:
        link_mode = v.LINK_PLAIN
    if link_mode == v.LINK_MORE and not api_path:
        api_path = f"/ajax/{consts['sec']}-more"
    shell = bool(api_path) and link_mode == v.LINK_JSON and rng.random() < fam.shell
    aliases = tuple(k for k in fam.aliases if rng.random() < 0.6 or k == fam.aliases[0])
    if not shell:
        aliases = tuple(k for k in aliases if k != "api")
    if shell and "api" not in aliases:
        aliases = ("api", *aliases)
    doc_noext = rng.random() < 0.4
    date_fmt = pick(tuple(v.DATE_FORMATS))
    malformed = rng.random() < fam.malformed
    return Style(
        family=family, seed=seed, domain=domain_of(family, seed), province=pick(v.PROVINCES),
        article_t=article_t, listing_t=listing_t, page_t=page_t,
        image_t=pick(IMAGE_DIRS) + "/{id}_{n}.jpg", doc_t=pick(DOC_NOEXT if doc_noext else DOC_PATHS),
        alias_kinds=aliases, case_insensitive=fam.case_insensitive, link_mode=link_mode,
        href_mode=pick(fam.href_modes), home_links=link_mode in (v.LINK_PLAIN, v.LINK_MENU) or rng.random() < 0.5,
        canonical=rng.random() < fam.canonical, shell=shell, api_path=api_path,
        api_cat=pick(v.API_CATEGORY_PARAMS), api_page=pick(v.API_PAGE_PARAMS), api_size=pick(v.API_SIZE_PARAMS),
        api_extra=pick(v.API_EXTRA_PARAMS),
        api_fields=(pick(v.API_LIST_FIELDS), pick(v.API_URL_FIELDS), pick(v.API_TITLE_FIELDS), pick(v.API_ID_FIELDS)),
        encoding=pick(fam.encodings), gzip=rng.random() < 0.5, chunked=rng.random() < 0.3,
        generator=pick(fam.generator), malformed=malformed,
        wrapper=pick(v.WRAPPERS), wrap_class=pick(v.WRAP_CLASSES), title_tag=pick(("h1", "h1", "h2", "div")),
        title_class=pick(v.TITLE_CLASSES), date_fmt=date_fmt, date_class=pick(v.DATE_CLASSES),
        date_first=rng.random() < 0.5, time_tag=rng.random() < 0.3, meta_published=rng.random() < 0.4,
        header_clock=rng.random() < 0.5, byline=pick(v.BYLINES), author_class=pick(v.AUTHOR_CLASSES),
        author_place=pick(v.AUTHOR_PLACES), affiliation=pick(v.AFFILIATIONS),
        lead_markup=pick(v.LEAD_MARKUPS), lead_class=pick(v.LEAD_CLASSES), body_class=pick(v.BODY_CLASSES),
        image_markup=pick(v.IMAGE_MARKUPS), image_source=pick(v.IMAGE_SOURCES), caption_class=pick(v.CAPTION_CLASSES),
        attach_noext=doc_noext, attach_after=rng.random() < 0.5, attach_label=pick(v.ATTACH_LABELS),
        cat_markup=pick(v.CATEGORY_MARKUPS), cat_class=pick(v.CAT_CLASSES), cat_label=pick(v.CATEGORY_LABELS),
        related_title=pick(v.RELATED_TITLES), next_text=pick(v.NEXT_TEXTS), more_text=pick(v.MORE_TEXTS),
        list_class=pick(v.LIST_CLASSES), itemid_base=rng.randint(101, 480),
        id_base=rng.randint(100, 900000), id_stride=rng.randint(1, 17),
    )


def stable_hex(text: str, n: int = 32) -> str:
    """A deterministic hex token (session ids in links)."""
    out, i = "", 0
    while len(out) < n:
        out += f"{zlib.crc32(f'{i}:{text}'.encode()):08X}"
        i += 1
    return out[:n]
