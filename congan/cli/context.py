"""What every subcommand receives: the data directory, output mode, verbosity."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

import click

from archive.paths import DataDir


@dataclass(frozen=True)
class CliContext:
    data: DataDir
    verbosity: int  # -1 quiet, 0 normal, 1+ verbose


pass_cli = click.make_pass_decorator(CliContext)


def data_option(func: Any) -> Any:
    """``--data`` on a subcommand too (``congan search --data D q`` and
    ``congan --data D search q`` both work); the subcommand's value wins."""

    def callback(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value:
            parent = ctx.find_object(CliContext)
            verbosity = parent.verbosity if parent else 0
            ctx.obj = CliContext(data=DataDir.resolve(value), verbosity=verbosity)

    return click.option(
        "--data",
        "data_dir",
        metavar="DIR",
        expose_value=False,
        is_eager=True,
        callback=callback,
        help="Data directory (default: $CONGAN_DATA, else ./data).",
    )(func)


def emit_json(obj: Any) -> None:
    """One JSON object per line, UTF-8, diacritics kept as they are."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n")
