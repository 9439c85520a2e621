"""Crawl throughput on the simulated network in scale mode, three ways, in one run:

1. ``congan crawl`` (frontier, WARC, extraction, corpus, report) with delays off;
2. a bare Scrapy spider fetching the same URLs (no robots, archive, extraction or frontier),
   with the same concurrency;
3. ``wget --recursive --page-requisites --warc-file`` over the same network, through the
   same proxy (one connection at a time, as wget works).

Prints requests, seconds, CPU seconds, pages/s and ratios; no assertions. Robots.txt
Crawl-delay is switched off for the benchmark (``-s CONGAN_CRAWL_DELAY_ENABLED=False``): one
simulated portal asks for 1 s between requests and would measure the delay, not the crawler.
``--repeat N`` runs congan and bare Scrapy N times, alternately (a loaded machine makes single
runs noisy), and prints the range of the ratio. Peak memory is the crawl process's own maximum
resident set size (``os.wait4``), not Scrapy's sampled ``memusage/max``. The last line is::

    RESULT congan_pps=... scrapy_pps=... ratio=... peak_rss_mb=...

(medians over the repeats; ``ratio`` is the median of the per-round ratios).

``--memory`` instead runs one large crawl (``--scale`` chosen for >= 100,000 pages) and prints
its peak memory; ``--memory --scale A,B,C`` crawls each scale and prints the growth of the peak
per 1,000 pages (a least-squares slope).

    python bench/bench_crawl.py [--scale 150] [--skip-wget] [--repeat 3]
    nice python bench/bench_crawl.py --memory --scale 40,120,360
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
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
    cpu: float = 0.0  # user + system seconds of the crawl process
    peak_rss_mb: float = 0.0  # its maximum resident set size

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


@dataclass(frozen=True)
class Finished:
    seconds: float
    cpu: float
    peak_rss_mb: float
    returncode: int


def run_measured(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> Finished:
    """Run a child to its end; wall seconds, and its own CPU time and peak RSS (``os.wait4``)."""
    started = time.monotonic()
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    # ru_maxrss is in KiB on Linux
    return Finished(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode)


def congan_crawl(simnet: Simnet, data: Path, *extra: str) -> tuple[Run, dict]:
    before = len(simnet.entries())
    log = data.parent / f"{data.name}.log"
    data.parent.mkdir(parents=True, exist_ok=True)
    finished = run_measured(
        [sys.executable, "-m", "congan", "--data", str(data), "crawl", "--crawl-id", "bench", *FAST, *extra],
        REPO, child_env(simnet.env()), log,
    )
    if finished.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"congan crawl failed:\n{tail}")
    report = json.loads((data / "crawls" / "bench" / "report.json").read_text(encoding="utf-8"))
    time.sleep(0.5)  # let simnet flush its log
    return _run("congan crawl", simnet, before, finished), report


def _run(tool: str, simnet: Simnet, before: int, finished: Finished) -> Run:
    entries = simnet.entries()[before:]
    return Run(tool, len(entries), finished.seconds, len({e["url"] for e in entries}), finished.cpu,
               finished.peak_rss_mb)


BARE_SPIDER = """
import sys, scrapy
from scrapy.crawler import CrawlerProcess
from scrapers.crawl.public_suffixes import use_bundled_suffix_list
use_bundled_suffix_list()  # as congan crawl does: no download of the Public Suffix List
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
    finished = run_measured(
        [sys.executable, "-c", BARE_SPIDER, str(url_file)], work, child_env(simnet.env()), work / "bare.log"
    )
    if finished.returncode != 0:
        raise SystemExit(f"bare scrapy failed: {(work / 'bare.log').read_text(encoding='utf-8')[-3000:]}")
    time.sleep(0.5)
    return _run("bare scrapy", simnet, before, finished)


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
    return _run(tool, simnet, before, Finished(seconds, 0.0, 0.0, 0))


def portal_domains(entries: list[dict]) -> list[str]:
    return sorted({e["host"] for e in entries if not e.get("out_of_network")})


def print_runs(runs: list[Run], baseline: Run) -> None:
    print(f"{'tool':<40} {'requests':>9} {'distinct':>9} {'seconds':>8} {'cpu s':>7} {'pages/s':>8} {'vs congan':>9}")
    for run in runs:
        ratio = run.rate / baseline.rate if baseline.rate else 0
        print(
            f"{run.tool:<40} {run.requests:>9} {run.distinct:>9} {run.seconds:>8.1f} {run.cpu:>7.1f} "
            f"{run.rate:>8.1f} {ratio:>8.2f}x"
        )


