"""The settings of the ``network`` spider, parsed once into a frozen dataclass.

==============================  ============================================================
``CONGAN_SEEDS``                seed URLs (crawl the network reachable from them)
``CONGAN_SITES``                portal domains of the registry to crawl (only these)
``CONGAN_MAX_PAGES_PER_SITE``   requests per portal, requisites included (0: no limit)
``CONGAN_MAX_DEPTH``            link hops from a portal's start pages; the next page of a
                                listing is not a hop (0: no limit)
``CONGAN_DISCOVER_PORTALS``     crawl portals found in "Liên kết công an các tỉnh" blocks
``CONGAN_FETCH_REQUISITES``     fetch images, CSS, scripts and attached documents
``CONGAN_INCREMENTAL``          listing watermarks: stop paginating once a listing page
                                holds only articles the archive already has
``CONGAN_SEED_SCHEME``          scheme of registry start URLs (``http``: portals redirect
                                to https themselves, and the simulated network is plain http)
``CONGAN_REGISTRY``             another registry CSV (default: the packaged one)
==============================  ============================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.settings import BaseSettings

from scrapers.errors import NetworkConfigError

SCHEMES = ("http", "https")


@dataclass(frozen=True)
class NetworkConfig:
    seeds: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    max_pages_per_site: int = 0
    max_depth: int = 0
    discover_portals: bool = True
    fetch_requisites: bool = True
    incremental: bool = False
    seed_scheme: str = "http"
    registry_path: str = ""
    collection: str = "congan"
    data: str | None = None
    crawl_id: str = ""

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> "NetworkConfig":
        config = cls(
            seeds=tuple(s for s in settings.getlist("CONGAN_SEEDS") if s.strip()),
            sites=tuple(s.strip().lower() for s in settings.getlist("CONGAN_SITES") if s.strip()),
            max_pages_per_site=settings.getint("CONGAN_MAX_PAGES_PER_SITE", 0),
            max_depth=settings.getint("CONGAN_MAX_DEPTH", 0),
            discover_portals=settings.getbool("CONGAN_DISCOVER_PORTALS", True),
            fetch_requisites=settings.getbool("CONGAN_FETCH_REQUISITES", True),
            incremental=settings.getbool("CONGAN_INCREMENTAL", False),
            seed_scheme=(settings.get("CONGAN_SEED_SCHEME") or "http").lower(),
            registry_path=settings.get("CONGAN_REGISTRY") or "",
            collection=settings.get("CONGAN_COLLECTION") or "congan",
            data=settings.get("CONGAN_DATA") or None,
            crawl_id=settings.get("CONGAN_CRAWL_ID") or "",
        )
        config.validate()
        return config

    def validate(self) -> None:
        if self.max_pages_per_site < 0:
            raise NetworkConfigError("CONGAN_MAX_PAGES_PER_SITE must be 0 (no limit) or more")
        if self.max_depth < 0:
            raise NetworkConfigError("CONGAN_MAX_DEPTH must be 0 (no limit) or more")
        if self.seed_scheme not in SCHEMES:
            raise NetworkConfigError(f"CONGAN_SEED_SCHEME must be one of {', '.join(SCHEMES)}")
        for seed in self.seeds:
            if not seed.lower().startswith(("http://", "https://")):
                raise NetworkConfigError(f"CONGAN_SEEDS: {seed!r} is not an http(s) URL")
