"""Filing articles in the corpus (SPEC 7): one ``file_article`` shared by the crawl's item
pipeline (``pipeline``) and ``congan reextract`` (``reextract``), so both give the same records."""
