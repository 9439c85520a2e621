"""Benchmark of article extraction (issue 4): articles per second of ``extract_article`` on
one core over the simulated network's article pages: the profile path, the generic path
(profiles off) and trafilatura's ``extract()`` on the same HTML pages, with the ratios.

Pages are fetched once from simnet (through its proxy, 127.0.0.1 only), then extracted in
memory, the runs interleaved page by page; the process is pinned to one CPU when the OS
allows. Prints figures and ends with ``RESULT generic/trafilatura=<r> profile/trafilatura=<r>``
(issue 14: >= 1 and >= 2); asserts nothing.

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
    """Articles/s of each (function, pages) run. The runs are interleaved page by page (every
    run extracts a page before the next page), so a machine whose load changes during the
    benchmark slows every run alike and the ratios stay fair."""
    spent = dict.fromkeys(runs, 0.0)
    done = dict.fromkeys(runs, 0)
    longest = max(len(pages) for _func, pages in runs.values())
    for _ in range(rounds):
        for index in range(longest):
            for name, (func, pages) in runs.items():
                if index < len(pages):
                    start = time.perf_counter()
                    func(pages[index])
                    spent[name] += time.perf_counter() - start
                    done[name] += 1
    return {name: done[name] / spent[name] for name in runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=None, help="articles per portal (default: simnet's)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the pages")
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
        trafilatura.extract(page[1], url=page[0])

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
    print(f"trafilatura.extract, HTML pages:                {trafilatura_rate:8.1f} articles/s")
    print(f"ratio profile path / trafilatura.extract (HTML): {html_rate / trafilatura_rate:.2f} (issue 14: >= 2)")
    print(f"ratio generic path / trafilatura.extract (HTML): {generic_rate / trafilatura_rate:.2f} (issue 14: >= 1)")
    print(f"RESULT generic/trafilatura={generic_rate / trafilatura_rate:.2f} "
          f"profile/trafilatura={html_rate / trafilatura_rate:.2f}")


if __name__ == "__main__":
    main()
