"""The extraction cascade: one page in, one :class:`ExtractedArticle` out.

Stages, tried per field, first answer wins (modelled on trafilatura's ``core.py``):

1. ``profile``: the CMS family's selectors (``scrapers/families/<name>.py``); for pages served as
   JSON, the profile's key paths, or the common key names of news APIs (stage ``json``);
2. ``structured``: JSON-LD, OpenGraph / ``article:*`` meta, microdata, ``<time>``; an
   ``articleBody`` only when it is at least as complete as the body found in the page, an
   author only when it is a person (not an ``Organization`` nor the site's name);
3. ``generic`` (:mod:`.generic`): stands alone, from page evidence only: the headline, the
   day-first date near it, the byline and its affiliation, the section, the lead and the body
   block.

With the generic profile (no profile), the generic stage always runs. With a family's profile
it runs when an earlier stage left the title, the date or the body empty; the profile is an
accelerator, and :mod:`.health` compares it with the generic path on a sample of pages.
Whatever stage found the body, the byline is separated from it and the headline, date line
and summary are kept out of it. ``extraction.fields`` records the stage of every field found.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from typing import cast
from urllib.parse import parse_qs, urlsplit

import lxml.html
from lxml import etree

from archive.corpus.article import (
    STAGE_GENERIC,
    STAGE_JSON,
    STAGE_PROFILE,
    STAGE_STRUCTURED,
    Attachment,
    ExtractedArticle,
    Extraction,
    Image,
    site_of,
)

from .agree import BLOCK, Choice, choose_body
from .body import Body, process_body
from .byline import parse_byline
from .cleanup import clean_body, prune_html
from .dates import parse_date
from .dom import (
    absolute,
    base_url,
    first_element,
    first_match,
    first_value,
    parse_html,
    select,
    select_values,
    text_of,
)
from .found import FoundFields
from .generic import AFTER_BODY_BLOCKS, GENERIC_FIELDS, Generic, byline_at_ends, extract_generic, section_of
from .jsonapi import GENERIC_JSON, first, load_json_article, looks_like_json
from .profile import Profile
from .structured import STRUCTURED_FIELDS, Structured, extract_structured, prefer_structured_body
from .text import clean_text, decode_html, split_keywords, strip_byline_label

#: what the stages find that is no article field (kept out of ``extraction.fields``)
INTERNAL_FIELDS = frozenset({
    "generic_author", "structured_body", "lead_image", "declared_canonical", "declared_aliases", "description",
    "affiliation",
})


#: the page's declared canonical URL (compiled once: ``root.xpath`` compiles on every call)
_CANONICAL = etree.XPath('//link[@rel="canonical"]/@href')


@lru_cache(maxsize=1)
def software_version() -> str:
    """``congan-archive/<v> trafilatura/<v>`` (read once: package metadata is slow to parse)."""
    try:
        ours = version("congan-archive")
    except PackageNotFoundError:
        ours = "0+unknown"
    return f"congan-archive/{ours} trafilatura/{version('trafilatura')}"


def _content_type(headers: Mapping[str, str] | None) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == "content-type":
            return value
    return None


def extract_article(
    body: bytes,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    profile: str | Profile | None = None,
    adapter: str | None = None,
    content_types: Mapping[str, str] | None = None,
) -> ExtractedArticle:
    """The article on one page (HTML or JSON). Never raises on bad input: a page with
    nothing recognisable gives an article with no title and an empty body. ``profile`` is a
    family's profile or its name (``scrapers.families``; ``None``: generic); an unknown name
    raises ``scrapers.errors.UnknownProfileError``. ``content_types`` (URL -> Content-Type of
    the answers fetched for the page's links) makes an extension-less link to a document, in
    or right after the body, an attachment."""
    from scrapers.families import get_profile  # the families import this package's profile module

    chosen = profile if isinstance(profile, Profile) else get_profile(profile)
    text, _charset = decode_html(body, headers)
    found = FoundFields()
    parsed_body: Body | None = None
    if looks_like_json(body, _content_type(headers)):
        parsed_body = _json_stage(text, url, chosen, found, content_types)
    if parsed_body is None:
        root = parse_html(text)
        base = base_url(root, url)
        parsed_body, element, headline = _profile_stage(root, base, chosen, found, content_types)
        _structured_stage(extract_structured(root, _structured_wanted(found)), base, found)
        if not chosen.covers_page or found.missing("title", "published", "body", "category") or (
            found.missing("author") and not _signed_body(parsed_body, found)
        ):
            parsed_body = _generic_stage(
                root, url, base, chosen, found, parsed_body, text, element, headline, content_types
            )
        prefer_structured_body(found)
    return _assemble(url, found, parsed_body, chosen, adapter)


def _json_stage(
    text: str, url: str, profile: Profile, found: FoundFields, content_types: Mapping[str, str] | None = None
) -> Body | None:
    fields = profile.json or GENERIC_JSON
    article = load_json_article(text, fields)
    if article is None or (profile.json is None and not (article.get("title") and article.get("body_html"))):
        return None
    for name in ("title", "summary", "category"):
        value = article.get(name)
        found.offer(name, clean_text(str(value)) if value is not None else None, STAGE_JSON)
    _offer_author(found, article.get("author"), STAGE_JSON)
    for name in ("published", "modified"):
        found.offer(name, parse_date(article.get(name)), STAGE_JSON)
    tags = article.get("tags")
    if isinstance(tags, str):
        tags = tags.split(",")
    if isinstance(tags, list):
        found.offer("tags", tuple(t for t in (clean_text(str(x)) for x in tags) if t), STAGE_JSON)
    link = article.get("url")
    if isinstance(link, str):
        found.offer("declared_canonical", absolute(url, link), STAGE_JSON)
    html = article.get("body_html")
    fragment = lxml.html.fragment_fromstring(str(html or ""), create_parent="div")
    body = process_body(fragment, url, profile, content_types=content_types)
    files = article.get("attachments")
    if isinstance(files, list):
        listed = []
        for entry in files:
            link = absolute(url, str(first(entry, fields.attachment_url) or "")) if isinstance(entry, dict) else None
            if link:
                title = first(entry, fields.attachment_title)
                listed.append(Attachment(url=link, title=clean_text(str(title)) if title else None))
        known = {a.url for a in body.attachments}
        body = replace(body, attachments=body.attachments + tuple(a for a in listed if a.url not in known))
    found.offer("body", body.paragraphs, STAGE_JSON)
    image = article.get("image")
    if isinstance(image, str) and image.strip():
        found.offer("lead_image", absolute(url, image), STAGE_JSON)
    return body


def _profile_stage(
    root: etree._Element, base: str, profile: Profile, found: FoundFields,
    content_types: Mapping[str, str] | None = None,
) -> tuple[Body | None, etree._Element | None, etree._Element | None]:
    """The profile's fields, its body with the element it came from, and the headline's element."""
    title = first_match(root, profile.title)
    headline = title[0] if title else None
    found.offer("title", title[1] if title else None, STAGE_PROFILE)
    found.offer("summary", first_value(root, profile.summary), STAGE_PROFILE)
    for name in ("published", "modified"):
        dates = filter(None, map(parse_date, _values(root, getattr(profile, name))))
        found.offer(name, next(dates, None), STAGE_PROFILE)
    _offer_author(found, first_value(root, profile.author), STAGE_PROFILE)
    found.offer("category", section_of(first_value(root, profile.category, last=True)), STAGE_PROFILE)
    found.offer("category", section_of(_category_by_url(root, base, profile)), STAGE_PROFILE)
    tags: list[str] = []
    for selector in profile.tags:
        for value in select_values(root, selector):
            tags.extend(split_keywords(value))
    found.offer("tags", tuple(dict.fromkeys(tags)), STAGE_PROFILE)
    aliases = [absolute(base, value) for value in _values(root, profile.alias_links)]
    found.offer("declared_aliases", tuple(dict.fromkeys(a for a in aliases if a)), STAGE_PROFILE)
    canonical = _CANONICAL(root)
    if canonical:
        found.offer("declared_canonical", absolute(base, str(canonical[0])), STAGE_PROFILE)
    element = first_element(root, profile.body)
    if element is None:
        return None, None, headline
    extra_roots = [el for selector in profile.attachments for el in select(root, selector)]
    # documents listed right after the body block, as the generic stage finds them
    trailing = list(element.itersiblings())[:AFTER_BODY_BLOCKS]
    body = process_body(
        element, base, profile, attachment_roots=extra_roots, trailing=trailing, content_types=content_types
    )
    found.offer("body", body.paragraphs, STAGE_PROFILE)
    return body, element, headline


def _offer_author(found: FoundFields, value: object, stage: str) -> None:
    """A byline found by a profile or an API: the name, and the unit after it as affiliation."""
    if value is None or not str(value).strip():
        return
    byline = parse_byline(str(value))
    if byline is not None:
        found.offer("author", byline.author, stage)
        found.offer("affiliation", byline.affiliation, stage)
    else:
        found.offer("author", strip_byline_label(str(value)), stage)


def _category_by_url(root: etree._Element, url: str, profile: Profile) -> str | None:
    query = parse_qs(urlsplit(url).query)
    for parameter, template in profile.category_by_url:
        values = query.get(parameter)
        if values and values[0].isalnum():
            found = first_value(root, (template.format(value=values[0]),))
            if found:
                return found
    return None


def _values(root: etree._Element, selectors: tuple[str, ...]) -> Iterator[str]:
    """The values the selectors match, selector after selector (each run only when asked)."""
    for selector in selectors:
        yield from select_values(root, selector)


def _structured_wanted(found: FoundFields) -> frozenset[str]:
    """The structured fields that can still change the article: those not found yet, a date
    found without its time, the description when there is no summary (it may tell the lead)."""
    return frozenset(
        name for name in STRUCTURED_FIELDS
        if name not in found.values or found.day_only(name) or name == "image"
    )


def _structured_stage(data: Structured, base: str, found: FoundFields) -> None:
    for name in ("title", "published", "modified", "author", "category", "tags"):
        found.offer(name, getattr(data, name), STAGE_STRUCTURED)
    for name in ("published", "modified"):
        found.refine(name, getattr(data, name), STAGE_STRUCTURED)
    if data.body:
        found.offer("structured_body", data.body, STAGE_STRUCTURED)
    if data.image:
        found.offer("lead_image", absolute(base, data.image), STAGE_STRUCTURED)
    found.offer("description", data.summary, STAGE_STRUCTURED)


def _signed_body(body: Body | None, found: FoundFields) -> bool:
    """The byline at the ends of the profile's body, when the profile found every field but
    the author (the generic stage is then not needed for it): True when there is one."""
    byline = byline_at_ends(body.paragraphs) if body is not None else None
    if byline is None:
        return False
    found.offer("generic_author", byline.author, STAGE_GENERIC)
    found.offer("affiliation", byline.affiliation, STAGE_GENERIC)
    return True


def _generic_stage(
    root: etree._Element, url: str, base: str, profile: Profile, found: FoundFields, parsed_body: Body | None,
    html: str | None = None, element: etree._Element | None = None, headline: etree._Element | None = None,
    content_types: Mapping[str, str] | None = None,
) -> Body | None:
    """The generic fields; around the profile's body ``element`` when the profile found one
    (the body block is then known: no block is located and trafilatura is not asked), and
    below the profile's ``headline`` element when it found one."""
    known = element if parsed_body is not None else None
    # a day-only date of an earlier stage is asked again: the page may give its time too
    wanted = frozenset(name for name in GENERIC_FIELDS if name not in found.values or found.day_only(name))
    data: Generic = extract_generic(root, url, html, container=known, headline=headline, wanted=wanted)
    found.offer("title", data.title, STAGE_GENERIC)
    found.offer("summary", data.summary, STAGE_GENERIC)
    found.offer("published", data.published, STAGE_GENERIC)
    found.refine("published", data.published, STAGE_GENERIC)
    found.offer("category", data.category, STAGE_GENERIC)
    if "author" not in found.values:
        found.offer("generic_author", data.author, STAGE_GENERIC)
        found.offer("affiliation", data.affiliation, STAGE_GENERIC)
    if parsed_body is None and data.container is not None:
        parsed_body = process_body(
            data.container, base, profile, trailing=list(data.trailing), content_types=content_types
        )
        if data.certain:
            choice = Choice(parsed_body.paragraphs, BLOCK)
        else:
            fields = ("title", "summary", "author", "affiliation")
            known = (
                (data.title, data.summary, data.author, data.affiliation, *(found.text(n) for n in fields))
                if data.below_headline else ()
            )
            choice = choose_body(parsed_body.paragraphs, data.text(), text_of(data.container), known)
        if choice.source != BLOCK and "author" not in found.values:
            # a signature at the block's end that trafilatura's text left out
            signed = clean_body(parsed_body.paragraphs, title=None, summary=None, author=data.author)
            found.offer("generic_author", signed.author, STAGE_GENERIC)
        found.offer("body", choice.paragraphs, STAGE_GENERIC)
    if "body" not in found.values:
        found.offer("body", data.text(), STAGE_GENERIC)
    return parsed_body


def _lead_from_description(paragraphs: list[str], found: FoundFields) -> None:
    description = found.get("description")
    if paragraphs and description and paragraphs[0] == description:
        # the page's description repeats its first paragraph: that paragraph is the lead
        found.offer("summary", description, STAGE_STRUCTURED)


def _assemble(
    url: str, found: FoundFields, body: Body | None, profile: Profile, adapter: str | None
) -> ExtractedArticle:
    if found.get("modified") is not None and found.get("modified") == found.get("published"):
        found.values.pop("modified")  # a modification date equal to publication is none
        found.stages.pop("modified", None)
    raw = list(cast("list[str]", found.get("body", [])))
    _lead_from_description(raw, found)
    cleaned = clean_body(
        raw, title=found.text("title"), summary=found.text("summary"),
        author=found.text("author") or found.text("generic_author"),
    )
    paragraphs = cleaned.paragraphs
    found.offer("author", found.get("generic_author"), STAGE_GENERIC)
    found.offer("author", cleaned.author, found.stages.get("body", STAGE_GENERIC))
    images: tuple[Image, ...] = body.images if body else ()
    lead = found.get("lead_image")
    if not images and isinstance(lead, str):
        images = (Image(url=lead, caption=None),)
    attachments: tuple[Attachment, ...] = body.attachments if body else ()
    if images:
        found.stages.setdefault("images", found.stages.get("body", STAGE_GENERIC))
    if attachments:
        found.stages.setdefault("attachments", found.stages.get("body", STAGE_GENERIC))
    method = found.stages.get("body", STAGE_GENERIC)
    reported = {
        k: v for k, v in found.stages.items() if k not in INTERNAL_FIELDS
    }
    declared = found.get("declared_canonical")
    return ExtractedArticle(
        url=url,
        fetched_url=url,
        site=site_of(url),
        title=found.get("title"),  # type: ignore[arg-type]
        summary=found.get("summary"),  # type: ignore[arg-type]
        published=found.get("published"),  # type: ignore[arg-type]
        modified=found.get("modified"),  # type: ignore[arg-type]
        author=found.get("author"),  # type: ignore[arg-type]
        affiliation=found.get("affiliation") if found.get("author") else None,  # type: ignore[arg-type]
        category=found.get("category"),  # type: ignore[arg-type]
        tags=tuple(found.get("tags", ())),  # type: ignore[arg-type]
        body="\n\n".join(paragraphs),
        body_html=prune_html(body.tree, cleaned.dropped, title=found.text("title"), author=found.text("author"))
        if body
        else "",
        images=images,
        attachments=attachments,
        extraction=Extraction(
            adapter=adapter,
            method=method,
            software_version=software_version(),
            profile=profile.name,
            fields=tuple(sorted(reported.items())),
        ),
        declared_canonical=declared if isinstance(declared, str) else None,
        declared_aliases=tuple(found.get("declared_aliases", ())),  # type: ignore[arg-type]
        lead_in_body=bool(raw) and found.get("summary") in cleaned.dropped,
    )
