"""Scrapy settings of the project.

The defaults are polite for the real network (robots.txt obeyed, two connections per
portal, AutoThrottle, a delay between requests, an identifying User-Agent with a contact
URL). Tests and the demo make crawls fast with the standard Scrapy settings::

    congan crawl -s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False

while robots.txt ``Crawl-delay`` and ``Retry-After`` are still honoured (they come from the
portals, not from us). Every ``CONGAN_*``, ``WARC_*`` and ``EXTRACT_*`` setting is listed in
``docs/settings.md``; a test keeps the two in step. Components add their entries to the
``DOWNLOADER_MIDDLEWARES`` / ``EXTENSIONS`` / ``ITEM_PIPELINES`` dicts below, with a comment.
"""

from __future__ import annotations

from archive.paths import DEFAULT_COLLECTION as _DEFAULT_COLLECTION

BOT_NAME = "congan-archive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# -- the crawl this process runs (set by `congan crawl`; see docs/settings.md) -------------
#: Data directory root; None means $CONGAN_DATA, else ./data (archive.paths.DataDir.resolve).
CONGAN_DATA = None
#: pywb collection the WARCs go to.
CONGAN_COLLECTION = _DEFAULT_COLLECTION
#: Crawl id: names the frontier, the report and the crawl history entry. Filled in by
#: scrapers.crawl.addon when empty, so `scrapy crawl network` works too.
CONGAN_CRAWL_ID = ""
#: Seed URLs; with no seeds and no sites the spider crawls the whole registry.
CONGAN_SEEDS: list[str] = []
#: Portal domains to crawl (restricts the registry).
CONGAN_SITES: list[str] = []
#: Stop handing out requests after this many (0: no limit). Counted by the frontier,
#: so it survives a resume.
CONGAN_MAX_PAGES = 0
# -- discovery (the network spider; scrapers/config.py) ------------------------------
#: Requests per portal, requisites included (0: no limit); a safety net for traps the other
#: rules miss, high enough for the largest portals (tens of thousands of articles and images).
CONGAN_MAX_PAGES_PER_SITE = 200000
#: Link hops from a portal's start pages (0: no limit); the next page of a listing does not
#: count as a hop.
CONGAN_MAX_DEPTH = 12
#: Crawl portals found in "Liên kết công an các tỉnh" blocks (when no CONGAN_SITES is given).
CONGAN_DISCOVER_PORTALS = True
#: Fetch page requisites (images, CSS, scripts, attached documents) of in-scope pages.
CONGAN_FETCH_REQUISITES = True
#: Listing watermarks: stop paginating once a listing page holds only archived articles.
#: On by default (a first crawl knows no article, so it changes nothing there); a full
#: re-crawl sets it False, with CONGAN_CONDITIONAL_ENABLED=False.
CONGAN_INCREMENTAL = True
#: In incremental crawls, once everything else is done, re-request (conditionally) the corpus
#: articles of the portals reached that are due (CONGAN_REVISIT_MODE), so edits and deletions
#: (404/410) are noticed (scrapers.crawl.revisit).
CONGAN_REVISIT_KNOWN = True
#: Which known articles a re-crawl checks: "schedule" (by age, plus those gone from a listing
#: page read again) or "full" (all of them; `congan crawl --full-revisit`).
CONGAN_REVISIT_MODE = "schedule"
#: Articles published within this many days are checked by every re-crawl; older ones wait
#: longer between checks, the wait doubling each time their age doubles.
CONGAN_REVISIT_FRESH_DAYS = 7
#: The longest wait between two checks of an old article (days).
CONGAN_REVISIT_MAX_INTERVAL_DAYS = 180
#: Archived requisites (with validators, or at immutable-looking URLs) are not fetched again
#: within this many days; after that they are asked conditionally.
CONGAN_REQUISITE_MAX_AGE_DAYS = 30
#: Scheme of the registry's start URLs (portals redirect to https themselves).
CONGAN_SEED_SCHEME = "http"
#: Another registry CSV (default: scrapers/data/registry.csv).
CONGAN_REGISTRY = ""
#: "on": CMS family adapters add targets; "off": the generic path only (no family adapter,
#: no fingerprinting, no extraction profile)
CONGAN_ADAPTERS = "on"

# -- rendering of script-driven pages (scrapers.rendering) -----------------------------------
#: ``auto``: pages whose static HTML shows script-filled content are rendered in headless
#: chromium (every request they make archived); ``off``: never. Without scrapy-playwright or
#: the browser the crawl logs one warning and runs without rendering.
CONGAN_RENDER = "off"
#: The browser (Debian's chromium; never a browser download).
CONGAN_RENDER_BROWSER = "/usr/bin/chromium"
#: Pages rendered per portal at most (0: no limit).
CONGAN_RENDER_MAX_PAGES_PER_SITE = 200
#: Seconds a rendered page may take to load.
CONGAN_RENDER_TIMEOUT = 20.0
#: "Load more" / next-page clicks per rendered page at most.
CONGAN_RENDER_CLICKS = 40
#: Browser pages open at once (one browser context).
CONGAN_RENDER_CONCURRENCY = 2

