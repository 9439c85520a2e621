"""What changed between two versions of an article, paragraph by paragraph (SPEC §7, §8).

``same_text`` decides whether two texts are the same version: whitespace, Unicode
normalisation (NFC/NFD) and the placement of tone marks (old "hòa" / new "hoà",
``archive.search.tones``) are not changes; anything else (a letter, a case, a mark) is.
``diff_versions`` pairs the paragraphs of two bodies (``difflib`` on their comparison keys)
and names each one ``same``, ``added``, ``removed`` or ``changed``; the title and the page's
dates are compared too.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from archive.search.normalise import normalise as search_form

from .record import ArticleRecord, content_hash, normalise

ParagraphKind = Literal["same", "added", "removed", "changed"]


def text_key(text: str | None) -> str:
    """The comparison form of a text: NFC, whitespace collapsed, tone marks in one placement,
    the letters' case kept (tone placement never changes a text's length once NFC)."""
    collapsed = normalise(text)
    lowered = search_form(collapsed)
    if len(lowered) != len(collapsed):  # a letter whose lower case is longer: compare as is
        return collapsed
    return "".join(low.upper() if ch.isupper() else low for ch, low in zip(collapsed, lowered, strict=True))


def same_text(title_a: str | None, body_a: str, title_b: str | None, body_b: str) -> bool:
    """Whether two (title, body) pairs are the same version of an article."""
    return text_key(title_a) == text_key(title_b) and text_key(body_a) == text_key(body_b)


def same_version(latest: ArticleRecord | None, title: str | None, body: str) -> bool:
    """Whether a newly extracted text is the ``latest`` version although its content hash
    differs: only whitespace, NFC or tone placement changed. An identical text recorded under
    another hash (a record written by other rules) is a version of its own."""
    if latest is None or content_hash(latest.title, latest.body) == content_hash(title, body):
        return False
    return same_text(latest.title, latest.body, title, body)


def paragraphs(body: str) -> list[str]:
    """The paragraphs of a body (blank-line separated), normalised, empty ones dropped."""
    found = [normalise(p) for p in body.split("\n\n")]
    return [p for p in found if p]


@dataclass(frozen=True)
class ParagraphChange:
    kind: ParagraphKind
    old: str | None  # the paragraph in the older version (None when added)
    new: str | None  # in the newer one (None when removed)

    def to_json(self) -> dict[str, str | None]:
        return {"kind": self.kind, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str | None
    new: str | None

    def to_json(self) -> dict[str, str | None]:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class VersionDiff:
    """The difference between version ``old`` and version ``new`` of one article."""

    article_id: str
    old: ArticleRecord
    new: ArticleRecord
    fields: tuple[FieldChange, ...]
    paragraphs: tuple[ParagraphChange, ...]

    @property
    def changed(self) -> tuple[ParagraphChange, ...]:
        return tuple(p for p in self.paragraphs if p.kind != "same")

    def count(self, kind: ParagraphKind) -> int:
        return sum(1 for p in self.paragraphs if p.kind == kind)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.article_id,
            "from": {"version": self.old.version, "capture": self.old.capture.to_json()},
            "to": {"version": self.new.version, "capture": self.new.capture.to_json()},
            "fields": [f.to_json() for f in self.fields],
            "paragraphs": [p.to_json() for p in self.changed],
        }

    def to_text(self) -> str:
        """A unified-diff-like text: ``-``/``+`` lines for removed/added paragraphs, both for changed."""
        lines = [f"--- version {self.old.version} ({self.old.first_seen})",
                 f"+++ version {self.new.version} ({self.new.capture.timestamp})"]
        for field in self.fields:
            lines += [f"@@ {field.field}", f"- {field.old or ''}", f"+ {field.new or ''}"]
        for index, change in enumerate(self.paragraphs, 1):
            if change.kind == "same":
                continue
            lines.append(f"@@ paragraph {index}: {change.kind}")
            if change.old is not None:
                lines.append(f"- {change.old}")
            if change.new is not None:
                lines.append(f"+ {change.new}")
        return "\n".join(lines)


def _pairs(old: list[str], new: list[str]) -> Iterator[ParagraphChange]:
    matcher = difflib.SequenceMatcher(a=[text_key(p) for p in old], b=[text_key(p) for p in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs = zip(range(i1, i2), range(j1, j2), strict=True)
            yield from (ParagraphChange("same", old[i], new[j]) for i, j in pairs)
            continue
        removed, added = old[i1:i2], new[j1:j2]
        paired = min(len(removed), len(added)) if tag == "replace" else 0
        for k in range(paired):
            yield ParagraphChange("changed", removed[k], added[k])
        yield from (ParagraphChange("removed", p, None) for p in removed[paired:])
        yield from (ParagraphChange("added", None, p) for p in added[paired:])


def diff_versions(old: ArticleRecord, new: ArticleRecord) -> VersionDiff:
    """Title, dates and paragraphs that differ between two versions (older first)."""
    fields = tuple(
        FieldChange(name, a, b)
        for name, a, b in (
            ("title", old.title, new.title),
            ("published", old.published, new.published),
            ("modified", old.modified, new.modified),
        )
        if text_key(a) != text_key(b)
    )
    return VersionDiff(new.id, old, new, fields, tuple(_pairs(paragraphs(old.body), paragraphs(new.body))))
