"""Every alias of a page collapses to one canonical URL; hrefs resolve as a browser would."""

from __future__ import annotations

import pytest

from scrapers.portals.urls import Rewrite, UrlRules, canonicalize, document_base, resolve_href

BASE = "http://congan.hanoi.gov.vn/tin-tuc/an-ninh/"


@pytest.mark.parametrize(
    "alias",
    [
        "http://congan.hanoi.gov.vn/tin-tuc/bai-1.html",
        "HTTP://CONGAN.HANOI.GOV.VN:80/tin-tuc/bai-1.html",
        "http://congan.hanoi.gov.vn/tin-tuc/bai-1.html#binh-luan",
        "http://congan.hanoi.gov.vn/tin-tuc/bai-1.html;jsessionid=0A1B2C3D4E5F",
        "http://congan.hanoi.gov.vn/tin-tuc/bai-1.html;JSESSIONID=abc?utm_source=zalo&utm_medium=social",
        "http://congan.hanoi.gov.vn/tin-tuc/bai-1.html?fbclid=IwAR0abc&zarsrc=30&gclid=x",
        "http://congan.hanoi.gov.vn/tin-tuc/bai-1.html?PHPSESSID=deadbeef",
        "http://congan.hanoi.gov.vn/tin-tuc/bai-1.html?",
        "http://congan.hanoi.gov.vn/tin-tuc/./x/../bai-1.html",
    ],
)
def test_aliases_collapse(alias):
    assert canonicalize(alias) == "http://congan.hanoi.gov.vn/tin-tuc/bai-1.html"


def test_query_is_sorted_and_meaningful_parameters_are_kept():
    url = "http://congan.thuathienhue.gov.vn/index.php?view=article&option=com_content&id=1814&utm_campaign=x"
    assert canonicalize(url) == "http://congan.thuathienhue.gov.vn/index.php?id=1814&option=com_content&view=article"
    assert canonicalize("http://a.vn/x?b=&a=1") == "http://a.vn/x?a=1&b="


def test_non_default_port_and_https_port_443():
    assert canonicalize("https://a.vn:443/x") == "https://a.vn/x"
    assert canonicalize("http://a.vn:8080/x") == "http://a.vn:8080/x"


def test_percent_encoding_is_normalised_and_vietnamese_paths_are_encoded():
    encoded = "http://congan.hue.gov.vn/tin-tuc/1814-ho%e1%ba%a1t-%C4%91%E1%BB%99ng"
    raw = "http://congan.hue.gov.vn/tin-tuc/1814-hoạt-động"
    assert canonicalize(encoded) == canonicalize(raw) == "http://congan.hue.gov.vn/tin-tuc/1814-ho%E1%BA%A1t-%C4%91%E1%BB%99ng"
    assert canonicalize("http://a.vn/%7Euser/%41") == "http://a.vn/~user/A"


def test_aspnet_cookieless_session_in_path():
    url = "http://congan.langson.gov.vn/(S(lit3py55t21z5v55vlm25s55))/tin-tuc.aspx?ASPSESSIONIDQQ=1"
    assert canonicalize(url) == "http://congan.langson.gov.vn/tin-tuc.aspx"


def test_canonicalize_is_idempotent():
    for url in (
        "http://a.vn/a b?x=1 2&y=ư",
        "http://a.vn/%E1%BA%A1?q=%C4%91",
        "http://a.vn/x;jsessionid=1?utm_source=a#f",
    ):
        once = canonicalize(url)
        assert canonicalize(once) == once


def test_adapter_rules_drop_keep_lowercase_rewrite():
    rules = UrlRules(
        drop_params=frozenset({"itemid", "catid"}),
        lowercase_path=True,
        rewrites=(Rewrite.of(r"/print/(\d+)$", r"/bai-viet/\1"),),
    )
    assert canonicalize("http://a.vn/Tin-Tuc/X.aspx?Itemid=3&id=5&catid=2", rules) == "http://a.vn/tin-tuc/x.aspx?id=5"
    assert canonicalize("http://a.vn/print/42?utm_source=x", rules) == "http://a.vn/bai-viet/42"
    keep = UrlRules(keep_only=frozenset({"id"}))
    assert canonicalize("http://a.vn/p?id=7&p_p_id=56&p_p_lifecycle=0", keep) == "http://a.vn/p?id=7"


def test_base64_email_view_link_becomes_the_article():
    rules = UrlRules(base64_link_param="link")
    # Joomla's "send to a friend" view carries the article URL in base64
    link = (
        "aHR0cDovL2Nvbmdhbi50aHVhdGhpZW5odWUuZ292LnZuL2luZGV4LnBocD9vcHRpb249Y29tX2NvbnRlbnQmdmlldz1hcnRpY2x"
        "lJmlkPTE4MTQ="
    )
    url = f"http://congan.thuathienhue.gov.vn/index.php?option=com_mailto&tmpl=component&link={link}"
    assert canonicalize(url, rules) == "http://congan.thuathienhue.gov.vn/index.php?id=1814&option=com_content&view=article"
    broken = "http://congan.thuathienhue.gov.vn/index.php?option=com_mailto&link=%%%not-base64"
    assert canonicalize(broken, rules).startswith("http://congan.thuathienhue.gov.vn/index.php?")


def test_resolve_href_like_a_browser():
    assert resolve_href("bai-1.html", BASE) == "http://congan.hanoi.gov.vn/tin-tuc/an-ninh/bai-1.html"
    assert resolve_href("  /x?a=1&amp;b=2 \n", BASE) == "http://congan.hanoi.gov.vn/x?a=1&b=2"
    assert resolve_href("/x\n/y\t.html", BASE) == "http://congan.hanoi.gov.vn/x/y.html"
    assert resolve_href("//cand.com.vn/a", BASE) == "http://cand.com.vn/a"
    for refused in ("javascript:void(0)", "JavaScript:window.print()", "mailto:ca@hanoi.gov.vn", "tel:113",
                    "#", "#top", "", None, "data:image/png;base64,xx", "ftp://a.vn/x"):
        assert resolve_href(refused, BASE) is None, refused


def test_base_href_decides_relative_links():
    page = '<html><head><base href="http://congan.hanoi.gov.vn/Portals/0/"></head><body></body></html>'
    base = document_base(page, BASE)
    assert base == "http://congan.hanoi.gov.vn/Portals/0/"
    assert resolve_href("anh.jpg", base) == "http://congan.hanoi.gov.vn/Portals/0/anh.jpg"
    assert document_base("<html><body>no base</body></html>", BASE) == BASE


def test_aliases_lose_session_ids_but_keep_everything_else() -> None:
    from scrapers.portals.urls import without_session

    assert without_session(
        "http://congan.quangngai.gov.vn/web/guest/tin-tuc;jsessionid=ABC123?p_p_id=x&PHPSESSID=9&b=2"
    ) == "http://congan.quangngai.gov.vn/web/guest/tin-tuc?p_p_id=x&b=2"
    assert without_session("http://h/index.php?option=com_mailto&tmpl=component&link=aGk=") == (
        "http://h/index.php?option=com_mailto&tmpl=component&link=aGk="
    )
