"""One module per CMS family; ``load(spec, catalog)`` builds the portal of a site."""

from __future__ import annotations

import importlib

from ..catalog import Catalog
from ..sites import SITES, SiteSpec
from .base import Portal


def load(spec: SiteSpec, catalog: Catalog, sites: tuple[SiteSpec, ...] = SITES) -> Portal:
    module = importlib.import_module(f"{__name__}.{spec.cms}")
    portal: Portal = module.PORTAL(spec, catalog, sites)
    return portal
