"""Reading corpus lines that may be damaged: a line that is not a JSON object is skipped,
counted, and named by its line number, never a traceback (``congan reextract`` repairs it).

``BadLines`` collects what one reader skipped; commands print :meth:`BadLines.summary`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from .record import ArticleRecord

logger = logging.getLogger(__name__)

#: line numbers named in a summary (the count is always exact)
SHOWN_LINES = 10


def line_number(path: Path, offset: int) -> int:
    """The 1-based line number of the line that starts at byte ``offset`` of ``path``."""
    count = 1
    with path.open("rb") as handle:
        remaining = offset
        while remaining > 0:
            chunk = handle.read(min(remaining, 1 << 20))
            if not chunk:
                break
            count += chunk.count(b"\n")
            remaining -= len(chunk)
    return count


@dataclass
class BadLines:
    """Corrupt lines of one JSONL file a reader skipped."""

    path: Path
    lines: list[int] = field(default_factory=list)

    def parse(self, raw: bytes, offset: int, expected_id: str | None = None) -> ArticleRecord | None:
        """The record of a line read at ``offset``; None (counted, logged) when it is corrupt
        or is not the article the index expects there."""
        record: ArticleRecord | None
        try:
            data = json.loads(raw)
            record = ArticleRecord.from_json(data) if isinstance(data, dict) else None
        except (ValueError, UnicodeDecodeError, KeyError, TypeError):
            record = None
        if record is not None and (expected_id is None or record.id == expected_id):
            return record
        number = line_number(self.path, offset)
        if number not in self.lines:
            self.lines.append(number)
            logger.warning("skipped corrupt line %s of %s; run `congan reextract` to repair the corpus",
                           number, self.path)
        return None

    def summary(self) -> str | None:
        """One line for the user, or None when nothing was skipped."""
        if not self.lines:
            return None
        shown = ", ".join(str(n) for n in sorted(self.lines)[:SHOWN_LINES])
        more = "…" if len(self.lines) > SHOWN_LINES else ""
        return (f"skipped {len(self.lines)} corrupt line(s) of {self.path} (line {shown}{more}); "
                "run `congan reextract` to repair the corpus")
