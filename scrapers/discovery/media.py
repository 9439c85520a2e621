"""Which fetched answers are pages to parse (HTML, XML, JSON, text) and which are documents
and media (PDF, images, archives) that are archived but never read as text.

Scrapy makes a ``TextResponse`` of any body that looks like text in its first bytes, so an
attachment (a PDF with ASCII headers, a Word file) reaches the spider's callback like a page.
Reading such a body as text means guessing its encoding over the whole file (``charset``
detection is slow on megabytes of binary data) for nothing: no link, no article is in it.
The declared ``Content-Type`` decides; a body that starts like HTML is a page whatever its
header says (mislabelled pages exist).
"""

from __future__ import annotations

#: media types read as text whatever their family (``application/...+xml`` and ``+json`` too)
TEXT_MARKERS = ("html", "xml", "json", "javascript", "ecmascript")
#: the first bytes looked at to recognise a mislabelled HTML page
SNIFF_BYTES = 1024
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")


def is_page(content_type: str, body: bytes) -> bool:
    """Whether an answer with this declared ``Content-Type`` and body is a page to parse."""
    media = content_type.split(";", 1)[0].strip().lower()
    if not media or media.startswith("text/") or any(marker in media for marker in TEXT_MARKERS):
        return True
    head = body[:SNIFF_BYTES].lstrip().lower()
    return head.startswith(HTML_STARTS)
