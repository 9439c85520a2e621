"""Serve a WSGI application (pywb's) with gevent, behind a guard that strips trusted headers.

This file is a script for pywb's own venv, run as
``<pywb venv>/bin/python launch.py --app MODULE:ATTR --config FILE --host H --port P``.
It is never imported by the project (the project's venv has no gevent and no pywb) and
imports nothing from it but ``banner.py`` beside it: stdlib, gevent, jinja2 and babel only;
the application is loaded by the name passed on the command line
(``pywb.apps.wayback:application``, pywb's documented WSGI entry point). Before loading it,
the Vietnamese catalogs are compiled (``--catalogs`` -> ``--locales-dir``); after, the
banner's filter and globals are added to its Jinja environment (``banner.install``).

Why not pywb's ``wayback`` command: pywb trusts the ``X-Pywb-ACL-User`` request header to
choose which access rules apply; an outside client must not be able to set it, and
``wayback`` offers no way to drop it. The guard deletes it (and any spelling of it that a
WSGI server maps to the same environ key) before pywb sees the request.

A second guard, ``ResolveNotModified``, fixes one gap of pywb's replay: a
``server-not-modified`` revisit (what an incremental crawl writes for a 304) is replayed as
the bare 304 it recorded, because pywb's loader treats every 3xx revisit as a redirect. The
guard sends the client instead to the capture the 304 confirmed: the latest capture of the
URL at or before that time that is not itself a 304 (found through pywb's own CDX API, so
access rules still apply).

A third, ``declare_charset_first``: pywb puts its head insert (wombat, the banner: several KB)
right after ``<head>``, which pushes the page's own ``<meta charset>`` past the first 1024
bytes, where browsers look for it. A page whose charset is only in that tag (the Lạng Sơn
portal's windows-1258) was then shown as windows-1252 mojibake. The insert now starts with the
charset pywb itself read from the page.

Prints ``pywb listening on http://HOST:PORT`` once the socket is bound (``--port 0`` picks
a free port), then serves until terminated.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import re
import sys
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from banner import cdx_query, compile_catalogs, install  # beside this script, in pywb's venv too

#: environ keys a client must not control (WSGI maps header X-Pywb-ACL-User to this)
STRIPPED_ENVIRON_KEYS = ("HTTP_X_PYWB_ACL_USER",)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    Environ = dict[str, Any]
    StartResponse = Callable[..., Callable[[bytes], object]]
    WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class StripTrustedHeaders:
    """WSGI middleware: remove client-supplied headers that pywb treats as trusted."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        for key in STRIPPED_ENVIRON_KEYS:
            environ.pop(key, None)
        return self.app(environ, start_response)


#: /<collection>/<timestamp><mode>/<url>: a replay request (pywb's URL scheme)
_REPLAY_TARGET = re.compile(r"^/(?P<coll>[^/?]+)/(?P<ts>\d{1,14})(?P<mod>[a-z]{2}_)?/(?P<url>.+)$")


