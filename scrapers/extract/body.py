"""The article body: images and attachments, noise cut out, paragraphs, sanitised HTML.

Works on a copy of the body element so the page tree stays intact for the other stages.
Images are taken before the noise is cut (their captions are noise to the text but are the
images' captions) and kept only when they survive the cut (related-article thumbnails do
not).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from lxml.html import defs as html_defs

from archive.corpus.article import Attachment, Image

from .dom import absolute, first_value, joined, paragraphs_of, remove, select_any, text_of
from .profile import ATTACHMENT_EXTENSIONS, COMMON_NOISE, Profile
from .text import clean_text

#: lazy-loading attributes, tried before ``src`` (which then holds a placeholder)
IMAGE_SOURCE_ATTRS = ("data-src", "data-original", "data-lazy-src", "src")
#: how many ancestors up an image's caption may sit
CAPTION_DEPTH = 3
#: blocks that hold an image or its caption paragraph
CAPTION_BLOCK_TAGS = frozenset({"p", "div", "center", "figure"})
#: a caption paragraph is at most this long
MAX_CAPTION_CHARS = 300
#: the label of an attachment paragraph ("Tài liệu đính kèm:") is at most this long
MAX_ATTACHMENT_LABEL_CHARS = 30
#: paths of documents without an extension (download handlers, document libraries)
DOCUMENT_PATH = re.compile(r"(?:/|^)(?:van-ban|vanban|download|downloadfile|tai-ve|taive|tai-lieu|documents?|"
                           r"files?|attachments?|upload/files?)(?:[/.?_-]|$)|[?&](?:fileid|file_id|docid)=")
#: content types of documents (the crawl recorded them for extension-less links)
DOCUMENT_TYPES = frozenset({
    "application/pdf", "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/zip", "application/x-rar-compressed", "application/vnd.rar", "application/x-7z-compressed",
    "application/vnd.oasis.opendocument.text", "application/octet-stream",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
})
#: the label of a block of attached files
_ATTACHMENT_LABELS = (
    "tải về|download|file đính kèm|tệp đính kèm|tài liệu đính kèm|đính kèm|văn bản|tài liệu|tệp tin|file|tập tin"
)
ATTACHMENT_LABEL = re.compile(rf"(?i)^(?:{_ATTACHMENT_LABELS})\b")
#: the same words anywhere in a text, whatever spaces separate them
ATTACHMENT_WORDS = re.compile("(?i)(?:" + _ATTACHMENT_LABELS.replace(" ", r"\s+") + ")")
#: attributes kept in body_html, and those of them that are links (made absolute)
SAFE_ATTRS = frozenset({"href", "src", "alt", "title", "colspan", "rowspan"})
LINK_ATTRS = ("href", "src")

#: elements the body loses with their content; comments and processing instructions too
KILLED_TAGS = frozenset({
    "script", "style", "link", "meta", "base", "applet", "frame", "frameset", "noframes", "button", "input",
    "select", "textarea", "param",
})
#: elements the body loses but not their content (nor any tag of no HTML version)
UNWRAPPED_TAGS = frozenset({"head", "html", "title", "iframe", "embed", "layer", "object", "form", "blink", "marquee"})
HTML_TAGS = frozenset(html_defs.tags)
#: what a link in body_html may point to (resolved: relative links are http(s) by then)
SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:", "ftp://")


@dataclass(frozen=True)
class Body:
    paragraphs: list[str]
    tree: etree._Element | None  # the body as safe HTML (:func:`sanitise`), serialised last
    images: tuple[Image, ...]
    attachments: tuple[Attachment, ...]


def _image_url(img: etree._Element, base: str) -> str | None:
    for attr in IMAGE_SOURCE_ATTRS:
        url = absolute(base, img.get(attr))
        if url:
            return url
    return None


def _pictures(node: etree._Element) -> int:
    """How many pictures ``node`` shows: a lazy image's ``<noscript>`` copy is the same one."""
    return sum(1 for img in node.iter("img") if (parent := img.getparent()) is None or parent.tag != "noscript")


def _caption(img: etree._Element, profile: Profile, captions: list[etree._Element]) -> str | None:
    """The caption of ``img`` among the body's ``captions`` (what the caption selectors match
    in it, found in one pass): in its nearest container that holds no other picture."""
    node = img
    for _ in range(CAPTION_DEPTH):
        node = node.getparent()
        if node is None:
            return None
        if _pictures(node) > 1:
            return None  # this container holds other images: their captions are not ours
        if not any(c is node or any(a is node for a in c.iterancestors()) for c in captions):
            continue  # the selectors, in their order, only where one of them matches
        value = first_value(node, profile.image_caption)
        if value:
            return value
    return None


