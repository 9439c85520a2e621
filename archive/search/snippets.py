"""Snippets and highlighting, computed on the archived text as published.

The index holds normalised words only; highlighting is done here on the original text so
the reader sees the diacritics and capitals the portal printed. A word matches a query
term the same way the index matched it: accent-exactly (tone placement aside) for a term
typed with marks, through the folded form otherwise.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .normalise import WORD_RE, fold, fold_variants, normalise
from .query import ParsedQuery, Term

#: words of context shown around the first match, and before it
SNIPPET_WORDS = 36
LEAD_WORDS = 10
#: the part of a body scanned for matches (long bodies are cut for speed)
SCAN_CHARS = 20_000
#: characters tokenized before and after the first match (enough for SNIPPET_WORDS words:
#: Vietnamese syllables are short, 36 of them and their spaces rarely pass 220 characters)
LEAD_CHARS = 80
WINDOW_CHARS = 300
ELLIPSIS = "…"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Segment:
    text: str
    hit: bool = False


@dataclass(frozen=True)
class Snippet:
    segments: tuple[Segment, ...] = ()

    def html(self) -> str:
        """Escaped HTML with ``<mark>`` around the matches."""
        return "".join(
            f"<mark>{html.escape(s.text)}</mark>" if s.hit else html.escape(s.text)
            for s in self.segments
        )

    def plain(self, start: str = "", end: str = "") -> str:
        return "".join(f"{start}{s.text}{end}" if s.hit else s.text for s in self.segments)

    def __str__(self) -> str:
        return self.plain()


#: a token: start, end, and its two search forms
Token = tuple[int, int, str, str]


def _tokens(text: str) -> list[Token]:
    """(start, end, exact form, folded form) of every word of ``text``."""
    normal = normalise(text)
    if len(normal) == len(text):  # the usual case: offsets carry over, and folding keeps every word
        spans = [m.span() for m in WORD_RE.finditer(normal)]
        exact, folded = WORD_RE.findall(normal), WORD_RE.findall(fold(normal))
        if len(folded) == len(exact):
            return [(a, b, e, f) for (a, b), e, f in zip(spans, exact, folded, strict=True)]
    out = []
    for m in WORD_RE.finditer(text):
        word = normalise(m.group())
        out.append((m.start(), m.end(), word, fold(word)))
    return out


def _spans(tokens: list[tuple[int, int, str, str]], parsed: ParsedQuery) -> list[tuple[int, int]]:
    """Token index ranges [i, j) that match a positive term (the longest one starting there)."""
    starting: tuple[dict[str, list[tuple[str, ...]]], dict[str, list[tuple[str, ...]]]] = ({}, {})
    for term in parsed.terms:  # by first word: exact terms on the exact form, others on the folded one
        words = term.words if term.exact else tuple(fold(w) for w in term.words)
        starting[0 if term.exact else 1].setdefault(words[0], []).append(words)
    exact, folded = starting
    spans = []
    for i, token in enumerate(tokens):
        on_exact, on_folded = exact.get(token[2]), folded.get(token[3])
        if on_exact is None and on_folded is None:
            continue
        longest = max(_match_length(tokens, i, 2, on_exact or ()), _match_length(tokens, i, 3, on_folded or ()))
        if longest:
            spans.append((i, i + longest))
    return _phrases(tokens, spans)


def _match_length(tokens: list[Token], i: int, slot: int, candidates: Iterable[tuple[str, ...]]) -> int:
    """The number of words of the longest candidate found at token ``i`` (0: none)."""
    best = 0
    for words in candidates:
        k = len(words)
        if k > best and i + k <= len(tokens) and all(tokens[i + j][slot] == words[j] for j in range(1, k)):
            best = k
    return best


def _phrases(tokens: list[tuple[int, int, str, str]], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Matches that touch become one (a phrase is marked whole, not syllable by syllable),
    and a syllable standing alone is not marked when the text shows it inside a marked
    phrase ("đổi mới công tác dân vận, gần dân": the second "dân" is not the match)."""
    merged: list[tuple[int, int]] = []
    for i, j in spans:
        if merged and merged[-1][1] >= i:
            merged[-1] = (merged[-1][0], max(j, merged[-1][1]))
        else:
            merged.append((i, j))
    in_phrases = {tokens[k][3] for i, j in merged if j - i > 1 for k in range(i, j)}
    return [(i, j) for i, j in merged if j - i > 1 or tokens[i][3] not in in_phrases]


def _segments(text: str, tokens: list[Token], spans: list[tuple[int, int]], first: int, last: int) -> list[Segment]:
    """Segments of ``text`` from token ``first`` to token ``last`` (exclusive)."""
    if first >= last:
        return []
    start, end = tokens[first][0], tokens[last - 1][1]
    out: list[Segment] = []
    cursor = start
    for i, j in spans:
        if j <= first or i >= last:
            continue
        s, e = tokens[max(i, first)][0], tokens[min(j, last) - 1][1]
        if s > cursor:
            out.append(Segment(text[cursor:s]))
        out.append(Segment(text[s:e], True))
        cursor = e
    if end > cursor:
        out.append(Segment(text[cursor:end]))
    return out


