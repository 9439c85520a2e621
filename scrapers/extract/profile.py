"""What an extraction profile is: per CMS family, where each field sits on an article page.

A profile is data: CSS selectors per field, tried in order, the first match wins (for
``category`` the *last* matching element wins, because breadcrumbs end with the section).
A selector may end with `` @attr`` to read an attribute instead of the text
(``'meta[property="article:published_time"] @content'``). ``noise`` selectors are cut out of
the body before its text is taken (captions, share buttons, related lists, view counters);
:data:`COMMON_NOISE` applies to every profile. Profiles of CMSs that serve articles as JSON
carry a :class:`JsonFields` map of key paths.

The profiles themselves are data in ``scrapers/families/<family>.py`` (``PROFILE``, beside the
family's ``ADAPTER``); ``scrapers.families.get_profile`` resolves a name.
"""

from __future__ import annotations

from dataclasses import dataclass

#: cut out of every article body, whatever the CMS
COMMON_NOISE = (
    "script",
    "style",
    "noscript",
    "iframe",
    "form",
    "button",
    "figcaption",
    ".caption",
    "[class*='caption']",  # PhotoCMS_Caption, image-caption, ...
    "[class*='Caption']",
    ".image_desc",
    ".image-caption",
    ".img-caption",
    ".chu-thich",
    ".chuthich",
    ".ghichu",
    "[class*='share']",
    "[class*='social']",
    "[class*='related']",
    "[class*='lien-quan']",
    "[class*='lienquan']",
    "[class*='tin-khac']",
    "[class*='other-news']",
    "[class*='view-count']",
    "[class~='views']",
    "[class~='hits']",
    "[class*='luotxem']",
    "[class*='article-info']",
    "[class*='luot-xem']",
    "[class*='print']",
    "[class*='comment']",
    "[class~='footer']",
    "[class*='tags']",
    "[class*='breadcrumb']",
)

#: links to files with these extensions are attachments (also as a path segment, as in
#: Liferay's ``/documents/1/2/name.pdf/<uuid>``)
ATTACHMENT_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".7z", ".odt", ".txt",
)


@dataclass(frozen=True)
class JsonFields:
    """Key paths (dotted, tried in order) of an article sent as JSON."""

    record: tuple[str, ...] = ("",)  # path to the article object; "" = the top level
    title: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()
    body_html: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    url: tuple[str, ...] = ()
    #: a list of attached files, and the keys of each file's URL and title
    attachments: tuple[str, ...] = ()
    attachment_url: tuple[str, ...] = ("FileUrl", "Url", "Link", "Path")
    attachment_title: tuple[str, ...] = ("Title", "Name", "FileName")


@dataclass(frozen=True)
class Profile:
    name: str
    title: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    #: containers of attached documents, when the CMS lists them outside the body
    attachments: tuple[str, ...] = ()
    #: an image's caption, relative to the image's nearest figure-like container
    image_caption: tuple[str, ...] = (
        "figcaption", ".caption", ".image_desc", ".image-caption", ".img-caption", ".chuthich", ".ghichu",
        "[class*='caption']", "[class*='Caption']",
    )
    noise: tuple[str, ...] = ()
    #: links to other addresses of the same article (short link, print view, saved copy)
    alias_links: tuple[str, ...] = ()
    json: JsonFields | None = None
    #: (query parameter, selector template): the section named by a parameter of the
    #: article's URL, e.g. Joomla's ``Itemid`` -> ``li.item-{value} a`` (the active menu item)
    category_by_url: tuple[tuple[str, str], ...] = ()

    @property
    def covers_page(self) -> bool:
        """The profile names where the page's fields are (the generic profile names nothing)."""
        return bool(self.title or self.body or self.json)
