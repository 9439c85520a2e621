"""Relevance of the search (issue 16): success@1 and MRR per group of the relevance set.

The set is built from the simulated network's ground truth and the seed article
(tests/search_relevance.py); the thresholds are asserted by tests/test_search_relevance.py.
Prints figures, asserts nothing.

    .venv/bin/python bench/bench_relevance.py [--failures N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from search_relevance import cases, evaluate, failures, records  # noqa: E402

from archive.search import SearchIndex  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", type=int, default=3, help="failed queries shown per group")
    args = parser.parse_args()
    corpus = records()
    path = Path(tempfile.mkdtemp(prefix="bench-relevance-")) / "index.sqlite3"
    SearchIndex.rebuild(path, corpus)
    index = SearchIndex(path, readonly=True)
    found = cases(corpus)
    print(f"{len(corpus)} articles, {len(found)} queries")
    print(f"{'group':16} {'cases':>6} {'success@1':>10} {'MRR':>6}")
    for score in evaluate(index, found):
        print(f"{score.group:16} {score.count:>6} {score.success_at_1:>10.3f} {score.mrr:>6.3f}")
        for line in failures(index, found, score.group)[: args.failures]:
            print(f"    miss: {line}")


if __name__ == "__main__":
    main()
