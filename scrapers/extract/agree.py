"""Which body to trust on a page nobody described: the located block or trafilatura's text.

The block scorer (:mod:`.locate`) is exact when it finds the article and far off when it
picks a wrong block (a comment thread, a teaser list, half of a split article). Trafilatura
(``favor_precision``) is rarely far off but often keeps a trailing boilerplate paragraph or
drops a short one. Both are compared by 4-word shingles (the overlap measure of the Zyte
article-extraction benchmark):

* they agree (most of trafilatura's text is in the block, most of the block's paragraphs, its
  captions, bylines and share bars cut out, are in trafilatura's text): the block's
  paragraphs, the more exact;
* the block holds most of trafilatura's text but much else besides: trafilatura's paragraphs
  that lie in the block's paragraphs (the block's extra text is noise, trafilatura's text
  outside the block is boilerplate, and what was cut out of the block as noise stays out);
* otherwise the block is the wrong one: trafilatura's paragraphs, unless trafilatura's text is
  too short to be an article (a reprint notice, a consent banner) beside a block several
  times longer: then the block.

Measured on the 181 pages of the Zyte benchmark (``bench/bench_zyte.py``); the thresholds
are named constants below, none depends on a site.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

#: words of a shingle
SHINGLE = 4
#: share of trafilatura's shingles that must lie in the block for the block to be the article
MIN_TEXT_IN_BLOCK = 0.8
#: share of the block's shingles that must lie in trafilatura's text for the block to be kept whole
MIN_BLOCK_IN_TEXT = 0.97  # 0.9 before the certainty gate: 0.962 -> 0.965 on the Zyte pages
#: trafilatura's text with fewer shingles than this (about two sentences) is no article beside
#: a block with :data:`LONGER_BLOCK` times as many
MIN_TEXT_SHINGLES = 50
LONGER_BLOCK = 3
#: share of a paragraph's shingles in the block for it to count as inside the block
MIN_PARAGRAPH_IN_BLOCK = 0.5

_WORD = re.compile(r"\w+")

BLOCK = "block"
FILTERED = "filtered"
TEXT = "text"


@dataclass(frozen=True)
class Choice:
    paragraphs: list[str]
    source: str  # BLOCK, FILTERED (trafilatura's paragraphs inside the block) or TEXT


def shingles(text: str) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def share_in(inner: Counter[tuple[str, ...]], outer: Counter[tuple[str, ...]]) -> float:
    """The share of ``inner``'s shingles (with multiplicity) that ``outer`` holds."""
    total = sum(inner.values())
    return sum((inner & outer).values()) / total if total else 0.0


def _block_with_known(
    in_text: Counter[tuple[str, ...]], raw: Counter[tuple[str, ...]], known: tuple[str | None, ...]
) -> bool:
    """Trafilatura's text is the block and the fields found around it (a table layout gives
    headline, lead, byline and body as one cell): what is left once those fields are taken
    out lies in the block as :data:`MIN_TEXT_IN_BLOCK` requires."""
    if not any(known):
        return False
    rest = in_text - shingles("\n".join(k for k in known if k))
    return share_in(rest, raw) >= MIN_TEXT_IN_BLOCK


def choose_body(block: list[str], text: list[str], raw_block: str, known: tuple[str | None, ...] = ()) -> Choice:
    """The body of a page from the block's paragraphs (noise cut out), trafilatura's, and the
    block's whole text ``raw_block`` (see the module docstring). ``known`` are the fields found
    right above the block (headline, lead, byline), given when the headline is: trafilatura's
    text that repeats them (a table layout gives it as one cell with the body) does not count
    against the block."""
    if not text:
        return Choice(block, BLOCK)
    if not block:
        return Choice(text, TEXT)
    in_block, in_text = shingles("\n".join(block)), shingles("\n".join(text))
    raw = shingles(raw_block)
    if share_in(in_text, raw) < MIN_TEXT_IN_BLOCK and not _block_with_known(in_text, raw, known):
        text_size = sum(in_text.values())
        if text_size < MIN_TEXT_SHINGLES and sum(in_block.values()) >= LONGER_BLOCK * MIN_TEXT_SHINGLES:
            return Choice(block, BLOCK)
        return Choice(text, TEXT)
    if share_in(in_block, in_text) >= MIN_BLOCK_IN_TEXT:
        return Choice(block, BLOCK)
    block_words = " ".join(_WORD.findall("\n".join(block).casefold()))
    kept = []
    for paragraph in text:
        own = shingles(paragraph)
        if sum(own.values()) == 1 and len(next(iter(own))) < SHINGLE:
            inside = " ".join(next(iter(own))) in block_words
        else:
            inside = share_in(own, in_block) >= MIN_PARAGRAPH_IN_BLOCK
        if inside:
            kept.append(paragraph)
    return Choice(kept, FILTERED)
