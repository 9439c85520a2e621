"""Extraction profile: generic."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(name="generic")