# -- identity ------------------------------------------------------------------------------
#: Where portal operators can reach whoever runs the crawler; goes into the User-Agent.
CONGAN_CONTACT_URL = "https://github.com/congan-archive/congan-archive#contact"
#: %(contact)s is replaced by CONGAN_CONTACT_URL (scrapers.crawl.addon) unless USER_AGENT
#: itself is overridden.
CONGAN_USER_AGENT_TEMPLATE = "congan-archive/0.1 (web archive of public police portals; +%(contact)s)"
USER_AGENT = CONGAN_USER_AGENT_TEMPLATE % {"contact": CONGAN_CONTACT_URL}

# -- politeness ------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
#: A robots.txt unreachable (5xx, network error) disallows the whole portal, as RFC 9309 says
#: (scrapers.middlewares.robots_unreachable); Scrapy alone would allow everything.
CONGAN_ROBOTS_UNREACHABLE_DISALLOW = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
#: Seconds between two requests to one portal (Scrapy adds a ±50% jitter).
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
#: robots.txt Crawl-delay is honoured per portal (scrapers.middlewares.crawl_delay);
#: a larger value than this is capped (and logged) so one portal cannot stall a crawl.
CONGAN_CRAWL_DELAY_ENABLED = True
CONGAN_CRAWL_DELAY_MAX = 60.0
#: Retry-After on 429/503 is honoured per portal (scrapers.middlewares.retry_after);
#: longer waits are capped at this many seconds.
CONGAN_RETRY_AFTER_ENABLED = True
CONGAN_RETRY_AFTER_MAX = 300.0
#: A portal that keeps failing is paused for BASE * 2**(n-1) seconds after its n-th
#: consecutive failure (at most MAX_DELAY), and skipped after SKIP_AFTER failures in a row
#: (scrapers.middlewares.backoff). BASE None: 2 x DOWNLOAD_DELAY, so that
#: -s DOWNLOAD_DELAY=0 makes test crawls skip dead portals without pausing.
CONGAN_BACKOFF_ENABLED = True
CONGAN_BACKOFF_BASE = None
CONGAN_BACKOFF_MAX_DELAY = 120.0
CONGAN_BACKOFF_SKIP_AFTER = 6

# -- fetching ------------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
#: Bodies above MAXSIZE are cut (the WARC keeps what arrived, marked WARC-Truncated).
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "vi,en;q=0.5",
    # No br/zstd: the WARC keeps bodies as sent, and every replay tool must decode them.
    "Accept-Encoding": "gzip, deflate",
}
#: Send If-None-Match / If-Modified-Since for URLs captured before
#: (scrapers.middlewares.conditional), for these page kinds (PageContext.kind) only:
#: listings, seeds, feeds and APIs are always fetched whole, that is where new articles appear.
CONGAN_CONDITIONAL_ENABLED = True
CONGAN_CONDITIONAL_PAGE_KINDS = ["article", "requisite"]

# -- progress and reports --------------------------------------------------------------------
#: Seconds between two progress lines in the log (0: off).
CONGAN_PROGRESS_INTERVAL = 30.0
#: A live progress line on stderr (rich), redrawn every second; `congan crawl` sets it when
#: stderr is a terminal and neither -q nor -v is given.
CONGAN_LIVE_PROGRESS = False
#: Write DataDir.crawl_dir(id)/report.json when the spider closes (scrapers.reporting.report),
#: and every CONGAN_REPORT_INTERVAL seconds while it runs (0: only at the end).
CONGAN_REPORT_ENABLED = True
CONGAN_REPORT_INTERVAL = 30.0
#: Stop the crawl (resumable, reason disk_full) when the data directory's file system has
#: less than this many MB free (scrapers.crawl.disk_guard); checked every CONGAN_DISK_CHECK_INTERVAL s.
CONGAN_MIN_FREE_MB = 64
CONGAN_DISK_CHECK_INTERVAL = 1.0

# -- WARC capture (scrapers.capture.warc_capture, archive.warc) ------------------------------------
#: Write every response to WARC. Off: no WARC, no revisits (benchmarks only).
WARC_ENABLED = True
#: File names: <WARC_PREFIX>-<crawl_id>-<YYYYmmddHHMMSS>-<serial:05d>.warc.gz (no '-' in it).
WARC_PREFIX = "congan"
#: A WARC file is closed (renamed from .warc.gz.open, indexed) once it reaches this size.
WARC_MAX_SIZE = 1_000_000_000
#: Bodies are kept up to this many bytes and marked WARC-Truncated: length; None means
#: DOWNLOAD_MAXSIZE, 0 no limit. The extension takes over Scrapy's DOWNLOAD_MAXSIZE drop.
WARC_MAX_BODY_SIZE = None
#: Who runs the crawl, in every warcinfo record; empty means CONGAN_CONTACT_URL.
WARC_OPERATOR = ""
#: Collection the WARCs go to; empty means CONGAN_COLLECTION.
WARC_COLLECTION = ""

