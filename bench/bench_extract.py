"""Benchmark of article extraction (issue 4): articles per second of ``extract_article`` on
one core over the simulated network's article pages, beside trafilatura's own bare
extraction (``bare_extraction(with_metadata=True)``) on the same HTML pages.

Pages are fetched once from simnet (through its proxy, 127.0.0.1 only), then extracted in
memory; the process is pinned to one CPU when the OS allows. Prints figures, asserts
nothing.

    .venv/bin/python bench/bench_extract.py [--scale 40] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gzip
import os
import ssl
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura

from scrapers.extract import extract_article
from scrapers.extract.generic import DATE_PARAMS
from simnet.server import SimNet
from simnet.truth import ground_truth

PROFILES = {
    "dnn": "dotnetnuke", "wordpress": "wordpress", "nukeviet": "nukeviet", "liferay": "liferay",
    "joomla": "joomla", "webforms": "webforms", "vnpt": "vnpt", "custom": "custom", "generic": "generic",
}


def fetch_pages(scale: int | None) -> list[tuple[str, bytes, dict[str, str], str]]:
    """(url, body, headers, profile) of every article page of the network."""
    pages = []
    with SimNet(scale=scale) as net:
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({"http": net.url, "https": net.url}),
            # simnet's HTTPS portals have self-signed or incomplete chains on purpose
            urllib.request.HTTPSHandler(context=ssl._create_unverified_context()),
        )
        for truth in ground_truth(1, scale):
            url = truth.canonical_url
            if truth.cms == "dnn":
                url = next(a for a in truth.aliases if "getbyid" in a)
            for _attempt in range(4):
                try:
                    with opener.open(url, timeout=30) as response:
                        body, headers = response.read(), dict(response.headers)
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    continue
            else:
                continue
            if headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            pages.append((url, body, headers, PROFILES[truth.cms]))
    return pages


def rates(runs: dict[str, tuple], rounds: int) -> dict[str, float]:
    """Best articles/s of each (function, pages) run; runs alternate within each round so
    that a busy machine slows them all alike."""
    best = dict.fromkeys(runs, 0.0)
    for _ in range(rounds):
        for name, (func, pages) in runs.items():
            start = time.perf_counter()
            for page in pages:
                func(page)
            best[name] = max(best[name], len(pages) / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=None, help="articles per portal (default: simnet's)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the pages; the best counts")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    pages = fetch_pages(args.scale)
    html_pages = [p for p in pages if p[3] != "dotnetnuke"]  # trafilatura cannot read the JSON API
    print(f"pages: {len(pages)} article pages ({len(html_pages)} HTML, {len(pages) - len(html_pages)} JSON), "
          f"{sum(len(p[1]) for p in pages) / len(pages) / 1024:.1f} KiB on average")

    def ours(page) -> None:
        extract_article(page[1], page[0], headers=page[2], profile=page[3])

    def ours_generic(page) -> None:
        extract_article(page[1], page[0], headers=page[2], profile="generic")

    def theirs(page) -> None:
        trafilatura.bare_extraction(page[1], url=page[0], with_metadata=True, include_comments=False,
                                    date_extraction_params=DATE_PARAMS)

    measured = rates(
        {"all": (ours, pages), "html": (ours, html_pages), "generic": (ours_generic, html_pages),
         "trafilatura": (theirs, html_pages)},
        args.rounds,
    )
    all_rate, html_rate = measured["all"], measured["html"]
    generic_rate, trafilatura_rate = measured["generic"], measured["trafilatura"]
    print(f"extract_article, adapter profiles, all pages:   {all_rate:8.1f} articles/s")
    print(f"extract_article, adapter profiles, HTML pages:  {html_rate:8.1f} articles/s")
    print(f"extract_article, generic stage only, HTML:      {generic_rate:8.1f} articles/s")
    print(f"trafilatura.bare_extraction, HTML pages:        {trafilatura_rate:8.1f} articles/s")
    print(f"ratio ours/trafilatura (profiles, HTML): {html_rate / trafilatura_rate:.2f}; "
          f"(generic stage, HTML): {generic_rate / trafilatura_rate:.2f}")


if __name__ == "__main__":
    main()
