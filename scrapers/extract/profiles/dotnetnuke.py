"""Extraction profile: dotnetnuke."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(name="dotnetnuke")
