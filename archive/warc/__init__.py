"""WARC files of the archive: building records, writing files (rotation, ``.open`` ->
closed rename, crash repair), reading and verifying them. Built on warcio; never imports
Scrapy.

File names follow ``<prefix>-<crawl_id>-<YYYYmmddHHMMSS>-<serial:05d>.warc.gz`` (see
``archive.warc.naming``).
"""
