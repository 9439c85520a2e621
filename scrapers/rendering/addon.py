"""Switching the browser on: settings parsed once, scrapy-playwright installed as the download
handler only when rendering can work.

``CONGAN_RENDER`` (``auto``: render the pages the detector flags; ``off``: never) is the one
switch. With it on, the add-on checks that scrapy-playwright is importable, that the browser
(``CONGAN_RENDER_BROWSER``, Debian's ``/usr/bin/chromium``; never a browser download) exists
and that Twisted runs the asyncio reactor (scrapy-playwright needs it; Scrapy's default since
2.13, which the project keeps). When one is missing the crawl logs one warning and runs without
rendering. Otherwise it routes http(s) downloads through scrapy-playwright's handler: requests
without ``meta["playwright"]`` still go through Scrapy's own HTTP handler, byte for byte.
The browser runs headless in one context, through the same proxy as the crawler, with at most
``CONGAN_RENDER_CONCURRENCY`` pages open.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapers.errors import ConfigError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
#: chromium switches: headless, no sandbox (containers), and none of its own traffic
BROWSER_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
                "--disable-extensions", "--metrics-recording-only", "--mute-audio", "--disable-domain-reliability",
                "--disable-client-side-phishing-detection", "--no-pings", "--disable-breakpad",
                ("--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,"
                 "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,SigninPromo"))
#: settings key the add-on sets: True when the handler is installed (read by the spider)
ACTIVE = "_CONGAN_RENDER_ACTIVE"
MODES = ("auto", "off")
#: where the browser's own (non-page) traffic goes when the crawl uses a proxy: the discard
#: port of the loopback, closed, so it never leaves the machine
DEAD_PROXY = "http://127.0.0.1:9"


@dataclass(frozen=True)
class RenderConfig:
    """``CONGAN_RENDER*`` settings (docs/settings.md)."""

    mode: str = "auto"
    browser: str = "/usr/bin/chromium"
    max_pages_per_site: int = 200
    timeout: float = 20.0
    clicks: int = 40
    concurrency: int = 2

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> RenderConfig:
        raw = settings.get("CONGAN_RENDER", "auto")
        mode = "off" if raw in (False, 0) else str(raw).strip().lower()
        mode = {"false": "off", "0": "off", "no": "off", "true": "auto", "on": "auto", "1": "auto"}.get(mode, mode)
        if mode not in MODES:
            raise ConfigError(f"CONGAN_RENDER must be one of {', '.join(MODES)}, not {raw!r}")
        try:
            config = cls(
                mode=mode,
                browser=str(settings.get("CONGAN_RENDER_BROWSER") or cls.browser),
                max_pages_per_site=settings.getint("CONGAN_RENDER_MAX_PAGES_PER_SITE", cls.max_pages_per_site),
                timeout=settings.getfloat("CONGAN_RENDER_TIMEOUT", cls.timeout),
                clicks=settings.getint("CONGAN_RENDER_CLICKS", cls.clicks),
                concurrency=settings.getint("CONGAN_RENDER_CONCURRENCY", cls.concurrency),
            )
        except ValueError as exc:
            raise ConfigError(f"a CONGAN_RENDER_* setting is not a number: {exc}") from exc
        if config.timeout <= 0 or config.concurrency < 1 or config.clicks < 0 or config.max_pages_per_site < 0:
            raise ConfigError("CONGAN_RENDER_TIMEOUT and CONGAN_RENDER_CONCURRENCY must be positive, "
                              "CONGAN_RENDER_CLICKS and CONGAN_RENDER_MAX_PAGES_PER_SITE not negative")
        return config


def unavailable(config: RenderConfig, reactor: str | None) -> str | None:
    """Why rendering cannot run on this machine (None: it can)."""
    if importlib.util.find_spec("scrapy_playwright") is None:
        return "scrapy-playwright is not installed (pip install scrapy-playwright)"
    if not Path(config.browser).exists():
        return f"no browser at {config.browser} (apt-get install chromium, or set CONGAN_RENDER_BROWSER)"
    if reactor and reactor != ASYNCIO_REACTOR:
        return f"TWISTED_REACTOR is {reactor}; scrapy-playwright needs {ASYNCIO_REACTOR}"
    return None


def proxy_option() -> dict[str, str] | None:
    """The crawler's proxy (``http_proxy``), for the browser to reach the same network."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        value = os.environ.get(name)
        if value:
            return {"server": value}
    return None


def context_kwargs(user_agent: str) -> dict[str, Any]:
    """The one browser context (made at the first rendered page, none before): portals with
    broken certificate chains are crawled anyway (SPEC §5)."""
    kwargs: dict[str, Any] = {"ignore_https_errors": True, "locale": "vi-VN", "user_agent": user_agent,
                              "service_workers": "block"}
    proxy = proxy_option()
    if proxy is not None:
        kwargs["proxy"] = proxy
    return kwargs


def playwright_settings(config: RenderConfig) -> dict[str, Any]:
    launch: dict[str, Any] = {"executable_path": config.browser, "headless": True, "args": list(BROWSER_ARGS)}
    if proxy_option() is not None:
        # pages reach the network through the context's proxy (context_kwargs); the browser's
        # own traffic (update checks, sign-in) goes to a closed loopback port, nowhere else
        launch["proxy"] = {"server": DEAD_PROXY}
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": config.concurrency,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": int(config.timeout * 1000),
        "PLAYWRIGHT_ABORT_REQUEST": "scrapers.rendering.capture.leaves_portal",
    }


class RenderingAddon:
    """Installs scrapy-playwright's handler when ``CONGAN_RENDER`` is on and it can work."""

    def update_settings(self, settings: BaseSettings) -> None:
        config = RenderConfig.from_settings(settings)
        settings.set(ACTIVE, False, priority="addon")
        if not config.enabled:
            return
        reason = unavailable(config, settings.get("TWISTED_REACTOR"))
        if reason is not None:
            logger.warning("rendering of script-driven pages is off: %s", reason)
            return
        for name, value in playwright_settings(config).items():
            settings.set(name, value, priority="addon")
        settings.set(ACTIVE, True, priority="addon")
