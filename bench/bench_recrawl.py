"""Re-crawl cost on the simulated network: crawl state 1, then state 2 into the same archive.

Prints the requests each crawl made (the simulated network's access log), the second crawl's
requests broken down by kind (the report's ``requests/<kind>`` stats: robots, sitemaps, feeds,
listings, articles, requisites, documents, revisits, with how many were answered 304), the
ratio requests(second) / requests(first), and whether every new, changed and deleted article of
state 2 (``simnet.truth``) was found. ``--full`` makes the second crawl a full revisit
(``congan crawl --full-revisit``) for comparison. No assertions (``tests/test_crawl_recrawl.py``
asserts). Ends with ``RESULT first_requests=… second_requests=… ratio=…``.

    python bench/bench_recrawl.py [--scale N] [--full] [-s NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archive.corpus import CorpusStore  # noqa: E402
from archive.paths import DataDir  # noqa: E402
from simnet.server import SimNet  # noqa: E402
from simnet.truth import ground_truth  # noqa: E402

FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONGAN_CRAWL_DELAY_ENABLED=False",
        "-s", "CONGAN_PROGRESS_INTERVAL=30", "-s", "LOG_LEVEL=WARNING")


def crawl(data: Path, net: SimNet, crawl_id: str, extra: list[str]) -> tuple[int, dict[str, Any], float]:
    """One ``congan crawl``: (requests it made, its report, seconds)."""
    env = {k: v for k, v in os.environ.items() if k != "CONGAN_DATA"} | net.proxy_env()
    env["PYTHONPATH"] = str(REPO)
    before = len(net.access_entries())
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "congan", "--data", str(data), "crawl", "--crawl-id", crawl_id, *FAST, *extra],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=1800,
    )
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"crawl {crawl_id} exited {result.returncode}: {result.stderr[-3000:]}")
    report = json.loads((data / "crawls" / crawl_id / "report.json").read_text(encoding="utf-8"))
    return len(net.access_entries()) - before, report, seconds


def breakdown(report: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """kind -> (responses, of which 304) from the report's ``requests/<kind>`` stats."""
    stats = report.get("stats", {})
    kinds: dict[str, tuple[int, int]] = {}
    for name, value in stats.items():
        parts = name.split("/")
        if parts[0] == "requests" and len(parts) == 2:
            kinds[parts[1]] = (int(value), int(stats.get(f"{name}/not_modified", 0)))
    return dict(sorted(kinds.items(), key=lambda item: -item[1][0]))


def state2_found(data: Path, scale: int | None) -> tuple[int, list[str]]:
    """(changes of state 2, those the archive missed): every new article in the corpus, every
    changed one with its new title, every deleted one marked removed."""
    first = {a.canonical_url: a for a in ground_truth(1, scale=scale)}
    second = {a.canonical_url: a for a in ground_truth(2, scale=scale)}
    with CorpusStore.open(DataDir(data)) as store:
        latest = {r.url: r for r in store.latest()}
    missed = [f"new {u}" for u in second.keys() - first.keys() if u not in latest]
    missed += [f"changed {u}" for u, a in second.items()
               if u in first and first[u].title != a.title and getattr(latest.get(u), "title", None) != a.title]
    missed += [f"deleted {u}" for u in first.keys() - second.keys() if not getattr(latest.get(u), "removed", None)]
    changes = len(second.keys() - first.keys()) + len(first.keys() - second.keys())
    changes += sum(1 for u, a in second.items() if u in first and first[u].title != a.title)
    return changes, missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=None, help="articles per portal (simnet scale mode)")
    parser.add_argument("--full", action="store_true", help="second crawl with --full-revisit")
    parser.add_argument("--keep", type=Path, help="keep the data directory and access log here")
    parser.add_argument("-s", dest="settings", action="append", default=[], help="NAME=VALUE for both crawls")
    args = parser.parse_args()
    extra = [part for setting in args.settings for part in ("-s", setting)]
    with tempfile.TemporaryDirectory(prefix="bench-recrawl-") as tmp, \
            SimNet(state=1, scale=args.scale, access_log=(args.keep or Path(tmp)) / "access.jsonl") as net:
        data = (args.keep or Path(tmp)) / "data"
        first, _, s1 = crawl(data, net, "state1", extra)
        net.set_state(2)
        second, report, s2 = crawl(data, net, "state2", extra + (["--full-revisit"] if args.full else []))
        changes, missed = state2_found(data, args.scale)
    print(f"first crawl (state 1):  {first} requests in {s1:.1f} s")
    print(f"second crawl (state 2): {second} requests in {s2:.1f} s{' (full revisit)' if args.full else ''}")
    print(f"{'kind':<12} {'requests':>8} {'304':>6}")
    for kind, (count, not_modified) in breakdown(report).items():
        print(f"{kind:<12} {count:>8} {not_modified:>6}")
    print(f"state 2 changes (new, changed, deleted): {changes}; missed: {len(missed)}")
    for line in missed:
        print(f"  missed {line}")
    ratio = second / first if first else 0.0
    print(f"RESULT first_requests={first} second_requests={second} ratio={ratio:.3f}")


if __name__ == "__main__":
    main()
