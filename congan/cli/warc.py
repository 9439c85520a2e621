"""``congan warc``: check the WARC files, repair crashed ones, print one stored capture."""

from __future__ import annotations

import gzip
import sys
import zlib

import click

from archive.cdxj import write_index
from archive.errors import UserInputError
from archive.paths import DEFAULT_COLLECTION
from archive.warc.reader import find_capture, load_record, original_of, record_bytes
from archive.warc.reindex import written_order
from archive.warc.repair import repair_directory
from archive.warc.set_aside import set_aside_damage
from archive.warc.verify import REPAIRED, Problem, verify_collection

from .context import CliContext, data_option, emit_json, pass_cli

_collection = click.option("--collection", default=DEFAULT_COLLECTION, show_default=True, help="WARC collection.")


@click.group("warc")
def warc_group() -> None:
    """WARC files: verify, repair, get a capture."""


@warc_group.command("verify")
@data_option
@_collection
@click.option("--json", "as_json", is_flag=True, help="One JSON object per problem, then a summary.")
@pass_cli
def verify_command(cli: CliContext, collection: str, as_json: bool) -> None:
    """Check every WARC file and index of the collection; exit 1 listing what is wrong.

    Every record parses and its digests match, every request has its response, every
    revisit points to a capture that exists, every index matches its file."""
    warc_dir = cli.data.warc_dir(collection)
    if not warc_dir.is_dir():
        raise UserInputError(f"no WARC collection at {warc_dir}; check --data and --collection")
    report = verify_collection(warc_dir, cli.data.index_dir(collection))
    if as_json:
        for problem in report.problems:
            emit_json({"file": problem.file, "offset": problem.offset, "problem": problem.message,
                       "kind": problem.kind})
    else:
        for name, problems in report.by_file().items():
            _echo_file_problems(name, problems)
    summary = {"files": report.files, "records": report.records, "open_files": report.open_files,
               "problems": len(report.problems), "records_lost": sum(d.records_lost for d in report.damage),
               "ok": report.ok}
    if as_json:
        emit_json(summary)
    else:
        failing = [p for p in report.problems if p.kind != REPAIRED]
        verdict = "OK" if report.ok else f"{len(failing)} problem(s)"
        if report.ok and report.problems:
            verdict += f" ({len(report.problems)} knock-on of repaired damage noted)"
        lost = f", {summary['records_lost']} record(s) lost to damage" if report.damage else ""
        click.echo(f"{report.files} files, {report.records} records, {report.open_files} open: {verdict}{lost}")
    if not report.ok:
        sys.exit(1)


#: knock-on problems shown one by one before they are only counted
KNOCK_ON_SHOWN = 3


def _echo_file_problems(name: str, problems: list[Problem]) -> None:
    """One file's problems: a heading with counts, the problems, knock-on ones summarised."""
    knock_on = [p for p in problems if p.kind in ("knock-on", REPAIRED)]
    direct = [p for p in problems if p not in knock_on]
    counts = f"{len(direct)} problem(s)" + (f", {len(knock_on)} knock-on" if knock_on else "")
    click.echo(f"{name}: {counts}")
    for problem in direct:
        where = "" if problem.offset is None else f"@{problem.offset}: "
        click.echo(f"  {where}{problem.message}")
    if knock_on:
        kinds: dict[str, int] = {}
        for problem in knock_on:
            label = problem.message.split(":")[0].split(" (")[0]
            kinds[label] = kinds.get(label, 0) + 1
        summary = ", ".join(f"{count} {label}" for label, count in sorted(kinds.items()))
        moved = all(p.kind == REPAIRED for p in knock_on)
        cause = "moved aside by `warc repair`" if moved else "in a damaged range"
        click.echo(f"  knock-on of the damage (their partner records were {cause}): {summary}")
        for problem in knock_on[:KNOCK_ON_SHOWN]:
            click.echo(f"    e.g. @{problem.offset}: {problem.message}")


