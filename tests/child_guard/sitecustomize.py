"""Offline guard for the test suite's child processes (``congan crawl``, the scheduler's
crawls, ``scrapy``, pywb).

``tests/conftest.py`` puts this directory first on ``PYTHONPATH`` and sets
``CONGAN_OFFLINE_GUARD_LOG``; every Python process the tests start then refuses connections
and name lookups outside the loopback, and writes each attempt to that file, which fails the
test session.
"""

import os

if os.environ.get("CONGAN_OFFLINE_GUARD_LOG"):
    import sys

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        import offline_guard
    finally:
        del sys.path[0]
    offline_guard.install(log_path=os.environ["CONGAN_OFFLINE_GUARD_LOG"])
