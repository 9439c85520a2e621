"""Extraction profile: custom."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(name="custom")