class ResolveNotModified:
    """WSGI middleware: a replayed 304 revisit becomes a redirect to the capture it confirmed."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        target = _REPLAY_TARGET.match(environ.get("REQUEST_URI") or environ.get("PATH_INFO", ""))
        if target is None or environ.get("REQUEST_METHOD") != "GET":
            return self.app(environ, start_response)
        held: dict[str, Any] = {}

        def hold(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> Callable[[bytes], object]:
            held["args"] = (status, headers, exc_info)
            return _no_write

        result = self.app(environ, hold)
        chunks = iter(result)
        first = [] if "args" in held else list(_first(chunks))
        status, headers, exc_info = held["args"]
        if status.startswith("304"):
            earlier = self._confirmed_capture(environ, target)
            if earlier is not None:
                _close(result)
                location = f"/{target['coll']}/{earlier}{target['mod'] or ''}/{target['url']}"
                start_response("302 Found", [("Location", location), ("Content-Length", "0")])
                return [b""]
        start_response(status, headers, exc_info)
        return _Body(chain(first, chunks), result)

    def _confirmed_capture(self, environ: Environ, target: re.Match[str]) -> str | None:
        """Timestamp of the latest capture at or before the 304 that is not a 304."""
        lines = cdx_query(self.app, environ, target["coll"], [
            ("url", target["url"]), ("to", target["ts"]), ("sort", "reverse"),
            ("filter", "!status:304"), ("limit", "1"),
        ])
        if not lines:
            return None
        found: str | None = lines[0].get("timestamp")
        return found


def _no_write(_data: bytes) -> object:
    raise RuntimeError("write() is not supported behind ResolveNotModified")


def _first(chunks: Iterator[bytes]) -> Iterator[bytes]:
    for chunk in chunks:
        yield chunk
        return


def _close(result: object) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()


class _Body:
    """The response body, still closing the application's iterable when done."""

    def __init__(self, chunks: Iterator[bytes], result: Iterable[bytes]) -> None:
        self.chunks = chunks
        self.result = result

    def __iter__(self) -> Iterator[bytes]:
        return self.chunks

    def close(self) -> None:
        _close(self.result)


def load_app(spec: str) -> Any:
    module_name, _, attr = spec.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr or "application")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", default="pywb.apps.wayback:application")
    parser.add_argument("--config", required=True, help="pywb config.yaml")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--catalogs", type=Path, help="folder of <locale>/LC_MESSAGES/messages.po to compile")
    parser.add_argument("--locales-dir", type=Path, help="where pywb loads the compiled catalogs (locales_root_dir)")
    parser.add_argument("--corpus-index", type=Path, help="corpus/index.sqlite3, for the banner's article link")
    parser.add_argument("--serve-url", default="", help="congan serve's root URL, for the banner's article link")
    return parser.parse_args(argv)


CHARSET_NAME = re.compile(r"[A-Za-z0-9._:-]{1,40}")


def declare_charset_first() -> None:
    """Prefix pywb's head insert with ``<meta charset>`` of the charset it detected."""
    from pywb.rewrite.content_rewriter import BaseContentRewriter  # pinned pywb 2.10.0

    original = BaseContentRewriter.get_head_insert

    def get_head_insert(self: Any, rwinfo: Any, rule: Any, head_insert_func: Any, cdx: Any) -> str:
        insert: str = original(self, rwinfo, rule, head_insert_func, cdx)
        charset = rwinfo.charset
        if insert and isinstance(charset, str) and CHARSET_NAME.fullmatch(charset):
            insert = f'<meta charset="{charset}">' + insert
        return insert

    BaseContentRewriter.get_head_insert = get_head_insert


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # gevent must patch the stdlib before anything opens sockets or threads.
    from gevent import monkey

    monkey.patch_all()
    from gevent.pywsgi import WSGIHandler, WSGIServer

    class RequestURIHandler(WSGIHandler):  # type: ignore[misc]  # gevent is untyped here
        """pywb reads the raw request target from REQUEST_URI (as its own server sets)."""

        def get_environ(self) -> Environ:
            environ: Environ = super().get_environ()
            environ["REQUEST_URI"] = self.path
            return environ

    config = os.path.abspath(args.config)
    os.environ["PYWB_CONFIG_FILE"] = config
    os.chdir(os.path.dirname(config))
    if args.catalogs and args.locales_dir:
        # before pywb is imported: it loads the catalogs when the app is built
        compile_catalogs(args.catalogs, args.locales_dir)
    pywb_app = load_app(args.app)
    declare_charset_first()
    rewriter = getattr(pywb_app, "rewriterapp", None)
    if rewriter is not None:
        install(pywb_app, rewriter.jinja_env.jinja_env, corpus_index=args.corpus_index, serve_url=args.serve_url)
    app = StripTrustedHeaders(ResolveNotModified(pywb_app))
    server = WSGIServer((args.host, args.port), app, handler_class=RequestURIHandler, log=sys.stderr)
    server.init_socket()
    host, port = server.address[:2]
    print(f"pywb listening on http://{host}:{port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
