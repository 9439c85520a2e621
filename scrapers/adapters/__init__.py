"""CMS adapters: one module per family, each exposing ``ADAPTER`` (see ``base.Adapter``).

The registry names a portal's adapter; ``get_adapter(name)`` loads it. Families:
dotnetnuke, wordpress, nukeviet, liferay, joomla, webforms, vnpt, custom, generic.
"""

from __future__ import annotations

import importlib

from .base import Adapter

FAMILIES: tuple[str, ...] = (
    "dotnetnuke", "wordpress", "nukeviet", "liferay", "joomla", "webforms", "vnpt", "custom", "generic",
)


class UnknownAdapter(KeyError):
    """The registry names an adapter no module provides."""


def get_adapter(name: str) -> Adapter:
    """The adapter of a CMS family (``generic`` for portals whose CMS is unknown)."""
    if name not in FAMILIES:
        raise UnknownAdapter(f"unknown adapter {name!r}; known: {', '.join(FAMILIES)}")
    module = importlib.import_module(f"{__name__}.{name}")
    return module.ADAPTER