def _italic_text(block: etree._Element) -> str | None:
    return clean_text(" ".join(text_of(el) for el in block.iter("em", "i")))


def caption_nearby(img: etree._Element, root: etree._Element) -> tuple[str, list[etree._Element]] | None:
    """A caption written in italics next to the image, the way CKEditor-era portals do:
    in the image's own block (``<p><img><br><em>caption</em></p>``) or as the next block
    (``<p><img></p><p><em>caption</em></p>``). Returns the caption and what to cut."""
    block = img.getparent()
    while block is not None and block is not root and block.tag not in CAPTION_BLOCK_TAGS:
        block = block.getparent()
    if block is None or block is root or _pictures(block) != 1:
        return None
    own = text_of(block)
    if own:
        if len(own) <= MAX_CAPTION_CHARS and _italic_text(block) == own:
            return own, [el for el in block.iter("em", "i") if el.getparent() is not None]
        return None
    following = block.getnext()
    if following is None or following.tag not in CAPTION_BLOCK_TAGS or following.find(".//img") is not None:
        return None
    text = text_of(following)
    if text and len(text) <= MAX_CAPTION_CHARS and _italic_text(following) == text:
        return text, [following]
    return None


def _attachment_paragraphs(
    root: etree._Element, base: str, content_types: Mapping[str, str] | None = None
) -> list[etree._Element]:
    """Blocks that only offer attached files ("Văn bản: <a>...pdf</a>"): kept out of the
    text, their links kept as attachments."""
    found = []
    for block in root.iter("p", "div", "li"):
        links = [a for a in block.iter("a") if a.get("href")]
        if not links or block is root:
            continue
        if not all(is_attachment(absolute(base, a.get("href")) or "", content_types) for a in links):
            continue
        label = text_of(block)
        for link in links:
            label = label.replace(text_of(link), "", 1)
        if len(label.strip(" :.-–")) <= MAX_ATTACHMENT_LABEL_CHARS:
            found.append(block)
    return found


def is_attachment(url: str, content_types: Mapping[str, str] | None = None) -> bool:
    """A link to a document: by extension, by a documents/download path, or by the content
    type the crawl recorded for that URL (extension-less download links)."""
    parts = urlsplit(url)
    path = parts.path.lower()
    if path.endswith(ATTACHMENT_EXTENSIONS) or any(f"{ext}/" in path for ext in ATTACHMENT_EXTENSIONS):
        return True
    if DOCUMENT_PATH.search(path + ("?" + parts.query if parts.query else "")):
        return True
    kind = (content_types or {}).get(url, "").split(";")[0].strip().lower()
    return kind in DOCUMENT_TYPES


def labelled_attachments(block: etree._Element) -> bool:
    """A block that announces attached files ("Tải về:", "File đính kèm", "Văn bản:")."""
    if block.find(".//a") is None:
        return False
    if ATTACHMENT_WORDS.search("".join(block.itertext())) is None:
        return False  # no label anywhere in its text (told without reading it block by block)
    label = text_of(block)
    for link in block.iter("a"):
        label = label.replace(text_of(link), " ", 1)
    return bool(ATTACHMENT_LABEL.match(label.strip()))


def _attachments(
    roots: list[etree._Element], base: str, *, any_link: bool = False, content_types: Mapping[str, str] | None = None
) -> tuple[Attachment, ...]:
    """Attached files linked from ``roots`` (every link when ``any_link``: a container the
    profile declares as the list of attachments, or a block labelled as one)."""
    found: dict[str, Attachment] = {}
    for root in roots:
        for link in root.iter("a"):
            url = absolute(base, link.get("href"))
            if url and url.startswith(("http://", "https://")) and (any_link or is_attachment(url, content_types)) \
                    and url not in found:
                found[url] = Attachment(url=url, title=clean_text(text_of(link)) or clean_text(link.get("title")))
    return tuple(found.values())


def _merge(first: tuple[Attachment, ...], second: tuple[Attachment, ...]) -> tuple[Attachment, ...]:
    seen = {a.url for a in first}
    return first + tuple(a for a in second if a.url not in seen)


