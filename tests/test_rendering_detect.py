"""Which pages need a browser, decided from their static HTML (scrapers.rendering.detect)."""

from __future__ import annotations

from scrapers.rendering.detect import detect

URL = "http://congan.example.gov.vn/tin-tuc"
LINKS = "".join(f'<li><a href="/tin-tuc/bai-{n}.html">Bài {n}</a></li>' for n in range(12))


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_plain_listing_is_not_rendered() -> None:
    found = detect(page(f"<ul>{LINKS}</ul><script>var x = 1;</script>"), URL)
    assert not found.needs_rendering
    assert found.signals == ()


def test_angular_shell_is_rendered() -> None:
    shell = '<div ng-controller="C"><h1>{{news.Title}}</h1><div ng-bind-html="news.Content"></div></div>'
    found = detect(page(shell), URL)
    assert found.needs_rendering
    assert "template" in found.signals


def test_same_host_api_in_inline_script_is_an_endpoint() -> None:
    html = page(f"<ul>{LINKS}</ul><div id='box'></div>"
                "<script>$.getJSON('/DesktopModules/X/API/News/listnew', {PageIndex: 1}, draw);</script>")
    found = detect(html, URL)
    assert found.needs_rendering
    assert found.endpoints == ("http://congan.example.gov.vn/DesktopModules/X/API/News/listnew",)


def test_fetch_and_xhr_urls_other_hosts_ignored() -> None:
    html = page("<script>fetch('https://www.facebook.com/plugins/like'); var x = new XMLHttpRequest();"
                "x.open('GET', '/api/news/list?page=2');</script>" + f"<ul>{LINKS}</ul>")
    found = detect(html, URL)
    assert found.endpoints == ("http://congan.example.gov.vn/api/news/list?page=2",)


def test_load_more_button_and_loading_placeholder() -> None:
    html = page(f'<ul>{LINKS}</ul><a class="more" href="javascript:void(0)" data-x="1">Xem thêm tin</a>')
    assert detect(html, URL).signals == ("load_more",)
    weak = detect(page('<div id="list">Đang tải...</div><ul></ul><script src="/app.js"></script>'), URL)
    assert weak.needs_rendering
    assert set(weak.signals) >= {"loading", "empty_list", "few_links"}


def test_links_only_in_a_script_are_script_links() -> None:
    html = page('<ul id="ds"></ul><script>var rows = [{"u": "/tin/a-1.html"}];'
                "rows.forEach(function(r){document.getElementById('ds').insertAdjacentHTML('beforeend', r.u);});"
                "</script>")
    found = detect(html, URL)
    assert "script_links" in found.signals
    assert found.needs_rendering
    # relative slug paths, resolved against <base href> once the script wrote them
    relative = page('<ul id="ds"></ul><script>'
                    'var ds = [{"t": "Khởi tố vụ án", "u": "bai-viet/an-ninh/51/khoi-to-vu-an"}];'
                    "ds.forEach(function(x){document.getElementById('ds').insertAdjacentHTML('beforeend', x.u);});"
                    "</script>", head='<base href="http://congan.example.gov.vn/">')
    assert detect(relative, URL).needs_rendering
    # bare slugs made into links by the script (concatenated or in a template literal)
    for write in ("'<li><a href=\"' + x.u + '\">' + x.t + '</a></li>'", "`<a href=\"${x.u}\">${x.t}</a>`"):
        slugs = page('<ul id="ds"></ul><script>var ds = [{"t": "Khởi tố", "u": "khoi-to-vu-an-677921"}];'
                     f"ds.forEach(function(x){{document.getElementById('ds').insertAdjacentHTML('end', {write});}});"
                     "</script>")
        assert "script_links" in detect(slugs, URL).signals, write
    # a script writing markup with no address in it is no sign of script-built links
    plain = page('<div id="clock"></div><script>var d = "16/07/2024"; var t = "text/javascript";'
                 "document.getElementById('clock').innerHTML = d;</script>" + LINKS)
    assert "script_links" not in detect(plain, URL).signals


def test_one_weak_signal_alone_is_not_enough_and_bad_input_is_safe() -> None:
    assert not detect(page(f"<ul>{LINKS}</ul><table><tbody></tbody></table>"), URL).needs_rendering
    assert detect("", URL).signals == ()
    assert detect("\x00\x01 not html", URL).needs_rendering is False


def test_the_page_tree_shared_with_discovery_gives_the_same_detection() -> None:
    from scrapers.discovery.adapter import Page

    shell = '<div ng-controller="C"><h1>{{news.Title}}</h1></div>'
    scripted = "<script>$.getJSON('/api/news/list', draw); document.write('<a href=\"/x\">');</script>"
    for html in (page(f"<ul>{LINKS}</ul>"), page(shell), page(f"<ul>{LINKS}</ul>{scripted}"),
                 '<?xml version="1.0" encoding="utf-8"?>' + page(shell)):
        shared = Page(url=URL, text=html)
        assert detect(html, URL, shared.html_root()) == detect(html, URL)
    assert Page(url=URL, text='<?xml version="1.0"?><html/>').html_root() is None
    assert Page(url=URL, text="{}", content_type="application/json").html_root() is None
