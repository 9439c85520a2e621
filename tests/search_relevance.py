"""The relevance set of the search (issue 16): a corpus built from the simulated network's
ground truth, and queries with the ids that must come first.

Groups: ``exact title`` (known item by its title as published), ``folded title`` (the
same typed without diacritics), ``body phrase`` (five consecutive words of the body found
in no other article), ``province topic`` (a category and a province: any article of that
province and category must come first), and ``seed`` (the 2017 Vĩnh Phúc article the
project started from, among distractors that hold its syllables scattered).
An article sharing its title with others may be answered by any of them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from search_corpus import _record

from archive.search import fold, normalise
from archive.search.normalise import words
from simnet.truth import ground_truth

#: articles per simulated portal (the network's own scale is smaller)
SCALE = 24
SEED_TITLE = "Đổi mới công tác dân vận trong lực lượng Công an tỉnh Vĩnh Phúc"
SEED_QUERIES = ("Đổi mới công tác dân vận", "doi moi cong tac dan van", "dân vận Vĩnh Phúc")


@dataclass(frozen=True)
class Case:
    group: str
    query: str
    expected: frozenset[str]  # any of these first is a success


def _id(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def seed_records() -> list[dict[str, Any]]:
    """The seed article, and distractors with its syllables in other places."""
    return [
        _record(
            "vp-seed-2017", "congan.vinhphuc.gov.vn", "Vĩnh Phúc", "Phú Thọ", SEED_TITLE,
            "Thời gian qua, Công an tỉnh đã đổi mới công tác dân vận, gần dân, sát dân, hiểu dân; "
            "cán bộ chiến sĩ về cơ sở giúp nhân dân xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc.",
            summary="Công tác dân vận của lực lượng Công an tỉnh Vĩnh Phúc năm 2017.",
            published="2017-05-12T08:00:00+07:00", category="Xây dựng lực lượng",
        ),
        _record(
            "dn-scattered", "congan.danang.gov.vn", "Đà Nẵng", "Đà Nẵng",
            "Công an thành phố đổi mới công tác tiếp dân, vận động người dân giao nộp vũ khí",
            "Công an phường tổ chức tiếp công dân định kỳ; lực lượng vận động nhân dân giao nộp vũ khí, "
            "mới đây đã thu hồi 12 khẩu súng tự chế. Công tác an ninh được đổi theo mô hình mới.",
            published="2024-03-02T08:00:00+07:00", category="An ninh trật tự",
        ),
        _record(
            "vp-other", "congan.vinhphuc.gov.vn", "Vĩnh Phúc", "Phú Thọ",
            "Công an tỉnh Vĩnh Phúc ra quân tấn công trấn áp tội phạm",
            "Lực lượng công an huyện Vĩnh Tường phối hợp với nhân dân triển khai kế hoạch mới; "
            "vận động quần chúng tham gia tố giác tội phạm.",
            published="2023-01-10T08:00:00+07:00", category="An ninh trật tự",
        ),
        _record(
            "otp-only", "congan.hanoi.gov.vn", "Hà Nội", "Hà Nội",
            "Cảnh báo lừa đảo qua điện thoại",
            "Người dân không cung cấp mã OTP cho người lạ; tuy nhiên nhiều người vẫn bị lừa.",
            published="2024-06-01T08:00:00+07:00", category="Phòng chống tội phạm",
        ),
    ]


def records() -> list[dict[str, Any]]:
    """The corpus: the ground truth of the simulated network (state 1) and the seed set."""
    found = {}
    for truth in ground_truth(1, scale=SCALE):
        ident = _id(truth.canonical_url)
        found[ident] = _record(
            ident, truth.site, truth.province, truth.province, truth.title, truth.body,
            summary=truth.summary, published=truth.published, category=truth.category,
        )
    return list(found.values()) + seed_records()


def _distinctive_phrases(corpus: list[dict[str, Any]]) -> list[Case]:
    """Five consecutive body words that stand in one article only (of the first 120)."""
    counts: dict[tuple[str, ...], set[str]] = defaultdict(set)
    bodies = {r["id"]: words(normalise(r["body"] or "")) for r in corpus}
    for ident, body in bodies.items():
        for i in range(len(body) - 4):
            counts[tuple(body[i : i + 5])].add(ident)
    cases = []
    for ident, body in list(bodies.items())[:120]:
        for i in range(0, len(body) - 4, 3):
            window = tuple(body[i : i + 5])
            if counts[window] == {ident}:
                cases.append(Case("body phrase", " ".join(window), frozenset({ident})))
                break
    return cases


def cases(corpus: list[dict[str, Any]]) -> list[Case]:
    by_title: dict[str, set[str]] = defaultdict(set)
    by_folded: dict[str, set[str]] = defaultdict(set)
    by_place: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in corpus:
        by_title[normalise(r["title"])].add(r["id"])
        by_folded[fold(normalise(r["title"]))].add(r["id"])
        by_place[(r["province"], r["category"])].add(r["id"])
    found: list[Case] = []
    seen: set[str] = set()
    for r in corpus:
        title = r["title"]
        if title in seen:
            continue
        seen.add(title)
        found.append(Case("exact title", title, frozenset(by_title[normalise(title)])))
        plain = fold(normalise(title))
        found.append(Case("folded title", plain, frozenset(by_folded[plain])))
    found += _distinctive_phrases(corpus)
    for (province, category), ids in sorted(by_place.items()):
        if province and category and len(ids) >= 2:
            found.append(Case("province topic", f"{category} {province}", frozenset(ids)))
    found += [Case("seed", q, frozenset({"vp-seed-2017"})) for q in SEED_QUERIES]
    return found


@dataclass(frozen=True)
class Score:
    group: str
    count: int
    success_at_1: float
    mrr: float


def evaluate(index: Any, corpus_cases: list[Case], depth: int = 10) -> list[Score]:
    """success@1 and MRR (first acceptable id in the top ``depth``) per group."""
    from archive.search import Query

    ranks: dict[str, list[int | None]] = defaultdict(list)
    for case in corpus_cases:
        hits = [h.id for h in index.search(Query.build(case.query, limit=depth, facets=False)).hits]
        rank = next((i for i, h in enumerate(hits, 1) if h in case.expected), None)
        ranks[case.group].append(rank)
    return [
        Score(group, len(values), sum(1 for r in values if r == 1) / len(values),
              sum(1 / r for r in values if r) / len(values))
        for group, values in ranks.items()
    ]


def failures(index: Any, corpus_cases: list[Case], group: str) -> list[str]:
    from archive.search import Query

    out = []
    for case in corpus_cases:
        if case.group != group:
            continue
        hits = [h.id for h in index.search(Query.build(case.query, limit=3, facets=False)).hits]
        if not hits or hits[0] not in case.expected:
            out.append(f"{case.query!r}: got {hits}, want one of {sorted(case.expected)[:3]}")
    return out