@warc_group.command("repair")
@data_option
@_collection
@pass_cli
def repair_command(cli: CliContext, collection: str) -> None:
    """Seal *.warc.gz.open files a crashed writer left (torn tail cut), and move damaged
    records of sealed files into a side file (<name>.damaged), keeping every intact record.

    Files a running crawl is writing are left alone. Writers seal by themselves at start.
    Cut and damaged bytes are never deleted: they go to the side file."""
    warc_dir = cli.data.warc_dir(collection)
    if not warc_dir.is_dir():
        raise UserInputError(f"no WARC collection at {warc_dir}; check --data and --collection")
    results = repair_directory(warc_dir)
    for result in results:
        if result.sealed is not None:
            write_index(result.sealed, cli.data.index_dir(collection))
            click.echo(f"{result.sealed.name}: kept {result.records_kept} records, cut {result.bytes_cut} bytes"
                       + (f" (kept in {result.sealed.name}.damaged)" if result.bytes_cut else ""))
        else:
            click.echo(f"{result.source.name}: no complete record, removed")
    moved = []
    for path in written_order(warc_dir):
        aside = set_aside_damage(path)
        if aside.damage:
            moved.append(aside)
            write_index(path, cli.data.index_dir(collection))
            ranges = ", ".join(f"{d.start}-{d.end}" for d in aside.damage)
            lost = sum(d.records_lost for d in aside.damage)
            click.echo(f"{path.name}: moved damaged bytes {ranges} ({lost} record(s)) into "
                       f"{aside.side_file.name if aside.side_file else '-'}; kept {aside.records_kept} intact records")
    if moved:
        click.echo("records after the damage moved: run `congan reextract` and `congan index rebuild` so the "
                   "corpus and indexes point to their new offsets")
    if not results and not moved:
        click.echo("nothing to repair")


@warc_group.command("get")
@data_option
@_collection
@click.argument("url")
@click.option(
    "--timestamp",
    "-t",
    metavar="T",
    help="14-digit UTC timestamp (or a prefix); closest capture wins. Default: latest.",
)
@click.option("--payload", is_flag=True, help="Print only the payload, as the server sent it (content coding kept).")
@click.option("--decoded", is_flag=True, help="With --payload: remove the content coding (gzip, deflate).")
@pass_cli
def get_command(
    cli: CliContext, collection: str, url: str, timestamp: str | None, payload: bool, decoded: bool
) -> None:
    """Print the exact stored record of a capture of URL (or its payload).

    For a revisit, --payload prints the payload of the capture it refers to."""
    index_dir = cli.data.index_dir(collection)
    line = find_capture(index_dir, url, timestamp)
    path = cli.data.warc_dir(collection) / line.filename
    if not path.exists():
        raise UserInputError(f"{line.filename} is in the index but not on disk; run `congan index rebuild`")
    out = sys.stdout.buffer
    if not payload:
        out.write(record_bytes(path, line.offset, line.length))
        out.flush()
        return
    record, raw = load_record(path, line.offset)
    if record.rec_type == "revisit":
        original = original_of(index_dir, record)
        if original is None:
            raise UserInputError(
                f"the revisit of {url} at {line.timestamp} points to a capture that is not in the collection"
            )
        record, raw = load_record(cli.data.warc_dir(collection) / original.filename, original.offset)
    if decoded:
        raw = _decode(record, raw)
    out.write(raw)
    out.flush()


def _decode(record: object, raw: bytes) -> bytes:
    headers = getattr(record, "http_headers", None)
    coding = (headers.get_header("Content-Encoding") or "").strip().lower() if headers else ""
    try:
        if coding in ("gzip", "x-gzip"):
            return gzip.decompress(raw)
        if coding == "deflate":
            try:
                return zlib.decompress(raw)
            except zlib.error:
                return zlib.decompress(raw, -zlib.MAX_WBITS)
    except (OSError, EOFError, zlib.error) as exc:
        raise UserInputError(
            f"the stored payload does not decode as {coding} ({exc}); use --payload without --decoded"
        ) from exc
    return raw


COMMANDS = [warc_group]
