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
  ``where``/``what_when``: the facet values together (:func:`facet_key`), province,
  2025 unit and site in one, category and year in the other: two fast columns that two
  aggregations count instead of five (:mod:`archive.search.counts`);
  ``day`` (YYYYMMDD, 0 when undated): date filters; ``order``: date sort; ``n``: the row.
"""

from __future__ import annotations

import itertools
import json
import logging
import operator
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import tantivy

from .normalise import fold, normalise, words

logger = logging.getLogger(__name__)

V = TypeVar("V")

#: heap of the tantivy writer (bytes): documents buffered before a segment is written; a
#: rebuild buffers more (fewer, larger segments: less merging while it writes)
WRITER_HEAP = 256_000_000
REBUILD_HEAP = 1_000_000_000
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
#: columns holding several facet values of a document at once (see facet_key): a portal
#: has one province and 2025 unit, so ``where`` has about as many values as there are
#: portals, and ``what_when`` categories × years; one column of all five would have their
#: product, and an aggregation costs more per value than per column read
FACET_GROUPS: dict[str, tuple[str, ...]] = {
    "where": ("province", "province_2025", "site"),
    "what_when": ("category", "year"),
}


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in WORD_FIELDS + BIGRAM_FIELDS:  # words come split and normalised (normalise.words)
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    for name in FILTER_TEXT:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in (*FACET_TEXT, *FACET_GROUPS):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_integer_field("year", fast=True, indexed=False)
    builder.add_integer_field("day", fast=True, indexed=True)
    builder.add_integer_field("order", fast=True, indexed=False)
    builder.add_integer_field("n", fast=True, indexed=True)
    return builder.build()


def facet_key(values: tuple[str | int, ...]) -> str:
    """Facet values of a document as one term (a JSON array, so any text is safe in it);
    :func:`facet_values` reads it back."""
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def facet_values(key: str) -> tuple[str | int, ...]:
    """``facet_key(values)`` read back."""
    return tuple(json.loads(key))


def bigrams(folded: list[str]) -> str:
    """``a_b b_c …`` of consecutive words, one token each for the whitespace tokenizer."""
    return " ".join(map(operator.add, map(_JOINED.__getitem__, folded), itertools.islice(folded, 1, None)))


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

    def values(self) -> tuple[str, ...]:
        """The fields in order (``TextFields(*values)`` again): cheap to send between processes."""
        return (self.title, self.rest, self.title_folded, self.rest_folded, self.pairs_folded, self.title_pairs,
                self.about)

    @classmethod
    def of(cls, title: str | None, summary: str | None, body: str | None, extra: tuple[str | None, ...]) -> TextFields:
        title_words = _tokens(title or "")
        rest_words = _tokens(" ".join(p for p in (summary, body) if p))
        extra_words = _tokens(" ".join(p for p in extra if p))
        title_f = list(map(_FOLDED.__getitem__, title_words))
        rest_f = list(map(_FOLDED.__getitem__, rest_words))
        title_pairs = bigrams(title_f)
        return cls(
            " ".join(title_words), " ".join(rest_words),
            " ".join(title_f), " ".join(rest_f),
            title_pairs + " " + bigrams(rest_f),
            title_pairs, " ".join(map(_FOLDED.__getitem__, extra_words)),
        )


class Forms(dict[str, V]):
    """word -> one of its forms, computed once per distinct word (a corpus holds far fewer
    distinct words than words; ``map(forms.__getitem__, words)`` runs without Python calls
    for the words already seen). Emptied when it reaches ``FORMS_MAX`` words."""

    def __init__(self, form: Callable[[str], V]) -> None:
        super().__init__()
        self.form = form

    def __missing__(self, word: str) -> V:
        if len(self) >= FORMS_MAX:
            self.clear()
        value = self[word] = self.form(word)
        return value


#: distinct words whose forms are kept (each cache)
FORMS_MAX = 300_000
_NORMAL = Forms(normalise)
_FOLDED = Forms(fold)
_JOINED = Forms(lambda word: word + JOIN)


def _piece_words(piece: str) -> tuple[str, ...]:
    return tuple(map(_NORMAL.__getitem__, words(piece)))


#: a run of text between white space -> its normalised words ("(ma" -> ("ma",)): a word
#: never spans white space, so splitting there first finds the same words
_PIECES = Forms(_piece_words)


def _tokens(text: str) -> list[str]:
    """``words(normalise(text))``, faster: NFC and lower case on the whole text, then the
    words and their tone placement (rules that never cross a word) once per distinct run
    of text between white space, the rest by ``str.split`` and dictionary look-ups."""
    return list(itertools.chain.from_iterable(
        map(_PIECES.__getitem__, unicodedata.normalize("NFC", text).lower().split())))


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
        facets: dict[str, str | int] = {
            "province": self.province or MISSING, "province_2025": self.province_2025 or MISSING,
            "site": self.site or MISSING, "category": self.category or MISSING, "year": day // 10000,
        }
        minute = "".join(c for c in (self.published or "")[:16] if c.isdigit()).ljust(12, "0") if day else "0"
        return tantivy.Document(
            n=self.n, id=self.id,
            t=self.text.title, x=self.text.rest, tf=self.text.title_folded, xf=self.text.rest_folded,
            pf=self.text.pairs_folded, tp=self.text.title_pairs, m=self.text.about,
            tk=self.text.title_folded,
            **facets,
            **{group: facet_key(tuple(facets[name] for name in names)) for group, names in FACET_GROUPS.items()},
            province_key=self.province_key or MISSING, province_2025_key=self.province_2025_key or MISSING,
            category_key=self.category_key or MISSING,
            day=day, order=int(minute[:12]) * ORDER_SPAN + self.n,
        )


def open_text_index(directory: Path, *, create: bool) -> tantivy.Index:
    """The tantivy index in ``directory`` (created empty when ``create`` and absent)."""
    if create and not directory.exists():
        directory.mkdir(parents=True)
        return tantivy.Index(schema(), path=str(directory), reuse=False)
    return tantivy.Index.open(str(directory))


def remove_text_index(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
