"""Run every benchmark once at a size that fits a few minutes on 2 cores (``make bench``).

Each benchmark prints its own figures and its ratio against its baseline (bare Scrapy and
wget for the crawl, the crawl without WARC writing, trafilatura alone, FTS5 at scale). For the
full-size runs quoted in the issues, call the scripts directly with larger sizes:

    python bench/bench_crawl.py --scale 2000 --memory
    python bench/bench_search.py --count 1000000
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

RUNS: tuple[tuple[str, ...], ...] = (
    ("bench_crawl.py", "--scale", "100"),
    ("bench_warc_overhead.py", "--rounds", "2"),
    ("bench_extract.py", "--rounds", "3"),
    ("bench_search.py", "--count", "20000", "--rounds", "3"),
)


def main() -> int:
    failed = 0
    for script, *args in RUNS:
        print(f"\n=== {script} {' '.join(args)}", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(HERE / script), *args])
        print(f"=== {script}: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
