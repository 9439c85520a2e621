"""Scrapy settings of the project. Polite defaults for the real network; tests and the
demo override delays with ``-s`` (see README "Settings")."""

from __future__ import annotations

BOT_NAME = "congan-archive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