def highlight(text: str | None, parsed: ParsedQuery) -> Snippet:
    """The whole (short) text with its matches marked: for titles."""
    if not text:
        return Snippet()
    tokens = _tokens(text)
    if not tokens or not parsed.terms:
        return Snippet((Segment(text),))
    spans = _spans(tokens, parsed)
    segs = _segments(text, tokens, spans, 0, len(tokens))
    head, tail = text[: tokens[0][0]], text[tokens[-1][1] :]
    return Snippet(tuple(([Segment(head)] if head else []) + segs + ([Segment(tail)] if tail else [])))


@functools.lru_cache(maxsize=64)  # per query, not per hit
def _term_patterns(parsed: ParsedQuery) -> list[tuple[re.Pattern[str], Term]]:
    """(regex, term) per positive term: the regex matches its words whole, with or without
    marks, on a lower-cased text (no folding of the text needed); an exact term is then
    checked on the normalised form of what the regex found."""
    out = []
    for term in parsed.terms:
        body = r"[\W_]+".join("".join(_loose(c) for c in fold(w)) for w in term.words)
        # the word start is checked after its first letter, so the regex engine can skip
        # ahead to the letters that may begin a match
        first, rest = (body[: body.index("]") + 1], body[body.index("]") + 1 :]) if body.startswith("[") else (
            body[:1], body[1:])
        out.append((re.compile(rf"{first}(?<![^\W_].){rest}(?![^\W_])"), term))
    return out


def _loose(char: str) -> str:
    variants = fold_variants(char)
    return "[" + re.escape(char + variants) + "]" if variants else re.escape(char)


def _first_match(text: str, parsed: ParsedQuery) -> int | None:
    """Offset in ``text`` of the first match of any positive term, or None. Found on the
    lower-cased text, which keeps the text's offsets."""
    lowered = unicodedata.normalize("NFC", text).lower()
    if len(lowered) != len(text):  # rare (a letter whose lower case is longer): slow path
        tokens = _tokens(text)
        spans = _spans(tokens, parsed)
        return tokens[spans[0][0]][0] if spans else None
    found = []
    for rx, term in _term_patterns(parsed):
        for m in rx.finditer(lowered):
            if not term.exact or WORD_RE.findall(normalise(m.group())) == list(term.words):
                found.append(m.start())
                break
    return min(found) if found else None


def make_snippet(texts: list[str | None], parsed: ParsedQuery, words: int = SNIPPET_WORDS) -> Snippet:
    """A window of ``words`` words around the first match found in ``texts`` (tried in
    order, e.g. body then summary); the start of the first non-empty text otherwise.
    Only the region around the match is tokenized, so long bodies cost little."""
    fallback: str | None = None
    for whole in texts:
        if not whole or not whole.strip():
            continue
        text = whole[:SCAN_CHARS]
        if fallback is None:
            fallback = text
        if not parsed.terms:
            break
        pos = _first_match(text, parsed)
        if pos is None:
            continue
        lo, hi = max(0, pos - LEAD_CHARS), pos + WINDOW_CHARS
        while lo > 0 and text[lo - 1].isalnum():  # start on a word boundary
            lo -= 1
        region = text[lo:hi]
        tokens = _tokens(region)
        spans = _spans(tokens, parsed)
        first = max(0, spans[0][0] - LEAD_WORDS) if spans else 0
        return _window(region, tokens, spans, first, words, cut_before=lo > 0, cut_after=hi < len(text))
    if fallback is None:
        return Snippet()
    region = fallback[:WINDOW_CHARS]
    return _window(region, _tokens(region), [], 0, words, cut_before=False, cut_after=len(fallback) > WINDOW_CHARS)


def _window(
    text: str, tokens: list[Token], spans: list[tuple[int, int]], first: int, words: int, *,
    cut_before: bool, cut_after: bool,
) -> Snippet:
    if not tokens:
        return Snippet()
    last = min(len(tokens), first + words)
    segs = [Segment(_SPACES.sub(" ", s.text), s.hit) for s in _segments(text, tokens, spans, first, last)]
    head = text[: tokens[0][0]].lstrip()
    if first == 0 and not cut_before and head:
        segs.insert(0, Segment(head))
    if first > 0 or cut_before:
        segs.insert(0, Segment(ELLIPSIS + " "))
    tail = text[tokens[-1][1] :].rstrip()
    if last == len(tokens) and not cut_after and tail:
        segs.append(Segment(tail))
    if last < len(tokens) or cut_after:
        segs.append(Segment(" " + ELLIPSIS))
    return Snippet(tuple(segs))
