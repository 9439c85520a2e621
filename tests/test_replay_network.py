"""Replay of a real crawl of the simulated network (the shared ``network_recrawl`` fixture:
state 1, then an incremental re-crawl of state 2), plus the access rules in replay, search
and export, and the rebuild of corpus and search index from the WARCs alone.

The shared crawl is read-only: replay runs on an overlay data directory whose WARC
collection, corpus and search index are symlinks to the crawl's, with its own access rules,
replay config and logs. The rebuild test works on a copy.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive.access import AccessRules
from archive.paths import DataDir
from archive.replay.config import write_acl
from archive.replay.server import ReplayServer
from congan.cli.main import get_cli

pytestmark = pytest.mark.slow  # needs the crawls of the whole simulated network

def _overlay(crawl_data: Path, root: Path) -> DataDir:
    root.mkdir(parents=True)
    for part in ("collections", "corpus", "search"):
        (root / part).symlink_to(crawl_data / part, target_is_directory=True)
    return DataDir(root)


@pytest.fixture(scope="module")
def replay(network_recrawl, tmp_path_factory: pytest.TempPathFactory):
    data = _overlay(network_recrawl.data_dir, tmp_path_factory.mktemp("replay_network") / "data")
    with ReplayServer(data, port=0) as server:
        yield server


def _records(crawl_data: Path) -> list[dict]:
    lines = (crawl_data / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _warc_records(crawl_data: Path) -> list[dict]:
    """(type, url, 14-digit date, status, encoding, location, payload) of every response/revisit."""
    found = []
    for path in sorted((crawl_data / "collections" / "congan" / "archive").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type not in ("response", "revisit") or record.http_headers is None:
                    continue
                date = re.sub(r"\D", "", record.rec_headers.get_header("WARC-Date"))[:14]
                found.append({
                    "type": record.rec_type,
                    "url": record.rec_headers.get_header("WARC-Target-URI"),
                    "ts": date,
                    "status": record.http_headers.get_statuscode(),
                    "ctype": (record.http_headers.get_header("Content-Type") or "").split(";")[0],
                    "encoding": record.http_headers.get_header("Content-Encoding"),
                    "location": record.http_headers.get_header("Location"),
                    "payload": record.content_stream().read() if record.rec_type == "response" else b"",
                })
    return found


@pytest.fixture(scope="module")
def records(network_recrawl) -> list[dict]:
    return _records(network_recrawl.data_dir)


@pytest.fixture(scope="module")
def warc_records(network_recrawl) -> list[dict]:
    return _warc_records(network_recrawl.data_dir)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def fetch(url: str, follow: bool = True) -> tuple[int, bytes, str, dict]:
    handlers = [urllib.request.ProxyHandler({})] + ([] if follow else [_NoRedirect])
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.read(), response.url, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), url, dict(error.headers)


def text_of(body: bytes, headers: dict) -> str:
    """The page as a reader sees it: decoded with its declared charset (windows-1258 portals
    exist), NFC (windows-1258 writes tone marks as combining characters)."""
    declared = re.search(r"charset=([\w-]+)", headers.get("Content-Type", ""))
    meta = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", body[:4096], re.I)
    charset = declared.group(1) if declared else meta.group(1).decode() if meta else "utf-8"
    return unicodedata.normalize("NFC", body.decode(charset))


def _versions(records: list[dict]) -> list[dict]:
    """The versions of an article that changed between the two crawls."""
    by_id = defaultdict(list)
    for record in records:
        by_id[record["id"]].append(record)
    changed = [sorted(v, key=lambda r: r["version"]) for v in by_id.values() if len(v) > 1]
    assert changed, "the re-crawl should have produced a second version of some article"
    return changed[0]


# -- replay of the crawl ----------------------------------------------------------------------


def test_every_article_links_to_a_capture_that_replays(replay: ReplayServer, records: list[dict]) -> None:
    sample = records[:: max(1, len(records) // 12)]
    for record in sample:
        status, body, _, headers = fetch(replay.base_url + record["capture"]["replay_url"])
        assert status == 200, record["capture"]["replay_url"]
        text = text_of(body, headers)
        assert record["title"].split(":")[0] in text, record["url"]
        if not headers.get("Content-Type", "").startswith("text/html"):
            continue  # a JSON API article (DotNetNuke cmsview): nothing to rewrite
        ts = record["capture"]["timestamp"]
        assert re.search(rf'(href|src)="/congan/{ts}[a-z_]*/https?://congan\.', text), "links not rewritten"


def test_image_replays_byte_exact(replay: ReplayServer, records: list[dict], network_crawl) -> None:
    record = next(r for r in records if r["images"])
    image = record["images"][0]["url"]
    status, body, _, headers = fetch(f"{replay.base_url}/congan/{record['capture']['timestamp']}im_/{image}")
    assert status == 200 and headers["Content-Type"].startswith("image/")
    live = urllib.request.build_opener(urllib.request.ProxyHandler({"http": network_crawl.simnet.url}))
    with live.open(image, timeout=30) as response:
        assert body == response.read()


def test_gzip_encoded_capture_replays_decoded(replay: ReplayServer, warc_records: list[dict]) -> None:
    capture = next(r for r in warc_records if r["encoding"] == "gzip" and r["ctype"] == "text/html"
                   and r["status"] == "200" and r["type"] == "response")
    # the WARC keeps the gzip bytes as sent; warcio's content_stream() decodes them
    title = re.search(rb"<title>(.*?)</title>", capture["payload"], re.S).group(1).decode("utf-8")
    status, body, _, headers = fetch(replay.url_for(capture["url"], capture["ts"]))
    assert status == 200 and title.strip() in text_of(body, headers)


def test_not_modified_revisit_of_the_recrawl_replays_the_first_capture(
    network_full_revisit, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A full revisit asks known articles conditionally; their 304 answers replay the first capture."""
    crawl = network_full_revisit.data_dir
    article_urls = {r["url"]: r for r in _records(crawl)}
    revisit = next(r for r in _warc_records(crawl) if r["status"] == "304" and r["url"] in article_urls)
    data = _overlay(crawl, tmp_path_factory.mktemp("replay_full_revisit") / "data")
    with ReplayServer(data, port=0) as server:
        status, body, final, headers = fetch(server.url_for(revisit["url"], revisit["ts"]))
    assert status == 200
    assert article_urls[revisit["url"]]["title"].split(":")[0] in text_of(body, headers)
    assert re.search(rf"/congan/\d{{14}}/{re.escape(revisit['url'])}$", final)


