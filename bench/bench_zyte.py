"""Article bodies of real news pages: the public Zyte article-extraction benchmark (181 pages,
github.com/scrapinghub/article-extraction-benchmark, MIT licence), scored with its official
metric, for our generic path and trafilatura's ``extract()`` on the same pages, with pages/s.

Ours is scored on ``ExtractedArticle.text``: the body, preceded by the lead when the page
prints it as the body's opening paragraph (the record keeps that lead in ``summary``; the
benchmark's ``articleBody`` includes it). The body alone is printed too.

The metric (the benchmark's ``evaluate.py``, reimplemented): ``\\w+`` tokens, 4-token
shingles counted with multiplicity, per page TP/FP/FN normalised by their sum, precision and
recall averaged over pages, F1 of the two averages. Asserts nothing.

    .venv/bin/python bench/bench_zyte.py --data DIR   # DIR holds html/*.html.gz and ground-truth.json
                                                      # (git archive of the benchmark repository)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura

from scrapers.extract import extract_article

_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)) if tokens)


def page_counts(true: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page."""
    a, b = _shingles(true), _shingles(pred)
    tp = sum((a & b).values())
    fp = sum((b - a).values())
    fn = sum((a - b).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def score(counts: list[tuple[float, float, float]]) -> Score:
    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in counts if c[0] + c[2] > 0)
    return Score(p, r, 2 * p * r / (p + r))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).parent / "data" / "zyte")
    parser.add_argument("--worst", type=int, default=0, help="list this many worst pages of the generic path")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [(key, entry["url"], gzip.decompress((args.data / "html" / f"{key}.html.gz").read_bytes()))
             for key, entry in sorted(truth.items())]
    runs = {
        "generic": lambda url, html: extract_article(html, url, profile="generic").text,
        "body only": lambda url, html: extract_article(html, url, profile="generic").body,
        "trafilatura": lambda url, html: trafilatura.extract(html, url=url) or "",
    }
    results: dict[str, list[tuple[float, float, float]]] = {}
    rates: dict[str, float] = {}
    for name, run in runs.items():
        start = time.perf_counter()
        bodies = [run(url, html) for _key, url, html in pages]
        rates[name] = len(pages) / (time.perf_counter() - start)
        results[name] = [
            page_counts(truth[key]["articleBody"], body) for (key, _u, _h), body in zip(pages, bodies, strict=True)
        ]
    print(f"pages: {len(pages)} (Zyte article-extraction benchmark)")
    for name, counts in results.items():
        s = score(counts)
        print(f"{name:<12} precision {s.precision:.3f}  recall {s.recall:.3f}  F1 {s.f1:.3f}  "
              f"{rates[name]:7.1f} pages/s")
    print(f"ratio generic/trafilatura speed: {rates['generic'] / rates['trafilatura']:.2f}")
    final = score(results["generic"])
    print(f"RESULT generic precision={final.precision:.3f} recall={final.recall:.3f} f1={final.f1:.3f} "
          f"(trafilatura f1={score(results['trafilatura']).f1:.3f})")
    if args.worst:
        ranked = sorted(zip(pages, results["generic"], strict=True), key=lambda item: item[1][0])
        for (_key, url, _h), (tp, fp, fn) in ranked[: args.worst]:
            print(f"  {tp:.2f} tp {fp:.2f} fp {fn:.2f} fn  {url}")


if __name__ == "__main__":
    main()
