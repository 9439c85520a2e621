"""Extraction profile: joomla."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(name="joomla")
