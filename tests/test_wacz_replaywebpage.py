"""ReplayWeb.page, the archivists' viewer (npm ``replaywebpage``, fetched by ``make setup``
into ``.cache/replaywebpage/``), opens the WACZ of a small crawl of the simulated network and
its text search on Pages finds an article by a word that occurs only in that article's body
(in no title, URL or other article): it reads the ``text`` of ``pages/extraPages.jsonl``. A
made-up word finds nothing. The result opens the archived article.

Served as ReplayWeb.page is embedded: a page with ``<replay-web-page source=… replayBase="./">``
beside ReplayWeb.page's ``index.html``, ``ui.js`` and service worker ``sw.js``, all from one
origin, 127.0.0.1, by a server that answers byte ranges (the WACZ is read in place). Driven in
Debian's chromium; no request may leave 127.0.0.1, the service worker's included
(``browser_support.service_worker_page``). Screenshots in ``build/screenshots/replaywebpage/``
for review.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser_support import NEEDS_CHROMIUM, service_worker_page
from click.testing import CliRunner
from crawl_fixtures import REPO, run_congan_crawl
from range_server import RangeServer

from congan.cli.main import get_cli

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]

RWP = REPO / ".cache" / "replaywebpage" / "package"
SHOTS = REPO / "build" / "screenshots" / "replaywebpage"
#: one portal is enough: a crawl of a few seconds, a WACZ of a few dozen pages
SITE = "congan.sonla.gov.vn"
SEARCH = "input[placeholder='Search by Page URL, Title, or Text']"
LOAD_TIMEOUT = 90_000  # ms: service worker start, the WACZ's index and page lists
EMBED_HTML = """<!doctype html>
<html lang="vi"><meta charset="utf-8"><title>WACZ</title><script src="ui.js"></script>
<replay-web-page source="{wacz}" replayBase="./" embed="default" style="display:block;height:94vh">
</replay-web-page></html>
"""


@dataclass(frozen=True)
class Served:
    directory: Path
    wacz: Path
    articles: list[dict[str, Any]]  # the corpus


def words(text: str) -> set[str]:
    """Words as a search index splits them: runs of letters and digits (``_`` splits too)."""
    return set(re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text).casefold()))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    """A crawl of one portal, its WACZ, and ReplayWeb.page beside it, in one directory."""
    from simnet.server import SimNet

    if not (RWP / "sw.js").is_file() or not (RWP / "ui.js").is_file():
        pytest.skip("ReplayWeb.page is not in .cache/replaywebpage/: `make setup` fetches it (needs npm and the "
                    "npm registry)")
    root = tmp_path_factory.mktemp("replaywebpage")
    data = root / "data"
    with SimNet(state=1) as net:
        crawl = run_congan_crawl(data, net.proxy_env(), "rwp", "--site", SITE)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    site = root / "site"
    site.mkdir()
    wacz = site / "rwp.wacz"
    created = CliRunner().invoke(get_cli(), ["--data", str(data), "wacz", "create", "rwp", "-o", str(wacz)])
    assert created.exit_code == 0, created.output[-2000:]
    # the embedding page's frame loads ReplayWeb.page's own index.html from replayBase ("/"),
    # through the service worker once it runs, from the server before
    for name in ("sw.js", "ui.js", "index.html"):
        shutil.copy(RWP / name, site / name)
    (site / "embed.html").write_text(EMBED_HTML.format(wacz=wacz.name), encoding="utf-8")
    lines = (data / "corpus" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return Served(site, wacz, [json.loads(line) for line in lines])


def listed_pages(wacz: Path) -> list[dict[str, Any]]:
    with zipfile.ZipFile(wacz) as zf:
        return [json.loads(line) for name in ("pages/pages.jsonl", "pages/extraPages.jsonl")
                for line in zf.read(name).decode("utf-8").splitlines()[1:]]


def body_only_word(articles: list[dict[str, Any]], pages: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """A word of one article's body found nowhere else: in no other article (title, summary,
    body) and in no title or URL of any page of the WACZ. The longest with a diacritic (the
    search must take Vietnamese as it is), ties broken alphabetically."""
    elsewhere = set().union(*(words(page["url"] + " " + page.get("title", "")) for page in pages))
    owners: dict[str, list[dict[str, Any]]] = {}
    for article in articles:
        for word in words(" ".join((article["title"], article.get("summary") or "", article["body"]))):
            owners.setdefault(word, []).append(article)
    candidates = [
        word for word, found in owners.items()
        if len(found) == 1 and word in words(found[0]["body"]) and word not in elsewhere and word.isalpha()
    ]
    assert candidates, "no word of the crawl occurs in one article body only"
    word = min(candidates, key=lambda w: (w.isascii(), -len(w), w))
    return word, owners[word][0]


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    assert (SHOTS / f"{name}.png").stat().st_size > 5000


def texts(app: Any, selector: str) -> list[str]:
    """Text of the listed pages' parts (in the light DOM: ReplayWeb.page renders them through
    a ``<keyword-mark>`` element's shadow root, so innerText is empty)."""
    return [unicodedata.normalize("NFC", text).strip() for text in app.locator(selector).all_text_contents()]


