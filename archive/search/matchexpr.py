"""The FTS5 MATCH expression, built only from parsed, normalised words.

Every word reaches FTS5 inside a double-quoted string (words are runs of letters and
digits, so they cannot contain a quote); the whole expression is then passed as one bound
parameter. FTS5 syntax typed by the user (NEAR, ``*``, ``^``, ``col:``) was split into
plain words by the parser and cannot act as an operator here.
"""

from __future__ import annotations

from .normalise import fold
from .query import Clause, ParsedQuery, Term

#: the FTS5 columns: exact-normalised and folded copies of title, summary, body
EXACT_COLUMNS = ("t", "s", "b")
FOLDED_COLUMNS = ("tf", "sf", "bf")
COLUMNS = EXACT_COLUMNS + FOLDED_COLUMNS

#: bm25 weights in column order: title > summary > body, and an exact-form hit weighs
#: more than the same hit found only through folding, so exact matches rank first
WEIGHTS = (12.0, 5.0, 1.5, 10.0, 4.0, 1.0)

_EXACT = "{" + " ".join(EXACT_COLUMNS) + "}"
_FOLDED = "{" + " ".join(FOLDED_COLUMNS) + "}"


def _string(words: tuple[str, ...]) -> str:
    return '"' + " ".join(words) + '"'


def term_expr(term: Term) -> str:
    if term.exact:
        return f"{_EXACT} : {_string(term.words)}"
    folded = _string(tuple(fold(w) for w in term.words))
    # the folded columns find every accented form; the exact ones add score to documents
    # that contain the words exactly as typed (without marks)
    return f"({_FOLDED} : {folded} OR {_EXACT} : {folded})"


def clause_expr(clause: Clause) -> str:
    parts = [term_expr(t) for t in clause.terms]
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def match_expression(parsed: ParsedQuery) -> str | None:
    """The MATCH string, or None when the query has no words (list by filters only)."""
    positive = [clause_expr(c) for c in parsed.positive]
    if not positive:
        return None
    expr = " AND ".join(positive)
    negative = [clause_expr(c) for c in parsed.negative]
    if negative:
        expr = f"({expr}) NOT ({' OR '.join(negative)})"
    return expr
