"""Benchmark of the search index: indexing rate, index size, query latency (issue 6).

Generates N realistic Vietnamese articles with simnet's text generator, spread over the
real network's portals (shared/data/portals.csv or the registry's copy) and ten years,
builds the index with ``SearchIndex.rebuild``, then runs a fixed query mix several times.
Prints figures, asserts nothing.

    .venv/bin/python bench/bench_search.py --count 1000000 --dir /tmp/bench-search
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.search import Query, SearchIndex
from simnet.content import CATEGORIES, generate_article

PORTALS_CSV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "portals.csv"


def portals() -> list[tuple[str, str, str]]:
    """(domain, province, 2025 unit) of every provincial portal."""
    rows = []
    if PORTALS_CSV.exists():
        with PORTALS_CSV.open(encoding="utf-8") as handle:
            table = list(csv.DictReader(handle))
        names = {r["province_ascii"]: r["province_vi"] for r in table}
        for r in table:
            if not r["domain"].startswith("congan"):
                continue
            status = r["status"]
            unit = (
                names.get(status.split(":", 1)[1], r["province_vi"])
                if status.startswith("merged_into:")
                else r["province_vi"]
            )
            rows.append((r["domain"], r["province_vi"], unit))
    return rows or [("congan.hoabinh.gov.vn", "Hòa Bình", "Phú Thọ"), ("congan.hanoi.gov.vn", "Hà Nội", "Hà Nội")]


class Timed:
    """An iterator that counts the time spent producing its items (generation cost)."""

    def __init__(self, items: Iterator[dict[str, Any]]) -> None:
        self.items = items
        self.seconds = 0.0

    def __iter__(self) -> Timed:
        return self

    def __next__(self) -> dict[str, Any]:
        start = time.perf_counter()
        try:
            return next(self.items)
        finally:
            self.seconds += time.perf_counter() - start


def records(count: int, sites: list[tuple[str, str, str]]) -> Iterator[dict[str, Any]]:
    for i in range(count):
        art = generate_article(i, seed="bench")
        site, province, unit = sites[i % len(sites)]
        day = 1 + (i * 7) % 28
        month = 1 + (i * 5) % 12
        year = 2015 + (i * 3) % 11
        published = f"{year}-{month:02d}-{day:02d}T{8 + i % 10:02d}:00:00+07:00"
        url = f"https://{site}/tin-tuc/{art.slug}-{i}.html"
        yield {
            "id": f"{i:020x}",
            "url": url,
            "site": site,
            "province": province,
            "province_2025": unit,
            "title": art.title,
            "summary": art.summary,
            "published": published,
            "author": art.author,
            "category": CATEGORIES[art.category][1],
            "tags": list(art.tags),
            "body": art.body,
            "images": [],
            "version": 1,
            "capture": {
                "timestamp": f"{year}{month:02d}{day:02d}010000",
                "replay_url": f"/congan/{year}{month:02d}{day:02d}010000/{url}",
            },
        }


def query_mix(count: int) -> list[tuple[str, dict[str, Any]]]:
    """(label, Query.build arguments): the fixed mix, rare to very common."""
    rare = [f'"số {n}"' for n in (count // 7 + 1, count // 3 + 2, count - 5)]
    return [
        ("rare phrase", {"text": rare[0]}),
        ("rare phrase", {"text": rare[1]}),
        ("rare phrase+facets off", {"text": rare[2], "facets": False}),
        ("rare words", {"text": "Mường Tè khoáng sản"}),
        ("rare folded", {"text": "muong te khoang san"}),
        ("common exact", {"text": "công an"}),
        ("common folded", {"text": "cong an"}),
        ("common facets off", {"text": "cong an", "facets": False}),
        ("common by date", {"text": "công an", "sort": "date"}),
        ("phrase exact", {"text": '"lừa đảo chiếm đoạt tài sản"'}),
        ("phrase folded", {"text": '"dinh danh dien tu"'}),
        ("tone old/new", {"text": "hoà bình"}),
        ("folded ambiguous", {"text": "hoa binh"}),
        ("exact", {"text": "thủy"}),
        ("OR", {"text": "ma túy OR đánh bạc"}),
        ("exclusion", {"text": "cong an -giao"}),
        ("filter province", {"text": "ma tuy", "provinces": ["Hòa Bình"]}),
        ("filter 2025 unit", {"text": "lua dao", "provinces": ["phu_tho"]}),
        ("filter dates", {"text": "cong an", "since": "2020-01-01", "until": "31/12/2020"}),
        ("filter category", {"text": "tuần tra", "categories": ["Cải cách hành chính"]}),
        ("filter site+date", {"text": "", "sites": ["congan.hanoi.gov.vn"], "since": "2024"}),
        ("browse by date", {"text": "", "sort": "date"}),
        ("page 5", {"text": "đường dây", "page": 5}),
    ]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(run, mix: list[tuple[str, dict[str, Any]]], rounds: int, engine: str) -> None:
    """Run the mix ``rounds`` times through ``run(Query) -> total``; print latencies."""
    latencies: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for _round in range(rounds):
        for label, kwargs in mix:
            args = dict(kwargs)
            text = args.pop("text")
            query = Query.build(text, **args)
            start = time.perf_counter()
            total = run(query)
            latencies.setdefault(f"{label}: {text}", []).append((time.perf_counter() - start) * 1000)
            totals[f"{label}: {text}"] = total
    every = [ms for values in latencies.values() for ms in values]
    print(f"\n[{engine}] {'query':52} {'hits':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for name, values in latencies.items():
        print(f"{name[:60]:60} {totals[name]:>9,} {statistics.median(values):>8.1f} {percentile(values, 95):>8.1f}")
    print(f"[{engine}] all {len(every)} queries: p50 {statistics.median(every):.1f} ms, "
          f"p95 {percentile(every, 95):.1f} ms, max {max(every):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="articles to generate")
    parser.add_argument("--dir", help="where to build the index (default: a temporary directory)")
    parser.add_argument("--rounds", type=int, default=5, help="times each query of the mix is run")
    parser.add_argument("--reuse", action="store_true", help="query an index already in --dir")
    parser.add_argument("--engine", choices=("fts5", "tantivy"), default="fts5",
                        help="fts5: the product's index; tantivy: the comparison engine (pip install tantivy)")
    args = parser.parse_args()

    root = Path(args.dir or tempfile.mkdtemp(prefix="bench-search-"))
    root.mkdir(parents=True, exist_ok=True)
    path = root / "index.sqlite3"
    sites = portals()
    mix = query_mix(args.count)
    print(f"articles: {args.count:,} over {len(sites)} portals; directory: {root}")
    if args.engine == "tantivy":
        run_tantivy(args, root, mix)
        return
    if not (args.reuse and path.exists()):
        stream = Timed(records(args.count, sites))
        start = time.perf_counter()
        built = SearchIndex.rebuild(path, stream)
        total = time.perf_counter() - start
        indexing = total - stream.seconds
        print(
            f"indexed {built:,} articles in {total:.1f} s ({built / total:,.0f} articles/s end to end; "
            f"generation {stream.seconds:.1f} s; indexing alone {indexing:.1f} s = {built / indexing:,.0f} articles/s)"
        )
    size = os.path.getsize(path)
    print(f"index size: {size / 1e6:,.1f} MB ({size / max(1, args.count):,.0f} bytes/article)")

    SearchIndex(path).close()  # brings an index built by an older schema up to date
    index = SearchIndex(path, readonly=True)
    index.search(Query.build("công an"))  # warm the page cache once
    measure(lambda q: index.search(q).total, mix, args.rounds, "fts5")


# -- comparison engine: tantivy (Rust, block-max WAND top-k, columnar aggregations) ---------
# Not part of the product: it answers the issue's "if FTS5 cannot reach it, find out what
# can". Same normalisation and query parser as the product, same query mix.

TEXT_FIELDS = (("t", 12.0), ("s", 5.0), ("b", 1.5), ("tf", 10.0), ("sf", 4.0), ("bf", 1.0))
FACET_FIELDS = ("province", "province_2025", "site", "category", "year")


def tantivy_schema(tantivy):
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name, _weight in TEXT_FIELDS:
        builder.add_text_field(name, stored=False)
    builder.add_text_field("title", stored=True, index_option="basic", tokenizer_name="raw")
    builder.add_text_field("summary", stored=True, index_option="basic", tokenizer_name="raw")
    builder.add_text_field("body", stored=True, index_option="basic", tokenizer_name="raw")
    for name in ("province", "province_2025", "site", "category", "province_key", "province_2025_key", "category_key"):
        builder.add_text_field(name, stored=name in ("province", "site", "category"), fast=True, tokenizer_name="raw")
    builder.add_integer_field("year", stored=True, indexed=True, fast=True)
    builder.add_integer_field("day", stored=True, indexed=True, fast=True)
    return builder.build()


def tantivy_build(path: Path, stream, tantivy) -> int:
    """Index ``stream`` into tantivy; text normalised by the product's own code, in the
    same worker processes as SearchIndex.rebuild (archive.search.build)."""
    from archive.search.build import _batches, _prepared, default_workers
    from archive.search.normalise import key, province_key

    schema = tantivy_schema(tantivy)
    index = tantivy.Index(schema, path=str(path), reuse=False)
    writer = index.writer(heap_size=512_000_000, num_threads=2)
    count = 0
    for batch, rows in _prepared(_batches(stream), default_workers()):
        for record, (_facts, _doc, values) in zip(batch, rows, strict=True):
            doc = {
                "id": record["id"], "title": record["title"] or "", "summary": record["summary"] or "",
                "body": record["body"] or "",
                "t": values[0], "s": values[1], "b": values[2], "tf": values[3], "sf": values[4], "bf": values[5],
                "province": record["province"], "province_2025": record["province_2025"], "site": record["site"],
                "category": record["category"], "province_key": province_key(record["province"]),
                "province_2025_key": province_key(record["province_2025"]), "category_key": key(record["category"]),
                "year": int(record["published"][:4]), "day": int(record["published"][:10].replace("-", "")),
            }
            writer.add_document(tantivy.Document.from_dict(doc, schema))
            count += 1
    writer.commit()
    writer.wait_merging_threads()
    return count


def tantivy_query(query: Query, schema, tantivy):
    from archive.search.normalise import fold

    Occur, Q = tantivy.Occur, tantivy.Query

    def on_field(field: str, words: tuple[str, ...]):
        if len(words) == 1:
            return Q.term_query(schema, field, words[0])
        return Q.phrase_query(schema, field, list(words))

    def term(t):
        if t.exact:
            fields = [(f, w) for f, w in TEXT_FIELDS[:3]]
            words = t.words
            parts = [Q.boost_query(on_field(f, words), w) for f, w in fields]
        else:
            words = tuple(fold(w) for w in t.words)
            parts = [Q.boost_query(on_field(f, words), w) for f, w in TEXT_FIELDS]
        return Q.boolean_query([(Occur.Should, p) for p in parts])

    def clause(c):
        terms = [term(t) for t in c.terms]
        return terms[0] if len(terms) == 1 else Q.boolean_query([(Occur.Should, t) for t in terms])

    subs = [(Occur.Must, clause(c)) for c in query.parsed.positive]
    subs += [(Occur.MustNot, clause(c)) for c in query.parsed.negative]
    if not query.parsed.positive:
        subs.append((Occur.Must, Q.all_query()))
    if query.sites:
        subs.append((Occur.Must, Q.term_set_query(schema, "site", list(query.sites))))
    if query.provinces:
        subs.append((Occur.Must, Q.boolean_query([
            (Occur.Should, Q.term_set_query(schema, "province_key", list(query.provinces))),
            (Occur.Should, Q.term_set_query(schema, "province_2025_key", list(query.provinces))),
        ])))
    if query.categories:
        subs.append((Occur.Must, Q.term_set_query(schema, "category_key", list(query.categories))))
    if query.since or query.until:
        low = int(query.since.replace("-", "")) if query.since else None
        high = int(query.until.replace("-", "")) if query.until else None
        subs.append((Occur.Must, Q.range_query(schema, "day", tantivy.FieldType.Integer, low, high)))
    return Q.boolean_query(subs)


def tantivy_search(index, query: Query, tantivy):
    """Hits with snippets, total and facets: what SearchIndex.search returns."""
    from archive.search.snippets import make_snippet

    schema = index.schema
    searcher = index.searcher()
    q = tantivy_query(query, schema, tantivy)
    if query.sort == "date" or not query.parsed.positive:
        result = searcher.search(q, limit=query.limit, offset=query.offset, order_by_field="day")
    else:
        result = searcher.search(q, limit=query.limit, offset=query.offset)
    hits = []
    for _score, address in result.hits:
        doc = searcher.doc(address)
        hits.append(
            (doc.get_first("id"), make_snippet([doc.get_first("body"), doc.get_first("summary")], query.parsed))
        )
    facets = {}
    if query.facets:
        aggs = {name: {"terms": {"field": name, "size": 100}} for name in FACET_FIELDS}
        facets = searcher.aggregate(q, aggs)
    return hits, result.count, facets


def run_tantivy(args, root: Path, mix) -> None:
    import shutil

    import tantivy

    path = root / "tantivy"
    sites = portals()
    if not (args.reuse and path.exists()):
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        stream = Timed(records(args.count, sites))
        start = time.perf_counter()
        built = tantivy_build(path, stream, tantivy)
        total = time.perf_counter() - start
        indexing = total - stream.seconds
        print(f"tantivy: indexed {built:,} articles in {total:.1f} s ({built / total:,.0f} articles/s end to end; "
              f"indexing alone {built / indexing:,.0f} articles/s)")
    size = sum(p.stat().st_size for p in path.iterdir())
    print(f"tantivy index size: {size / 1e6:,.1f} MB ({size / max(1, args.count):,.0f} bytes/article, bodies stored)")
    index = tantivy.Index.open(str(path))
    index.reload()
    measure(lambda q: tantivy_search(index, q, tantivy)[1], mix, args.rounds, "tantivy")


if __name__ == "__main__":
    main()
