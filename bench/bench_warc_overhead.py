"""What WARC writing costs a crawl.

Runs the same crawl of the simulated network twice in one run, with WARC capture
(``WARC_ENABLED=True``) and without it, each into a fresh data directory, delays and
Crawl-delay off so the figures measure work, not politeness; prints pages/s of each and the
overhead ratio. Then writes the same exchanges straight through ``WarcWriter`` (no Scrapy) to
show the writer's own throughput.

    .venv/bin/python bench/bench_warc_overhead.py [--rounds N]

Prints figures only, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archive.capture import CapturedRequest, CapturedResponse, Exchange  # noqa: E402
from archive.warc.digests import CaptureIndex  # noqa: E402
from archive.warc.records import WarcInfo  # noqa: E402
from archive.warc.writer import WarcWriter  # noqa: E402
from simnet.server import SimNet  # noqa: E402

SETTINGS = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONGAN_CRAWL_DELAY_ENABLED=False",
            "-s", "LOG_LEVEL=INFO", "-s", "EXTRACT_ENABLED=False"]
_STAT_RX = re.compile(r"'(downloader/response_count|elapsed_time_seconds|warc/bytes)': ([\d.]+)")


def crawl(net: SimNet, data: Path, warc: bool) -> dict[str, float]:
    env = dict(os.environ, **net.proxy_env())
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "network", "-s", f"CONGAN_DATA={data}",
         "-s", f"WARC_ENABLED={warc}", "-s", "CONGAN_CRAWL_ID=bench", *SETTINGS],
        cwd=REPO, env=env, capture_output=True, text=True,
    )
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    stats = {name: float(value) for name, value in _STAT_RX.findall(result.stderr)}
    pages = stats.get("downloader/response_count", 0.0)
    elapsed = stats.get("elapsed_time_seconds", wall)
    return {"pages": pages, "elapsed": elapsed, "wall": wall, "pages_per_s": pages / elapsed if elapsed else 0.0,
            "warc_bytes": stats.get("warc/bytes", 0.0)}


def writer_throughput(tmp: Path, count: int = 3000) -> dict[str, float]:
    bodies = [os.urandom(20_000) for _ in range(50)]
    index = CaptureIndex(tmp / "digests.sqlite3")
    writer = WarcWriter(tmp / "archive", prefix="bench", crawl_id="w", max_size=100_000_000,
                        warcinfo=WarcInfo("bench", "ops", "w"), digest_index=index)
    start = time.perf_counter()
    written = 0
    for n in range(count):
        body = bodies[n % len(bodies)] if n % 2 else os.urandom(20_000)
        written += len(body)
        writer.write_exchange(Exchange(
            CapturedRequest("GET", f"http://congan.bench.gov.vn/{n}", ((b"User-Agent", b"bench"),)),
            CapturedResponse(200, "", "HTTP/1.1", ((b"Content-Type", b"text/html"),), body),
            datetime.now(UTC)))
    writer.close()
    elapsed = time.perf_counter() - start
    return {"exchanges_per_s": count / elapsed, "mb_per_s": written / elapsed / 1e6, "exchanges": count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="crawl pairs to run (best of each kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SimNet(state=1) as net:
        with_warc, without = [], []
        for n in range(args.rounds):
            without.append(crawl(net, Path(tmp) / f"off{n}", warc=False))
            with_warc.append(crawl(net, Path(tmp) / f"on{n}", warc=True))
        best_on = max(with_warc, key=lambda r: r["pages_per_s"])
        best_off = max(without, key=lambda r: r["pages_per_s"])
        ratio = best_off["pages_per_s"] / best_on["pages_per_s"] if best_on["pages_per_s"] else float("nan")
        direct = writer_throughput(Path(tmp) / "direct")
    print(
        f"crawl without WARC: {best_off['pages']:.0f} pages in {best_off['elapsed']:.2f} s = "
        f"{best_off['pages_per_s']:.1f} pages/s"
    )
    print(
        f"crawl with WARC:    {best_on['pages']:.0f} pages in {best_on['elapsed']:.2f} s = "
        f"{best_on['pages_per_s']:.1f} pages/s"
        f" ({best_on['warc_bytes'] / 1e6:.2f} MB of WARC)"
    )
    print(f"overhead ratio (without / with): {ratio:.3f}  (1.0 = free; {100 * (ratio - 1):.1f}% slower with WARC)")
    print(f"WarcWriter alone: {direct['exchanges_per_s']:.0f} exchanges/s, {direct['mb_per_s']:.1f} MB/s of payload"
          f" ({direct['exchanges']} exchanges of 20 kB, half of them revisits)")
    print(json.dumps({"without": best_off, "with": best_on, "ratio": ratio, "writer": direct}))


if __name__ == "__main__":
    main()
