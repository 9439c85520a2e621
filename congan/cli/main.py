"""Entry point of the ``congan`` command.

Subcommands live in one module each and are registered in ``COMMAND_MODULES``. Errors the
user can fix (``archive.errors.ArchiveError`` and its children) become one line on stderr
and exit status 1, never a traceback.
"""

from __future__ import annotations

import importlib
import logging
import sqlite3
import sys
from typing import Any

import click

from archive.errors import ArchiveError
from archive.paths import DataDir
from archive.storage_errors import storage_message

from .context import CliContext

#: module name under congan.cli -> attribute holding the click command or group
COMMAND_MODULES: tuple[str, ...] = (
    "crawl",
    "schedule",
    "scheduler",
    "crawls",
    "replay",
    "access",
    "search",
    "serve",
    "corpus",
    "changes",
    "warc",
    "index",
    "wacz",
    "sites",
    "demo",
)


class CongAnGroup(click.Group):
    """A click group that turns project errors into one clear line and exit 1, and imports
    a subcommand's module only when it is asked for (a crawl does not import the search,
    WACZ or web modules: a second or more of start-up)."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return super().get_command(ctx, cmd_name) or _register_until(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _register()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            raise click.ClickException(str(exc)) from None
        except (OSError, sqlite3.DatabaseError) as exc:
            # a full disk, an unwritable data directory, a damaged database: one line, exit 1
            data = ctx.obj.data.root if isinstance(ctx.obj, CliContext) else "the data directory"
            message = storage_message(exc, data)
            if message is None:
                raise
            raise click.ClickException(message) from None


@click.group(cls=CongAnGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    "data_dir",
    metavar="DIR",
    envvar="CONGAN_DATA",
    help="Data directory (default: $CONGAN_DATA, else ./data).",
)
@click.option("-v", "--verbose", count=True, help="More log output (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors.")
@click.version_option(package_name="congan-archive", prog_name="congan")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, verbose: int, quiet: bool) -> None:
    """congan-archive: preserve the network of Vietnamese provincial police portals.

    Crawl the portals into WARC files, extract their articles into a JSON corpus,
    search it, and replay any capture as it was.
    """
    verbosity = -1 if quiet else verbose
    level = logging.WARNING if verbosity < 0 else logging.INFO if verbosity == 0 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.obj = CliContext(data=DataDir.resolve(data_dir), verbosity=verbosity)


_registered: set[str] = set()  # modules of COMMAND_MODULES whose commands are added


def _register_until(command: str | None) -> click.Command | None:
    """Add the commands of each module in turn until ``command`` is among them (None: all)."""
    for name in COMMAND_MODULES:
        if name not in _registered:
            module = importlib.import_module(f"congan.cli.{name}")
            for found in module.COMMANDS:
                cli.add_command(found)
            _registered.add(name)
        if command is not None and command in cli.commands:
            return cli.commands[command]
    return None


def _register() -> None:
    _register_until(None)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="congan")


def get_cli() -> click.Group:
    """The fully registered group (for tests using click's CliRunner)."""
    _register()
    return cli


if __name__ == "__main__":  # pragma: no cover
    main()
