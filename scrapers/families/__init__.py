"""CMS families: one module per family, holding its discovery rules (``ADAPTER``, a
``scrapers.discovery.adapter.Adapter``) and its extraction profile (``PROFILE``, a
``scrapers.extract.profile.Profile``) together, as data. The machinery that applies them
lives in ``scrapers.discovery`` and ``scrapers.extract``.

The registry names a portal's family; ``get_adapter(name)`` / ``get_profile(name)`` load it.
Families: dotnetnuke, wordpress, nukeviet, liferay, joomla, webforms, vnpt, custom, generic.
Adding a family means adding a module here and its name to ``FAMILIES``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from scrapers.errors import UnknownAdapter, UnknownProfileError

if TYPE_CHECKING:
    from scrapers.discovery.adapter import Adapter
    from scrapers.extract.profile import Profile

FAMILIES: tuple[str, ...] = (
    "dotnetnuke", "wordpress", "nukeviet", "liferay", "joomla", "webforms", "vnpt", "custom", "generic",
)
#: the extraction profile names (one per family)
PROFILE_NAMES = FAMILIES
#: the family of portals whose CMS is unknown
GENERIC = "generic"

__all__ = ["FAMILIES", "GENERIC", "PROFILE_NAMES", "UnknownAdapter", "UnknownProfileError", "adapter_or_generic",
           "get_adapter", "get_profile"]


def get_adapter(name: str) -> Adapter:
    """The adapter of a CMS family (``generic`` for portals whose CMS is unknown)."""
    if name not in FAMILIES:
        raise UnknownAdapter(f"unknown adapter {name!r}; known: {', '.join(FAMILIES)}")
    module = importlib.import_module(f"{__name__}.{name}")
    adapter: Adapter = module.ADAPTER
    return adapter


def adapter_or_generic(name: str | None) -> Adapter:
    """The adapter of ``name``, the generic one when ``name`` is empty or unknown."""
    try:
        return get_adapter(name or GENERIC)
    except UnknownAdapter:
        return get_adapter(GENERIC)


def get_profile(name: str | None) -> Profile:
    """The extraction profile of a family (``None`` means ``generic``)."""
    name = name or GENERIC
    if name not in PROFILE_NAMES:
        raise UnknownProfileError(f"unknown extraction profile {name!r}; known: {', '.join(PROFILE_NAMES)}")
    module = importlib.import_module(f"{__name__}.{name}")
    profile: Profile = module.PROFILE
    return profile
