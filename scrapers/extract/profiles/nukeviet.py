"""Extraction profile: nukeviet."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(name="nukeviet")
