"""Generalisation benchmark (issue 12): crawl freshly seeded variants of every CMS family with
the real ``congan crawl`` and score the corpus against the truth.

    python bench/bench_generalise.py --seeds N [--family F] [--no-adapters] [--seed-list 4,17 | dnn:4,...]
                                     [--dead-portal]

Seeds are fresh (os.urandom) unless ``--seed-list`` is given; they are printed so a run can be
repeated. All variants are served by one ``VariantSimNet`` on 127.0.0.1 and crawled in one
``congan crawl`` (``-s CONGAN_REGISTRY=<generated registry>``, delays off, robots Crawl-delay
and Retry-After on). ``--no-adapters`` lists every portal with the ``generic`` adapter and passes
``-s CONGAN_ADAPTERS=off`` (the crawler must then also skip CMS fingerprinting).
Prints a table family x seed -> recall, duplicates, requests, seconds, field accuracies, and
ends with one line ``RESULT families=... variants=... recall_min=... recall_mean=... duplicates=... fields_min=...``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from simnet.scoring import FIELDS, read_corpus, score  # noqa: E402
from simnet.variants import (  # noqa: E402
    FAMILY_NAMES,
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
            result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=args.timeout)
            seconds = time.monotonic() - started
            entries = net.access_entries()
        if result.returncode != 0:
            print(f"congan crawl exited {result.returncode}:\n{result.stderr[-3000:]}", file=sys.stderr)
            failed = True
        scores = score(read_corpus(work / "data"), truth)
        print(f"congan crawl: {len(entries)} requests in {seconds:.1f} s"
              f"{' (adapters off)' if args.no_adapters else ''}; {len(truth)} truth articles")
        head = f"{'family':<10} {'seed':>7} {'recall':>7} {'found':>7} {'dup':>4} {'req':>5} {'sec':>6} " + " ".join(
            f"{n[:6]:>6}" for n in FIELDS)
        print(head)
        for v in variants:
            s = scores[v.domain]
            hits = [e for e in entries if e["host"] == v.domain]
            span = (max(e["ts"] for e in hits) - min(e["ts"] for e in hits)) if hits else 0.0
            print(f"{v.family:<10} {v.seed:>7} {s.recall:>7.3f} {s.found:>3}/{s.truth:<3} {s.duplicates:>4} "
                  f"{len(hits):>5} {span:>6.1f} " + " ".join(f"{s.accuracy(n):>6.3f}" for n in FIELDS))
        total_found = sum(s.found for s in scores.values())
        totals = {n: sum(s.fields[n] for s in scores.values()) / total_found if total_found else 0.0 for n in FIELDS}
        print("all fields: " + ", ".join(f"{n} {totals[n]:.3f}" for n in FIELDS)
              + " (share of found articles; body: F1>=0.95)")
        recalls = [scores[v.domain].recall for v in variants]
        fams = sorted({v.family for v in variants})
        print(f"RESULT families={len(fams)} variants={len(variants)} recall_min={min(recalls):.3f} "
              f"recall_mean={sum(recalls) / len(recalls):.3f} duplicates={sum(s.duplicates for s in scores.values())} "
              f"fields_min={min(totals.values()):.3f}")
    finally:
        if args.keep:
            print(f"work directory: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
