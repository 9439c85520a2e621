"""Generalisation benchmark (issue 12): crawl freshly seeded variants of every CMS family with
the real ``congan crawl`` and score the corpus against the truth.

    python bench/bench_generalise.py --seeds N [--family F] [--no-adapters] [--seed-list 4,17 | dnn:4,...]
                                     [--dead-portal]

Seeds are fresh (os.urandom) unless ``--seed-list`` is given; they are printed so a run can be
repeated. All variants are served by one ``VariantSimNet`` on 127.0.0.1 and crawled in one
``congan crawl`` (``-s CONGAN_REGISTRY=<generated registry>``, delays off, robots Crawl-delay
and Retry-After on). ``--no-adapters`` lists every portal with the ``generic`` adapter and passes
``-s CONGAN_ADAPTERS=off`` (the crawler must then also skip CMS fingerprinting).
Prints a table family x seed -> recall, duplicates, requests, pages rendered in the browser and
the requests those made (``rend``/``brq``, from the crawl report), seconds, field accuracies; per
family recall min/mean and the variants short of 0.99 (0.95 with ``--no-adapters``); requests
outside the network or disallowed by robots.txt; peak memory (PSS) of the crawler and of its
chromium. Ends with one line ``RESULT families=... variants=... recall_min=... recall_mean=...
duplicates=... fields_min=... outside=... disallowed=... rendered=... seconds=... chromium_mib=...``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from simnet.scoring import FIELDS, read_corpus, score  # noqa: E402
from simnet.variants import (  # noqa: E402
    FAMILY_NAMES,
    Variant,
    VariantSimNet,
    dead_spec,
    make_variant,
    redirect_spec,
    variant_truth,
    write_registry,
)

FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONGAN_PROGRESS_INTERVAL=30",
        "-s", "LOG_LEVEL=WARNING")
ADAPTERS_OFF = ("-s", "CONGAN_ADAPTERS=off")


def fresh_seed() -> int:
    return int.from_bytes(os.urandom(4), "big") % 1_000_000


def choose(args: argparse.Namespace) -> list[tuple[str, int]]:
    families = [f for f in (args.family or "").split(",") if f] or list(FAMILY_NAMES)
    if args.seed_list:
        out: list[tuple[str, int]] = []
        for part in args.seed_list.split(","):
            fam, _, seed = part.rpartition(":")
            out += [(fam, int(seed))] if fam else [(f, int(seed)) for f in families]
        return out
    return [(f, fresh_seed()) for f in families for _ in range(args.seeds)]


def _pss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            return next((int(line.split()[1]) / 1024 for line in fh if line.startswith("Pss:")), 0.0)
    except OSError:
        return 0.0


def tree_memory(root: int) -> tuple[float, float]:
    """Memory (PSS, MiB) of the process ``root`` and of the chromium processes below it."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as fh:
                    stat = fh.read()
            except OSError:
                continue
            names[int(entry)] = stat.split("(", 1)[1].rsplit(")", 1)[0]
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    crawler, browser, todo = _pss_mib(root), 0.0, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        if "chrom" in names.get(pid, ""):
            browser += _pss_mib(pid)
    return crawler, browser


def run_measured(command: list[str], env: dict[str, str], timeout: float
                 ) -> tuple[subprocess.CompletedProcess[str], tuple[float, float]]:
    """Run the crawl; its result and the peak memory of the crawler and of its chromium."""
    peak = [0.0, 0.0]
    with subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as process:
        def watch() -> None:
            while process.poll() is None:
                now = tree_memory(process.pid)
                peak[0], peak[1] = max(peak[0], now[0]), max(peak[1], now[1])
                time.sleep(0.5)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        watcher.join(timeout=5)
    return subprocess.CompletedProcess(command, process.returncode, out, err), (peak[0], peak[1])


def report_rows(data: Path) -> dict[str, dict[str, object]]:
    """The crawl report's portal rows (pages rendered, browser requests)."""
    path = data / "crawls" / "generalise" / "report.json"
    try:
        portals = json.loads(path.read_text(encoding="utf-8")).get("portals", {})
    except (OSError, ValueError):
        return {}
    return portals if isinstance(portals, dict) else {}


