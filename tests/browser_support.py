"""Debian's chromium driven by Playwright, for the browser tests (Playwright's own browser
download cannot work offline).

Nothing leaves 127.0.0.1: chromium's proxy is a :class:`RefusingProxy` on the loopback, which
refuses whatever is not for 127.0.0.1 (chromium never proxies the loopback), the browser's own
background traffic included (update and account checks that its switches do not stop), and no
host name but 127.0.0.1 resolves. On top, the test fails on any request of its pages to
another host: ``loopback_page`` intercepts and refuses them; ``service_worker_page`` (for apps
that need a service worker, which Playwright's interception turns off) records them."""

from __future__ import annotations

import socketserver
import threading
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
REFUSAL = b"refused: not 127.0.0.1"


class RefusingProxy:
    """An HTTP proxy on 127.0.0.1 that forwards nothing: it records each request line it is
    sent (``CONNECT host:443 …``, ``GET http://host/ …``) and answers 403."""

    def __init__(self) -> None:
        seen: list[str] = []

        class Refuse(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                line = self.rfile.readline(8192).decode("latin-1").strip()
                if line:
                    seen.append(line)
                self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                                 b"Content-Length: %d\r\n\r\n%s" % (len(REFUSAL), REFUSAL))

        self.seen = seen
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Refuse)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@contextmanager
def _browser() -> Iterator[tuple[Any, RefusingProxy]]:
    """(a Vietnamese-locale browser context, its refusing proxy)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    proxy = RefusingProxy()
    args = [*ARGS, f"--proxy-server={proxy.address}", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)
            yield browser.new_context(locale="vi-VN"), proxy
            browser.close()
    finally:
        proxy.close()


@contextmanager
def loopback_page() -> Iterator[Any]:
    """A Vietnamese-locale page whose requests may only go to 127.0.0.1."""
    with _browser() as (context, _proxy):
        page = context.new_page()
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


@contextmanager
def service_worker_page() -> Iterator[Any]:
    """A Vietnamese-locale page for web apps that need their service worker (ReplayWeb.page).

    Playwright's request interception turns service workers off, so the requests of the
    context's pages and workers are recorded instead (the proxy refuses those not for
    127.0.0.1), and the test fails on any to another host. The guard is proven first: a
    request to an outside host must be seen by both."""
    with _browser() as (context, proxy):
        outside: list[str] = []
        context.on("request", lambda r: outside.append(r.url) if urlsplit(r.url).hostname != "127.0.0.1" else None)
        page = context.new_page()
        probe = "http://guard-check.invalid/probe"
        status = page.evaluate("url => fetch(url).then(r => r.status, () => 0)", probe)
        assert outside == [probe] and f"GET {probe} HTTP/1.1" in proxy.seen, (status, outside, proxy.seen)
        outside.clear()
        yield page
        assert not outside, outside
