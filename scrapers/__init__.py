"""Scrapy glue, the only package that bridges Scrapy and archive/. Sub-packages by role:
``portals`` (registry, URLs, scope), ``families`` (one module per CMS family: discovery rules
and extraction profile, as data), ``discovery`` and ``extract`` (the machinery that applies
them), ``capture`` (WARC), ``crawl`` (runner, frontier, revisits), ``middlewares``,
``filing`` (articles into the corpus), ``reporting``. Top level: ``settings``, ``config`` (the
settings parsed once), ``items``, ``errors``, ``compat`` (Scrapy internals)."""
