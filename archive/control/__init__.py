"""The crawl control plane: what to fetch next, what ran, what runs when, what the crawls saw.

- :mod:`archive.control.frontier` (SQLite) and :mod:`archive.control.frontier_redis`: the durable
  frontier of one crawl (lease/ack, resumable after kill -9);
- :mod:`archive.control.history`: every crawl with its status and report
  (:mod:`archive.control.report` is the report's typed form);
- :mod:`archive.control.schedules` and :mod:`archive.control.scheduler`: recurring crawls;
- :mod:`archive.control.registry_state` and :mod:`archive.control.lifecycle`: what crawls learned
  about each portal (live, redirecting, down, back) and what that means.

Like the rest of ``archive/`` it never imports Scrapy.
"""