# -- the crawl machinery ---------------------------------------------------------------------
#: Durable frontier with lease/ack (archive.control.frontier): a crawl survives kill -9 and resumes.
SCHEDULER = "scrapers.crawl.frontier_scheduler.FrontierScheduler"
#: Where the frontier lives: empty for SQLite in the data directory (state/frontier/), or
#: redis://host:port/db for one shared by several crawl processes (archive.control.frontier_redis).
CONGAN_FRONTIER_URL = ""
#: When only paused portals (Retry-After, backoff) have work left, those paused longer than
#: this many seconds are not waited for: their pending requests are deferred to the next crawl
#: (state/registry.sqlite3, shown in the report) and the crawl finishes.
CONGAN_DEFER_AFTER = 30.0

# -- Scrapy housekeeping ----------------------------------------------------------------------
TELNETCONSOLE_ENABLED = False
#: no control port (Scrapy's remote control HTTP server) on a crawler
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES: dict[str, int | None] = {
    # scope of the network instead of allowed_domains: redirects out of it are refused too
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapers.middlewares.scope.ScopeMiddleware": 50,
    # robots.txt unreachable -> portal disallowed (RFC 9309), right after RobotsTxtMiddleware (100)
    "scrapers.middlewares.robots_unreachable.RobotsUnreachableMiddleware": 105,
    # robots.txt Crawl-delay per portal (after RobotsTxtMiddleware, 100)
    "scrapers.middlewares.crawl_delay.CrawlDelayMiddleware": 110,
    # Retry-After on 429/503, then backoff of failing portals: above RetryMiddleware (550),
    # so they see every attempt before it is retried
    "scrapers.middlewares.retry_after.RetryAfterMiddleware": 552,
    "scrapers.middlewares.backoff.BackoffMiddleware": 555,
    # If-None-Match / If-Modified-Since from the latest capture
    "scrapers.middlewares.conditional.ConditionalRequestMiddleware": 585,
    # per-portal pages, bytes, statuses, errors by kind, robots denials (sees raw answers)
    "scrapers.middlewares.portal_stats.PortalStatsMiddleware": 950,
}
SPIDER_MIDDLEWARES: dict[str, int | None] = {
    # archives each page's outlinks once its callback is done (metadata record)
    "scrapers.capture.warc_capture.WarcOutlinksMiddleware": 1000,
}
#: Scrapy's cookie middleware reads the Public Suffix List from tldextract's bundled snapshot
#: instead of downloading it (scrapers.crawl.public_suffixes).
CONGAN_PUBLIC_SUFFIX_OFFLINE = True

EXTENSIONS: dict[str, int | None] = {
    # every downloaded response to WARC, as sent (response_downloaded); see WARC_* above
    "scrapers.capture.warc_capture.WarcCaptureExtension": 0,
    # a full or unwritable data directory stops the crawl at once, resumable (disk_full)
    "scrapers.crawl.disk_guard.DiskGuardExtension": 5,
    # the progress line replaces Scrapy's LogStats; the report is written at spider_closed,
    # after CoreStats (0) has set elapsed_time_seconds
    "scrapy.extensions.logstats.LogStats": None,
    "scrapers.reporting.progress.ProgressExtension": 10,
    # the live line on a terminal (CONGAN_LIVE_PROGRESS, set by `congan crawl`)
    "scrapers.reporting.live.LiveProgressExtension": 11,
    "scrapers.reporting.report.CrawlReportExtension": 20,
    # incremental crawls: revisit known articles at the end, to notice deletions
    "scrapers.crawl.revisit.RevisitKnownExtension": 30,
    # a 304 for an article moves its last_seen in the corpus (as congan reextract does)
    "scrapers.capture.not_modified.NotModifiedExtension": 40,
    # a known article answered 404/410 or redirected to a non-article page: removed in the corpus
    "scrapers.crawl.removals.RemovalWatchExtension": 45,
    # incremental crawls: whether each portal's sitemap <lastmod> dates proved right
    "scrapers.crawl.lastmod_check.LastmodCheckExtension": 46,
    # the cookie middleware's public-suffix check uses tldextract's bundled list, no download
    "scrapers.crawl.public_suffixes.OfflinePublicSuffixes": 50,
}
ITEM_PIPELINES: dict[str, int] = {
    # extract each ArticlePage and file it in the corpus (EXTRACT_ENABLED switches it off)
    "scrapers.filing.pipeline.ArticlePipeline": 300,
}
# article extraction: the pipeline, and the fill rate below which the crawl report flags a
# portal's dates or bodies (scrapers.extract.health)
EXTRACT_ENABLED = True
#: processes extracting articles beside the crawl (scrapers.filing.offload); 0: in the crawl's
#: own thread. Filing in the corpus always leaves the event loop for a thread of its own.
EXTRACT_WORKERS = 1
EXTRACT_HEALTH_MIN_FILL = 0.8
ADDONS: dict[str, int] = {
    # crawl id when none is given, User-Agent from CONGAN_CONTACT_URL
    "scrapers.crawl.addon.CrawlAddon": 0,
    # scrapy-playwright's download handler when CONGAN_RENDER is on and chromium is there
    "scrapers.rendering.addon.RenderingAddon": 10,
}
