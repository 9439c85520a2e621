"""``congan serve``: the web interface (search, article pages, crawls, JSON API)."""

from __future__ import annotations

import logging

import click

from archive.errors import UserInputError

from .checks import check_data_exists
from .context import CliContext, data_option, pass_cli

logger = logging.getLogger(__name__)


@click.command("serve")
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (local only by default).")
@click.option("--port", type=int, default=8080, show_default=True, help="Port; 0 picks a free one.")
@click.option("--replay-url", metavar="URL", envvar="CONGAN_REPLAY_URL",
              help="Origin of the replay server the article pages link to (default http://127.0.0.1:8090).")
@pass_cli
def serve(cli: CliContext, host: str, port: int, replay_url: str | None) -> None:
    """Serve the search interface and the JSON API (docs/api.md) until interrupted."""
    from werkzeug.serving import make_server

    from congan.web import WebConfig, create_app

    check_data_exists(cli.data)
    app = create_app(WebConfig.build(cli.data, replay_url))
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as exc:
        raise UserInputError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from None
    click.echo(f"congan serve listening on http://{host}:{server.server_port}", err=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


COMMANDS = [serve]
