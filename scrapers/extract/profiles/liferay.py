"""Extraction profile: liferay."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(name="liferay")