def _in_tree(el: etree._Element, root: etree._Element) -> bool:
    return el is root or any(anc is root for anc in el.iterancestors())


def process_body(
    element: etree._Element,
    base: str,
    profile: Profile,
    *,
    attachment_roots: list[etree._Element] | None = None,
    trailing: list[etree._Element] | None = None,
    content_types: Mapping[str, str] | None = None,
) -> Body:
    """The body of ``element``; ``trailing`` blocks right after it may hold its attached
    files; ``content_types`` (URL -> Content-Type the crawl saw) tells extension-less
    document links."""
    root = copy.deepcopy(element)
    root.tail = None
    candidates: list[tuple[etree._Element, Image]] = []
    cut: list[etree._Element] = []
    captions = select_any(root, profile.image_caption) if root.find(".//img") is not None else []
    for img in list(root.iter("img")):
        url = _image_url(img, base)
        if not url:
            continue
        caption = _caption(img, profile, captions)
        if caption is None:
            nearby = caption_nearby(img, root)
            if nearby is not None:
                caption, elements = nearby
                cut.extend(elements)
        candidates.append((img, Image(url=url, caption=caption)))
    offered = _attachment_paragraphs(root, base, content_types)
    offered += [b for b in root.iter("div", "p", "ul", "section") if b is not root and labelled_attachments(b)]
    early = _attachments(offered, base, any_link=True, content_types=content_types)
    for el in [*cut, *offered]:
        if _in_tree(el, root) and el is not root:
            remove(el)
    for el in select_any(root, (*profile.noise, *COMMON_NOISE)):
        if el is not root and _in_tree(el, root):
            remove(el)
    images: dict[str, Image] = {}
    for img, image in candidates:
        if _in_tree(img, root) and image.url not in images:
            images[image.url] = image
    after = [b for b in trailing or () if labelled_attachments(b)]
    attachments = _merge(
        _merge(early, _attachments([root], base, content_types=content_types)),
        _attachments([*(attachment_roots or []), *after], base, any_link=True, content_types=content_types),
    )
    attachments = _merge(attachments, _attachments(list(trailing or ()), base, content_types=content_types))
    paragraphs = paragraphs_of(root)
    return Body(
        paragraphs=paragraphs,
        tree=sanitise(root, base),
        images=tuple(images.values()),
        attachments=attachments,
    )


def sanitise(root: etree._Element, base: str) -> etree._Element | None:
    """The body as safe HTML, in one pass over ``root`` (the caller's own copy, cleaned in
    place and returned), as ``lxml_html_clean``'s Cleaner leaves it with every option on and
    :data:`SAFE_ATTRS` (tests compare the two; the Cleaner's passes cost more than the rest of
    the body's processing): no scripts, styles, frames, forms, comments; tags of no HTML
    version unwrapped (their text kept); links absolute, and only to web, mail or phone
    addresses or inline raster images (a ``javascript:`` link is dropped, not emptied)."""
    for img in root.iter("img"):
        for attr in IMAGE_SOURCE_ATTRS[:-1]:
            if img.get(attr):
                img.set("src", img.get(attr))
    killed: list[etree._Element] = []
    unwrapped: list[etree._Element] = []
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str) or tag in KILLED_TAGS:
            killed.append(el)
            continue
        if tag in UNWRAPPED_TAGS or tag not in HTML_TAGS:
            unwrapped.append(el)
        attrib = el.attrib
        for name in [n for n in attrib if n not in SAFE_ATTRS]:
            del attrib[name]
        for name in LINK_ATTRS:
            link = attrib.get(name)
            if link is not None:
                resolved = joined(base, link.strip())
                if resolved is None or not _safe_link(resolved):
                    del attrib[name]
                else:
                    attrib[name] = resolved
    if killed and killed[0] is root:  # a body that is all script: nothing of it is kept
        root.clear()
        root.tag = "div"
        return root
    if unwrapped and unwrapped[0] is root:
        unwrapped.pop(0)
        root.tag = "div"
        root.attrib.clear()
    for el in reversed(killed):  # innermost first
        remove(el)
    for el in reversed(unwrapped):
        if isinstance(el, lxml.html.HtmlElement):
            el.drop_tag()
    return root


def _safe_link(url: str) -> bool:
    lowered = url[:16].lower()
    if lowered.startswith(SAFE_SCHEMES):
        return True
    return lowered.startswith("data:image/") and not lowered.startswith("data:image/svg")
