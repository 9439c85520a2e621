"""CPU of the counting pass (total and facets) per query of bench_search's mix, on an index
it built: two aggregations over the facet group columns (what a search runs) against
one aggregation per facet column (``counts.count_apart``, the way before), alternated on
the same index in the same run. CPU time, not wall time: the machine is shared.

    .venv/bin/python bench/bench_search.py --count 100000 --compare 0 --updates '' --dir /tmp/bs
    .venv/bin/python bench/bench_counts.py --dir /tmp/bs
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from bench_search import query_mix  # noqa: E402

from archive.search import Query, SearchIndex, counts  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="directory of an index built by bench_search.py")
    parser.add_argument("--rounds", type=int, default=20, help="times each way counts each query")
    args = parser.parse_args()
    index = SearchIndex(Path(args.dir) / "index.sqlite3", readonly=True)
    articles = index.count()
    print(f"{articles:,} articles; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    searcher = index._searcher()
    ways = {"one": lambda q: counts.count(searcher, q, facets=True), "five": lambda q: counts.count_apart(searcher, q)}
    print(f"{'query (facets on)':48} {'hits':>9} {'groups ms':>11} {'five aggs ms':>13}")
    medians: dict[str, list[float]] = {way: [] for way in ways}
    for label, kwargs in query_mix(articles):
        built = dict(kwargs)
        text = built.pop("text")
        if built.get("facets") is False:
            continue
        query = index._plan(Query.build(text, **built), searcher).query
        results = {way: count(query) for way, count in ways.items()}
        assert results["one"] == results["five"], label  # the same counts, both ways
        spent: dict[str, list[float]] = {way: [] for way in ways}
        for _round in range(args.rounds):
            for way, count in ways.items():
                start = time.process_time()
                count(query)
                spent[way].append((time.process_time() - start) * 1000)
        for way in ways:
            medians[way].append(statistics.median(spent[way]))
        print(f"{(label + ': ' + text)[:48]:48} {results['one'].total:>9,} {medians['one'][-1]:>11.2f} "
              f"{medians['five'][-1]:>13.2f}")
    print(f"counting CPU per query (median of medians): group columns {statistics.median(medians['one']):.2f} ms, "
          f"five {statistics.median(medians['five']):.2f} ms; slowest {max(medians['one']):.2f} ms against "
          f"{max(medians['five']):.2f} ms")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
