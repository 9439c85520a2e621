"""Where everything lives under the data directory (README "Data directory").

One root: ``--data DIR``, else ``$CONGAN_DATA``, else ``./data``. The WARC part follows
pywb's collection layout so pywb can serve it as it is; the rest is ours.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_ENV = "CONGAN_DATA"
DEFAULT_DATA = "data"
DEFAULT_COLLECTION = "congan"


def resolve_data_root(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data root chosen by ``--data``, then ``$CONGAN_DATA``, then ``./data``."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return Path(DEFAULT_DATA).resolve()


@dataclass(frozen=True)
class DataDir:
    """Typed paths inside one data root. Creating the object touches nothing on disk."""

    root: Path

    @classmethod
    def resolve(cls, explicit: str | os.PathLike[str] | None = None) -> DataDir:
        return cls(resolve_data_root(explicit))

    # -- WARC part (pywb collection layout) -------------------------------------------
    @property
    def collections(self) -> Path:
        return self.root / "collections"

    def collection(self, name: str = DEFAULT_COLLECTION) -> Path:
        return self.collections / name

    def warc_dir(self, collection: str = DEFAULT_COLLECTION) -> Path:
        return self.collection(collection) / "archive"

    def index_dir(self, collection: str = DEFAULT_COLLECTION) -> Path:
        return self.collection(collection) / "indexes"

    # -- project state ------------------------------------------------------------------
    @property
    def corpus_dir(self) -> Path:
        return self.root / "corpus"

    @property
    def search_db(self) -> Path:
        return self.root / "search" / "index.sqlite3"

    @property
    def state_dir(self) -> Path:
        return self.root / "state"

    @property
    def frontier_dir(self) -> Path:
        return self.state_dir / "frontier"

    @property
    def digest_db(self) -> Path:
        return self.state_dir / "digests.sqlite3"

    @property
    def listings_db(self) -> Path:
        """What listing pages showed (``archive.control.listings``): watermarks of re-crawls."""
        return self.state_dir / "listings.sqlite3"

    @property
    def registry_db(self) -> Path:
        return self.state_dir / "registry.sqlite3"

    @property
    def crawls_db(self) -> Path:
        return self.state_dir / "crawls.sqlite3"

    @property
    def schedules_db(self) -> Path:
        return self.state_dir / "schedules.sqlite3"

    @property
    def locks_dir(self) -> Path:
        """Lock files (one per schedule: never two crawls of one schedule at once)."""
        return self.state_dir / "locks"

    @property
    def access_rules(self) -> Path:
        return self.root / "access" / "rules.json"

    @property
    def crawls_dir(self) -> Path:
        return self.root / "crawls"

    def crawl_dir(self, crawl_id: str) -> Path:
        return self.crawls_dir / crawl_id

    @property
    def wacz_dir(self) -> Path:
        return self.root / "wacz"

    @property
    def replay_dir(self) -> Path:
        return self.root / "replay"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    def relative(self, path: str | os.PathLike[str]) -> str:
        """``path`` relative to the root when inside it (what is stored, so a moved or restored
        data directory still finds its own files), else as given."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def ensure(self, collection: str = DEFAULT_COLLECTION) -> DataDir:
        """Create the directories every command expects."""
        for path in (
            self.warc_dir(collection),
            self.index_dir(collection),
            self.corpus_dir,
            self.search_db.parent,
            self.state_dir,
            self.crawls_dir,
            self.logs_dir,
        ):
            path.mkdir(parents=True, exist_ok=True)
        return self
