"""Crawl throughput on the simulated network in scale mode, three ways, in one run:

1. ``congan crawl`` (frontier, WARC, extraction, corpus, report) with delays off;
2. a bare Scrapy spider fetching the same URLs (no robots, archive, extraction or frontier),
   with the same concurrency;
3. ``wget --recursive --page-requisites --warc-file`` over the same network, through the
   same proxy (one connection at a time, as wget works).

Prints requests, seconds, pages/s and ratios; no assertions. Robots.txt Crawl-delay is
switched off for the benchmark (``-s CONGAN_CRAWL_DELAY_ENABLED=False``): one simulated portal
asks for 1 s between requests and would measure the delay, not the crawler.

``--memory`` instead runs one large crawl (``--scale`` chosen for >= 100,000 pages) and prints
its peak memory (Scrapy's ``memusage/max``, the resident set size of the crawl process).

    python bench/bench_crawl.py [--scale 150] [--skip-wget]
    nice python bench/bench_crawl.py --memory --scale 4000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONGAN_CRAWL_DELAY_ENABLED=False",
        "-s", "CONGAN_PROGRESS_INTERVAL=30", "-s", "LOG_LEVEL=WARNING")


@dataclass(frozen=True)
class Run:
    tool: str
    requests: int
    seconds: float
    distinct: int = 0  # distinct URLs requested

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class Simnet:
    """``python -m simnet serve`` in its own process (so it does not share our GIL)."""

    def __init__(self, scale: int, log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "simnet", "serve", "--scale", str(scale), "--access-log", str(log)],
            cwd=REPO, stdout=subprocess.PIPE, text=True,
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if "listening on" not in line:
            raise SystemExit(f"simnet did not start: {line!r}")
        self.url = line.strip().rsplit(" ", 1)[1]

    def entries(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line.strip()]

    def env(self) -> dict[str, str]:
        return {"http_proxy": self.url, "HTTP_PROXY": self.url, "https_proxy": self.url, "HTTPS_PROXY": self.url}

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CONGAN_DATA"} | extra
    env["PYTHONPATH"] = str(REPO)
    env["no_proxy"] = ""
    return env


def congan_crawl(simnet: Simnet, data: Path, *extra: str) -> tuple[Run, dict]:
    before = len(simnet.entries())
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "congan", "--data", str(data), "crawl", "--crawl-id", "bench", *FAST, *extra],
        cwd=REPO, env=child_env(simnet.env()), capture_output=True, text=True,
    )
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"congan crawl failed:\n{result.stderr[-3000:]}")
    report = json.loads((data / "crawls" / "bench" / "report.json").read_text(encoding="utf-8"))
    time.sleep(0.5)  # let simnet flush its log
    return _run("congan crawl", simnet, before, seconds), report


def _run(tool: str, simnet: Simnet, before: int, seconds: float) -> Run:
    entries = simnet.entries()[before:]
    return Run(tool, len(entries), seconds, len({e["url"] for e in entries}))


BARE_SPIDER = """
import sys, scrapy
from scrapy.crawler import CrawlerProcess
urls = open(sys.argv[1], encoding="utf-8").read().split()
class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for url in urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)
    def parse(self, response):
        return None
process = CrawlerProcess({"LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": False, "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False, "HTTPERROR_ALLOW_ALL": True,
    "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
    "DOWNLOADER_CLIENT_TLS_VERIFY": False})
process.crawl(Bare)
process.start()
"""


def bare_scrapy(simnet: Simnet, urls: list[str], work: Path) -> Run:
    url_file = work / "urls.txt"
    url_file.write_text("\n".join(urls), encoding="utf-8")
    before = len(simnet.entries())
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-c", BARE_SPIDER, str(url_file)], cwd=work, env=child_env(simnet.env()), check=True
    )
    seconds = time.monotonic() - started
    time.sleep(0.5)
    return _run("bare scrapy", simnet, before, seconds)


def wget(simnet: Simnet, seeds: list[str], domains: list[str], work: Path, timeout: float) -> Run:
    if shutil.which("wget") is None:
        raise SystemExit("wget is missing: apt-get install wget")
    before = len(simnet.entries())
    started = time.monotonic()
    command = [
        "wget", "--recursive", "--level=inf", "--page-requisites", "--no-verbose", "--span-hosts",
        "--timeout=10", "--tries=2",
        f"--domains={','.join(domains)}", "--no-check-certificate", "-e", "robots=on",
        f"--warc-file={work / 'wget'}", "--directory-prefix", str(work / "wget-files"), *seeds,
    ]
    try:
        subprocess.run(command, env=child_env(simnet.env()), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=timeout)
        tool = "wget --recursive"
    except subprocess.TimeoutExpired:
        tool = f"wget --recursive (stopped at {timeout:.0f} s)"
    seconds = time.monotonic() - started
    time.sleep(0.5)
    return _run(tool, simnet, before, seconds)


def portal_domains(entries: list[dict]) -> list[str]:
    return sorted({e["host"] for e in entries if not e.get("out_of_network")})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=150, help="articles per simulated portal")
    parser.add_argument("--memory", action="store_true", help="one large crawl; print its peak memory")
    parser.add_argument("--skip-wget", action="store_true")
    parser.add_argument("--wget-timeout", type=float, default=900.0)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    simnet = Simnet(args.scale, work / "access.jsonl")
    try:
        congan, report = congan_crawl(simnet, work / "data")
        stats = report.get("stats", {})
        peak = stats.get("memusage/max", 0) / 2**20
        print(
            f"simnet scale {args.scale}: {report['totals']['portals']} portals, {report['totals']['articles']} articles"
        )
        if args.memory:
            print(f"congan crawl: {congan.requests} requests in {congan.seconds:.0f} s ({congan.rate:.1f}/s); "
                  f"peak memory (RSS) {peak:.0f} MiB; frontier seen {report['frontier'].get('seen')}")
            return 0
        entries = simnet.entries()
        fetched = [
            e["url"] for e in entries if e["method"] == "GET" and e["status"] and not e["path"].endswith("robots.txt")
        ]
        runs = [congan, bare_scrapy(simnet, fetched, work)]
        if not args.skip_wget:
            seeds = sorted({f"http://{e['host']}/" for e in entries if e["path"] == "/" and e["status"] == 200})
            runs.append(wget(simnet, seeds, portal_domains(entries), work, args.wget_timeout))
        print(f"{'tool':<40} {'requests':>9} {'distinct':>9} {'seconds':>8} {'pages/s':>8} {'vs congan':>9}")
        for run in runs:
            ratio = run.rate / congan.rate if congan.rate else 0
            print(
                f"{run.tool:<40} {run.requests:>9} {run.distinct:>9} {run.seconds:>8.1f} {run.rate:>8.1f} "
                f"{ratio:>8.2f}x"
            )
        print("(wget has no trap cutting: session ids, calendars and endless pagination keep it going;"
              " congan canonicalises and cuts them, so its 'distinct' is the whole network)")
        print(f"congan crawl peak memory (RSS): {peak:.0f} MiB")
    finally:
        simnet.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work directory: {work}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
