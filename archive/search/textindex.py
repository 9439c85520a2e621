"""The text index: a tantivy index beside the SQLite file, holding words, syllable bigrams
and the facet columns of every article (docs/search.md "Engine").

SQLite keeps the records (what a hit shows, ``get``, change detection); tantivy answers
what matches, in which order, how many and the facet counts. Both are keyed by the
article's row number ``n``. Text reaches tantivy already normalised by
:mod:`archive.search.normalise`, so the engine never sees raw user input.

Fields:

- ``t``/``tf``: title, exact and folded words; ``x``/``xf``: summary and body, exact and
  folded (frequencies only, no positions); ``m``: province, 2025 unit and category, folded (ranks, never matches alone);
- ``pf``: folded syllable bigrams (``doi_moi``) of title, summary and body, without
  positions (exactness comes from the word fields, so one bigram field is enough): a phrase of k syllables is the k-1
  bigrams it is made of, all present (consecutive bigrams ``a_b b_c`` nearly always come
  from ``a b c``), and two query syllables that stand together in the text match one
  rare bigram; ``tp``: folded
  bigrams of the title alone (a title typed whole matches all of them); ``tk``: the whole
  folded title as one term (a query that is exactly a title);
- ``id``, ``site``, ``province_key``, ``province_2025_key``, ``category_key``: filters;
  ``province``, ``province_2025``, ``site``, ``category``, ``year``: facets (fast);
  ``day`` (YYYYMMDD, 0 when undated): date filters; ``order``: date sort; ``n``: the row.
"""

from __future__ import annotations

import functools
import logging
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import tantivy

from .normalise import fold, normalise, words

logger = logging.getLogger(__name__)

#: heap of the tantivy writer (bytes): documents buffered before a segment is written
WRITER_HEAP = 256_000_000
#: indexing threads of the tantivy writer (equal scores are ordered by row in the reader, so
#: the segment layout the threads produce does not change the order of hits)
WRITER_THREADS = 2
#: the date-sort key is published minute * ORDER_SPAN + n, so ties keep the newest row first
ORDER_SPAN = 10_000_000
#: facet value of articles without that field (tantivy columns hold strings, not None)
MISSING = ""
#: bigrams join two syllables with this character (the whitespace tokenizer keeps it)
JOIN = "_"

WORD_FIELDS = ("t", "x", "tf", "xf", "m")
BIGRAM_FIELDS = ("pf", "tp")
FACET_TEXT = ("province", "province_2025", "site", "category")
FILTER_TEXT = ("id", "province_key", "province_2025_key", "category_key", "tk")


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in WORD_FIELDS:
        builder.add_text_field(name, tokenizer_name="default", index_option="freq")
    for name in BIGRAM_FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    for name in FILTER_TEXT:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in FACET_TEXT:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_integer_field("year", fast=True, indexed=False)
    builder.add_integer_field("day", fast=True, indexed=True)
    builder.add_integer_field("order", fast=True, indexed=False)
    builder.add_integer_field("n", fast=True, indexed=True)
    return builder.build()


def bigrams(text_words: list[str]) -> str:
    """``a_b b_c …`` of consecutive words, one token each for the whitespace tokenizer."""
    return " ".join(map(JOIN.join, zip(text_words, text_words[1:])))


@dataclass(frozen=True)
class TextFields:
    """The text of one article as the index stores it (normalised, then folded)."""

    title: str
    rest: str
    title_folded: str
    rest_folded: str
    pairs_folded: str
    title_pairs: str  # folded
    about: str  # province, 2025 unit, category: folded

    @classmethod
    def of(cls, title: str | None, summary: str | None, body: str | None, extra: tuple[str | None, ...]) -> TextFields:
        title_words = _tokens(title or "")
        rest_words = _tokens(" ".join(p for p in (summary, body) if p))
        extra_words = _tokens(" ".join(p for p in extra if p))
        title_f = [_folded(w) for w in title_words]
        rest_f = [_folded(w) for w in rest_words]
        extra_f = [_folded(w) for w in extra_words]
        return cls(
            " ".join(title_words), " ".join(rest_words),
            " ".join(title_f), " ".join(rest_f),
            bigrams(title_f) + " " + bigrams(rest_f),
            bigrams(title_f), " ".join(extra_f),
        )


def _tokens(text: str) -> list[str]:
    """``words(normalise(text))``, faster: NFC and lower case on the whole text, the tone
    placement rules (which never cross a word) once per distinct word."""
    return [_normal(w) for w in words(unicodedata.normalize("NFC", text).lower())]


@functools.lru_cache(maxsize=200_000)
def _normal(word: str) -> str:
    return normalise(word)


@functools.lru_cache(maxsize=200_000)
def _folded(word: str) -> str:
    return fold(word)


@dataclass(frozen=True)
class TextDoc:
    """One tantivy document: text fields plus the facet/filter columns of an articles row."""

    n: int
    id: str
    text: TextFields
    site: str | None
    province: str | None
    province_2025: str | None
    province_key: str | None
    province_2025_key: str | None
    category: str | None
    category_key: str | None
    published: str | None
    day: str | None

    def to_tantivy(self) -> tantivy.Document:
        day = int(self.day.replace("-", "")) if self.day else 0
        minute = "".join(c for c in (self.published or "")[:16] if c.isdigit()).ljust(12, "0") if day else "0"
        return tantivy.Document(
            n=self.n, id=self.id,
            t=self.text.title, x=self.text.rest, tf=self.text.title_folded, xf=self.text.rest_folded,
            pf=self.text.pairs_folded, tp=self.text.title_pairs, m=self.text.about,
            tk=self.text.title_folded,
            site=self.site or MISSING, province=self.province or MISSING,
            province_2025=self.province_2025 or MISSING, category=self.category or MISSING,
            province_key=self.province_key or MISSING, province_2025_key=self.province_2025_key or MISSING,
            category_key=self.category_key or MISSING,
            year=day // 10000, day=day, order=int(minute[:12]) * ORDER_SPAN + self.n,
        )


def open_text_index(directory: Path, *, create: bool) -> tantivy.Index:
    """The tantivy index in ``directory`` (created empty when ``create`` and absent)."""
    if create and not directory.exists():
        directory.mkdir(parents=True)
        return tantivy.Index(schema(), path=str(directory), reuse=False)
    return tantivy.Index.open(str(directory))


def remove_text_index(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
