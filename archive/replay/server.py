"""Start and stop pywb as a child process, bound to 127.0.0.1 unless told otherwise.

``ReplayServer(data).start()`` generates pywb's config from the data directory, makes sure
pywb's venv exists, runs ``launch.py`` with that venv's interpreter and waits until it
prints the address it listens on (``port=0`` picks a free port). Use it as a context
manager in tests; ``congan replay`` runs it in the foreground.
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from ..errors import ArchiveError
from ..paths import DEFAULT_COLLECTION, DataDir
from .config import CATALOGS, ReplayConfig, write_config
from .env import PywbEnv
from .urls import default_serve_base, replay_url

logger = logging.getLogger(__name__)

LAUNCHER = Path(__file__).with_name("launch.py")
#: pywb imports gevent, jinja templates and its rewriting rules before it binds: a few
#: seconds on a loaded machine; more means it is stuck.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
_LISTENING = re.compile(r"pywb listening on (http://\S+)")


#: prctl option: signal the child when its parent dies (Linux)
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """pywb must not outlive ``congan replay``, even when that is killed with SIGKILL."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class ReplayStartError(ArchiveError):
    """pywb did not come up; the message carries the end of its log."""


class ReplayServer:
    """One pywb process serving the collections of a data directory."""

    def __init__(
        self,
        data: DataDir,
        *,
        host: str = "127.0.0.1",
        port: int = 8090,
        collection: str = DEFAULT_COLLECTION,
        env: PywbEnv | None = None,
        log_path: Path | None = None,
        announce: Callable[[str], None] | None = None,
        serve_url: str | None = None,
    ) -> None:
        self.data = data
        self.host = host
        self.port = port
        self.collection = collection
        self.env = env or PywbEnv.default()
        self.log_path = log_path or data.logs_dir / "replay.log"
        self.announce = announce
        #: ``congan serve``'s root URL: the banner links an archived article to its page there
        self.serve_url = (serve_url or default_serve_base()).rstrip("/")
        self.config: ReplayConfig | None = None
        self.base_url: str | None = None
        self._process: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> ReplayServer:
        self.config = write_config(self.data, self.collection)
        self.env.ensure(announce=self.announce)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 - held until stop()
        command = [
            str(self.env.python), str(LAUNCHER),
            "--config", str(self.config.config_path),
            "--host", self.host,
            "--port", str(self.port),
            "--catalogs", str(CATALOGS),
            "--locales-dir", str(self.config.locales_dir),
            "--corpus-index", str(self.data.corpus_dir / "index.sqlite3"),
            "--serve-url", self.serve_url,
        ]
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        child_env["PYTHONUNBUFFERED"] = "1"
        logger.info("starting pywb: %s", " ".join(command))
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=self._log,
            stdin=subprocess.DEVNULL,
            text=True,
            env=child_env,
            cwd=str(self.config.config_path.parent),
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - only prctl(PDEATHSIG), async-signal-safe
        )
        self.base_url = self._wait_listening()
        logger.info("pywb serving %s at %s", ", ".join(self.config.collections), self.base_url)
        return self

    def _wait_listening(self) -> str:
        assert self._process is not None
        assert self._process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if not selector.select(timeout=0.2):
                    if self._process.poll() is not None:
                        break
                    continue
                line = self._process.stdout.readline()
                if not line:
                    break
                found = _LISTENING.search(line)
                if found:
                    return found.group(1)
        self.stop()
        raise ReplayStartError(
            f"pywb did not start on {self.host}:{self.port} ({self._log_tail()}); "
            f"is the port free? full log: {self.log_path}"
        )

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return " | ".join(lines[-3:]) or "no output"

    def wait(self) -> int:
        """Block until pywb exits (``congan replay`` in the foreground)."""
        assert self._process is not None
        return self._process.wait()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stdout is not None:
            process.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses ----------------------------------------------------------------------
    def url_for(self, url: str, timestamp: str | None = None, *, mode: str = "") -> str:
        """Where this server replays ``url`` (at ``timestamp``; ``mode`` e.g. ``id_``)."""
        if self.base_url is None:
            raise ReplayStartError("the replay server is not running: call start() first")
        return replay_url(url, timestamp, collection=self.collection, base=self.base_url, mode=mode)
