"""A crawl never downloads the Public Suffix List (Scrapy's cookie middleware would)."""

from __future__ import annotations

import socket

import offline_guard
import pytest
from scrapy.downloadermiddlewares import cookies

from scrapers.crawl.public_suffixes import use_bundled_suffix_list


def test_cookie_domain_checks_use_the_bundled_list_without_any_lookup(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from tldextract import TLDExtract

    # what Scrapy has on a fresh machine: tldextract's defaults with an empty cache, which
    # would download the list on first use (restored after the test)
    monkeypatch.setattr(cookies, "_split_domain", TLDExtract(cache_dir=str(tmp_path), include_psl_private_domains=True))
    attempts: list[object] = []
    real_getaddrinfo = socket.getaddrinfo

    def watching(host: object, *args: object, **kwargs: object) -> object:
        attempts.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", watching)
    before = len(offline_guard.violations)
    assert use_bundled_suffix_list()
    assert cookies._is_public_domain("gov.vn")
    assert not cookies._is_public_domain("congan.hanoi.gov.vn")
    assert attempts == [] and len(offline_guard.violations) == before
