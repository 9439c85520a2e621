"""Vietnamese text: decoding whatever the declared charset, NFC, whitespace, bylines.

Decoding order (``decode_html``): a byte-order mark; strict UTF-8 (valid UTF-8 with
non-ASCII bytes is never an accident); then the charsets declared by the HTTP header and
the ``<meta>`` tag, windows-1258 and windows-1252, scored by how Vietnamese the result
reads, so a wrong declaration loses to the charset the page was really written in.
windows-1258 writes tone marks as combining characters: every result goes through NFC.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Mapping

#: how much of the page is searched for a <meta charset> declaration
META_SNIFF_BYTES = 4096
#: charsets tried after the declared ones, in this order
FALLBACK_CHARSETS = ("cp1258", "cp1252")

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_:.-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

#: letters only Vietnamese uses (not in Latin-1): their count scores a decoding
_VIET_ONLY = frozenset(
    "ăắằẳẵặđơớờởỡợưứừửữựạảấầẩẫậẹẻẽếềểễệỉịọỏốồổỗộỳỵỷỹụủĩũ"
    "ĂẮẰẲẴẶĐƠỚỜỞỠỢƯỨỪỬỮỰẠẢẤẦẨẪẬẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỲỴỶỸỤỦĨŨ"
)
#: characters that betray a wrong decoding (mojibake, C1 controls)
_SUSPECT = frozenset("ÃÂÆÐÞþ\u0080\u0081\u008d\u008f\u0090\u009d\ufffd")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def charset_from_headers(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type":
            match = _HEADER_CHARSET.search(value)
            return _known(match.group(1)) if match else None
    return None


def charset_from_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:META_SNIFF_BYTES])
    return _known(match.group(1).decode("ascii", "replace")) if match else None


def _known(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def _score(text: str) -> int:
    # str.count per letter runs in C: far faster than a Python loop over a whole page
    return sum(text.count(ch) for ch in _VIET_ONLY) - 4 * sum(text.count(ch) for ch in _SUSPECT)


def decode_html(body: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The page as NFC text, and the charset that decoded it."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return nfc(body.decode(name, "replace")), name
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return nfc(text), "utf-8"
    candidates: list[str] = []
    for declared in (charset_from_headers(headers), charset_from_meta(body), *FALLBACK_CHARSETS):
        if declared and declared != "utf-8" and declared not in candidates:
            candidates.append(declared)
    best: tuple[int, str, str] | None = None
    for index, name in enumerate(candidates):
        try:
            text = nfc(body.decode(name))
        except (UnicodeDecodeError, LookupError):
            continue
        score = _score(text)
        if best is None or score > best[0]:
            best = (score, text, name)
        del index
    if best is not None:
        return best[1], best[2]
    return nfc(body.decode("utf-8", "replace")), "utf-8"


INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffd\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_line(text: str) -> str:
    """One line: NFC, no invisible characters, single spaces, no edges (``str.split`` knows
    every Unicode space, and is several times faster than a regular expression)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(INVISIBLE.sub("", text).split())


def clean_text(text: str | None) -> str | None:
    """A short field (title, author, category): one clean line, or None when empty."""
    if text is None:
        return None
    cleaned = clean_line(text)
    return cleaned or None


