"""Serve a WSGI application (pywb's) with gevent, behind a guard that strips trusted headers.

This file is a script for pywb's own venv, run as
``<pywb venv>/bin/python launch.py --app MODULE:ATTR --config FILE --host H --port P``.
It is never imported by the project (the project's venv has no gevent and no pywb) and
imports nothing from it: stdlib and gevent only; the application is loaded by the name
passed on the command line (``pywb.apps.wayback:application``, pywb's documented WSGI
entry point).

Why not pywb's ``wayback`` command: pywb trusts the ``X-Pywb-ACL-User`` request header to
choose which access rules apply; an outside client must not be able to set it, and
``wayback`` offers no way to drop it. The guard deletes it (and any spelling of it that a
WSGI server maps to the same environ key) before pywb sees the request.

Prints ``pywb listening on http://HOST:PORT`` once the socket is bound (``--port 0`` picks
a free port), then serves until terminated.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

#: environ keys a client must not control (WSGI maps header X-Pywb-ACL-User to this)
STRIPPED_ENVIRON_KEYS = ("HTTP_X_PYWB_ACL_USER",)


class StripTrustedHeaders:
    """WSGI middleware: remove client-supplied headers that pywb treats as trusted."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        for key in STRIPPED_ENVIRON_KEYS:
            environ.pop(key, None)
        return self.app(environ, start_response)


def load_app(spec: str):
    module_name, _, attr = spec.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr or "application")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", default="pywb.apps.wayback:application")
    parser.add_argument("--config", required=True, help="pywb config.yaml")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # gevent must patch the stdlib before anything opens sockets or threads.
    from gevent import monkey

    monkey.patch_all()
    from gevent.pywsgi import WSGIHandler, WSGIServer

    class RequestURIHandler(WSGIHandler):
        """pywb reads the raw request target from REQUEST_URI (as its own server sets)."""

        def get_environ(self):
            environ = super().get_environ()
            environ["REQUEST_URI"] = self.path
            return environ

    config = os.path.abspath(args.config)
    os.environ["PYWB_CONFIG_FILE"] = config
    os.chdir(os.path.dirname(config))
    app = StripTrustedHeaders(load_app(args.app))
    server = WSGIServer((args.host, args.port), app, handler_class=RequestURIHandler, log=sys.stderr)
    server.init_socket()
    host, port = server.address[:2]
    print(f"pywb listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