def test_identical_payload_revisit_replays(replay: ReplayServer, warc_records: list[dict]) -> None:
    revisit = next(
        r for r in warc_records if r["type"] == "revisit" and r["status"] == "200" and r["ctype"] == "text/html"
    )
    status, body, final, _ = fetch(replay.url_for(revisit["url"], revisit["ts"]))
    assert status == 200 and b"<html" in body.lower()
    assert final.endswith(f"/congan/{revisit['ts']}/{revisit['url']}")


def _absolute(url: str, location: str) -> str:
    return location if "://" in location else "/".join(url.split("/", 3)[:3]) + location


def _same_page(a: str, b: str) -> bool:
    """Same SURT key (pywb serves http/https and www. alike, and skips a capture that
    redirects to itself, as a browser would loop on it)."""
    strip = lambda u: u.split("://", 1)[-1].removeprefix("www.").rstrip("/").lower()  # noqa: E731
    return strip(a) == strip(b)


def test_redirect_capture_stays_in_the_archive(replay: ReplayServer, warc_records: list[dict]) -> None:
    redirect = next(r for r in warc_records if r["type"] == "response" and r["status"] in ("301", "302")
                    and r["location"] and not _same_page(r["url"], _absolute(r["url"], r["location"])))
    status, _, _, headers = fetch(replay.url_for(redirect["url"], redirect["ts"]), follow=False)
    assert str(status) == redirect["status"], redirect
    target = _absolute(redirect["url"], redirect["location"])
    assert re.search(rf"/congan/\d{{14}}[a-z_]*/{re.escape(target)}$", headers["Location"]), headers["Location"]


