"""WARC capture (SPEC 6): the Scrapy extension that writes every exchange (``warc_capture``), the
exchange built from Scrapy objects (``warc_exchange``), 304 answers that move an article's
``last_seen`` (``not_modified``)."""