def memory_growth(scales: list[int], work: Path) -> int:
    """One crawl per scale; peak RSS against pages, and its slope."""
    points: list[tuple[int, float]] = []
    for scale in scales:
        simnet = Simnet(scale, work / f"access-{scale}.jsonl")
        try:
            run, report = congan_crawl(simnet, work / f"data-{scale}")
        finally:
            simnet.close()
        pages = report["totals"]["pages"]
        points.append((pages, run.peak_rss_mb))
        print(f"scale {scale}: {pages} pages, {run.requests} requests in {run.seconds:.0f} s ({run.rate:.1f}/s, "
              f"cpu {run.cpu:.0f} s); peak RSS {run.peak_rss_mb:.0f} MiB; "
              f"frontier seen {report['frontier'].get('seen')}")
        shutil.rmtree(work / f"data-{scale}", ignore_errors=True)
    slope = 0.0
    if len(points) > 1:
        mean_x = statistics.fmean(x for x, _ in points)
        mean_y = statistics.fmean(y for _, y in points)
        slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
        print(f"peak RSS grows {slope * 1000:.1f} MiB per 1,000 pages; "
              f"100,000 pages would peak near {points[0][1] + slope * (100_000 - points[0][0]):.0f} MiB")
    pages, peak = points[-1]
    print(f"RESULT pages={pages} peak_rss_mb={peak:.0f} slope_mb_per_1000_pages={slope * 1000:.2f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="150", help="articles per simulated portal (--memory: a list, A,B,C)")
    parser.add_argument("--memory", action="store_true", help="large crawls; print their peak memory")
    parser.add_argument("--repeat", type=int, default=1, help="congan and bare Scrapy runs, alternately")
    parser.add_argument("--skip-wget", action="store_true")
    parser.add_argument("--wget-timeout", type=float, default=900.0)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    scales = [int(part) for part in str(args.scale).split(",") if part.strip()]

    work = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    if args.memory:
        try:
            return memory_growth(scales, work)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    simnet = Simnet(scales[0], work / "access.jsonl")
    try:
        congan, report = congan_crawl(simnet, work / "data-1")
        print(
            f"simnet scale {scales[0]}: {report['totals']['portals']} portals, "
            f"{report['totals']['articles']} articles"
        )
        entries = simnet.entries()
        fetched = [
            e["url"] for e in entries if e["method"] == "GET" and e["status"] and not e["path"].endswith("robots.txt")
        ]
        pairs = [(congan, bare_scrapy(simnet, fetched, work))]
        for round_ in range(2, args.repeat + 1):
            again, _ = congan_crawl(simnet, work / f"data-{round_}")
            pairs.append((again, bare_scrapy(simnet, fetched, work)))
        for number, (ours, bare) in enumerate(pairs, start=1):
            print(f"-- round {number}")
            print_runs([ours, bare], ours)
        if not args.skip_wget:
            seeds = sorted({f"http://{e['host']}/" for e in entries if e["path"] == "/" and e["status"] == 200})
            print_runs([congan, wget(simnet, seeds, portal_domains(entries), work, args.wget_timeout)], congan)
            print("(wget has no trap cutting: session ids, calendars and endless pagination keep it going;"
                  " congan canonicalises and cuts them, so its 'distinct' is the whole network)")
        ratios = [ours.rate / bare.rate for ours, bare in pairs if bare.rate]
        cpu = [bare.cpu / bare.requests / (ours.cpu / ours.requests) for ours, bare in pairs if ours.cpu and bare.cpu]
        print(f"congan / bare Scrapy pages/s: {min(ratios):.2f} to {max(ratios):.2f} over {len(pairs)} round(s); "
              f"CPU per request, bare / congan: {min(cpu):.2f} to {max(cpu):.2f}")
        peak = max(ours.peak_rss_mb for ours, _ in pairs)
        print(
            f"RESULT congan_pps={statistics.median(o.rate for o, _ in pairs):.1f} "
            f"scrapy_pps={statistics.median(b.rate for _, b in pairs):.1f} "
            f"ratio={statistics.median(ratios):.2f} peak_rss_mb={peak:.0f}"
        )
    finally:
        simnet.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work directory: {work}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
