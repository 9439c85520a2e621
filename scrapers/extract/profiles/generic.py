"""Extraction profile: generic (no CMS-specific selectors).

Everything comes from structured data and the generic stage (trafilatura plus the rules
in ``scrapers.extract.generic``); only the common noise selectors apply."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(name="generic")
