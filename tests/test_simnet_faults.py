"""Every fault of the simulated network behaves as simnet/README.md says, and is logged."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import socket
import time
import zlib

import pytest

from simnet.client import fetch
from simnet.server import SimNet
from simnet.truth import ground_truth

TRUTH = ground_truth(1)
UA = "congan-archive/0.1 (+http://127.0.0.1/about)"


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    log = tmp_path_factory.mktemp("simnet") / "access.jsonl"
    with SimNet(access_log=log) as server:
        yield server


def last_entry(net: SimNet, path_part: str) -> dict:
    return [e for e in net.access_entries() if path_part in e["url"]][-1]


def test_robots_rules_linked_disallowed_paths_and_crawl_delay(net):
    robots = fetch(net.url, "http://congan.sonla.gov.vn/robots.txt").text()
    assert "Disallow: /wp-admin/" in robots and "Disallow: /wp-content/uploads/private/" in robots
    home = fetch(net.url, "http://congan.sonla.gov.vn/").body
    assert b'href="/wp-admin/"' in home
    private = [i["url"] for a in TRUTH for i in a.images if "/private/" in i["url"]]
    assert private
    fetch(net.url, "http://congan.sonla.gov.vn/wp-admin/", headers={"User-Agent": UA})
    assert last_entry(net, "/wp-admin/")["robots_disallowed"] is True
    fetch(net.url, "http://congan.sonla.gov.vn/", headers={"User-Agent": UA})
    assert last_entry(net, "congan.sonla.gov.vn/")["robots_disallowed"] is False
    assert "Crawl-delay: 1" in fetch(net.url, "http://congan.vinhphuc.gov.vn/robots.txt").text()
    assert fetch(net.url, "http://congan.hanoi.gov.vn/robots.txt").status == 404


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("http://congan.laocai.gov.vn/Ajax/ArticleList?cat=1&page=2", 429),
        (
            "http://congan.hanoi.gov.vn/DesktopModules/cmsview/api/NewsContent/listnew?CategoryId=2&PageIndex=2&PageSize=5",
            503,
        ),
    ],
)
def test_retry_after_on_first_hit_then_ok(net, url, status):
    first = fetch(net.url, url)
    assert (first.status, first.header("Retry-After")) == (status, "1")
    assert last_entry(net, url.split("//")[1])["fault"] in ("first_429", "first_503")
    assert fetch(net.url, url).status == 200


def test_transient_500_then_ok(net):
    url = next(a.canonical_url for a in TRUTH if a.site == "congan.laichau.gov.vn" and "3421" in a.canonical_url)
    assert fetch(net.url, url).status == 500
    assert fetch(net.url, url).status == 200


def test_down_portal_closes_without_answering(net):
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        fetch(net.url, "http://congan.backan.gov.vn/")
    entry = last_entry(net, "congan.backan.gov.vn")
    assert (entry["status"], entry["fault"]) == (0, "down")


def test_slow_response(net):
    url = next(
        a.canonical_url for a in TRUTH if a.site == "congan.danang.gov.vn" and a.canonical_url.endswith("-88185.html")
    )
    started = time.monotonic()
    assert fetch(net.url, url).status == 200
    assert time.monotonic() - started >= 1.4
    assert last_entry(net, "88185")["fault"] == "slow"


def test_redirects_old_url_absorbed_portal_and_loop(net):
    old = fetch(net.url, "http://congan.danang.gov.vn/tin-cu/88117.html")
    target = next(a.canonical_url for a in TRUTH if a.canonical_url.endswith("-88117.html"))
    assert (old.status, old.header("Location")) == (301, target)
    absorbed = fetch(net.url, "http://congan.quangnam.gov.vn/tin-tuc/bat-ky.html")
    assert (absorbed.status, absorbed.header("Location")) == (301, "http://congan.danang.gov.vn/")
    url, seen = "http://congan.danang.gov.vn/vong-lap/a", []
    for _ in range(4):
        got = fetch(net.url, url)
        assert got.status == 302
        url = got.header("Location")
        seen.append(url)
    assert seen == ["http://congan.danang.gov.vn/vong-lap/b", "http://congan.danang.gov.vn/vong-lap/a"] * 2


def test_not_found_and_gone_are_linked(net):
    laocai = fetch(net.url, "http://congan.laocai.gov.vn/").body
    assert b"/tin-tuc/bai-viet-khong-ton-tai-999999" in gzip.decompress(laocai) if laocai[:2] == b"\x1f\x8b" else laocai
    assert fetch(net.url, "http://congan.laocai.gov.vn/tin-tuc/bai-viet-khong-ton-tai-999999").status == 404
    gone = "http://congan.thuathienhue.gov.vn/index.php?option=com_content&view=article&id=1700&catid=8&Itemid=101"
    assert fetch(net.url, gone).status == 410


def test_gzip_when_asked_on_gzip_portals_and_chunked_on_others(net):
    url = "http://congan.sonla.gov.vn/"
    zipped = fetch(net.url, url, headers={"Accept-Encoding": "gzip, deflate"})
    plain = fetch(net.url, url)
    assert zipped.header("Content-Encoding") == "gzip" and plain.header("Content-Encoding") is None
    assert gzip.decompress(zipped.body) == plain.body
    api = fetch(net.url, "http://congan.hanoi.gov.vn/DesktopModules/cmsview/api/NewsContent/getbyid?id=51230")
    assert api.header("Transfer-Encoding") == "chunked" and api.header("Content-Length") is None
    assert json.loads(api.body)["Data"]["Id"] == 51230


def test_conditional_requests_get_304(net):
    url = next(
        a.canonical_url for a in TRUTH if a.site == "congan.laichau.gov.vn" and a.canonical_url.endswith("-3401.html")
    )
    first = fetch(net.url, url)
    etag, modified = first.header("ETag"), first.header("Last-Modified")
    assert etag and modified
    assert fetch(net.url, url, headers={"If-None-Match": etag}).status == 304
    assert fetch(net.url, url, headers={"If-Modified-Since": modified}).status == 304
    assert fetch(net.url, url, headers={"If-None-Match": '"something-else"'}).status == 200
    assert fetch(net.url, url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200
    entry = last_entry(net, "-3401.html")
    assert entry["if_modified_since"] == "Mon, 01 Jan 2001 00:00:00 GMT"


def test_calendar_trap_never_ends(net):
    url = "http://congan.danang.gov.vn/lich-cong-tac?thang=2024-03"
    for _ in range(15):
        got = fetch(net.url, url, headers={"Accept-Encoding": "identity"})
        assert got.status == 200
        url = "http://congan.danang.gov.vn" + re.search(
            r'href="(/lich-cong-tac\?thang=[^"]+)">Tháng sau', got.text()
        ).group(1)
    assert url.endswith("thang=2025-06")


def test_connection_reset_mid_body_on_first_hit(net):
    url = next(a.canonical_url for a in TRUTH if a.site == "congan.laocai.gov.vn" and a.canonical_url.endswith("-7754"))
    with pytest.raises((http.client.IncompleteRead, ConnectionError, http.client.RemoteDisconnected)):
        fetch(net.url, url)
    entry = last_entry(net, "-7754")
    assert entry["fault"] == "reset_first" and entry["bytes"] > 0
    assert fetch(net.url, url).status == 200


def test_broken_gzip(net):
    got = fetch(net.url, "http://congan.danang.gov.vn/gioi-thieu.html")
    assert got.header("Content-Encoding") == "gzip" and got.body[:2] == b"\x1f\x8b"
    with pytest.raises((OSError, EOFError, zlib.error)):
        gzip.decompress(got.body)


def test_oversized_pdf_is_streamed_whole(net):
    url = next(d["url"] for a in TRUTH for d in a.attachments if "/9999999/" in d["url"])
    head = fetch(net.url, url, method="HEAD")
    assert int(head.header("Content-Length")) == 50 * 1024 * 1024
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", net.port)) as sock:
        sock.sendall(f"GET {url} HTTP/1.1\r\nHost: congan.quangngai.gov.vn\r\nConnection: close\r\n\r\n".encode())
        total, tail = 0, b""
        while chunk := sock.recv(1 << 20):
            total += len(chunk)
            tail = (tail + chunk)[-64:]
    assert total > 50 * 1024 * 1024 and tail.endswith(b"%%EOF\n")
    assert time.monotonic() - started < 10


def test_out_of_network_and_not_simulated_hosts_get_502_and_are_logged(net):
    for url, outside in [("http://bocongan.gov.vn/", True), ("http://www.facebook.com/sharer/sharer.php?u=x", True),
                         ("http://cand.com.vn/", True), ("http://congan.caobang.gov.vn/", False)]:
        assert fetch(net.url, url).status == 502
        assert last_entry(net, url.split("//")[1])["out_of_network"] is outside


def test_access_log_is_json_lines_with_every_field(net):
    fetch(net.url, "http://congan.vinhphuc.gov.vn/", headers={"User-Agent": UA})
    entries = net.access_entries()  # waits for requests still being answered
    lines = net.access.path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == entries
    entry = json.loads(lines[-1])
    assert set(entry) == {"ts", "method", "url", "host", "path", "status", "bytes", "duration", "user_agent",
                          "if_none_match", "if_modified_since", "out_of_network", "robots_disallowed", "fault"}
    assert (entry["url"], entry["host"], entry["path"], entry["user_agent"]) == (
        "http://congan.vinhphuc.gov.vn/", "congan.vinhphuc.gov.vn", "/", UA)
    assert entry["bytes"] > 1000 and entry["status"] == 200
