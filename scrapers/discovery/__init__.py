"""Discovery machinery (SPEC 5 "Discovery"): what a CMS adapter is and how its data is applied to a
page (``adapter``), sitemaps and feeds (``feeds``), recognising a CMS (``fingerprint``). The
families' data lives in ``scrapers.families``. No Scrapy."""
