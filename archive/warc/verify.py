"""Checking that a collection's WARC files can be trusted (``congan warc verify``).

For every closed file: every record parses (warcio), block and payload digests match, the
file opens with a warcinfo record, each gzip member holds exactly one whole record and nothing
torn follows the last; across the collection: every request has its response (or
revisit), every revisit points to a response that exists, every closed file has a CDXJ equal to
a fresh index of it, no index is left without its file, and no ``.open`` file is left unsealed
by a crashed writer.
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
from archive.warc.repair import is_locked, iter_members, record_type

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is, and what it is."""

    file: str
    offset: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.offset is None else f"{self.file}@{self.offset}"
        return f"{where}: {self.message}"


@dataclass
class VerifyReport:
    files: int = 0
    records: int = 0
    open_files: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Seen:
    main_ids: set[str] = field(default_factory=set)
    captures: set[tuple[str, str]] = field(default_factory=set)
    requests: list[tuple[str, int, str]] = field(default_factory=list)
    revisits: list[tuple[str, int, str, str]] = field(default_factory=list)


def _check_file(path: Path, seen: _Seen, report: VerifyReport) -> None:
    name = path.name
    first = True
    offset: int | None = 0
    try:
        for ref, record in iter_records(path, check_digests=True):
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
    except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
        report.problems.append(Problem(name, offset, f"unreadable after this offset: {exc}"))
    if first:
        report.problems.append(Problem(name, None, "no record at all"))


def _check_members(path: Path, report: VerifyReport) -> None:
    """One gzip member per record, each a whole record, nothing after the last one (warcio
    reads a torn last member without complaint)."""
    size = path.stat().st_size
    end = 0
    with path.open("rb") as fh:
        for member in iter_members(fh):
            if record_type(member.data) is None:
                report.problems.append(
                    Problem(path.name, member.offset, "gzip member is not exactly one whole WARC record")
                )
                return
            end = member.offset + member.length
    if end < size:
        report.problems.append(
            Problem(
                path.name,
                end,
                f"torn or corrupt tail: the last {size - end} bytes are not a whole gzip member; "
                "restore the file from a copy, or rename it to .warc.gz.open and run `congan warc repair` to cut them",
            )
        )


def verify_collection(warc_dir: Path, index_dir: Path) -> VerifyReport:
    """Check every WARC of a collection and its indexes; the report lists every problem."""
    report = VerifyReport()
    seen = _Seen()
    warcs = sorted(warc_dir.glob("*" + WARC_SUFFIX)) if warc_dir.is_dir() else []
    for path in warcs:
        report.files += 1
        _check_file(path, seen, report)
        _check_members(path, report)
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
    for name, offset, concurrent_to in seen.requests:
        if concurrent_to not in seen.main_ids:
            report.problems.append(
                Problem(name, offset, f"request without its response (WARC-Concurrent-To {concurrent_to or 'missing'})")
            )
    for name, offset, uri, date in seen.revisits:
        if (uri, date) not in seen.captures:
            report.problems.append(
                Problem(name, offset, f"revisit refers to a capture that is not in the collection: {uri} at {date}")
            )
    return report
