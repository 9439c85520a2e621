"""The query language and the search request.

Grammar (Google-like, what researchers already type)::

    query   := clause*
    clause  := ["-"] alt              exclusion with a leading minus
    alt     := item ("OR" item)*      OR (upper case) binds tighter than the implicit AND
    item    := WORD | '"' words '"'   a phrase keeps its words in order

Every word is normalised (:mod:`archive.search.normalise`); a word or phrase written with
diacritics matches accent-exactly, one without matches every accented form. Anything
else (FTS operators such as NEAR, ``*``, ``^``, ``col:``, SQL) is just text: it is split
into words like the documents are and never reaches the engine as syntax.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from archive.errors import UserInputError

from .normalise import has_marks, key, normalise, province_key, words

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_LIMIT = 1000
#: the deepest result a page can reach (page * limit): deeper pages are refused, not computed
MAX_WINDOW = 100_000
#: lone surrogates (from a broken terminal or URL encoding) cannot be text in any file or index
_SURROGATE = re.compile("[\ud800-\udfff]")
SORTS = ("relevance", "date")


@dataclass(frozen=True)
class Term:
    """One word or phrase: its normalised words, and whether it matches accent-exactly."""

    words: tuple[str, ...]
    exact: bool


@dataclass(frozen=True)
class Clause:
    """Alternatives joined by OR; ``negated`` for an exclusion."""

    terms: tuple[Term, ...]
    negated: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[Clause, ...] = ()

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.negated)

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(t for c in self.positive for t in c.terms)

    def __bool__(self) -> bool:
        return bool(self.clauses)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


def parse_query(text: str) -> ParsedQuery:
    """Parse what the user typed. Raises UserInputError with what to fix."""
    text = _CONTROL.sub(" ", text or "")
    if len(text) > MAX_QUERY_CHARS:
        raise UserInputError(
            f"query is {len(text)} characters long; shorten it to at most {MAX_QUERY_CHARS}"
        )
    if text.count('"') % 2:
        raise UserInputError('unbalanced quote in the query: close the phrase with a second "')
    items: list[tuple[str, Term | None]] = []  # ("OR", None) | ("+"/"-", term)
    for match in _TOKEN.finditer(text):
        minus, phrase, bare = match.groups()
        if phrase is not None:
            items.append(("-" if minus else "+", _term(phrase)))
        elif bare == "OR":
            items.append(("OR", None))
        else:
            negated = bare.startswith("-") and len(bare) > 1
            items.append(("-" if negated else "+", _term(bare[1:] if negated else bare)))
    clauses = _clauses(items)
    if sum(len(c.terms) for c in clauses) > MAX_TERMS:
        raise UserInputError(f"too many words in the query; use at most {MAX_TERMS}")
    if clauses and not any(not c.negated for c in clauses):
        raise UserInputError("the query only excludes words: add at least one word to search for")
    return ParsedQuery(tuple(clauses))


def _term(raw: str) -> Term | None:
    normal = words(normalise(raw))
    if not normal:
        return None  # only punctuation or operators: nothing to search for
    return Term(tuple(normal), exact=any(has_marks(w) for w in normal))


def _clauses(items: list[tuple[str, Term | None]]) -> list[Clause]:
    clauses: list[Clause] = []
    pending_or = False
    for index, (kind, term) in enumerate(items):
        if kind == "OR":
            if not clauses or pending_or or index == len(items) - 1:
                raise UserInputError("OR must stand between two words, e.g. 'ma túy OR cờ bạc'")
            pending_or = True
            continue
        if term is None:
            if pending_or:
                raise UserInputError("OR must stand between two words, e.g. 'ma túy OR cờ bạc'")
            continue
        negated = kind == "-"
        if pending_or:
            last = clauses[-1]
            if negated or last.negated:
                raise UserInputError("OR cannot join an exclusion; write -a -b to exclude both")
            clauses[-1] = Clause((*last.terms, term))
            pending_or = False
        else:
            clauses.append(Clause((term,), negated))
    return clauses


@dataclass(frozen=True)
class Query:
    """A search request: text, filters, order and page. Build with ``Query.build``."""

    text: str = ""
    parsed: ParsedQuery = field(default_factory=ParsedQuery)
    sites: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()  # province keys ("hoa_binh"); pre- or post-2025 unit
    categories: tuple[str, ...] = ()  # folded keys
    since: str | None = None  # YYYY-MM-DD, inclusive
    until: str | None = None  # YYYY-MM-DD, inclusive
    sort: str = "relevance"
    limit: int = 20
    page: int = 1
    facets: bool = True
    #: only articles taken down by their portal (SPEC §7 ``removed``)
    removed: bool = False

    @classmethod
    def build(
        cls,
        text: str = "",
        *,
        sites: tuple[str, ...] | list[str] = (),
        provinces: tuple[str, ...] | list[str] = (),
        categories: tuple[str, ...] | list[str] = (),
        since: str | None = None,
        until: str | None = None,
        sort: str = "relevance",
        limit: int = 20,
        page: int = 1,
        facets: bool = True,
        removed: bool = False,
    ) -> Query:
        """Validate everything the user gave; UserInputError names what is wrong."""
        if sort not in SORTS:
            raise UserInputError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        if not 1 <= limit <= MAX_LIMIT:
            raise UserInputError(f"limit must be between 1 and {MAX_LIMIT}")
        if page < 1:
            raise UserInputError("page must be 1 or more")
        if page * limit > MAX_WINDOW:
            raise UserInputError(
                f"page {page} is too deep: results beyond the first {MAX_WINDOW:,} cannot be paged through;"
                " narrow the query with filters, or use --export for every result"
            )
        for name, values in (("query", [text]), ("--site", sites), ("--province", provinces),
                             ("--category", categories), ("--since", [since]), ("--until", [until])):
            for value in values:
                if value is not None and not isinstance(value, str):
                    raise UserInputError(f"{name} must be text")
                if value and _SURROGATE.search(value):
                    raise UserInputError(f"{name} contains a character that is not valid text (a lone surrogate):"
                                         " retype it")
        since_day = parse_date(since, end=False) if since else None
        until_day = parse_date(until, end=True) if until else None
        if since_day and until_day and since_day > until_day:
            raise UserInputError(f"--since {since} is after --until {until}")
        return cls(
            text=text or "",
            parsed=parse_query(text or ""),
            sites=tuple(_site(s) for s in sites if s and s.strip()),
            provinces=tuple(province_key(p) for p in provinces if p and p.strip()),
            categories=tuple(key(c) for c in categories if c and c.strip()),
            since=since_day,
            until=until_day,
            sort=sort,
            limit=limit,
            page=page,
            facets=facets,
            removed=removed,
        )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


def _site(value: str) -> str:
    site = value.strip().lower()
    site = re.sub(r"^[a-z]+://", "", site).split("/", 1)[0]
    return site[4:] if site.startswith("www.") else site


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{4})$")


def parse_date(value: str, *, end: bool) -> str:
    """A date the user typed -> ``YYYY-MM-DD``. Accepts 2024-03-05, 05/03/2024 (day
    first, as Vietnamese write it), 2024-03, 03/2024 and 2024; a partial date means its
    first day (``end=False``) or its last day (``end=True``)."""
    raw = value.strip()
    month: int | None = None
    day: int | None = None
    if m := _ISO.match(raw):
        year, month, day = int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None
    elif m := _DAY_FIRST.match(raw):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _MONTH_YEAR.match(raw):
        month, year = int(m[1]), int(m[2])
    else:
        raise UserInputError(
            f"cannot read the date {value!r}: write it as YYYY-MM-DD or DD/MM/YYYY"
        )
    try:
        if day and month:
            return dt.date(year, month, day).isoformat()
        if month:
            first = dt.date(year, month, 1)
            if not end:
                return first.isoformat()
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return (following - dt.timedelta(days=1)).isoformat()
        return dt.date(year, 12 if end else 1, 31 if end else 1).isoformat()
    except ValueError:
        raise UserInputError(f"the date {value!r} does not exist: check day and month") from None
