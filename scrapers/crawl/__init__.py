"""Running a crawl (SPEC 5 "Durability", "Incremental"): ``congan crawl`'s runner, the add-on that
fills in per-crawl settings, the durable frontier scheduler, revisits of known articles and
listing watermarks."""
