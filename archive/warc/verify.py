"""Checking that a collection's WARC files can be trusted (``congan warc verify``).

For every closed file: every record parses (warcio), block and payload digests match, the
file opens with a warcinfo record, each gzip member holds exactly one whole record and nothing
torn follows the last (damaged members are reported with their byte range and the records
lost, and reading goes on after them: ``archive.warc.resync``); across the collection: every
request has its response (or
revisit), every revisit points to a response that exists, every closed file has a CDXJ equal to
a fresh index of it, no index is left without its file, and no ``.open`` file is left unsealed
by a crashed writer. Requests and revisits whose partner was in a damaged range are
``knock-on`` problems, summarised apart from the damage that caused them.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from warcio.exceptions import ArchiveLoadFailed

from archive.cdxj import cdxj_lines, index_path, orphan_indexes
from archive.warc.naming import OPEN_SUFFIX, WARC_SUFFIX
from archive.warc.reader import iter_records
from archive.warc.records import PROFILE_IDENTICAL
from archive.warc.repair import is_locked
from archive.warc.resync import Damage
from archive.warc.set_aside import DAMAGED_SUFFIX

logger = logging.getLogger(__name__)

#: kind of a knock-on problem of damage already moved aside by ``warc repair``
REPAIRED = "repaired"


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is, and what it is. ``kind``: ``damage`` (unreadable bytes),
    ``knock-on`` (a request or revisit whose partner was in a damaged range), ``repaired`` (the
    same, once ``warc repair`` moved the damage into a side file: noted, not a failure), or
    ``problem``."""

    file: str
    offset: int | None
    message: str
    kind: str = "problem"

    def __str__(self) -> str:
        where = self.file if self.offset is None else f"{self.file}@{self.offset}"
        return f"{where}: {self.message}"


