"""Article or not, decided from the page itself (SPEC 5 Discovery, 7): a pure function of the
page's text and URL, so the crawl and ``congan reextract`` reach the same decision, whatever
CMS built the page and whatever its URLs look like (URL patterns stay hints for priority).

Evidence, strongest first:

* structured data: a JSON-LD ``@type`` of the Article family, ``og:type=article`` or an
  ``article:published_time`` meta;
* a script shell (``{{item.Title}}``, "Đang tải…") with no text of its own is never an article;
* the main text block (the element whose own paragraphs hold the most text, as readability
  does): long enough, few of its characters in links, no list of headlines inside it;
* a date in the page (not the header clock "Hôm nay: …") and a main heading;
* against: many headline-length links (a listing, a home page, a category, search results).

``classify_page`` returns a ``PageVerdict`` (kind and the figures behind it); ``UNSURE``
leaves the decision to the adapter's hints (the URL pattern, what the link said).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

ARTICLE = "article"
LISTING = "listing"
SHELL = "shell"
UNSURE = "unsure"

#: JSON-LD types of an article (schema.org Article and its subtypes the portals use)
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle", "report",
    "scholarlyarticle", "techarticle", "opinionnewsarticle", "backgroundnewsarticle",
})
#: own paragraph text (characters) of the main block of an article; a listing's excerpts sit
#: in one block per item, so their blocks stay below it (news items run 1,000+ characters)
MIN_BODY_CHARS = 300
#: the shortest article body (a notice of a few lines) accepted with a heading and a date
MIN_SHORT_BODY_CHARS = 80
#: share of the main block's characters inside links above which it is a list of links
MAX_LINK_DENSITY = 0.35
#: another block with at least this share of the main block's text is a rival (repeated items)
RIVAL_SHARE = 0.6
#: this many rivals, each behind a headline, make a page of items (a listing, search results)
LISTING_MIN_RIVALS = 2
#: preceding siblings of the main block looked at for its title (heading or headline link)
TEASER_LOOKBACK = 4
#: link texts of at least this many words are headlines (menus say 1-5 words)
HEADLINE_WORDS = 6
#: this many headline links inside the main block make it a listing, not an article body
LISTING_MIN_HEADLINES = 4
#: a page with this many headline links and no main block of article length is a listing
PAGE_MIN_HEADLINES = 3

#: the elements that never hold the article (navigation, page chrome, scripts, controls; not
#: ``form``: ASP.NET WebForms wraps the whole page in one)
CHROME_TAGS = frozenset({"script", "style", "noscript", "nav", "header", "footer", "aside", "select", "option",
                         "button", "iframe", "template", "head", "title"})
#: inline elements whose text belongs to the paragraph around them
INLINE_TAGS = frozenset({"a", "b", "strong", "i", "em", "u", "span", "font", "sup", "sub", "small", "br", "img",
                         "abbr", "mark", "q", "cite"})
#: block elements whose text counts as a paragraph of their parent
PARAGRAPH_TAGS = frozenset({"p", "blockquote", "pre", "li", "h3", "h4", "h5", "h6"})
DATE_RE = re.compile(
    r"(?<!\d)(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}|\d{4}-\d{2}-\d{2}|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})",
    re.IGNORECASE,
)
#: the header clock of many portals: a date that is not the article's
CLOCK_RE = re.compile(r"hôm nay\s*[:,]?\s*(?:thứ\s+\S+|chủ nhật)?\s*[,\-]?\s*\S+", re.IGNORECASE)
#: the scheme and host of an absolute link, and the home page's own file names
HOME_RE = re.compile(r"^(?:https?:)?//[^/]+", re.IGNORECASE)
INDEX_RE = re.compile(r"/?(?:index|default|home|trang-chu)(?:\.\w{2,5})?/?", re.IGNORECASE)
#: text of a page whose content a script fills in later
SHELL_RE = re.compile(r"\{\{\s*[\w.$\[\]]+\s*\}\}|đang tải|loading\.\.\.", re.IGNORECASE)


@dataclass(frozen=True)
class PageVerdict:
    """What the page is, and the figures behind the decision (logged, tested)."""

    kind: str
    reason: str
    body_chars: int = 0
    link_density: float = 0.0
    headlines: int = 0

    @property
    def article(self) -> bool:
        return self.kind == ARTICLE


def _words(text: str) -> str:
    return " ".join(text.split())


def _structured_article(doc: lxml_html.HtmlElement) -> bool:
    for prop in doc.xpath("//meta[@property='og:type' or @name='og:type']/@content"):
        if prop.strip().lower() == "article":
            return True
    if doc.xpath("//meta[@property='article:published_time' or @name='article:published_time']"):
        return True
    for script in doc.xpath("//script[contains(@type, 'ld+json')]/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        if _has_article_type(data):
            return True
    return False


def _has_article_type(data: object) -> bool:
    if isinstance(data, list):
        return any(_has_article_type(item) for item in data)
    if not isinstance(data, dict):
        return False
    types = data.get("@type")
    names = types if isinstance(types, list) else [types]
    if any(isinstance(n, str) and n.lower() in ARTICLE_TYPES for n in names):
        return True
    return _has_article_type(data.get("@graph"))


def _in_chrome(node: etree._Element) -> bool:
    return any(isinstance(a.tag, str) and a.tag.lower() in CHROME_TAGS for a in node.iterancestors())


@dataclass(frozen=True)
class _Block:
    chars: int = 0
    link_chars: int = 0
    headlines: int = 0


def _block_of(node: lxml_html.HtmlElement) -> _Block:
    """The own text of an element: its direct text and that of its inline children and
    paragraph children (not of nested containers, which are blocks of their own)."""
    chars = len(_words(node.text or ""))
    link_chars = headlines = 0
    for child in node:
        if not isinstance(child.tag, str):
            chars += len(_words(child.tail or ""))
            continue
        tag = child.tag.lower()
        if tag in CHROME_TAGS:
            chars += len(_words(child.tail or ""))
            continue
        if tag in INLINE_TAGS or tag in PARAGRAPH_TAGS:
            text = _words(child.text_content())
            chars += len(text)
            for a in ([child] if tag == "a" else child.iter("a")):
                link_text = _words(a.text_content())
                link_chars += len(link_text)
                headlines += len(link_text.split()) >= HEADLINE_WORDS
        chars += len(_words(child.tail or ""))
    return _Block(chars, link_chars, headlines)


@dataclass(frozen=True)
class _Main:
    block: _Block
    #: other blocks with nearly as much text (a listing's excerpts, search results)
    rivals: int = 0
    #: the block follows a headline link, not a heading: a listing item's summary
    teaser: bool = False


def _main_block(doc: lxml_html.HtmlElement) -> _Main:
    body = doc.find("body")
    scored: list[tuple[lxml_html.HtmlElement, _Block]] = []
    for node in (body if body is not None else doc).iter():
        if not isinstance(node.tag, str) or node.tag.lower() in CHROME_TAGS or node.tag.lower() in INLINE_TAGS:
            continue
        block = _block_of(node)
        if block.chars - block.link_chars > 0 and not _in_chrome(node):
            scored.append((node, block))
    if not scored:
        return _Main(_Block())
    best_node, best = max(scored, key=lambda item: item[1].chars - item[1].link_chars)
    floor = (best.chars - best.link_chars) * RIVAL_SHARE
    near = set(best_node.iterancestors()) | set(best_node.iterdescendants()) | {best_node}
    rivals = 0
    for node, block in scored:
        text = block.chars - block.link_chars
        if node in near or text < floor:
            continue
        parent = node.getparent()
        if node.tag.lower() in PARAGRAPH_TAGS and parent is not None and any(n is parent for n, _ in scored):
            continue  # a paragraph counts in its parent's text
        rivals += 1
    return _Main(best, rivals, _is_teaser(best_node, _repeated_links(doc)))


def _repeated_links(doc: lxml_html.HtmlElement) -> set[tuple[str, str]]:
    """(address, text) of the links the page holds more than once: navigation (a menu item
    repeated as the article's category, a breadcrumb), not the headline of a listing item."""
    seen: set[tuple[str, str]] = set()
    repeated: set[tuple[str, str]] = set()
    for a in doc.iter("a"):
        key = ((a.get("href") or "").strip(), _words(a.text_content()))
        (repeated if key in seen else seen).add(key)
    return repeated


def _is_teaser(node: lxml_html.HtmlElement, navigation: set[tuple[str, str]]) -> bool:
    """Whether the nearest title of the block (inside it before its text, else just before it)
    is a link to another page (a listing item: headline link, then its summary) rather than a
    heading of its own (an article). ``navigation``: links that are no headline."""
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag.lower() in PARAGRAPH_TAGS and child.tag.lower() == "p":
            break
        found = _title_kind(child, navigation)
        if found is not None:
            return found
    for seen, sibling in enumerate(node.itersiblings(preceding=True)):
        if seen >= TEASER_LOOKBACK:
            break
        if isinstance(sibling.tag, str):
            found = _title_kind(sibling, navigation)
            if found is not None:
                return found
    return False


def _title_kind(element: lxml_html.HtmlElement, navigation: set[tuple[str, str]]) -> bool | None:
    """True: a headline link; False: a heading that is not a link; None: neither (a breadcrumb
    trail or a navigation link is neither: category names may be headline-long)."""
    tag = element.tag.lower()
    anchors = [element] if tag == "a" else list(element.iter("a"))
    if _is_trail(anchors):
        return None
    anchors = [a for a in anchors if ((a.get("href") or "").strip(), _words(a.text_content())) not in navigation]
    if any(len(_words(a.text_content()).split()) >= HEADLINE_WORDS for a in anchors):
        return True
    titled = tag in ("h1", "h2", "h3") or "title" in (element.get("class") or "").lower()
    if titled and _words(element.text_content()):
        return False
    return None


def _is_trail(anchors: list[lxml_html.HtmlElement]) -> bool:
    """Several links of which the first leads to the portal's home page: a breadcrumb trail
    (home » category » ...), not the headline of a listing item."""
    if len(anchors) < 2:
        return False
    href = (anchors[0].get("href") or "").strip()
    path = HOME_RE.sub("", href)
    return path in ("", "/", "./", "#") or bool(INDEX_RE.fullmatch(path))


def _headline_links(doc: lxml_html.HtmlElement) -> list[str]:
    """Texts of the headline-length links of the page (outside its chrome)."""
    found = []
    for a in doc.iter("a"):
        text = _words(a.text_content())
        if len(text.split()) >= HEADLINE_WORDS and not _in_chrome(a):
            found.append(text)
    return found


def _has_date(doc: lxml_html.HtmlElement) -> bool:
    if doc.xpath("//time[@datetime]"):
        return True
    body = doc.find("body")
    text = _words(" ".join((body if body is not None else doc).itertext()))
    return bool(DATE_RE.search(CLOCK_RE.sub(" ", text)))


def _has_heading(doc: lxml_html.HtmlElement) -> bool:
    return bool(doc.xpath("//h1[normalize-space()] | //h2[normalize-space()] | //*[contains(@class, 'title')]"
                          "[normalize-space()]"))


def classify_page(text: str, url: str = "") -> PageVerdict:
    """What an HTML page is: ``ARTICLE``, ``LISTING``, ``SHELL`` or ``UNSURE``. ``url`` is the
    page's address (a base for nothing yet; part of the contract so rules may use it)."""
    if not text or not text.strip():
        return PageVerdict(UNSURE, "empty page")
    text = unicodedata.normalize("NFC", text)  # NFD portals: "ngày" must match as itself
    try:
        doc = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return PageVerdict(UNSURE, "unparsable page")
    structured = _structured_article(doc)
    for node in doc.xpath("//script | //style | //noscript | //template"):
        node.drop_tree()
    main = _main_block(doc)
    block = main.block
    density = block.link_chars / block.chars if block.chars else 0.0
    headline_texts = _headline_links(doc)
    headlines = len(headline_texts)
    own_text = block.chars - block.link_chars

    def verdict(kind: str, reason: str) -> PageVerdict:
        return PageVerdict(kind, reason, own_text, round(density, 3), headlines)

    body = doc.find("body")
    page_text = _words((body if body is not None else doc).text_content())
    if SHELL_RE.search(page_text) and own_text < MIN_BODY_CHARS:
        return verdict(SHELL, "filled in by scripts")
    if block.headlines >= LISTING_MIN_HEADLINES or (density > MAX_LINK_DENSITY and own_text < MIN_BODY_CHARS):
        return verdict(LISTING, "main block is a list of links")
    if structured and own_text >= MIN_SHORT_BODY_CHARS:
        return verdict(ARTICLE, "structured data says article")
    if main.teaser:
        return verdict(LISTING, "main text is a summary under a headline link")
    if main.rivals >= LISTING_MIN_RIVALS and headlines > main.rivals and own_text < 2 * MIN_BODY_CHARS:
        return verdict(LISTING, "repeated items behind headlines")
    dated = _has_date(doc)
    if own_text >= MIN_BODY_CHARS and density <= MAX_LINK_DENSITY and dated:
        return verdict(ARTICLE, "dated page with a main text block")
    # a short article: related-article lists hold fewer headlines than a listing, or less text
    short = own_text >= MIN_SHORT_BODY_CHARS and dated and _has_heading(doc) and block.headlines == 0
    if short and (headlines < PAGE_MIN_HEADLINES or own_text * 2 >= sum(len(t) for t in headline_texts)):
        return verdict(ARTICLE, "short dated page with a heading")
    if headlines >= PAGE_MIN_HEADLINES:
        return verdict(LISTING, "headline links and no article text")
    return verdict(UNSURE, "no decisive evidence")
