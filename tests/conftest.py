"""Session-wide test setup: the offline guard, an isolated data directory per test."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import fresh_seeds
import offline_guard

#: shared session fixtures: network_crawl, network_recrawl (tests/crawl_fixtures.py)
pytest_plugins = ["crawl_fixtures"]

REPO = Path(__file__).resolve().parent.parent


CHILD_GUARD_DIR = Path(__file__).resolve().parent / "child_guard"


def _xdist_worker() -> bool:
    """This process runs tests for ``pytest -n N`` (its controller reads the guard's log)."""
    return "PYTEST_XDIST_WORKER" in os.environ


def pytest_configure(config: pytest.Config) -> None:
    offline_guard.install()
    fresh_seeds.session_entropy()  # before xdist starts its workers: they all draw the same seeds
    if _xdist_worker() and os.environ.get("CONGAN_OFFLINE_GUARD_LOG"):
        # started by the controller with its log (and so guarded by sitecustomize, which would
        # log straight there): keep violations in-process until the end, so that a test may
        # forget the ones it provokes on purpose; pytest_sessionfinish hands the rest over
        offline_guard.keep_in_process()
    else:
        # Every Python child process (congan crawl, scheduler crawls, scrapy, pywb, xdist
        # workers) loads tests/child_guard/sitecustomize.py, installs the same guard and
        # logs violations here.
        log = Path(os.environ.get("TMPDIR", "/tmp")) / f"congan-offline-guard-{os.getpid()}.log"
        log.unlink(missing_ok=True)
        os.environ["CONGAN_OFFLINE_GUARD_LOG"] = str(log)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(CHILD_GUARD_DIR), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    )
    # Child processes (congan crawl, scrapy) must not reach outside either: they get no
    # proxy but the simulated network's, and these variables make any stray proxy lookup
    # of an outside host fail fast.
    os.environ.pop("https_proxy", None)
    os.environ.pop("HTTPS_PROXY", None)
    os.environ["no_proxy"] = ""


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _xdist_worker():
        terminalreporter.write_line(
            f"fresh variant seeds: {fresh_seeds.ENV}={fresh_seeds.session_entropy()} replays this run's draws"
        )


def _child_violations() -> list[str]:
    log = Path(os.environ.get("CONGAN_OFFLINE_GUARD_LOG", ""))
    if not log.is_file():
        return []
    return [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _xdist_worker():
        offline_guard.hand_over()  # to the controller's log, which it reads when all are done
        return
    offline_guard.violations.extend(_child_violations())
    if offline_guard.violations:
        session.exitstatus = 1
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("OFFLINE GUARD VIOLATIONS:", red=True)
            for line in sorted(set(offline_guard.violations)):
                reporter.write_line("  " + line, red=True)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory, also exported as $CONGAN_DATA."""
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("CONGAN_DATA", str(root))
    return root



@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: the suite also runs without it
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """``make test`` runs ``pytest -n 2 --dist loadfile``: keep each file in one worker and
    every file of the shared network crawl in the same one (tests/xdist_groups.py)."""
    import xdist_groups

    return xdist_groups.FileOrNetworkScheduling(config, log)
