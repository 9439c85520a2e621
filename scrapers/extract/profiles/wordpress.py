"""Extraction profile: wordpress."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(name="wordpress")