def describe(v: Variant) -> str:
    """What makes a variant hard: how its listings link articles, shell article pages."""
    return "/".join(str(x) for x in (v.style.link_mode, "shell" if v.style.shell else "", v.style.api_path) if x)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=2, help="variants per family (fresh seeds)")
    parser.add_argument("--family", help="comma-separated families (default: all nine)")
    parser.add_argument("--seed-list", help="seeds to reuse: 4,17 (every family) or dnn:4,joomla:17")
    parser.add_argument("--no-adapters", action="store_true", help="generic adapter only (-s CONGAN_ADAPTERS=off)")
    parser.add_argument("--dead-portal", action="store_true", help="add a portal answering 503 Retry-After: 3600")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)

    failed = False
    chosen = choose(args)
    print("seeds: " + ",".join(f"{f}:{s}" for f, s in chosen), flush=True)
    variants = [make_variant(f, s) for f, s in chosen]
    # a portal absorbed into a 2025 unit (301 to the first variant), and optionally a dead one
    extras = (redirect_spec(variants[0].domain), *((dead_spec(),) if args.dead_portal else ()))
    truth = variant_truth(variants)
    work = Path(tempfile.mkdtemp(prefix="bench-generalise-"))
    registry = write_registry(variants, work / "registry.csv", adapters=not args.no_adapters, extras=extras)
    try:
        with VariantSimNet(variants, access_log=work / "access.jsonl", extras=extras) as net:
            env = {k: v for k, v in os.environ.items() if k != "CONGAN_DATA"} | net.proxy_env()
            env["PYTHONPATH"] = str(REPO)
            command = [sys.executable, "-m", "congan", "--data", str(work / "data"), "crawl",
                       "--crawl-id", "generalise",
                       *FAST, "-s", f"CONGAN_REGISTRY={registry}", *(ADAPTERS_OFF if args.no_adapters else ())]
            started = time.monotonic()
            result, memory = run_measured(command, env, args.timeout)
            seconds = time.monotonic() - started
            entries = net.access_entries()
        if result.returncode != 0:
            print(f"congan crawl exited {result.returncode}:\n{result.stderr[-3000:]}", file=sys.stderr)
            failed = True
        scores = score(read_corpus(work / "data"), truth)
        rows = report_rows(work / "data")
        outside = [e["url"] for e in entries if e.get("out_of_network")]
        disallowed = [e["url"] for e in entries if e.get("robots_disallowed")]
        print(f"congan crawl: {len(entries)} requests in {seconds:.1f} s"
              f"{' (adapters off)' if args.no_adapters else ''}; {len(truth)} truth articles; "
              f"peak memory (PSS): crawler {memory[0]:.0f} MiB, chromium {memory[1]:.0f} MiB; "
              f"outside the network {len(outside)}, disallowed by robots.txt {len(disallowed)}")
        head = (f"{'family':<10} {'seed':>7} {'recall':>7} {'found':>7} {'dup':>4} {'req':>5} {'rend':>4} {'brq':>4} "
                f"{'sec':>6} " + " ".join(f"{n[:6]:>6}" for n in FIELDS))
        print(head)
        for v in variants:
            s = scores[v.domain]
            hits = [e for e in entries if e["host"] == v.domain]
            span = (max(e["ts"] for e in hits) - min(e["ts"] for e in hits)) if hits else 0.0
            row = rows.get(v.domain, {})
            print(f"{v.family:<10} {v.seed:>7} {s.recall:>7.3f} {s.found:>3}/{s.truth:<3} {s.duplicates:>4} "
                  f"{len(hits):>5} {row.get('rendered') or 0:>4} {row.get('browser_requests') or 0:>4} {span:>6.1f} "
                  + " ".join(f"{s.accuracy(n):>6.3f}" for n in FIELDS))
        bar = 0.95 if args.no_adapters else 0.99
        print(f"per family (recall min / mean, duplicates, variants short of {bar}):")
        for family in sorted({v.family for v in variants}):
            mine = [v for v in variants if v.family == family]
            recall = [scores[v.domain].recall for v in mine]
            short = [f"{v.seed}:{scores[v.domain].recall:.3f}({describe(v)})" for v in mine
                     if scores[v.domain].recall < bar]
            print(f"  {family:<10} {min(recall):.3f} / {sum(recall) / len(recall):.3f}  "
                  f"dup {sum(scores[v.domain].duplicates for v in mine)}  short: {', '.join(short) or '-'}")
        total_found = sum(s.found for s in scores.values())
        totals = {n: sum(s.fields[n] for s in scores.values()) / total_found if total_found else 0.0 for n in FIELDS}
        print("all fields: " + ", ".join(f"{n} {totals[n]:.3f}" for n in FIELDS)
              + " (share of found articles; body: F1>=0.95)")
        recalls = [scores[v.domain].recall for v in variants]
        fams = sorted({v.family for v in variants})
        print(f"RESULT families={len(fams)} variants={len(variants)} recall_min={min(recalls):.3f} "
              f"recall_mean={sum(recalls) / len(recalls):.3f} duplicates={sum(s.duplicates for s in scores.values())} "
              f"fields_min={min(totals.values()):.3f} outside={len(outside)} disallowed={len(disallowed)} "
              f"rendered={sum(int(str(r.get('rendered') or 0)) for r in rows.values())} seconds={seconds:.0f} "
              f"chromium_mib={memory[1]:.0f}")
    finally:
        if args.keep:
            print(f"work directory: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
