"""Building a search index from scratch, fast: normalisation in worker processes,
rows written in large transactions into a file swapped in when complete.

Normalising Vietnamese text (NFC, tone placement, folding, bigrams) costs more than
writing it, so :func:`rebuild` prepares batches of rows in ``workers`` processes while the
parent writes the previous ones into SQLite and tantivy (which indexes in its own threads).
Only a few batches are in flight at a time, so a corpus of any size is streamed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import secrets
import shutil
import sqlite3
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .normalise import NORMALISER_VERSION
from .rows import DOCS_INSERT, FACTS_INSERT, ArticleRows, Facts, article_document, article_facts, stored_json
from .textindex import REBUILD_HEAP, WRITER_THREADS, TextFields, open_text_index

if TYPE_CHECKING:
    from .writer import SearchWriter

logger = logging.getLogger(__name__)

#: records per batch (one transaction, one unit of work for a worker)
BATCH = 1000
#: batches prepared ahead of the writer, per worker
AHEAD = 2
#: below this many records the workers are not worth starting
PARALLEL_MIN = 5 * BATCH

#: what a worker sends back per record: its articles row, the JSON of its other fields and
#: its text fields, as plain tuples (the parent has the record: title, summary and body
#: are not sent back)
Prepared = list[tuple[tuple[Any, ...], str, tuple[str, ...]]]


def default_workers() -> int:
    """Processes that normalise text during a rebuild: the CPUs, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def prepare(batch: list[dict[str, Any]]) -> Prepared:
    """The articles row, stored JSON and text fields of every record of a batch (runs in
    a worker)."""
    out = []
    for record in batch:
        facts, stored = article_facts(record), stored_json(record)
        text = ArticleRows(facts, article_document(record, stored)).text_fields()
        out.append((facts.values(), stored, text.values()))
    return out


def _batches(records: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for record in records:
        if not record.get("id"):
            logger.warning("search index: skipped a record without id (%s)", record.get("url"))
            continue
        # body_html is never indexed: not worth sending to a worker
        batch.append({k: v for k, v in record.items() if k != "body_html"} if "body_html" in record else record)
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


def rebuild(cls: type[SearchWriter], path: Path, records: Iterable[dict[str, Any]], *,
            workers: int | None = None) -> int:
    """Build ``path`` and a new text index from ``records`` (latest version of each
    article) beside it, then rename the SQLite file over the old one: the new file names
    the new text directory, so both switch at once. Returns the number of articles."""
    tmp = path.with_name(path.name + ".rebuild")
    for leftover in (tmp, Path(str(tmp) + "-journal")):
        leftover.unlink(missing_ok=True)
    text_name = f"{path.name}.text-{secrets.token_hex(4)}"
    text_dir = path.parent / text_name
    index = cls(tmp)
    try:
        index.conn.execute("PRAGMA journal_mode=OFF")
        index.conn.execute("PRAGMA synchronous=OFF")
        text = open_text_index(text_dir, create=True)
        writer = text.writer(heap_size=REBUILD_HEAP, num_threads=WRITER_THREADS)
        total = _write(index, writer, _prepared(_batches(records), workers or default_workers()))
        writer.commit()
        writer.wait_merging_threads()
        del writer
        index.conn.execute("BEGIN")
        index.set_meta("text_dir", text_name)
        index.conn.execute("COMMIT")
        index.conn.execute("PRAGMA journal_mode=DELETE")
    except BaseException:
        index.close()
        tmp.unlink(missing_ok=True)
        shutil.rmtree(text_dir, ignore_errors=True)
        raise
    index.close()
    os.replace(tmp, path)
    for old in path.parent.glob(f"{path.name}.text-*"):  # open readers keep their mapped files
        if old.name != text_name:
            shutil.rmtree(old, ignore_errors=True)
    logger.info("search index: rebuilt %s with %s articles", path, total)
    return total


def _write(index: SearchWriter, writer: Any, prepared: Iterator[tuple[list[dict[str, Any]], Prepared]]) -> int:
    conn = index.conn
    n = 0
    for batch, done in prepared:
        rows = [
            (ArticleRows(Facts(*facts), article_document(record, stored)), TextFields(*text))
            for record, (facts, stored, text) in zip(batch, done, strict=True)
        ]
        conn.execute("BEGIN")
        try:
            conn.executemany(FACTS_INSERT, [
                (n + i, *r.facts.values(), index.combo_id(r.facts)) for i, (r, _t) in enumerate(rows, 1)
            ])
            conn.executemany(DOCS_INSERT, [(n + i, *r.doc.values()) for i, (r, _t) in enumerate(rows, 1)])
            conn.execute("COMMIT")
        except sqlite3.IntegrityError:  # the same id twice: the later one wins
            conn.execute("ROLLBACK")
            index.forget_combos()  # rolled back with the batch
            index._text_writer = writer
            index.upsert_many(batch)
            n = conn.execute("SELECT coalesce(max(n), 0) FROM articles").fetchone()[0]
            continue
        for i, (r, text) in enumerate(rows, 1):
            writer.add_document(r.text_doc(n + i, text).to_tantivy())
        n += len(rows)
    conn.execute("BEGIN")
    index.set_meta("normaliser_version", str(NORMALISER_VERSION))
    conn.execute("COMMIT")
    return index.count()
