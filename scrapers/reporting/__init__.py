"""Crawl reports (SPEC 10): the report written when a crawl ends (``report``), progress lines
(``progress``) and what crawls learn about portals' lifecycle (``portal_watch``)."""
