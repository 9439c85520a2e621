"""Ground truth matches what the simulated portals really show, CMS family by CMS family."""

from __future__ import annotations

import http.client
import json
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin

import pytest
from lxml import html as lxml_html

from simnet.client import fetch
from simnet.server import SimNet
from simnet.truth import TruthArticle, ground_truth, portals

VN = timezone(timedelta(hours=7))
TRUTH = ground_truth(1, https=True)


@pytest.fixture(scope="module")
def net():
    with SimNet(https=True) as server:
        yield server


def get(net: SimNet, url: str):
    """GET that rides out the first-hit faults (429/500/503, one reset) the way a crawler retries."""
    for _ in range(3):
        try:
            got = fetch(net.url, url)
        except (OSError, http.client.HTTPException):  # the mid-body reset fault
            continue
        if got.status not in (429, 500, 503):
            return got
    raise AssertionError(f"{url} never answered")


def page_text(got, encoding: str = "utf-8") -> tuple[str, object]:
    text = got.body.decode(encoding)
    tree = lxml_html.fromstring(text)
    return unicodedata.normalize("NFC", " ".join(tree.itertext())), tree


def visible_date(a: TruthArticle) -> str:
    """The date as the page of this CMS prints it, derived from the truth value."""
    if len(a.published) == 10:
        d = datetime.fromisoformat(a.published)
        return {
            "joomla": f"ngày {d.day} tháng {d.month} năm {d.year}",
            "custom": f"Ngày {d:%d/%m/%Y}",
        }.get(a.cms, f"{d:%d/%m/%Y}")
    d = datetime.fromisoformat(a.published)
    return {
        "wordpress": f"{d:%d/%m/%Y}",
        "nukeviet": f"{d:%d/%m/%Y - %H:%M}",
        "liferay": f"{d:%d-%m-%Y %H:%M:%S}",
        "vnpt": f"{d:%d/%m/%Y %H:%M}",
        "custom": f"Cập nhật lúc {d:%H:%M}, ngày {d:%d/%m/%Y}",
        "generic": f"{d:%d/%m/%Y %H:%M}",
    }[a.cms]


def test_truth_covers_every_live_portal_and_is_nfc():
    live = {p.domain for p in portals(https=True) if p.status == "live"}
    assert {a.site for a in TRUTH} == live
    assert len(TRUTH) >= 8 * 6
    for a in TRUTH:
        for text in (a.title, a.summary, a.body, *(i["caption"] for i in a.images)):
            assert unicodedata.is_normalized("NFC", text)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}\+07:00)?", a.published), a.published
        assert "\n\n" in a.body and a.title not in a.body


def test_truth_has_the_variety_the_extractors_need():
    assert any(a.author is None for a in TRUTH) and any(a.author for a in TRUTH)
    assert any(len(a.published) == 10 for a in TRUTH) and any(len(a.published) > 10 for a in TRUTH)
    assert any(a.modified for a in TRUTH)
    assert any(a.attachments for a in TRUTH) and all(a.images for a in TRUTH)
    assert any("hoà" in a.body or "thuỷ" in a.body for a in TRUTH)  # old tone placement
    assert any("hòa" in a.body or "thủy" in a.body for a in TRUTH)  # new tone placement
    # A day <= 12 date shown day-first: 02/05/2024 is the 2nd of May.
    assert any(a.published.startswith("2024-05-02T08:50") for a in TRUTH)


@pytest.mark.parametrize("a", TRUTH, ids=lambda a: a.canonical_url.split("//")[1][:60])
def test_page_shows_its_truth(net, a: TruthArticle):
    if a.cms == "dnn":
        api = next(u for u in a.aliases if "getbyid" in u)
        item = json.loads(get(net, api).body)["Data"]
        assert (item["Title"], item["Summary"], item["CategoryName"]) == (a.title, a.summary, a.category)
        assert (item["Author"] or None) == a.author
        raw = item["PublishDate"]
        m = re.fullmatch(r"/Date\((\d+)\)/", raw)
        when = (
            datetime.fromtimestamp(int(m.group(1)) / 1000, VN) if m else datetime.fromisoformat(raw).replace(tzinfo=VN)
        )
        assert when.isoformat() == a.published
        tree = lxml_html.fromstring(item["Content"])
        files = {urljoin(a.canonical_url, f["FileUrl"]): f["Title"] for f in item["Attachments"]}
        assert files == {f["url"]: f["title"] for f in a.attachments}
        a = TruthArticle(**{**a.__dict__, "attachments": ()})  # checked above, not in Content
        text = " ".join(tree.itertext())
        assert get(net, a.canonical_url).status == 200  # the human URL is an empty shell
    else:
        got = get(net, a.canonical_url)
        assert got.status == 200, a.canonical_url
        body = got.body
        if got.header("Content-Encoding") == "gzip":
            import gzip

            body = gzip.decompress(body)
        encoding = "cp1258" if a.cms == "webforms" else "utf-8"
        if a.cms == "webforms":
            assert "charset" not in got.header("Content-Type")
            assert b'charset=windows-1258' in body
        text_nfd = body.decode(encoding)
        if a.cms == "joomla":
            assert unicodedata.is_normalized("NFD", text_nfd) and not unicodedata.is_normalized("NFC", text_nfd)
        tree = lxml_html.fromstring(text_nfd)
        text = " ".join(tree.itertext())
        assert visible_date(a) in unicodedata.normalize("NFC", text)
        if a.cms in ("wordpress", "generic"):
            stamps = tree.xpath("//meta[@property='article:published_time']/@content | //time/@datetime")
            assert a.published in stamps
        if a.author:
            assert a.author in unicodedata.normalize("NFC", text)
    text = unicodedata.normalize("NFC", text)
    for para in a.body.split("\n\n"):
        assert para in text
    base = a.canonical_url
    srcs = {urljoin(base, s) for s in tree.xpath("//img/@src")}
    hrefs = {urljoin(base, s) for s in tree.xpath("//a/@href")}
    for img in a.images:
        assert img["url"] in srcs and img["caption"] in text
    for att in a.attachments:
        assert att["url"] in hrefs and att["title"] in text


def test_aliases_show_the_same_article(net):
    for a in TRUTH:
        for alias in a.aliases:
            got = get(net, alias)
            assert got.status == 200, alias
            body = got.body
            if got.header("Content-Encoding") == "gzip":
                import gzip

                body = gzip.decompress(body)
            assert a.title in unicodedata.normalize("NFC", body.decode("utf-8")), alias