def join_paragraphs(paragraphs: list[str]) -> str:
    """Body text: clean non-empty paragraphs joined by one blank line."""
    kept = [clean_line(p) for p in paragraphs]
    return "\n\n".join(p for p in kept if p)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text where they are separated by blank lines (or single newlines)."""
    text = INVISIBLE.sub("", nfc(text)).replace("\r\n", "\n")
    blocks = _BLANK_LINES.split(text) if "\n\n" in text else text.split("\n")
    return [p for p in (clean_line(b) for b in blocks) if p]


# -- bylines ---------------------------------------------------------------------------

#: labels that introduce the author; the rest of the line is the author
BYLINE_LABELS = (
    "Tác giả",
    "Viết bởi",
    "Người viết",
    "Bài và ảnh",
    "Bài, ảnh",
    "Bài & ảnh",
    "Tin và ảnh",
    "Tin, ảnh",
    "Tin & ảnh",
    "Nhóm phóng viên",
    "Phóng viên",
    "PV",
    "Đăng bởi",
    "Posted by",
    "Author",
    "By",
)
_LABEL = re.compile(
    r"^\s*(?:" + "|".join(re.escape(label) for label in BYLINE_LABELS) + r")\s*[:：\-–]?\s*(?P<name>.+?)\s*$",
    re.I,
)
#: a trailing signature is at most this many words before any " - unit" part
MAX_SIGNATURE_WORDS = 6
#: ... and the whole line at most this many characters
MAX_SIGNATURE_CHARS = 80
_NAME_WORD = re.compile(r"^[A-ZĐÀ-ỸА-Я][\w.]*$", re.U)
_SIGNATURE_UNIT = re.compile(r"\s+[-–—]\s+|\s*\(")


#: labels that name a source, not an author: such a line is no byline
SOURCE_LABELS = ("Nguồn tin", "Nguồn", "Theo", "Source")
_SOURCE = re.compile(r"^\s*(?:" + "|".join(re.escape(label) for label in SOURCE_LABELS) + r")\s*[:：]", re.I)


def strip_byline_label(text: str) -> str | None:
    """``"Tác giả: Lan Hương"`` -> ``"Lan Hương"``; a line without a label is returned clean;
    a source line (``"Nguồn tin: Công an tỉnh"``) gives None."""
    line = clean_line(text)
    if _SOURCE.match(line):
        return None
    match = _LABEL.match(line)
    name = match.group("name") if match else line
    name = name.strip(" .:-–")
    return name or None


def labelled_byline(line: str) -> str | None:
    """The author named by a labelled line (``"Viết bởi Minh Anh"``), else None."""
    match = _LABEL.match(clean_line(line))
    if not match:
        return None
    name = match.group("name").strip(" .:-–")
    return name if name and len(name) <= MAX_SIGNATURE_CHARS else None


def signature_author(line: str) -> str | None:
    """The author of a trailing signature line such as ``"Lan Hương - Công an tỉnh"``.

    Only a short line whose leading part is made of capitalised words counts, so that a
    closing sentence of the article is never taken for a byline."""
    line = clean_line(line)
    if not line or len(line) > MAX_SIGNATURE_CHARS:
        return None
    parts = _SIGNATURE_UNIT.split(line, maxsplit=1)
    name = parts[0].strip()
    if len(parts) == 1 and name.endswith((".", "!", "?", ":", ";", ",")):
        return None  # a sentence, not a signature
    words = name.split()
    if not 1 <= len(words) <= MAX_SIGNATURE_WORDS:
        return None
    if not all(word[0].isupper() and _NAME_WORD.match(word) for word in words):
        return None  # (the letter ranges hold small letters too: the first is checked alone)
    return name


def separate_byline(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """Body paragraphs without the byline, and the author it named (or None).

    Looks at the first and last paragraphs for a labelled byline, then at the last one for
    a bare signature."""
    if not paragraphs:
        return paragraphs, None
    for index in (len(paragraphs) - 1, 0):
        author = labelled_byline(paragraphs[index])
        if author:
            return paragraphs[:index] + paragraphs[index + 1 :], author
    if len(paragraphs) > 1:
        author = signature_author(paragraphs[-1])
        if author:
            return paragraphs[:-1], author
    return paragraphs, None


# -- keywords --------------------------------------------------------------------------

#: labels before a list of keywords ("Từ khóa: an ninh, giao thông")
KEYWORD_LABELS = ("Từ khóa", "Từ khoá", "Thẻ", "Tags", "Tag", "Keywords")
_KEYWORD_LABEL = re.compile(
    r"^\s*(?:" + "|".join(re.escape(nfc(label)) for label in KEYWORD_LABELS) + r")\s*[:：]\s*", re.I
)


def split_keywords(text: str) -> tuple[str, ...]:
    """``"Từ khóa: an ninh, giao thông"`` -> ``("an ninh", "giao thông")``."""
    line = _KEYWORD_LABEL.sub("", clean_line(text))
    return tuple(k for k in (clean_line(part) for part in re.split(r"[,;]", line)) if k)
