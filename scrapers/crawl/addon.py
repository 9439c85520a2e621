"""Settings derived from other settings, filled in before the crawl starts (a Scrapy add-on).

- ``CONGAN_CRAWL_ID``: a new id (``archive.control.history.new_crawl_id``) when empty, so
  ``scrapy crawl network`` gets a frontier, a report and WARC names like ``congan crawl``.
- ``USER_AGENT``: built from ``CONGAN_USER_AGENT_TEMPLATE`` and ``CONGAN_CONTACT_URL`` unless
  ``USER_AGENT`` itself was overridden (``-s USER_AGENT=...``), so ``-s CONGAN_CONTACT_URL=...``
  is enough to change the contact.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.settings import SETTINGS_PRIORITIES

from archive.control.history import new_crawl_id

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)


def user_agent(template: str, contact_url: str) -> str:
    """The User-Agent for a contact URL; the template names it ``%(contact)s``."""
    if "%(contact)s" not in template:
        raise ValueError("CONGAN_USER_AGENT_TEMPLATE must contain %(contact)s")
    return template % {"contact": contact_url}


class CrawlAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("CONGAN_CRAWL_ID"):
            crawl_id = new_crawl_id()
            settings.set("CONGAN_CRAWL_ID", crawl_id, priority=settings.getpriority("CONGAN_CRAWL_ID") or "addon")
            logger.info("New crawl id %s", crawl_id)
        ua_priority = settings.getpriority("USER_AGENT") or 0
        if ua_priority <= SETTINGS_PRIORITIES["project"]:
            agent = user_agent(settings.get("CONGAN_USER_AGENT_TEMPLATE"), settings.get("CONGAN_CONTACT_URL"))
            settings.set("USER_AGENT", agent, priority=max(ua_priority, SETTINGS_PRIORITIES["addon"]))
