"""The archive library: WARC writing and reading, CDXJ, WACZ, corpus store, search,
replay glue. A plain library: it never imports Scrapy (scrapers/ is the only bridge)."""

from __future__ import annotations

__version__ = "0.1.0"
