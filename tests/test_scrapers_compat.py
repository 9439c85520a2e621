"""scrapers.compat against the installed Scrapy: every internal it touches is there, and each
hook does what the crawl relies on (so a Scrapy upgrade fails here, not in a crawl)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.core.downloader import Downloader, Slot
from scrapy.downloadermiddlewares import cookies
from scrapy.utils.test import get_crawler

from scrapers import compat
from scrapers.errors import ScrapersError, ScrapyCompatError


def test_the_installed_scrapy_has_every_internal_compat_uses() -> None:
    assert compat.problems() == []


def test_hook_request_done_calls_back_after_the_engine_slot() -> None:
    from scrapy.core.engine import _Slot

    done: list[str] = []
    removed: list[str] = []

    class Engine:
        _slot = _Slot.__new__(_Slot)

    Engine._slot.inprogress = set()
    original = _Slot.remove_request

    def spy(self: _Slot, request: Request) -> None:
        removed.append(request.url)

    Engine._slot.remove_request = spy.__get__(Engine._slot)  # type: ignore[method-assign]
    compat.hook_request_done(Engine(), lambda request: done.append(request.url))  # type: ignore[arg-type]
    Engine._slot.remove_request(Request("http://congan.hanoi.gov.vn/"))
    assert removed == done == ["http://congan.hanoi.gov.vn/"]
    assert callable(original)


def test_hook_request_done_without_a_slot_says_what_to_do() -> None:
    class Engine:
        _slot = None

    with pytest.raises(ScrapyCompatError, match=r"pyproject\.toml") as raised:
        compat.hook_request_done(Engine(), lambda request: None)  # type: ignore[arg-type]
    assert isinstance(raised.value, ScrapersError)


def test_cookie_domain_splitter_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cookies, "_split_domain", cookies._split_domain)
    marker = object()
    assert compat.set_cookie_domain_splitter(marker)  # type: ignore[arg-type]
    assert cookies._split_domain is marker


def test_downloader_slots_and_their_settings() -> None:
    crawler = get_crawler(settings_dict={"DOWNLOAD_DELAY": 0, "DOWNLOAD_HANDLERS_BASE": {}})
    downloader = Downloader(crawler)

    class Engine:
        pass

    engine = Engine()
    engine.downloader = downloader  # type: ignore[attr-defined]
    compat.per_slot_settings(engine, "congan.hanoi.gov.vn")["delay"] = 7.0  # type: ignore[arg-type]
    assert downloader.per_slot_settings["congan.hanoi.gov.vn"] == {"delay": 7.0}
    request = Request("http://congan.hanoi.gov.vn/tin-tuc")
    key = downloader.get_slot_key(request)
    assert key == compat.slot_key(request) == "congan.hanoi.gov.vn"
    assert compat.downloader_slot(engine, key) is None  # type: ignore[arg-type]
    slot = Slot(concurrency=2, delay=7.0, randomize_delay=False)
    downloader.slots[key] = slot
    assert compat.downloader_slot(engine, key) is slot  # type: ignore[arg-type]
    assert compat.downloader_slots(engine) is downloader.slots  # type: ignore[arg-type]
    assert slot.delay == 7.0 and hasattr(slot, "lastseen") and hasattr(slot, "jitter")
    assert compat.slot_key(Request("http://x.example/", meta={"download_slot": "k"})) == "k"
