"""A tiny Scrapy crawl with WARC capture, run as a subprocess by the WARC tests:

    python tests/warc_crawl.py DATA_DIR CRAWL_ID URL [URL...] [--post URL] [--header N=V] [-s NAME=VALUE...]

Each URL is fetched once (no link following); ``--post`` sends a form POST, ``--header`` adds
a request header to every request. The spider lists every URL it fetched, with the
StoredRecord the capture put in request.meta, as JSON lines on stdout.

Only the project settings that shape what goes on the wire and into the WARC are taken from
``scrapers.settings`` (request headers, User-Agent, WARC_*), so this crawl does not depend on
the frontier or politeness components. Cookies are off: Scrapy's cookie middleware asks
tldextract for the public suffix list, which tries the network.
"""

from __future__ import annotations

import json
import sys

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archive.capture import StoredRecord
from scrapers.page_context import META_KEY, PageContext, ensure_context


class FetchSpider(scrapy.Spider):
    name = "warc_fetch"

    def __init__(self, urls: list[str], posts: list[str], headers: dict[str, str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.posts = posts
        self.extra_headers = headers

    async def start(self):  # type: ignore[override]
        for url in self.urls:
            yield scrapy.Request(url, dont_filter=True, headers=self.extra_headers, meta={META_KEY: PageContext(
                kind="article", adapter="test", hops="L", via="http://seed/")})
        for url in self.posts:
            yield scrapy.FormRequest(url, formdata={"q": "công an", "page": "2"}, dont_filter=True)

    def parse(self, response):  # type: ignore[override]
        stored = ensure_context(response).capture
        print(json.dumps({"url": response.url, "status": response.status, "flags": response.flags,
                          "stored": stored.as_dict() if isinstance(stored, StoredRecord) else None}), flush=True)
        ensure_context(response).outlinks = ["https://www.bocongan.gov.vn/"]
        if response.url.endswith("/gzip"):
            yield scrapy.Request(response.urljoin("/never-followed"), callback=self.parse,
                                 meta={META_KEY: PageContext(kind="article")}, dont_filter=True, priority=-100)


def main(argv: list[str]) -> None:
    data, crawl_id, *rest = argv
    urls, posts, overrides, headers = [], [], {}, {}
    it = iter(rest)
    for arg in it:
        if arg == "--post":
            posts.append(next(it))
        elif arg == "--header":
            name, _, value = next(it).partition("=")
            headers[name] = value
        elif arg == "-s":
            name, _, value = next(it).partition("=")
            overrides[name] = value
        else:
            urls.append(arg)
    import scrapers.settings as project

    settings = Settings()
    settings.update(
        {
            name: getattr(project, name)
            for name in dir(project)
            if name.startswith("WARC_") or name in ("DEFAULT_REQUEST_HEADERS", "USER_AGENT", "DOWNLOAD_MAXSIZE")
        },
        priority="project",
    )
    settings.update({
        "CONGAN_DATA": data, "CONGAN_CRAWL_ID": crawl_id, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "WARNING", "HTTPERROR_ALLOW_ALL": True, "RETRY_ENABLED": False,
        "CONCURRENT_REQUESTS": 1, "COOKIES_ENABLED": False,
        "EXTENSIONS": {"scrapers.capture.warc_capture.WarcCaptureExtension": 0},
        "SPIDER_MIDDLEWARES": {"scrapers.capture.warc_capture.WarcOutlinksMiddleware": 1000},
    }, priority="cmdline")
    settings.update(overrides, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(FetchSpider, urls=urls, posts=posts, headers=headers)
    process.start()


if __name__ == "__main__":
    main(sys.argv[1:])
