"""The errors of ``scrapers/``: one small hierarchy, each message saying what to do next.

``ScrapersError`` is the root; catch it (or a branch) narrowly. Configuration errors stop a
crawl before it starts (archiving silently off would lose the crawl); page-level problems are
never raised past the page boundary (they are logged and counted in stats instead).

==============================  ==============================================================
``ScrapersError``               root of the hierarchy
``ConfigError``                 a setting has a value the crawl cannot use; names the setting
``WarcSettingError``            a ``WARC_*`` setting (capture would not work)
``NetworkConfigError``          a ``CONGAN_*`` setting of the network spider
``CrawlSpecError``              ``congan crawl`` asked for values it cannot use
``RegistryError``               the registry CSV is malformed; names the row and column
``UnknownFamilyError``          no CMS family (adapter and profile) has this name
``UnknownAdapter``              the registry names an adapter no family provides
``UnknownProfileError``         no extraction profile has this name
``DamagedWarcError``            a WARC file ends before its last record does
``ScrapyCompatError``           the installed Scrapy lacks an internal ``scrapers.compat`` uses
==============================  ==============================================================
"""

from __future__ import annotations


class ScrapersError(Exception):
    """Root of the errors raised by ``scrapers/``."""


class ConfigError(ScrapersError, ValueError):
    """A setting has a value the crawl cannot use; the message names the setting and what it
    accepts (fix it in ``-s NAME=VALUE`` or ``scrapers/settings.py``)."""


class WarcSettingError(ConfigError):
    """A WARC_* setting has a value the capture cannot work with (the crawl does not start:
    archiving silently off would lose the crawl)."""


class NetworkConfigError(ConfigError):
    """A setting of the network spider has a value it cannot use; the message names it."""


class CrawlSpecError(ConfigError):
    """A crawl was asked for with values it cannot use; the message says which."""


class RegistryError(ScrapersError, ValueError):
    """The registry file is malformed; the message names the row and column to fix."""


class UnknownFamilyError(ScrapersError, KeyError):
    """No CMS family has this name; the message lists the known ones (``scrapers.families``)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownAdapter(UnknownFamilyError):
    """The registry names an adapter no family provides: fix the registry's ``adapter``
    column or add a module to ``scrapers/families/``."""


class UnknownProfileError(UnknownFamilyError):
    """No extraction profile has this name; use one of ``scrapers.families.FAMILIES``."""


class DamagedWarcError(ScrapersError):
    """A WARC file ends before its last record does (cut or corrupted): what precedes the
    damage is used; run ``congan warc verify`` (and ``congan warc repair``)."""


class ScrapyCompatError(ScrapersError, RuntimeError):
    """The installed Scrapy lacks an internal ``scrapers.compat`` relies on: install the Scrapy
    version ``pyproject.toml`` pins, or adapt ``scrapers/compat.py``."""
