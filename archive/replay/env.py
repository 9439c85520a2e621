"""pywb's own virtual environment.

pywb pins old dependencies (``redis==2.10.6``, ``fakeredis<1``…) that cannot share the
crawler's environment, and an unpinned install in one venv quietly picks an old pywb that
then fails at run time. So the project keeps pywb in a venv of its own, at
``<repo>/.venv-pywb`` (``$CONGAN_PYWB_VENV`` moves it), with an exact pywb version and the
tested versions of its dependencies (``pywb-constraints.txt`` beside this module). Nothing
in the project imports pywb: it runs as a separate process (see ``server.py``).

``python -m archive.replay.env`` creates it (``make setup`` does); ``congan replay`` creates
it on first use.
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
import time
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ArchiveError

logger = logging.getLogger(__name__)

PYWB_VERSION = "2.10.0"
#: pywb's i18n (its Vietnamese pages) loads catalogs with Babel, which pywb does not require;
#: launch.py also compiles the catalogs with it. Pinned in pywb-constraints.txt.
I18N_REQUIREMENT = "babel"
VENV_ENV = "CONGAN_PYWB_VENV"
CONSTRAINTS = Path(__file__).with_name("pywb-constraints.txt")
#: gevent and greenlet must come as wheels: building them needs a C toolchain and minutes.
BINARY_ONLY = "gevent,greenlet"
#: written into the venv when the install finished, so a half-built venv is redone
MARKER = "congan-pywb.installed"
#: written when Babel is in: a venv made before the catalogs existed gets it added
I18N_MARKER = "congan-pywb-i18n.installed"


class ReplayEnvError(ArchiveError):
    """pywb's environment cannot be created or used."""


def default_venv_path() -> Path:
    """``$CONGAN_PYWB_VENV``, else ``.venv-pywb`` beside the project's pyproject.toml, else
    ``~/.cache/congan/venv-pywb`` (an installed, non-editable copy has no repository)."""
    explicit = os.environ.get(VENV_ENV)
    if explicit:
        return Path(explicit).expanduser().resolve()
    repo = Path(__file__).resolve().parents[2]
    if (repo / "pyproject.toml").exists():
        return repo / ".venv-pywb"
    return Path.home() / ".cache" / "congan" / "venv-pywb"


@dataclass(frozen=True)
class PywbEnv:
    """The pywb venv at ``path``."""

    path: Path

    @classmethod
    def default(cls) -> PywbEnv:
        return cls(default_venv_path())

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def marker(self) -> Path:
        return self.path / MARKER

    @property
    def i18n_marker(self) -> Path:
        return self.path / I18N_MARKER

    def is_ready(self) -> bool:
        """Whether the venv holds the pinned pywb and Babel, fully installed."""
        try:
            return (self.python.exists() and self.marker.read_text().strip() == PYWB_VERSION
                    and self.i18n_marker.read_text().strip() == PYWB_VERSION)
        except OSError:
            return False

    def ensure(self, announce: Callable[[str], object] | None = None) -> PywbEnv:
        """Create the venv and install pywb unless it is already there.

        ``announce`` (a callable taking one line) tells the user what is happening, since
        the first install takes a while."""
        if self.is_ready():
            return self
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReplayEnvError(f"cannot create {self.path}: {exc}; set ${VENV_ENV} to a writable place") from None
        with open(self.path / ".congan-install.lock", "w") as lock:
            # two first uses at once (tests, a scheduler) must not pip-install side by side
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self.is_ready():
                return self
            return self._install(announce or logger.info)

    def _install(self, say: Callable[[str], object]) -> PywbEnv:
        say(f"setting up pywb {PYWB_VERSION} in its own environment at {self.path} (once; about a minute)")
        started = time.monotonic()
        if not self.python.exists():
            try:
                venv.EnvBuilder(with_pip=True, clear=False).create(self.path)
            except (OSError, subprocess.CalledProcessError) as exc:
                raise ReplayEnvError(
                    f"cannot create pywb's venv at {self.path}: {exc}; set ${VENV_ENV} to a writable place"
                ) from None
        command = [
            str(self.python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--only-binary", BINARY_ONLY,
            "-c", str(CONSTRAINTS),
            f"pywb=={PYWB_VERSION}", I18N_REQUIREMENT,
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            tail = " | ".join(result.stderr.strip().splitlines()[-3:])
            raise ReplayEnvError(
                f"installing pywb {PYWB_VERSION} into {self.path} failed ({tail}); "
                f"check that PyPI is reachable, or delete {self.path} and retry"
            )
        self.marker.write_text(PYWB_VERSION + "\n")
        self.i18n_marker.write_text(PYWB_VERSION + "\n")
        say(f"pywb {PYWB_VERSION} ready in {time.monotonic() - started:.0f} s")
        return self


def main() -> int:
    """``python -m archive.replay.env``: build pywb's venv (``make setup`` runs this)."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        env = PywbEnv.default().ensure(announce=print)
    except ReplayEnvError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"pywb {PYWB_VERSION}: {env.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
