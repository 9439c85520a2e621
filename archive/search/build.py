"""Building a search index from scratch, fast: normalisation in worker processes,
rows written in large transactions into a file swapped in when complete.

Normalising Vietnamese text (NFC, tone placement, folding) costs more than SQLite's FTS5
insertion, so :func:`rebuild` prepares batches of rows in ``workers`` processes while the
parent writes the previous ones. Only a few batches are in flight at a time, so a corpus
of any size is streamed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sqlite3
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .normalise import NORMALISER_VERSION
from .rows import DOCS_INSERT, FACTS_INSERT, FTS_INSERT, article_rows, fts_values

if TYPE_CHECKING:
    from .index import SearchIndex

logger = logging.getLogger(__name__)

#: records per batch (one transaction, one unit of work for a worker)
BATCH = 1000
#: batches prepared ahead of the writer, per worker
AHEAD = 2
#: below this many records the workers are not worth starting
PARALLEL_MIN = 5 * BATCH

Prepared = list[tuple[tuple[Any, ...], tuple[Any, ...], tuple[str, ...]]]


def default_workers() -> int:
    """Processes that normalise text during a rebuild: the CPUs, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def prepare(batch: list[dict[str, Any]]) -> Prepared:
    """(facts, document, FTS values) of every record of a batch (runs in a worker)."""
    out = []
    for record in batch:
        facts, doc = article_rows(record)
        out.append((facts, doc, fts_values(doc[0], doc[1], doc[2])))
    return out


def _batches(records: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for record in records:
        if not record.get("id"):
            logger.warning("search index: skipped a record without id (%s)", record.get("url"))
            continue
        batch.append(record)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _prepared(batches: Iterator[list[dict[str, Any]]], workers: int) -> Iterator[tuple[list[dict[str, Any]], Prepared]]:
    """(records, prepared rows) per batch, in order; in worker processes when it pays."""
    head: list[list[dict[str, Any]]] = []
    for batch in batches:  # look at the start to decide whether workers pay off
        head.append(batch)
        if len(head) * BATCH >= PARALLEL_MIN:
            break
    if workers <= 1 or len(head) * BATCH < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
        for batch in head:
            yield batch, prepare(batch)
        for batch in batches:
            yield batch, prepare(batch)
        return
    pending: deque[tuple[list[dict[str, Any]], Any]] = deque()
    source = iter(head)
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        while True:
            while len(pending) < workers * AHEAD:
                queued = next(source, None)
                if queued is None:
                    queued = next(batches, None)
                if queued is None:
                    break
                pending.append((queued, pool.apply_async(prepare, (queued,))))
            if not pending:
                return
            batch, result = pending.popleft()
            yield batch, result.get()


def rebuild(cls: type[SearchIndex], path: Path, records: Iterable[dict[str, Any]], *,
            workers: int | None = None) -> int:
    """Build ``path`` from ``records`` (latest version of each article) in a temporary file
    beside it, then rename it over the old index. Returns the number of articles."""
    tmp = path.with_name(path.name + ".rebuild")
    for leftover in (tmp, Path(str(tmp) + "-journal")):
        leftover.unlink(missing_ok=True)
    index = cls(tmp)
    try:
        index.conn.execute("PRAGMA journal_mode=OFF")
        index.conn.execute("PRAGMA synchronous=OFF")
        total = _write(index, _prepared(_batches(records), workers or default_workers()))
        index.conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
        index.conn.execute("PRAGMA journal_mode=DELETE")
    except BaseException:
        index.close()
        tmp.unlink(missing_ok=True)
        raise
    index.close()
    os.replace(tmp, path)
    logger.info("search index: rebuilt %s with %s articles", path, total)
    return total


def _write(index: SearchIndex, prepared: Iterator[tuple[list[dict[str, Any]], Prepared]]) -> int:
    conn = index.conn
    n = 0
    for batch, rows in prepared:
        conn.execute("BEGIN")
        try:
            conn.executemany(
                FACTS_INSERT, [(n + i, *facts, index.combo_id(facts)) for i, (facts, _d, _f) in enumerate(rows, 1)]
            )
            conn.executemany(DOCS_INSERT, [(n + i, *doc) for i, (_f, doc, _v) in enumerate(rows, 1)])
            conn.executemany(FTS_INSERT, [(n + i, *values) for i, (_f, _d, values) in enumerate(rows, 1)])
            conn.execute("COMMIT")
            n += len(rows)
        except sqlite3.IntegrityError:  # the same id twice: the later one wins
            conn.execute("ROLLBACK")
            index.forget_combos()  # rolled back with the batch
            index.upsert_many(batch)
            n = conn.execute("SELECT coalesce(max(n), 0) FROM articles").fetchone()[0]
    conn.execute("BEGIN")
    index.set_meta("normaliser_version", str(NORMALISER_VERSION))
    conn.execute("COMMIT")
    return index.count()
