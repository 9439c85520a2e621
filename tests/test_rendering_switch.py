"""The rendering switch (scrapers.rendering.addon): on by default, off with one setting, and a
crawl without the browser still runs, with one warning saying why."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import pytest
from scrapy.settings import Settings

from scrapers import settings as project_settings
from scrapers.errors import ConfigError
from scrapers.rendering.addon import ACTIVE, HANDLER, RenderConfig, RenderingAddon


def crawl_settings(**overrides: object) -> Settings:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.update(overrides, priority="cmdline")
    return settings


def installed(settings: Settings) -> bool:
    RenderingAddon().update_settings(settings)
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert settings.getbool(ACTIVE) == (handlers.get("http") == HANDLER == handlers.get("https"))
    return settings.getbool(ACTIVE)


def test_rendering_is_on_by_default_and_off_with_one_setting() -> None:
    assert RenderConfig.from_settings(crawl_settings()).mode == "auto"
    for value in ("off", "OFF", "false", "0", "no"):
        config = RenderConfig.from_settings(crawl_settings(CONGAN_RENDER=value))
        assert config.mode == "off" and not config.enabled
        assert not installed(crawl_settings(CONGAN_RENDER=value))  # Scrapy's own HTTP handler stays
    with pytest.raises(ConfigError, match="CONGAN_RENDER must be one of"):
        RenderConfig.from_settings(crawl_settings(CONGAN_RENDER="sometimes"))


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists() or importlib.util.find_spec("scrapy_playwright") is None,
                    reason="needs Debian's chromium and scrapy-playwright")
def test_with_the_browser_there_the_default_installs_the_handler() -> None:
    settings = crawl_settings()
    assert installed(settings)
    launch = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert launch["executable_path"] == "/usr/bin/chromium" and launch["headless"]


def test_a_missing_browser_costs_one_warning_not_the_crawl(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    settings = crawl_settings(CONGAN_RENDER_BROWSER=str(tmp_path / "no-chromium"))
    with caplog.at_level(logging.WARNING, logger="scrapers.rendering.addon"):
        assert not installed(settings)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "no-chromium" in warnings[0] and "apt-get install chromium" in warnings[0]


SHELL_PAGE = """<html><body><h1>An ninh trật tự</h1>
<div ng-controller="NewsListCtrl" data-category-id="2" data-page-size="5">
<div ng-repeat="news in list"><a ng-href="{{news.Url}}">{{news.Title}}</a></div></div>
<script src="/js/service.js"></script></body></html>"""


def test_a_page_its_adapter_reads_is_rendered_only_if_the_adapters_requests_for_it_get_nothing() -> None:
    from scrapers.discovery.adapter import Page
    from scrapers.families import get_adapter
    from scrapers.page_context import PageContext
    from scrapers.rendering.handler import Renderer

    url = "http://congan.khongro.gov.vn/tin-tuc/an-ninh"
    api = ("http://congan.khongro.gov.vn/DesktopModules/cmsview/api/NewsContent/listnew"
           "?CategoryId=2&PageIndex=1&PageSize=5")
    page = Page(url=url, text=SHELL_PAGE, content_type="text/html")
    knows, blind = get_adapter("dotnetnuke"), get_adapter("generic")
    site = "congan.khongro.gov.vn"

    def renderer() -> Renderer:
        return Renderer(RenderConfig(mode="auto"), True, None, lambda u: site)

    context = PageContext(site=site, kind="listing")
    # the DotNetNuke adapter knows this shell's API: the page waits for that request's answer,
    # whichever comes first (the same answers give the same decision in any order)
    answers_first = renderer()
    assert answers_first.adapter_answered(api, site, True) == []
    assert answers_first.wants(page, site, knows, url, context) is None  # read by the adapter
    page_first = renderer()
    assert page_first.wants(page, site, knows, url, context) is None  # waits
    assert page_first.adapter_answered(api, site, True) == []  # settled: not rendered
    assert page_first.fallback.waiting == 0
    # another installation without that API (error, empty list): the page is rendered
    for order in ("page first", "answer first"):
        blind_portal = renderer()
        if order == "answer first":
            assert blind_portal.adapter_answered(api, site, False) == []
            assert blind_portal.wants(page, site, knows, url, context) is not None
        else:
            assert blind_portal.wants(page, site, knows, url, context) is None
            assert [w.url for w in blind_portal.adapter_answered(api, site, False)] == [url]
    assert renderer().wants(page, site, blind, url) is not None  # the generic adapter reads no API
    off = Renderer(RenderConfig(mode="off"), True, None, lambda u: site)
    assert off.wants(page, site, blind, url) is None


def test_a_render_neither_waits_for_nor_holds_up_its_portals_static_crawl() -> None:
    from scrapy import Request

    from scrapers.compat import slot_key
    from scrapers.page_context import PageContext
    from scrapers.rendering.detect import Detection
    from scrapers.rendering.handler import Renderer

    url = "http://congan.khongro.gov.vn/tin-tuc/an-ninh"
    renderer = Renderer(RenderConfig(mode="auto"), True, None, lambda u: "congan.khongro.gov.vn")
    render = renderer.request(url, PageContext(site="congan.khongro.gov.vn"), None, None,
                              Detection(signals=("template",)))
    static = Request("http://congan.khongro.gov.vn/tin-tuc/an-ninh?page=2")
    # leased before the portal's queued pages (not after its last one: the crawl's tail) ...
    assert render.priority > static.priority
    # ... through a slot of its own: a page open for seconds in the browser does not take one
    # of the portal's two download slots (nor its frontier queue's in-flight count)
    assert slot_key(render) != slot_key(static) == "congan.khongro.gov.vn"
    assert slot_key(render).startswith("congan.khongro.gov.vn")
    assert render.meta["playwright"] and render.dont_filter
