"""From a parsed query to a tantivy query: what must match, and what ranks first.

Built only from parsed, normalised words (:mod:`archive.search.query`), as term and
phrase objects: nothing the user typed reaches a query parser.

Ranking (SPEC §8), all BM25 with these boosts:

- the title above the rest of the text (``TITLE``/``TEXT``), an exact-diacritics match above
  a folded one (``EXACT`` columns weigh more than ``FOLDED`` ones);
- two query syllables standing together in the text match one folded syllable bigram
  (``pf`` field), which adds ``PAIR`` points: adjacent beats scattered; a pair typed with
  marks must also find both words exactly (``t``/``x``);
- **words**: Vietnamese words are several syllables and the query does not mark them.
  Two adjacent query syllables whose bigram is a common unit in the index (found in at
  least ``1/WORD_RATIO`` of the documents of its rarer syllable) are read as one word and
  must stand together: ``ma tuy`` then means "ma túy" and no longer matches "mã OTP …
  tuy nhiên". Syllables are paired best-first, each in one word at most. When reading
  the query as words finds nothing, the syllables alone are searched (``relaxed``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import tantivy

from .normalise import fold
from .query import Clause, Query, Term
from .textindex import JOIN

Occur, Q = tantivy.Occur, tantivy.Query

#: field boosts: (exact, folded) per part
TITLE = (12.0, 10.0)
TEXT = (1.5, 1.0)
#: a query written without marks also scores documents holding the words exactly as typed
AS_TYPED = 0.3
#: an adjacent pair of query syllables found as a bigram (exact, folded), and in the title
PAIR = (6.0, 4.0)
TITLE_PAIR = 8.0
#: three or more query syllables standing in the text in the order typed
SEQUENCE = 20.0
#: the query is the whole title, folded (known-item search by title)
WHOLE_TITLE = 50.0
#: a word of the province, 2025 unit or category of the article ("dân vận Vĩnh Phúc"): it
#: satisfies a query word when another query word stands in the text (never all of them)
ABOUT = 3.0
#: a bigram is a word when df(bigram) * WORD_RATIO >= df(rarer syllable)
WORD_RATIO = 4


@dataclass(frozen=True)
class Plan:
    """The tantivy query of a search, and whether it required syllables to form words."""

    query: tantivy.Query
    words_required: bool


def _word(schema: tantivy.Schema, word: str, exact: bool, about: bool = True, scored: bool = True) -> tantivy.Query:
    """One syllable in the title or the text (at least one), boosted by where it is. A
    word without marks found as typed is also found folded: unless ``scored`` (an
    exclusion), only the folded fields are read."""
    return Q.boolean_query([(Occur.Should, q) for q in _word_parts(schema, word, exact, about, scored)])


def _word_parts(schema: tantivy.Schema, word: str, exact: bool, about: bool = True,
                scored: bool = True) -> list[tantivy.Query]:
    """The boosted term queries of :func:`_word`, one per field."""
    if exact:
        parts = [(TITLE[0], "t", word), (TEXT[0], "x", word)]
    elif not scored:
        parts = [(TITLE[1], "tf", word), (TEXT[1], "xf", word)]
    else:
        parts = [(TITLE[1], "tf", word), (TEXT[1], "xf", word),
                 (TITLE[0] * AS_TYPED, "t", word), (TEXT[0] * AS_TYPED, "x", word)]
    if about:
        parts.append((ABOUT, "m", fold(word)))
    return [Q.boost_query(Q.term_query(schema, f, w), b) for b, f, w in parts]


def _pairs(items: tuple[str, ...]) -> list[str]:
    return [a + JOIN + b for a, b in itertools.pairwise(items)]


def _on_pairs(schema: tantivy.Schema, field: str, pairs: list[str]) -> tantivy.Query:
    """All the bigrams of a phrase (the bigram fields keep no positions)."""
    if len(pairs) == 1:
        return Q.term_query(schema, field, pairs[0])
    return Q.boolean_query([(Occur.Must, Q.term_query(schema, field, p)) for p in dict.fromkeys(pairs)])


def _phrase(schema: tantivy.Schema, term: Term) -> tantivy.Query:
    """Several syllables in this order: a phrase of bigrams, plus title points per word."""
    folded = tuple(fold(w) for w in term.words)
    must = [Q.boost_query(_on_pairs(schema, "pf", _pairs(folded)), PAIR[0] if term.exact else PAIR[1])]
    if term.exact:  # every word as typed, marks included
        must += [_word(schema, w, True, about=False) for w in dict.fromkeys(term.words)]
        titles = [Q.boost_query(Q.term_query(schema, "t", w), TITLE[0] / len(term.words)) for w in term.words]
    else:
        titles = [Q.boost_query(Q.term_query(schema, "tf", w), TITLE[1] / len(folded)) for w in folded]
    return Q.boolean_query([(Occur.Must, m) for m in must] + [(Occur.Should, t) for t in titles])


def term_query(schema: tantivy.Schema, term: Term, about: bool = True, scored: bool = True) -> tantivy.Query:
    if len(term.words) == 1:
        word = term.words[0]
        return _word(schema, word if term.exact else fold(word), term.exact, about, scored)
    return _phrase(schema, term)


def clause_query(schema: tantivy.Schema, clause: Clause, about: bool = True, scored: bool = True) -> tantivy.Query:
    parts = [term_query(schema, t, about, scored) for t in clause.terms]
    return parts[0] if len(parts) == 1 else Q.boolean_query([(Occur.Should, p) for p in parts])


def _single(clause: Clause) -> Term | None:
    """The one-syllable term of a plain positive clause (a candidate for pairing)."""
    if clause.negated or len(clause.terms) != 1 or len(clause.terms[0].words) != 1:
        return None
    return clause.terms[0]


def _pair_query(schema: tantivy.Schema, a: Term, b: Term) -> tantivy.Query:
    folded = fold(a.words[0]) + JOIN + fold(b.words[0])
    return Q.boolean_query([
        (Occur.Must, Q.boost_query(Q.term_query(schema, "pf", folded), PAIR[1])),
        (Occur.Should, Q.boost_query(Q.term_query(schema, "tp", folded), TITLE_PAIR)),
    ])


def adjacent_pairs(clauses: tuple[Clause, ...]) -> list[tuple[Term, Term]]:
    """Consecutive one-syllable clauses of the query, as typed."""
    pairs = []
    for left, right in itertools.pairwise(clauses):
        a, b = _single(left), _single(right)
        if a is not None and b is not None:
            pairs.append((a, b))
    return pairs


def _runs(clauses: tuple[Clause, ...]) -> list[list[Term]]:
    """Maximal runs of three or more consecutive one-syllable clauses."""
    runs: list[list[Term]] = [[]]
    for clause in clauses:
        term = _single(clause)
        if term is None:
            runs.append([])
        else:
            runs[-1].append(term)
    return [run for run in runs if len(run) >= 3]


def words_of(searcher: tantivy.Searcher, pairs: list[tuple[Term, Term]]) -> set[int]:
    """Indexes in ``pairs`` read as words: best-first by how often the syllables stand
    together, each syllable in one word at most."""
    scored = []
    for i, (a, b) in enumerate(pairs):
        fa, fb = fold(a.words[0]), fold(b.words[0])
        together = searcher.doc_freq("pf", fa + JOIN + fb)
        if not together:
            continue
        rarer = min(searcher.doc_freq("xf", fa) + searcher.doc_freq("tf", fa),
                    searcher.doc_freq("xf", fb) + searcher.doc_freq("tf", fb))
        if together * WORD_RATIO >= rarer:
            scored.append((together / max(1, rarer), i))
    chosen: set[int] = set()
    for _ratio, i in sorted(scored, reverse=True):
        if i - 1 not in chosen and i + 1 not in chosen:
            chosen.add(i)
    return chosen


def plan(query: Query, schema: tantivy.Schema, searcher: tantivy.Searcher, *,
         hidden_ids: tuple[str, ...] = (), only_ids: tuple[str, ...] | None = None,
         relaxed: bool = False) -> Plan:
    """The tantivy query: clauses, word pairs, filters, exclusions and hidden articles."""
    parsed = query.parsed
    pairs = adjacent_pairs(parsed.clauses)
    required = set() if relaxed else words_of(searcher, pairs)
    paired = {term for i in required for term in pairs[i]}
    subs: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for c in parsed.positive:
        subs += _positive(schema, c, paired)
    # a word may be found in the province or category, not all of them: some must stand in
    # the text, which a required word pair or a phrase (bigrams of the text) already ensures
    in_text = bool(required) or any(len(c.terms) == 1 and len(c.terms[0].words) > 1 for c in parsed.positive)
    if len(parsed.positive) > 1 and not in_text:
        subs.append((Occur.Must, Q.const_score_query(Q.boolean_query(
            [(Occur.Should, clause_query(schema, c, about=False, scored=False)) for c in parsed.positive]), 0.0)))
    elif len(parsed.positive) == 1:
        subs = [(Occur.Must, clause_query(schema, parsed.positive[0], about=False))]
    subs += [(Occur.MustNot, clause_query(schema, c, about=False, scored=False)) for c in parsed.negative]
    for i, (a, b) in enumerate(pairs):
        if i in required:  # flat, as below: the same score, fewer nested scorers
            folded = fold(a.words[0]) + JOIN + fold(b.words[0])
            subs += [(Occur.Must, Q.boost_query(Q.term_query(schema, "pf", folded), PAIR[1])),
                     (Occur.Should, Q.boost_query(Q.term_query(schema, "tp", folded), TITLE_PAIR))]
        else:
            subs.append((Occur.Should, _pair_query(schema, a, b)))
    for run in _runs(parsed.clauses):
        pairs_folded = _pairs(tuple(fold(t.words[0]) for t in run))
        subs.append((Occur.Should, Q.boost_query(_on_pairs(schema, "pf", pairs_folded), SEQUENCE)))
    typed = [w for c in parsed.positive if len(c.terms) == 1 for w in c.terms[0].words]
    if len(typed) >= 2:
        whole = " ".join(fold(w) for w in typed)
        subs.append((Occur.Should, Q.boost_query(Q.term_query(schema, "tk", whole), WHOLE_TITLE)))
    if not parsed.positive:
        subs.append((Occur.Must, Q.all_query()))
    subs += [(Occur.Must, Q.const_score_query(f, 0.0)) for f in filters(query, schema)]
    if hidden_ids:
        subs.append((Occur.MustNot, Q.term_set_query(schema, "id", list(hidden_ids))))
    if only_ids is not None:  # e.g. only removed articles; an empty set matches nothing
        wanted = Q.term_set_query(schema, "id", list(only_ids)) if only_ids else Q.term_query(schema, "id", "\0")
        subs.append((Occur.Must, Q.const_score_query(wanted, 0.0)))
    return Plan(Q.boolean_query(subs), bool(required))


def _positive(schema: tantivy.Schema, clause: Clause, paired: set[Term]) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """The sub-queries of a positive clause. A word of a required word pair stands in the
    text folded (the pair's bigram does), so a word without marks only adds its points,
    as flat optional terms, and one with marks must still be found exactly (title or
    text) while its province/category points are optional: the same scores and matches,
    without a nested union per word (the slowest part of ranking a common word)."""
    term = _single(clause)
    if term is None or term not in paired:
        return [(Occur.Must, clause_query(schema, clause))]
    word = term.words[0]
    if not term.exact:
        return [(Occur.Should, q) for q in _word_parts(schema, fold(word), False)]
    about = Q.boost_query(Q.term_query(schema, "m", fold(word)), ABOUT)
    return [(Occur.Must, _word(schema, word, True, about=False)), (Occur.Should, about)]


def filters(query: Query, schema: tantivy.Schema) -> list[tantivy.Query]:
    found = []
    if query.sites:
        found.append(Q.term_set_query(schema, "site", list(query.sites)))
    if query.provinces:
        found.append(Q.boolean_query([
            (Occur.Should, Q.term_set_query(schema, "province_key", list(query.provinces))),
            (Occur.Should, Q.term_set_query(schema, "province_2025_key", list(query.provinces))),
        ]))
    if query.categories:
        found.append(Q.term_set_query(schema, "category_key", list(query.categories)))
    if query.since or query.until:
        low = int(query.since.replace("-", "")) if query.since else 1  # 0: undated, never in a range
        high = int(query.until.replace("-", "")) if query.until else None
        found.append(Q.range_query(schema, "day", tantivy.FieldType.Integer, low, high))
    return found

