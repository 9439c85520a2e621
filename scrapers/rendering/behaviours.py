"""Behaviours: what the browser does on a rendered page before its links are read.

As Browsertrix's behaviours do, a page is let settle (network idle), then its "load more" and
next-page controls that are scripts rather than links ("Xem thêm", "Tải thêm", "Trang sau",
"»", numbered pager buttons) are clicked, one at a time, up to a budget of clicks, so that a
paginated API listing is walked without knowing its parameter names. A control whose click
brought nothing new (no request, no new link) is not clicked again. Controls that are real
links (``<a href="/…">``) are left to the crawler, which follows them as pages; clicking them
would navigate away.

``CONTROLS_JS`` finds the controls in the page (marking each with ``data-congan-control``);
``LINKS_JS`` reads every address the rendered DOM shows (links, ``<option value>``, ``data-url``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

#: texts of controls that load more or the next page (NFC, compared lower-case, trimmed)
CONTROL_TEXT_RE = (r"^((xem thêm|tải thêm|thêm tin|xem tiếp|trang sau|trang tiếp|tiếp theo|load more)(\s.{0,20})?"
                   r"|tiếp|sau|next|more|»|›|>>|tiếp »|\d{1,4})$")
#: milliseconds to wait for the network to go quiet after a load or a click
IDLE_MS = 3000

CONTROLS_JS = """(pattern) => {
  const re = new RegExp(pattern, 'i');
  const out = [];
  let n = 0;
  for (const el of document.querySelectorAll('a, button, [onclick], [role=button], input[type=button]')) {
    if (el.dataset.congandone) continue;
    const href = (el.getAttribute('href') || '').trim();
    if (el.tagName === 'A' && href && !href.startsWith('#') && !href.toLowerCase().startsWith('javascript')
        && !el.hasAttribute('data-url')) continue;
    const text = (el.innerText || el.value || '').normalize('NFC').replace(/\\s+/g, ' ').trim();
    if (!re.test(text)) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const key = 'c' + (n++);
    el.dataset.conganControl = key;
    out.push(key);
  }
  return out;
}"""

LINKS_JS = """() => {
  const out = [];
  for (const a of document.querySelectorAll('a[href], area[href]')) out.push([a.href, (a.innerText || '').trim()]);
  for (const o of document.querySelectorAll('option[value]')) {
    const v = o.getAttribute('value');
    if (v && v.trim()) out.push([new URL(v, document.baseURI).href, (o.textContent || '').trim()]);
  }
  for (const e of document.querySelectorAll('[data-url], [data-href]')) {
    const v = e.getAttribute('data-url') || e.getAttribute('data-href');
    if (v && v.trim()) out.push([new URL(v, document.baseURI).href, (e.innerText || '').trim()]);
  }
  return out;
}"""


@dataclass
class BehaviourResult:
    """What the behaviours did on one page."""

    clicks: int = 0
    useful_clicks: int = 0


async def settle(page: Any, timeout_ms: int = IDLE_MS) -> None:
    """Wait until the page's network is quiet (or ``timeout_ms`` passed)."""
    try:
        await page.wait_for_load_state("networkidle", timeout=timeout_ms)
    except Exception:
        await asyncio.sleep(0.2)


async def link_count(page: Any) -> int:
    try:
        return int(await page.evaluate("() => document.querySelectorAll('a[href], option[value]').length"))
    except Exception:
        return -1


async def run_behaviours(page: Any, budget: int, responses: list[int], seen: dict[str, str]) -> BehaviourResult:
    """Click load-more / next controls up to ``budget`` clicks. ``responses`` is a one-item
    counter of the responses the page received so far (kept by the caller's event handler);
    ``seen`` (URL -> text) gets the rendered DOM's addresses after the load and every useful
    click, so a pager that replaces its list loses none."""
    result = BehaviourResult()
    await settle(page)
    await collect_links(page, seen)
    await _stay_on_page(page)
    while result.clicks < budget:
        try:
            keys = await page.evaluate(CONTROLS_JS, CONTROL_TEXT_RE)
        except Exception:
            break
        if not keys:
            break
        progressed = False
        for key in keys:
            if result.clicks >= budget:
                break
            selector = f'[data-congan-control="{key}"]'
            before_links, before_responses = await link_count(page), responses[0]
            try:
                await page.click(selector, timeout=IDLE_MS, no_wait_after=True)
            except Exception:
                await _mark_done(page, selector)
                continue
            result.clicks += 1
            await settle(page)
            if await link_count(page) != before_links or responses[0] != before_responses:
                result.useful_clicks += 1
                progressed = True
                await collect_links(page, seen)
                await _unmark(page, selector)  # may be clicked again (one "Xem thêm" button, many pages)
            else:
                await _mark_done(page, selector)
        if not progressed:
            break
    return result


async def _stay_on_page(page: Any) -> None:
    """From now on the page may not navigate away (a control that submits a form or sets
    ``location``): such requests never leave, as with Browsertrix's behaviours. They are
    answered ``204 No Content`` on the spot, which keeps the page as it is; an aborted
    navigation made chromium replace the page with its error page (``chrome-error://``), whose
    DOM was then read as the rendered page (a whole-page ASP.NET form: every button submits)."""
    main = page.main_frame

    async def guard(route: Any, request: Any) -> None:
        if request.is_navigation_request() and request.frame == main:
            await route.fulfill(status=204, body="")
        else:
            await route.fallback()

    try:
        await page.route("**/*", guard)
    except Exception:
        return


async def _mark_done(page: Any, selector: str) -> None:
    try:
        await page.eval_on_selector(selector, "el => { el.dataset.congandone = '1'; }")
    except Exception:
        return


async def _unmark(page: Any, selector: str) -> None:
    try:
        await page.eval_on_selector(selector, "el => { delete el.dataset.conganControl; }")
    except Exception:
        return


async def collect_links(page: Any, seen: dict[str, str]) -> None:
    """Add (absolute URL -> text) every address the rendered DOM shows to ``seen``."""
    try:
        found = await page.evaluate(LINKS_JS)
    except Exception:
        return
    for url, text in found:
        if str(url).startswith(("http://", "https://")) and not seen.get(str(url)):
            seen[str(url).split("#", 1)[0]] = str(text)
