"""Downloader middlewares of the crawl machinery, one concern per module: robots.txt
Crawl-delay (``crawl_delay``), Retry-After (``retry_after``), backing off failing portals
(``backoff``), conditional requests (``conditional``). ``host_pause`` is the wait they share."""
