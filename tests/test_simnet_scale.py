"""Scale mode serves 100,000 articles per portal lazily and fast; the text generator is cheap;
``python -m simnet serve`` prints its address and stops cleanly on SIGTERM."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simnet.catalog import Catalog
from simnet.client import fetch
from simnet.content import generate_article
from simnet.portals import load
from simnet.server import SimNet
from simnet.sites import network

SCALE = 100_000
REPO = Path(__file__).resolve().parent.parent


def test_generator_makes_an_article_well_under_a_millisecond():
    started = time.perf_counter()
    articles = [generate_article(i, "bench") for i in range(3000)]
    per_article = (time.perf_counter() - started) / 3000
    assert per_article < 0.001, f"{per_article * 1e6:.0f} µs per article"
    assert generate_article(1234, "bench") == articles[1234]  # deterministic
    assert len({a.title for a in articles}) == 3000


@pytest.fixture(scope="module")
def big():
    with SimNet(scale=SCALE) as net:
        yield net


def test_deep_articles_and_listings_answer_fast_at_scale(big):
    for spec in network():
        if spec.status != "live":
            continue
        portal = load(spec, Catalog(spec, 1, SCALE))
        for index in (SCALE - 1, SCALE // 2, 7):
            url = portal.canonical_url(portal.catalog.get(index))
            started = time.perf_counter()
            got = fetch(big.url, url)
            assert got.status in (200, 429, 500, 503), url  # first-hit faults still apply
            assert time.perf_counter() - started < 0.5, url
    started = time.perf_counter()
    page = fetch(big.url, "http://congan.sonla.gov.vn/category/an-ninh-trat-tu/page/5000/")
    assert page.status == 200 and time.perf_counter() - started < 0.5
    index = fetch(big.url, "http://congan.sonla.gov.vn/wp-sitemap.xml").body
    assert index.count(b"wp-sitemap-posts-post-") == SCALE // 2000
    api = fetch(big.url, "http://congan.hanoi.gov.vn/DesktopModules/cmsview/api/NewsContent/listnew?CategoryId=1&PageIndex=6000&PageSize=5")
    assert len(json.loads(api.body)["Data"]) == 5


def test_throughput_over_one_keep_alive_connection(big):
    spec = next(s for s in network() if s.cms == "generic")
    portal = load(spec, Catalog(spec, 1, SCALE))
    urls = [portal.canonical_url(portal.catalog.get(i)) for i in range(1000, 1300)]
    conn = http.client.HTTPConnection("127.0.0.1", big.port, timeout=10)
    started = time.perf_counter()
    for url in urls:
        conn.request("GET", url, headers={"Host": spec.domain})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200
    elapsed = time.perf_counter() - started
    conn.close()
    assert len(urls) / elapsed > 100, f"{len(urls) / elapsed:.0f} pages/s"


def test_command_line_server_prints_its_address_and_stops_on_sigterm(tmp_path):
    log = tmp_path / "access.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "simnet", "serve", "--port", "0", "--state", "2", "--access-log", str(log)],
        stdout=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("simnet listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        assert fetch(url, "http://congan.vinhphuc.gov.vn/").status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    assert json.loads(log.read_text().splitlines()[-1])["host"] == "congan.vinhphuc.gov.vn"


def test_listing_pages_walk_every_article_once_newest_first_in_both_states():
    for spec in network():
        if spec.status != "live":
            continue
        for state, scale in ((1, None), (2, None), (1, 23), (2, 23)):
            catalog = Catalog(spec, state, scale)
            for category in (None, *range(catalog.ncat)):
                walked, page = [], 1
                while batch := catalog.page(category, page, 4):
                    walked += [a.index for a in batch]
                    page += 1
                assert walked == list(catalog.newest(category)) and len(walked) == catalog.total(category)
                assert catalog.deleted not in walked
                assert [a.published for a in map(catalog.get, walked)] == sorted(
                    (catalog.get(i).published for i in walked), reverse=True)
