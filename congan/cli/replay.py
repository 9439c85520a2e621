"""``congan replay``: Wayback-style replay of the WARC collections with pywb."""

from __future__ import annotations

import signal
import sys

import click

from archive.paths import DEFAULT_COLLECTION
from archive.replay.server import ReplayServer
from archive.replay.urls import DEFAULT_HOST, DEFAULT_PORT, SERVE_URL_ENV

from .context import CliContext, data_option, pass_cli


def _stop_on_sigterm(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


@click.command("replay")
@data_option
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to bind (pywb's own default, 0.0.0.0, is not used).",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True, help="Port (0: any free port)."
)
@click.option(
    "--collection",
    default=DEFAULT_COLLECTION,
    show_default=True,
    help="Collection to announce (every collection is served).",
)
@click.option("--serve-url", metavar="URL", envvar=SERVE_URL_ENV,
              help="Where `congan serve` runs (default http://127.0.0.1:8080): the banner of an archived article "
                   "links to its page there.")
@pass_cli
def replay_command(cli: CliContext, host: str, port: int, collection: str, serve_url: str | None) -> None:
    """Serve the archive with pywb until interrupted.

    \b
    /<collection>/<YYYYMMDDhhmmss>/<url>   a capture (the closest one if inexact)
    /<collection>/*/<url>                  every capture of a URL
    /<collection>/<timestamp>id_/<url>     the capture's payload, not rewritten

    pywb runs from its own environment (.venv-pywb, or $CONGAN_PYWB_VENV), which is created
    on first use if `make setup` has not done it. Access rules (`congan access`) apply.
    Every replayed page carries a Vietnamese banner: the capture date (Vietnam time), the
    other captures, and a link to the article in `congan serve`."""
    server = ReplayServer(
        cli.data, host=host, port=port, collection=collection,
        announce=lambda line: click.echo(line, err=True), serve_url=serve_url,
    )
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        server.start()
        assert server.config is not None  # written by start()
        click.echo(
            f"replaying {', '.join(server.config.collections)} at {server.base_url}/{collection}/ "
            f"(log: {server.log_path}; Ctrl-C to stop)"
        )
        sys.stdout.flush()
        code = server.wait()
        if code:
            raise click.ClickException(f"pywb stopped with status {code}; see {server.log_path}")
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)


COMMANDS = [replay_command]
