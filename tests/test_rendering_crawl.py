"""Script-driven variant portals crawled with every adapter's knowledge off: the generic path
finds their articles through the browser (scrapers.rendering), and what the browser fetched is
in the WARC, readable by `congan warc get`.

Seeds are drawn fresh per run among the variants whose article links exist only in JSON API
answers or behind "Xem thêm" (printed; ``CONGAN_VARIANT_SEEDS=dnn:12,vnpt:40`` reproduces a run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import NEEDS_CHROMIUM
from crawl_fixtures import FAST_POLITE
from fresh_seeds import fresh_rng
from warcio.archiveiterator import ArchiveIterator

from simnet.scoring import read_corpus, score
from simnet.variants import VariantSimNet, make_variant, variant_truth, write_registry

REPO = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]
#: (family, link mode, article pages are script shells) of the script-driven variants crawled
WANTED = (("dnn", "json", False), ("vnpt", "more", False), ("generic", "json", True))
#: fewer requests to a portal than this: its listings were never reached by the static crawl
STATIC_FLOOR = 6


def network_requests(entries: list[dict[str, object]]) -> int:
    """Requests the portals answered (a CONNECT only opens the proxy's tunnel)."""
    return sum(1 for e in entries if e.get("method") != "CONNECT")


def _draw() -> list[tuple[str, int]]:
    fixed = os.environ.get("CONGAN_VARIANT_SEEDS", "")
    if ":" in fixed:
        return [(f, int(s)) for f, s in (p.split(":") for p in fixed.split(",") if p)]
    rng = fresh_rng("test_rendering_crawl")
    chosen = []
    for family, mode, shell in WANTED:
        while True:
            seed = rng.randrange(1_000_000)
            style = make_variant(family, seed).style
            if style.link_mode == mode and style.shell == shell:
                chosen.append((family, seed))
                break
    return chosen


def test_script_driven_variants_are_crawled_through_the_browser(tmp_path: Path) -> None:
    chosen = _draw()
    print("variant seeds: CONGAN_VARIANT_SEEDS=" + ",".join(f"{f}:{s}" for f, s in chosen))
    variants = [make_variant(f, s) for f, s in chosen]
    # no family adapter (the generic path, as with CONGAN_ADAPTERS=off): articles whose links
    # exist only in API answers or behind "Xem thêm" come only through the browser
    registry = write_registry(variants, tmp_path / "registry.csv", adapters=False)
    data = tmp_path / "data"
    with VariantSimNet(variants, access_log=tmp_path / "access.jsonl") as net:
        env = {k: v for k, v in os.environ.items() if k != "CONGAN_DATA"} | net.proxy_env()
        command = [sys.executable, "-m", "congan", "--data", str(data), "crawl", "--crawl-id", "render",
                   "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", *FAST_POLITE,
                   "-s", f"CONGAN_REGISTRY={registry}", "-s", "CONGAN_RENDER=auto"]
        result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
        entries = net.access_entries()
    assert result.returncode == 0, result.stderr[-3000:]
    assert not [e for e in entries if e.get("out_of_network")], "the browser went outside the network"
    scores = score(read_corpus(data), variant_truth(variants))
    report = json.loads((data / "crawls" / "render" / "report.json").read_text())
    for v in variants:
        hits = [e for e in entries if e["host"] == v.domain]
        if report["portals"][v.domain]["rendered"] == 0 and len(hits) < STATIC_FLOOR:
            # the static crawl never reached a listing page: adapters that narrow what is
            # followed (fixed by issue 13 item 1, generic discovery always on), not rendering
            pytest.xfail(f"{v.label}: no listing page reached before rendering ({len(hits)} requests)")
        if v.style.link_mode == "json":  # listings exist only in API answers: the browser must see them
            assert report["portals"][v.domain]["rendered"] >= 1, v.label
        assert scores[v.domain].recall >= 0.95, (v.label, scores[v.domain].found, scores[v.domain].truth)
    # what only the browser asked for (the JSON API / "Xem thêm" fragments) is in the WARC
    assert sum(report["portals"][v.domain]["rendered"] for v in variants) >= 1
    # ... and in the report: its request total is what the network answered, browser included
    totals = report["totals"]
    assert totals["browser_requests"] == sum(report["portals"][v.domain]["browser_requests"] for v in variants) > 0
    # (within what Scrapy counts as requests and drops before the network, as without rendering;
    # the browser's own requests are far more than that slack)
    served = network_requests(entries)
    assert abs(totals["requests"] - served) <= 0.03 * served + 3 < totals["browser_requests"], (totals, served)
    api_paths = {v.style.api_path.lower() for v in variants}
    archived: dict[str, bytes] = {}
    for warc in sorted((data / "collections" / "congan" / "archive").glob("*.warc.gz")):
        with warc.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    archived[url] = record.content_stream().read()
    browser_made = [u for u in archived if any(p in u.lower() for p in api_paths)]
    assert len(browser_made) >= sum(1 for v in variants if v.style.link_mode == "json") and browser_made, \
        sorted(archived)[:40]
    url = browser_made[0]
    got = subprocess.run([sys.executable, "-m", "congan", "--data", str(data), "warc", "get", url, "--payload"],
                         cwd=REPO, capture_output=True, timeout=120)
    assert got.returncode == 0, got.stderr[-2000:]
    assert got.stdout == archived[url]
    # the shell articles came from the JSON answers the browser got, which the WARC holds:
    # congan reextract (no network) files the same articles again
    assert report["stats"].get("render/shell_articles", 0) >= 1
    before = {a["id"]: a.get("url") for a in read_corpus(data)}
    again = subprocess.run([sys.executable, "-m", "congan", "--data", str(data), "reextract", "--json"],
                           cwd=REPO, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert {a["id"]: a.get("url") for a in read_corpus(data)} == before


@pytest.mark.parametrize("how", ["CONGAN_RENDER=off", "no browser"])
def test_without_rendering_the_crawl_runs_and_counts_what_it_asked(tmp_path: Path, how: str) -> None:
    """``-s CONGAN_RENDER=off``, or no browser where the setting points: the crawl runs as a
    static one (no page rendered, nothing asked by a browser), the second with one warning."""
    (family, seed), = _draw()[:1]
    variant = make_variant(family, seed)
    print(f"variant seed: CONGAN_VARIANT_SEEDS={family}:{seed}")
    registry = write_registry([variant], tmp_path / "registry.csv", adapters=False)
    data = tmp_path / "data"
    switch = "CONGAN_RENDER=off" if how.startswith("CONGAN") else f"CONGAN_RENDER_BROWSER={tmp_path / 'no-chromium'}"
    with VariantSimNet([variant], access_log=tmp_path / "access.jsonl") as net:
        env = {k: v for k, v in os.environ.items() if k != "CONGAN_DATA"} | net.proxy_env()
        command = [sys.executable, "-m", "congan", "--data", str(data), "crawl", "--crawl-id", "static",
                   "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", *FAST_POLITE,
                   "-s", f"CONGAN_REGISTRY={registry}", "-s", switch]
        result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
        entries = net.access_entries()
    assert result.returncode == 0, result.stderr[-3000:]
    warnings = [line for line in result.stderr.splitlines() if "rendering of script-driven pages is off" in line]
    assert len(warnings) == (0 if how.startswith("CONGAN") else 1), warnings
    report = json.loads((data / "crawls" / "static" / "report.json").read_text())
    row = report["portals"][variant.domain]
    assert row["rendered"] == 0 and row["browser_requests"] == 0 and row["pages"] > 1
    served = network_requests(entries)
    assert abs(report["totals"]["requests"] - served) <= 0.03 * served + 3, (report["totals"], served)
    # the listing API named in the page's script was not asked bare (without the category and
    # page number its script adds): generic discovery leaves such endpoints to the browser
    assert not [e["url"] for e in entries if e["path"].lower() == variant.style.api_path.lower()]
