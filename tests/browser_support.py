"""Debian's chromium driven by Playwright, for the browser tests (Playwright's own browser
download cannot work offline). The page refuses, and records, every request that is not to
127.0.0.1: the test fails on any."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
NEEDS_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
)


@contextmanager
def loopback_page() -> Iterator[Any]:
    """A Vietnamese-locale page whose requests may only go to 127.0.0.1."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_context(locale="vi-VN").new_page()
        outside: list[str] = []

        def guard(route: Any) -> None:
            if urlsplit(route.request.url).hostname != "127.0.0.1":
                outside.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        page.route("**/*", guard)
        yield page
        assert not outside, outside
        browser.close()
