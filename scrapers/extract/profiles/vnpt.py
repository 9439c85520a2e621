"""Extraction profile: vnpt."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(name="vnpt")
