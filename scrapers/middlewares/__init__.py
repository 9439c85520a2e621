"""Downloader and spider middlewares of the crawl (SPEC 5 "Politeness", "Scope"), one concern
per module: robots.txt unreachable (``robots_unreachable``), Crawl-delay (``crawl_delay``),
Retry-After (``retry_after``), backing off failing portals (``backoff``), conditional requests
(``conditional``), the scope check of every request (``scope``) and per-portal stats
(``portal_stats``). ``host_pause`` is the wait they share."""
