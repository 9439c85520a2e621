"""Extraction profile: webforms."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(name="webforms")