def found_urls(app: Any) -> list[str]:
    return texts(app, "wr-page-entry .page-url")


@pytest.fixture
def viewer(served: Served) -> Iterator[tuple[Any, Any, RangeServer]]:
    """(page, the ReplayWeb.page frame, the server) once the WACZ is loaded: its Pages view."""
    with RangeServer(served.directory) as server, service_worker_page() as page:
        page.goto(server.url("/embed.html"))
        app = page.frame_locator("replay-web-page iframe")
        try:
            app.locator(SEARCH).wait_for(timeout=LOAD_TIMEOUT)
        except Exception:  # Playwright's TimeoutError: say what ReplayWeb.page shows instead
            shot(page, "0-not-loaded")
            shown = app.locator("body").inner_text() if app.locator("body").count() else ""
            pytest.fail(f"ReplayWeb.page did not load the WACZ; it shows: {shown[-1000:]!r} "
                        f"(screenshot {SHOTS / '0-not-loaded.png'}; requests {server.requests[-8:]})")
        yield page, app, server


def test_replaywebpage_text_search_finds_a_word_of_an_article_body(served: Served, viewer) -> None:
    page, app, server = viewer
    pages = listed_pages(served.wacz)
    word, article = body_only_word(served.articles, pages)
    # loaded: the seed page is listed under its decoded Vietnamese title
    seeds = [p for p in pages if p["seed"]]
    app.locator("wr-page-entry .page-title").first.wait_for(timeout=LOAD_TIMEOUT)
    assert seeds[0]["title"] in texts(app, "wr-page-entry .page-title")
    shot(page, "1-loaded")
    # the WACZ was read in place, by byte ranges
    assert any(path == f"/{served.wacz.name}" and rng for _, path, rng in server.requests), server.requests

    app.locator(SEARCH).fill(word)
    entry = app.locator("wr-page-entry", has=app.locator(".page-url", has_text=article["url"]))
    entry.wait_for(timeout=LOAD_TIMEOUT)
    shot(page, "2-found")
    assert found_urls(app) == [article["url"]], (word, found_urls(app))
    assert texts(entry, ".page-title")[0].startswith(article["title"])

    made_up = "xqzđưjkhông"
    assert all(made_up not in words(p["url"] + " " + p.get("title", "") + " " + p.get("text", "")) for p in pages)
    app.locator(SEARCH).fill(made_up)
    app.get_by_text("No matching pages found").wait_for(timeout=LOAD_TIMEOUT)
    assert found_urls(app) == []
    shot(page, "3-nothing")

    # the result opens the archived article, replayed from the WACZ
    app.locator(SEARCH).fill(word)
    entry.wait_for(timeout=LOAD_TIMEOUT)
    entry.locator("a").first.click()
    replayed = app.frame_locator("iframe").first.locator("body")
    replayed.get_by_text(article["title"]).first.wait_for(timeout=LOAD_TIMEOUT)
    assert word in words(replayed.inner_text())
    shot(page, "4-article")
