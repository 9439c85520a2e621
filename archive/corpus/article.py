"""What extraction hands to the corpus: one article's fields, as found on one capture.

The type lives here (not in ``scrapers.extract``) because the corpus store consumes it and
``archive`` never imports ``scrapers``; ``scrapers.extract`` re-exports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: The stages of the extraction cascade, in the order they are tried.
STAGE_PROFILE = "profile"
STAGE_STRUCTURED = "structured"
STAGE_GENERIC = "generic"
STAGE_JSON = "json"


@dataclass(frozen=True)
class Image:
    url: str
    caption: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"url": self.url, "caption": self.caption}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Image:
        return cls(str(data["url"]), _opt_str(data.get("caption")))


@dataclass(frozen=True)
class Attachment:
    url: str
    title: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"url": self.url, "title": self.title}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Attachment:
        return cls(str(data["url"]), _opt_str(data.get("title")))


@dataclass(frozen=True)
class Extraction:
    """How the fields were found (SPEC §7 ``extraction``).

    ``method`` is the stage that produced the body; ``fields`` names the stage of every
    field that was found (``profile``, ``json``, ``structured`` or ``generic``)."""

    adapter: str | None
    method: str
    software_version: str
    profile: str | None = None
    fields: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, str | dict[str, str] | None]:
        return {
            "adapter": self.adapter,
            "method": self.method,
            "software_version": self.software_version,
            "profile": self.profile,
            "fields": dict(self.fields),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Extraction:
        found = data.get("fields")
        return cls(
            adapter=_opt_str(data.get("adapter")),
            method=str(data.get("method") or ""),
            software_version=str(data.get("software_version") or ""),
            profile=_opt_str(data.get("profile")),
            fields=tuple((str(k), str(v)) for k, v in found.items()) if isinstance(found, dict) else (),
        )


@dataclass(frozen=True)
class ExtractedArticle:
    """The article fields of SPEC §7 that come from the page itself, plus where it sits.

    ``url`` is the canonical URL (the caller may replace it with the crawl's canonical
    form); ``fetched_url`` is the URL the page was fetched from. All text is NFC."""

    url: str
    fetched_url: str
    site: str
    title: str | None
    body: str
    body_html: str
    summary: str | None = None
    published: str | None = None
    modified: str | None = None
    author: str | None = None
    #: what follows the author's name in the byline ("Công an tỉnh"), or None
    affiliation: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    extraction: Extraction = field(
        default_factory=lambda: Extraction(adapter=None, method=STAGE_GENERIC, software_version="")
    )
    province: str | None = None
    province_2025: str | None = None
    declared_canonical: str | None = None
    #: other addresses the page gives for itself (short link, print view, saved copy)
    declared_aliases: tuple[str, ...] = ()
    #: the summary is the opening paragraph of the page's body text (kept out of ``body``)
    lead_in_body: bool = False

    @property
    def text(self) -> str:
        """The article as a reader reads it on the page: the lead, when the page prints it as
        the body's opening paragraph, then the body."""
        return f"{self.summary}\n\n{self.body}" if self.lead_in_body and self.summary else self.body

    @property
    def has_content(self) -> bool:
        """A page counts as an article when it has a title and some body text."""
        return bool(self.title) and bool(self.body.strip())


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def site_of(url: str) -> str:
    """The portal domain of a URL (lower case, no port, no ``www.``)."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
