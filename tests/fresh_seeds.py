"""Fresh randomness for the tests that draw variant seeds, the same in every process of a run.

The variant tests draw their seeds when they are collected. Under ``pytest -n N`` every
worker collects the suite again, and all must see the same tests: the controller draws one
value from ``os.urandom`` (``pytest_configure`` in ``tests/conftest.py``) and the workers
inherit it through ``$CONGAN_TEST_ENTROPY``. Setting that variable replays a whole run's draws.
"""

from __future__ import annotations

import os
import random

ENV = "CONGAN_TEST_ENTROPY"


def session_entropy() -> int:
    """This run's value, drawn on first use and exported to the processes started after."""
    value = os.environ.get(ENV, "").strip()
    if not value.isdigit():
        value = str(int.from_bytes(os.urandom(8), "big"))
        os.environ[ENV] = value
    return int(value)


def fresh_rng(purpose: str) -> random.Random:
    """A generator for ``purpose``, independent of other purposes, fresh every run."""
    return random.Random(f"{session_entropy()}:{purpose}")