def test_closest_capture_across_the_two_crawls(replay: ReplayServer, records: list[dict]) -> None:
    first, second = _versions(records)[:2]
    t1, t2 = first["capture"]["timestamp"], second["capture"]["timestamp"]
    assert t1 < t2
    for asked, expected in ((str(int(t1) + 1), first), (str(int(t2) - 1), second), (t2[:8], None)):
        status, body, final, headers = fetch(replay.url_for(first["url"], asked))
        assert status == 200
        if expected is not None:
            assert final.endswith(f"/congan/{expected['capture']['timestamp']}/{first['url']}")
            assert expected["title"] in text_of(body, headers)
    status, body, _, _ = fetch(f"{replay.base_url}/congan/cdx?url={first['url']}&output=json")
    stamps = [json.loads(line)["timestamp"] for line in body.decode().splitlines() if line.strip()]
    assert t1 in stamps and t2 in stamps
    assert fetch(f"{replay.base_url}/congan/*/{first['url']}")[0] == 200


# -- access rules hold in replay, search and export -------------------------------------------------


def _congan(data: DataDir, *args: str) -> str:
    """stdout of ``congan --data DIR ARGS`` (in-process: each subprocess would cost seconds)."""
    result = CliRunner().invoke(get_cli(), ["--data", str(data.root), *args])
    assert result.exit_code == 0, (result.output[-2000:], result.exception)
    return result.stdout


def test_excluded_article_disappears_from_replay_search_and_export(replay: ReplayServer, records: list[dict]) -> None:
    record = _versions(records)[-1]
    query = record["title"].split(":")[0]
    ids = lambda out: {json.loads(line)["id"] for line in out.splitlines() if line.strip()}  # noqa: E731
    assert record["id"] in ids(_congan(replay.data, "search", query, "--json"))
    assert record["id"] in ids(_congan(replay.data, "export"))
    _congan(replay.data, "access", "add", record["url"], "--reason", "yêu cầu gỡ bỏ")
    try:
        assert fetch(replay.base_url + record["capture"]["replay_url"])[0] == 404
        assert record["id"] not in ids(_congan(replay.data, "search", query, "--json"))
        exported = ids(_congan(replay.data, "export"))
        assert record["id"] not in exported and len(exported) == len({r["id"] for r in records}) - 1
        other = next(r for r in records if r["site"] != record["site"])
        assert fetch(replay.base_url + other["capture"]["replay_url"])[0] == 200
    finally:
        AccessRules((), replay.data.access_rules).save()
        write_acl(replay.data)
    assert fetch(replay.base_url + record["capture"]["replay_url"])[0] == 200


# -- rebuild from the WARCs alone -----------------------------------------------------------------


def test_corpus_and_search_index_rebuild_from_warcs_alone(network_recrawl, tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    shutil.copytree(network_recrawl.data_dir, data.root, ignore=shutil.ignore_patterns("*.lock"))
    queries = ("đánh bạc trực tuyến", "cong an", "khởi tố", '"cải cách hành chính"', "công an -lừa")

    def snapshot() -> tuple[dict[str, dict], list[list[dict]]]:
        export = {r["id"]: r for r in map(json.loads, _congan(data, "export").splitlines())}
        searches = [[json.loads(line) for line in _congan(data, "search", q, "--json", "--limit", "50").splitlines()]
                    for q in queries]
        return export, searches

    before_export, before_search = snapshot()
    assert before_export and all(before_search)
    shutil.rmtree(data.corpus_dir)
    shutil.rmtree(data.search_db.parent)
    _congan(data, "reextract")
    assert snapshot()[1] == before_search  # reextract rebuilt the search index too
    _congan(data, "index", "rebuild")
    after_export, after_search = snapshot()

    assert after_search == before_search
    assert sorted(after_export) == sorted(before_export)
    without_last_seen = lambda r: {k: v for k, v in r.items() if k != "last_seen"}  # noqa: E731
    differing = {f for i, r in before_export.items() for f in r if r[f] != after_export[i].get(f)}
    examples = {f: [(before_export[i][f], after_export[i][f]) for i in before_export
                    if before_export[i][f] != after_export[i][f]][:2] for f in differing}
    assert differing <= {"last_seen"}, examples
    assert all(without_last_seen(after_export[i]) == without_last_seen(r) for i, r in before_export.items())
    stale = [(i, r["last_seen"], after_export[i]["last_seen"]) for i, r in before_export.items()
             if r["last_seen"] != after_export[i]["last_seen"]]
    # the re-crawl's 304s move last_seen in the crawl's corpus too (scrapers.capture.not_modified)
    assert stale == [], [(before_export[i]["url"][7:40], a[11:], b[11:]) for i, a, b in stale]
