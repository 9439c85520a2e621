"""Behaviours on a real page (headless chromium, every request answered in the test: none
leaves the machine): a control that submits the page's form does not navigate away."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from scrapers.rendering.addon import BROWSER_ARGS, RenderConfig

BROWSER = RenderConfig().browser
#: one whole-page form, as ASP.NET portals have: its pager button submits it (POST)
PAGE = """<html><body><form method="post" action="/"><div id="list"><a href="/tin/1">Tin một</a></div>
<button>Trang sau</button></form></body></html>"""


@pytest.mark.skipif(not Path(BROWSER).exists(), reason="no chromium")
def test_a_control_that_submits_the_form_leaves_the_rendered_page_in_place() -> None:
    async_api = pytest.importorskip("playwright.async_api")
    from scrapers.rendering.behaviours import run_behaviours

    async def render() -> tuple[str, str, str, int, list[str]]:
        posts: list[str] = []
        async with async_api.async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=BROWSER, args=list(BROWSER_ARGS))
            page = await browser.new_page()

            async def serve(route: object, request: object) -> None:
                if request.method == "POST":  # type: ignore[attr-defined]
                    posts.append(request.url)  # type: ignore[attr-defined]
                await route.fulfill(status=200, body=PAGE, content_type="text/html; charset=utf-8")  # type: ignore[attr-defined]

            await page.context.route("**/*", serve)
            await page.goto("http://congan.khongro.gov.vn/tin-tuc")
            loaded = page.url
            seen: dict[str, str] = {}
            result = await run_behaviours(page, 3, [0], seen)
            url, html = page.url, await page.content()
            await browser.close()
            return loaded, url, html, result.clicks, posts

    loaded, url, html, clicks, posts = asyncio.run(render())
    assert clicks >= 1  # the button was clicked ...
    assert posts == []  # ... its submission never left the page ...
    assert url == loaded and "/tin-tuc" in url  # ... and the page stayed (no chrome-error://)
    assert "Tin một" in html
