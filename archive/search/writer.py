"""Writing the search index: upserts, deletes and bulk rebuilds of both files.

Order of commits: the text index first, then SQLite. A crash in between leaves text
documents SQLite does not know yet; the next update writes the same rows again and every
text document is deleted by row number before it is added, so nothing is duplicated.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

import tantivy

from .normalise import NORMALISER_VERSION
from .rows import (
    COMBO_INSERT,
    COMBO_SELECT,
    DOC_COLUMNS,
    DOCS_INSERT,
    FACT_COLUMNS,
    FACTS_INSERT,
    FACTS_UPDATE,
    ArticleRows,
    Document,
    Facts,
    article_rows,
    facet_values,
)
from .store import REBUILD_HINT, SearchIndexError, SearchStore
from .textindex import WRITER_HEAP, WRITER_THREADS, open_text_index, remove_text_index

logger = logging.getLogger(__name__)

#: tantivy counts a replaced document in the term statistics until it merges the segment
#: holding it, so scores after an update differ slightly from those of a rebuild; an index
#: of at most this many articles rewrites its text index after an update that replaced or
#: deleted documents (seconds at this size), so its scores are exactly a rebuild's
REWRITE_MAX = 20_000
#: records per transaction in upsert_many (each one is a complete article: a crash
#: between transactions leaves a consistent index that the next update completes)
UPSERT_BATCH = 1000


class SearchWriter(SearchStore):
    """Adds, replaces and removes articles (``upsert_many``, ``delete``, ``rebuild``)."""

    _combos: dict[tuple[Any, ...], int]
    _text_writer: tantivy.IndexWriter | None = None

    @property
    def text(self) -> tantivy.Index:
        """The text index; a writer creates it from the SQLite rows when it is missing
        (an index migrated from the FTS5 schema, or a text directory lost)."""
        directory = self.text_dir()
        if not self.readonly and (directory is None or not directory.is_dir()):
            self._new_text_dir()
        return super().text

    def text_writer(self) -> tantivy.IndexWriter:
        if self._text_writer is None:
            try:
                self._text_writer = self.text.writer(heap_size=WRITER_HEAP, num_threads=WRITER_THREADS)
            except ValueError as exc:
                raise SearchIndexError(f"cannot write the text index of {self.path} ({exc}): {REBUILD_HINT}") from None
        return self._text_writer

    def _new_text_dir(self) -> None:
        """A fresh, empty text index, filled from the SQLite rows (after migration 3)."""
        name = f"{self.path.name}.text-{secrets.token_hex(4)}"
        open_text_index(self.path.parent / name, create=True)
        self.conn.execute("BEGIN")
        self.set_meta("text_dir", name)
        self.conn.execute("COMMIT")
        self._text = None
        if self.count():
            logger.info("search index: writing the text index of %s articles", self.count())
            text = super().text
            writer = text.writer(heap_size=WRITER_HEAP, num_threads=WRITER_THREADS)
            for n, rows in self._stored_rows():
                writer.add_document(rows.text_doc(n).to_tantivy())
            writer.commit()
            writer.wait_merging_threads()
        self._remove_retired_text_dir()

    def _remove_retired_text_dir(self) -> None:
        """The text index a migration replaced (migration 5), once its successor is written."""
        retired = self.meta("retired_text_dir")
        if retired is None:
            return
        remove_text_index(self.path.parent / retired)
        self.conn.execute("DELETE FROM search_meta WHERE key = 'retired_text_dir'")

    def _stored_rows(self) -> Iterable[tuple[int, ArticleRows]]:
        cursor = self.conn.execute(
            f"SELECT a.n, {', '.join('a.' + c for c in FACT_COLUMNS)}, {', '.join('d.' + c for c in DOC_COLUMNS)}"
            " FROM articles a JOIN documents d ON d.n = a.n"
        )
        for row in cursor:
            yield row[0], _rows(row[1:])

    def close(self) -> None:
        self._text_writer = None  # dropping the writer releases the index lock
        super().close()

    def upsert(self, record: dict[str, Any]) -> bool:
        """Index one record (latest version of an article); True if anything changed."""
        return self.upsert_many([record]) > 0

    def upsert_many(self, records: Iterable[dict[str, Any]]) -> int:
        """Index records, replacing older versions of the same ids; the number changed."""
        if self.stale:
            raise SearchIndexError(f"the search index at {self.path} was built by another normaliser: {REBUILD_HINT}")
        writer = self.text_writer()
        changed = 0
        self._replaced = 0
        self.conn.execute("BEGIN")
        try:
            for done, record in enumerate(records, 1):
                changed += self._upsert_one(writer, record)
                if done % UPSERT_BATCH == 0:  # let readers in between batches
                    writer.commit()
                    self.conn.execute("COMMIT")
                    self.conn.execute("BEGIN")
            self.set_meta("normaliser_version", str(NORMALISER_VERSION))
            writer.commit()
        except BaseException:
            self.conn.execute("ROLLBACK")
            writer.rollback()
            self.forget_combos()
            raise
        self.conn.execute("COMMIT")
        if self._replaced:
            self._tidy_text()
        return changed

    def _tidy_text(self) -> None:
        """Rewrite the text index of a small index from SQLite (see REWRITE_MAX)."""
        if self.count() > REWRITE_MAX:
            return
        writer = self.text_writer()
        writer.delete_all_documents()
        for n, rows in self._stored_rows():
            writer.add_document(rows.text_doc(n).to_tantivy())
        writer.commit()

    def _upsert_one(self, writer: tantivy.IndexWriter, record: dict[str, Any]) -> int:
        if not record.get("id"):
            logger.warning("search index: skipped a record without id (%s)", record.get("url"))
            return 0
        rows = article_rows(record)
        old = self.conn.execute(
            f"SELECT a.n, {', '.join('a.' + c for c in FACT_COLUMNS)}, {', '.join('d.' + c for c in DOC_COLUMNS)}"
            " FROM articles a LEFT JOIN documents d ON d.n = a.n WHERE a.id = ?",
            (rows.facts.id,),
        ).fetchone()
        if old is None:
            inserted = self.conn.execute(FACTS_INSERT, (None, *rows.facts.values(), self.combo_id(rows.facts)))
            n = cast("int", inserted.lastrowid)  # an INSERT always sets it
            self.conn.execute(DOCS_INSERT, (n, *rows.doc.values()))
        else:
            n = old[0]
            if _rows(old[1:]) == rows:
                return 0
            self.conn.execute(FACTS_UPDATE, (*rows.facts.values(), self.combo_id(rows.facts), n))
            self.conn.execute(DOCS_INSERT, (n, *rows.doc.values()))
            self._replaced = getattr(self, "_replaced", 0) + 1
        writer.delete_documents_by_term("n", n)
        writer.add_document(rows.text_doc(n).to_tantivy())
        return 1

    def combo_id(self, facts: Facts) -> int:
        """The id of the facet combination of an articles row (created when new)."""
        if not hasattr(self, "_combos"):
            self._combos = {}
        values = facet_values(facts)
        found = self._combos.get(values)
        if found is None:
            self.conn.execute(COMBO_INSERT, (*values, *values))
            found = self.conn.execute(COMBO_SELECT, values).fetchone()[0]
            self._combos[values] = found
        return found

    def forget_combos(self) -> None:
        """Drop the combination cache (after a rollback that may have undone new ones)."""
        self._combos = {}

    def delete(self, article_id: str) -> bool:
        old = self.conn.execute("SELECT n FROM articles WHERE id = ?", (article_id,)).fetchone()
        if old is None:
            return False
        writer = self.text_writer()
        writer.delete_documents_by_term("n", old[0])
        writer.commit()
        self.conn.execute("BEGIN")
        self.conn.execute("DELETE FROM documents WHERE n = ?", (old[0],))
        self.conn.execute("DELETE FROM articles WHERE n = ?", (old[0],))
        self.conn.execute("COMMIT")
        self._tidy_text()
        return True

    @classmethod
    def rebuild(cls, path: str | os.PathLike[str], records: Iterable[dict[str, Any]], *,
                workers: int | None = None) -> int:
        """Build a fresh index from ``records`` beside ``path`` and swap it in atomically
        (readers keep the old files until they reopen). Returns the number of articles.
        See :func:`archive.search.build.rebuild`."""
        from .build import rebuild

        return rebuild(cls, Path(path), records, workers=workers)


def _rows(values: tuple[Any, ...]) -> ArticleRows:
    """ArticleRows from a SELECT of FACT_COLUMNS then DOC_COLUMNS."""
    facts = Facts(*values[: len(FACT_COLUMNS)])
    return ArticleRows(facts, Document(*values[len(FACT_COLUMNS):]))
