"""Generic discovery is always on: every in-site link of a page is a candidate, wherever the
CMS put it (scrapers.discovery.links), and adapters add targets without narrowing them."""

from __future__ import annotations

from scrapers.config import NetworkConfig
from scrapers.discovery.adapter import LISTING, Page
from scrapers.discovery.links import DATA, OPTION, SCRIPT, page_links
from scrapers.families import get_adapter

HOST = "http://congan.khongro.gov.vn"

PAGE = f"""<html><head><base href="{HOST}/thu-muc/"></head><body>
<nav><ul><li><a href="../Default.aspx?tabid=12">An ninh</a></li></ul></nav>
<a href="chi-tiet.aspx?ID=77">Khởi tố hai bị can về tội trộm cắp tài sản ở thị trấn</a>
<select onchange="location=this.value"><option value="">-- Chọn --</option><option value="3">3</option>
<option value="/bai/tuyen-truyen-phong-chay-99.html">Tuyên truyền phòng cháy</option></select>
<button class="xem-them" data-url="/Ajax/DanhSach?trang=2">Xem thêm</button>
<script>var tin = [{{"url": "\\/bai\\/trao-tang-nha-tinh-nghia-41.html"}}, {{"url": "{HOST}/bai/ra-quan-42.html"}}];
var api = "/api/list?page=" + n; var logo = "/images/logo.png"; var other = "http://bocongan.gov.vn/x";</script>
<a href="http://cand.com.vn/">Báo CAND</a></body></html>"""


def test_links_come_from_anchors_options_data_attributes_and_scripts() -> None:
    links = {link.url: link for link in page_links(Page(url=f"{HOST}/", text=PAGE))}
    assert f"{HOST}/Default.aspx?tabid=12" in links  # menu, relative to <base href>
    assert f"{HOST}/thu-muc/chi-tiet.aspx?ID=77" in links
    assert links[f"{HOST}/bai/tuyen-truyen-phong-chay-99.html"].source == OPTION
    assert links[f"{HOST}/Ajax/DanhSach?trang=2"].source == DATA
    assert links[f"{HOST}/bai/trao-tang-nha-tinh-nghia-41.html"].source == SCRIPT  # escaped slashes
    assert links[f"{HOST}/bai/ra-quan-42.html"].source == SCRIPT
    assert "http://cand.com.vn/" in links  # anchors keep other hosts (outlinks)
    # not links: a plain option value, half a URL a script completes, images, other hosts in scripts
    assert f"{HOST}/thu-muc/3" not in links
    assert not any("/api/list" in url or "logo.png" in url or "bocongan" in url for url in links)


def test_every_adapter_follows_every_in_site_link() -> None:
    page = Page(url=f"{HOST}/", text=PAGE)
    for family in ("wordpress", "joomla", "webforms", "nukeviet", "liferay", "custom", "generic"):
        discovery = get_adapter(family).discover(page)
        followed = {t.url.lower() for t in (*discovery.articles, *discovery.listings, *discovery.next_pages)}
        for url in (f"{HOST}/default.aspx?tabid=12", f"{HOST}/thu-muc/chi-tiet.aspx?id=77",
                    f"{HOST}/bai/tuyen-truyen-phong-chay-99.html", f"{HOST}/bai/trao-tang-nha-tinh-nghia-41.html"):
            assert url in followed, (family, url)
        assert not any("cand.com.vn" in url for url in followed)


def test_traps_stay_cut_for_generic_discovery() -> None:
    text = """<html><body><a href="/lich?ngay=2024-01-01">Lịch</a><a href="/dang-nhap">Đăng nhập</a>
    <a href="/tim-kiem?q=x">Tìm</a><a href="/bai/x-1.html">Bài</a></body></html>"""
    discovery = get_adapter("generic").discover(Page(url=f"{HOST}/", text=text, kind=LISTING))
    followed = {t.url for t in (*discovery.articles, *discovery.listings)}
    assert followed == {f"{HOST}/bai/x-1.html"}


def test_congan_adapters_setting_parses_on_and_off() -> None:
    import pytest
    from scrapy.settings import Settings

    from scrapers.errors import NetworkConfigError

    assert NetworkConfig.from_settings(Settings({})).adapters
    assert not NetworkConfig.from_settings(Settings({"CONGAN_ADAPTERS": "off"})).adapters
    assert NetworkConfig.from_settings(Settings({"CONGAN_ADAPTERS": "on"})).adapters
    with pytest.raises(NetworkConfigError, match="CONGAN_ADAPTERS"):
        NetworkConfig.from_settings(Settings({"CONGAN_ADAPTERS": "maybe"}))


def test_script_endpoints_called_with_their_parameters_apart_are_not_links() -> None:
    # a shell article, a JSON listing's config, a jQuery call with a data object: requested
    # bare (without the id/page the script adds) such an endpoint answers an error or nothing
    script = """<html><body><a href="/">Trang chủ</a><script>
    $.getJSON('/api/baiviet/chitiet', {id: 4071}, render);
    var cfg = {"api": "/api/tintuc/danhsach", "params": {"chuyenmuc": 11, "trang": 1}}; loadNews(cfg.api, cfg.params);
    $.ajax({url: '/Services/News.asmx/List', data: {page: 2}, success: show});
    $.post('/api/binhluan', params, done);
    var next = '/api/tintuc/trang/' + n;
    var tin = [{"url": "/bai/khoi-to-vu-an-51.html", "chuyenmuc": {"id": 3, "ten": "An ninh"}}];
    $.get('/tin-tuc/moi-nhat.html', function(h) { box.innerHTML = h; });
    window.open('/bai/ra-quan-52.html', '_blank');
    </script></body></html>"""
    urls = {link.url for link in page_links(Page(url=f"{HOST}/", text=script)) if link.source == SCRIPT}
    assert urls == {f"{HOST}/bai/khoi-to-vu-an-51.html", f"{HOST}/tin-tuc/moi-nhat.html",
                    f"{HOST}/bai/ra-quan-52.html"}