@dataclass
class VerifyReport:
    files: int = 0
    records: int = 0
    open_files: int = 0
    problems: list[Problem] = field(default_factory=list)
    damage: list[Damage] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problem, knock-on problems of damage ``warc repair`` already moved aside apart."""
        return all(problem.kind == REPAIRED for problem in self.problems)

    def by_file(self) -> dict[str, list[Problem]]:
        """Problems grouped per file, in the order they were found."""
        grouped: dict[str, list[Problem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.file, []).append(problem)
        return grouped


@dataclass
class _Seen:
    main_ids: set[str] = field(default_factory=set)
    captures: set[tuple[str, str]] = field(default_factory=set)
    requests: list[tuple[str, int, str]] = field(default_factory=list)
    revisits: list[tuple[str, int, str, str]] = field(default_factory=list)


def printable(text: str, limit: int = 200) -> str:
    """``text`` cut before the first control character or raw byte (as warcio quotes them),
    and to ``limit`` characters: nothing unreadable reaches the terminal."""
    for index, ch in enumerate(text):
        if not ch.isprintable() or "\x80" <= ch <= "\xff":
            text = text[:index].rstrip(" ,:[('") + "…"
            break
    return text if len(text) <= limit else text[: limit - 1] + "…"


def damage_problem(damage: Damage, size: int) -> Problem:
    """A damaged range as a problem, with the advice that fits it."""
    if damage.end >= size and damage.start > 0:
        message = (f"torn or corrupt tail: the last {size - damage.start} bytes are not a whole gzip member "
                   f"({damage.records_lost} record(s) lost); run `congan warc repair` to move them into a "
                   "side file (.damaged), or restore the file from a copy")
    else:
        message = (f"bytes {damage.start}-{damage.end} unreadable ({printable(damage.reason)}), "
                   f"{damage.records_lost} record(s) lost; every record after them is intact: run "
                   "`congan warc repair` to move the damaged bytes into a side file (.damaged) and keep "
                   "the rest, or restore the file from a copy")
    return Problem(damage.file, damage.start, message, "damage")


def _check_file(path: Path, seen: _Seen, report: VerifyReport) -> None:
    name = path.name
    first = True
    damage: list[Damage] = []
    offset: int | None = 0
    try:
        for ref, record in iter_records(path, check_digests=True, damage=damage):
            offset = ref.offset
            report.records += 1
            if first and ref.rec_type != "warcinfo":
                report.problems.append(Problem(name, ref.offset, f"first record is {ref.rec_type}, not warcinfo"))
            first = False
            checker = record.digest_checker
            if checker is not None and checker.passed is False:
                for problem in checker.problems:
                    report.problems.append(Problem(name, ref.offset, f"{ref.rec_type} {ref.record_id}: {problem}"))
            headers = record.rec_headers
            if ref.rec_type in ("response", "revisit"):
                seen.main_ids.add(ref.record_id)
            if ref.rec_type == "response" and ref.url and ref.date:
                seen.captures.add((ref.url, ref.date))
            elif ref.rec_type == "request":
                seen.requests.append((name, ref.offset, headers.get_header("WARC-Concurrent-To") or ""))
            elif ref.rec_type == "revisit":
                uri = headers.get_header("WARC-Refers-To-Target-URI")
                date = headers.get_header("WARC-Refers-To-Date")
                profile = headers.get_header("WARC-Profile") or ""
                if uri and date:
                    seen.revisits.append((name, ref.offset, uri, date))
                elif profile == PROFILE_IDENTICAL:
                    report.problems.append(
                        Problem(name, ref.offset, "identical-payload revisit without WARC-Refers-To-Target-URI/-Date")
                    )
    except (ArchiveLoadFailed, zlib.error, EOFError, ValueError) as exc:
        message = f"a record after this offset does not parse: {printable(str(exc))}"
        report.problems.append(Problem(name, offset, message))
    size = path.stat().st_size
    report.damage.extend(damage)
    report.problems.extend(damage_problem(item, size) for item in damage)
    if first:
        report.problems.append(Problem(name, None, "no WARC record at all: not a WARC file? move it out of the "
                                       "collection"))


def verify_collection(warc_dir: Path, index_dir: Path) -> VerifyReport:
    """Check every WARC of a collection and its indexes; the report lists every problem."""
    report = VerifyReport()
    seen = _Seen()
    warcs = sorted(warc_dir.glob("*" + WARC_SUFFIX)) if warc_dir.is_dir() else []
    for path in warcs:
        report.files += 1
        _check_file(path, seen, report)
        index = index_path(path, index_dir)
        if not index.exists():
            report.problems.append(Problem(path.name, None, f"no CDXJ index {index.name}; run `congan index rebuild`"))
            continue
        try:
            fresh = cdxj_lines(path)
        except Exception as exc:  # cdxj-indexer raises bare Exception on bad files
            report.problems.append(Problem(path.name, None, f"cannot be indexed: {exc}"))
            continue
        stored = index.read_text(encoding="utf-8").splitlines(keepends=True)
        if stored != fresh:
            report.problems.append(
                Problem(
                    index.name,
                    None,
                    f"does not match {path.name} ({len(stored)} lines, a fresh index has {len(fresh)}); "
                    "run `congan index rebuild`",
                )
            )
    for orphan in orphan_indexes(warc_dir, index_dir):
        report.problems.append(
            Problem(orphan.name, None, "index of a WARC file that does not exist; run `congan index rebuild`")
        )
    for path in sorted(warc_dir.glob("*" + OPEN_SUFFIX)) if warc_dir.is_dir() else []:
        report.open_files += 1
        if not is_locked(path):
            report.problems.append(
                Problem(path.name, None, "left open by a writer that is gone; run `congan warc repair`")
            )
    damaged_files = {item.file for item in report.damage}
    repaired = {path.name[: -len(DAMAGED_SUFFIX)] for path in warc_dir.glob("*" + DAMAGED_SUFFIX)}

    def knock_on(name: str, anywhere: bool) -> str:
        if name in damaged_files or (anywhere and damaged_files):
            return "knock-on"
        return REPAIRED if name in repaired or (anywhere and repaired) else "problem"

    for name, offset, concurrent_to in seen.requests:
        if concurrent_to not in seen.main_ids:
            kind = knock_on(name, anywhere=False)
            message = f"request without its response (WARC-Concurrent-To {concurrent_to or 'missing'})"
            report.problems.append(Problem(name, offset, message, kind))
    for name, offset, uri, date in seen.revisits:
        if (uri, date) not in seen.captures:
            kind = knock_on(name, anywhere=True)
            message = f"revisit refers to a capture that is not in the collection: {uri} at {date}"
            report.problems.append(Problem(name, offset, message, kind))
    for path in sorted(warc_dir.iterdir()) if warc_dir.is_dir() else []:
        if path.is_file() and not path.name.endswith((WARC_SUFFIX, OPEN_SUFFIX, DAMAGED_SUFFIX)):
            message = "not a WARC file (ignored by every command); move it out of the collection"
            report.problems.append(Problem(path.name, None, message))
    return report
