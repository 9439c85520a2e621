"""Scope: the registry's portals and those linked from a "Liên kết công an các tỉnh" block
(as <a href> and as <select><option value>); requisites; everything else rejected by reason."""

from __future__ import annotations

from scrapers.portals.registry import load_registry
from scrapers.portals.requisites import requisite_urls
from scrapers.portals.scope import (
    NOT_HTTP,
    OUT_OF_NETWORK,
    OUTSIDE_REGISTRY,
    REQUISITE_OFFSITE,
    Scope,
    link_block_urls,
)

PAGE = "http://congan.vinhphuc.gov.vn/"

ANCHOR_BLOCK = """<html><body>
<nav><a href="/tin-tuc">Tin tức</a><a href="http://www.facebook.com/congan">Facebook</a></nav>
<div class="lien-ket"><h3>Liên kết công an các tỉnh</h3><ul>
  <li><a href="http://congan.hanoi.gov.vn" target="_blank">Công an TP Hà Nội</a></li>
  <li><a href="http://congan.moi-tinh.gov.vn/">Công an tỉnh Mới</a></li>
</ul></div>
<footer><a href="http://bocongan.gov.vn/">Bộ Công an</a></footer>
</body></html>"""

SELECT_BLOCK = """<html><body>
<div class="box-lienket"><div class="title"><span>LIÊN KẾT CÔNG AN CÁC TỈNH</span></div>
<select name="lienket" onchange="window.open(this.value)">
  <option value="">-- Liên kết công an các tỉnh --</option>
  <option value="http://congan.laocai.gov.vn">Công an tỉnh Lào Cai</option>
  <option value="http://congan.chua-biet.gov.vn">Công an tỉnh Chưa Biết</option>
</select></div>
<select name="other"><option value="http://cand.com.vn">Báo CAND</option></select>
</body></html>"""


def test_anchor_block_lists_only_its_own_links():
    assert link_block_urls(ANCHOR_BLOCK, PAGE) == ["http://congan.hanoi.gov.vn", "http://congan.moi-tinh.gov.vn/"]


def test_select_option_block_is_found_without_any_anchor():
    assert link_block_urls(SELECT_BLOCK, PAGE) == ["http://congan.laocai.gov.vn", "http://congan.chua-biet.gov.vn"]


def test_decomposed_label_and_pages_without_block():
    import unicodedata

    nfd = unicodedata.normalize("NFD", ANCHOR_BLOCK)
    assert "http://congan.hanoi.gov.vn" in link_block_urls(nfd, PAGE)
    assert link_block_urls("<html><body><a href='http://x.vn'>x</a></body></html>", PAGE) == []
    assert link_block_urls("", PAGE) == []
    assert link_block_urls("<<<not html", PAGE) == []


def test_scope_grows_with_linked_portals_and_rejects_by_reason():
    scope = Scope(load_registry())
    assert scope.check("http://congan.hanoi.gov.vn/x").allowed
    assert scope.check("https://congan.tphcm.gov.vn/").allowed  # registry alias
    assert scope.check("http://congan.chua-biet.gov.vn/").reason == OUT_OF_NETWORK
    for url in link_block_urls(SELECT_BLOCK, PAGE):
        scope.add_portal(url, PAGE)
    assert scope.check("http://congan.chua-biet.gov.vn/tin-tuc").allowed
    assert scope.discovered() == {"congan.chua-biet.gov.vn": PAGE}
    assert scope.check("http://bocongan.gov.vn/").reason == OUTSIDE_REGISTRY
    assert scope.add_portal("http://bocongan.gov.vn", PAGE) is False  # the Ministry never joins
    assert scope.check("http://www.facebook.com/sharer.php").reason == OUT_OF_NETWORK
    assert scope.check("ftp://congan.hanoi.gov.vn/x").reason == NOT_HTTP


def test_requisites_on_portal_hosts_and_subdomains_only():
    scope = Scope(load_registry())
    assert scope.check("http://static.congan.hanoi.gov.vn/a.css", requisite=True).allowed
    assert scope.portal_of("http://static.congan.hanoi.gov.vn/a.css") == "congan.hanoi.gov.vn"
    assert not scope.check("http://static.congan.hanoi.gov.vn/a.html").allowed  # not as a page
    assert scope.check("https://connect.facebook.net/sdk.js", requisite=True).reason == REQUISITE_OFFSITE


def test_requisites_of_a_page():
    page = """<html><head><base href="http://congan.hanoi.gov.vn/Portals/0/">
    <link rel="stylesheet" href="skin.css"><link rel="shortcut icon" href="/favicon.ico">
    <script src="js/app.js"></script><script>inline()</script></head><body>
    <img src="anh/1.jpg" srcset="anh/1-320.jpg 320w, anh/1-640.jpg 640w"><img data-src="lazy.png">
    <a href="/Portals/0/van-ban/ke-hoach.PDF">Kế hoạch</a><a href="/tin-tuc/bai.html">bài</a>
    <iframe src="https://www.youtube.com/embed/x"></iframe></body></html>"""
    urls = requisite_urls(page, "http://congan.hanoi.gov.vn/tin-tuc/")
    assert urls == [
        "http://congan.hanoi.gov.vn/Portals/0/anh/1.jpg",
        "http://congan.hanoi.gov.vn/Portals/0/lazy.png",
        "http://congan.hanoi.gov.vn/Portals/0/anh/1-320.jpg",
        "http://congan.hanoi.gov.vn/Portals/0/anh/1-640.jpg",
        "http://congan.hanoi.gov.vn/Portals/0/skin.css",
        "http://congan.hanoi.gov.vn/favicon.ico",
        "http://congan.hanoi.gov.vn/Portals/0/js/app.js",
        "https://www.youtube.com/embed/x",
        "http://congan.hanoi.gov.vn/Portals/0/van-ban/ke-hoach.PDF",
    ]


def test_garbage_hosts_from_truncated_pages_never_join():
    # a broken gzip body cut inside the block: lxml recovers '<a href="http://cong. ghi rõ ng ta'
    truncated = (
        '<div class="lien-ket"><h3>Liên kết công an các tỉnh</h3><ul><li><a href="http://cong. ghi rõ ng '
        'ta\ufffdnk">x</a>'
    )
    scope = Scope(load_registry())
    for url in link_block_urls(truncated, PAGE):
        assert scope.add_portal(url, PAGE) is False
    assert scope.check("http://cong. ghi rõ ng ta\ufffdnk/").reason == "invalid_host"
    assert scope.add_portal("http://công-an.việtnam.vn/", PAGE) is True  # IDN hosts are hosts


def test_every_rejection_reason_is_documented():
    from pathlib import Path

    import scrapers.portals.scope as scope_module
    import spiders.planner as spider_module

    doc = (Path(__file__).resolve().parent.parent / "docs" / "discovery.md").read_text(encoding="utf-8")
    reasons = {
        scope_module.NOT_HTTP, scope_module.INVALID_HOST, scope_module.OUT_OF_NETWORK,
        scope_module.OUTSIDE_REGISTRY, scope_module.REQUISITE_OFFSITE,
        spider_module.OTHER_PORTAL, spider_module.DEPTH, spider_module.PAGE_BUDGET,
    }
    for reason in reasons:
        assert f"`{reason}`" in doc, reason
