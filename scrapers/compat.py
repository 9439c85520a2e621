"""The only module that touches Scrapy internals (names Scrapy does not document as public).

Three places need them, each for a reason no public API serves:

* ``hook_request_done``: the engine has no signal for "done with this request" (response
  scraped and every item processed, or a replacement scheduled); its slot's
  ``remove_request`` is exactly that point. The durable frontier acks requests there
  (``scrapers.crawl.frontier_scheduler``).
* ``set_cookie_domain_splitter``: Scrapy's cookie middleware asks ``tldextract`` through a
  module-level ``_split_domain``; the crawl points it at the bundled Public Suffix List so
  that nothing is downloaded (``scrapers.crawl.public_suffixes``).
* ``downloader_slots`` / ``per_slot_settings``: Crawl-delay and Retry-After stretch one
  portal's download slot (``scrapers.middlewares.crawl_delay``, ``retry_after``).
* ``fail_queued``: a portal deferred to a later crawl may have requests waiting in its
  download slot's queue (held there by Retry-After); they are failed at once instead
  (``scrapers.crawl.frontier_scheduler``).

``problems()`` lists what the installed Scrapy lacks; ``tests/test_scrapers_compat.py`` runs it
so that a Scrapy upgrade that renames one of these fails a test, not a crawl.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scrapy.utils.httpobj import urlparse_cached

from scrapers.errors import ScrapyCompatError

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.core.downloader import Slot
    from scrapy.core.engine import ExecutionEngine


def hook_request_done(engine: ExecutionEngine, on_done: Callable[[Request], None]) -> None:
    """Call ``on_done(request)`` each time the engine is done with a request (after its own
    bookkeeping). Raises ``ScrapyCompatError`` when the engine has no slot to hook."""
    slot = getattr(engine, "_slot", None)
    if slot is None or not callable(getattr(slot, "remove_request", None)):
        raise ScrapyCompatError(
            "the durable frontier needs Scrapy's engine slot remove_request(); install the Scrapy version "
            "pyproject.toml pins or adapt scrapers/compat.py"
        )
    original = slot.remove_request

    def remove_request(request: Request) -> None:
        original(request)
        on_done(request)

    slot.remove_request = remove_request


def set_cookie_domain_splitter(splitter: Callable[[str], Any]) -> bool:
    """Make Scrapy's cookie middleware split cookie domains with ``splitter`` (a
    ``tldextract.TLDExtract``). False when this Scrapy has no such hook (nothing changed)."""
    from scrapy.downloadermiddlewares import cookies

    if not hasattr(cookies, "_split_domain"):
        return False
    cookies._split_domain = splitter  # type: ignore[assignment]  # see the module docstring
    return True


def downloader_slots(engine: ExecutionEngine) -> dict[str, Slot]:
    """The downloader's slots by key (a portal's host unless ``download_slot`` says otherwise)."""
    return engine.downloader.slots


def downloader_slot(engine: ExecutionEngine, key: str) -> Slot | None:
    """The download slot of ``key``, or None before its first request."""
    return engine.downloader.slots.get(key)


def per_slot_settings(engine: ExecutionEngine, key: str) -> dict[str, Any]:
    """The settings a slot of ``key`` is created with (``DOWNLOAD_SLOTS``), created if absent."""
    return engine.downloader.per_slot_settings.setdefault(key, {})


def fail_queued(engine: ExecutionEngine, key: str, error: Callable[[Request], Exception]) -> int:
    """Fail every request waiting in the download slot ``key``'s queue with ``error(request)``
    (it goes through the middlewares' process_exception and the errback); how many."""
    from twisted.python.failure import Failure

    slot = engine.downloader.slots.get(key)
    queue = getattr(slot, "queue", None)
    if not queue:
        return 0
    waiting = list(queue)
    queue.clear()
    for request, deferred in waiting:
        deferred.errback(Failure(error(request)))
    return len(waiting)


def slot_key(request: Request) -> str:
    """The download slot a request goes through (as Scrapy's downloader chooses it)."""
    return request.meta.get("download_slot") or urlparse_cached(request).hostname or ""


def slot_host(key: str) -> str:
    """The host a download slot key belongs to: a slot of its own for some of a portal's
    requests is named ``<host>#<purpose>`` (the browser's renders), and pauses, deferrals and
    backoff stay the portal's."""
    return key.split("#", 1)[0]


def problems() -> list[str]:
    """What the installed Scrapy lacks of the internals above (empty: all present)."""
    from scrapy.core import downloader, engine
    from scrapy.downloadermiddlewares import cookies

    found = []
    slot_class = getattr(engine, "_Slot", None)
    if slot_class is None or not callable(getattr(slot_class, "remove_request", None)):
        found.append("scrapy.core.engine._Slot.remove_request")
    if not hasattr(cookies, "_split_domain"):
        found.append("scrapy.downloadermiddlewares.cookies._split_domain")
    for name in ("slots", "per_slot_settings"):
        if name not in downloader.Downloader.__init__.__code__.co_names:
            found.append(f"scrapy.core.downloader.Downloader.{name}")
    for name in ("delay", "jitter", "lastseen", "queue"):
        if name not in downloader.Slot.__init__.__code__.co_names:
            found.append(f"scrapy.core.downloader.Slot.{name}")
    return found
