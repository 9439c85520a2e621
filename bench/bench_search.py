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
import shutil
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
        self.cpu = 0.0  # CPU seconds of the generating thread

    def __iter__(self) -> Timed:
        return self

    def __next__(self) -> dict[str, Any]:
        start, cpu = time.perf_counter(), time.thread_time()
        try:
            return next(self.items)
        finally:
            self.seconds += time.perf_counter() - start
            self.cpu += time.thread_time() - cpu


def records(count: int, sites: list[tuple[str, str, str]]) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield record(i, sites)


def record(i: int, sites: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Article ``i`` of the generated corpus (the same every run)."""
    art = generate_article(i, seed="bench")
    site, province, unit = sites[i % len(sites)]
    day = 1 + (i * 7) % 28
    month = 1 + (i * 5) % 12
    year = 2015 + (i * 3) % 11
    published = f"{year}-{month:02d}-{day:02d}T{8 + i % 10:02d}:00:00+07:00"
    url = f"https://{site}/tin-tuc/{art.slug}-{i}.html"
    return {
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


def changed(i: int, sites: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Article ``i`` as a re-crawl finds it edited: a sentence added, version 2."""
    edited = record(i, sites)
    edited["body"] += f" Cập nhật lần thứ hai của bài số {i}."
    edited["version"] = 2
    return edited


def update_costs(path: Path, count: int, sites: list[tuple[str, str, str]], sizes: tuple[int, ...]) -> None:
    """Time ``upsert_many`` of ``size`` changed articles spread over an index of ``count``
    (what a crawl's ``update_from_corpus`` writes), for each size, on distinct articles."""
    print(f"\nincremental update of the {count:,}-article index (changed articles, spread over it):")
    for shift, size in enumerate(sizes):
        step = max(1, count // size)
        chosen = [(shift + k * step) % count for k in range(size)]
        batch = [changed(i, sites) for i in chosen]
        start = time.perf_counter()
        with SearchIndex(path) as index:
            written = index.upsert_many(batch)
        seconds = time.perf_counter() - start
        print(f"  {size:>7,} changed: {seconds:6.1f} s ({seconds / max(1, written) * 1000:.2f} ms/article, "
              f"{written:,} rewritten)")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(run, mix: list[tuple[str, dict[str, Any]]], rounds: int, engine: str, query_cls=None) -> list[float]:
    """Run the mix ``rounds`` times through ``run(Query) -> total``; print latencies."""
    build = (query_cls or Query).build
    latencies: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for _round in range(rounds):
        for label, kwargs in mix:
            args = dict(kwargs)
            text = args.pop("text")
            query = build(text, **args)
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
    return every


def build_index(index_cls, path: Path, count: int, sites, label: str) -> float:
    """Build an index of ``count`` generated articles; print and return articles/s (indexing alone)."""
    stream = Timed(records(count, sites))
    start, cpu = time.perf_counter(), cpu_seconds()
    built = index_cls.rebuild(path, stream)
    total = time.perf_counter() - start
    indexing = total - stream.seconds
    used = cpu_seconds() - cpu - stream.cpu
    print(f"[{label}] indexed {built:,} articles in {total:.1f} s ({built / total:,.0f} articles/s end to end; "
          f"generation {stream.seconds:.1f} s; indexing alone {indexing:.1f} s = {built / indexing:,.0f} articles/s; "
          f"indexing CPU {used / max(1, built) * 1000:.3f} ms/article, every process and thread)")
    return built / indexing


def cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of its finished child processes: what
    indexing costs whatever else the machine runs."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def size_of(path: Path) -> int:
    files = [p for p in path.parent.glob(path.name + "*") if p.is_file()]
    files += [f for d in path.parent.glob(path.name + ".text-*") for f in d.iterdir()]
    return sum(f.stat().st_size for f in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="articles to generate")
    parser.add_argument("--dir", help="where to build the index (default: a temporary directory)")
    parser.add_argument("--rounds", type=int, default=5, help="times each query of the mix is run")
    parser.add_argument("--reuse", action="store_true", help="query an index already in --dir")
    parser.add_argument("--updates", default="1000,10000",
                        help="sizes of the incremental updates timed after the queries (comma-separated; '' none)")
    parser.add_argument("--compare", type=int, default=20_000,
                        help="also build the previous engine (FTS5, from git) and this one at this size; 0: no")
    args = parser.parse_args()

    root = Path(args.dir or tempfile.mkdtemp(prefix="bench-search-", dir="/tmp"))
    root.mkdir(parents=True, exist_ok=True)
    sites = portals()
    print(f"articles: {args.count:,} over {len(sites)} portals; directory: {root}; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    summary = compare(args, root, sites) if args.compare else []
    path = root / "index.sqlite3"
    mix = query_mix(args.count)
    rate = 0.0
    if not (args.reuse and path.exists()):
        rate = build_index(SearchIndex, path, args.count, sites, "tantivy")
    size = size_of(path)
    print(f"index size: {size / 1e6:,.1f} MB ({size / max(1, args.count):,.0f} bytes/article)")
    index = SearchIndex(path, readonly=True)
    index.search(Query.build("công an"))  # warm the page cache once
    every = measure(lambda q: index.search(q).total, mix, args.rounds, "tantivy")
    index.close()
    sizes = tuple(int(x) for x in args.updates.split(",") if x.strip())
    if sizes:
        update_costs(path, args.count, sites, sizes)
    mine = (f"  {'tantivy':16} indexing {rate:>7,.0f} articles/s   p50 {statistics.median(every):>7.1f} ms   "
            f"p95 {percentile(every, 95):>7.1f} ms   ({args.count:,} articles)")
    print("\n".join(["", *summary, mine]))
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if not args.dir:
        shutil.rmtree(root, ignore_errors=True)
    print(f"RESULT count={args.count} p50_ms={statistics.median(every):.1f} p95_ms={percentile(every, 95):.1f} "
          f"index_per_s={rate:.0f}")


# -- the previous engine: SQLite FTS5, as it was before the tantivy engine (commit PREVIOUS) --
# Loaded from git into a temporary package so both engines run in the same process, on the
# same machine load, at a size both can do.

PREVIOUS = "8cb62b4"


def previous_engine(root: Path):
    """(SearchIndex, Query) of the previous engine, extracted from git as package prev_search."""
    import importlib
    import io
    import subprocess
    import tarfile

    repo = Path(__file__).resolve().parent.parent
    data = subprocess.run(["git", "-C", str(repo), "archive", PREVIOUS, "archive/search"],
                          check=True, capture_output=True).stdout
    target = root / "previous"
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(target, filter="data")
    (target / "archive" / "search").rename(target / "prev_search")
    sys.path.insert(0, str(target))
    module = importlib.import_module("prev_search")
    return module.SearchIndex, module.Query


def compare(args, root: Path, sites) -> list[str]:
    """Both engines at ``--compare`` articles, same mix, same run; the summary lines."""
    count = min(args.compare, args.count)
    mix = query_mix(count)
    try:
        prev_index, prev_query = previous_engine(root)
    except Exception as exc:
        print(f"previous engine unavailable ({exc}); comparison skipped")
        return []
    figures = {}
    for label, index_cls, query_cls, name in (
        ("fts5 (previous)", prev_index, prev_query, "prev.sqlite3"),
        ("tantivy", SearchIndex, Query, "cmp.sqlite3"),
    ):
        path = root / name
        rate = build_index(index_cls, path, count, sites, label)
        index = index_cls(path, readonly=True)
        every = measure(lambda q, index=index: index.search(q).total, mix, args.rounds, label, query_cls)
        figures[label] = (rate, statistics.median(every), percentile(every, 95))
    lines = [f"same run, {count:,} articles:"]
    for label, (rate, p50, p95) in figures.items():
        lines.append(f"  {label:16} indexing {rate:>7,.0f} articles/s   p50 {p50:>7.1f} ms   p95 {p95:>7.1f} ms")
    print("\n" + "\n".join(lines))
    return lines


if __name__ == "__main__":
    main()
