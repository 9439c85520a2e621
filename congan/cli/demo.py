"""``congan demo``: the whole pipeline against the simulated network that ships with the
project.

Starts ``simnet`` on 127.0.0.1, crawls it into the data directory (WARC, corpus, search
index), re-crawls its second state (revisits, new and changed articles), verifies the
archive, packages the first crawl as a WACZ, runs a search with and without diacritics, and
prints how to open the web interface and the replay. Nothing leaves 127.0.0.1: the crawl
reaches the simulated portals through ``http_proxy`` and the simulated network answers any
other host with 502.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import click

from archive.control.report import REPORT_FILE, CrawlReport, ReportTotals
from archive.corpus import ArticleRecord
from archive.errors import UserInputError
from archive.paths import DataDir
from archive.times import timestamp14

from .context import CliContext, data_option, pass_cli

#: settings that make a crawl of the local simulated network fast; robots.txt Crawl-delay
#: and Retry-After are still honoured (they are not delays of ours).
FAST_LOCAL_SETTINGS = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False")


@dataclass(frozen=True)
class StepResult:
    name: str
    seconds: float
    output: str


def _congan(data: DataDir, args: list[str], env: dict[str, str], *, check: bool = True) -> StepResult:
    """Run one ``congan`` subcommand as its own process (own Twisted reactor per crawl)."""
    command = [sys.executable, "-m", "congan", "--data", str(data.root), *args]
    started = time.monotonic()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if check and proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise UserInputError(f"demo step 'congan {' '.join(args[:2])}' failed (exit {proc.returncode}):\n{tail}")
    return StepResult(name=" ".join(args[:2]), seconds=elapsed, output=proc.stdout)


def _crawl_args(sites: list[str], crawl_id: str) -> list[str]:
    args = ["crawl", "--crawl-id", crawl_id]
    for site in sites:
        args += ["--site", site]
    for setting in FAST_LOCAL_SETTINGS:
        args += ["-s", setting]
    return args


def _latest_report(data: DataDir, crawl_id: str) -> ReportTotals:
    report = CrawlReport.load(data.crawl_dir(crawl_id) / REPORT_FILE)
    return report.totals if report is not None else ReportTotals()


def _total(totals: ReportTotals, key: str) -> int:
    value = getattr(totals, key)
    return value if isinstance(value, int) else 0


@click.command("demo")
@data_option
@click.option("--no-recrawl", is_flag=True, help="Skip the re-crawl of the network's second state.")
@pass_cli
def demo(cli: CliContext, no_recrawl: bool) -> None:
    """Run the whole pipeline against the bundled simulated portal network."""
    from simnet.server import SimNet
    from simnet.truth import portals

    data = cli.data.ensure()
    echo = click.echo
    echo(f"congan demo — data directory: {data.root}")
    simulated = [p.domain for p in portals() if p.status == "live" or p.status.startswith("redirects_to")]
    access_log = data.root / "demo" / "simnet-access.jsonl"
    access_log.parent.mkdir(parents=True, exist_ok=True)
    stamp = timestamp14(datetime.now(UTC))
    first_id, second_id = f"demo-{stamp}-1", f"demo-{stamp}-2"

    with SimNet(state=1, access_log=access_log) as net:
        env = {**os.environ, **net.proxy_env()}
        echo(f"1. simulated network on {net.url}: {len(simulated)} portals ({', '.join(simulated)})")

        step = _congan(data, _crawl_args(simulated, first_id), env)
        report = _latest_report(data, first_id)
        echo(
            f"2. crawled state 1 in {step.seconds:.1f} s: crawl {first_id}, "
            f"{_total(report, 'pages')} pages, {_total(report, 'articles')} articles"
        )

        if not no_recrawl:
            net.set_state(2)
            step = _congan(data, _crawl_args(simulated, second_id), env)
            report = _latest_report(data, second_id)
            echo(
                f"3. re-crawled state 2 in {step.seconds:.1f} s: crawl {second_id}, "
                f"{_total(report, 'pages')} pages, new {_total(report, 'new')}, "
                f"changed {_total(report, 'changed')}, deleted {_total(report, 'deleted')}, "
                f"not modified (304) {_total(report, 'not_modified')}"
            )
        outside = [e for e in net.access_entries() if e.get("out_of_network")]
        echo(f"   requests to hosts outside the network: {len(outside)}")

    verify = _congan(data, ["warc", "verify"], dict(os.environ), check=False)
    echo("4. warc verify: " + (verify.output.strip().splitlines() or ["(no output)"])[-1])

    wacz = _congan(data, ["wacz", "create", first_id], dict(os.environ))
    echo("5. " + (wacz.output.strip().splitlines() or ["WACZ written"])[-1])

    for query in ("cong an", "Công an"):
        found = _congan(data, ["search", query, "--limit", "3", "--json"], dict(os.environ))
        hits = [json.loads(line) for line in found.output.splitlines() if line.strip()]
        echo(f"6. search {query!r}: {len(hits)} shown")
        for hit in hits:
            echo(f"     {hit.get('published', '')[:10]}  {hit.get('title')}  [{hit.get('site')}]")

    export = _congan(data, ["export", "--format", "jsonl"], dict(os.environ))
    records = [json.loads(line) for line in export.output.splitlines() if line.strip()]
    echo(f"7. corpus: {len(records)} articles (congan --data {data.root} export)")

    sample = next((ArticleRecord.from_json(r) for r in records), None)
    if sample is not None:
        if cli.verbosity < 1:  # the demo's own lines say what happened; -v shows pywb's start-up
            logging.getLogger("archive.replay").setLevel(logging.WARNING)
        echo("8. " + _check_replay(data, sample))

    echo("")
    echo("Next:")
    echo(f"  web interface:  congan --data {data.root} serve        (http://127.0.0.1:8080)")
    echo(f"  replay (pywb):  congan --data {data.root} replay       (http://127.0.0.1:8090)")
    if sample is not None:
        echo(f"  an archived article:  http://127.0.0.1:8090{sample.capture.replay_url}")


def _check_replay(data: DataDir, record: ArticleRecord) -> str:
    """Replay one article's capture with pywb on a free 127.0.0.1 port and say what came back."""
    import urllib.error
    import urllib.request

    from archive.errors import ArchiveError
    from archive.replay.server import ReplayServer

    path = record.capture.replay_url
    try:
        with ReplayServer(data, port=0) as server:
            assert server.base_url is not None
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(server.base_url + path, timeout=30) as answer:
                page = answer.read().decode("utf-8", "replace")
                status = answer.status
    except (ArchiveError, OSError, urllib.error.URLError) as exc:
        return f"replay check failed: {exc} (see {data.logs_dir / 'replay.log'})"
    found = "title found" if record.title and record.title in page else "title NOT found"
    return f"replay check: {path[:60]}… answered HTTP {status}, {len(page)} characters, {found}"


COMMANDS = [demo]
